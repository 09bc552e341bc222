"""Read any list or registry file into a table of strings; write outputs safely.

``read_table`` takes CSV/TSV (delimiter and encoding detected), XLSX/XLSM and Parquet, chosen by the
file's magic bytes first and its extension second, and returns a DataFrame whose every column is
object dtype ``str``: missing is ``""`` (never NaN), ``"NA"``/``"null"`` stay text, leading zeros
survive, cells and header names are stripped. ``df.attrs["line_numbers"]`` (a ``LineNumbers``) holds
the source line (CSV, header = line 1) or sheet row (XLSX) of every row; text files also record
``attrs["encoding"]`` and ``attrs["delimiter"]``. Every fault is an ``InputError`` whose message names
the file as the user gave it, the line, and the fix.

Text is read on a fast path (pyarrow's CSV reader, all columns string; short rows padded, ragged rows
reported by line) and, when a record spans lines (multi-line cells), quotes are odd, or pyarrow gives
up, on an exact slow path (``csv`` module) that finds every ragged row and where an unclosed quote opens.

Output directories are written by ``linker.outdir`` (atomic, and never replacing a file linker did not
write); this module makes the bytes of CSV outputs (``write_csv_bytes``, spreadsheet-safe).
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linker.errors import InputError

MAX_CELL = 1_000_000  # characters in one cell
_SAMPLE = 64 * 1024  # bytes looked at for delimiter detection
_DELIMITERS = (",", ";", "\t", "|")
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_CYRILLIC = ("cp1251", "cp866", "koi8_r")
_ENC_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1251": "Windows-1251", "cp866": "CP866", "koi8_r": "KOI8-R", "cp1252": "Windows-1252"}
_TRIED = "UTF-8, UTF-16 (with BOM), Windows-1251, CP866, KOI8-R, Windows-1252"
_RU_WORD = re.compile(r"\b[А-ЯЁ]?[а-яё]+\b|\b[А-ЯЁ]{2,}\b")
_ODD_CHARS = re.compile("[\u2500-\u25ff\u00a0-\u00bf\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------------------- reading
def read_table(
    path: str | os.PathLike[str], *, label: str | None = None, sheet: str | int | None = None
) -> pd.DataFrame:
    """Read a CSV/TSV, XLSX/XLSM or Parquet file into a DataFrame of stripped strings.

    ``label`` is the name used in error messages (default: ``path`` as given); ``sheet`` picks an
    XLSX sheet by name or 0-based index (default: the first) and is ignored for other formats.
    """
    name = label if label is not None else os.fspath(path)
    data = _read_bytes(Path(path), name)
    kind = _sniff_kind(data, Path(path), name)
    if kind == "xlsx":
        return _read_xlsx(data, name, sheet)
    if kind == "parquet":
        return _read_parquet(data, name)
    return _read_text(data, Path(path), name)


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: file not found; check the path and the file name") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file; give the path of a CSV, XLSX or Parquet file") from None
    except PermissionError:
        if path.is_dir():
            raise InputError(f"{name}: is a directory, not a file; give the path of a CSV, XLSX or Parquet file") from None
        raise InputError(f"{name}: permission denied, the file cannot be read; make it readable (chmod u+r) or copy it") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc}); check the file and try again") from None


def _sniff_kind(data: bytes, path: Path, name: str) -> str:
    """'xlsx', 'parquet' or 'text', by magic bytes, else a clear error for a known non-table format."""
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            names = set()
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise InputError(f"{name}: is a ZIP archive (or an .ods/.docx file), not an XLSX workbook or a CSV; "
                         "unpack it, or open it and save the list as .xlsx or CSV UTF-8")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError(f"{name}: is an old Excel .xls workbook, which is not supported; "
                         "open it in Excel or LibreOffice and save it as .xlsx or CSV UTF-8")
    if data.startswith(b"\x1f\x8b"):
        raise InputError(f"{name}: is gzip-compressed; unpack it first (gunzip) and read the CSV inside")
    if path.suffix.lower() in (".xlsx", ".xlsm") and data.strip():
        raise InputError(f"{name}: is named like an XLSX workbook but is not one; "
                         "open it in Excel or LibreOffice and save it again as .xlsx")
    if path.suffix.lower() == ".parquet" and data.strip():
        raise InputError(f"{name}: cannot read the Parquet file (no PAR1 header); "
                         "write the Parquet file again or export the list as CSV UTF-8")
    return "text"


def _empty(name: str) -> InputError:
    return InputError(f"{name}: the file is empty; export the list again with a header row and data rows")


def _binary(name: str) -> InputError:
    return InputError(f"{name}: looks like binary data, not a CSV, XLSX or Parquet file; "
                      "export the list as CSV UTF-8, XLSX or Parquet")


# ----------------------------------------------------------------------------------------- text
def _decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): BOM, then strict UTF-8, then the best Cyrillic code page, then charset-normalizer."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(f"{name}: has a UTF-16 byte-order mark but is not valid UTF-16; "
                             "re-save the file as CSV UTF-8") from None
    if b"\x00" in data:
        half = len(data) // 2
        if half and max(data[0::2].count(0), data[1::2].count(0)) > 0.9 * half:
            raise InputError(f"{name}: looks like UTF-16 text without a byte-order mark; "
                             "re-save the file as CSV UTF-8")
        raise _binary(name)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    sample = data[max(0, bad - _SAMPLE) : bad + _SAMPLE]
    best, best_score = None, 0
    for enc in _CYRILLIC:
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        score = sum(len(w) for w in _RU_WORD.findall(text)) - 4 * len(_ODD_CHARS.findall(text))
        if score > best_score:
            best, best_score = enc, score
    candidates = [best] if best else []
    if best is None:
        import charset_normalizer

        match = charset_normalizer.from_bytes(sample, cp_isolation=[*_CYRILLIC, "cp1252"]).best()
        if match is not None:
            candidates.append(match.encoding)
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(f"{name}: cannot decode the text (tried {_TRIED}); re-save the file as CSV UTF-8")


def _utf8_start(data: bytes) -> str | None:
    """The text's first ``_SAMPLE + 1`` characters (leading BOMs removed) when ``data`` is a large file of
    valid UTF-8 that `_decode` would read as UTF-8, checked by Arrow without decoding the whole file; None
    when the whole text must be decoded (small, UTF-16 BOM, NUL bytes, not UTF-8, or a blank start)."""
    if len(data) < (1 << 20) or data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return None
    import codecs

    import pyarrow as pa

    try:
        pa.LargeStringArray.from_buffers(
            1, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return None  # not UTF-8: _decode finds the code page
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    size = 4 * (_SAMPLE + 1) + 4
    text, used = codecs.utf_8_decode(body[:size], "strict", False)  # an incomplete last character waits
    text = text.lstrip("\ufeff")
    if (len(text) <= _SAMPLE and used < len(body)) or not text or text.isspace():
        return None
    return text[: _SAMPLE + 1]


def _detect_delimiter(text: str, path: Path) -> str:
    """The delimiter, from the text's first ``_SAMPLE`` characters (``text`` may be just its first
    ``_SAMPLE + 1``: whether there is more decides where the sample is cut)."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    sample = text[:_SAMPLE]
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut > 0 and len(text) > _SAMPLE:
        sample = sample[:cut]
    try:
        sniffed = csv.Sniffer().sniff(sample[:8192], delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ","
    best, best_key = ",", (False, -1.0, 0, False)
    for d in _DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d) if r][:200]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        consistent = np.mean([len(r) == width for r in rows[1:]]) if len(rows) > 1 else 1.0
        key = (width >= 2, round(float(consistent), 2), width, d == sniffed)
        if key > best_key:
            best, best_key = d, key
    return best


