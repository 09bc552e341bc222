"""The damaged list of linker.synthetic.ru: which people it holds, how each entry is damaged, how it is laid out.

Damage tokens recorded per entry in truth.csv's ``damage`` column (";"-joined, in the order below) and
their base rates per entry (multiplied by ``damage``). A token is recorded only when the damage changed
the entry. "format" tokens mean "written differently from the registry".
"""
from __future__ import annotations

import random

import numpy as np
import pandas as pd

from linker.synthetic.people import People, make_people
from linker.synthetic.damage import (CATEGORIES, CATEGORY_EN, CATEGORY_WORDINGS, CYR_LOWER, LAT_LOWER, RANK_ABBR,
                                 RANK_EN, RANK_EN_ABBR, RANKS, SCHEME_WEIGHTS, _RANK_BAND_TOP, _TWINS,
                                 format_dates, layout, lookalike, ocr, punct, transliterate, typo, yo_swap)
from linker.synthetic.names import diminutive_table, int_str, map_unique, opposite_gender_surname, zpad

DAMAGE_RATES: dict[str, float] = {
    # names
    "diminutive": 0.03, "press": 0.30, "gender": 0.01, "yo": 0.5, "missing_given": 0.01,
    "missing_patronymic": 0.30, "initials": 0.06, "typo": 0.08, "ocr": 0.04, "lookalike": 0.03,
    "order": 0.05, "layout": 0.01, "caps": 0.08, "punct": 0.04,
    # dates
    "date_format": 0.10, "date_swap": 0.02, "date_digit": 0.02, "date_year_only": 0.02, "missing_date": 0.04,
    # ranks, categories, personal numbers, units
    "rank_promoted": 0.08, "rank_abbrev": 0.15, "rank_guards": 0.05, "rank_reserve": 0.02, "missing_rank": 0.08,
    "category_swap": 0.04, "category_wording": 0.20, "missing_category": 0.08,
    "number_format": 0.10, "number_lookalike": 0.05, "number_digit": 0.02, "missing_number": 0.30,
    "unit_format": 0.10, "missing_unit": 0.08,
}
YO_REVERSE_RATE = 0.01   # е written as ё, for names without ё (the "yo" rate applies to names with ё)
CYRILLIC_ONLY = ("ocr", "lookalike", "layout", "number_lookalike")
LATIN_ONLY = ("press",)
TOKEN_ORDER = ["translit"] + list(DAMAGE_RATES)

DATE_FORMATS_RU = ["dmy", "dmy", "dmy", "dmy_short", "iso", "slash", "text_ru"]
DATE_FORMATS_EN = ["dmy", "dmy", "iso", "slash", "text_en", "text_en", "dmy_short"]
UNIT_FORMATS_RU = ["в/ч {}", "в/ч{}", "войсковая часть {}", "ВЧ {}", "{}", "в/ч-{}"]
UNIT_FORMATS_EN = ["military unit {}", "MU {}", "unit {}", "v/ch {}", "{}"]
PN_SEPARATORS = ["-", " ", ""]

HEADERS_RU = {"id": ["№"], "full_name": ["ФИО", "Ф.И.О.", "Фамилия Имя Отчество"],
              "split": [("Фамилия", "Имя", "Отчество")], "birth_date": ["Дата рождения", "Дата рожд."],
              "personal_number": ["Личный номер", "Личный №"], "rank": ["Звание", "Воинское звание"],
              "category": ["Категория"], "unit": ["Воинская часть", "В/ч"]}
HEADERS_EN = {"id": ["No"], "full_name": ["Full name", "Name"],
              "split": [("Surname", "Given name", "Patronymic")], "birth_date": ["Date of birth", "Birth date"],
              "personal_number": ["Personal number", "Personal No."], "rank": ["Rank"], "category": ["Category"],
              "unit": ["Unit", "Military unit"]}


def _pick(rng: np.random.Generator, options: list):
    return options[int(rng.integers(len(options)))]


