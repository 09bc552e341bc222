"""Weights: the bits each comparison's level contributes (log2 m/u, monotone, generic and address-like
columns bounded, household-shared fields discounted beside a borrowed number), their sum per level pattern,
term-frequency adjustments and the score of each pair. Part of `linker.model`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .compare import Comparison, Encoded
from .model_person import IDENTIFIER_CONFLICTS, level_codes

if TYPE_CHECKING:
    from .model import Model

#: generic columns (present on both sides, not a known field): bounds (bits) on each level's weight, so
#: that no column linker does not understand can dominate the person-level fields
GENERIC_CAP = (-4.0, 4.0)
#: address-like generic columns (street, city, zip, ...: `linker.columns.address_like`): a household shares
#: them, so they are weak household-level evidence: bounds on each one's weight and on their sum
ADDRESS_CAP = (-3.0, 2.0)
HOUSEHOLD_CAP = (-6.0, 4.0)
#: cap (bits) on the boost a rare name value gets over the average agreement weight
TF_MAX_BOOST = 1.0


def monotone(weights: np.ndarray) -> np.ndarray:
    """Levels are ordered from "else" to "exact": a closer level never weighs less than a looser one.

    Without this a rare level can outweigh exact agreement (u of "diminutive" among random pairs is
    tiny, so log2(m/u) is large); each weight is capped by the weights of the levels above it."""
    return np.minimum.accumulate(np.asarray(weights, float)[::-1])[::-1]


def is_address(c: Comparison) -> bool:
    from .columns import address_like
    return c.name.startswith("t_") and c.field.startswith("text:") and address_like(c.field[5:])


def weight_bounds(c: Comparison) -> tuple[float, float]:
    """(lowest, highest) weight in bits a level of ``c`` may have (unbounded for the known fields)."""
    if not c.name.startswith("t_"):
        return (-np.inf, np.inf)
    return ADDRESS_CAP if is_address(c) else GENERIC_CAP


def level_weights(c: Comparison, m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The weight (bits) of each level of ``c``: log2(m/u), non-decreasing (`monotone`), within
    `weight_bounds`."""
    lo, hi = weight_bounds(c)
    return np.clip(monotone(np.log2(m / u)), lo, hi)


def household_cap(household_share: float = 1.0) -> tuple[float, float]:
    """Bounds (bits) on the sum of the address-like weights: HOUSEHOLD_CAP, its upper end raised to what a
    shared address can say where the data show few households: when a share h of the pairs that agree on
    the address are two people (`linker.model_person.household_share`), agreeing on it says at most
    log2((1 - h) / h) bits for one person.

    That is the posterior odds of such a pair at even prior odds. As a Bayes factor over the candidate
    pairs' prior lambda it would be log2((1 - h) / h) + log2((1 - lambda) / lambda), but h is read on
    candidate pairs, which a household joins through its shared surname, and the surname's weight (against
    random pairs) is counted beside the address's: the pairs h describes already carry that weight. Raised by
    the prior term, the cap moved FEBRL1's one missed pair (whole address and given name agree, surname, date
    and SSN replaced) only from 0.46 to 0.80 and lost precision on the US tax-form rosters (seed 102 F1
    0.9511 -> 0.9505), so the bound stays at even odds."""
    lo, hi = HOUSEHOLD_CAP
    h = float(np.clip(household_share, 1e-6, 1.0))
    return lo, max(hi, float(np.log2(max(1.0 - h, 1e-12) / h)))


def _household_scale(parts: list[np.ndarray], household_share: float = 1.0) -> np.ndarray | None:
    """Per row, the factor that brings the sum of the address-like weights ``parts`` within `household_cap`."""
    if len(parts) < 2:
        return None
    total = np.sum(parts, axis=0)
    capped = np.clip(total, *household_cap(household_share))
    return np.where(total != 0, capped / np.where(total != 0, total, 1.0), 1.0)


# -- scoring -------------------------------------------------------------------------------------

@dataclass
class TermFrequencies:
    """Registry frequencies of name values (by code of the shared name vocabulary) and of whole names."""

    n: int
    sn_stem: np.ndarray
    fn_canon: np.ndarray
    pt: np.ndarray
    whole_codes_r: np.ndarray     # whole-name code of each registry row (-1 when a part is missing)
    whole_freq: np.ndarray        # frequency by whole-name code
    text: dict[str, np.ndarray] = field(default_factory=dict)   # generic column -> frequency by code

    @classmethod
    def from_encoded(cls, enc: Encoded) -> TermFrequencies:
        R = enc.right
        nv = len(enc.vocab["name"])
        n = len(R["sn"])
        f = lambda a: np.bincount(a, minlength=nv).astype(float) / max(n, 1)  # noqa: E731
        key = (R["sn_stem"].astype(np.int64) * nv + R["fn_canon"]) * nv + R["pt"]
        codes, uniq = pd.factorize(key, sort=False)
        freq = np.bincount(codes, minlength=len(uniq)).astype(float) / max(n, 1)
        codes = np.where((R["sn_stem"] > 0) & (R["fn_canon"] > 0), codes, -1)
        text = {c: np.bincount(R[c], minlength=len(enc.vocab[c])).astype(float) / max(n, 1)
                for c in R if c.startswith("t_") and c in enc.vocab}
        return cls(n, f(R["sn_stem"]), f(R["fn_canon"]), f(R["pt"]), codes.astype(np.int64), freq, text)


