"""Standardizers of the non-name fields: dates, personal numbers, ranks, categories, units, sex, free text.

Every public function takes a pandas Series of text (missing = ``""``, ``None`` or ``NaN``), works once per
distinct value (see :mod:`linker.fields.common`) and returns a result with the input's index. Each has a
scalar twin (``parse_date_text``, ``personal_number_key``, ``rank_of``, ``category_of``, ``unit_of``,
``sex_of``, ``text_key``) that says what one value becomes; the Series functions are exactly the scalar mapped.

Dates live in :mod:`linker.fields.dates`, ranks in :mod:`linker.fields.ranks`; both are re-exported here.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from linker.fields.common import (
    LATIN_TO_CYRILLIC_UPPER,
    map_unique_series,
    squeeze,
    text_key,
)
from linker.fields.dates import parse_date_text, parse_dates
from linker.fields.ranks import RANKS, rank_of, rank_ordinal

__all__ = [
    "CATEGORY_COMPATIBLE", "RANKS", "category_code", "category_of", "normalize_personal_number",
    "normalize_text", "parse_date_text", "parse_dates", "personal_number_key", "rank_of",
    "rank_ordinal", "sex_code", "sex_of", "text_key", "unit_code", "unit_of",
]

# ---------------------------------------------------------------- personal numbers

_SEPARATORS = re.compile(r"[\W_]+")
# a letter position may hold a Cyrillic capital, a Latin twin, or an OCR digit twin of a letter
_TO_LETTER = str.maketrans({"0": "О", "3": "З", "6": "Б", **{
    lat: cyr for lat, cyr in zip("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")}})
# a digit position may hold an OCR letter twin of a digit
_TO_DIGIT = str.maketrans({"О": "0", "O": "0", "З": "3", "Б": "6"})
_CYR_UPPER = re.compile(r"[А-ЯЁ]{1,2}")
_SIX_DIGITS = re.compile(r"[0-9]{6}")
_REAL_LETTER = re.compile(r"[A-ZА-ЯЁ]")


def _personal_number(prefix: str, digits: str, *, split: bool) -> str | None:
    """``prefix`` + ``digits`` as a personal number (letters + six digits), or None if it is not one.

    The prefix must hold at least one real letter, or have been set apart by a separator: ``06-123456``
    reads as ``ОБ123456``, but ``06123456`` stays a number.
    """
    if not 1 <= len(prefix) <= 2 or len(digits) != 6:
        return None
    if not (split or _REAL_LETTER.search(prefix)):
        return None
    letters = prefix.translate(_TO_LETTER)
    number = digits.translate(_TO_DIGIT)
    if _CYR_UPPER.fullmatch(letters) and _SIX_DIGITS.fullmatch(number):
        return letters + number
    return None


def personal_number_key(text: str) -> str:
    """One personal number -> ``АБ123456`` form (Cyrillic capitals + six digits), else the text in capitals
    with separators removed. The scalar behind :func:`normalize_personal_number`.

    Letter positions come first, then six digits: Latin twins (``A B E K M H O P C T X Y``) become
    Cyrillic, and the OCR twins ``0``/``О``, ``3``/``З``, ``6``/``Б`` are read as a letter in a letter
    position and as a digit in a digit position.
    """
    upper = text.upper()
    parts = [p for p in _SEPARATORS.split(upper) if p]
    compact = "".join(parts)
    if len(parts) == 2:
        found = _personal_number(parts[0], parts[1], split=True)
        if found:
            return found
    for cut in (1, 2):
        found = _personal_number(compact[:cut], compact[cut:], split=False)
        if found:
            return found
    return compact


def normalize_personal_number(s: pd.Series) -> pd.Series:
    """Personal numbers ``АБ-123456``, ``АБ 123456``, ``аб123456``, ``AB-123456`` -> ``АБ123456``.

    Other identifiers -> upper case with separators removed; missing -> ``""``.
    """
    text = s.fillna("").astype(str)
    out = pd.Series([""] * len(text), index=text.index, dtype=object)
    # fast path for the common shape (letters, a separator or none, six digits): the letters decide the
    # result, and a registry holds few distinct letter pairs among a million numbers
    parts = text.str.extract(_COMMON_SHAPE)
    common = parts[0].notna().to_numpy()
    if common.any():
        prefix = parts.loc[common, 0]
        letters = map_unique_series(prefix, lambda p: personal_number_key(p + "-000000"))
        good = (letters.str.endswith("000000") & (letters.str.len() == prefix.str.len() + 6)).to_numpy()
        idx = text.index[common][good]
        out.loc[idx] = (letters[good].str[:-6] + parts.loc[idx, 1]).to_numpy(object)
        common[np.flatnonzero(common)[~good]] = False
    if (~common).any():
        out.loc[text.index[~common]] = map_unique_series(text[~common], personal_number_key).to_numpy(object)
    return out


_COMMON_SHAPE = re.compile(r"^\s*([^\W\d_]{1,2})[\s\-–.]*([0-9]{6})\s*$")


# ---------------------------------------------------------------- service category

#: Pairs of categories the comparison layer treats as a partial agreement (see :func:`category_code`).
CATEGORY_COMPATIBLE: frozenset[frozenset[str]] = frozenset({frozenset({"contract", "mobilized"})})

_CATEGORY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mobilized", re.compile(r"моби|(?<!\w)моб(?!\w)|mobili[sz]|mobilizov|(?<![a-z])mob(?![a-z])")),
    ("conscript", re.compile(r"призыв|срочн|conscri|srochn|prizyv|draftee|(?<!\w)draft(?!\w)")),
    ("contract", re.compile(
        r"контракт|(?<!\w)контр(?!\w)|(?<!\w)к\s*/\s*с(?!\w)|^к\.?\s*с\.?$|contract|kontrakt")),
)


def category_of(text: str) -> str:
    """One category text -> ``contract`` / ``mobilized`` / ``conscript``, other text lowercased and
    trimmed, ``""`` when empty. The scalar behind :func:`category_code`."""
    t = squeeze(text.lower().replace("ё", "е"))
    if not t:
        return ""
    for code, pattern in _CATEGORY_RULES:
        if pattern.search(t):
            return code
    return t


def category_code(s: pd.Series) -> pd.Series:
    """Service categories -> ``contract`` / ``mobilized`` / ``conscript``; other non-empty text lowercase
    and trimmed; missing ``""``.

    Recognized: по контракту, контрактник, контрактная служба, к/с, кс, contract, kontrakt...;
    мобилизованный, моб., мобилизован, по мобилизации, mobilized, mobilised, mobilizovannyy; по призыву,
    срочник, срочная служба, призывник, conscript, srochnik. Mobilized is checked first: "призван по
    мобилизации" is mobilized.

    Mobilized soldiers have the legal status of contract servicemen, so a registry may file a mobilized
    soldier as ``contract`` (DOMAIN.md). The comparison layer should treat a pair in
    :data:`CATEGORY_COMPATIBLE` (contract vs mobilized) as a partial agreement, not a disagreement.
    """
    return map_unique_series(s, category_of)


# ---------------------------------------------------------------- military unit

_UNIT_PREFIX = (
    r"(?:в\s*/\s*ч|в\.\s*ч|вч|войсков(?:ая|ой|ую)\s+част(?:ь|и)|military\s+unit|mil\.?\s*unit|unit"
    r"|v\s*/\s*ch|v\.\s*ch|vch)"
)
_UNIT_NUMBER = r"(\d{3,6})(?:\s*[-‐–]\s*|)([a-zа-яё])?"
_UNIT_WITH_PREFIX = re.compile(
    r"(?<![\w])" + _UNIT_PREFIX + r"\.?\s*(?:№|n|no\.?|#)?\s*" + _UNIT_NUMBER + r"(?![\w])"
)
_UNIT_BARE = re.compile(r"(?:№|#)?\s*" + _UNIT_NUMBER + r"\.?")
_LATIN_LETTER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "АБЦДЕФГХИЙКЛМНОПКРСТУВВКЫЗ")


def _unit_suffix(letter: str | None) -> str:
    if not letter:
        return ""
    up = letter.upper()
    if "A" <= up <= "Z":  # twins first (A B E K M H O P C T X Y), then a transliteration
        twin = up.translate(LATIN_TO_CYRILLIC_UPPER)
        return twin if twin != up else letter.translate(_LATIN_LETTER)
    return up.replace("Ё", "Е")


def unit_of(text: str) -> str:
    """One unit text -> its number (+ an uppercase Cyrillic letter suffix), else lowercase squeezed text.

    The scalar behind :func:`unit_code`.
    """
    t = squeeze(text.lower())
    if not t:
        return ""
    m = _UNIT_WITH_PREFIX.search(t) or _UNIT_BARE.fullmatch(t)
    if m:
        return m.group(1) + _unit_suffix(m.group(2))
    return t.replace("ё", "е")


def unit_code(s: pd.Series) -> pd.Series:
    """Units ``в/ч 12345``, ``в/ч12345-А``, ``войсковая часть 12345``, ``military unit 12345``,
    ``v/ch 12345``, ``12345`` -> ``12345`` (a letter suffix kept as an uppercase Cyrillic letter:
    ``12345А``; Latin twin letters become their Cyrillic twin, other Latin letters a transliteration).
    Other text -> lowercase, whitespace squeezed; missing ``""``.
    """
    return map_unique_series(s, unit_of)


# ---------------------------------------------------------------- sex

_SEX = {
    "m": "m", "male": "m", "man": "m", "masculine": "m", "м": "m", "муж": "m", "мужской": "m", "мужчина": "m",
    "f": "f", "female": "f", "woman": "f", "feminine": "f", "ж": "f", "жен": "f", "женский": "f", "женщина": "f",
}


def sex_of(text: str) -> str:
    """One sex text -> ``m`` / ``f``; anything else (blank, U, X, unknown, 1/2 whose meaning varies) -> ``""``.
    The scalar behind :func:`sex_code`."""
    t = squeeze(text.lower().replace(".", " ")).strip()
    return _SEX.get(t, "")


def sex_code(s: pd.Series) -> pd.Series:
    """Sex ``M``/``F``, ``Male``/``Female``, ``м``/``ж``, ``муж.``/``жен.``, ``мужской``/``женский`` -> ``m`` /
    ``f``; other values and missing -> ``""`` (no evidence)."""
    return map_unique_series(s, sex_of)


# ---------------------------------------------------------------- generic text


def normalize_text(s: pd.Series) -> pd.Series:
    """Generic compare key: lowercase, ``ё`` -> ``е``, punctuation to space, whitespace squeezed, stripped."""
    return map_unique_series(s, text_key)