def select_people(rng: np.random.Generator, people: People, reg_ids: np.ndarray, units: np.ndarray,
                  unit_p: np.ndarray, list_size: int, n_genuine: int, n_duplicates: int, namesakes: float,
                  heavy: bool) -> tuple[People, np.ndarray, np.ndarray]:
    """Clean list people (shuffled), their registry ids ("" = not in registry) and kinds."""
    n_reg = len(reg_ids)
    n_uniq = n_genuine - n_duplicates
    sel = rng.choice(n_reg, size=n_uniq, replace=False)
    dup = rng.choice(sel, size=n_duplicates, replace=False) if n_duplicates else np.empty(0, dtype=np.int64)
    n_fake = list_size - n_genuine
    n_ns = int(round(namesakes * n_fake))
    fake = make_people(rng, n_fake, units, unit_p, heavy, taken_pn=people.pn_key)
    if n_ns:
        src = rng.choice(n_reg, size=n_ns, replace=True)
        for attr in ("surname", "first_name", "patronymic", "female"):
            getattr(fake, attr)[:n_ns] = getattr(people, attr)[src]
        no_pn = rng.random(n_ns) < 0.5
        fake.pn_letters[:n_ns][no_pn] = ""
        fake.pn_digits[:n_ns][no_pn] = -1
        fake.pn_key[:n_ns][no_pn] = -1
    clean = People.concat([people.take(sel), people.take(dup), fake])
    ids = np.concatenate([reg_ids[sel], reg_ids[dup], np.full(n_fake, "", dtype=object)]).astype(object)
    kinds = np.array(["genuine"] * n_uniq + ["duplicate"] * n_duplicates + ["namesake"] * n_ns
                     + ["invented"] * (n_fake - n_ns), dtype=object)
    perm = rng.permutation(list_size)
    return clean.take(perm), ids[perm], kinds[perm]


class _Damager:
    """Draws the damage masks, applies them, and records tokens per entry."""

    def __init__(self, rng: np.random.Generator, n: int, latin: bool, damage: float) -> None:
        self.rng, self.n, self.latin, self.damage = rng, n, latin, damage
        self.rnd = random.Random(int(rng.integers(2**62)))
        self.translit_names = np.full(n, "", dtype=object)     # "translit_<scheme>" per entry (Latin lists)
        self.tokens: dict[str, np.ndarray] = {k: np.zeros(n, dtype=bool) for k in TOKEN_ORDER}
        # draw every mask up front, in a fixed order, so that each kind's draws are independent
        self.masks = {k: rng.random(n) < min(1.0, r * damage) for k, r in DAMAGE_RATES.items()}
        if latin:
            for k in CYRILLIC_ONLY:
                self.masks[k][:] = False
        else:
            for k in LATIN_ONLY:
                self.masks[k][:] = False

    def mark(self, kind: str, where: np.ndarray) -> None:
        self.tokens[kind] |= where

    def token_column(self) -> np.ndarray:
        """";"-joined tokens per entry, built once per distinct pattern of tokens."""
        kinds = TOKEN_ORDER[1:]
        code = np.zeros(self.n, dtype=np.int64)
        for b, k in enumerate(kinds):
            code |= self.tokens[k].astype(np.int64) << b
        codes, uniques = pd.factorize(pd.Series(code))
        labels = np.array([";".join(k for b, k in enumerate(kinds) if (u >> b) & 1) for u in uniques],
                          dtype=object)
        rest = labels[codes]
        t = self.tokens["translit"]
        pre = np.where(t, self.translit_names, "").astype(object)
        sep = np.where(t & (rest != ""), ";", "").astype(object)
        return pre + sep + rest

    def loop(self, kind: str, values: np.ndarray, fn, extra: np.ndarray | None = None) -> np.ndarray:
        """Apply ``fn(value, rnd)`` to the entries of mask ``kind`` (or ``extra``); record changes."""
        mask = self.masks[kind] if extra is None else extra
        out = values.copy()
        idx = np.flatnonzero(mask & (values != ""))
        changed = np.zeros(self.n, dtype=bool)
        for i in idx:
            new = fn(values[i], self.rnd)
            if new != values[i]:
                out[i] = new
                changed[i] = True
        self.mark(kind, changed)
        return out


