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

from .compare import COMPARISONS, IDENTIFIER_CONFLICT_LABEL, Comparison, Encoded, compare
from .errors import ConfigError

#: m anchors: (m by level from "else" upwards, strength in pseudo-pairs per list entry)
ANCHORS: dict[str, tuple[tuple[float, ...], float]] = {
    # "far apart" (two full dates years apart, not one digit off) is what copying another person's date
    # does, rarer than any damage: part of the former "else" (0.03)
    "birth_date": ((0.005, 0.025, 0.03, 0.04, 0.10, 0.80), 1.0),
    # a number that agrees beside a given name that disagrees outright: damage that replaced the name
    # (rarer for one person's records than a name that disagrees at all, `PERSON_LEVEL`)
    "personal_number": ((0.03, 0.015, 0.05, 0.04, 0.865), 1.0),
    # soft fields: people are promoted, transferred, re-filed (mobilized as contract); a list's rank,
    # category or unit disagreeing is common in real data even where a generator makes it rare
    "rank": ((0.08, 0.17, 0.75), 0.5),
    "category": ((0.08, 0.12, 0.80), 0.5),
    "unit": ((0.15, 0.85), 0.5),
}
#: person-level comparisons: the levels that mean "not the same person" (a given name that disagrees
#: outright, not a nickname or an initial; two full dates of birth that differ; two identifiers that
#: differ) and the most match mass those levels may hold whatever EM finds: a household's members are
#: candidate pairs too (same surname, same address, sometimes one SSN), and EM would otherwise learn that
#: "matches" disagree on them. A new person-level field (sex) is one entry, e.g. ``"sex": (("else",), 0.02)``.
#: Levels are named by their labels (`linker.compare.COMPARISONS`), never by position: a level added to a
#: comparison must not silently move what these bounds mean.
PERSON_LEVEL: dict[str, tuple[tuple[str, ...], float]] = {
    "first_name": (("else",), 0.03),
    "birth_date": (("far apart", "else", "same year"), 0.06),
    "personal_number": (("else", IDENTIFIER_CONFLICT_LABEL), 0.07),
}
#: the birth-date levels that vouch for a pair whose given name disagrees outright: damage can replace a
#: name, a date that agrees says it is still one person
DATE_VOUCHES = ("partial date agrees", "one digit off / day-month swapped", "exact")
#: a pair is two people (`person_conflict`; `linker.dedupe` never clusters it) when one of these
#: comparisons is at a contradicting level and none of the levels named beside it vouches for the pair:
#: a given name that disagrees outright, unless the date of birth agrees or the identifier agrees (damage
#: can replace a name; such a pair is at the personal_number level `IDENTIFIER_CONFLICT_LABEL`, and
#: whether it is one person is left to its weight, which counts borrowed numbers: `conflict_share`)
CONFLICTS: dict[str, dict[str, tuple[str, ...]]] = {
    "first_name": {"birth_date": DATE_VOUCHES, "personal_number": (IDENTIFIER_CONFLICT_LABEL,)},
}
#: an identifier conflict (`identifier_conflict`: the pair is never confirmed, it goes to review with the
#: flag ``identifier_conflict``): a comparison at one of these levels, unless a level named beside it vouches
IDENTIFIER_CONFLICTS: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "personal_number": ((IDENTIFIER_CONFLICT_LABEL,), {"birth_date": DATE_VOUCHES}),
}
#: the other levels at which that identifier agrees (`conflict_share`)
IDENTIFIER_AGREES: dict[str, tuple[str, ...]] = {
    "personal_number": ("one character off or swapped", "digits agree, letters differ", "exact"),
}
#: identifier conflicts are conflicts (never confirmed) when at least this share of the pairs at that level is more than one person's records explain
#: (`conflict_share`): a pair there is then more likely another person's number than a damaged name
CONFLICT_SHARE_DECIDES = 0.5


def level_codes(name: str, labels: tuple[str, ...], comparison: Comparison | None = None) -> list[int]:
    """The level numbers of ``labels`` in comparison ``name`` (its labels from ``comparison`` or
    `COMPARISONS`); a label the comparison does not have is an error in these tables."""
    c = comparison if comparison is not None else COMPARISONS[name]
    missing = [lab for lab in labels if lab not in c.labels]
    if missing:
        raise ValueError(f"{name}: no level {missing} among {c.labels}")
    return [c.labels.index(lab) for lab in labels]
