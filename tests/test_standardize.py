from __future__ import annotations

import pandas as pd
import pytest

from linker.columns import Mapping
from linker.standardize import standardize

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
