"""XLSX/XLSM sheets (openpyxl) and Parquet files (pyarrow)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd

from linker.errors import InputError

from .table import _empty, _finish

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