def field_weights(model: Model, gam: pd.DataFrame) -> dict[str, np.ndarray]:
    """The weight (bits) of each comparison's level per pair (`comparison_weights`)."""
    return comparison_weights(gam, model.comparisons, model.m, model.u, model.conflict_share,
                              model.household_share)


def comparison_weights(frame: pd.DataFrame, comps: tuple[Comparison, ...], m: dict, u: dict,
                       conflict_share: float = 1.0, household_share: float = 1.0) -> dict[str, np.ndarray]:
    """Per row of ``frame`` (pairs or patterns) and comparison, the weight in bits: ``log2(m/u)`` of its level
    (`level_weights`; 0 where a side is missing), the address-like ones together within `household_cap`.
    Where an identifier conflicts (`IDENTIFIER_CONFLICTS`: a number agreeing beside a given name that
    disagrees), agreement on what a household shares (surname, address-like columns) weighs less, by the
    share of such pairs that are borrowed numbers (``conflict_share``): a number borrowed within a family
    comes with the family's surname and address, so they cannot tell a borrowed number from a damaged
    name."""
    out = {}
    for c in comps:
        g = frame[f"gamma_{c.name}"].to_numpy()
        out[c.name] = np.where(g >= 0, level_weights(c, m[c.name], u[c.name])[np.clip(g, 0, None)], 0.0)
    address = [c.name for c in comps if is_address(c)]
    scale = _household_scale([out[k] for k in address], household_share)
    if scale is not None:
        for k in address:
            out[k] = out[k] * scale
    void = np.zeros(len(frame), bool)
    for name, (labels, _vouchers) in IDENTIFIER_CONFLICTS.items():
        if f"gamma_{name}" in frame:
            void |= np.isin(frame[f"gamma_{name}"].to_numpy(), level_codes(name, labels))
    if void.any() and conflict_share > 0:
        for k in ("surname", *address):
            if k in out:
                out[k] = np.where(void & (out[k] > 0), out[k] * (1.0 - conflict_share), out[k])
    return out


@dataclass
class Patterns:
    """The distinct level patterns of the candidate pairs (a few thousand rows whatever the number of
    pairs) and the pattern of each pair: weights are summed once per pattern and gathered per pair."""

    frame: pd.DataFrame     # one row per distinct pattern, columns gamma_<comparison>, sorted
    inv: np.ndarray         # pattern row of each pair

    @classmethod
    def of(cls, gammas: pd.DataFrame, comps: tuple[Comparison, ...]) -> Patterns:
        cols = [f"gamma_{c.name}" for c in comps]
        base = 1 + max(len(c.labels) for c in comps)
        if base ** len(cols) >= 2 ** 62:      # too many comparisons for one int64 code: rows as tuples
            g = gammas[cols].to_numpy(np.int16)
            uniq, inv = np.unique(g, axis=0, return_inverse=True)
            return cls(pd.DataFrame(uniq, columns=cols), inv.ravel().astype(np.int32))
        code = np.zeros(len(gammas), np.int64)
        for col in cols:
            code *= base
            code += gammas[col].to_numpy()
            code += 1
        inv, uniq = pd.factorize(code, sort=True)      # hashing, then only the distinct codes are sorted
        digits = {}
        rest = np.asarray(uniq, np.int64)
        for col in reversed(cols):
            digits[col] = (rest % base - 1).astype(np.int16)
            rest = rest // base
        return cls(pd.DataFrame({col: digits[col] for col in cols}), inv.astype(np.int32))

    def weights(self, model: Model) -> np.ndarray:
        """The match weight (without term frequencies) of each pattern: the sum of its fields' weights."""
        return pattern_weights(self.frame, model.comparisons, model.m, model.u, model.conflict_share,
                               model.household_share)


def pattern_weights(frame: pd.DataFrame, comps: tuple[Comparison, ...], m: dict, u: dict,
                    conflict_share: float = 1.0, household_share: float = 1.0) -> np.ndarray:
    """The match weight (bits, without term frequencies) of each row of ``frame``: the sum of its
    comparisons' weights (`comparison_weights`)."""
    pw = np.zeros(len(frame))
    for w in comparison_weights(frame, comps, m, u, conflict_share, household_share).values():
        pw += w
    return pw


