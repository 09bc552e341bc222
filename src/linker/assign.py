"""Decide per list entry, not per pair.

Each entry is at most one registry person. Under "entry i is registry person j" the data is 2^w(i,j) times
as likely as under "entry i is nobody in the registry" (w = the pair's match weight). With the genuine share
pi of the list, N registry records and a blocking miss rate beta (a genuine entry whose record no rule
caught looks like nobody):

    P(i = j) = (pi / N) 2^w(i,j) / D_i,   D_i = (1 - pi) + pi beta + (pi / N) sum_k 2^w(i,k)
    P(i genuine) = sum_j P(i = j) + pi beta / D_i

pi is estimated by EM over entries (bounded away from 0 and 1), never assumed, so a fabricated list
lands near 0. Two candidates that fit equally split the probability: namesakes go to review together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LN2 = np.log(2.0)


@dataclass(frozen=True)
class EntryFit:
    genuine_share: float
    iterations: int


def _segments(entry: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Pairs grouped by entry without a per-pair Python loop: (order that groups them, or None when
    ``entry`` is already non-decreasing as blocking returns it; start of each group in that order; entry of
    each group)."""
    order = None
    if len(entry) > 1 and bool((entry[1:] < entry[:-1]).any()):
        order = np.argsort(entry, kind="stable")
        entry = entry[order]
    starts = np.flatnonzero(np.r_[True, entry[1:] != entry[:-1]]) if len(entry) else np.zeros(0, np.int64)
    return order, starts, entry[starts]


def _entry_logsumexp(entry: np.ndarray, logbf: np.ndarray, n_entries: int) -> np.ndarray:
    """log sum_k exp(logbf) per entry; -inf where an entry has no pairs (segment reductions, no ufunc.at)."""
    out = np.full(n_entries, -np.inf)
    if len(entry) == 0:
        return out
    order, starts, ents = _segments(entry)
    x = logbf if order is None else logbf[order]
    mx = np.maximum.reduceat(x, starts)
    lengths = np.diff(np.r_[starts, len(x)])
    s = np.add.reduceat(np.exp(x - np.repeat(mx, lengths)), starts)
    out[ents] = mx + np.log(s)
    return out


def fit_genuine_share(entry: np.ndarray, weight: np.ndarray, n_entries: int, n_registry: int, *,
                      miss_rate: float, start: float = 0.5, max_iter: int = 500, tol: float = 1e-7,
                      fixed: np.ndarray | None = None, entry_weight: np.ndarray | None = None) -> EntryFit:
    """EM for the share of list entries that are registry people (``entry_weight``: each entry counted that
    many times, a bootstrap replicate of the list)."""
    lse = _entry_logsumexp(entry, weight * LN2, n_entries) - np.log(max(n_registry, 1))
    pi = float(np.clip(start, 1e-4, 1 - 1e-4))
    it = 0
    for it in range(1, max_iter + 1):
        a = np.log(pi) + lse                                 # log (pi/N) sum 2^w
        b = np.log(pi * miss_rate)
        c = np.log1p(-pi)
        num = np.logaddexp(a, b)
        post = np.exp(num - np.logaddexp(num, c))
        if fixed is not None:
            post = np.where(np.isnan(fixed), post, fixed)
        if entry_weight is not None:
            mean = float(post @ entry_weight / max(float(entry_weight.sum()), 1e-9))
        else:
            mean = post.mean() if n_entries else 0.5
        new = float(np.clip(mean, 1e-4, 1 - 1e-4))
        if abs(new - pi) < tol:
            pi = new
            break
        pi = new
    return EntryFit(pi, it)


