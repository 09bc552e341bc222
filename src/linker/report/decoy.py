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

#: columns of the standardized table that travel together when fields are recombined: each comparison's
#: group, as its description gives it (`linker.compare.Comparison.group`)
GROUPS = tuple(c.group for c in cmp.COMPARISONS.values() if c.group)


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


def _picks(std: pd.DataFrame, n: int, seed: int) -> dict[str, np.ndarray]:
    """For each column of the decoys, the list row each decoy takes it from (a field group shares its draw)."""
    rng = np.random.default_rng(seed)
    rows = len(std)
    out = {}
    groups = list(GROUPS) + [(c,) for c in std.columns if c.startswith("t_")]
    for group in groups:
        pick = rng.integers(0, rows, n)
        for c in group:
            if c in std:
                out[c] = pick
    return out


def make_decoys(std: pd.DataFrame, n: int, seed: int, picks: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """n decoy entries, each field group drawn from a different random list entry."""
    picks = _picks(std, n, seed) if picks is None else picks
    dec = pd.DataFrame({c: std[c].to_numpy()[pick] for c, pick in picks.items()})
    dec["flags"] = ""
    return dec[[c for c in std.columns if c in dec.columns]]


def _encode_decoys(run, picks: dict[str, np.ndarray], decoys: pd.DataFrame) -> cmp.Encoded:
    """`cmp.encode(decoys, registry)`: the decoys' values are the list's, so their codes are taken from the
    run's encoding and the vocabularies cut to what the decoys and the registry use (`listdupes.recode`),
    with no string of the registry hashed again; the strings are encoded when that is not possible."""
    from ..listdupes import recode

    enc = run.enc
    n_r = len(run.registry.std)
    if enc is not None and enc.n_left == len(run.list.std) and all(c in picks for c in enc.left) \
            and all(len(a) == n_r for a in enc.right.values()):
        got = recode(enc, {c: a[picks[c]] for c, a in enc.left.items()}, enc.right)
        if got is not None:
            return got
    return cmp.encode(decoys, run.registry.std)


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _lookup(decoys: pd.DataFrame, reg: pd.DataFrame, cl: str, cr: str, enc: cmp.Encoded
            ) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Codes of the decoys' values of ``cl`` and of the registry's of ``cr`` among the decoys' distinct values
    that can block ("" and numbers <= 0 cannot; -1: cannot, or no decoy has it), and how many there are;
    from ``enc``'s codes when both columns are coded in one vocabulary. None when the two columns are not
    both strings or both numbers (blocking would compare them as text)."""
    coded = enc.pair_codes(cl, cr)
    if coded is not None:
        a, b, size = coded                            # code 0 is ""
        used = _sorted_unique(a[a > 0])
        table = np.full(size, -1, np.int32)
        table[used] = np.arange(len(used))
        return table[a], table[b], len(used)
    a, b = decoys[cl].to_numpy(), reg[cr].to_numpy()
    if (a.dtype == object) != (b.dtype == object):
        return None
    ok_a, ok_b = ((a != "", b != "") if a.dtype == object else (a > 0, b > 0))
    index = pd.Index(pd.unique(a[ok_a]))
    return (np.where(ok_a, index.get_indexer(a), -1).astype(np.int32),
            np.where(ok_b, index.get_indexer(b), -1).astype(np.int32), len(index))


def _rule_keys(decoys: pd.DataFrame, reg: pd.DataFrame, rule, enc: cmp.Encoded, lookups: dict
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Under ``rule``: each decoy's key (numbered, -1 where it cannot block), the registry rows whose key some
    decoy has, and their keys in the same numbering (None: the columns cannot be looked up)."""
    from ..blocking import held, rule_parts

    key_d = np.zeros(len(decoys), np.int64)
    ok_d = np.ones(len(decoys), bool)
    key_r = np.zeros(len(reg), np.int64)
    ok_r = np.ones(len(reg), bool)
    span = 1
    for (cl, kl), (cr, kr) in rule_parts(rule):
        if not kl == kr == "value":                 # a row selector: no value to compare
            ok_d &= held(decoys, cl, kl)
            ok_r &= held(reg, cr, kr)
            continue
        if (cl, cr) not in lookups:
            lookups[cl, cr] = _lookup(decoys, reg, cl, cr, enc)
        if lookups[cl, cr] is None:
            return None
        code_a, code_b, base = lookups[cl, cr]
        if span * base >= 2 ** 62:                  # renumber by the decoys' keys so far (no overflow)
            known = pd.Index(pd.unique(key_d[ok_d]))
            key_d = known.get_indexer(key_d)
            key_r = known.get_indexer(key_r)
            ok_r &= key_r >= 0
            span = len(known)
        key_d = key_d * base + code_a
        ok_d &= code_a >= 0
        key_r = key_r * base + code_b
        ok_r &= code_b >= 0
        span *= base
    # the registry rows whose whole key some decoy has, numbered by the decoys' keys
    known = pd.Index(pd.unique(key_d[ok_d]))
    rows = np.flatnonzero(ok_r)
    key_r = known.get_indexer(key_r[rows])
    return np.where(ok_d, known.get_indexer(key_d), -1), rows[key_r >= 0], key_r[key_r >= 0]


def _indexed_keys(decoys: pd.DataFrame, rule, keys) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """`_rule_keys` from a prepared registry's stored key codes (`linker.prepared_keys.RegistryKeys`), None
    where the index does not hold the rule: each decoy's key (-1 where the rule does not hold), the registry
    rows whose key some decoy has, and their keys."""
    got = keys.key_codes(rule, decoys) if keys is not None else None
    if got is None:
        return None
    code_d, code_r = got
    rows = np.flatnonzero(np.isin(code_r, code_d[code_d >= 0]) & (code_r >= 0))
    return code_d, rows, code_r[rows].astype(np.int64)


def _block_decoys(decoys: pd.DataFrame, reg: pd.DataFrame, rules: list, enc: cmp.Encoded, *, max_pairs: int,
                  max_block: int, keys=None) -> tuple[np.ndarray, np.ndarray]:
    """The pairs `blocking.block(decoys, reg, rules)` gives, by `blocking.union_pairs` on keys that only the
    registry rows sharing a key with some decoy carry: no other row can pair with a decoy or counts in the
    cap of a decoy's key. The registry's keys are those a prepared registry stores (``keys``), else looked
    up among the decoys' few values (by ``enc``'s integer codes where it has them) instead of factorized
    with them."""
    lookups: dict = {}
    keyed = []
    for rule in rules:
        got = _indexed_keys(decoys, rule, keys) or _rule_keys(decoys, reg, rule, enc, lookups)
        if got is None:                             # a rule blocking would compare as text: let it do all
            res = blocking.block(decoys, reg, rules, max_pairs=max_pairs, max_block=max_block)
            return res.left, res.right
        key_d, rows, key_r = got
        keyed.append((rule, key_d, key_r, rows))
    res = blocking.union_pairs(keyed, n_left=len(decoys), n_right=len(reg), max_pairs=max_pairs,
                               max_block=max_block)
    return res.left, res.right


def _second_look(enc: cmp.Encoded, scored, left: np.ndarray, right: np.ndarray, gam: pd.DataFrame, settings
                 ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """The decoys' pairs with those `linker.second_chance.search` adds for the decoys left below review, in
    (decoy, registry row) order, compared: a fabricated entry is looked for as hard as a listed one."""
    from ..compare import compare_in_chunks
    from ..second_chance import search

    el, er = search(enc, scored.entries, left, right, workers=settings.workers)
    if not len(el):
        return left, right, gam
    n_r = np.int64(max(len(enc.right["sn"]), 1))
    at = np.searchsorted(left.astype(np.int64) * n_r + right, el.astype(np.int64) * n_r + er)
    new = compare_in_chunks(enc, el, er, settings.chunk_pairs, settings.workers)
    gam = pd.DataFrame({c: np.insert(gam[c].to_numpy(), at, new[c].to_numpy()) for c in gam.columns})
    return np.insert(left, at, el), np.insert(right, at, er), gam


def run_rules(run, settings) -> list:
    """The blocking rules of the run (as `blocking.choose_rules` makes them, loose ones marked), those it
    kept."""
    kept = {name for name, _n in run.blocking.rule_pairs}
    rules = blocking.choose_rules(settings.blocking_rules, run.list.std, run.registry.std)
    return [r for r in rules if r.name in kept]


def chance_test(run, settings, observed_matches: int, n_list: int) -> ChanceTest:
    from ..compare import compare_in_chunks
    from ..pipeline import score_entries
    from ..interval import wilson

    n = int(settings.decoys)
    picks = _picks(run.list.std, n, settings.seed + 7919)
    decoys = make_decoys(run.list.std, n, settings.seed + 7919, picks)
    enc = cmp.restrict(_encode_decoys(run, picks, decoys), run.model.comparisons, source="model")
    rules = run_rules(run, settings)
    left, right = _block_decoys(decoys, run.registry.std, rules, enc, max_pairs=max(settings.max_pairs, 1),
                                max_block=settings.max_block, keys=run.registry.keys)
    gam = compare_in_chunks(enc, left, right, settings.chunk_pairs, settings.workers)
    n_r = len(run.registry.std)
    # term frequencies in this encoding's vocabulary (codes differ from the run's: run.tf would look up
    # other names' frequencies)
    from ..model import TermFrequencies
    tf = TermFrequencies.from_encoded(enc)
    scored = score_entries(run.model, enc, tf, left, right, gam, n, n_r, settings, fit_share=False)
    if settings.second_chance:      # the decoys get the second look the list's entries got
        left, right, gam = _second_look(enc, scored, left, right, gam, settings)
        scored = score_entries(run.model, enc, tf, left, right, gam, n, n_r, settings, fit_share=False)
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
