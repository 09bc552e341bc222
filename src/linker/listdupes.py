"""Duplicate listings inside a list: entries that are the same person, whether or not the registry has him.

The list is blocked and compared against itself with the match run's own model (its m and u describe how
two records of one person differ), with term frequencies of the list. A pair of entries is the same person
when its probability, with a prior of one duplicate per entry at most (1/n), reaches the match threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import blocking, compare as cmp, model as fs

#: the keys of the rules used here: two listings of one person share a date or a number
DATE_OR_NUMBER = frozenset({"by", "dob", "dob_swapped", "bm", "bd", "pnum", "pnum_d"})


def recode(enc: cmp.Encoded, left: dict[str, np.ndarray], right: dict[str, np.ndarray]) -> cmp.Encoded | None:
    """`cmp.encode` of two tables whose string columns hold values of ``enc``'s vocabularies, from ``enc``'s
    codes of those values (``left``/``right``: column -> codes; the other columns as they are), without
    hashing a string: each vocabulary is cut to the values the two tables use, which is the vocabulary
    `cmp.encode` builds from their strings ("" first, the rest sorted), and the codes are renumbered.
    None when a code is missing (-1): then `cmp.encode` must run on the strings."""
    new_l, new_r = dict(left), dict(right)
    vocab: dict[str, np.ndarray] = {}
    code_points: dict = {}
    for key, words in enc.vocab.items():
        cols = cmp.NAME_COLS if key == "name" else (key,)
        arrays = [a for side in (left, right) for a in {id(side[c]): side[c] for c in cols}.values()]
        if any(len(a) and a.min() < 0 for a in arrays):
            return None
        used = np.zeros(len(words), bool)
        used[0] = True
        for a in arrays:
            used[a] = True
        if used.all():
            vocab[key] = words
            if key in enc.code_point_cache:
                code_points[key] = enc.code_point_cache[key]
            continue
        vocab[key] = words[used]
        if key in enc.code_point_cache:                      # the cut vocabulary's rows of the matrix
            mat, lengths = enc.code_point_cache[key]
            code_points[key] = (mat[used], lengths[used])
        remap = (np.cumsum(used) - 1).astype(np.int32)
        done: dict[int, np.ndarray] = {}
        for side, new in ((left, new_l), (right, new_r)):
            for c in cols:
                a = side[c]
                if id(a) not in done:
                    done[id(a)] = remap[a]
                new[c] = done[id(a)]
    return cmp.Encoded(new_l, new_r, vocab, enc.comparisons, code_point_cache=code_points)


def list_duplicate_pairs(std: pd.DataFrame, model: fs.Model, *, threshold: float, max_pairs: int,
                         chunk: int, workers: int, enc: cmp.Encoded | None = None
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(earlier entry, later entry, probability) of the pairs of list entries that are the same person.

    ``enc``: the run's encoding with this list as its left side (optional): the list's own encoding and
    blocking keys are then derived from its codes instead of hashing the strings again."""
    n = len(std)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if n < 2:
        return empty
    own = None
    if enc is not None and enc.n_left == n:
        own = recode(enc, enc.left, enc.left)
    if own is None:
        own = cmp.encode(std, std)
    enc_ll = cmp.restrict(own, model.comparisons, source="model")
    try:
        # two listings of one person share a date or a number far more often than not: only rules that
        # carry one (the name rules alone would pair every namesake pair of a large list)
        rules = [r for r in blocking.default_rules(std, std) if set(r.list_keys) & DATE_OR_NUMBER]
        if not rules:
            return empty
        res = blocking.block(std, std, rules, max_pairs=max_pairs, dedupe=True, automatic=True, max_block=500,
                             enc=enc_ll)      # blocking reuses the encoding's codes of the string columns
    except blocking.BlockingError:
        return empty
    if not res.n_pairs:
        return empty
    from .compare import compare_in_chunks
    tf = fs.TermFrequencies.from_encoded(enc_ll)
    left, right = res.left, res.right
    if 0 < threshold < 1:       # the weight a pair needs: logit(threshold) + log(n - 1), in bits
        need = (np.log(threshold / (1 - threshold)) + np.log(max(n - 1, 1))) / np.log(2)
        could = _could_reach(model, enc_ll, left, right, tf, need, chunk, workers)
        if could is not None:
            left, right = left[could], right[could]
    gam = compare_in_chunks(enc_ll, left, right, chunk, workers)
    w = fs.score(model, enc_ll, gam, left, right, tf)["match_weight"].to_numpy()
    logit = w * np.log(2) - np.log(max(n - 1, 1))
    prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
    keep = prob >= threshold
    return left[keep].astype(np.int64), right[keep].astype(np.int64), prob[keep]


#: the columns only the personal-number comparison reads
PNUM_COLS = ("pnum", "pnum_t", "pnum_d")


def _could_reach(model: fs.Model, enc: cmp.Encoded, left: np.ndarray, right: np.ndarray,
                 tf: fs.TermFrequencies, need: float, chunk: int, workers: int) -> np.ndarray | None:
    """Which pairs could weigh ``need`` bits: every comparison but the personal number's (its edit distance
    over millions of distinct numbers costs most) scored exactly, with the personal number's top weight
    added (its level only adds its own weight, at most the top one; a bit of margin on top). Most pairs of
    a list against itself are namesakes or share a birth year only and fall far short. None when there is
    no personal-number comparison (nothing to save)."""
    if not any(c.name == "personal_number" for c in model.comparisons) or not len(left):
        return None
    from .compare import compare_in_chunks

    blank = {c: np.zeros_like(enc.left[c]) for c in PNUM_COLS}
    no_pnum = cmp.Encoded({**enc.left, **blank}, {**enc.right, **{c: np.zeros_like(enc.right[c]) for c in PNUM_COLS}},
                          enc.vocab, enc.comparisons)
    gam = compare_in_chunks(no_pnum, left, right, chunk, workers)
    if (gam["gamma_personal_number"].to_numpy() != -1).any():   # not missing as expected: compare it all
        return None
    w = fs.score(model, no_pnum, gam, left, right, tf)["match_weight"].to_numpy()
    top = max(0.0, float(model.weight_table()["personal_number"].max()))
    return w + top + 1.0 >= need