def _damage_names(d: _Damager, p: People, schemes: np.ndarray | None, split: bool) -> list[np.ndarray]:
    """Name columns (one full-name column, or surname/given/patronymic) after damage."""
    n, rnd = d.n, d.rnd
    sur, giv, pat = p.surname.copy(), p.first_name.copy(), p.patronymic.copy()
    dims_cyr, press_forms = diminutive_table()
    use_press = d.masks["press"] & np.isin(giv, list(press_forms))
    giv = d.loop("diminutive", giv, lambda g, r: r.choice(dims_cyr[g]) if g in dims_cyr else g,
                 extra=d.masks["diminutive"] & ~use_press)
    sur = d.loop("gender", sur, lambda s, r: opposite_gender_surname(s))
    yo_in = [map_unique(a, lambda x: "ё" in x).astype(bool) for a in (sur, giv, pat)]
    has_yo = yo_in[0] | yo_in[1] | yo_in[2]
    u = d.rng.random(n)
    yo = (has_yo & d.masks["yo"]) | (~has_yo & (u < YO_REVERSE_RATE * d.damage))
    parts = [sur, giv, pat]
    for k, arr in enumerate(parts):
        new = arr.copy()
        # names with ё: every ё -> е; names without: one е of the surname -> ё
        hit = yo & (arr != "") & (yo_in[k] | (~has_yo & (k == 0)))
        for i in np.flatnonzero(hit):
            new[i] = yo_swap(arr[i], rnd)
        d.mark("yo", new != arr)
        parts[k] = new
    sur, giv, pat = parts
    d.mark("missing_given", d.masks["missing_given"] & (giv != ""))
    giv = np.where(d.masks["missing_given"], "", giv).astype(object)
    d.mark("missing_patronymic", d.masks["missing_patronymic"] & (pat != ""))
    pat = np.where(d.masks["missing_patronymic"], "", pat).astype(object)
    alphabet = CYR_LOWER
    if schemes is not None:
        alphabet = LAT_LOWER
        for arr in (sur, giv, pat):
            for sch in SCHEME_WEIGHTS:
                s = schemes == sch
                arr[s] = transliterate(arr[s], sch)
        d.mark("translit", np.ones(n, dtype=bool))
        use_press &= giv != ""
        before = giv.copy()
        for i in np.flatnonzero(use_press):
            giv[i] = rnd.choice(press_forms[p.first_name[i]])
        d.mark("press", giv != before)
    initials = d.masks["initials"] & (giv != "")
    d.mark("initials", initials)
    giv = np.where(initials, map_unique(giv, lambda g: g[:1] + "." if g else ""), giv).astype(object)
    pat = np.where(initials, map_unique(pat, lambda g: g[:1] + "." if g else ""), pat).astype(object)
    target = d.rng.integers(0, 3, n)       # which part a letter-level damage hits (0 = surname)
    target = np.where(initials | (giv == ""), 0, target)
    target = np.where((target == 2) & (pat == ""), 0, target)
    parts = [sur, giv, pat]
    for kind, fn in (("typo", lambda w, r: typo(w, r, alphabet)), ("ocr", ocr), ("lookalike", lookalike)):
        for k in range(3):
            parts[k] = d.loop(kind, parts[k], fn, extra=d.masks[kind] & (target == k))
    sur, giv, pat = parts
    order = d.masks["order"]
    d.mark("order", order)
    if split:
        sur, giv = np.where(order, giv, sur).astype(object), np.where(order, sur, giv).astype(object)
        cols = [sur, giv, pat]
        for kind, fn in (("layout", lambda s, r: layout(s)), ("caps", lambda s, r: s.upper())):
            cols = [d.loop(kind, c, fn) for c in cols]
        cols[0] = d.loop("punct", cols[0], punct)
        return cols
    full = _join(sur, giv, pat)
    glued = d.rng.random(n) < 0.5                  # "И.И." or "И. И."
    for i in np.flatnonzero(order | initials):
        if initials[i]:
            ini = (giv[i] + ("" if glued[i] else " ") + pat[i]).strip()
            full[i] = f"{ini} {sur[i]}" if order[i] else f"{sur[i]} {ini}"
        else:
            full[i] = " ".join(x for x in (giv[i], pat[i], sur[i]) if x)
    full = d.loop("layout", full, lambda s, r: layout(s))
    full = d.loop("caps", full, lambda s, r: s.upper())
    full = d.loop("punct", full, punct)
    return [full]


