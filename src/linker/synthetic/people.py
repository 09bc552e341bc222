"""The people of a synthetic Russian personnel registry (`linker.synthetic.ru`, `linker.synthetic.lists`, `linker.synthetic.hands`):
names, birth dates by category and rank, personal numbers, units."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from linker.synthetic.damage import RANKS
from linker.synthetic.names import make_names

PN_LETTERS = np.array(list("АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"), dtype=object)
REFERENCE_DAY = np.datetime64("2022-07-01")
N_UNITS = 36

# Rank distribution (index into RANKS) per category: по контракту, мобилизованный, по призыву.
_RANK_P = {
    0: [.33, .15, .12, .12, .07, .02, .03, .01, .005, .03, .035, .03, .015, .008, .0028, .0002],
    1: [.55, .15, .09, .08, .04, .01, .02, .005, .005, .025, .015, .008, .002, 0, 0, 0],
    2: [.85, .12, .03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
}
_CATEGORY_P = [0.65, 0.25, 0.10]


@dataclass
class People:
    """Clean attributes of people as numpy arrays (one row per person)."""
    surname: np.ndarray
    first_name: np.ndarray
    patronymic: np.ndarray
    female: np.ndarray
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    pn_letters: np.ndarray      # "" = no personal number
    pn_digits: np.ndarray       # int, -1 = none
    pn_key: np.ndarray          # int64 code of (letters, digits), -1 = none
    rank: np.ndarray            # index into RANKS
    category: np.ndarray        # index into CATEGORIES
    unit: np.ndarray            # unit number (int)

    def take(self, idx: np.ndarray) -> People:
        return People(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    @staticmethod
    def concat(parts: list[People]) -> People:
        return People(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in People.__dataclass_fields__})


def _categories_and_ranks(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    cat = rng.choice(3, size=n, p=_CATEGORY_P)
    rank = np.zeros(n, dtype=np.int64)
    for c, p in _RANK_P.items():
        idx = np.flatnonzero(cat == c)
        p = np.asarray(p, dtype=float)
        rank[idx] = rng.choice(len(RANKS), size=len(idx), p=p / p.sum())
    return cat, rank


def _birth_dates(rng: np.random.Generator, cat: np.ndarray, rank: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Men 18-55 on the reference day; age by category (conscripts young, mobilized older), officers older."""
    n = len(cat)
    age = np.where(cat == 2, 18 + rng.exponential(1.6, n),
                   np.where(cat == 1, 21 + rng.gamma(4.0, 4.0, n), 19 + rng.gamma(2.5, 4.2, n)))
    age = age + np.where(rank >= 8, rng.gamma(2.0, 2.0, n) + (rank - 8) * 1.5, 0.0)
    age = np.clip(age, 18.0, 55.99)
    upper = np.where(cat == 2, 27.99, 55.99)
    age = np.minimum(age, upper)
    days = (age * 365.25).astype(np.int64)
    born = REFERENCE_DAY - days.astype("timedelta64[D]")
    idx = pd.DatetimeIndex(born)
    return (idx.year.to_numpy(np.int64), idx.month.to_numpy(np.int64), idx.day.to_numpy(np.int64))


def _personal_numbers(rng: np.random.Generator, n: int, taken: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique (letters, digits, key) personal numbers, none of which is in ``taken`` (encoded keys)."""
    L = len(PN_LETTERS)
    taken_sorted = np.sort(taken[taken >= 0]) if taken is not None and len(taken) else None
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < n:
        m = (n - len(keys)) * 11 // 10 + 16
        first = rng.integers(0, L, m)
        second = np.where(rng.random(m) < 0.85, rng.integers(0, L, m), -1)
        digits = rng.integers(0, 1_000_000, m)
        new = ((first * (L + 1) + second + 1) * 1_000_000 + digits).astype(np.int64)
        cand = np.concatenate([keys, new])
        keep = ~pd.Series(cand).duplicated().to_numpy()
        if taken_sorted is not None:
            pos = np.minimum(np.searchsorted(taken_sorted, cand), len(taken_sorted) - 1)
            keep &= taken_sorted[pos] != cand
        keys = cand[keep]
    keys = keys[:n]
    return (*_decode_pn(keys), keys)


def _decode_pn(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    L = len(PN_LETTERS)
    digits = keys % 1_000_000
    pair = keys // 1_000_000
    first, second = pair // (L + 1), pair % (L + 1) - 1
    letters = PN_LETTERS[first] + np.where(second >= 0, PN_LETTERS[np.maximum(second, 0)], "").astype(object)
    return letters, digits


def make_people(rng: np.random.Generator, n: int, units: np.ndarray, unit_p: np.ndarray,
                heavy: bool = False, taken_pn: np.ndarray | None = None) -> People:
    """n new people with every attribute drawn from the registry's distributions."""
    cat, rank = _categories_and_ranks(rng, n)
    female = (cat == 0) & (rng.random(n) < 0.045)
    sur, giv, pat = make_names(rng, n, female, heavy)
    year, month, day = _birth_dates(rng, cat, rank)
    letters, digits, keys = _personal_numbers(rng, n, taken_pn)
    unit = units[rng.choice(len(units), size=n, p=unit_p)]
    return People(sur, giv, pat, female, year, month, day, letters, digits, keys, rank, cat, unit)


def _units(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    units = np.sort(rng.choice(np.arange(10000, 100000), size=N_UNITS, replace=False))
    p = 1.0 / (rng.permutation(N_UNITS) + 4.0)
    return units, p / p.sum()


def _close_namesake_years(rng: np.random.Generator, people: People) -> None:
    """Heavy-namesake registries: about half of each namesake group shares (±1) the first member's year."""
    full = pd.Series(people.surname + " " + people.first_name + " " + people.patronymic, dtype=object)
    first_year = pd.Series(people.year).groupby(full.to_numpy()).transform("first").to_numpy()
    dup = full.duplicated(keep="first").to_numpy()
    move = dup & (rng.random(len(full)) < 0.5)
    shift = rng.choice([-1, 0, 0, 1], size=len(full))
    people.year[move] = np.clip(first_year[move] + shift[move], 1966, 2004)
    feb29 = (people.month == 2) & (people.day == 29)
    people.day[feb29] = 28
