"""Name tables and Russian name morphology for the synthetic registry (linker.synthetic.ru).

Data: ``linker/data/surnames.csv`` and ``linker/data/given_names.csv`` (their headers say source and
meaning). Morphology: patronymics from the father's given name by the standard rules, feminine forms of
surnames. Every function here works on one string; callers map them over unique values.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

# Share of the registry per origin group; own_given = share of given names drawn from the group's own pool
# (the rest from the Russian pool, as many Tatars, Buryats or Ossetians bear Russian given names).
GROUPS: dict[str, tuple[float, float]] = {
    "ru": (0.775, 0.0), "ua": (0.07, 0.0), "by": (0.015, 0.0), "tat": (0.05, 0.6), "cauc": (0.025, 0.85),
    "arm": (0.01, 0.5), "az": (0.01, 0.9), "ca": (0.015, 0.9), "sib": (0.027, 0.5), "kor": (0.003, 0.0),
}
TURKIC_GROUPS = ("az",)      # groups whose patronymic is often "Гасан оглы" / "Гасан кызы"
TURKIC_SHARE = 0.35

_IRREGULAR: dict[str, tuple[str, str]] = {
    "Илья": ("Ильич", "Ильинична"), "Никита": ("Никитич", "Никитична"), "Лука": ("Лукич", "Лукинична"),
    "Фома": ("Фомич", "Фоминична"), "Кузьма": ("Кузьмич", "Кузьминична"), "Савва": ("Саввич", "Саввична"),
    "Данила": ("Данилович", "Даниловна"), "Лев": ("Львович", "Львовна"), "Павел": ("Павлович", "Павловна"),
    "Пётр": ("Петрович", "Петровна"), "Яков": ("Яковлевич", "Яковлевна"),
    "Михаил": ("Михайлович", "Михайловна"), "Гавриил": ("Гаврилович", "Гавриловна"),
}
_VOWELS = set("аеёиоуыэюя")


def patronymic(father: str, female: bool = False) -> str:
    """Patronymic from the father's given name by the Russian rules (Иван -> Иванович / Ивановна).

    -ий after one consonant -> -ьевич (Юрий -> Юрьевич), after two -> -иевич (Дмитрий -> Дмитриевич);
    -ей -> -еевич; -ай -> -аевич; -ь, hushing consonants and ц -> -евич; a final vowel -> +евич
    (Муса -> Мусаевич); irregular names (Илья, Никита, Лука, Фома, Кузьма, Лев, Павел, Пётр ...) by table.
    """
    father = father.strip()
    if not father:
        return ""
    if father in _IRREGULAR:
        return _IRREGULAR[father][int(female)]
    m, f = "ович", "овна"
    em, ef = "евич", "евна"
    low = father.lower()
    if low.endswith("ий"):
        stem = father[:-2]
        two_consonants = len(stem) >= 2 and stem[-1].lower() not in _VOWELS and stem[-2].lower() not in _VOWELS
        base = stem + ("и" if two_consonants else "ь")
        return base + (ef if female else em)
    if low.endswith(("ей", "ай", "ой", "уй")):
        return father[:-1] + (ef if female else em)
    if low.endswith("ь"):
        return father[:-1] + (ef if female else em)
    if low[-1] in _VOWELS:
        return father + (ef if female else em)
    if low[-1] in "жшчщц":
        return father + (ef if female else em)
    return father + (f if female else m)


def turkic_patronymic(father: str, female: bool = False) -> str:
    """The two-word Turkic form: "Гасан оглы" (son of Гасан), "Гасан кызы" (daughter)."""
    return f"{father} {'кызы' if female else 'оглы'}"


def feminine_surname(surname: str) -> str:
    """Feminine form of a masculine surname (Иванов -> Иванова, Ковальский -> Ковальская).

    Invariant surnames (-енко, -ко, -ых, -их, -ук, -ян, -дзе, Ким, a final consonant other than the
    -ов/-ев/-ин/-ын suffixes) are returned unchanged.
    """
    s = surname
    low = s.lower()
    if low.endswith(("ов", "ев", "ёв", "ин", "ын")) and len(s) > 3:
        return s + "а"
    if low.endswith(("ский", "цкий")):
        return s[:-2] + "ая"
    if low.endswith(("ый", "ой")) and len(s) > 4:
        return s[:-2] + "ая"
    if low.endswith("ний") and len(s) > 4:
        return s[:-2] + "яя"                      # Завгородний -> Завгородняя
    if low.endswith("ий") and len(s) > 4 and low[-3] in "кгхжшчщ":
        return s[:-2] + "ая"
    return s


def masculine_surname(surname: str) -> str:
    """Masculine form of a feminine surname (Иванова -> Иванов, Ковальская -> Ковальский); else unchanged."""
    s = surname
    low = s.lower()
    if s in _known_surnames():                    # Щербина, Шевченко: the same for both sexes
        return s
    if low.endswith(("ова", "ева", "ёва", "ина", "ына")) and len(s) > 4:
        return s[:-1]
    if low.endswith(("ская", "цкая")):
        return s[:-2] + ("ой" if s[:-2] + "ой" in _known_surnames() else "ий")   # Донская -> Донской
    if low.endswith("няя") and len(s) > 4:
        return s[:-2] + "ий"
    if low.endswith("ая") and len(s) > 4:
        stem = s[:-2]
        for ending in ("ой", "ый", "ий"):          # Толстая -> Толстой, Задорожная -> Задорожный
            if stem + ending in _known_surnames():
                return stem + ending
        return stem + ("ий" if low[-3] in "кгхжшчщ" else "ый")
    return s


@lru_cache(maxsize=1)
def _known_surnames() -> frozenset[str]:
    return frozenset(_read_data("surnames.csv")["surname"])


def opposite_gender_surname(surname: str) -> str:
    """The surname in the other grammatical gender (the "feminine/masculine form error" of a list)."""
    m = masculine_surname(surname)
    if m != surname:
        return m
    return feminine_surname(surname)


@dataclass(frozen=True)
class NameTables:
    """Per-group sampling tables: names and probabilities as numpy arrays."""
    surnames: dict[str, tuple[np.ndarray, np.ndarray]]
    given: dict[str, tuple[np.ndarray, np.ndarray]]         # male given names, group mixture applied
    fathers: dict[str, tuple[np.ndarray, np.ndarray]]       # fathers' names, group mixture applied
    female_given: tuple[np.ndarray, np.ndarray]


def _read_data(name: str) -> pd.DataFrame:
    with resources.files("linker").joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", dtype=str, keep_default_na=False)


def _mix(own: pd.DataFrame, ru: pd.DataFrame, col: str, w_own: float) -> tuple[np.ndarray, np.ndarray]:
    parts = []
    if w_own > 0:
        p = own[col].astype(float)
        parts.append(pd.DataFrame({"name": own["name"], "p": w_own * p / p.sum()}))
    if w_own < 1:
        p = ru[col].astype(float)
        parts.append(pd.DataFrame({"name": ru["name"], "p": (1 - w_own) * p / p.sum()}))
    df = pd.concat(parts).groupby("name", sort=True)["p"].sum()
    df = df[df > 0]
    return df.index.to_numpy(dtype=object), (df / df.sum()).to_numpy()


def _concentrate(p: np.ndarray, power: float) -> np.ndarray:
    q = p ** power
    return q / q.sum()


@lru_cache(maxsize=4)
def name_tables(heavy: bool = False) -> NameTables:
    """Load the data files into sampling tables; ``heavy`` concentrates every distribution (p^2)."""
    power = 2.0 if heavy else 1.0
    sur = _read_data("surnames.csv")
    giv = _read_data("given_names.csv")
    male = giv[giv["sex"] == "m"]
    ru_m = male[male["group"] == "ru"]
    surnames, given, fathers = {}, {}, {}
    for g, (_, w_own) in GROUPS.items():
        rows = sur[sur["group"] == g]
        p = rows["freq"].astype(float).to_numpy()
        surnames[g] = (rows["surname"].to_numpy(dtype=object), _concentrate(p / p.sum(), power))
        own = male[male["group"] == g]
        w = w_own if len(own) else 0.0
        names, p = _mix(own, ru_m, "freq", w)
        given[g] = (names, _concentrate(p, power))
        names, p = _mix(own, ru_m, "father_freq", w)
        fathers[g] = (names, _concentrate(p, power))
    fem = giv[giv["sex"] == "f"]
    p = fem["freq"].astype(float).to_numpy()
    return NameTables(surnames, given, fathers, (fem["name"].to_numpy(dtype=object), p / p.sum()))


@lru_cache(maxsize=1)
def diminutive_table() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """From names/data/diminutives.csv: full name -> Cyrillic diminutives, full name -> Latin press forms."""
    with resources.files("linker").joinpath("names", "data", "diminutives.csv").open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, comment="#", dtype=str, keep_default_na=False)
    df = df.apply(lambda c: c.str.strip())
    cyr: dict[str, list[str]] = {}
    lat: dict[str, list[str]] = {}
    for dim, full in zip(df["diminutive"], df["full"]):
        if not dim or not full or dim == full:
            continue
        if dim[0].isascii():
            if dim not in _NOT_PRESS_FORMS:
                lat.setdefault(full, []).append(dim)
        else:
            cyr.setdefault(full, []).append(dim)
    return cyr, lat


# Western equivalents in the table that no Russian-language list or press report would use for a person.
_NOT_PRESS_FORMS = frozenset({"John", "Walter", "Basil", "Elijah", "Jacob", "Theodore", "Stephen", "Steven"})


def sample_groups(rng: np.random.Generator, n: int) -> np.ndarray:
    """Origin group code per person, by the GROUPS shares."""
    codes = np.array(list(GROUPS), dtype=object)
    p = np.array([v[0] for v in GROUPS.values()])
    return codes[rng.choice(len(codes), size=n, p=p / p.sum())]


def sample_from(rng: np.random.Generator, groups: np.ndarray, tables: dict[str, tuple[np.ndarray, np.ndarray]]
                ) -> np.ndarray:
    """One draw per row from the table of the row's group (vectorized per group)."""
    out = np.empty(len(groups), dtype=object)
    for g in GROUPS:
        idx = np.flatnonzero(groups == g)
        if len(idx):
            names, p = tables[g]
            out[idx] = names[rng.choice(len(names), size=len(idx), p=p)]
    return out


