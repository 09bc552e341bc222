"""The second look for entries blocking left below review (linker.second_chance)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from linker import compare as cmp, second_chance as sc
from linker.columns import Mapping
from linker.standardize import standardize

MAP_L = Mapping((("surname", "last"), ("first_name", "first"), ("personal_number", "ssn")))
MAP_R = Mapping((("surname", "last_name"), ("first_name", "first_name"), ("personal_number", "ssn")))


def _enc(lst: pd.DataFrame, reg: pd.DataFrame) -> cmp.Encoded:
    return cmp.encode(standardize(lst, MAP_L), standardize(reg, MAP_R))


def _registry() -> pd.DataFrame:
    return pd.DataFrame({
        "last_name": ["LAMPARSKI", "POPE", "VARGAS PEREZ", "ARSLANIAN", "HELMERT", "SMITH", "LAMB"],
        "first_name": ["KATHLEEN", "SHERRI", "LUIS", "EVERETT", "CESAR", "JOHN", "KATHLEEN"],
        "ssn": ["094873874", "755320154", "111223333", "827871827", "681522504", "123456789", "555667777"],
    })


def _search(lst: pd.DataFrame, reg: pd.DataFrame, decision: str = "no_match"):
    enc = _enc(lst, reg)
    entries = pd.DataFrame({"decision": [decision] * len(lst)})
    empty = np.zeros(0, np.int32)
    return sc.search(enc, entries, empty, empty)


def test_finds_what_no_exact_key_proposes():
    lst = pd.DataFrame({
        "last": ["LAMAPRSKI", "OPPE", "Vargas", "EVARETT", "", "Zzyzx"],
        "first": ["KATHLEEI", "SHERRI", "Luis", "Arslanian", "Cesar", "Qwerty"],
        "ssn": ["", "999999999", "", "", "681-25-2504", "000000001"],
    })
    el, er = _search(lst, _registry())
    got = set(zip(el.tolist(), er.tolist()))
    assert (0, 0) in got          # typos in both names
    assert (1, 1) in got          # the surname's letters swapped
    assert (2, 2) in got          # one of two surnames
    assert (3, 3) in got          # the names in each other's column, one of them misspelt
    assert (4, 4) in got          # no surname, the number with two digits swapped
    assert not any(e == 5 for e, _ in got)   # nothing near: nothing proposed


def test_a_number_one_digit_off_needs_a_name_that_fits():
    lst = pd.DataFrame({"last": ["Nobody"], "first": ["Else"], "ssn": ["123456780"]})
    el, _er = _search(lst, _registry())
    assert len(el) == 0


def test_only_entries_below_review_and_only_new_pairs():
    lst = pd.DataFrame({"last": ["LAMAPRSKI"], "first": ["KATHLEEI"], "ssn": [""]})
    assert len(_search(lst, _registry(), decision="review")[0]) == 0
    enc = _enc(lst, _registry())
    entries = pd.DataFrame({"decision": ["no_match"]})
    el, er = sc.search(enc, entries, np.array([0], np.int32), np.array([0], np.int32))
    assert (0, 0) not in set(zip(el.tolist(), er.tolist()))


def test_at_most_per_entry_candidates_sorted_and_repeatable():
    n = sc.MAX_NAMESAKES
    assert n > sc.PER_ENTRY
    reg = pd.DataFrame({"last_name": ["JOHNSON"] * n, "first_name": ["MARY"] * n,
                        "ssn": [f"{100000000 + k}" for k in range(n)]})
    lst = pd.DataFrame({"last": ["JOHNSNO", "JOHNSEN"], "first": ["MRAY", "MARI"], "ssn": ["", ""]})
    el, er = _search(lst, reg)
    assert np.bincount(el).max() <= sc.PER_ENTRY and set(el.tolist()) == {0, 1}
    code = el.astype(np.int64) * n + er
    assert (np.diff(code) > 0).all()
    el2, er2 = _search(lst, reg)
    assert np.array_equal(el, el2) and np.array_equal(er, er2)


def test_match_finds_the_unblocked_entry_and_can_be_turned_off():
    from linker import match

    rng = np.random.default_rng(5)
    first = np.array(["JAMES", "MARY", "ROBERT", "LINDA", "DAVID", "SUSAN", "PAUL", "KAREN"], dtype=object)
    last = np.array(["MILLER", "DAVIS", "GARCIA", "WILSON", "MOORE", "TAYLOR", "THOMAS", "WHITE", "LEWIS",
                     "WALKER", "YOUNG", "KING"], dtype=object)
    n = 400
    reg = pd.DataFrame({"id": [f"R{k}" for k in range(n)],
                        "last_name": last[rng.integers(0, len(last), n)] + np.array([f"{chr(65 + k % 26)}{chr(65 + k // 26 % 26)}" for k in range(n)], dtype=object),
                        "first_name": first[rng.integers(0, len(first), n)],
                        "dob": [f"19{50 + k % 40}{1 + k % 12:02d}{1 + k % 28:02d}" for k in range(n)],
                        "ssn": [f"{200000000 + 7919 * k}" for k in range(n)]})
    lst = reg.iloc[:60].copy()
    lst["id"] = [f"L{k}" for k in range(60)]
    # entry 5: a typo in each name, no date, the number with two digits swapped
    s = reg.loc[5, "ssn"]
    assert s[3] != s[4]
    lst.loc[5, ["last_name", "first_name", "dob", "ssn"]] = [reg.loc[5, "last_name"][1:], reg.loc[5, "first_name"] + "X",
                                                           "", s[:3] + s[4] + s[3] + s[5:]]
    res = match(lst, reg, quiet=True)
    m = res.matches.set_index("list_id")
    assert m.loc["L5", "registry_id"] == "R5"
    # blocking's own record is left as its rules made it
    assert all(r["name"] != "second_chance" for r in res.report["blocking"]["rules"])
    again = match(lst, reg, quiet=True)
    pd.testing.assert_frame_equal(res.matches, again.matches)
    off = match(lst, reg, quiet=True, second_chance=False).matches.set_index("list_id")
    assert off.loc["L5", "registry_id"] != "R5"


def test_a_name_too_many_people_hold_is_no_lead():
    n = sc.MAX_NAMESAKES + 1
    reg = pd.DataFrame({"last_name": ["JOHNSON"] * n, "first_name": ["MARY"] * n,
                        "ssn": [f"{100000000 + k}" for k in range(n)]})
    lst = pd.DataFrame({"last": ["JOHNSNO"], "first": ["MRAY"], "ssn": [""]})
    assert len(_search(lst, reg)[0]) == 0
