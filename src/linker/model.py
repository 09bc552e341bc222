"""The Fellegi-Sunter model: fit without labels, save, load, score.

* **u** (the chance a level occurs between two different people) from comparisons of random pairs.
* **m** (the chance a level occurs between two records of one person) and the pair prior by EM over the
  counts of distinct level patterns among the candidate pairs: a table of a few thousand rows whatever the
  number of pairs. The m of the deciding fields (birth date, personal number) are anchored by Dirichlet
  priors from what damage does to them, so that a fabricated list (namesakes with their own dates) cannot
  teach EM that "matches disagree on dates"; strong evidence still moves them.
* **term frequencies**: agreement on a common surname, given name or patronymic, and on a common whole
  name, weighs less than agreement on a rare one (u of the exact level replaced by the value's frequency
  in the registry; the whole-name adjustment only ever lowers a weight).

A missing value (level -1) is a level of its own with weight 0: it says nothing either way.
Labels (a person's decisions) add their pairs to the m counts with full weight.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .compare import COMPARISONS, Comparison, Encoded, compare
from .errors import ConfigError

__all__ = [
    "ANCHORS", "MODEL_FORMAT", "Model", "estimate_u", "random_pairs", "fit_em", "fit_em_entries", "pattern_counts",
    # person-level evidence (`linker.model_person`)
    "CONFLICTS", "CONTRADICTION_PRIOR", "DATE_VOUCHES", "IDENTIFIER_AGREES",
    "IDENTIFIER_CONFLICTS", "PERSON_LEVEL", "SURE", "SURE_PRIOR_PAIRS", "WITNESSES", "bound_person_level",
    "conflict_share", "conflicting_household_share", "household_share", "read_conflicting_household_share",
    "identifier_conflict", "level_codes", "person_conflict", "sure_pair_bounds",
    # weights and scores (`linker.model_weights`)
    "ADDRESS_CAP", "GENERIC_CAP", "HOUSEHOLD_CAP", "TF_MAX_BOOST", "Patterns", "TermFrequencies",
    "comparison_weights", "field_weights", "generic_tf_adjustment", "household_cap", "is_address", "level_weights", "monotone",
    "pattern_weights", "score", "tf_adjustment", "weight_bounds",
]
# the model's parts, split by what they do, and re-exported as the model's interface
from .model_person import (
    CONFLICTS, CONTRADICTION_PRIOR, DATE_VOUCHES, IDENTIFIER_AGREES, IDENTIFIER_CONFLICTS,
    PERSON_LEVEL, SURE, SURE_PRIOR_PAIRS, WITNESSES, bound_person_level, conflict_share, household_share,
    conflicting_household_share, identifier_conflict, level_codes, person_conflict, read_conflicting_household_share,
    sure_pair_bounds,
)
from .model_weights import (
    ADDRESS_CAP, GENERIC_CAP, HOUSEHOLD_CAP, TF_MAX_BOOST, Patterns, TermFrequencies, comparison_weights,
    field_weights, generic_tf_adjustment, household_cap, is_address, level_weights, monotone, pattern_weights, score,
    tf_adjustment, weight_bounds,
)

#: m anchors (`Comparison.anchor`): (m by level from "else" upwards, strength in pseudo-pairs per list entry)
ANCHORS: dict[str, tuple[tuple[float, ...], float]] = {
    c.name: c.anchor for c in COMPARISONS.values() if c.anchor is not None}
MODEL_FORMAT = "linker-fs-model/1"


def _default_m(n_levels: int) -> np.ndarray:
    """A neutral start for m: mass rising towards exact agreement."""
    w = np.array([0.5 ** (n_levels - 1 - k) for k in range(n_levels)])
    w[0] = max(w[0], 0.05)
    return w / w.sum()


@dataclass
class Model:
    comparisons: tuple[Comparison, ...]
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    pair_prior: float
    genuine_share: float = 0.5
    miss_rate: float = 0.01
    em_iterations: int = 0
    tf: bool = True
    extra: dict = field(default_factory=dict)
    #: share of the identifier-conflict pairs that one person's records do not explain (`conflict_share`)
    conflict_share: float = 1.0
    #: share of the pairs agreeing on the address that are two people (`household_share`)
    household_share: float = 1.0
    #: dedupe: of the pairs at one address whose given name disagrees without a date vouching, the share that
    #: are two people (`conflicting_household_share`; None: not read, as in a match, or not readable)
    conflicting_household_share: float | None = None

    def weight_table(self) -> dict[str, np.ndarray]:
        """log2(m/u) per comparison and level, made non-decreasing in the level (see `monotone`)."""
        return {c.name: level_weights(c, self.m[c.name], self.u[c.name]) for c in self.comparisons}

    # -- persistence -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "format": MODEL_FORMAT,
            "pair_prior": self.pair_prior,
            "genuine_share": self.genuine_share,
            "miss_rate": self.miss_rate,
            "em_iterations": self.em_iterations,
            "term_frequency": self.tf,
            "identifier_conflict_share": self.conflict_share,
            "household_share": self.household_share,
            **({} if self.conflicting_household_share is None
               else {"conflicting_household_share": self.conflicting_household_share}),
            "comparisons": [
                {"name": c.name, "field": c.field, "labels": list(c.labels),
                 "m": [float(x) for x in self.m[c.name]], "u": [float(x) for x in self.u[c.name]],
                 "weight": [float(x) for x in level_weights(c, self.m[c.name], self.u[c.name])]}
                for c in self.comparisons
            ],
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: object, *, source: str = "model") -> Model:
        """A model from parsed JSON; anything that is not exactly a linker model is refused."""
        def bad(what: str) -> ConfigError:
            return ConfigError(f"{source}: not a linker model ({what}); pass a model.json written by linker match")

        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise bad(f"format is not {MODEL_FORMAT!r}")
        comps, m, u = [], {}, {}
        for entry in data.get("comparisons") or []:
            if not isinstance(entry, dict):
                raise bad("a comparison is not an object")
            name, labels = entry.get("name"), entry.get("labels")
            if not isinstance(name, str) or not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise bad("a comparison lacks a name or labels")
            mv, uv = entry.get("m"), entry.get("u")
            for vec in (mv, uv):
                if (not isinstance(vec, list) or len(vec) != len(labels)
                        or not all(isinstance(x, (int, float)) and 0 < x <= 1 for x in vec)):
                    raise bad(f"m/u of {name!r} are not {len(labels)} probabilities")
            known = COMPARISONS.get(name)
            if known is None and not name.startswith("t_"):
                raise bad(f"unknown comparison {name!r}")
            comps.append(Comparison(name, tuple(labels), str(entry.get("field", name))))
            m[name], u[name] = np.array(mv, float), np.array(uv, float)
        if not comps:
            raise bad("no comparisons")
        for key in ("pair_prior", "genuine_share", "miss_rate"):
            v = data.get(key)
            if not isinstance(v, (int, float)) or not 0 < v < 1:
                raise bad(f"{key} is not a probability")
        conflicts, households = data.get("identifier_conflict_share", 1.0), data.get("household_share", 1.0)
        conflicting = data.get("conflicting_household_share")
        for key, v in (("identifier_conflict_share", conflicts), ("household_share", households),
                       ("conflicting_household_share", 0.0 if conflicting is None else conflicting)):
            if not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise bad(f"{key} is not a share")
        return cls(tuple(comps), m, u, float(data["pair_prior"]), float(data["genuine_share"]),
                   float(data["miss_rate"]), int(data.get("em_iterations", 0)), bool(data.get("term_frequency", True)),
                   conflict_share=float(conflicts), household_share=float(households),
                   conflicting_household_share=None if conflicting is None else float(conflicting))

    @classmethod
    def load(cls, path: str | Path) -> Model:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: model file not found; check the path given to --model") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the model ({exc}); pass a model.json written by linker") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); pass a model.json written by linker") from None
        return cls.from_dict(data, source=str(path))


# -- fitting -------------------------------------------------------------------------------------

def random_pairs(n_left: int, n_right: int, sample: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The random (list, registry) rows that u is measured on: every pair when there are at most ``sample``,
    else ``sample`` pairs drawn with replacement (seeded). Every engine draws them here."""
    rng = np.random.default_rng(seed)
    if n_left * n_right <= sample:
        return np.repeat(np.arange(n_left), n_right), np.tile(np.arange(n_right), n_left)
    return rng.integers(0, n_left, sample), rng.integers(0, n_right, sample)