def tf_adjustment(u: dict[str, np.ndarray], enc: Encoded, gam: pd.DataFrame, ir: np.ndarray,
                  tf: TermFrequencies) -> np.ndarray:
    """Per pair, the term-frequency adjustment of the weight (bits): agreement on a rare name value counts
    more (at most TF_MAX_BOOST), on a common one less, and a common whole name is discounted once.

    Every term depends only on the pair's level and its registry row, so the logarithms are taken once
    per registry row and level and gathered per pair."""
    adj = np.zeros(len(gam))
    if not len(gam):
        return adj
    floor = 1.0 / max(tf.n, 1)
    R = enc.right
    parts = []
    for name, col, top, freq in (("surname", "sn_stem", ("gendered form / ё", "exact"), tf.sn_stem),
                                 ("first_name", "fn_canon", ("diminutive / variant", "exact"), tf.fn_canon),
                                 ("patronymic", "pt", ("exact",), tf.pt)):
        if f"gamma_{name}" not in gam:
            continue
        top_levels = level_codes(name, top)
        g = gam[f"gamma_{name}"].to_numpy()
        ufreq_r = np.maximum(freq[R[col]], floor)              # per registry row
        hit = np.zeros(len(g), bool)
        log_u = np.zeros(len(g))        # log2 of the u this part's weight stands for, per pair (on hits)
        for level in top_levels:
            at = np.flatnonzero(g == level)
            hit[at] = True
            # a rare value earns at most TF_MAX_BOOST bits: a list's names are drawn from people who exist
            # (genuine or copied), so rarity in the registry is weaker evidence than random-pair u says
            boost_r = np.minimum(np.log2(u[name][level] / ufreq_r), TF_MAX_BOOST)
            adj[at] += boost_r[ir[at]]
            log_u[at] = np.log2(u[name][level]) - boost_r[ir[at]]
        parts.append((hit, log_u))
    # whole name: the chance that the parts agree, as their weights put it (the product of their u after
    # the boost above), is replaced by the whole name's own frequency in the registry when that is higher
    # (given name and patronymic go together): a name held by k registry people weighs log2(N / k) bits at
    # most, the only person with the name log2(N)
    if len(parts) == 3:
        hit = parts[0][0] & parts[1][0] & parts[2][0]
        at = np.flatnonzero(hit)
        wc = tf.whole_codes_r[ir[at]]
        whole = np.maximum(np.where(wc >= 0, tf.whole_freq[np.clip(wc, 0, None)], 1.0), floor)
        implied = parts[0][1][at] + parts[1][1][at] + parts[2][1][at]
        adj[at] += np.where(wc >= 0, np.minimum(0.0, implied - np.log2(whole)), 0.0)
    return adj


def generic_tf_adjustment(model: Model, enc: Encoded, gam: pd.DataFrame, ir: np.ndarray,
                          tf: TermFrequencies) -> np.ndarray:
    """Per pair, the term-frequency adjustment (bits, never positive) of the generic comparisons: agreeing on
    a value that a share f of the registry holds weighs log2(m_exact / f) at most, so a value that many
    records share (a city for everyone, one zip code) counts as no evidence at all."""
    adj = np.zeros(len(gam))
    floor = 1.0 / max(tf.n, 1)
    for c in model.comparisons:
        col = f"gamma_{c.name}"
        if not c.name.startswith("t_") or col not in gam or c.name not in tf.text or c.name not in enc.right:
            continue
        exact = len(c.labels) - 1
        at = np.flatnonzero(gam[col].to_numpy() == exact)
        if not len(at):
            continue
        w_exact = level_weights(c, model.m[c.name], model.u[c.name])[exact]
        freq_r = np.maximum(tf.text[c.name][enc.right[c.name]], floor)          # per registry row
        term_r = np.minimum(0.0, np.maximum(0.0, np.log2(model.m[c.name][exact] / freq_r)) - w_exact)
        adj[at] += term_r[ir[at]]
    return adj


def score(model: Model, enc: Encoded, gam: pd.DataFrame, il: np.ndarray, ir: np.ndarray,
          tf: TermFrequencies | None, *, patterns: Patterns | None = None,
          tf_adjust: np.ndarray | None = None) -> pd.DataFrame:
    """Per pair: the term-frequency adjustment ``mw_tf`` and the total ``match_weight`` (log2 Bayes factor).
    The weight of each comparison is not kept per pair (the report computes it only for the pairs it shows,
    with `field_weights`). ``patterns`` (`Patterns.of` the same pairs) and ``tf_adjust`` (`tf_adjustment`
    with this model's u) save recomputing them."""
    patterns = patterns if patterns is not None else Patterns.of(gam, model.comparisons)
    total = patterns.weights(model)[patterns.inv] if len(gam) else np.zeros(0)
    if tf_adjust is not None:
        adj = tf_adjust
    elif tf is not None and model.tf:
        adj = tf_adjustment(model.u, enc, gam, ir, tf)
    else:
        adj = np.zeros(len(gam))
    if tf is not None and model.tf and len(gam):
        adj = adj + generic_tf_adjustment(model, enc, gam, ir, tf)
    return pd.DataFrame({"mw_tf": adj, "match_weight": total + adj}, index=gam.index)


