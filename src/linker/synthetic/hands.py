"""Rosters "from other hands" (``linker synth --style hands``): what a second, independent compiler writes.

The registry has the headers of a personnel database (``Код, Фамилия, Имя, Отчество, Дата рождения, Личный
номер, Воинское звание, Воинская часть, Категория``; ``Код`` an 8-digit code unrelated to the row order); the
list (``№, ФИО военнослужащего, Дата рожд., Личный номер, Воинское звание, Воинская часть``) writes the name in
one cell in the orders people use: surname first, given name first, surname with initials and no date, a
rank inside the cell ("гв.рядовой ЕРМОЛАЕВ Иван Петрович"), with a typo; exact full names with the unit and
no date. A Latin list romanizes by the iuliia schemes, by the Ukrainian national scheme (translitua, KMU
2010) and writes Ukrainian and Belarusian forms of given names (Dmytro, Yevhen, Oleksandr; Dzmitry,
Aliaksandr: the table below, from the official name equivalents and the Belarusian passport scheme of
instruction 2007). Invented entries are namesakes of registry people whose date contradicts, or who have no
date and another unit. Deterministic for a seed.
"""
from __future__ import annotations

import random

import numpy as np
import pandas as pd

from linker.synthetic.people import _units, make_people
from linker.synthetic.damage import RANKS, SCHEMES, typo
from linker.synthetic.names import int_str, zpad

__all__ = ["synth_hands"]

REGISTRY_HEADERS = ["Код", "Фамилия", "Имя", "Отчество", "Дата рождения", "Личный номер", "Воинское звание",
                    "Воинская часть", "Категория"]
# Ukrainian (translitua KMU 2010 of the Ukrainian form) and Belarusian (passport scheme) given names.
_UA_GIVEN = {
    "Александр": "Олександр", "Алексей": "Олексій", "Андрей": "Андрій", "Дмитрий": "Дмитро", "Евгений": "Євген",
    "Сергей": "Сергій", "Николай": "Микола", "Владимир": "Володимир", "Михаил": "Михайло", "Павел": "Павло",
    "Иван": "Іван", "Юрий": "Юрій", "Виктор": "Віктор", "Игорь": "Ігор", "Григорий": "Григорій",
    "Василий": "Василь", "Анатолий": "Анатолій", "Виталий": "Віталій", "Валерий": "Валерій", "Илья": "Ілля",
    "Пётр": "Петро", "Петр": "Петро", "Фёдор": "Федір", "Степан": "Степан", "Кирилл": "Кирило",
    "Геннадий": "Геннадій", "Георгий": "Георгій", "Олег": "Олег", "Вадим": "Вадим", "Вячеслав": "В'ячеслав",
}
_BY_GIVEN = {
    "Александр": "Aliaksandr", "Алексей": "Aliaksei", "Андрей": "Andrei", "Дмитрий": "Dzmitry",
    "Евгений": "Yauhen", "Сергей": "Siarhei", "Николай": "Mikalai", "Владимир": "Uladzimir", "Михаил": "Mikhail",
    "Павел": "Pavel", "Иван": "Ivan", "Юрий": "Yury", "Виктор": "Viktar", "Игорь": "Ihar", "Василий": "Vasil",
    "Виталий": "Vitali", "Вадим": "Vadzim", "Денис": "Dzianis", "Дмитриевич": "Dzmitryevich",
}
_RANK_PREFIX = ["", "гв.", "гв. ", "гвардии "]
_NAME_FORMS = ["sgp", "gps", "initials", "rank", "typo", "gps_typo", "exact_unit"]
_NAME_P = [0.34, 0.16, 0.12, 0.12, 0.12, 0.06, 0.08]
_LATIN_SCHEMES = ["ua", "ua_given", "by_given", "icao", "wikipedia", "mvd310", "bgn"]
_LATIN_P = [0.22, 0.2, 0.08, 0.18, 0.14, 0.1, 0.08]


_RU_ONLY = str.maketrans({"ы": "и", "Ы": "И", "э": "е", "Э": "Е", "ъ": "'", "Ъ": "'", "ё": "ьо", "Ё": "Йо"})
_VOWELS = "аеёиоуыэюяіїє"


def _ukrainian_spelling(word: str) -> str:
    """A Russian name in Ukrainian orthography, as a Ukrainian clerk writes it: и -> і (but -ий and after
    ж ц ч ш щ), ы -> и, э -> е, е -> є at the start and after a vowel, ё -> ьо / йо, ъ -> '."""
    out = []
    low = word.lower()
    for k, ch in enumerate(word):
        c, prv = low[k], low[k - 1] if k else ""
        if c == "и" and not (low[k + 1:] == "й" or (prv and prv in "жцчшщ")):
            ch = "і" if ch == "и" else "І"
        elif c == "ы":
            ch = "и" if ch == "ы" else "И"
        elif c == "е" and (not prv or prv in _VOWELS):
            ch = "є" if ch == "е" else "Є"
        elif c == "ё":
            ch = ("йо" if not prv or prv in _VOWELS else "ьо") if ch == "ё" else "Йо"
        out.append(ch)
    return "".join(out).translate(_RU_ONLY)


