"""English nicknames, placeholders and US-style name cells on the given-name and surname key paths."""
from __future__ import annotations

import pandas as pd
import pytest

from linker.columns import Mapping
from linker.names import canonical_given, is_placeholder, name_key
from linker.standardize import standardize


@pytest.mark.parametrize("nick,full", [
    ("Bob", "Robert"), ("Bobby", "Robert"), ("Bill", "William"), ("Billy", "William"), ("Peggy", "Margaret"),
    ("Dave", "David"), ("Jim", "James"), ("Liz", "Elizabeth"), ("Mike", "Michael"), ("Tom", "Thomas"),
    ("Chris", "Christopher"), ("Sandy", "Sandra"),
    ("Саша", "Александр"), ("Дима", "Дмитрий"),            # the Russian diminutives stay as they were
], ids=lambda v: v)
def test_nicknames_reach_the_full_name(nick, full):
    assert canonical_given(name_key(nick)) == canonical_given(name_key(full))


@pytest.mark.parametrize("name", ["Ivan", "Robert", "William", "Olga", "Maria", "Alexander"], ids=lambda v: v)
def test_full_names_stay(name):
    assert canonical_given(name_key(name)) == canonical_given(canonical_given(name_key(name)))


@pytest.mark.parametrize("text,given,expected", [
    ("Unknown", False, True), ("UNKNOWN", False, True), ("unk.", False, True), ("N/A", False, True),
    ("-", False, True), ("Неизвестно", False, True), ("Baby Boy", True, True), ("Mr.", True, True),
    ("Wife", True, True), ("Daughter", True, True), ("NFN", True, True), ("NFN", False, True), ("MR", False, True), ("Infant", False, True),
    ("Son", False, False),            # a real surname
    ("Na", False, False), ("X", True, False), ("J", True, False), ("Ivan", True, False), ("", True, False),
    ("Baby", False, False),           # a surname (Baby is one): only given names take relationship words
], ids=lambda v: repr(v))
def test_placeholders(text, given, expected):
    assert is_placeholder(text, given=given) is expected


def test_placeholder_cells_are_missing():
    df = pd.DataFrame({"s": ["Unknown", "Smith", "N/A"], "f": ["John", "Baby", "Wife"], "m": ["", "-", "A"]})
    std = standardize(df, Mapping((("surname", "s"), ("first_name", "f"), ("patronymic", "m"))))
    assert std["sn"].tolist()[0] == "" and std["sn"].tolist()[2] == ""
    assert std["fn"].tolist()[1:] == ["", ""] and std["pt"].tolist()[1] == ""


def test_middle_initial_written_in_the_first_name_cell():
    df = pd.DataFrame({"s": ["Selmer", "Lape"], "f": ["Kenneth P", "Sabrina M"], "m": ["P", ""]})
    std = standardize(df, Mapping((("surname", "s"), ("first_name", "f"), ("patronymic", "m"))))
    assert std["fn"].tolist() == [name_key("Kenneth"), name_key("Sabrina")]
    assert std["pt"].tolist() == ["p", "m"]


@pytest.mark.parametrize("word", ["NFN", "Nfn", "HUFF", "Leahy", "HUYNH", "Pfaff", "Weatherby", "Leif"])
def test_layout_repair_leaves_placeholders_and_us_names(word):
    from linker.names import repair_layout

    assert repair_layout(word) == word
    assert repair_layout("Bdfyjd Cthutq") == "Иванов Сергей"      # still repairs a Russian name


def test_nfn_in_a_full_name_cell_is_missing():
    df = pd.DataFrame({"n": ["NFN SMITH", "HUFF JOHN"]})
    std = standardize(df, Mapping((("full_name", "n"),)))
    assert name_key("ТАТ") not in set(std["sn"]) | set(std["fn"])
    assert name_key("Huff") in set(std["sn"]) | set(std["fn"])


@pytest.mark.parametrize("a,b", [("Henry", "Harold"), ("Derrick", "Frederick"), ("Peter", "Patrick"),
                                 ("Harry", "Harold"), ("Lois", "Louise")], ids=lambda v: v)
def test_two_different_full_names_stay_apart(a, b):
    """The nickname table links Henry and Harold through Harry, Derrick to Frederick through Derick: names
    about as common as the one they would shorten are names of their own."""
    assert canonical_given(name_key(a)) != canonical_given(name_key(b))


def test_swapped_cells_compare_crosswise_with_the_name_as_written():
    from linker import compare as cmp

    lst = pd.DataFrame({"s": ["KATIE"], "f": ["Brown"]})
    reg = pd.DataFrame({"s": ["BROWN"], "f": ["KATIE"]})
    m = Mapping((("surname", "s"), ("first_name", "f")))
    enc = cmp.encode(standardize(lst, m), standardize(reg, m))
    g = cmp.compare(enc, [0], [0], workers=1)
    assert g["gamma_surname"].iloc[0] == 4 and g["gamma_first_name"].iloc[0] >= 5


@pytest.mark.parametrize("a,b,variant", [("Bill", "Robert", True), ("Bill", "William", True),
                                         ("Liz", "Lisa", True), ("Harry", "Henry", True),
                                         ("Henry", "Harold", False), ("Robert", "William", False)],
                         ids=lambda v: str(v))
def test_a_nickname_agrees_with_each_of_its_full_names(a, b, variant):
    """An ambiguous nickname (Bill: William or Robert) is a variant of each name it may stand for; two full
    names that only share a nickname are not variants of one another."""
    from linker import compare as cmp

    m = Mapping((("surname", "s"), ("first_name", "f")))
    enc = cmp.encode(standardize(pd.DataFrame({"s": ["Byers"], "f": [a]}), m),
                     standardize(pd.DataFrame({"s": ["Byers"], "f": [b]}), m))
    level = cmp.compare(enc, [0], [0], workers=1)["gamma_first_name"].iloc[0]
    assert bool(level == 5) is variant
