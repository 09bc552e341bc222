"""The chance test: how often would a fabricated list of the same kind match?

Decoy entries recombine the list's own fields across entries: the surname of one entry, the given name of
another, the patronymic of a third, the date of birth of a fourth, and so on. Each decoy looks like a list
entry (same name and date distributions, same damage) but is nobody. They are scored against the registry
with the very model and share of the run; the share decided `match` is the rate a fabricated list would
reach by chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import blocking, compare as cmp

#: columns of the standardized table that travel together when fields are recombined
GROUPS = (
    ("sn", "sn_stem", "sn_phon", "sn_init"),
    ("fn", "fn_canon", "fn_phon", "fn_init", "fn_is_init"),
    ("pt", "pt_init", "pt_is_init"),
    ("by", "bm", "bd"),
    ("pnum", "pnum_t", "pnum_d"), ("rank",), ("cat",), ("unit",),
)


@dataclass(frozen=True)
class ChanceTest:
    decoys: int
    decoy_matches: int
    decoy_rate: float
    low: float
    high: float
    observed_rate: float
    observed_low: float
    observed_high: float
    verdict: str
    explanation: str

    def to_dict(self) -> dict:
        return {"decoys": self.decoys, "decoy_matches": self.decoy_matches, "decoy_match_rate": self.decoy_rate,
                "low": self.low, "high": self.high, "observed_match_rate": self.observed_rate,
                "observed_low": self.observed_low, "observed_high": self.observed_high,
                "verdict": self.verdict, "explanation": self.explanation}


def make_decoys(std: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """n decoy entries, each field group drawn from a different random list entry."""
    rng = np.random.default_rng(seed)
    rows = len(std)
    out = {}
    groups = list(GROUPS) + [(c,) for c in std.columns if c.startswith("t_")]
    for group in groups:
        pick = rng.integers(0, rows, n)
        for c in group:
            if c in std:
                out[c] = std[c].to_numpy()[pick]
    dec = pd.DataFrame(out)
    dec["flags"] = ""
    return dec[[c for c in std.columns if c in dec.columns]]


def chance_test(run, settings, observed_matches: int, n_list: int) -> ChanceTest:
    from ..engines.local import compare_in_chunks, score_entries
    from .build import wilson

    n = int(settings.decoys)
    decoys = make_decoys(run.list.std, n, settings.seed + 7919)
    enc = cmp.encode(decoys, run.registry.std)
    enc = cmp.restrict(enc, run.model.comparisons, source="model")
    rules = [blocking.Rule.parse(name.split("+")) for name, _n in run.blocking.rule_pairs]  # the run's own
    blocked = blocking.block(decoys, run.registry.std, rules, max_pairs=max(settings.max_pairs, 1),
                             max_block=settings.max_block)
    gam = compare_in_chunks(enc, blocked.left, blocked.right, settings.chunk_pairs, settings.workers)
    n_r = len(run.registry.std)
    scored = score_entries(run.model, enc, run.tf, blocked.left, blocked.right, gam, n, n_r, settings,
                           fit_share=False)
    k = int((scored.entries["decision"] == "match").sum())
    lo, hi = wilson(k, n)
    obs = observed_matches / n_list if n_list else 0.0
    olo, ohi = wilson(observed_matches, n_list)
    if olo > hi:
        verdict = "genuine"
        text = (f"{obs:.1%} of the list's entries are confirmed, against {k / n:.1%} (95% interval "
                f"{lo:.1%} to {hi:.1%}) for a fabricated list built by recombining the list's own fields: "
                "far more than chance explains.")
    elif obs <= hi:
        verdict = "not_shown"
        text = (f"This list is not shown to be genuine: a fabricated list of the same kind would match about as "
                f"often ({k / n:.1%}, interval {lo:.1%} to {hi:.1%}) as this one ({obs:.1%}).")
    else:
        verdict = "inconclusive"
        text = (f"The list matches more often ({obs:.1%}) than a fabricated one ({k / n:.1%}, interval {lo:.1%} to "
                f"{hi:.1%}), but the intervals overlap: inconclusive.")
    return ChanceTest(n, k, k / n if n else 0.0, lo, hi, obs, olo, ohi, verdict, text)
