"""Standardize one side's mapped columns into the derived keys that blocking and comparison use.

Output columns (one row per input row, same index):

=============  ==============================================================================
``sn``         surname key (one folded Latin key whatever the script or scheme); ``""`` missing
``fn``/``pt``  given-name / patronymic key; a lone initial is kept as its one-letter key
``fn_canon``   given-name key with diminutives and press forms resolved to the full name
``sn_stem``    surname key with gendered endings folded (Иванова = Иванов)
``sn_phon``    coarse phonetic code of the surname, for blocking
``fn_init``    first letter of the given-name key; ``pt_init`` the same for the patronymic
``fn_is_init`` the given name was written as an initial only (``pt_is_init`` likewise)
``by bm bd``   birth year, month, day (int16, 0 = unknown)
``pnum``       personal number, separators and look-alikes folded
``pnum_t``     personal number with its letters transliteration-keyed (УБ-208014 = UB208014)
``pnum_d``     the digits of the personal number
``rank``       rank ordinal on the ladder (int8, -1 unknown)
``cat``        category code; ``unit`` unit code; ``sex`` m / f / ""; ``t_<name>`` generic text keys
``flags``      ``;``-joined row flags: ``empty_name``, ``invalid_date``, ``mixed_script``, ``layout_repaired``
=============  ==============================================================================

How it is computed (the name columns in `linker.names._columns`): every column is factorized once and
each scalar function (name keys, stems, phonetic codes, layout repair, ...) runs once per distinct value;
the results travel as integer codes into a small array of values (`Coded`) and are expanded to rows only
at the end.  A full name is split at its spaces
and the expensive word functions run once per distinct word; names are then grouped by the shape of their
words (kind and capitals, `names._parse._plan`) and assembled by vectorized string joins.  Personal
numbers of the common shape (``АБ-123456``) are split and joined by pyarrow.  Whatever falls outside these
fast paths (commas, odd whitespace, non-NFC text, unusual numbers, non-string cells) goes through the
scalar functions, so the result is exactly theirs.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from . import fields as F
from . import names as N
from .columns import Mapping, text_column
from .names._columns import ParsedNames, _objects, display_names, name_keys
from .names._lexicon import NameLexicon

__all__ = ["standardize", "standardize_names", "display_names", "map_unique", "registry_lexicon", "ParsedNames"]


def map_unique(s: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply a scalar function once per distinct value and map the results back."""
    codes, uniques = pd.factorize(s.fillna("").astype(str), sort=False)
    if len(uniques) == 0:
        return pd.Series([], index=s.index, dtype=object)
    results = np.array([func(u) for u in uniques], dtype=object)
    return pd.Series(results[codes], index=s.index)


# ------------------------------------------------------------------ personal numbers

# the common shape: one or two Cyrillic capitals, an optional hyphen, dash, dot or space, six digits (RE2 and
# Python agree on it); normalize_personal_number reads it as the prefix's letters + the digits
_PNUM_COMMON = r"^(?P<letters>[А-ЯЁ]{1,2})[ \-–.]?(?P<digits>[0-9]{6})$"


def _personal_numbers_scalar(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pnum, pnum_t, pnum_d) of any column, value by value."""
    pnum = F.normalize_personal_number(s).to_numpy(object)
    text = s.fillna("").astype(str).str.normalize("NFC")
    digits = text.str.replace(r"\D", "", regex=True)
    letters = map_unique(text.str.replace(r"[\W\d_]", "", regex=True), lambda t: N.name_key(t).replace(" ", ""))
    pnum_t = np.where(digits != "", (letters + digits).to_numpy(object), "")
    return pnum, pnum_t, digits.to_numpy(object)


def _personal_numbers(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pnum, pnum_t, pnum_d): `F.normalize_personal_number`; the letters transliteration-keyed followed by
    the digits (``""`` without digits); the digits.  Numbers of the common shape are split by pyarrow and
    their letters keyed once per distinct prefix; the rest go through `_personal_numbers_scalar`."""
    values = s.to_numpy(dtype=object)
    if not len(s) or not (s.dtype == object and pd.api.types.infer_dtype(values, skipna=False) == "string"):
        return _personal_numbers_scalar(s)
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(values, type=pa.string())
    except (UnicodeError, pa.ArrowException):  # a lone surrogate has no UTF-8: the scalar path copes
        return _personal_numbers_scalar(s)
    parts = pc.extract_regex(text, _PNUM_COMMON)
    common = parts.is_valid().to_numpy(zero_copy_only=False)
    blank = pc.equal(text, "").to_numpy(zero_copy_only=False)   # missing: "" in all three
    pnum = np.full(len(s), "", dtype=object)
    pnum_t = pnum.copy()
    pnum_d = pnum.copy()
    if common.any():
        parts = parts.filter(pa.array(common))
        prefix = parts.field("letters").dictionary_encode()
        letters = prefix.dictionary.to_pylist()
        digits = parts.field("digits").to_numpy(zero_copy_only=False)
        at = prefix.indices.to_numpy()
        rows = np.flatnonzero(common)
        keyed = [F.personal_number_key(p + "-000000") for p in letters]
        good = np.array([k.endswith("000000") and len(k) == len(p) + 6 for k, p in zip(keyed, letters)], bool)
        if not good.all():  # (a prefix normalize_personal_number does not read as letters: never seen)
            ok = good[at]
            common[rows[~ok]] = False
            rows, at, digits = rows[ok], at[ok], digits[ok]
        head = _objects([k[:-6] for k in keyed])
        translit = _objects([N.name_key(p).replace(" ", "") for p in letters])
        if len(rows) == len(s):
            pnum, pnum_t, pnum_d = head[at] + digits, translit[at] + digits, digits
        else:
            pnum[rows] = head[at] + digits
            pnum_t[rows] = translit[at] + digits
            pnum_d[rows] = digits
    if not (common | blank).all():
        rest = np.flatnonzero(~(common | blank))
        a, b, c = _personal_numbers_scalar(s.iloc[rest])
        pnum[rest], pnum_t[rest], pnum_d[rest] = a, b, c
    return pnum, pnum_t, pnum_d


