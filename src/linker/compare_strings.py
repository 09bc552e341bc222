"""String similarity on aligned code arrays, for `linker.compare`: code-point matrices of a vocabulary, a
scorer run once per distinct pair of values, and the one-edit test on the matrices (no string comparison
per pair)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

if TYPE_CHECKING:
    from .compare import Encoded


def code_point_matrix(values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The matrix behind `linker.compare.Encoded.code_points`."""
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    width = int(min(width, max(lengths.max(initial=1), 1)))
    cut = values if lengths.max(initial=0) <= width else [v[:width] for v in values]
    mat = np.array(cut, dtype=f"<U{width}").view(np.uint32).reshape(len(values), width)
    chars = sorted(set("".join(cut)))
    if len(chars) < 256:                    # one byte per character: 0 is the padding
        table = np.zeros(int(mat.max(initial=0)) + 1, np.uint8)
        table[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1, dtype=np.uint8)
        mat = table[mat]
    return mat, lengths


def pair_similarity(vocab: np.ndarray, a: np.ndarray, b: np.ndarray, scorer, workers: int, *,
                     distinct: bool = True, score_cutoff: float | None = None) -> np.ndarray:
    """scorer(vocab[a], vocab[b]) for aligned code arrays, computed once per distinct (a, b); with
    ``distinct=False`` once per pair (near-unique values, e.g. personal numbers: hashing the pairs would
    cost more than scoring them)."""
    if len(a) == 0:
        return np.zeros(0, np.float32)
    # equal codes are equal strings: their score is the scorer's on identical strings, no lookup needed
    # (candidate pairs agree on a blocking key, so most name pairs are equal)
    out = np.full(len(a), scorer("a", "a"), np.float32)
    differ = np.flatnonzero(a != b)
    if not len(differ):
        return out
    if not distinct:
        sims = process.cpdist(vocab[a[differ]].tolist(), vocab[b[differ]].tolist(), scorer=scorer,
                              workers=workers, dtype=np.float32, score_cutoff=score_cutoff)
        out[differ] = sims
        return out
    key = a[differ].astype(np.int64) * (len(vocab) + 1) + b[differ]
    inv, uniq = pd.factorize(key, sort=False)          # hashing: no sort of millions of pairs
    ua, ub = uniq // (len(vocab) + 1), uniq % (len(vocab) + 1)
    sims = process.cpdist(vocab[ua].tolist(), vocab[ub].tolist(), scorer=scorer, workers=workers,
                          dtype=np.float32, score_cutoff=score_cutoff)
    out[differ] = np.asarray(sims, np.float32)[inv]
    return out


def within_one_edit(enc: Encoded, vocab: str, a: np.ndarray, b: np.ndarray, workers: int,
                     width: int = 16) -> np.ndarray:
    """OSA distance of vocab[a], vocab[b] at most 1 (equal, one substitution, insertion, deletion or
    transposition of neighbours), on code-point matrices instead of a string comparison per pair;
    values longer than ``width`` go to rapidfuzz."""
    mat, lengths = enc.code_points(vocab, width)
    width = mat.shape[1]
    la, lb = lengths[a], lengths[b]
    out = np.zeros(len(a), bool)
    long = (la > width) | (lb > width)
    if long.any():
        idx = np.flatnonzero(long)
        V = enc.vocab[vocab]
        out[idx] = process.cpdist(V[a[idx]].tolist(), V[b[idx]].tolist(), scorer=OSA.distance,
                                  workers=workers, score_cutoff=1) <= 1
    short = np.flatnonzero(~long & (np.abs(la - lb) <= 1))
    if not len(short):
        return out
    A, B = mat[a[short]], mat[b[short]]
    la, lb = la[short], lb[short]
    diff = A != B                                   # padding is 0 on both sides past the shorter length
    same_len = la == lb
    n_diff = diff.sum(axis=1)
    ok = same_len & (n_diff <= 1)
    # one transposition of neighbours: exactly two differing positions, adjacent, crosswise equal
    two = np.flatnonzero(same_len & (n_diff == 2))
    if len(two):
        first = diff[two].argmax(axis=1)
        nxt = np.minimum(first + 1, width - 1)
        r = np.arange(len(two))
        At, Bt = A[two], B[two]
        ok[two] = diff[two, nxt] & (nxt == first + 1) & (At[r, first] == Bt[r, nxt]) & (At[r, nxt] == Bt[r, first])
    # one insertion or deletion: the common prefix and the common suffix (aligned at the ends) cover the
    # shorter value
    one = np.flatnonzero(~same_len)
    if len(one):
        S = np.where((la[one] < lb[one])[:, None], A[one], B[one])     # shorter
        L = np.where((la[one] < lb[one])[:, None], B[one], A[one])     # longer
        n = np.minimum(la[one], lb[one])
        pos = np.arange(width)[None, :]
        prefix = np.cumprod(S == L, axis=1).sum(axis=1)               # leading positions equal
        # suffix: S[i] == L[i + 1] for i from the end of S backwards
        Lshift = np.concatenate([L[:, 1:], np.zeros((len(one), 1), L.dtype)], axis=1)
        eq_shift = (S == Lshift) & (pos < n[:, None])
        # count trailing True among the first n positions
        rev = eq_shift[:, ::-1]
        lead_false = width - n                                       # positions past n are False: skip them
        run = np.cumprod(np.where(pos < lead_false[:, None], True, rev), axis=1).sum(axis=1) - lead_false
        ok[one] = np.minimum(prefix, n) + np.maximum(run, 0) >= n
    out[short] = ok
    return out
