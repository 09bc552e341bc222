from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linker import names as N
from linker.columns import Mapping
from linker.names import _columns as S
from linker.names._columns import _clean_name, _key_and_initial, _looks_swapped, _parse_full_names, _split_given
from linker.standardize import _personal_numbers, _personal_numbers_scalar, standardize

SEPARATE = Mapping((("surname", "s"), ("first_name", "f"), ("patronymic", "p"), ("birth_date", "d"),
                    ("personal_number", "n")))
FULL = Mapping((("full_name", "fio"),))


def one(row: dict, mapping: Mapping = SEPARATE) -> dict:
    cols = {c: [row.get(c, "")] for _f, c in mapping.fields}
    return standardize(pd.DataFrame(cols), mapping).iloc[0].to_dict()


@pytest.mark.parametrize("a, b", [
    (dict(s="Иванов", f="Сергей"), dict(s="IVANOV", f="Sergey")),
    (dict(s="Фёдоров", f="Артём"), dict(s="Федоров", f="Artyom")),
    (dict(s="Руслан", f="Эркенов"), dict(s="Эркенов", f="Руслан")),          # cells swapped
    (dict(s="Е.", f="Степанов", p="А."), dict(s="Степанов", f="Е.", p="А.")),  # initials in the surname cell
    (dict(s="Журав-лев", f="Rus-lan"), dict(s="Журавлев", f="Руслан")),       # stray hyphens
    (dict(s="Bdfyjd", f="Cthutq"), dict(s="Иванов", f="Сергей")),            # wrong keyboard layout
], ids=["translit", "yo", "swapped-cells", "initial-first", "hyphens", "layout"])
def test_same_person_same_keys(a, b):
    x, y = one(a), one(b)
    assert (x["sn"], x["fn_canon"]) == (y["sn"], y["fn_canon"])


def test_personal_number_keys_agree_across_scripts():
    x, y = one(dict(s="a", n="УБ-208014")), one(dict(s="a", n="UB 208014"))
    assert x["pnum_t"] == y["pnum_t"] and x["pnum_d"] == y["pnum_d"] == "208014"


def test_full_name_and_flags():
    r = one(dict(fio="Ивaнов Иван Иванович"), FULL)       # a Latin 'a' inside a Cyrillic word
    assert r["sn"] == one(dict(s="Иванов"))["sn"] and "mixed_script" in r["flags"]
    assert "empty_name" in one(dict(fio="  "), FULL)["flags"]
    bad = one(dict(s="Иванов", d="31.02.1990"))
    assert "invalid_date" in bad["flags"] and bad["by"] == 1990


@pytest.mark.parametrize("value", ["", " ", None, float("nan")], ids=["empty", "space", "none", "nan"])
def test_missing_values(value):
    r = standardize(pd.DataFrame({"s": [value], "f": [value], "p": [value], "d": [value], "n": [value]}), SEPARATE)
    row = r.iloc[0]
    assert row["sn"] == "" and row["fn"] == "" and row["by"] == 0 and row["pnum"] == ""


# ---------------------------------------------------------------- the vectorized paths equal the scalars

WORDS = ["Иванов", "Иван", "Иванович", "И.", "И.И.", "Petrov", "Гасан", "оглы", "Кызы", "X", "Ковальская", "-",
         "Младший", "Ivanovna", "ИВАНОВ", "IVANOV", "Bdfyjd", "Cthutq", "Шмфтщм", "Ивaнов", "Журав-лев", "К0ЗЛОВ",
         "Фадеєв", "Саша", "Ай-Хаан", ".", ",", "Иванов,", "Петров.", "d'Artagnan", "Ghjcnj", "Е", "Zhukov"]
ODD = list("аИйЁoOaCx0.,-'`’;[]\t\u00a0\u0301\x1f_ь ")
WORD = st.one_of(st.sampled_from(WORDS), st.text(st.sampled_from(ODD + list("ИвановPetr")), min_size=1, max_size=5))
NAME = st.lists(st.tuples(WORD, st.sampled_from([" ", " ", "  ", "\t", ", ", "."])), max_size=8).map(
    lambda ws: "".join(w + s for w, s in ws).strip(" ") if ws else "")


def _scalar_full(text: str) -> tuple:
    clean, mixed, repaired = _clean_name(text)
    return (*N.parse_full_name(clean), mixed, repaired)


@settings(max_examples=150, deadline=None)
@given(st.lists(NAME, max_size=30))
def test_full_names_word_by_word_equal_the_scalar_parse(texts: list[str]) -> None:
    """Splitting full names into words and parsing them by shape gives exactly `_clean_name` + parse."""
    values = np.array(list(dict.fromkeys(texts)), dtype=object)
    got = _parse_full_names(values)
    for i, text in enumerate(values):
        assert tuple(col[i] for col in got) == _scalar_full(text), text