def estimate_u(enc: Encoded, n_right: int, *, sample: int, seed: int, workers: int = -1) -> dict[str, np.ndarray]:
    """Level frequencies among random (list, registry) pairs (`random_pairs`), add-half smoothed."""
    il, ir = random_pairs(enc.n_left, n_right, sample, seed)
    gam = compare(enc, il, ir, workers=workers)
    u = {}
    for c in enc.comparisons:
        g = gam[f"gamma_{c.name}"].to_numpy()
        counts = np.bincount(g[g >= 0], minlength=len(c.labels)).astype(float) + 0.5
        u[c.name] = counts / counts.sum()
    return u


def pattern_counts(gammas: list[pd.DataFrame]) -> pd.DataFrame:
    """Distinct level patterns and how many pairs show each (columns gamma_*, count)."""
    if not gammas:
        return pd.DataFrame()
    frames = [g.value_counts(sort=False).rename("count").reset_index() for g in gammas if len(g)]
    if not frames:
        return pd.DataFrame(columns=[*gammas[0].columns, "count"])
    allp = pd.concat(frames, ignore_index=True)
    cols = [c for c in allp.columns if c.startswith("gamma_")]
    return allp.groupby(cols, sort=True, as_index=False)["count"].sum()


def _log_likelihoods(patterns: pd.DataFrame, comps, m, u) -> tuple[np.ndarray, np.ndarray]:
    lm = np.zeros(len(patterns))
    lu = np.zeros(len(patterns))
    for c in comps:
        g = patterns[f"gamma_{c.name}"].to_numpy()
        ok = g >= 0
        lm[ok] += np.log(m[c.name][g[ok]])
        lu[ok] += np.log(u[c.name][g[ok]])
    return lm, lu


