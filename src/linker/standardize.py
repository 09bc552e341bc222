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
``cat``        category code; ``unit`` unit code; ``t_<name>`` generic text keys
``flags``      ``;``-joined row flags: ``empty_name``, ``invalid_date``, ``mixed_script``, ``layout_repaired``
=============  ==============================================================================
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

import numpy as np
import pandas as pd

from . import fields as F
from . import names as N
from .columns import Mapping, text_column


def map_unique(s: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply a scalar function once per distinct value and map the results back."""
    codes, uniques = pd.factorize(s.fillna("").astype(str), sort=False)
    if len(uniques) == 0:
        return pd.Series([], index=s.index, dtype=object)
    results = np.array([func(u) for u in uniques], dtype=object)
    return pd.Series(results[codes], index=s.index)


def map_unique_parts(s: pd.Series, func: Callable[[str], tuple], parts: int) -> list[pd.Series]:
    """Like `map_unique` for a function returning a tuple: one Series per tuple element."""
    codes, uniques = pd.factorize(s.fillna("").astype(str), sort=False)
    results = [func(u) for u in uniques]
    out = []
    for k in range(parts):
        arr = np.array([r[k] for r in results], dtype=object) if results else np.array([], dtype=object)
        out.append(pd.Series(arr[codes] if len(arr) else np.array([""] * len(s), dtype=object), index=s.index))
    return out


_CYR = re.compile(r"[А-Яа-яЁё]")
_LAT = re.compile(r"[A-Za-z]")
_INITIAL = re.compile(r"^\s*([^\W\d_])\s*\.?\s*$")


def _clean_name(text: str) -> tuple[str, bool, bool]:
    """Layout repair and look-alike folding; returns (text, mixed_script, layout_repaired)."""
    t = unicodedata.normalize("NFC", text).strip()   # "Z\u030c" and "Ž" are one letter
    if not t:
        return "", False, False
    mixed = any(_CYR.search(w) and _LAT.search(w) for w in t.split())
    fixed = N.repair_layout(t)
    repaired = fixed != t
    return N.fold_lookalikes(fixed), mixed, repaired


def _key_and_initial(part: str) -> tuple[str, bool]:
    """(name key, written as an initial only)."""
    m = _INITIAL.match(part)
    if m:
        return N.name_key(m.group(1))[:1], True
    return N.name_key(part), False


def _looks_swapped(pair: str) -> bool:
    """Surname and given-name cells the wrong way round: an initial, or a known given name, sits in the
    surname cell while the given-name cell holds something else."""
    surname, _sep, given = pair.rpartition("\x1f")
    if not surname or not given:
        return False
    s_init, g_init = bool(_INITIAL.match(surname)), bool(_INITIAL.match(given))
    if s_init or g_init:
        return s_init and not g_init
    known = N.known_given_keys()
    return N.name_key(surname) in known and N.name_key(given) not in known


def _split_given(text: str) -> tuple[str, str]:
    """A given-name cell that also holds the patronymic or initials ("Иван Иванович", "И.И.")."""
    t = text.strip()
    m = re.fullmatch(r"([^\W\d_])\.\s*([^\W\d_])\.?", t)
    if m:
        return m.group(1), m.group(2)
    parts = t.split()
    if len(parts) == 2:
        return parts[0], parts[1]
    return t, ""


def _names_frame(df: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """Raw surname, first_name, patronymic per row in the source spelling, plus row flags."""
    n = len(df)
    empty = pd.Series([""] * n, index=df.index, dtype=object)
    cols = {f: (df[mapping.get(f)] if mapping.get(f) else empty) for f in ("surname", "first_name", "patronymic")}
    flags_mixed = pd.Series(False, index=df.index)
    flags_layout = pd.Series(False, index=df.index)

    def cleaned(s: pd.Series) -> pd.Series:
        nonlocal flags_mixed, flags_layout
        text, mixed, repaired = map_unique_parts(s, _clean_name, 3)
        flags_mixed = flags_mixed | mixed.astype(bool)
        flags_layout = flags_layout | repaired.astype(bool)
        return text

    if mapping.get("full_name") and not mapping.get("surname"):
        full = cleaned(df[mapping.get("full_name")])
        sn, fn, pt = map_unique_parts(full, N.parse_full_name, 3)
        # parts given in separate columns too (rare) fill the gaps
        if mapping.get("first_name"):
            fn = fn.where(fn != "", cleaned(cols["first_name"]))
        if mapping.get("patronymic"):
            pt = pt.where(pt != "", cleaned(cols["patronymic"]))
    else:
        sn = cleaned(cols["surname"])
        fn = cleaned(cols["first_name"])
        pt = cleaned(cols["patronymic"])
        given, second = map_unique_parts(fn, _split_given, 2)
        has_two = (pt == "") & (second != "")
        fn = fn.where(~has_two, given)
        pt = pt.where(~has_two, second)
        # a given name typed into the surname column and a surname into the given-name column
        swap = map_unique(sn + "\x1f" + fn, _looks_swapped).astype(bool)
        sn, fn = sn.where(~swap, fn), fn.where(~swap, sn)
    return pd.DataFrame({"surname": sn, "first_name": fn, "patronymic": pt,
                         "mixed": flags_mixed, "layout": flags_layout}, index=df.index)


def standardize(df: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """The derived keys of one side (see the module docstring)."""
    idx = df.index
    n = len(df)
    names = _names_frame(df, mapping)
    out = pd.DataFrame(index=idx)
    # a surname split by a stray space or hyphen ("Журав-лев") keys as one word, as double surnames do
    sn = map_unique(names["surname"], lambda t: N.name_key(t).replace(" ", ""))
    out["sn"] = sn
    out["fn"], fn_is_init = map_unique_parts(names["first_name"], _key_and_initial, 2)
    out["fn"] = map_unique(out["fn"], lambda k: k.replace(" ", ""))   # "Rus-lan" is Ruslan
    out["pt"], pt_is_init = map_unique_parts(names["patronymic"], _key_and_initial, 2)
    out["fn_is_init"] = fn_is_init.astype(bool)
    out["pt_is_init"] = pt_is_init.astype(bool)
    out["fn_canon"] = map_unique(out["fn"], lambda k: N.canonical_given(k) if len(k) > 1 else k)
    out["sn_stem"] = map_unique(out["sn"], N.surname_stem)
    out["sn_phon"] = map_unique(out["sn_stem"], N.phonetic)
    out["fn_phon"] = map_unique(out["fn_canon"], N.phonetic)
    for col in ("fn", "pt", "sn"):
        out[f"{col}_init"] = map_unique(out[col], lambda k: k[:1])

    if mapping.get("birth_date"):
        d = F.parse_dates(df[mapping.get("birth_date")])
        out["by"] = d["year"].astype(np.int16).to_numpy()
        out["bm"] = d["month"].astype(np.int16).to_numpy()
        out["bd"] = d["day"].astype(np.int16).to_numpy()
        invalid = d["invalid"].to_numpy(bool)
    else:
        out["by"] = out["bm"] = out["bd"] = np.zeros(n, np.int16)
        invalid = np.zeros(n, bool)
    if mapping.get("personal_number"):
        raw_pn = df[mapping.get("personal_number")]
        out["pnum"] = F.normalize_personal_number(raw_pn).to_numpy(object)
        text = raw_pn.fillna("").astype(str).str.normalize("NFC")
        digits = text.str.replace(r"\D", "", regex=True)
        letters = map_unique(text.str.replace(r"[\W\d_]", "", regex=True), lambda t: N.name_key(t).replace(" ", ""))
        out["pnum_t"] = np.where(digits != "", (letters + digits).to_numpy(object), "")
        out["pnum_d"] = digits.to_numpy(object)
    else:
        out["pnum"] = out["pnum_t"] = out["pnum_d"] = np.array([""] * n, dtype=object)
    out["rank"] = (F.rank_ordinal(df[mapping.get("rank")]).to_numpy(np.int8)
                   if mapping.get("rank") else np.full(n, -1, np.int8))
    out["cat"] = (F.category_code(df[mapping.get("category")]).to_numpy(object)
                  if mapping.get("category") else np.array([""] * n, dtype=object))
    out["unit"] = (F.unit_code(df[mapping.get("unit")]).to_numpy(object)
                   if mapping.get("unit") else np.array([""] * n, dtype=object))
    for i, name in enumerate(mapping.text):
        out[f"t_{i}"] = F.normalize_text(df[text_column(mapping, name)]).to_numpy(object)

    flags = np.full(n, "", dtype=object)

    def add(mask: np.ndarray, flag: str) -> None:
        nonlocal flags
        flags = np.where(mask, np.where(flags == "", flag, flags + ";" + flag), flags)

    add((out["sn"].to_numpy(object) == "") & (out["fn"].to_numpy(object) == ""), "empty_name")
    add(invalid, "invalid_date")
    add(names["mixed"].to_numpy(bool), "mixed_script")
    add(names["layout"].to_numpy(bool), "layout_repaired")
    out["flags"] = flags
    return out


def display_names(df: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """Surname, first name, patronymic as a reader would write them (parsed from a full name if needed)."""
    names = _names_frame(df, mapping)
    return names[["surname", "first_name", "patronymic"]]