def make_names(rng: np.random.Generator, n: int, female: np.ndarray, heavy: bool = False
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(surname, first_name, patronymic) arrays for n people; ``female`` marks women."""
    t = name_tables(heavy)
    groups = sample_groups(rng, n)
    sur = sample_from(rng, groups, t.surnames)
    giv = sample_from(rng, groups, t.given)
    fat = sample_from(rng, groups, t.fathers)
    fem_idx = np.flatnonzero(female)
    if len(fem_idx):
        names, p = t.female_given
        giv[fem_idx] = names[rng.choice(len(names), size=len(fem_idx), p=p)]
        sur[fem_idx] = map_unique(sur[fem_idx], feminine_surname)
    turkic = np.isin(groups, TURKIC_GROUPS) & (rng.random(n) < TURKIC_SHARE)
    pat = np.empty(n, dtype=object)
    for is_f in (False, True):
        for is_t in (False, True):
            sel = (female == is_f) & (turkic == is_t)
            if sel.any():
                fn = turkic_patronymic if is_t else patronymic
                pat[sel] = map_unique(fat[sel], lambda x, _f=fn, _g=is_f: _f(x, _g))
    return sur, giv, pat


_TBL3 = np.array([f"{i:03d}" for i in range(1000)], dtype=object)


def zpad(a: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as zero-padded strings (object array) by table look-ups, no per-row Python."""
    a = np.asarray(a, dtype=np.int64)
    if width <= 3:
        return _TBL3[a % 1000] if width == 3 else np.array([f"{i:0{width}d}" for i in range(10**width)],
                                                             dtype=object)[a % 10**width]
    return zpad(a // 1000, width - 3) + _TBL3[a % 1000]


def int_str(a: np.ndarray) -> np.ndarray:
    """Integers (0 <= a < 10**7) as plain decimal strings (object array), via the distinct values."""
    a = np.asarray(a, dtype=np.int64)
    if len(a) == 0:
        return np.empty(0, dtype=object)
    u, inv = np.unique(a, return_inverse=True) if len(a) < 1000 else (None, None)
    if u is not None:
        return np.array([str(x) for x in u], dtype=object)[inv]
    hi = int(a.max())
    return np.array([str(i) for i in range(hi + 1)], dtype=object)[a] if hi < 1_000_000 else \
        np.array([str(x) for x in a.tolist()], dtype=object)


def map_unique(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` applied once per distinct value of ``values``, mapped back (object array)."""
    if len(values) == 0:
        return np.empty(0, dtype=object)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    mapped = np.array([fn(u) for u in uniques] + [""], dtype=object)
    return mapped[codes]