def entry_posteriors(entry: np.ndarray, weight: np.ndarray, n_entries: int, n_registry: int, *,
                     genuine_share: float, miss_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """(P(i = j) per pair, P(i genuine) per entry)."""
    pi = genuine_share
    logbf = weight * LN2 - np.log(max(n_registry, 1)) + np.log(pi)
    lse = _entry_logsumexp(entry, logbf, n_entries)
    none = np.logaddexp(np.log1p(-pi), np.log(pi * miss_rate))
    logd = np.logaddexp(lse, none)
    pair_p = np.exp(logbf - logd[entry]) if len(entry) else np.zeros(0)
    genuine = np.exp(np.logaddexp(lse, np.log(pi * miss_rate)) - logd)
    return pair_p, genuine


def decide(entry: np.ndarray, right: np.ndarray, pair_p: np.ndarray, genuine: np.ndarray, n_entries: int, *,
           match_threshold: float, review_threshold: float) -> pd.DataFrame:
    """Best candidate, runner-up and decision per entry (rows in entry order)."""
    best = np.full(n_entries, -1, np.int64)        # pair index of the best candidate
    runner = np.full(n_entries, -1, np.int64)
    ncand = np.bincount(entry, minlength=n_entries) if len(entry) else np.zeros(n_entries, np.int64)
    if len(entry):
        # highest probability per entry, ties to the lowest registry row; then the same without the best
        n_r = int(right.max()) + 1
        key = entry.astype(np.int64) * n_r + right
        order = None if not bool((key[1:] < key[:-1]).any()) else np.argsort(key, kind="stable")
        e_s = entry if order is None else entry[order]
        p_s = np.asarray(pair_p, float) if order is None else np.asarray(pair_p, float)[order]
        starts = np.flatnonzero(np.r_[True, e_s[1:] != e_s[:-1]])
        lengths = np.diff(np.r_[starts, len(e_s)])
        seg = np.repeat(np.arange(len(starts)), lengths)

        def first_max(p: np.ndarray) -> np.ndarray:
            top = np.maximum.reduceat(p, starts)
            at = np.flatnonzero(p == top[seg])
            firsts = at[np.r_[True, seg[at][1:] != seg[at][:-1]]]
            pos = np.full(len(starts), -1, np.int64)
            pos[seg[firsts]] = firsts
            return pos

        b = first_max(p_s)
        p2 = p_s.copy()
        p2[b] = -np.inf
        r = first_max(p2)
        r[lengths < 2] = -1
        to_pair = (lambda k: k) if order is None else (lambda k: order[k])
        best[e_s[starts]] = to_pair(b)
        two = r >= 0
        runner[e_s[starts][two]] = to_pair(r[two])
    p_best = np.where(best >= 0, pair_p[np.clip(best, 0, None)] if len(pair_p) else 0.0, 0.0)
    p_run = np.where(runner >= 0, pair_p[np.clip(runner, 0, None)] if len(pair_p) else 0.0, 0.0)
    p_cand = np.bincount(entry, weights=pair_p, minlength=n_entries) if len(entry) else np.zeros(n_entries)
    decision = np.where(p_best >= match_threshold, "match",
                        np.where(p_cand >= review_threshold, "review", "no_match"))
    return pd.DataFrame({
        "best_pair": best, "runner_pair": runner, "p_best": p_best, "p_runner": p_run,
        "p_genuine": genuine, "n_candidates": ncand, "decision": decision.astype(object),
    })


def resolve_claims(best_right: np.ndarray, p_best: np.ndarray, decision: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Several entries landing on one registry record.

    Among entries whose best candidate is the same record (match or review), the most probable one keeps
    it; another confident `match` is a duplicate listing of that person (kept as match, linked to the
    same record, counted once); a `review` one is flagged ``claimed`` so a reviewer sees the conflict.
    Returns (decision, flag per entry or "", index of the primary entry or -1).
    """
    n = len(best_right)
    flag = np.full(n, "", dtype=object)
    dup_of = np.full(n, -1, np.int64)
    active = (best_right >= 0) & (decision != "no_match")
    if not active.any():
        return decision, flag, dup_of
    idx = np.flatnonzero(active)
    order = np.lexsort((idx, -p_best[idx], best_right[idx]))
    rows = idx[order]
    recs = best_right[rows]
    first = np.r_[True, recs[1:] != recs[:-1]]
    primary = rows[first][np.cumsum(first) - 1]
    others = ~first
    o_rows, o_prim = rows[others], primary[others]
    is_dup = (decision[o_rows] == "match") & (decision[o_prim] == "match")
    flag[o_rows[is_dup]] = "duplicate_listing"
    dup_of[o_rows[is_dup]] = o_prim[is_dup]
    flag[o_rows[~is_dup]] = "claimed"
    dup_of[o_rows[~is_dup]] = o_prim[~is_dup]
    return decision, flag, dup_of