def _read_text(data: bytes, path: Path, name: str) -> pd.DataFrame:
    if not data or data.isspace() or data in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise _empty(name)  # (isspace: what strip() removes, without copying the file)
    start = _utf8_start(data)  # a large valid UTF-8 file is only decoded in full if the slow path needs it
    if start is None:
        text, encoding = _decode(data, name)
        text = text.lstrip("\ufeff")
        if not text or text.isspace():
            raise _empty(name)
        start = text[: _SAMPLE + 1]
    else:
        text, encoding = None, "utf-8"
    head = start[:_SAMPLE]
    if len(_CONTROL.findall(head)) > max(2, len(head) // 100):
        raise _binary(name)
    delim = _detect_delimiter(start, path)
    utf8 = data[3:] if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf") else data
    if encoding != "utf-8":
        utf8 = text.encode("utf-8")
    fast = _fast_parse(utf8, delim, name)
    if fast is not None:
        df = _finish(name, *fast, check_len=False)
    else:
        if text is None:
            text = data.decode("utf-8-sig").lstrip("\ufeff")
        header, columns, lines = _slow_parse(text, delim, name)
        df = _finish(name, header, columns, lines, check_len=len(text) > MAX_CELL)
    df.attrs["encoding"] = _ENC_NAMES.get(encoding, encoding.upper())
    df.attrs["delimiter"] = delim
    return df


def _fast_parse(utf8: bytes, delim: str, name: str) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """pyarrow read with every column as string; None when the slow path must decide (any doubt).

    ``utf8`` is valid UTF-8 (decoded or validated by `_read_text`), so pyarrow does not check it again.

    The columns come back as the rows of one 2-d object array, which becomes the frame's block as it is.

    Without quotes in the file, rows with fewer fields are set aside by line number, parsed apart and
    padded; rows with more fields are collected and reported at once.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    first = utf8[: utf8.find(b"\n") if b"\n" in utf8 else len(utf8)]
    if len(first) > MAX_CELL:
        return None
    quoted = b'"' in utf8
    if quoted and utf8.count(b'"') % 2:
        return None  # maybe an unclosed quote: the slow path finds its line
    odd: list[tuple[int, str, int]] = []  # (line, text, fields) of rows whose width differs

    def set_aside(row: Any) -> str:
        if row.number is None:
            return "error"
        odd.append((row.number, row.text, row.actual_columns))
        return "skip"

    def read(threads: bool, handler: Any) -> pa.Table:
        return pcsv.read_csv(
            io.BytesIO(utf8),
            read_options=pcsv.ReadOptions(autogenerate_column_names=True, block_size=4 << 20, use_threads=threads),
            parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=quoted, invalid_row_handler=handler),
            convert_options=pcsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                strings_can_be_null=False, check_utf8=False),
        )

    try:
        width = len(next(csv.reader([first.decode("utf-8")], delimiter=delim)))
        try:
            table = read(True, None)
        except pa.ArrowInvalid:
            if quoted:
                return None
            table = read(False, set_aside)  # line numbers of invalid rows need one thread
    except (pa.ArrowException, csv.Error, StopIteration, UnicodeDecodeError):
        return None
    rows = table.num_rows + len(odd)
    if b"\r" in utf8 and utf8.count(b"\r") != utf8.count(b"\r\n"):
        return None  # CR-only line ends: lines cannot be counted by newlines
    # lines (a last one without its newline included); when pyarrow found as many rows, every line is one
    # row (rows <= non-blank lines <= lines, pyarrow skipping blank ones) and no numpy pass is needed
    total = utf8.count(b"\n") + (not utf8.endswith(b"\n"))
    nonblank = np.arange(1, total + 1, dtype=np.int64) if total == rows else _nonblank_lines(utf8)
    if table.num_columns != width or len(nonblank) != rows:
        return None  # a record spans several lines (multi-line cell, or a swallowed quote)
    if quoted and _ends_inside_quotes(utf8.rstrip(b"\r\n").rsplit(b"\n", 1)[-1].decode("utf-8"), delim):
        return None  # the last line (= the last record here) opens a quote that never closes
    longer = [(int(nonblank[n - 1]), k) for n, _, k in odd if k > width]  # arrow counts non-blank lines
    if longer:
        raise _ragged(name, width, delim, longer)
    lines = nonblank[1:]
    odd_at = np.asarray([n for n, _, _ in odd], dtype=np.int64) - 2
    table_at = np.setdiff1d(np.arange(rows - 1), odd_at) if odd else slice(None)
    odd_cells = [next(csv.reader([t], delimiter=delim)) for _, t, _ in odd]
    header: list[str] = []
    block = np.empty((table.num_columns, rows - 1), dtype=object)  # one row per column: the frame's block
    for j, col in enumerate(table.columns):
        top = pc.utf8_trim_whitespace(col.slice(0, 1))
        header.append(top[0].as_py() if len(top) else "")
        cells, longest = _trimmed_strings(col.slice(1))
        if longest > MAX_CELL:
            col = pc.utf8_trim_whitespace(col.slice(1))
            row = pc.index(pc.greater(pc.utf8_length(col), MAX_CELL), True).as_py()
            raise _long_cell(name, f"line {lines[table_at][row]}", header[-1], len(col[row].as_py()))
        block[j, table_at] = cells
        if odd:
            block[j, odd_at] = [r[j].strip() if j < len(r) else "" for r in odd_cells]
    return header, block, lines


def _trimmed_strings(col: Any) -> tuple[np.ndarray, int]:
    """A pyarrow string column as an object array of whitespace-trimmed ``str``, and the longest length.

    A column that repeats its values (names, dates, ranks, units; judged on its first 20,000 cells) is
    dictionary-encoded first: each distinct value is trimmed and made a Python string once, and the rows
    share it (faster, and far less memory than a string object per cell)."""
    import pyarrow.compute as pc

    if len(col) == 0:
        return np.empty(0, dtype=object), 0
    sample = col.slice(0, 20_000)
    if pc.count_distinct(sample).as_py() < 0.7 * len(sample):
        enc = pc.dictionary_encode(col.combine_chunks())
        distinct = pc.utf8_trim_whitespace(enc.dictionary)
        longest = pc.max(pc.utf8_length(distinct)).as_py() or 0
        cells = distinct.to_numpy(zero_copy_only=False)[enc.indices.to_numpy(zero_copy_only=False)]
        return cells, longest
    trimmed = pc.utf8_trim_whitespace(col)
    return trimmed.to_numpy(zero_copy_only=False), pc.max(pc.utf8_length(trimmed)).as_py() or 0


def _nonblank_lines(utf8: bytes) -> np.ndarray:
    """1-based numbers of the lines that hold something (pyarrow skips empty lines, like ``csv``)."""
    arr = np.frombuffer(utf8, dtype=np.uint8)
    ends = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], ends + 1))
    ends = np.append(ends, len(arr))
    lengths = ends - starts
    lengths -= (lengths > 0) & (arr[np.maximum(ends - 1, 0)] == 13) if len(arr) else 0
    return np.flatnonzero(lengths > 0).astype(np.int64) + 1


def _ragged(name: str, width: int, delim: str, rows: list[tuple[int, int]]) -> InputError:
    """Rows (line, fields) with more fields than the header's ``width``."""
    shown = ", ".join(str(n) for n, _ in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return InputError(
        f"{name}:line {rows[0][0]}: {len(rows)} row(s) have more fields than the header's {width} "
        f"(up to {max(k for _, k in rows)}; lines {shown}{more}); the delimiter is "
        f"{_DELIM_NAMES[delim]} ({delim!r}): quote cells that contain it, or remove the extra fields"
    )


def _slow_parse(text: str, delim: str, name: str) -> tuple[list[str], list[np.ndarray], np.ndarray]:
    """Exact parse with the csv module: line numbers, every ragged row, the line of an unclosed quote."""
    lines = io.StringIO(text, newline="").readlines()
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        reader = csv.reader(iter(lines), delimiter=delim)
        records: list[list[str]] = []
        starts: list[int] = []
        start = 1
        for record in reader:
            if record:
                records.append(record)
                starts.append(start)
            start = reader.line_num + 1
        _check_unclosed_quote(lines, starts[-1] if starts else 1, delim, name)
    except csv.Error as exc:  # only reachable with exotic input; report it rather than crash
        raise InputError(f"{name}:line {reader.line_num}: cannot parse the row ({exc}); fix the quoting on that line") from None
    finally:
        csv.field_size_limit(old_limit)
    header, body = records[0], records[1:]
    width = len(header)
    longer = [(starts[i + 1], len(r)) for i, r in enumerate(body) if len(r) > width]
    if longer:
        raise _ragged(name, width, delim, longer)
    for i in [i for i, r in enumerate(body) if len(r) < width]:
        body[i] = body[i] + [""] * (width - len(body[i]))  # short rows are padded, as spreadsheets do
    columns = [_strip(np.array(c, dtype=object)) for c in zip(*body)] if body else [np.array([], dtype=object)] * width
    return [h.strip() for h in header], columns, np.asarray(starts[1:], dtype=np.int64)


def _strip(values: np.ndarray) -> np.ndarray:
    """``str.strip`` of every cell (all cells are ``str``)."""
    return np.array(list(map(str.strip, values)), dtype=object)


def _check_unclosed_quote(lines: list[str], start: int, delim: str, name: str) -> None:
    """The last record swallowed the file's end inside quotes -> the quote opened on line ``start``."""
    if _ends_inside_quotes("".join(lines[start - 1 :]), delim):
        raise InputError(f'{name}:line {start}: a quote (") opens on this line and is never closed; '
                         'close the quote, or remove it (write "" for a literal quote)')


def _ends_inside_quotes(text: str, delim: str) -> bool:
    """True when the text ends inside a quoted field (the csv module's strict 'unexpected end of data')."""
    if '"' not in text:
        return False
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


# -------------------------------------------------------------------------------------- finish
def _finish(name: str, header: list[str], columns: list[np.ndarray] | np.ndarray, lines: np.ndarray | None,
            *, check_len: bool, where: str | None = "line") -> pd.DataFrame:
    """Header checks, the header-only and long-cell checks, then the DataFrame (index 0..n-1).

    ``columns`` is a list of 1-d arrays or a 2-d object array holding one column per row."""
    at_header = f"{name}:{where} 1" if where else name
    block = columns if isinstance(columns, np.ndarray) and columns.ndim == 2 else None
    columns = list(columns)
    header = [h.replace("\ufeff", "").strip() for h in header]
    keep = [j for j, h in enumerate(header) if h or not _all_empty(columns[j])]  # unnamed blank columns
    if len(keep) != len(columns):
        block = None
    header, columns = [header[j] for j in keep], [columns[j] for j in keep]
    if not header:
        raise _empty(name)
    unnamed = [str(j + 1) for j, h in enumerate(header) if not h]
    if unnamed:
        raise InputError(f"{at_header}: empty column name in column(s) {', '.join(unnamed)}; "
                         "give every column a name in the header row")
    seen: dict[str, int] = {}
    for h in header:
        seen[h] = seen.get(h, 0) + 1
    dupes = [h for h, k in seen.items() if k > 1]
    if dupes:
        raise InputError(f"{at_header}: duplicate column name(s) {', '.join(map(repr, dupes))}; "
                         "rename the columns so that each name is unique")
    n = len(columns[0])
    if n == 0:
        raise InputError(f"{name}: has a header but no data rows; check that the right file or sheet was exported")
    if check_len:
        for h, col in zip(header, columns):
            lengths = np.fromiter(map(len, col), dtype=np.int64, count=len(col))
            if lengths.size and lengths.max() > MAX_CELL:
                i = int(np.argmax(lengths > MAX_CELL))
                at = f"{where} {lines[i]}" if lines is not None else f"data row {i + 1}"
                raise _long_cell(name, at, h, int(lengths[i]))
    if block is not None:  # already the consolidated block pandas would build: no copy
        df = pd.DataFrame(block.T, columns=header, index=pd.RangeIndex(n), dtype=object, copy=False)
    else:
        df = pd.DataFrame(dict(zip(header, columns)), index=pd.RangeIndex(n), dtype=object)
    if lines is not None:
        df.attrs["line_numbers"] = LineNumbers(lines)
    return df


class LineNumbers:
    """The source line (or sheet row) of each row: a read-only int64 array behind a small wrapper.

    pandas deep-copies ``attrs`` on most operations and compares them with ``==`` in ``concat``; a
    bare ndarray there is copied every time and makes ``concat`` raise. This wrapper copies as itself
    and compares to a bool. Use ``np.asarray(lines)``, ``lines[i]``, ``len(lines)``, ``lines.tolist()``.
    """

    __slots__ = ("_a",)

    def __init__(self, values: Any) -> None:
        a = np.array(values, dtype=np.int64)
        a.flags.writeable = False
        self._a = a

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._a if dtype is None else self._a.astype(dtype)

    def __len__(self) -> int:
        return len(self._a)

    def __getitem__(self, key: Any) -> Any:
        return self._a[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._a.tolist())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LineNumbers) and (self._a is other._a or np.array_equal(self._a, other._a))

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict) -> LineNumbers:
        return self

    def __copy__(self) -> LineNumbers:
        return self

    def __repr__(self) -> str:
        return f"LineNumbers({self._a.tolist()[:5]}{'...' if len(self._a) > 5 else ''}, n={len(self._a)})"

    def tolist(self) -> list[int]:
        return self._a.tolist()


