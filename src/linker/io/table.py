"""The table every reader returns: header checks, line numbers, the long-cell check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from linker.errors import InputError

MAX_CELL = 1_000_000  # characters in one cell


def _empty(name: str) -> InputError:
    return InputError(f"{name}: the file is empty; export the list again with a header row and data rows")


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


def _binary(name: str) -> InputError:
    return InputError(f"{name}: looks like binary data, not a CSV, XLSX or Parquet file; "
                      "export the list as CSV UTF-8, XLSX or Parquet")


def row_names(df: pd.DataFrame, positions: Any) -> tuple[str, list[str]]:
    """How a message names rows of a table (0-based positions): ``("line", [...])`` with their source line
    (CSV, header = line 1) or sheet row, or ``("row", [...])`` with the index labels of a DataFrame given in
    Python (`frame_table`)."""
    pos = np.asarray(positions, dtype=np.int64)
    lines = df.attrs.get("line_numbers")
    if lines is not None:
        return "line", [str(k) for k in np.asarray(lines)[pos].tolist()]
    labels = df.attrs.get("index_labels")
    if labels is not None:
        return "row", [repr(labels[k]) for k in pos.tolist()]
    return "line", [str(k + 2) for k in pos.tolist()]     # a table written as CSV: header on line 1


def _frame_cell_texts(col: pd.Series) -> np.ndarray:
    """The text of every cell of a DataFrame column, as `read_table` gives a file's: stripped ``str``,
    missing ``""``; whole floats without ``.0`` (an integer column with gaps), dates as ISO dates."""
    s = col
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        whole_day = bool(((s.dropna() - s.dropna().dt.normalize()) == pd.Timedelta(0)).all())
        text = s.dt.strftime("%Y-%m-%d" if whole_day else "%Y-%m-%d %H:%M:%S")
        return text.where(s.notna(), "").astype(object).to_numpy()
    if pd.api.types.is_float_dtype(s.dtype):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(v)
        if ok.any() and np.all(v[ok] == np.round(v[ok])) and np.abs(v[ok]).max() < 2 ** 53:
            out = np.full(len(v), "", dtype=object)
            out[ok] = np.round(v[ok]).astype(np.int64).astype(str).astype(object)
            return out
    if pd.api.types.is_bool_dtype(s.dtype) or s.dtype == object or isinstance(s.dtype, pd.CategoricalDtype) \
            or pd.api.types.is_string_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        values = s.astype(object).to_numpy()
        missing = pd.isna(values)
        out = np.empty(len(values), dtype=object)
        out[missing] = ""
        rest = np.flatnonzero(~missing)
        out[rest] = [str(v).strip() for v in values[rest].tolist()]
        return out
    return np.asarray(["" if pd.isna(v) else str(v).strip() for v in s.tolist()], dtype=object)


def frame_table(df: pd.DataFrame, *, label: str) -> pd.DataFrame:
    """A DataFrame given in Python as the table a file would give (`read_table`): every column the stripped
    text of its cells (missing ``""``), headers as ``str``, index 0..n-1. A named or non-default index
    becomes a column (its name, or ``id``) in front, so that ids can come from it; error messages name
    rows by the frame's own index labels. ``label`` names the frame in messages."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{label}: expected a pandas DataFrame or a file path, got {type(df).__name__}; "
                         "pass a DataFrame, or the path of a CSV, XLSX or Parquet file")
    if isinstance(df.columns, pd.MultiIndex):
        raise InputError(f"{label}: the DataFrame has multi-level column names; flatten them "
                         "(df.columns = ['_'.join(map(str, c)) for c in df.columns]) and pass it again")
    frame = df
    default_index = isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1 \
        and df.index.name is None
    if not default_index and not isinstance(df.index, pd.MultiIndex):
        name = str(df.index.name) if df.index.name is not None else "id"
        if name in map(str, df.columns):
            if df.index.name is not None:
                raise InputError(f"{label}: the index is named {name!r} like a column; rename one of them")
        else:
            frame = df.reset_index(names=name)
    header = [str(c) for c in frame.columns]
    columns = [_frame_cell_texts(frame.iloc[:, j]) for j in range(frame.shape[1])]
    if not header:
        raise InputError(f"{label}: the DataFrame has no columns; pass one with a name column")
    if len(frame) == 0:
        raise InputError(f"{label}: the DataFrame has no rows; pass the rows to check")
    out = _finish(label, header, columns, None, check_len=True, where=None)
    out.attrs["index_labels"] = IndexLabels(df.index)
    return out


class IndexLabels:
    """The index labels of a DataFrame given in Python, kept in ``attrs`` for messages: like `LineNumbers`,
    it copies as itself (pandas deep-copies ``attrs`` on most operations)."""

    __slots__ = ("_index",)

    def __init__(self, index: pd.Index) -> None:
        self._index = index

    def __getitem__(self, k: int) -> Any:
        return self._index[k:k + 1].tolist()[0]     # a Python value (10, 'a'), not a numpy scalar

    def __len__(self) -> int:
        return len(self._index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndexLabels) and self._index.equals(other._index)

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict) -> IndexLabels:
        return self

    def __copy__(self) -> IndexLabels:
        return self
