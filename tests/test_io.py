"""read_table (formats, encodings, delimiters, every fault's exact message) and CSV output (output directories:
test_outdir.py)."""

from __future__ import annotations

import gzip
import os
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linker.errors import InputError
from linker.io import LineNumbers, csv_safe, read_table, write_csv_bytes

RU = "Фамилия;Имя;Отчество\nИванов;Иван;Иванович\nЩукина;Эльвира;Юрьевна\nЁлкин;Пётр;\n"
RU_ROWS = {
    "Фамилия": ["Иванов", "Щукина", "Ёлкин"],
    "Имя": ["Иван", "Эльвира", "Пётр"],
    "Отчество": ["Иванович", "Юрьевна", ""],
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages then name files as "list.csv", as a user would type them


def _write(name: str, content: bytes | str) -> str:
    Path(name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return name


def _xlsx(name: str, rows: list[list[object]], title: str = "Sheet1", extra: dict | None = None) -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for sheet, srows in (extra or {}).items():
        ws2 = wb.create_sheet(sheet)
        for r in srows:
            ws2.append(r)
    wb.save(name)
    return name


def _assert_strings(df: pd.DataFrame) -> None:
    assert all(df[c].dtype == object for c in df.columns)
    assert all(isinstance(v, str) for c in df.columns for v in df[c])
    assert isinstance(df.index, pd.RangeIndex) and df.index.start == 0


# ------------------------------------------------------------------------------------- encodings
@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1251", "cp866", "koi8_r"],
)
def test_encodings_decode_russian_exactly(encoding: str) -> None:
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + RU.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + RU.encode("utf-16-be")
    else:
        data = RU.encode(encoding)
    df = read_table(_write("list.csv", data))
    _assert_strings(df)
    assert df.to_dict("list") == RU_ROWS
    expected = {"cp1251": "Windows-1251", "cp866": "CP866", "koi8_r": "KOI8-R", "utf-8-sig": "UTF-8"}.get(
        encoding, encoding[:6].upper())
    assert (df.attrs["encoding"], df.attrs["delimiter"]) == (expected, ";")


@pytest.mark.parametrize("encoding", ["cp1251", "cp866", "koi8_r"])
def test_short_cyrillic_code_pages(encoding: str) -> None:
    df = read_table(_write("list.csv", "ФИО\nСидоров А.Б.\n".encode(encoding)))
    assert df.to_dict("list") == {"ФИО": ["Сидоров А.Б."]}


def test_western_code_page_falls_back_to_charset_normalizer() -> None:
    df = read_table(_write("list.csv", "name,city\nMüller,Köln\nJosé,Málaga\n".encode("cp1252")))
    assert df["name"].tolist() == ["Müller", "José"]


def test_bom_removed_from_header() -> None:
    df = read_table(_write("list.csv", "\ufeff id ,name\n1,a\n".encode("utf-8")))
    assert list(df.columns) == ["id", "name"]


# ------------------------------------------------------------------------------------ delimiters
@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.csv", 'id,name\n1,"Ivanov; Ivan"\n2,Petrov\n', {"id": ["1", "2"], "name": ["Ivanov; Ivan", "Petrov"]}),
        ("a.csv", "id;name\n1;Ivanov, Ivan\n2;Petrov\n", {"id": ["1", "2"], "name": ["Ivanov, Ivan", "Petrov"]}),
        ("a.csv", "id\tname\n1\tIvanov, I.\n2\tPetrov\n", {"id": ["1", "2"], "name": ["Ivanov, I.", "Petrov"]}),
        ("a.csv", "id|name\n1|Ivanov; I, x\n2|Petrov\n", {"id": ["1", "2"], "name": ["Ivanov; I, x", "Petrov"]}),
        ("a.tsv", "id,x\tname\n1,y\tIvanov\n", {"id,x": ["1,y"], "name": ["Ivanov"]}),
        ("a.csv", "amount;n\n2,5;1\n3,5;2\n", {"amount": ["2,5", "3,5"], "n": ["1", "2"]}),
        ("a.csv", "name\nIvanov\nPetrov\n", {"name": ["Ivanov", "Petrov"]}),
    ],
    ids=["comma", "semicolon", "tab", "pipe", "tsv-extension", "decimal-comma", "one-column"],
)
def test_delimiters(name: str, text: str, expected: dict[str, list[str]]) -> None:
    assert read_table(_write(name, text)).to_dict("list") == expected


