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

import os
import zipfile
from pathlib import Path
import io

import pandas as pd

from linker.errors import InputError

from .csvout import csv_safe, safe_cells, write_csv_bytes
from .sheets import _read_parquet, _read_xlsx
from .table import MAX_CELL, LineNumbers, frame_table, row_names
from .text import _read_text

__all__ = ["MAX_CELL", "LineNumbers", "csv_safe", "frame_table", "read_table", "row_names", "safe_cells",
           "write_csv_bytes"]


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