def _bounded_llr(patterns: pd.DataFrame, comps, m, u, conflicts: float = 1.0, households: float = 1.0
                 ) -> np.ndarray:
    """ln(m/u) of each pattern, with the generic comparisons' terms within their bounds (`level_weights`,
    HOUSEHOLD_CAP) and the known fields' as they are."""
    lm, lu = _log_likelihoods(patterns, [c for c in comps if not c.name.startswith("t_")], m, u)
    generic = [c for c in comps if c.name.startswith("t_")]
    return lm - lu + np.log(2) * pattern_weights(patterns, generic, m, u, conflicts, households) if generic else lm - lu


def _m_priors(comps: tuple[Comparison, ...], n_list: int) -> tuple[dict, dict]:
    """The Dirichlet prior of each comparison's m: (mean, strength in pseudo-pairs)."""
    prior_m, strength = {}, {}
    for c in comps:
        anchor = ANCHORS.get(c.name)
        if anchor and len(anchor[0]) == len(c.labels):
            prior_m[c.name], strength[c.name] = np.array(anchor[0], float), anchor[1] * max(n_list, 50)
        else:
            prior_m[c.name], strength[c.name] = _default_m(len(c.labels)), 5.0
    return prior_m, strength


def _m_step(patterns: pd.DataFrame, comps: tuple[Comparison, ...], mass: np.ndarray, prior_m: dict,
            strength: dict, labelled: pd.DataFrame | None, bounds: dict[str, tuple[float, float]] | None = None,
            contradiction_pairs: float = 0.0) -> dict[str, np.ndarray]:
    """New m from the match mass of each level pattern, the labelled pairs and the prior."""
    new_m = {}
    for c in comps:
        g = patterns[f"gamma_{c.name}"].to_numpy()
        ok = g >= 0
        num = np.bincount(g[ok], weights=mass[ok], minlength=len(c.labels))
        if labelled is not None and len(labelled):
            lg = labelled[f"gamma_{c.name}"].to_numpy()
            num = num + np.bincount(lg[lg >= 0], minlength=len(c.labels))
        num = np.maximum(num + strength[c.name] * prior_m[c.name], 1e-9)
        spec = (bounds or {}).get(c.name)
        if spec is not None and contradiction_pairs > 0 and c.name not in ANCHORS:
            # a Beta prior on the contradicting mass only (the other levels keep their proportions): damage
            # that makes a field unrecognisable is never absent, and EM alone can drive it to nothing where
            # the same level is what two people show
            levels = level_codes(c.name, PERSON_LEVEL[c.name][0], c)
            rest = np.ones(len(num), bool)
            rest[levels] = False
            num[levels] += contradiction_pairs * spec[1] * num[levels] / num[levels].sum()
            num[rest] += contradiction_pairs * (1.0 - spec[1]) * num[rest] / num[rest].sum()
        new_m[c.name] = bound_person_level(c, num / num.sum(), spec[0] if spec is not None else None)
    return new_m


