"""Synthetic personnel registry and damaged list, with ground truth (``linker synth``).

``synth(registry, list_size, ...)`` returns (registry_df, list_df, truth_df):

- registry_df: an army's "2022 personnel registry", columns
  ``id,surname,first_name,patronymic,birth_date,personal_number,rank,category,unit`` (Cyrillic).
- list_df: a list of ``list_size`` people as real lists look (Cyrillic or Latin, varying headers), a share
  ``genuine`` of them drawn from the registry (some listed twice), the rest invented, part of them
  namesakes of registry people; every entry damaged as in DOMAIN.md ("How lists get damaged").
- truth_df: ``list_id,registry_id,damage,kind``: registry id ("" if not in the registry), the damage applied
  (";"-joined tokens, see synth_list.DAMAGE_RATES) and the kind of entry (genuine / duplicate / namesake /
  invented).

Everything is vectorized over whole columns; Python runs only over unique strings and over the damaged
entries. The same arguments give byte-identical CSVs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from linker.errors import ConfigError
from linker.synth_damage import CATEGORIES, RANKS
from linker.synth_names import int_str, make_names, zpad

__all__ = ["synth", "write_synth", "REGISTRY_COLUMNS", "PN_LETTERS"]

REGISTRY_COLUMNS = ["id", "surname", "first_name", "patronymic", "birth_date", "personal_number", "rank",
                    "category", "unit"]
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
        return People(**{k: v[idx] for k, v in self.__dict__.items()})

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


def format_registry(people: People) -> pd.DataFrame:
    n = len(people.surname)
    ids = "R" + zpad(np.arange(1, n + 1), 7)
    date = zpad(people.day, 2) + "." + zpad(people.month, 2) + "." + int_str(people.year)
    pn = people.pn_letters + "-" + zpad(people.pn_digits, 6)
    units = "в/ч " + int_str(people.unit)
    return pd.DataFrame({
        "id": ids, "surname": people.surname, "first_name": people.first_name,
        "patronymic": people.patronymic, "birth_date": date, "personal_number": pn,
        "rank": np.array(RANKS, dtype=object)[people.rank], "category": np.array(CATEGORIES, dtype=object)[people.category],
        "unit": units,
    })


def synth(registry: int, list_size: int, *, latin: bool = False, seed: int = 0, genuine: float = 0.9,
          namesakes: float = 0.3, duplicates: float = 0.03, heavy_namesakes: bool = False,
          damage: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A registry of ``registry`` people and a damaged list of ``list_size`` entries, with the truth.

    genuine: share of list entries that are registry people (duplicate listings included);
    duplicates: share of list entries that are a second listing of an already listed person;
    namesakes: share of the invented entries that copy the full name of a registry person;
    heavy_namesakes: concentrate the name distribution (many more namesakes, some with close birth years);
    damage: multiplies every damage and missing-field rate (0 = a clean list in the registry's formats).
    """
    from linker.synth_list import build_list

    for name, v in (("genuine", genuine), ("namesakes", namesakes), ("duplicates", duplicates)):
        if not 0.0 <= v <= 1.0:
            raise ConfigError(f"synth: {name}={v} is outside [0, 1]; give a share between 0 and 1")
    if registry < 1 or list_size < 0:
        raise ConfigError(f"synth: registry={registry}, list_size={list_size}; need registry >= 1, list_size >= 0")
    if damage < 0:
        raise ConfigError(f"synth: damage={damage} is negative; use 0 for a clean list, 1 for realistic damage")
    ss = np.random.SeedSequence(seed)
    reg_rng, list_rng, dmg_rng = (np.random.default_rng(s) for s in ss.spawn(3))
    units, unit_p = _units(reg_rng)
    people = make_people(reg_rng, registry, units, unit_p, heavy_namesakes)
    if heavy_namesakes:
        _close_namesake_years(reg_rng, people)
    registry_df = format_registry(people)
    n_gen = int(round(genuine * list_size))
    n_dup = min(int(round(duplicates * list_size)), n_gen // 2)
    if n_gen - n_dup > registry:
        raise ConfigError(f"synth: {n_gen - n_dup} distinct genuine entries asked of a registry of {registry}; "
                         "lower genuine or list_size, or raise registry")
    list_df, truth_df = build_list(list_rng, dmg_rng, people, registry_df["id"].to_numpy(dtype=object),
                                   units, unit_p, list_size=list_size, n_genuine=n_gen, n_duplicates=n_dup,
                                   namesakes=namesakes, latin=latin, damage=damage, heavy=heavy_namesakes)
    return registry_df, list_df, truth_df


def write_synth(out_dir: str | Path, registry_df: pd.DataFrame, list_df: pd.DataFrame,
                truth_df: pd.DataFrame) -> None:
    """Write registry.csv, list.csv, truth.csv (UTF-8, "\\n" line ends) into ``out_dir`` (created)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in (("registry.csv", registry_df), ("list.csv", list_df), ("truth.csv", truth_df)):
        (out / name).write_bytes(csv_bytes(df))


_NEEDS_QUOTES = r'[,"\r\n]'


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV of a frame of strings, byte-identical to ``df.to_csv(index=False, lineterminator="\\n")``.

    Fast path (columns joined as whole arrays) when no cell or header needs quoting; else pandas.
    """
    header = ",".join(map(str, df.columns))
    n, k = df.shape
    if k >= 2 and n:
        body = "\n".join(map(",".join, zip(*(df[c].tolist() for c in df.columns))))
        clean = (body.count(",") == n * (k - 1) and body.count("\n") == n - 1 and '"' not in body
                 and "\r" not in body and not any(re.search(_NEEDS_QUOTES, str(h)) for h in df.columns))
        if clean:
            return (header + "\n" + body + "\n").encode("utf-8")
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def synth_rosters(registry: int, list_size: int, *, style: str = "ru", form: str = "census", latin: bool = False,
                  seed: int = 0, genuine: float = 0.9, namesakes: float = 0.3, duplicates: float = 0.03,
                  heavy_namesakes: bool = False, damage: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(registry, list, truth) of one style: ``ru`` (`synth`), ``us`` (`linker.synth_us.synth_us`, census or
    tax ``form``) or ``hands`` (`linker.synth_hands.synth_hands`)."""
    if registry < 1 or list_size < 1:
        raise ConfigError(f"--registry {registry} --list {list_size}: both must be at least 1")
    if style == "us":
        if genuine <= 0:
            raise ConfigError("--genuine 0 with --style us: the share of the population in the registry must be "
                              "above 0")
        from .synth_us import synth_us
        return synth_us(registry, list_size, form=form, seed=seed, genuine=genuine, damage=damage)
    if style == "hands":
        from .synth_hands import synth_hands
        return synth_hands(registry, list_size, latin=latin, seed=seed, genuine=genuine, namesakes=namesakes)
    if style != "ru":
        raise ConfigError(f"--style {style}: unknown style; use ru, us or hands")
    return synth(registry, list_size, latin=latin, seed=seed, genuine=genuine, namesakes=namesakes,
                 duplicates=duplicates, heavy_namesakes=heavy_namesakes, damage=damage)