# --------------------------------------------------------------------------------- text contents
def test_values_stay_text_and_are_stripped() -> None:
    df = read_table(_write("list.csv", "id,v,w\n007, NA ,null\n0012,,None\n1.50,nan,#N/A\n"))
    _assert_strings(df)
    assert df.to_dict("list") == {"id": ["007", "0012", "1.50"], "v": ["NA", "", "nan"], "w": ["null", "None", "#N/A"]}


@pytest.mark.parametrize(
    ("text", "rows", "lines"),
    [
        ("a,b\n1,2\n3,4\n", [["1", "2"], ["3", "4"]], [2, 3]),
        ("a,b\r\n1,2\r\n3,4", [["1", "2"], ["3", "4"]], [2, 3]),
        ("a,b\r1,2\r3,4\r", [["1", "2"], ["3", "4"]], [2, 3]),
        ("a,b\n\n1,2\n\n3,4\n\n", [["1", "2"], ["3", "4"]], [3, 5]),
        ('a,b\n1,"x\ny"\n3,4\n', [["1", "x\ny"], ["3", "4"]], [2, 4]),
        ("a,b,c\n1\n2,3\n4, 5 ,6\n", [["1", "", ""], ["2", "3", ""], ["4", "5", "6"]], [2, 3, 4]),
        ('a,b,c\n"1"\n2,3\n4, 5 ,6\n', [["1", "", ""], ["2", "3", ""], ["4", "5", "6"]], [2, 3, 4]),
        ("\na,b\n\n1\n\n\n3,4\n\n", [["1", ""], ["3", "4"]], [4, 7]),
        ('a,b\r\n\r\n"1","2"\r\n', [["1", "2"]], [3]),
    ],
    ids=["lf", "crlf-no-final-newline", "cr-only", "blank-lines", "multiline-cell", "short-rows-padded",
         "short-rows-quoted-slow-path", "blank-lines-and-short-rows", "quoted-crlf-blank-line"],
)
def test_rows_and_line_numbers(text: str, rows: list[list[str]], lines: list[int]) -> None:
    df = read_table(_write("list.csv", text))
    assert df.values.tolist() == rows
    assert df.attrs["line_numbers"].tolist() == lines


def test_line_numbers_survive_pandas_operations() -> None:
    a = read_table(_write("a.csv", "x\n1\n\n2\n"))
    b = read_table(_write("b.csv", "x\n3\n"))
    lines = a.attrs["line_numbers"]
    assert isinstance(lines, LineNumbers) and np.asarray(lines).tolist() == [2, 4] and lines[1] == 4
    assert a.copy().attrs["line_numbers"] is lines and a["x"].attrs["line_numbers"] is lines
    assert pd.concat([a, b], ignore_index=True)["x"].tolist() == ["1", "2", "3"]  # a bare ndarray would raise
    assert pd.concat([a, a.copy()]).attrs["line_numbers"] == lines


def test_fully_empty_unnamed_trailing_columns_are_dropped() -> None:
    assert read_table(_write("list.csv", "a;b;;\n1;2;;\n3;4;;\n")).to_dict("list") == {"a": ["1", "3"], "b": ["2", "4"]}


def test_label_names_the_file_in_messages() -> None:
    _write("x.csv", "")
    with pytest.raises(InputError, match=r"^list uploaded by user: the file is empty"):
        read_table("x.csv", label="list uploaded by user")


def test_large_file_reads_on_fast_path() -> None:
    n = 20_000
    df = pd.DataFrame({f"c{i}": np.arange(n).astype(str) for i in range(10)})
    df.to_csv("big.csv", index=False)
    out = read_table("big.csv")
    assert out.shape == (n, 10) and out["c3"].iloc[-1] == str(n - 1)
    assert out.attrs["line_numbers"][-1] == n + 1