def fit_em(patterns: pd.DataFrame, comps: tuple[Comparison, ...], u: dict[str, np.ndarray], *,
           n_list: int, labelled: pd.DataFrame | None = None, max_iter: int = 200, tol: float = 1e-6
           ) -> tuple[dict[str, np.ndarray], float, int]:
    """m and the pair prior by EM over pattern counts, u fixed; returns (m, pair_prior, iterations)."""
    counts = patterns["count"].to_numpy(float) if len(patterns) else np.zeros(0)
    total = counts.sum()
    prior_m, strength = _m_priors(comps, n_list)
    m = {k: v.copy() for k, v in prior_m.items()}
    # each list entry is at most one registry person: matches are at most n_list of the pairs
    lam_max = float(np.clip(n_list / max(total, 1.0), 1e-9, 0.999))
    lam = 0.5 * lam_max
    bounds = sure_pair_bounds(patterns, counts, comps)
    share_b = conflict_share(patterns, counts, comps, u, bounds)
    share_h = household_share(patterns, counts, comps, u, bounds)
    it = 0
    for it in range(1, max_iter + 1):
        a = np.log(lam) + _bounded_llr(patterns, comps, m, u, share_b, share_h)
        b = np.log1p(-lam) + np.zeros(len(a))
        post = np.exp(a - np.logaddexp(a, b))
        w = counts * post
        new_m = _m_step(patterns, comps, w, prior_m, strength, labelled, bounds)
        new_lam = float(np.clip(w.sum() / max(total, 1.0), 1e-9, lam_max))
        delta = max(abs(new_lam - lam), *(np.abs(new_m[k] - m[k]).max() for k in m))
        m, lam = new_m, new_lam
        if delta < tol:
            break
    return m, lam, it


def fit_em_entries(gammas: pd.DataFrame, left: np.ndarray, comps: tuple[Comparison, ...], u: dict[str, np.ndarray],
                   *, n_list: int, n_registry: int, tf_adjust: np.ndarray | None = None, miss_rate: float = 0.01,
                   labelled: pd.DataFrame | None = None, max_iter: int = 100, tol: float = 1e-5,
                   patterns: Patterns | None = None, entry_weight: np.ndarray | None = None,
                   start: tuple[dict[str, np.ndarray], float] | None = None
                   ) -> tuple[dict[str, np.ndarray], float, float, int, tuple[float, float]]:
    """m, the pair prior and the genuine share by EM over *entries*: each entry is at most one registry person.

    Pairwise EM lets the namesakes and near-namesakes that blocking gathers pose as matches (random-pair u
    does not describe them); here the candidates of an entry compete for one unit of match mass, as in
    `linker.assign`, and the M-step sums that mass per level pattern. Returns (m, pair_prior, share, iters,
(`conflict_share`, `household_share`)).
    ``entry_weight`` counts each entry that many times (a bootstrap replicate of the list, `linker.interval`);
    ``start`` is (m, share) to start from instead of the priors.
    """
    from .assign import entry_posteriors

    pats = patterns if patterns is not None else Patterns.of(gammas, comps)
    pat, inv = pats.frame, pats.inv
    prior_m, strength = _m_priors(comps, n_list)
    m = {k: v.copy() for k, v in (start[0] if start else prior_m).items()}
    adj = tf_adjust if tf_adjust is not None else np.zeros(len(inv))
    share, it = (start[1] if start else 0.5), 0
    pair_count = np.bincount(inv, weights=entry_weight[left] if entry_weight is not None else None,
                             minlength=len(pat))
    bounds = sure_pair_bounds(pat, pair_count, comps)
    share_b = conflict_share(pat, pair_count, comps, u, bounds)
    share_h = household_share(pat, pair_count, comps, u, bounds)
    for it in range(1, max_iter + 1):
        w = pattern_weights(pat, comps, m, u, share_b, share_h)[inv] + adj
        pair_p, genuine = entry_posteriors(left, w, n_list, n_registry, genuine_share=share, miss_rate=miss_rate)
        if entry_weight is not None:
            pair_p = pair_p * entry_weight[left]
            genuine_mean = float(genuine @ entry_weight / max(entry_weight.sum(), 1e-9))
        else:
            genuine_mean = genuine.mean() if n_list else 0.5
        mass = np.bincount(inv, weights=pair_p, minlength=len(pat))
        new_m = _m_step(pat, comps, mass, prior_m, strength, labelled, bounds,
                        CONTRADICTION_PRIOR * max(n_list, 50))
        new_share = float(np.clip(genuine_mean, 1e-4, 1 - 1e-4))
        delta = max(abs(new_share - share), *(np.abs(new_m[k] - m[k]).max() for k in m))
        m, share = new_m, new_share
        if delta < tol:
            break
    pair_prior = float(np.clip(share * n_list / max(len(inv), 1), 1e-9, 0.999))
    return m, pair_prior, share, it, (share_b, share_h)