def _romanize(word: str, scheme: str, given: bool) -> str:
    import translitua

    if not word:
        return ""
    if scheme == "by_given" and given and word in _BY_GIVEN:
        return _BY_GIVEN[word]
    if scheme == "ua":                 # Russian letters read by the Ukrainian national table (Kliuev, -skyi)
        return translitua.translit(word.translate(_RU_ONLY))
    if scheme in ("ua_given", "by_given"):
        word = (_UA_GIVEN.get(word) if given and scheme == "ua_given" else None) or _ukrainian_spelling(word)
        return translitua.translit(word)
    return SCHEMES[scheme].translate(word)


def synth_hands(registry: int, list_size: int, *, latin: bool = False, seed: int = 0, genuine: float = 0.9,
                namesakes: float = 0.6) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(registry_df, list_df, truth_df) with truth ``list_id, registry_id, kind, form``."""
    ss = np.random.SeedSequence([seed, 21])
    reg_rng, list_rng = (np.random.default_rng(s) for s in ss.spawn(2))
    units, unit_p = _units(reg_rng)
    p = make_people(reg_rng, registry, units, unit_p)
    codes = np.sort(reg_rng.choice(np.arange(10_000_000, 99_999_999), size=registry, replace=False))
    codes = reg_rng.permutation(codes).astype(str).astype(object)
    date = zpad(p.day, 2) + "." + zpad(p.month, 2) + "." + int_str(p.year)
    pn = p.pn_letters + "-" + zpad(p.pn_digits, 6)
    reg = pd.DataFrame(dict(zip(REGISTRY_HEADERS, [
        codes, p.surname, p.first_name, p.patronymic, date, pn, np.array(RANKS, object)[p.rank],
        "в/ч " + int_str(p.unit),
        np.array(["по контракту", "мобилизованный", "по призыву"], object)[p.category]])))
    n_gen = int(round(genuine * list_size))
    gen_rows = list_rng.choice(registry, size=n_gen, replace=False)
    n_inv = list_size - n_gen
    inv = make_people(list_rng, n_inv, units, unit_p)
    rnd = random.Random(seed * 7919 + 21)
    rows, truth = [], []
    order = list_rng.permutation(list_size)
    for k in range(list_size):
        i = int(order[k])
        if i < n_gen:
            r = int(gen_rows[i])
            sur, giv, pat = p.surname[r], p.first_name[r], p.patronymic[r]
            y, m, d, rank, unit, pnum = int(p.year[r]), int(p.month[r]), int(p.day[r]), int(p.rank[r]), int(p.unit[r]), pn[r]
            kind, rid = "genuine", codes[r]
        else:
            j = i - n_gen
            y, m, d, rank, unit = int(inv.year[j]), int(inv.month[j]), int(inv.day[j]), int(inv.rank[j]), int(inv.unit[j])
            pnum = ""
            if rnd.random() < namesakes:     # a registry person's full name; own date or none, own unit
                r = rnd.randrange(registry)
                sur, giv, pat = p.surname[r], p.first_name[r], p.patronymic[r]
                kind = "namesake"
                if rnd.random() < 0.3:
                    y = 0
                elif abs(y - int(p.year[r])) < 2:
                    y = int(p.year[r]) + rnd.choice([-3, 3])
            else:
                sur, giv, pat, kind = inv.surname[j], inv.first_name[j], inv.patronymic[j], "invented"
            rid = ""
        form = rnd.choices(_NAME_FORMS, _NAME_P)[0] if kind == "genuine" else rnd.choice(["sgp", "gps"])
        scheme = rnd.choices(_LATIN_SCHEMES, _LATIN_P)[0] if latin else ""
        rom = (lambda w, g=False: _romanize(w, scheme, g)) if latin else (lambda w, g=False: w)
        s, g, pt = rom(sur), rom(giv, True), rom(pat)
        if form in ("typo", "gps_typo"):
            s = typo(s, rnd, "abcdefghijklmnopqrstuvwxyz" if latin else "абвгдежзийклмнопрстуфхцчшщыьэюя")
        if form == "initials":
            cell = f"{s} {g[:1]}.{pt[:1]}." if pt else f"{s} {g[:1]}."
            if rnd.random() < 0.7:
                y = 0
        elif form in ("gps", "gps_typo"):
            cell = f"{g} {pt} {s}"
        elif form == "rank":
            pre = rnd.choice(_RANK_PREFIX) if not latin else ""
            rk = RANKS[rank] if not latin else rom(RANKS[rank])
            cell = f"{pre}{rk} {s.upper()} {g} {pt}"
        else:
            cell = f"{s} {g} {pt}"
        if form == "exact_unit":
            y = 0
        dtxt = "" if y == 0 else (f"{d:02d}.{m:02d}.{y % 100:02d}" if rnd.random() < 0.5 else f"{d:02d}.{m:02d}.{y}")
        rows.append({"№": str(k + 1), "ФИО военнослужащего": " ".join(cell.split()), "Дата рожд.": dtxt,
                     "Личный номер": pnum.replace("-", " ") if pnum and rnd.random() < 0.4 else "",
                     "Воинское звание": "" if form == "rank" or rnd.random() < 0.5 else rom(RANKS[rank]),
                     "Воинская часть": str(unit) if rnd.random() < 0.8 or form == "exact_unit" else ""})
        truth.append({"list_id": str(k + 1), "registry_id": rid, "kind": kind, "form": form,
                      "scheme": scheme})
    lst = pd.DataFrame(rows)
    if latin:
        lst.columns = ["No", "Serviceman full name", "Date of birth", "Personal number", "Rank", "Unit"]
    return reg, lst, pd.DataFrame(truth)
