from __future__ import annotations

import pandas as pd
import pytest

from linker.columns import detect_fields, ids_of, map_columns, Mapping
from linker.errors import InputError


@pytest.mark.parametrize("headers, expected", [
    (["№", "ФИО", "Дата рождения", "Личный номер", "Звание"],
     {"id": "№", "full_name": "ФИО", "birth_date": "Дата рождения", "personal_number": "Личный номер", "rank": "Звание"}),
    (["ID", "Фамилия", "Имя", "Отчество", "ДАТА РОЖДЕНИЯ"],
     {"id": "ID", "surname": "Фамилия", "first_name": "Имя", "patronymic": "Отчество", "birth_date": "ДАТА РОЖДЕНИЯ"}),
    (["rec_id", "given_name", "surname", "date_of_birth", "soc_sec_id"],
     {"id": "rec_id", "first_name": "given_name", "surname": "surname", "birth_date": "date_of_birth",
      "personal_number": "soc_sec_id"}),
    (["No", "Full name", "Date of birth", "Unit", "Category"],
     {"id": "No", "full_name": "Full name", "birth_date": "Date of birth", "unit": "Unit", "category": "Category"}),
    ([" Last_Name ", "First Name", "DOB"], {"surname": " Last_Name ", "first_name": "First Name", "birth_date": "DOB"}),
    (["№", "Фамилия", "Дата рожд.", "Личный № в/сл", "В/ч", "Personal No."],
     {"id": "№", "surname": "Фамилия", "birth_date": "Дата рожд.", "personal_number": "Личный № в/сл", "unit": "В/ч"}),
], ids=["ru-fio", "ru-parts", "febrl", "en-full", "spacing-case", "abbreviated-headers"])
def test_detect_fields(headers, expected):
    assert detect_fields(headers, (), path="x.csv") == expected


def test_override_wins_and_missing_column_is_an_error():
    found = detect_fields(["a", "b"], (("surname", "a"),), path="x.csv")
    assert found == {"surname": "a"}
    with pytest.raises(InputError) as e:
        detect_fields(["a", "b"], (("surname", "zz"),), path="x.csv")
    assert str(e.value) == "x.csv: --map surname=zz: no column 'zz'; columns are: a, b"


def test_no_name_column_lists_headers():
    l = pd.DataFrame({"foo": ["1"], "bar": ["2"]})
    r = pd.DataFrame({"surname": ["x"]})
    with pytest.raises(InputError) as e:
        map_columns(l, r, list_path="list.csv", registry_path="reg.csv")
    assert str(e.value) == ("list.csv: no name column found (headers seen: foo, bar); "
                            "name one with --map surname=COLUMN or --map full_name=COLUMN")


def test_shared_other_columns_become_text_fields():
    l = pd.DataFrame({"surname": ["a"], "postcode": ["1"], "only_list": ["x"]})
    r = pd.DataFrame({"surname": ["a"], "postcode": ["1"], "only_reg": ["y"]})
    lm, rm = map_columns(l, r, list_path="l", registry_path="r")
    assert lm.text == ("postcode",) and rm.text == ("postcode",)


@pytest.mark.parametrize("ids, message", [
    (["1", "", "3"], "l.csv:id: 1 empty id(s) at line(s) 3; fill them, or pass --list-id with another column"),
    (["1", "2", "1"], "l.csv:id: duplicate id '1' at lines 2, 4 (1 id(s) repeated); ids must be unique: "
                      "fix them, or choose another id column"),
], ids=["empty", "duplicate"])
def test_bad_ids(ids, message):
    df = pd.DataFrame({"id": ids})
    with pytest.raises(InputError) as e:
        ids_of(df, Mapping((("id", "id"),)), path="l.csv", side="list")
    assert str(e.value) == message


def test_row_numbers_without_id_column():
    df = pd.DataFrame({"surname": ["a", "b"]})
    assert list(ids_of(df, Mapping((("surname", "surname"),)), path="l", side="list")) == ["1", "2"]


def test_ids_of_strips_as_python_does() -> None:
    """Ids are stripped exactly as str.strip does (Arrow, which trimmed the cells on reading, leaves a few
    characters Python strips: U+001C..U+001F, U+0085, ...), also on the fast path of a long column."""
    import random

    import numpy as np
    import pandas as pd

    rng = random.Random(3)
    chars = [" ", "\t", "\x1c", "\x85", "\xa0", "\u1680", "\u2000", "\u202f", "\u3000", "\u200b", "a", "Я", "1",
             "\u2028", "\ufeff", "\u180e", "é"]
    def noise() -> str:
        return "".join(rng.choice(chars) for _ in range(rng.randint(0, 3)))

    vals = [noise() + f"#{k}#" + noise() for k in range(5000)]
    df = pd.DataFrame({"id": np.array(vals, dtype=object)}, index=np.arange(10, 5010))
    got = ids_of(df, Mapping((("id", "id"),)), path="l.csv", side="list")
    want = df["id"].astype(str).str.strip()
    assert got.equals(want) and got.index.equals(want.index) and got.dtype == object


def test_id_errors_name_the_source_lines_not_the_row_positions(tmp_path) -> None:
    """A multi-line cell shifts every later row's line: the message gives the line in the file."""
    from linker.io import read_table

    p = tmp_path / "l.csv"
    p.write_text('id,surname\n1,"Ivanov\nIvan"\n2,Petrov\n,Sidorov\n', encoding="utf-8")
    df = read_table(p)
    with pytest.raises(InputError, match=r"at line\(s\) 5;"):
        ids_of(df, Mapping((("id", "id"),)), path="l.csv", side="list")


def test_id_errors_of_a_dataframe_name_its_index_labels() -> None:
    from linker.io import frame_table

    df = frame_table(pd.DataFrame({"code": ["a", "b", "a"], "surname": ["x", "y", "z"]}, index=[10, 20, 30]),
                     label="list")
    with pytest.raises(InputError, match=r"duplicate id 'a' at rows 10, 30"):
        ids_of(df, Mapping((("id", "code"),)), path="list", side="list")
