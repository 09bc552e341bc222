"""The bytes of CSV outputs, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import numpy as np
import pandas as pd



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
        if s.dtype != object or not pd.api.types.infer_dtype(values, skipna=False) == "string":
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

