"""Duplicate listings inside a list: entries that are the same person, whether or not the registry has him.

The list is blocked and compared against itself with the match run's own model (its m and u describe how
two records of one person differ), with term frequencies of the list. A pair of entries is the same person
when its probability, with a prior of one duplicate per entry at most (1/n), reaches the match threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import blocking, compare as cmp, model as fs


def list_duplicate_pairs(std: pd.DataFrame, model: fs.Model, *, threshold: float, max_pairs: int,
                         chunk: int, workers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(earlier entry, later entry, probability) of the pairs of list entries that are the same person."""
    n = len(std)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if n < 2:
        return empty
    enc = cmp.restrict(cmp.encode(std, std), model.comparisons, source="model")
    try:
        # two listings of one person share a date or a number far more often than not: only rules that
        # carry one (the name rules alone would pair every namesake pair of a large list)
        rules = [r for r in blocking.default_rules(std, std)
                 if set(r.list_keys) & {"by", "dob", "dob_swapped", "bm", "bd", "pnum", "pnum_d"}]
        if not rules:
            return empty
        res = blocking.block(std, std, rules, max_pairs=max_pairs, dedupe=True, automatic=True, max_block=500)
    except blocking.BlockingError:
        return empty
    if not res.n_pairs:
        return empty
    from .engines.local import compare_in_chunks
    gam = compare_in_chunks(enc, res.left, res.right, chunk, workers)
    w = fs.score(model, enc, gam, res.left, res.right, fs.TermFrequencies.from_encoded(enc))["match_weight"].to_numpy()
    logit = w * np.log(2) - np.log(max(n - 1, 1))
    prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
    keep = prob >= threshold
    return res.left[keep].astype(np.int64), res.right[keep].astype(np.int64), prob[keep]