def test_full_names_fast_path_cases() -> None:
    texts = ["Иванов Иван Иванович", "Алиев Рустам Гасан оглы", "Алиев Рустам Гасан оглы кызы", "оглы Иван",
             "IVANOV Ivan", "Иван Иванович Иванов", "Bdfyjd Cthutq", " Иванов  И. И. ", "A B C D E F G",
             "Иванов Иван Иванович Младший Старший Второй Третий", "", "   ", "...", "Иванов, Иван"]
    got = _parse_full_names(np.array(texts, dtype=object))
    for i, text in enumerate(texts):
        assert tuple(col[i] for col in got) == _scalar_full(text), text


PNUM = st.one_of(
    st.builds(lambda a, s, d: a + s + d, st.text(st.sampled_from(list("АБЁЙЯABab0З")), min_size=0, max_size=3),
              st.sampled_from(["", "-", " ", ".", "–", "--", "\n", "_"]),
              st.text(st.sampled_from(list("0123456789ОЗ٣")), min_size=5, max_size=7)),
    st.text(max_size=10))


@settings(max_examples=100, deadline=None)
@given(st.lists(PNUM, max_size=20))
def test_personal_numbers_fast_path_equals_the_scalar_path(values: list[str]) -> None:
    s = pd.Series(values, dtype=object, index=np.arange(len(values)) * 3)
    fast = _personal_numbers(s)
    slow = _personal_numbers_scalar(s)
    for a, b in zip(fast, slow):
        assert a.tolist() == b.tolist()


def _reference_names(row: dict, mapping: Mapping) -> tuple:
    """sn, fn, pt keys and the flags of one row, straight from the scalar functions."""
    get = lambda f: row.get(mapping.get(f), "") if mapping.get(f) else ""  # noqa: E731
    flags = [False, False]

    def cleaned(text: str) -> str:
        t, m, r = _clean_name(text)
        flags[0] |= m
        flags[1] |= r
        return t

    if mapping.get("full_name") and not mapping.get("surname"):
        sn, fn, pt = N.parse_full_name(cleaned(get("full_name")))
    else:
        sn, fn, pt = (cleaned("" if N.is_placeholder(get(f), given=f != "surname") else get(f))
                      for f in ("surname", "first_name", "patronymic"))
        given, second = _split_given(fn)
        # split also when the second word repeats the middle name given beside it ("Kenneth P" + "P")
        if second != "" and (pt == "" or second[:1].lower() == pt[:1].lower()):
            fn, pt = given, pt or second
        if _looks_swapped(sn + "\x1f" + fn):
            sn, fn = fn, sn
    fk = _key_and_initial(fn)[0].replace(" ", "")
    return N.name_key(sn).replace(" ", ""), fk, _key_and_initial(pt)[0], flags[0], flags[1]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(WORD, st.sampled_from(WORDS + ["", "Иван Иванович", "И.И.", "Иван\x1fИ"]),
                          st.sampled_from(["", "Иванович", "И."])), min_size=1, max_size=12))
def test_separate_columns_equal_the_scalar_functions(rows: list[tuple[str, str, str]]) -> None:
    df = pd.DataFrame(rows, columns=["s", "f", "p"]).assign(d="", n="")
    out = standardize(df, SEPARATE)
    for i, r in enumerate(df.to_dict("records")):
        sn, fn, pt, mixed, repaired = _reference_names(r, SEPARATE)
        assert (out["sn"][i], out["fn"][i], out["pt"][i]) == (sn, fn, pt)
        assert ("mixed_script" in out["flags"][i], "layout_repaired" in out["flags"][i]) == (mixed, repaired)


def test_empty_frame_keeps_the_columns_and_dtypes() -> None:
    full = standardize(pd.DataFrame({"fio": pd.Series([], dtype=object)}), FULL)
    sep = standardize(pd.DataFrame({c: pd.Series([], dtype=object) for c in "sfpdn"}), SEPARATE)
    assert len(full) == len(sep) == 0
    assert list(full.columns) == list(sep.columns) and full["by"].dtype == np.int16 and full["rank"].dtype == np.int8


def test_display_names_reuse_what_standardize_parsed() -> None:
    """display_names given the names standardize_names parsed shows them (all rows or some), equal to a fresh
    parse; parsed names of another table's length are refused."""
    from linker.standardize import standardize_names

    df = pd.DataFrame({"fio": ["Иванов Иван Иванович", "Петрова А. С.", "", "иван петров", "Ким Ен Су"],
                       "d": ["1.1.1990"] * 5})
    m = Mapping((("full_name", "fio"), ("birth_date", "d")))
    fresh = S.display_names(df, m)
    std, parsed = standardize_names(df, m)
    pd.testing.assert_frame_equal(std, standardize(df, m))
    pd.testing.assert_frame_equal(S.display_names(df, m, parsed=parsed), fresh)
    rows = np.array([3, 0, 3])
    pd.testing.assert_frame_equal(S.display_names(df, m, rows, parsed=parsed), fresh.iloc[rows])
    pd.testing.assert_frame_equal(S.display_names(df, m, rows), fresh.iloc[rows])
    with pytest.raises(ValueError, match="parsed names of 5 rows"):
        S.display_names(df.iloc[:2], m, parsed=parsed)