# ------------------------------------------------------------------ the table

_FLAGS = ("empty_name", "invalid_date", "mixed_script", "layout_repaired")
_FLAG_TEXT = _objects([";".join(f for k, f in enumerate(_FLAGS) if bits >> k & 1) for bits in range(16)])


def standardize(df: pd.DataFrame, mapping: Mapping, lexicon: NameLexicon | None = None) -> pd.DataFrame:
    """The derived keys of one side (see the module docstring). A list's full-name cells are read with the
    registry's ``lexicon`` when given (`registry_lexicon`): which of their words the registry holds as
    surnames, given names and patronymics."""
    return standardize_names(df, mapping, lexicon)[0]


def standardize_names(df: pd.DataFrame, mapping: Mapping, lexicon: NameLexicon | None = None
                      ) -> tuple[pd.DataFrame, ParsedNames]:
    """`standardize`, and the names it parsed from the name cells (what `display_names` shows of each row)."""
    idx = df.index
    n = len(df)
    data, mixed, layout, parsed = name_keys(df, mapping, lexicon)
    sn, fn = data["sn"], data["fn"]

    if mapping.get("birth_date"):
        d = F.parse_dates(df[mapping.get("birth_date")], order=mapping.date_order)
        for part, name in (("year", "by"), ("month", "bm"), ("day", "bd")):
            data[name] = d[part].astype(np.int16).to_numpy()
        invalid = d["invalid"].to_numpy(bool)
    else:
        data["by"], data["bm"], data["bd"] = (np.zeros(n, np.int16) for _ in range(3))
        invalid = np.zeros(n, bool)
    if mapping.get("personal_number"):
        data["pnum"], data["pnum_t"], data["pnum_d"] = _personal_numbers(df[mapping.get("personal_number")])
    else:
        data["pnum"], data["pnum_t"], data["pnum_d"] = (np.array([""] * n, dtype=object) for _ in range(3))
    data["rank"] = (F.rank_ordinal(df[mapping.get("rank")]).to_numpy(np.int8)
                    if mapping.get("rank") else np.full(n, -1, np.int8))
    data["cat"] = (F.category_code(df[mapping.get("category")]).to_numpy(object)
                   if mapping.get("category") else np.array([""] * n, dtype=object))
    data["unit"] = (F.unit_code(df[mapping.get("unit")]).to_numpy(object)
                    if mapping.get("unit") else np.array([""] * n, dtype=object))
    data["sex"] = (F.sex_code(df[mapping.get("sex")]).to_numpy(object)
                   if mapping.get("sex") else np.array([""] * n, dtype=object))
    for i, name in enumerate(mapping.text):
        data[f"t_{i}"] = _blank_placeholders(F.normalize_text(df[text_column(mapping, name)])).to_numpy(object)

    empty = (sn == "") & (fn == "")
    bits = empty.astype(np.int8) | invalid.astype(np.int8) << 1 | mixed.astype(np.int8) << 2 \
        | layout.astype(np.int8) << 3
    data["flags"] = _FLAG_TEXT[bits]
    # one block per column, as column-by-column assignment makes (no consolidating copy)
    out = pd.concat([pd.Series(v, index=idx, name=k, copy=False) for k, v in data.items()], axis=1, copy=False)
    out.attrs["text_names"] = {f"t_{i}": name for i, name in enumerate(mapping.text)}   # headers, for display
    return out, parsed


#: generic values that stand for "unknown" (after `fields.normalize_text`)
_PLACEHOLDERS = frozenset({"n a", "na", "none", "unknown", "null", "nil", "not known", "not available", "tbd",
                           "нет", "неизвестно", "не указан", "не указано", "не известно"})


def _is_placeholder(v: str) -> bool:
    """A placeholder in a generic column: a word for "unknown", or one character repeated (00000, xxx)."""
    letters = v.replace(" ", "")
    return v in _PLACEHOLDERS or (len(letters) >= 3 and len(set(letters)) == 1)


def _blank_placeholders(s: pd.Series) -> pd.Series:
    """Placeholders of a generic column made missing: two records with zip 00000 share no evidence."""
    uniq = pd.unique(s.to_numpy(object))
    bad = [v for v in uniq if _is_placeholder(v)]
    return s.where(~s.isin(bad), "") if bad else s


def registry_lexicon(std: pd.DataFrame, mapping: Mapping, list_mapping: Mapping) -> NameLexicon | None:
    """The name lexicon of a standardized registry for reading a list's full-name cells, or None when the
    list gives its names in separate columns or the registry gives its own in one cell (its parts were
    placed by the rules, and would only teach the rules back)."""
    if not list_mapping.get("full_name") or list_mapping.get("surname"):
        return None
    if not mapping.get("surname") or not (mapping.get("first_name") or mapping.get("patronymic")):
        return None
    return NameLexicon.of(std)
