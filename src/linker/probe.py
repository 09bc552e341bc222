"""The blocking miss rate measured, where it cannot be inferred: a second, looser look at a sample of the
entries that found nobody.

A genuine entry whose registry record no blocking rule proposed looks like someone who is not in the
registry, so the published count misses it. With an identifier on both sides, capture-recapture between the
identifier rules and the others reads the rate from the data (`linker.interval.miss_rate`); without one
(a census-style list, or a roster without personal numbers) there is nothing to recapture with. This module
measures it instead: a seeded sample of the entries that are probably not genuine (P(genuine) < 0.5) is
blocked again against the whole registry on single loose keys (the surname stem alone, the given name with
the birth year, the whole date of birth, the phonetic surname with the first initial), each candidate is
scored with the fitted model, and the rise of each sampled entry's P(genuine) is the chance that blocking
missed its record. Scaled to all such entries, that is the number of genuine entries blocking missed, with
a sampling error from the sample's spread.

It does not see records the loose keys miss too (an entry damaged in every one of them), so it is a lower
bound of the miss, and the report says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import assign, blocking, compare as cmp, model as fs

#: entries looked at again, at most; their loose candidates per key value, at most
PROBE_ENTRIES = 200
PROBE_BLOCK = 2000
#: the loose keys, each alone a rule (those both sides can carry)
PROBE_RULES = (("sn_stem",), ("fn_canon", "by"), ("dob",), ("sn_phon", "fn_init"))


def probe_missed(std_l: pd.DataFrame, std_r: pd.DataFrame, enc: cmp.Encoded, model: fs.Model,
                 tf: fs.TermFrequencies, scored, *, seed: int, workers: int = 1) -> dict | None:
    """``{"missed": expected genuine entries blocking missed, "sd": its sampling error, "pool": entries it
    applies to, "sampled": entries looked at, "found": expected genuine among them}``, or None when no entry
    is left to look at or no loose key is on both sides."""
    p_gen = scored.entries["p_genuine"].to_numpy(float)
    pool = np.flatnonzero(p_gen < 0.5)
    rules = [blocking.Rule.parse(r) for r in PROBE_RULES
             if all(blocking.available(std_l, k) and blocking.available(std_r, k) for k in r)]
    if not len(pool) or not rules:
        return None
    rng = np.random.default_rng([seed, 19])
    rows = np.sort(rng.choice(pool, min(PROBE_ENTRIES, len(pool)), replace=False)) if len(pool) > PROBE_ENTRIES \
        else pool
    got = blocking.block(std_l.iloc[rows].reset_index(drop=True), std_r, rules, max_pairs=1 << 62,
                         max_block=PROBE_BLOCK)
    k, n_r = len(rows), len(std_r)
    # the sampled entries' candidates: what blocking proposed before, and what the loose keys add
    old = np.isin(scored.left, rows)
    renum = np.full(len(std_l), -1, np.int64)
    renum[rows] = np.arange(k)
    ol, orr = renum[scored.left[old]], scored.right[old].astype(np.int64)
    ow = scored.weights["match_weight"].to_numpy()[old]
    fresh = ~np.isin(got.left.astype(np.int64) * n_r + got.right, ol * n_r + orr)
    nl, nr = got.left[fresh].astype(np.int64), got.right[fresh].astype(np.int64)
    if len(nl):
        gam = cmp.compare(enc, rows[nl], nr, workers=workers)
        nw = fs.score(model, enc, gam, rows[nl], nr, tf)["match_weight"].to_numpy()
    else:
        nw = np.zeros(0)
    share = model.genuine_share

    def genuine(entry: np.ndarray, w: np.ndarray) -> np.ndarray:
        order = np.argsort(entry, kind="stable")
        return assign.entry_posteriors(entry[order], w[order], k, n_r, genuine_share=share, miss_rate=1e-9)[1]

    before = genuine(ol, ow)
    after = genuine(np.r_[ol, nl], np.r_[ow, nw])
    gain = np.clip(after - before, 0.0, 1.0)
    scale = len(pool) / k
    fpc = max(0.0, 1.0 - k / len(pool))          # the sample is drawn without replacement from the pool
    sd = float(len(pool) * np.std(gain, ddof=1) / np.sqrt(k) * np.sqrt(fpc)) if k > 1 else 0.0
    return {"missed": float(gain.sum() * scale), "sd": sd, "pool": int(len(pool)), "sampled": int(k),
            "found": round(float(gain.sum()), 3), "rules": [r.name for r in rules]}
