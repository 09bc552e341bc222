"""Person-level evidence: which levels of which comparisons say "not the same person", how much match mass
they may hold, which pairs are two people (`person_conflict`) and which carry a number that is probably
not their own (`identifier_conflict`, `conflict_share`). Part of `linker.model`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .compare import COMPARISONS, IDENTIFIER_CONFLICT_LABEL, Comparison


#: person-level comparisons (`Comparison.person_level`): the levels that mean "not the same person" (a given
#: name that disagrees outright, not a nickname or an initial; two full dates of birth that differ; two
#: identifiers that differ; another sex) and the most match mass those levels may hold whatever EM finds: a
#: household's members are candidate pairs too (same surname, same address, sometimes one SSN), and EM would
#: otherwise learn that "matches" disagree on them. Levels are named by their labels, never by position: a
#: level added to a comparison must not silently move what these bounds mean.
PERSON_LEVEL: dict[str, tuple[tuple[str, ...], float]] = {
    c.name: c.person_level for c in COMPARISONS.values() if c.person_level is not None}
#: the birth-date levels that vouch for a pair whose given name disagrees outright: damage can replace a
#: name, a date that agrees says it is still one person
DATE_VOUCHES = ("partial date agrees", "one digit off / day-month swapped", "exact")
#: a pair is two people (`person_conflict`; `linker.deduplication` never clusters it) when one of these
#: comparisons is at a contradicting level and none of the levels named beside it vouches for the pair:
#: a given name that disagrees outright, unless the date of birth agrees or the identifier agrees (damage
#: can replace a name; such a pair is at the personal_number level `IDENTIFIER_CONFLICT_LABEL`, and
#: whether it is one person is left to its weight, which counts borrowed numbers: `conflict_share`)
#: Another sex is two people unless the date of birth agrees exactly (a recording error).
CONFLICTS: dict[str, dict[str, tuple[str, ...]]] = {
    "first_name": {"birth_date": DATE_VOUCHES, "personal_number": (IDENTIFIER_CONFLICT_LABEL,)},
    "sex": {"birth_date": ("exact",)},
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


def level_codes(name: str, labels: tuple[str, ...], comparison: Comparison | None = None) -> list[int]:
    """The level numbers of ``labels`` in comparison ``name`` (its labels from ``comparison`` or
    `COMPARISONS`); a label the comparison does not have is an error in these tables."""
    c = comparison if comparison is not None else COMPARISONS[name]
    missing = [lab for lab in labels if lab not in c.labels]
    if missing:
        raise ValueError(f"{name}: no level {missing} among {c.labels}")
    return [c.labels.index(lab) for lab in labels]
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


def identifier_conflict(gam: pd.DataFrame, conflict_share: float = 1.0, tolerance: float = 0.1) -> np.ndarray:
    """Per pair, whether an identifier agrees beside a given name that disagrees (`IDENTIFIER_CONFLICTS`):
    a borrowed or copied number, unless the date of birth vouches. None where the data show at most a share
    ``tolerance`` of such pairs to be borrowed numbers (``conflict_share``): a decision that may be wrong
    that often (1 - the match threshold) may confirm them, as FEBRL's damaged names; otherwise no pair at
    that level can be confirmed on the number."""
    out = np.zeros(len(gam), bool)
    if conflict_share <= tolerance:
        return out
    for name, (labels, vouchers) in IDENTIFIER_CONFLICTS.items():
        out |= _unvouched(gam, name, labels, vouchers)
    return out


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


def _household_witness(frame: pd.DataFrame, counts: np.ndarray, comps: tuple[Comparison, ...],
                       u: dict[str, np.ndarray] | None, bounds: dict[str, tuple[float, float]] | None
                       ) -> tuple[float, float, float] | None:
    """(f, r1, r0) of `household_share`: among the pairs at one address, the rate at which the witness holds,
    and one person's and two people's mean rates there; None where it cannot be read."""
    from .model_weights import is_address

    address = [c for c in comps if is_address(c)]
    names = {c.name for c in comps}
    if len(address) < 2 or "first_name" not in names or u is None or "first_name" not in u or not len(frame):
        return None
    agree = np.ones(len(frame), bool)
    for c in address:          # the whole address given on both sides and the same (not a city alone)
        agree &= frame[f"gamma_{c.name}"].to_numpy() == len(c.labels) - 1
    fn = frame["gamma_first_name"].to_numpy()
    at = agree & (fn >= 0)
    n = float(counts[at].sum())
    if n <= 0:
        return None
    bounds = sure_pair_bounds(frame, counts, comps) if bounds is None else bounds
    q = bounds["first_name"][1] if "first_name" in bounds else PERSON_LEVEL["first_name"][1]
    u_else = float(u["first_name"][0])
    one = np.full(len(frame), q)           # per pattern, how often one person's records fail the witness
    two = np.full(len(frame), u_else)      # and two people's
    holds = fn >= 1
    if "birth_date" in names and "birth_date" in u:
        gd = frame["gamma_birth_date"].to_numpy()
        dated = gd >= 0
        vouch = level_codes("birth_date", DATE_VOUCHES)
        q_date = bounds["birth_date"][1] if "birth_date" in bounds else PERSON_LEVEL["birth_date"][1]
        one = np.where(dated, q * q_date, one)
        two = np.where(dated, u_else * (1.0 - float(u["birth_date"][vouch].sum())), two)
        holds |= np.isin(gd, vouch)
    f = float(counts[at & holds].sum()) / n
    return f, 1.0 - float(counts[at] @ one[at]) / n, 1.0 - float(counts[at] @ two[at]) / n


def household_share(frame: pd.DataFrame, counts: np.ndarray, comps: tuple[Comparison, ...],
                    u: dict[str, np.ndarray] | None = None, bounds: dict[str, tuple[float, float]] | None = None
                    ) -> float:
    """The share of the candidate pairs agreeing on every address-like column (at least two) that are two
    people: a household's members. The witness is what `person_conflict` reads for a given name: a pair is
    one person by it when the given name fits or, where both sides give a date of birth, the date vouches
    (`DATE_VOUCHES`: damage replaces a given name, and a household's members do not share a birth date but
    for twins). The identifier does not vouch here: a household shares one. One person's records fail the
    witness at rate q (how often their given name differs, `sure_pair_bounds`), times how often their dates
    contradict where a date is compared; two people's at the rates of random pairs (u). Among the pairs at one
    address it holds at rate f, so one person's share is (f - r0) / (r1 - r0), r1 and r0 the pairs' mean
    rates. 1 (households assumed) where it cannot be read: no address-like columns, no given name."""
    read = _household_witness(frame, counts, comps, u, bounds)
    if read is None or read[1] - read[2] < 0.5:
        return 1.0
    f, r1, r0 = read
    return float(np.clip(1.0 - (f - r0) / (r1 - r0), 0.0, 1.0))


def conflicting_household_share(frame: pd.DataFrame, counts: np.ndarray, comps: tuple[Comparison, ...],
                                u: dict[str, np.ndarray] | None = None,
                                bounds: dict[str, tuple[float, float]] | None = None) -> float:
    """Of the pairs at one address whose given name disagrees where the date of birth does not vouch (the
    witness of `household_share` fails), the share that are two people: h (1 - r0) / (1 - f), the household
    pairs that fail it over all that do. 1 where it cannot be read (`read_conflicting_household_share`).
    Where it is small the data hold no households to keep apart: such pairs are one person's damaged records
    (`linker.deduplication`)."""
    share = read_conflicting_household_share(frame, counts, comps, u, bounds)
    return 1.0 if share is None else share


def read_conflicting_household_share(frame: pd.DataFrame, counts: np.ndarray, comps: tuple[Comparison, ...],
                                     u: dict[str, np.ndarray] | None = None,
                                     bounds: dict[str, tuple[float, float]] | None = None) -> float | None:
    """`conflicting_household_share`, or None where the data cannot show it: fewer than two address-like
    columns, no given name, no pair agreeing on the whole address, or a witness that does not tell one
    person from two."""
    read = _household_witness(frame, counts, comps, u, bounds)
    if read is None or read[1] - read[2] < 0.5:
        return None
    f, r1, r0 = read
    if f >= 1.0:
        return 0.0
    h = float(np.clip(1.0 - (f - r0) / (r1 - r0), 0.0, 1.0))
    return float(np.clip(h * (1.0 - r0) / (1.0 - f), 0.0, 1.0))