# ------------------------------------------------------------------------------------ text faults
BIG = b"a,b\n1,2\n3," + b"x" * 10_000_000 + b"\n"
TEXT_FAULTS = [
    ("empty", "list.csv", b"", "list.csv: the file is empty; export the list again with a header row and data rows"),
    ("whitespace", "list.csv", b" \n\t\r\n ", "list.csv: the file is empty; export the list again with a header row and data rows"),
    ("bom-only", "list.csv", b"\xef\xbb\xbf", "list.csv: the file is empty; export the list again with a header row and data rows"),
    ("utf16-blank", "list.csv", "  \n".encode("utf-16"), "list.csv: the file is empty; export the list again with a header row and data rows"),
    ("header-only", "list.csv", b"id,name\n", "list.csv: has a header but no data rows; check that the right file or sheet was exported"),
    ("header-blank-lines", "list.csv", b"id,name\n\n\n", "list.csv: has a header but no data rows; check that the right file or sheet was exported"),
    ("nul-bytes", "list.csv", b"id,name\n1,\x00\x00\x01\n", "list.csv: looks like binary data, not a CSV, XLSX or Parquet file; export the list as CSV UTF-8, XLSX or Parquet"),
    ("utf16-no-bom", "list.csv", "a,b\n1,2\n".encode("utf-16-le"),
     "list.csv: looks like UTF-16 text without a byte-order mark; re-save the file as CSV UTF-8"),
    ("ragged-quoted-slow-path", "list.csv", b'a,b\n"1",2\n3,4,5\n',
     "list.csv:line 3: 1 row(s) have more fields than the header's 2 (up to 3; lines 3); the delimiter is comma (','): quote cells that contain it, or remove the extra fields"),
    ("control-chars", "list.csv", bytes(range(1, 9)) * 20, "list.csv: looks like binary data, not a CSV, XLSX or Parquet file; export the list as CSV UTF-8, XLSX or Parquet"),
    ("undecodable", "list.csv", b"a,b\n" + bytes(range(0x80, 0x100)) + b",1\n",
     "list.csv: cannot decode the text (tried UTF-8, UTF-16 (with BOM), Windows-1251, CP866, KOI8-R, Windows-1252); re-save the file as CSV UTF-8"),
    ("ragged", "list.csv", b"a,b\n1,2\n3,4,5\n6\n7,8,9,10\n",
     "list.csv:line 3: 2 row(s) have more fields than the header's 2 (up to 4; lines 3, 5); the delimiter is comma (','): quote cells that contain it, or remove the extra fields"),
    ("ragged-many", "list.csv", b"a;b\n" + b"1;2;3\n" * 7,
     "list.csv:line 2: 7 row(s) have more fields than the header's 2 (up to 3; lines 2, 3, 4, 5, 6 and 2 more); the delimiter is semicolon (';'): quote cells that contain it, or remove the extra fields"),
    ("ragged-after-blank-lines", "list.csv", b"a,b\n\n1\n\r\n3,4,5\n6,7\n",
     "list.csv:line 5: 1 row(s) have more fields than the header's 2 (up to 3; lines 5); the delimiter is comma (','): quote cells that contain it, or remove the extra fields"),
    ("unclosed-quote", "list.csv", b'a,b\n1,2\n3,"x\n4,5\n6,7\n',
     'list.csv:line 3: a quote (") opens on this line and is never closed; close the quote, or remove it (write "" for a literal quote)'),
    ("unclosed-quote-at-eof", "list.csv", b'a,b,c\n,,","\n,;","\n',
     'list.csv:line 3: a quote (") opens on this line and is never closed; close the quote, or remove it (write "" for a literal quote)'),
    ("unclosed-quote-no-final-newline", "list.csv", b'a,b\nx"y,"abc',
     'list.csv:line 2: a quote (") opens on this line and is never closed; close the quote, or remove it (write "" for a literal quote)'),
    ("duplicate-columns", "list.csv", b"id,name,name,x,id\n1,2,3,4,5\n",
     "list.csv:line 1: duplicate column name(s) 'id', 'name'; rename the columns so that each name is unique"),
    ("duplicate-after-strip", "list.csv", b"name, name\n1,2\n",
     "list.csv:line 1: duplicate column name(s) 'name'; rename the columns so that each name is unique"),
    ("empty-header-cell", "list.csv", b"a,,b, \n1,2,3,4\n",
     "list.csv:line 1: empty column name in column(s) 2, 4; give every column a name in the header row"),
    ("cell-10MB", "list.csv", BIG,
     "list.csv:line 3: the cell in column 'b' is 10,000,000 characters long (limit 1,000,000); check the delimiter and the quotes, or shorten the cell"),
    ("cell-2MB-fast-path", "list.csv", b"a,b\n1,2\n3," + b"y" * 2_000_000 + b"\n",
     "list.csv:line 3: the cell in column 'b' is 2,000,000 characters long (limit 1,000,000); check the delimiter and the quotes, or shorten the cell"),
    ("cell-after-blank-line", "list.csv", b"a,b\n\n1,2\n3," + b"y" * 1_000_001 + b"\n",
     "list.csv:line 4: the cell in column 'b' is 1,000,001 characters long (limit 1,000,000); check the delimiter and the quotes, or shorten the cell"),
    ("old-xls", "list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     "list.xls: is an old Excel .xls workbook, which is not supported; open it in Excel or LibreOffice and save it as .xlsx or CSV UTF-8"),
    ("gzip", "list.csv.gz", gzip.compress(b"a,b\n1,2\n"),
     "list.csv.gz: is gzip-compressed; unpack it first (gunzip) and read the CSV inside"),
    ("xlsx-name-text", "list.xlsx", b"a,b\n1,2\n",
     "list.xlsx: is named like an XLSX workbook but is not one; open it in Excel or LibreOffice and save it again as .xlsx"),
    ("parquet-name-text", "list.parquet", b"a,b\n1,2\n",
     "list.parquet: cannot read the Parquet file (no PAR1 header); write the Parquet file again or export the list as CSV UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "message"), [f[1:] for f in TEXT_FAULTS], ids=[f[0] for f in TEXT_FAULTS])
def test_text_faults(name: str, content: bytes, message: str) -> None:
    _write(name, content)
    with pytest.raises(InputError) as err:
        read_table(name)
    assert str(err.value) == message


def test_zip_that_is_not_a_workbook() -> None:
    with zipfile.ZipFile("list.csv", "w") as zf:
        zf.writestr("content.xml", "<x/>")
    with pytest.raises(InputError) as err:
        read_table("list.csv")
    assert str(err.value) == ("list.csv: is a ZIP archive (or an .ods/.docx file), not an XLSX workbook or a CSV; "
                              "unpack it, or open it and save the list as .xlsx or CSV UTF-8")


# ------------------------------------------------------------------------------------ file faults
def test_missing_file() -> None:
    with pytest.raises(InputError) as err:
        read_table("nope/list.csv")
    assert str(err.value) == "nope/list.csv: file not found; check the path and the file name"


def test_directory_instead_of_file() -> None:
    Path("lists").mkdir()
    with pytest.raises(InputError) as err:
        read_table("lists")
    assert str(err.value) == "lists: is a directory, not a file; give the path of a CSV, XLSX or Parquet file"


UNREADABLE = "list.csv: permission denied, the file cannot be read; make it readable (chmod u+r) or copy it"


def test_unreadable_file_permission_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _write("list.csv", "a\n1\n")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(InputError) as err:
        read_table("list.csv")
    assert str(err.value) == UNREADABLE


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_chmod() -> None:
    _write("list.csv", "a\n1\n")
    os.chmod("list.csv", 0)
    with pytest.raises(InputError) as err:
        read_table("list.csv")
    assert str(err.value) == UNREADABLE


# ------------------------------------------------------------------------------------------- XLSX
def test_xlsx_values_become_text() -> None:
    _xlsx("list.xlsx", [
        [" id ", "name", "born", "n", "flag", "x"],
        [1, " Иванов ", datetime(1990, 2, 1), 2.5, True, None],
        [2, "NA", date(1985, 12, 31), 3.0, False, "007"],
        [None, None, None, None, None, None],
        [3, "Петров", datetime(2001, 1, 2, 13, 45), -4, None, " x "],
    ])
    df = read_table("list.xlsx")
    _assert_strings(df)
    assert df.to_dict("list") == {
        "id": ["1", "2", "3"],
        "name": ["Иванов", "NA", "Петров"],
        "born": ["1990-02-01", "1985-12-31", "2001-01-02 13:45:00"],
        "n": ["2.5", "3", "-4"],
        "flag": ["TRUE", "FALSE", ""],
        "x": ["", "007", "x"],
    }
    assert df.attrs["line_numbers"].tolist() == [2, 3, 5]


@pytest.mark.parametrize(("sheet", "expected"), [(None, "a"), (0, "a"), (1, "b"), ("Second", "b")],
                         ids=["default-first", "index-0", "index-1", "by-name"])
def test_xlsx_sheet_choice(sheet: str | int | None, expected: str) -> None:
    _xlsx("list.xlsx", [["v"], ["a"]], title="First", extra={"Second": [["v"], ["b"]]})
    assert read_table("list.xlsx", sheet=sheet)["v"].tolist() == [expected]


@pytest.mark.parametrize("ext", ["csv", "txt", "dat"])
def test_xlsx_disguised_as_other_extension_is_read_as_xlsx(ext: str) -> None:
    _xlsx("list.xlsx", [["id", "name"], ["001", "Иванов"]])
    os.rename("list.xlsx", f"list.{ext}")
    assert read_table(f"list.{ext}").to_dict("list") == {"id": ["001"], "name": ["Иванов"]}


def test_xlsm_extension_is_read() -> None:
    _xlsx("list.xlsm", [["id"], ["1"]])
    assert read_table("list.xlsm")["id"].tolist() == ["1"]


XLSX_FAULTS = [
    ("title-row", [["Список личного состава"], [], ["ФИО", "Дата рождения", "Звание"], ["Иванов", "1990", "рядовой"]],
     None, "list.xlsx:row 3: the header seems to be on row 3, not row 1 (row 1 is mostly empty); delete the rows above the header on sheet 'Sheet1' and save again"),
    ("empty-first-row", [[], ["ФИО", "Дата"], ["Иванов", "1990"]],
     None, "list.xlsx:row 2: the header seems to be on row 2, not row 1 (row 1 is mostly empty); delete the rows above the header on sheet 'Sheet1' and save again"),
    ("empty-first-row-numeric-header", [[], [1, 2], [3, 4]],
     None, "list.xlsx:row 2: the header seems to be on row 2, not row 1; delete the rows above the header on sheet 'Sheet1' and save again"),
    ("empty-sheet", [], None, "list.xlsx: sheet 'Sheet1' has no rows; put the list on that sheet or pass another sheet"),
    ("header-only", [["id", "name"]], None, "list.xlsx: has a header but no data rows; check that the right file or sheet was exported"),
    ("duplicate", [["id", "id"], [1, 2]], None, "list.xlsx:row 1: duplicate column name(s) 'id'; rename the columns so that each name is unique"),
    ("empty-header-cell", [["id", None, "x"], [1, 2, 3]], None, "list.xlsx:row 1: empty column name in column(s) 2; give every column a name in the header row"),
    ("no-such-sheet", [["id"], [1]], "Other", "list.xlsx: no sheet 'Other'; pass one of the sheets 'Sheet1' or an index 0..0"),
    ("sheet-index-out-of-range", [["id"], [1]], 3, "list.xlsx: no sheet 3; pass one of the sheets 'Sheet1' or an index 0..0"),
]


@pytest.mark.parametrize(("rows", "sheet", "message"), [f[1:] for f in XLSX_FAULTS], ids=[f[0] for f in XLSX_FAULTS])
def test_xlsx_faults(rows: list[list[object]], sheet: str | int | None, message: str) -> None:
    _xlsx("list.xlsx", rows)
    with pytest.raises(InputError) as err:
        read_table("list.xlsx", sheet=sheet)
    assert str(err.value) == message


def test_xlsx_title_row_with_wide_header_is_not_mistaken() -> None:
    _xlsx("list.xlsx", [["id", "name", "note"], [1, "a", None], [2, "b", None]])
    assert read_table("list.xlsx")["name"].tolist() == ["a", "b"]


def test_broken_xlsx() -> None:
    with zipfile.ZipFile("list.xlsx", "w") as zf:
        zf.writestr("xl/workbook.xml", "not xml at all")
    with pytest.raises(InputError) as err:
        read_table("list.xlsx")
    assert str(err.value).startswith("list.xlsx: cannot read the XLSX workbook (")
    assert str(err.value).endswith("); open it in Excel or LibreOffice and save it again as .xlsx")


# ----------------------------------------------------------------------------------------- Parquet
def test_parquet_columns_become_text() -> None:
    table = pa.table({
        "id": pa.array([1, 2, None], pa.int64()),
        "name": [" Иванов ", "NA", None],
        "w": [1.0, 2.5, None],
        "born": pa.array([date(1990, 2, 1), None, date(2000, 1, 1)]),
        "ok": [True, False, None],
    })
    pq.write_table(table, "list.parquet")
    df = read_table("list.parquet")
    _assert_strings(df)
    assert df.to_dict("list") == {
        "id": ["1", "2", ""],
        "name": ["Иванов", "NA", ""],
        "w": ["1", "2.5", ""],
        "born": ["1990-02-01", "", "2000-01-01"],
        "ok": ["true", "false", ""],
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pa.table({"id": pa.array([], pa.string())}), "list.parquet: has a header but no data rows; check that the right file or sheet was exported"),
        (pa.table({"a": ["x"], "": [""]}), None),
    ],
    ids=["no-rows", "unnamed-empty-column-dropped"],
)
def test_parquet_shapes(table: pa.Table, message: str | None) -> None:
    pq.write_table(table, "list.parquet")
    if message is None:
        assert read_table("list.parquet").to_dict("list") == {"a": ["x"]}
    else:
        with pytest.raises(InputError) as err:
            read_table("list.parquet")
        assert str(err.value) == message


def test_corrupt_parquet() -> None:
    pq.write_table(pa.table({"a": list(range(100))}), "good.parquet")
    data = Path("good.parquet").read_bytes()
    _write("list.parquet", data[:20] + b"\xff" * 40 + data[60:])
    with pytest.raises(InputError) as err:
        read_table("list.parquet")
    assert str(err.value).startswith("list.parquet: cannot read the Parquet file (")
    assert str(err.value).endswith("); write the Parquet file again or export the list as CSV UTF-8")


# ------------------------------------------------------------------------------------- csv_safe
def test_csv_safe_prefixes_formula_cells_only() -> None:
    df = pd.DataFrame({
        "text": ["=1+2", "+7 999", "-x", "@SUM(A1)", "\tab", "\rcd", "ok", "-5", "+1.5e3", "", None, 7],
        "num": [-1.0, -2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0],
    })
    out = csv_safe(df)
    assert out["text"].tolist() == ["'=1+2", "'+7 999", "'-x", "'@SUM(A1)", "'\tab", "'\rcd", "ok", "-5", "+1.5e3", "", None, 7]
    assert out["num"].dtype == np.float64 and out["num"].tolist() == df["num"].tolist()
    assert df["text"].iloc[0] == "=1+2"  # input untouched


def test_csv_safe_string_dtype_and_index_kept() -> None:
    df = pd.DataFrame({"s": pd.array(["=a", "b"], dtype="string")}, index=[10, 20])
    out = csv_safe(df)
    assert out["s"].tolist() == ["'=a", "b"] and out.index.tolist() == [10, 20]


def test_write_csv_bytes() -> None:
    df = pd.DataFrame({"name": ["Иванов", "=HYPERLINK()"], "n": [1, -2]})
    assert write_csv_bytes(df) == "name,n\nИванов,1\n'=HYPERLINK(),-2\n".encode("utf-8")
    assert write_csv_bytes(df, bom=True).startswith(b"\xef\xbb\xbfname,n\n")


def test_write_csv_bytes_arrow_path_equals_pandas() -> None:
    """The Arrow writer gives csv_safe + to_csv's bytes: quoting, doubled quotes, line ends inside cells,
    formula-like cells (plain numbers, also in non-ASCII digits, left alone), integer columns, names quoted."""
    import random

    rng = random.Random(7)
    alpha = ["=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "a", "Я", "1", "\u0663", ".", "e", " ", "\x85", "'"]
    for _ in range(300):
        n = rng.randint(1, 6)
        cols = {}
        for j in range(rng.randint(2, 4)):
            name = rng.choice([f"c{j}", f"c,{j}", f'q"{j}', f"=n{j}"])
            if rng.random() < 0.2:
                cols[name] = np.array([rng.randint(-999, 999) for _ in range(n)], dtype=np.int64)
            else:
                cols[name] = np.array(["".join(rng.choice(alpha) for _ in range(rng.randint(0, 5))) for _ in range(n)],
                                      dtype=object)
        df = pd.DataFrame(cols)
        expected = csv_safe(df).to_csv(index=False, lineterminator="\n").encode("utf-8")
        assert write_csv_bytes(df) == expected
    df = pd.DataFrame({"a": ["-1.5", "-x", "\u0663", "-\u0663", 'he said "hi"', "two\nlines"], "n": np.arange(6)})
    assert write_csv_bytes(df) == b'a,n\n-1.5,0\n\'-x,1\n\xd9\xa3,2\n-\xd9\xa3,3\n"he said ""hi""",4\n"two\nlines",5\n'


def test_write_csv_bytes_other_frames_via_pandas() -> None:
    """Floats, None, one column, no rows: pandas writes them, as before."""
    for df in (pd.DataFrame({"a": ["=x", None], "f": [1.5, float("nan")]}), pd.DataFrame({"a": ["", "=x"]}),
               pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=object)})):
        assert write_csv_bytes(df) == csv_safe(df).to_csv(index=False, lineterminator="\n").encode("utf-8")