#: generic columns (present on both sides, not a known field): bounds (bits) on each level's weight, so
#: that no column linker does not understand can dominate the person-level fields
GENERIC_CAP = (-4.0, 4.0)
#: address-like generic columns (street, city, zip, ...: `linker.columns.address_like`): a household shares
#: them, so they are weak household-level evidence: bounds on each one's weight and on their sum
ADDRESS_CAP = (-3.0, 2.0)
HOUSEHOLD_CAP = (-6.0, 4.0)
MODEL_FORMAT = "linker-fs-model/1"
#: cap (bits) on the boost a rare name value gets over the average agreement weight
TF_MAX_BOOST = 1.0


def monotone(weights: np.ndarray) -> np.ndarray:
    """Levels are ordered from "else" to "exact": a closer level never weighs less than a looser one.

    Without this a rare level can outweigh exact agreement (u of "diminutive" among random pairs is
    tiny, so log2(m/u) is large); each weight is capped by the weights of the levels above it."""
    return np.minimum.accumulate(np.asarray(weights, float)[::-1])[::-1]


def _unvouched(gam: pd.DataFrame, name: str, labels: tuple[str, ...], vouchers: dict[str, tuple[str, ...]]
               ) -> np.ndarray:
    """Per pair, whether comparison ``name`` is at one of ``labels`` and no comparison of ``vouchers`` is at
    one of its levels (a missing side is at no level: it neither contradicts nor vouches)."""
    if f"gamma_{name}" not in gam:
        return np.zeros(len(gam), bool)
    hit = np.isin(gam[f"gamma_{name}"].to_numpy(), level_codes(name, labels))
    for other, levels in vouchers.items():
        if f"gamma_{other}" in gam:
            hit &= ~np.isin(gam[f"gamma_{other}"].to_numpy(), level_codes(other, levels))
    return hit


def person_conflict(gam: pd.DataFrame) -> np.ndarray:
    """Per pair, whether it is two people by `CONFLICTS`."""
    out = np.zeros(len(gam), bool)
    for name, vouchers in CONFLICTS.items():
        out |= _unvouched(gam, name, PERSON_LEVEL[name][0], vouchers)
    return out


def identifier_conflict(gam: pd.DataFrame, conflict_share: float = 1.0) -> np.ndarray:
    """Per pair, whether an identifier agrees beside a given name that disagrees (`IDENTIFIER_CONFLICTS`):
    a borrowed or copied number, unless the date of birth vouches; none where the data show such pairs
    to be mostly one person's damaged records (``conflict_share`` below CONFLICT_SHARE_DECIDES)."""
    out = np.zeros(len(gam), bool)
    if conflict_share < CONFLICT_SHARE_DECIDES:
        return out
    for name, (labels, vouchers) in IDENTIFIER_CONFLICTS.items():
        out |= _unvouched(gam, name, labels, vouchers)
    return out


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


def _household_scale(parts: list[np.ndarray]) -> np.ndarray | None:
    """Per row, the factor that brings the sum of the address-like weights ``parts`` within HOUSEHOLD_CAP."""
    if len(parts) < 2:
        return None
    total = np.sum(parts, axis=0)
    capped = np.clip(total, *HOUSEHOLD_CAP)
    return np.where(total != 0, capped / np.where(total != 0, total, 1.0), 1.0)


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
    #: share of the identifier-conflict pairs that one person's records do not explain (`conflict_share`)
    conflict_share: float = 1.0
    extra: dict = field(default_factory=dict)

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
        conflicts = data.get("identifier_conflict_share", 1.0)
        if not isinstance(conflicts, (int, float)) or not 0 <= conflicts <= 1:
            raise bad("identifier_conflict_share is not a share")
        return cls(tuple(comps), m, u, float(data["pair_prior"]), float(data["genuine_share"]),
                   float(data["miss_rate"]), int(data.get("em_iterations", 0)), bool(data.get("term_frequency", True)),
                   float(conflicts))

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

def estimate_u(enc: Encoded, n_right: int, *, sample: int, seed: int, workers: int = -1) -> dict[str, np.ndarray]:
    """Level frequencies among random (list, registry) pairs, add-half smoothed."""
    rng = np.random.default_rng(seed)
    n_left = enc.n_left
    total = n_left * n_right
    if total <= sample:
        il = np.repeat(np.arange(n_left), n_right)
        ir = np.tile(np.arange(n_right), n_left)
    else:
        il = rng.integers(0, n_left, sample)
        ir = rng.integers(0, n_right, sample)
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


def _bounded_llr(patterns: pd.DataFrame, comps, m, u, conflicts: float = 1.0) -> np.ndarray:
    """ln(m/u) of each pattern, with the generic comparisons' terms within their bounds (`level_weights`,
    HOUSEHOLD_CAP) and the known fields' as they are."""
    lm, lu = _log_likelihoods(patterns, [c for c in comps if not c.name.startswith("t_")], m, u)
    generic = [c for c in comps if c.name.startswith("t_")]
    return lm - lu + np.log(2) * pattern_weights(patterns, generic, m, u, conflicts) if generic else lm - lu


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


