"""Fuzz read_table: whatever the bytes, it returns a table of strings or raises InputError, nothing else."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linker.errors import InputError
from linker.io import read_table
from linker.io.text import _fast_parse, _slow_parse

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CSV_CHARS = st.sampled_from(list(',;\t|"\n\r \'=-+@') + list("abcXYZ019") + list("ИвановЁёщ") + ["\ufeff", "\x00", "\x01", "é"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1251", "cp866", "koi8_r"])


def _check_table(df: pd.DataFrame) -> None:
    assert isinstance(df.index, pd.RangeIndex) and df.index.start == 0
    assert len(df) > 0 and len(df.columns) > 0
    assert len(set(df.columns)) == len(df.columns) and all(isinstance(c, str) and c for c in df.columns)
    for c in df.columns:
        assert df[c].dtype == object
        assert all(isinstance(v, str) and v == v.strip() for v in df[c])
    lines = df.attrs.get("line_numbers")
    if lines is not None:
        assert len(lines) == len(df) and (lines[1:] > lines[:-1]).all() and lines[0] >= 2


def _read(path: Path) -> None:
    try:
        df = read_table(path)
    except InputError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message and "; " in message
    else:
        _check_table(df)


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".tsv", ".xlsx", ".parquet", ".txt"]))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"f{suffix}"
    path.write_bytes(data)
    _read(path)


@FUZZ
@given(text=st.text(CSV_CHARS, max_size=300), encoding=ENCODINGS)
def test_random_csvish_text(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "f.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    _read(path)


@FUZZ
@given(
    prefix=st.sampled_from([b"PAR1", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\xcf\x11\xe0"]),
    rest=st.binary(max_size=200),
)
def test_magic_prefixes_with_garbage(tmp_path: Path, prefix: bytes, rest: bytes) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(prefix + rest)
    _read(path)


CELL = st.one_of(
    st.none(),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).filter(lambda s: not s.startswith("=")),
)


@settings(FUZZ, max_examples=80)  # each example saves and loads a workbook
@given(rows=st.lists(st.lists(CELL, max_size=5), max_size=6))
def test_random_xlsx_cells(tmp_path: Path, rows: list[list[object]]) -> None:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    path = tmp_path / "f.xlsx"
    wb.save(path)
    _read(path)


SAFE_TEXT = st.text(st.sampled_from(list("abИв ,;\"'\n|.-0")), max_size=8)


@FUZZ
@given(
    columns=st.lists(st.text(st.sampled_from(list("abcИв_")), min_size=1, max_size=5), min_size=1, max_size=4, unique=True),
    cells=st.lists(st.lists(SAFE_TEXT, min_size=4, max_size=4), min_size=1, max_size=6),
    sep=st.sampled_from([",", ";", "\t", "|"]),
)
def test_roundtrip_of_written_csv(tmp_path: Path, columns: list[str], cells: list[list[str]], sep: str) -> None:
    """A table written by pandas comes back cell for cell (stripped), whatever the delimiter."""
    frame = pd.DataFrame([r[: len(columns)] for r in cells], columns=columns).apply(lambda s: s.str.strip())
    if (frame == "").all(axis=1).any() and len(columns) > 1:
        frame = frame[(frame != "").any(axis=1)].reset_index(drop=True)  # an all-empty row is a blank line
    if frame.empty:
        return
    buf = io.StringIO()
    frame.to_csv(buf, index=False, sep=sep, lineterminator="\n")
    path = tmp_path / "f.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    got = read_table(path)
    pd.testing.assert_frame_equal(got, frame.astype(object), check_column_type=False)


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8"])
def test_fuzz_helpers_accept_a_good_file(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("id;ФИО\n1;Иванов\n".encode(encoding))
    _check_table(read_table(path))


ROWS_TEXT = st.lists(
    st.lists(st.text(st.sampled_from(list("ab Иё,;-")), max_size=4), min_size=1, max_size=5), min_size=1, max_size=8
)


@FUZZ
@given(rows=ROWS_TEXT, sep=st.sampled_from([",", ";", "\t", "|"]), crlf=st.booleans())
def test_fast_path_equals_slow_path(rows: list[list[str]], sep: str, crlf: bool) -> None:
    """Whenever the pyarrow fast path accepts a text, it reads exactly what the csv-module path reads."""
    header = sep.join(f"h{i}" for i in range(3))
    text = (("\r\n" if crlf else "\n").join([header] + [sep.join(r) for r in rows])) + "\n"
    try:
        fast = _fast_parse(text.encode("utf-8"), sep, "f.csv")
    except InputError as exc:
        with pytest.raises(InputError) as slow_err:
            _slow_parse(text, sep, "f.csv")
        assert str(slow_err.value) == str(exc)
        return
    if fast is None:
        return
    slow = _slow_parse(text, sep, "f.csv")
    assert fast[0] == slow[0]
    assert [c.tolist() for c in fast[1]] == [c.tolist() for c in slow[1]]
    assert fast[2].tolist() == slow[2].tolist()