# ------------------------------------------------------------------ large files (>= 1 MB: the lazy UTF-8 path)

def _big_rows(n: int = 30_000) -> list[list[str]]:
    ranks = ["рядовой", "сержант", " майор ", "капитан"]
    return [[f"R{i:07d}", ["Иванов", "Щукина", "Ёлкин"][i % 3], ranks[i % 4], f"ЖК-{i:06d}"] for i in range(n)]


def _expected(rows: list[list[str]]) -> dict[str, list[str]]:
    return {h: [r[j].strip() for r in rows] for j, h in enumerate(["id", "Фамилия", "Звание", "Номер"])}


def test_large_utf8_file_reads_exactly_and_shares_repeated_cells() -> None:
    rows = _big_rows()
    text = "id,Фамилия,Звание,Номер\n" + "".join(",".join(r) + "\n" for r in rows)
    assert len(text.encode("utf-8")) > 1 << 20
    df = read_table(_write("big.csv", "\ufeff" + text))
    assert {c: df[c].tolist() for c in df.columns} == _expected(rows)
    assert df.attrs["encoding"] == "UTF-8" and df.attrs["delimiter"] == ","
    assert np.asarray(df.attrs["line_numbers"]).tolist() == list(range(2, len(rows) + 2))
    rank = df["Звание"].to_numpy()
    assert rank[0] is rank[4] and rank[2] == "майор"  # a repeated value is one string object, trimmed


def test_large_file_with_blank_lines_and_a_multiline_cell_keeps_line_numbers() -> None:
    rows = _big_rows()
    body = "".join(",".join(r) + "\n" + ("\n" if i == 10 else "") for i, r in enumerate(rows))
    df = read_table(_write("big.csv", "id,Фамилия,Звание,Номер\n" + body + 'R9,"Ив\nанов",майор,1\n'))
    lines = np.asarray(df.attrs["line_numbers"]).tolist()
    assert lines[10] == 12 and lines[11] == 14 and lines[-1] == len(rows) + 3
    assert df["Фамилия"].iloc[-1] == "Ив\nанов" and len(df) == len(rows) + 1


def test_large_cp1251_file_is_not_taken_for_utf8() -> None:
    rows = _big_rows()
    text = "id,Фамилия,Звание,Номер\n" + "".join(",".join(r) + "\n" for r in rows)
    df = read_table(_write("big.csv", text.encode("cp1251")))
    assert df.attrs["encoding"] == "Windows-1251"
    assert {c: df[c].tolist() for c in df.columns} == _expected(rows)