#: the levels at which a person-level comparison agrees beyond doubt: a pair at them on two comparisons is
#: one person (a borrowed number comes with another's date of birth), and those pairs show how often the
#: third comparison contradicts within one person's records (`sure_pair_bounds`)
SURE: dict[str, tuple[str, ...]] = {
    "first_name": ("exact",),
    "birth_date": ("exact",),
    "personal_number": ("exact", IDENTIFIER_CONFLICT_LABEL),
}
#: weight, in pairs, of the `PERSON_LEVEL` bound beside what the sure pairs show
SURE_PRIOR_PAIRS = 100.0
#: strength, in pseudo-pairs per list entry, of the prior on a person-level comparison's contradicting mass
#: (at the rate `sure_pair_bounds` gives), as the soft fields' anchors
CONTRADICTION_PRIOR = 0.5


def sure_pair_bounds(frame: pd.DataFrame, counts: np.ndarray, comps: tuple[Comparison, ...]
                     ) -> dict[str, tuple[float, float]]:
    """Per person-level comparison, (the most match mass its contradicting levels may hold, the rate at which
    one person's records show them). The rate is what the pairs that agree beyond doubt on two other
    person-level comparisons (`SURE`) show (FEBRL replaces one given name in nine beside the same number and
    date of birth), as the Beta posterior mean with the `PERSON_LEVEL` bound weighing SURE_PRIOR_PAIRS; the
    bound itself where no such pairs exist. The most is the larger of the two."""
    names = {c.name for c in comps}
    out: dict[str, tuple[float, float]] = {}
    for c in comps:
        spec = PERSON_LEVEL.get(c.name)
        if spec is None:
            continue
        others = [o for o in SURE if o != c.name and o in names]
        rate = spec[1]
        if len(others) >= 2 and len(frame):
            g = frame[f"gamma_{c.name}"].to_numpy()
            sure = g >= 0
            for o in others:
                sure &= np.isin(frame[f"gamma_{o}"].to_numpy(), level_codes(o, SURE[o]))
            n = float(counts[sure].sum())
            k = float(counts[sure & np.isin(g, level_codes(c.name, spec[0], c))].sum())
            rate = (k + spec[1] * SURE_PRIOR_PAIRS) / (n + SURE_PRIOR_PAIRS)
        out[c.name] = (max(spec[1], rate), rate)
    return out


def bound_person_level(c: Comparison, m: np.ndarray, most: float | None = None) -> np.ndarray:
    """``m`` with the mass of ``c``'s contradicting levels (`PERSON_LEVEL`) at most its bound (``most``, or
    the table's), the rest scaled up to keep the sum 1."""
    spec = PERSON_LEVEL.get(c.name)
    if spec is None or len(c.labels) != len(m):
        return m
    levels, most = level_codes(c.name, spec[0], c), (spec[1] if most is None else most)
    held = m[levels].sum()
    if held <= most:
        return m
    out = m.copy()
    out[levels] *= most / held
    rest = np.ones(len(m), bool)
    rest[levels] = False
    out[rest] *= (1.0 - most) / m[rest].sum()
    return out


#: person-level comparisons that witness whether a pair at an identifier-conflict level is one person: the
#: levels at which they agree (a borrowed number comes with another person's middle name and birth date)
WITNESSES: dict[str, tuple[str, ...]] = {
    "patronymic": ("initial agrees", "close", "exact"),
    "birth_date": DATE_VOUCHES,
}