def _long_cell(name: str, at: str, column: str, length: int) -> InputError:
    return InputError(f"{name}:{at}: the cell in column {column!r} is {length:,} characters long "
                      f"(limit {MAX_CELL:,}); check the delimiter and the quotes, or shorten the cell")


def _all_empty(col: np.ndarray) -> bool:
    return bool(len(col) == 0 or (pd.Series(col, dtype=object).str.strip() == "").all())


# ----------------------------------------------------------------------------------------- xlsx
def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v).strip()


def _read_xlsx(data: bytes, name: str, sheet: str | int | None) -> pd.DataFrame:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to XML errors on a broken file
        raise InputError(f"{name}: cannot read the XLSX workbook ({type(exc).__name__}); "
                         "open it in Excel or LibreOffice and save it again as .xlsx") from None
    try:
        names = wb.sheetnames
        if not names:
            raise InputError(f"{name}: the workbook has no sheets; put the list on the first sheet and save again")
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) and 0 <= sheet < len(names):
            ws = wb.worksheets[sheet]
        elif isinstance(sheet, str) and sheet in names:
            ws = wb[sheet]
        else:
            raise InputError(f"{name}: no sheet {sheet!r}; pass one of the sheets {', '.join(map(repr, names))} "
                             f"or an index 0..{len(names) - 1}")
        try:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some writers store a wrong sheet size; read every cell there is
            raw = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        except Exception as exc:
            raise InputError(f"{name}: cannot read sheet {ws.title!r} ({type(exc).__name__}); "
                             "open the workbook in Excel or LibreOffice and save it again as .xlsx") from None
    finally:
        wb.close()
    rows = [(i + 1, r) for i, r in enumerate(raw) if any(r)]  # (sheet row number, cells)
    if not rows:
        raise InputError(f"{name}: sheet {ws.title!r} has no rows; put the list on that sheet or pass another sheet")
    _check_header_row(raw, name, ws.title)
    width = max(len(r) for _, r in rows)
    grid = np.full((len(rows), width), "", dtype=object)
    for i, (_, r) in enumerate(rows):
        grid[i, : len(r)] = r
    numbers = np.asarray([k for k, _ in rows], dtype=np.int64)
    if numbers[0] != 1:
        raise InputError(f"{name}:row {numbers[0]}: the header seems to be on row {numbers[0]}, not row 1; "
                         f"delete the rows above the header on sheet {ws.title!r} and save again")
    header = list(grid[0])
    return _finish(name, header, [grid[1:, j] for j in range(width)], numbers[1:], check_len=False, where="row")