def _join(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    ab = np.where(b == "", a, a + " " + b).astype(object)
    return np.where(c == "", ab, ab + " " + c).astype(object)


def _damage_dates(d: _Damager, p: People, house: str, formats: list[str]) -> np.ndarray:
    n, rng, m = d.n, d.rng, d.masks
    y, mo, dd = p.year.copy(), p.month.copy(), p.day.copy()
    swap = m["date_swap"] & (dd <= 12) & (dd != mo)
    mo, dd = np.where(swap, dd, mo), np.where(swap, mo, dd)
    d.mark("date_swap", swap & ~m["missing_date"] & ~m["date_year_only"])
    digit = m["date_digit"]
    new_units = (dd % 10 + rng.integers(1, 10, n)) % 10
    new_day = dd // 10 * 10 + new_units
    day_ok = (rng.random(n) < 0.4) & (new_day >= 1) & (new_day <= 28)
    dd = np.where(digit & day_ok, new_day, dd)
    y = np.where(digit & ~day_ok, y - y % 10 + (y % 10 + rng.integers(1, 10, n)) % 10, y)
    d.mark("date_digit", digit & ~m["missing_date"] & ~m["date_year_only"] | digit & ~day_ok & ~m["missing_date"])
    fmt = np.full(n, house, dtype=object)
    other = np.array(formats, dtype=object)[rng.integers(0, len(formats), n)]
    fmt = np.where(m["date_format"], other, fmt).astype(object)
    fmt = np.where(m["date_year_only"], "year", fmt).astype(object)
    d.mark("date_year_only", m["date_year_only"] & ~m["missing_date"])
    d.mark("date_format", ~m["date_year_only"] & ~m["missing_date"] & (fmt != "dmy"))
    out = format_dates(y, mo, dd, fmt)
    d.mark("missing_date", m["missing_date"])
    return np.where(m["missing_date"], "", out).astype(object)


def _damage_ranks(d: _Damager, p: People) -> np.ndarray:
    n, m = d.n, d.masks
    steps = np.where(d.rng.random(n) < 0.75, 1, 2)
    promoted = np.minimum(p.rank + steps, np.array(_RANK_BAND_TOP)[p.rank])
    rank = np.where(m["rank_promoted"], promoted, p.rank)
    keep = ~m["missing_rank"]
    d.mark("rank_promoted", (rank != p.rank) & keep)
    full, abbr = (RANK_EN, RANK_EN_ABBR) if d.latin else (RANKS, RANK_ABBR)
    out = np.where(m["rank_abbrev"], np.array(abbr, dtype=object)[rank], np.array(full, dtype=object)[rank])
    d.mark("rank_abbrev", m["rank_abbrev"] & keep)
    out = np.where(m["rank_guards"], ("Guards " if d.latin else "гвардии ") + out, out)
    d.mark("rank_guards", m["rank_guards"] & keep)
    out = np.where(m["rank_reserve"], out + (" (reserve)" if d.latin else " запаса"), out)
    d.mark("rank_reserve", m["rank_reserve"] & keep)
    d.mark("missing_rank", m["missing_rank"])
    return np.where(m["missing_rank"], "", out).astype(object)


def _damage_categories(d: _Damager, p: People, house: list[int]) -> np.ndarray:
    n, m, rng = d.n, d.masks, d.rng
    cat = p.category.copy()
    to_contract = m["category_swap"] & (cat == 1)
    to_mob = m["category_swap"] & (cat == 0) & (rng.random(n) < 0.3)
    cat = np.where(to_contract, 0, np.where(to_mob, 1, cat))
    keep = ~m["missing_category"]
    d.mark("category_swap", (to_contract | to_mob) & keep)
    table = CATEGORY_EN if d.latin else CATEGORY_WORDINGS
    variants = [table[c] for c in CATEGORIES]
    pick = np.array(house)[cat]
    rand = rng.integers(0, 4, n)
    pick = np.where(m["category_wording"], rand, pick)
    words = np.array([v for vs in variants for v in vs], dtype=object).reshape(3, 4)
    out = words[cat, pick]
    canonical = np.array(CATEGORIES, dtype=object)[cat]
    d.mark("category_wording", keep & ((pick != np.array(house)[cat]) if d.latin else (out != canonical)))
    d.mark("missing_category", m["missing_category"])
    return np.where(m["missing_category"], "", out).astype(object)


def _damage_numbers(d: _Damager, p: People, house_sep: str, schemes: np.ndarray | None) -> np.ndarray:
    n, m, rng = d.n, d.masks, d.rng
    has = p.pn_letters != ""
    kept = has & ~m["missing_number"]
    letters = p.pn_letters.copy()
    if schemes is not None:
        for sch in SCHEME_WEIGHTS:
            s = schemes == sch
            letters[s] = map_unique(transliterate(letters[s], sch), str.upper)
    else:
        letters = d.loop("number_lookalike", letters, lambda s, r: "".join(_TWINS.get(c, c) for c in s),
                         extra=d.masks["number_lookalike"] & kept)
    digits = p.pn_digits.copy()
    pos = rng.integers(0, 6, n)
    place = 10 ** pos
    old = digits // place % 10
    new = (old + rng.integers(1, 10, n)) % 10
    digits = np.where(m["number_digit"] & has, digits + (new - old) * place, digits)
    d.mark("number_digit", m["number_digit"] & kept)
    sep = np.full(n, house_sep, dtype=object)
    sep = np.where(m["number_format"], np.array(PN_SEPARATORS, dtype=object)[rng.integers(0, 3, n)], sep)
    d.mark("number_format", kept & (sep != "-"))
    dig = zpad(np.maximum(digits, 0), 6)
    out = np.where(has, letters + sep + dig, "").astype(object)
    d.mark("missing_number", m["missing_number"] & has)
    return np.where(m["missing_number"], "", out).astype(object)


def _damage_units(d: _Damager, p: People, house: int) -> np.ndarray:
    n, m = d.n, d.masks
    formats = UNIT_FORMATS_EN if d.latin else UNIT_FORMATS_RU
    f = np.where(m["unit_format"], d.rng.integers(0, len(formats), n), house)
    num = int_str(p.unit)
    out = np.empty(n, dtype=object)
    for k, tmpl in enumerate(formats):
        s = f == k
        pre, post = tmpl.split("{}")
        out[s] = pre + num[s] + post
    d.mark("unit_format", ~m["missing_unit"] & ((out != "в/ч " + num) if not d.latin else (f != house)))
    d.mark("missing_unit", m["missing_unit"])
    return np.where(m["missing_unit"], "", out).astype(object)


def build_list(list_rng: np.random.Generator, dmg_rng: np.random.Generator, people: People, reg_ids: np.ndarray,
               units: np.ndarray, unit_p: np.ndarray, *, list_size: int, n_genuine: int, n_duplicates: int,
               namesakes: float, latin: bool, damage: float, heavy: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The damaged list (headers chosen per list) and the truth (list_id, registry_id, damage, kind)."""
    clean, ids, kinds = select_people(list_rng, people, reg_ids, units, unit_p, list_size, n_genuine,
                                      n_duplicates, namesakes, heavy)
    headers = HEADERS_EN if latin else HEADERS_RU
    split = bool(list_rng.random() < 0.4)
    name_headers = list(_pick(list_rng, headers["split"])) if split else [_pick(list_rng, headers["full_name"])]
    styled = damage > 0
    date_house = _pick(list_rng, DATE_FORMATS_EN if latin else DATE_FORMATS_RU) if styled else "dmy"
    sep_house = _pick(list_rng, ["-", "-", " ", ""]) if styled else "-"
    unit_house = int(list_rng.integers(0, 3)) if styled else 0
    cat_house = [int(list_rng.integers(0, 2)) if styled else 0 for _ in range(3)]
    other = {k: _pick(list_rng, headers[k]) for k in ("birth_date", "personal_number", "rank", "category", "unit")}
    d = _Damager(dmg_rng, list_size, latin, damage)
    schemes = None
    if latin:
        codes = np.array(list(SCHEME_WEIGHTS), dtype=object)
        w = np.array(list(SCHEME_WEIGHTS.values()))
        schemes = codes[dmg_rng.choice(len(codes), size=list_size, p=w / w.sum())]
        d.translit_names = ("translit_" + schemes).astype(object)
    cols: dict[str, np.ndarray] = {_pick(list_rng, headers["id"]): int_str(np.arange(1, list_size + 1))}
    for h, v in zip(name_headers, _damage_names(d, clean, schemes, split)):
        cols[h] = v
    cols[other["birth_date"]] = _damage_dates(d, clean, date_house, DATE_FORMATS_EN if latin else DATE_FORMATS_RU)
    cols[other["personal_number"]] = _damage_numbers(d, clean, sep_house, schemes)
    cols[other["rank"]] = _damage_ranks(d, clean)
    cols[other["category"]] = _damage_categories(d, clean, cat_house)
    cols[other["unit"]] = _damage_units(d, clean, unit_house)
    list_df = pd.DataFrame(cols)
    truth_df = pd.DataFrame({"list_id": int_str(np.arange(1, list_size + 1)), "registry_id": ids,
                             "damage": d.token_column(), "kind": kinds})
    return list_df, truth_df