def conflict_share(frame: pd.DataFrame, counts: np.ndarray, comps: tuple[Comparison, ...],
                   u: dict[str, np.ndarray] | None = None, bounds: dict[str, tuple[float, float]] | None = None
                   ) -> float:
    """The share of the candidate pairs at an identifier-conflict level (`IDENTIFIER_CONFLICTS`: a number
    that agrees beside a given name that disagrees) that are not one person: a number borrowed within a
    family, or copied onto a forged list.

    A witness (`WITNESSES`: middle name, date of birth) agrees at rate r1 between one person's records (the
    pairs whose number agrees beside a given name that fits show it) and at rate r0 between two people (u,
    from random pairs); at the conflict level it agrees at rate f, so one person's share there is
    (f - r0) / (r1 - r0). The witnesses' estimates are pooled by how many conflict pairs each sees.
    Without a witness: pairs whose number agrees are one person or a borrowed number, one person's records
    show a different given name at rate q (the first_name `PERSON_LEVEL` bound, or what the sure pairs show,
    ``bounds``), a borrowed number always, so with A pairs whose number agrees beside a given name and O of
    them at the conflict level the borrowed ones are B = (O - q A) / (1 - q) and the share is B / O."""
    names = {c.name for c in comps}
    if "first_name" not in names or len(frame) == 0:
        return 0.0
    byname = {c.name: c for c in comps}
    fn = frame["gamma_first_name"].to_numpy()
    fits = fn >= 1
    held, agree, pooled, seen = 0.0, 0.0, 0.0, 0.0
    for name, (labels, _v) in IDENTIFIER_CONFLICTS.items():
        if name not in byname:
            continue
        g = frame[f"gamma_{name}"].to_numpy()
        at = np.isin(g, level_codes(name, labels)) & (fn >= 0)
        same = np.isin(g, level_codes(name, IDENTIFIER_AGREES[name])) & fits
        held += float(counts[at].sum())
        agree += float(counts[at | same].sum())
        for w, levels in WITNESSES.items():
            if w not in byname or u is None or w not in u:
                continue
            gw = frame[f"gamma_{w}"].to_numpy()
            ok = np.isin(gw, level_codes(w, levels))
            n_at, n_same = float(counts[at & (gw >= 0)].sum()), float(counts[same & (gw >= 0)].sum())
            if n_at <= 0 or n_same <= 0:
                continue
            f = float(counts[at & ok].sum()) / n_at
            r1 = float(counts[same & ok].sum()) / n_same
            r0 = float(u[w][level_codes(w, levels)].sum())
            if r1 - r0 < 0.5:           # the witness does not tell one person from two
                continue
            pooled += n_at * float(np.clip((f - r0) / (r1 - r0), 0.0, 1.0))
            seen += n_at
    if held <= 0:
        return 0.0
    if seen > 0:
        return float(np.clip(1.0 - pooled / seen, 0.0, 1.0))
    bounds = sure_pair_bounds(frame, counts, comps) if bounds is None else bounds
    q = bounds["first_name"][1] if "first_name" in bounds else PERSON_LEVEL["first_name"][1]
    return float(np.clip((held - q * agree) / (1.0 - q) / held, 0.0, 1.0))


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
    it = 0
    for it in range(1, max_iter + 1):
        a = np.log(lam) + _bounded_llr(patterns, comps, m, u, share_b)
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
    return comparison_weights(gam, model.comparisons, model.m, model.u, model.conflict_share)


def comparison_weights(frame: pd.DataFrame, comps: tuple[Comparison, ...], m: dict, u: dict,
                       conflict_share: float = 1.0) -> dict[str, np.ndarray]:
    """Per row of ``frame`` (pairs or patterns) and comparison, the weight in bits: ``log2(m/u)`` of its level
    (`level_weights`; 0 where a side is missing), the address-like ones together within HOUSEHOLD_CAP.
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
    scale = _household_scale([out[k] for k in address])
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
        return pattern_weights(self.frame, model.comparisons, model.m, model.u, model.conflict_share)


def pattern_weights(frame: pd.DataFrame, comps: tuple[Comparison, ...], m: dict, u: dict,
                    conflict_share: float = 1.0) -> np.ndarray:
    """The match weight (bits, without term frequencies) of each row of ``frame``: the sum of its
    comparisons' weights (`comparison_weights`)."""
    pw = np.zeros(len(frame))
    for w in comparison_weights(frame, comps, m, u, conflict_share).values():
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


def fit_em_entries(gammas: pd.DataFrame, left: np.ndarray, comps: tuple[Comparison, ...], u: dict[str, np.ndarray],
                   *, n_list: int, n_registry: int, tf_adjust: np.ndarray | None = None, miss_rate: float = 0.01,
                   labelled: pd.DataFrame | None = None, max_iter: int = 100, tol: float = 1e-5,
                   patterns: Patterns | None = None, entry_weight: np.ndarray | None = None,
                   start: tuple[dict[str, np.ndarray], float] | None = None
                   ) -> tuple[dict[str, np.ndarray], float, float, int, float]:
    """m, the pair prior and the genuine share by EM over *entries*: each entry is at most one registry person.

    Pairwise EM lets the namesakes and near-namesakes that blocking gathers pose as matches (random-pair u
    does not describe them); here the candidates of an entry compete for one unit of match mass, as in
    `linker.assign`, and the M-step sums that mass per level pattern. Returns (m, pair_prior, share, iters,
`conflict_share`).
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
    for it in range(1, max_iter + 1):
        w = pattern_weights(pat, comps, m, u, share_b)[inv] + adj
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
    return m, pair_prior, share, it, share_b
