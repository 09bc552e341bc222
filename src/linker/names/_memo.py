"""What standardize found in a DataFrame, kept for the report: the names it parsed (reused by
`names._columns.display_names` while the name columns hold the same cells) and the registry lexicon its
full names were read with. Keyed by id of the DataFrame, dropped when the frame is."""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..columns import Mapping
from ._lexicon import NameLexicon

if TYPE_CHECKING:
    from ._columns import Coded


# the registry lexicon each side's full names were read with, by id of the DataFrame (weak reference, lexicon)
_LEXICONS: dict[int, tuple] = {}


def read_with(df: pd.DataFrame, lexicon: NameLexicon | None) -> None:
    """Record that ``df``'s full names are read with ``lexicon`` (None: by the rules alone), so that
    `display_names` shows them as the match read them (Spark standardizes in its workers)."""
    key = id(df)
    if lexicon is None:
        _LEXICONS.pop(key, None)
        return
    try:
        ref = weakref.ref(df, lambda _r, key=key: _LEXICONS.pop(key, None))
    except TypeError:
        return
    _LEXICONS[key] = (ref, lexicon)


def lexicon_of(df: pd.DataFrame) -> NameLexicon | None:
    entry = _LEXICONS.get(id(df))
    return entry[1] if entry is not None and entry[0]() is df else None


# names standardize parsed, by id of the DataFrame (dropped when it is): (weak reference, mapping, the name
# columns' cells then, (surname, first name, patronymic))
_NAMES: dict[int, tuple] = {}
_NAME_FIELDS = ("surname", "first_name", "patronymic", "full_name")


def _name_cells(df: pd.DataFrame, mapping: Mapping) -> list[np.ndarray] | None:
    cols = [mapping.get(f) for f in _NAME_FIELDS if mapping.get(f)]
    if not all(c in df.columns for c in cols):
        return None
    return [df[c].to_numpy(dtype=object) for c in cols]


def remember_names(df: pd.DataFrame, mapping: Mapping, names: tuple[Coded, Coded, Coded]) -> None:
    cells = _name_cells(df, mapping)
    if cells is None:
        return
    key = id(df)
    try:
        ref = weakref.ref(df, lambda _r, key=key: _NAMES.pop(key, None))
    except TypeError:
        return
    _NAMES[key] = (ref, mapping, [c.copy() for c in cells], names)


def recalled_names(df: pd.DataFrame, mapping: Mapping) -> tuple[Coded, Coded, Coded] | None:
    """The names `standardize` found in ``df``, if its name columns still hold the same cells."""
    entry = _NAMES.get(id(df))
    if entry is None or entry[0]() is not df or entry[1] != mapping:
        return None
    cells = _name_cells(df, mapping)
    if cells is None or len(cells) != len(entry[2]):
        return None
    for now, then in zip(cells, entry[2]):
        if len(now) != len(then) or not (now == then).all():
            return None
    return entry[3]
