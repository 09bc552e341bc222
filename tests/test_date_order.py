"""The date order of a column is read from its values (fields.dates.date_order) and carried by the mapping."""
from __future__ import annotations

import pandas as pd
import pytest

from linker.columns import map_columns
from linker.fields.dates import date_order, parse_dates


@pytest.mark.parametrize("values,order,other", [
    (["05/06/1994", "03/25/1990", "12/31/2000"], "month-first", 0),
    (["05.06.1994", "25.03.1990"], "day-first", 0),
    (["05/06/1994", "07/08/1990"], "day-first", 0),                    # nothing shows: the default
    (["19940506", "20001231"], "year-first", 0),
    (["1994-05-06", "2000-12-31"], "year-first", 0),
    (["03/25/1990", "12/31/2000", "25/03/1991"], "month-first", 1),     # mixed: the majority, one the other way
    (["25.03.1990", "31.12.2000", "03/25/1991"], "day-first", 1),
    (["05251994", "12311990"], "month-first", 0),                       # MMDDYYYY
    (["", "  ", "1994"], "day-first", 0),
], ids=["mdy", "dmy", "undecided", "yyyymmdd", "iso", "mixed-mdy", "mixed-dmy", "mmddyyyy", "empty"])
def test_date_order(values, order, other):
    assert date_order(values) == (order, other)


@pytest.mark.parametrize("order,text,ymd", [
    ("month-first", "05/06/1994", (1994, 5, 6)),
    ("month-first", "25/03/1990", (1990, 3, 25)),     # a value of the other order is read in its own
    ("month-first", "05061994", (1994, 5, 6)),
    ("month-first", "19940506", (1994, 5, 6)),        # YYYYMMDD stays YYYYMMDD
    ("month-first", "5-6-94", (1994, 5, 6)),
    ("day-first", "05/06/1994", (1994, 6, 5)),
    ("day-first", "03/25/1990", (1990, 3, 25)),
    ("", "05/06/1994", (1994, 6, 5)),                  # no order given: read from the values (none shows one)
], ids=lambda v: str(v))
def test_parse_dates_in_order(order, text, ymd):
    d = parse_dates(pd.Series([text]), order=order)
    assert tuple(int(d[c].iloc[0]) for c in ("year", "month", "day")) == ymd


def test_parse_dates_infers_the_order_of_the_column():
    d = parse_dates(pd.Series(["05/06/1994", "03/25/1990"]))
    assert d["month"].tolist() == [5, 3] and d["day"].tolist() == [6, 25]


def test_mapping_says_which_order_it_took():
    lst = pd.DataFrame({"last_name": ["A", "B"], "dob": ["05/06/1994", "03/25/1990"], "mi": ["J", ""]})
    reg = pd.DataFrame({"last_name": ["A"], "dob": ["19940506"], "middle_name": ["JOHN"]})
    lm, rm = map_columns(lst, reg, list_path="l", registry_path="r")
    assert lm.date_order == "month-first" and rm.date_order == "year-first"
    assert lm.as_dict()["date_order"] == "month-first"
    assert lm.get("patronymic") == "mi" and rm.get("patronymic") == "middle_name"


@pytest.mark.parametrize("header", ["middle_initial", "Middle Initial", "middle", "MI", "middle_name"])
def test_middle_name_headers(header):
    lm, _ = map_columns(pd.DataFrame({"surname": ["A"], header: ["J"]}), pd.DataFrame({"surname": ["A"]}),
                        list_path="l", registry_path="r")
    assert lm.get("patronymic") == header
