"""Latin/Cyrillic look-alike letters unified inside a word."""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["fold_lookalikes", "is_cyrillic", "is_latin"]

# Cyrillic letter -> its Latin twin (same glyph in common fonts), both cases.
_CYR_TO_LAT = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j",
    "ѕ": "s", "к": "k", "м": "m", "т": "t", "в": "b", "н": "h",
}
# Latin letter -> its Cyrillic twin.  Lowercase k m t b h are only loosely alike (OCR, handwriting),
# so they are used in the Latin -> Cyrillic direction only.
_LAT_TO_CYR = {
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С",
    "T": "Т", "X": "Х", "Y": "У", "I": "І",
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к", "m": "м",
    "t": "т", "b": "в", "h": "н", "u": "и", "n": "п", "r": "г",
}
_TO_LAT = str.maketrans({k: v for k, v in _CYR_TO_LAT.items() if k not in "кмтвн"})
_TO_CYR = str.maketrans({k: v for k, v in _LAT_TO_CYR.items() if k not in "unr"})
_TWINS_CYR = frozenset(_CYR_TO_LAT)
_TWINS_LAT = frozenset(_LAT_TO_CYR) - frozenset("unr")
_WORD = re.compile(r"\w+")


def _is_cyr(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_lat(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f")


def is_cyrillic(text: str) -> bool:
    """True when the letters of text are mostly Cyrillic."""
    c = sum(_is_cyr(ch) for ch in text)
    return c > 0 and c >= sum(_is_lat(ch) for ch in text)


def is_latin(text: str) -> bool:
    """True when text has Latin letters and no Cyrillic ones."""
    return any(_is_lat(ch) for ch in text) and not any(_is_cyr(ch) for ch in text)


def _fold_word(m: re.Match[str]) -> str:
    w = m.group(0)
    cyr = lat = 0
    cyr_strict = lat_strict = 0
    for ch in w:
        if _is_cyr(ch):
            cyr += 1
            cyr_strict += ch not in _TWINS_CYR
        elif _is_lat(ch):
            lat += 1
            lat_strict += ch not in _TWINS_LAT
    if not cyr or not lat:
        return w
    # Letters that exist in one script only decide; twins decide only when nothing else does.
    if cyr_strict > lat_strict or (cyr_strict == lat_strict and cyr >= lat):
        return w.translate(_TO_CYR)
    return w.translate(_TO_LAT)


@lru_cache(maxsize=1 << 16)
def fold_lookalikes(text: str) -> str:
    """Unify Latin/Cyrillic twin letters of each word to the word's majority script.

    ``"Ивaнов"`` (Latin a) -> ``"Иванов"``; ``"Ivаnоv"`` (Cyrillic а о) -> ``"Ivanov"``;
    ``"АВ-123456"`` with Latin A and B -> all Cyrillic when Cyrillic letters are the majority.  Words in one
    script are returned unchanged; a letter without a twin in the other script is left as it is.
    """
    if not text:
        return ""
    return _WORD.sub(_fold_word, text)