def _check_header_row(raw: list[list[str]], name: str, title: str) -> None:
    """Row 1 mostly empty (a title) while a later row looks like a header -> say where it is."""
    top = raw[:20]
    width = max((max((k + 1 for k, v in enumerate(r) if v), default=0) for r in top), default=0)
    if width == 0 or len(top) < 2:
        return
    filled = sum(1 for v in top[0] if v)
    if filled > width / 2:
        return
    need = max(1 if filled == 0 else 2, int(np.ceil(0.6 * width)))
    for k, r in enumerate(top[1:], start=2):
        cells = [v for v in r if v]
        if len(cells) >= need and not any(_is_number(v) for v in cells):
            raise InputError(f"{name}:row {k}: the header seems to be on row {k}, not row 1 (row 1 is mostly "
                             f"empty); delete the rows above the header on sheet {title!r} and save again")


def _is_number(v: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+([.,]\d+)?", v))


# -------------------------------------------------------------------------------------- parquet
def _read_parquet(data: bytes, name: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... on a damaged file
        raise InputError(f"{name}: cannot read the Parquet file ({str(exc).splitlines()[0][:120]}); "
                         "write the Parquet file again or export the list as CSV UTF-8") from None
    columns = []
    for col in table.columns:
        try:
            text = pc.fill_null(pc.utf8_trim_whitespace(pc.cast(col, pa.string())), "")
            columns.append(text.to_numpy(zero_copy_only=False).astype(object, copy=False))
        except pa.ArrowException:  # nested or binary types: Python's str of each value
            values = col.to_pylist()
            columns.append(np.asarray(["" if v is None else str(v).strip() for v in values], dtype=object))
    if not table.column_names:
        raise _empty(name)
    return _finish(name, list(table.column_names), columns, None, check_len=True, where=None)


# --------------------------------------------------------------------------------------- writing
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?"


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells a spreadsheet would run as a formula are prefixed with ``'``.

    Only object/string columns are touched, and in them only ``str`` cells that start with
    ``= + - @``, a tab or a carriage return and are not a plain number (``-5``, ``+1.5e3`` stay as
    they are: a spreadsheet reads them as numbers, never as formulas). Numeric columns (a column of
    negative floats, say) are returned unchanged. Excel and LibreOffice show ``'=1+2`` as the text
    ``=1+2``.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        values = s.to_numpy(dtype=object)
        codes, uniq = pd.factorize(values, use_na_sentinel=True)
        text = pd.Series(uniq, dtype=object)
        text = text[text.map(lambda v: isinstance(v, str)).astype(bool)]
        risky = text.str.startswith(_FORMULA_START) & ~text.str.fullmatch(_PLAIN_NUMBER)
        if risky.any():
            fixed = np.asarray(uniq, dtype=object).copy()
            fixed[risky.index[risky]] = "'" + text[risky]
            out[col] = pd.Series(np.where(codes >= 0, fixed[codes], values), index=s.index, dtype=object)
    return out


def write_csv_bytes(df: pd.DataFrame, *, bom: bool = False) -> bytes:
    """``df`` as CSV: UTF-8 (with a BOM if ``bom``, which Excel needs for Cyrillic), ``\\n`` line ends,
    no index, cells made spreadsheet-safe by :func:`csv_safe`.

    The bytes are those of ``csv_safe(df).to_csv(index=False, lineterminator="\\n")``. A frame of
    ``str`` and integer columns (matches.csv, clusters.csv) is written by Arrow: the formula check and
    the CSV quoting run in Python only on the few cells that start like a formula or hold a character
    the csv module quotes, and the rows are joined by Arrow's element-wise string join. Any other frame
    goes through pandas."""
    body = _csv_body_arrow(df)
    if body is None:
        body = csv_safe(df).to_csv(index=False, lineterminator="\n").encode("utf-8")
    return (b"\xef\xbb\xbf" if bom else b"") + body


def _csv_specials() -> tuple[str, str]:
    """(characters that make the csv module quote a field, characters it treats otherwise and that send a
    cell to it), found by asking it (``"\\r"`` is quoted by some Python versions and not by others)."""
    quote, other = [], []
    for c in map(chr, range(128)):
        buf = io.StringIO()
        try:
            csv.writer(buf, lineterminator="\n").writerow(["a" + c + "b", "x"])
        except csv.Error:
            other.append(c)
            continue
        got = buf.getvalue()
        if got == '"a' + c + 'b",x\n' or (c == '"' and got == '"a""b",x\n'):
            quote.append(c)
        elif got != "a" + c + "b,x\n":
            other.append(c)
    return "".join(quote), "".join(other)


_CSV_QUOTE, _CSV_OTHER = _csv_specials()


def _cells_to_check(arr: Any) -> np.ndarray:
    """Positions of the cells of a large_string Arrow array (no nulls) that start like a formula or hold a
    character the csv module does not write as it is: the first bytes and all bytes looked up in a table."""
    offsets = np.frombuffer(arr.buffers()[1], np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = np.frombuffer(arr.buffers()[2], np.uint8) if arr.buffers()[2] is not None else np.zeros(0, np.uint8)
    starts, lens = offsets[:-1], np.diff(offsets)
    first = np.zeros(256, bool)
    first[list(_FORMULA_START_BYTES)] = True
    flag = first[data[np.minimum(starts, max(len(data) - 1, 0))]] & (lens > 0) if len(data) else lens < 0
    special = np.zeros(256, bool)
    special[list((_CSV_QUOTE + _CSV_OTHER).encode("ascii"))] = True
    pos = np.flatnonzero(special[data[offsets[0]: offsets[-1]]]) + offsets[0]
    if len(pos):
        flag[np.searchsorted(offsets, pos, side="right") - 1] = True
    return np.flatnonzero(flag)


_FORMULA_START_BYTES = "".join(_FORMULA_START).encode("ascii")


def _csv_body_arrow(df: pd.DataFrame) -> bytes | None:
    """The CSV text of ``csv_safe(df)`` (header and rows, no index) as UTF-8, or None when ``df`` is not
    a frame of ``str`` and integer columns with ``str`` names (pandas then writes it)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pandas._libs import lib

    names = list(df.columns)
    if not len(df) or len(names) < 2 or not all(isinstance(c, str) for c in names) or df.columns.has_duplicates:
        return None  # (one column: csv quotes an empty row; no rows: pandas' header-only output)
    cols = []
    for j in range(len(names)):
        s = df.iloc[:, j]
        if s.dtype.kind in "iu":
            cols.append(pc.cast(pa.array(s.to_numpy()), pa.large_string()))
            continue
        values = s.to_numpy()
        if s.dtype != object or not lib.is_string_array(values, skipna=False):
            return None
        try:
            arr = pa.array(values, type=pa.large_string())
        except (UnicodeError, pa.ArrowException):   # a lone surrogate: pandas raises as it always did
            return None
        at = _cells_to_check(arr)
        if len(at):
            cells = values[at].tolist()
            fixed = _csv_cells(safe_cells(cells))
            if fixed is None:
                return None
            arr = pc.replace_with_mask(arr, _mask(len(values), at), pa.array(fixed, type=pa.large_string()))
        cols.append(arr)
    header = _csv_cells(names)
    if header is None:
        return None
    text = pa.large_string()
    rows = pc.binary_join_element_wise(*cols, pa.scalar(",", text))
    rows = pc.binary_join_element_wise(rows, pa.scalar("\n", text), pa.scalar("", text))
    offsets = np.frombuffer(rows.buffers()[1], np.int64)
    data = rows.buffers()[2]
    lo, hi = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    return (",".join(header) + "\n").encode("utf-8") + data[lo:hi].to_pybytes()


def _mask(n: int, at: np.ndarray) -> Any:
    import pyarrow as pa

    m = np.zeros(n, bool)
    m[at] = True
    return pa.array(m)


def safe_cells(cells: list[str]) -> list[str]:
    """Each ``str`` cell as :func:`csv_safe` leaves it (``'`` before a formula-like cell)."""
    plain = re.compile(_PLAIN_NUMBER)
    return ["'" + c if c.startswith(_FORMULA_START) and not plain.fullmatch(c) else c for c in cells]


def _csv_cells(cells: list[str]) -> list[str] | None:
    """Each cell as the csv module writes it in a row of several fields (quoted when it holds a delimiter,
    quote or line end, quotes doubled); None if one holds a character it treats otherwise."""
    out = []
    for c in cells:
        if any(ch in c for ch in _CSV_OTHER):
            return None
        out.append('"' + c.replace('"', '""') + '"' if any(ch in c for ch in _CSV_QUOTE) else c)
    return out
