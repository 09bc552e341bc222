"""Shared machinery of the field standardizers: run a scalar function on the unique values of a Series.

A column of a million rows holds a few thousand distinct values. Every standardizer in
:mod:`linker.fields` is a plain scalar function ``str -> result``; :func:`map_unique` factorizes the
column, runs the scalar on each distinct value once and maps the results back with one ``take``.
Missing cells (``None``, ``NaN``, ``pd.NA``) become the scalar's result for ``""``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

#: Latin letters that look like Cyrillic ones (upper case), the OCR and typing twins.
LATIN_TO_CYRILLIC_UPPER = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")
#: The same twins in lower case (``y`` looks like ``у``; ``m``, ``t``, ``h``, ``b`` only in upper case
#: strictly, but handwriting and OCR confuse them in lower case too).
LATIN_TO_CYRILLIC_LOWER = str.maketrans("abekmhopctxy", "авекмнорстху")

_NON_WORD = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


def as_text(value: Any) -> str:
    """A cell as text: missing -> ``""``; a float that is an integer loses its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _factorize(s: pd.Series) -> tuple[np.ndarray, list]:
    """``pd.factorize(s)`` (codes by first appearance, -1 for missing), exact for text holding NUL: pandas'
    object hash table compares strings only up to a NUL character, so ``"a\\x00b"`` and ``"a\\x00c"``
    would share a code. Text columns go through Arrow's dictionary encoding, which compares whole strings."""
    import pyarrow as pa

    values = s.to_numpy(dtype=object) if s.dtype == object else None
    if values is not None:
        try:
            arr = pa.array(values, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError):
            arr = None
        if arr is not None:
            enc = arr.dictionary_encode()
            codes = enc.indices.to_numpy(zero_copy_only=False)
            codes = np.where(np.isnan(codes), -1, codes).astype(np.int64) if enc.indices.null_count \
                else codes.astype(np.int64)
            return codes, enc.dictionary.to_pylist()
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return codes, list(uniques)


def map_unique(s: pd.Series, scalar: Callable[[str], Any]) -> tuple[np.ndarray, list[Any]]:
    """Factorize ``s`` and apply ``scalar`` to each distinct value (and once to ``""`` for missing).

    Returns ``(codes, results)`` where ``results[codes[i]]`` is the result for row ``i``; missing rows
    carry code ``len(results) - 1`` (the result for ``""``), so a plain ``take`` maps back.
    """
    codes, uniques = _factorize(s)
    results = [scalar(as_text(u)) for u in uniques]
    results.append(scalar(""))
    codes = np.where(codes < 0, len(results) - 1, codes)
    return codes, results


def map_unique_series(s: pd.Series, scalar: Callable[[str], Any], dtype: Any = object) -> pd.Series:
    """``s`` with ``scalar`` applied, computed once per distinct value; index and name kept."""
    codes, results = map_unique(s, scalar)
    values = np.asarray(results, dtype=dtype) if dtype is not object else _object_array(results)
    return pd.Series(values[codes], index=s.index, name=s.name, dtype=dtype)


def map_unique_frame(
    s: pd.Series, scalar: Callable[[str], Sequence[Any]], columns: dict[str, Any]
) -> pd.DataFrame:
    """A DataFrame with one column per entry of ``columns`` (name -> dtype) from a tuple-valued scalar."""
    codes, results = map_unique(s, scalar)
    data = {}
    for pos, (name, dtype) in enumerate(columns.items()):
        col = np.fromiter((r[pos] for r in results), dtype=dtype, count=len(results))
        data[name] = col[codes]
    return pd.DataFrame(data, index=s.index)


def _object_array(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def squeeze(text: str) -> str:
    """Whitespace runs to one space, stripped."""
    return _SPACES.sub(" ", text).strip()


def text_key(text: str) -> str:
    """Generic compare key of one value: lowercase, ё->е, punctuation to space, squeezed."""
    t = text.lower().replace("ё", "е")
    return _NON_WORD.sub(" ", t).strip()


def fold_to_cyrillic_lower(word: str) -> str:
    """Latin twins inside a lowercase word that holds at least one Cyrillic letter -> Cyrillic."""
    if any("а" <= ch <= "я" or ch == "ё" for ch in word) and any("a" <= ch <= "z" for ch in word):
        return word.translate(LATIN_TO_CYRILLIC_LOWER)
    return word
