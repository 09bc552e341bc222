"""CSV/TSV text: encoding and delimiter detected, a fast path (pyarrow) and an exact slow path (csv)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linker.errors import InputError

from .table import MAX_CELL, _binary, _empty, _finish, _long_cell

_SAMPLE = 64 * 1024  # bytes looked at for delimiter detection
_DELIMITERS = (",", ";", "\t", "|")
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_CYRILLIC = ("cp1251", "cp866", "koi8_r")
_ENC_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1251": "Windows-1251", "cp866": "CP866", "koi8_r": "KOI8-R", "cp1252": "Windows-1252"}
_TRIED = "UTF-8, UTF-16 (with BOM), Windows-1251, CP866, KOI8-R, Windows-1252"
_RU_WORD = re.compile(r"\b[А-ЯЁ]?[а-яё]+\b|\b[А-ЯЁ]{2,}\b")
_ODD_CHARS = re.compile("[\u2500-\u25ff\u00a0-\u00bf\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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

