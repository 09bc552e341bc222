"""String damage for synthetic lists (linker.synthetic.ru): typos, OCR, look-alikes, keyboard layout, ranks,
categories, dates, transliteration. Per-string functions take a ``random.Random`` so that the caller
controls determinism; they run only over the damaged entries or over unique strings.
"""
from __future__ import annotations

import random

import iuliia
import numpy as np
import pandas as pd

from linker.synthetic.names import int_str, map_unique, zpad

CYR_LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
LAT_LOWER = "abcdefghijklmnopqrstuvwxyz"

# ЙЦУКЕН -> QWERTY, the same physical key.
_LAYOUT = dict(zip("йцукенгшщзхъфывапролджэячсмитьбюё", "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"))
_LAYOUT.update({k.upper(): v.upper() for k, v in _LAYOUT.items() if v.isalpha()})
_LAYOUT.update({"Х": "{", "Ъ": "}", "Ж": ":", "Э": '"', "Б": "<", "Ю": ">", "Ё": "~", " ": " ", ".": "/"})

# OCR confusions of Cyrillic print.
_OCR = {
    "ш": "щ", "щ": "ш", "и": "нп", "н": "ип", "п": "ин", "л": "да", "д": "ла", "а": "л", "б": "6ь",
    "з": "3", "о": "0", "ь": "ъб", "ъ": "ь", "е": "ёє", "ё": "е", "к": "ж", "ж": "к",
    "Ш": "Щ", "Щ": "Ш", "И": "НП", "Н": "И", "П": "И", "Л": "Д", "Д": "Л", "Б": "6", "З": "3", "О": "0",
    "Е": "Ё", "К": "Ж",
}
# Cyrillic letters with a Latin twin of the same shape.
_TWINS = {"А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
          "Т": "T", "Х": "X", "У": "Y", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x"}

RANKS = ["рядовой", "ефрейтор", "младший сержант", "сержант", "старший сержант", "старшина", "прапорщик",
         "старший прапорщик", "младший лейтенант", "лейтенант", "старший лейтенант", "капитан", "майор",
         "подполковник", "полковник", "генерал-майор"]
# Promotion stays within soldiers/sergeants (0-5), warrant officers (6-7), officers (8-15).
_RANK_BAND_TOP = [5, 5, 5, 5, 5, 5, 7, 7, 15, 15, 15, 15, 15, 15, 15, 15]
RANK_ABBR = ["ряд.", "ефр.", "мл. с-т", "с-т", "ст. с-т", "ст-на", "пр-к", "ст. пр-к", "мл. л-т", "л-т",
             "ст. л-т", "к-н", "м-р", "п/п-к", "п-к", "г/м"]
RANK_EN = ["Private", "Corporal", "Junior Sergeant", "Sergeant", "Senior Sergeant", "Sergeant Major",
           "Warrant Officer", "Senior Warrant Officer", "Junior Lieutenant", "Lieutenant", "Senior Lieutenant",
           "Captain", "Major", "Lieutenant Colonel", "Colonel", "Major General"]
RANK_EN_ABBR = ["Pvt.", "Cpl.", "Jr. Sgt.", "Sgt.", "Sr. Sgt.", "Sgt. Maj.", "WO", "Sr. WO", "Jr. Lt.", "Lt.",
                "Sr. Lt.", "Capt.", "Maj.", "Lt. Col.", "Col.", "Maj. Gen."]
RANK_INDEX = {r: i for i, r in enumerate(RANKS)}

CATEGORIES = ["по контракту", "мобилизованный", "по призыву"]
CATEGORY_WORDINGS = {
    "по контракту": ["по контракту", "контрактник", "к/с", "контракт"],
    "мобилизованный": ["мобилизованный", "моб.", "мобилизован", "по мобилизации"],
    "по призыву": ["по призыву", "срочник", "срочная служба", "призыв"],
}
CATEGORY_EN = {
    "по контракту": ["contract", "contract soldier", "contractor", "po kontraktu"],
    "мобилизованный": ["mobilized", "mobilised", "mob.", "mobilizovannyi"],
    "по призыву": ["conscript", "conscription", "draftee", "po prizyvu"],
}
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]

SCHEMES = {
    "icao": iuliia.ICAO_DOC_9303, "gost52535": iuliia.GOST_52535, "mvd310": iuliia.MVD_310,
    "mvd310fr": iuliia.MVD_310_FR, "bgn": iuliia.BGN_PCGN, "wikipedia": iuliia.WIKIPEDIA,
    "gost779": iuliia.GOST_779_ALT, "scientific": iuliia.SCIENTIFIC,
}
# How often each scheme produced the Latin spelling of a list entry (passports and press dominate).
SCHEME_WEIGHTS = {"icao": 0.25, "gost52535": 0.1, "mvd310": 0.12, "mvd310fr": 0.03, "bgn": 0.15,
                  "wikipedia": 0.2, "gost779": 0.08, "scientific": 0.07}


def transliterate(values: np.ndarray, scheme: str) -> np.ndarray:
    """Cyrillic strings to Latin by an iuliia scheme, computed once per distinct string."""
    schema = SCHEMES[scheme]
    return map_unique(values, lambda s: schema.translate(s).translate(_YO_FIX) if s else "")


# iuliia's BGN/PCGN and scientific tables write the Latin ë with the Cyrillic letter ё (U+0451): fix it.
_YO_FIX = str.maketrans({"ё": "\u00eb", "Ё": "\u00cb"})


def layout(text: str) -> str:
    """Cyrillic text as typed with the keyboard left on the Latin layout (Иванов -> Bdfyjd)."""
    return "".join(_LAYOUT.get(c, c) for c in text)


def _letter_positions(word: str) -> list[int]:
    return [i for i, c in enumerate(word) if c.isalpha()]


def typo(word: str, rnd: random.Random, alphabet: str) -> str:
    """One typing error: a dropped, doubled, swapped (adjacent) or substituted letter."""
    pos = _letter_positions(word)
    if len(pos) < 2:
        return word
    i = rnd.choice(pos[1:]) if len(pos) > 2 else pos[-1]
    op = rnd.choice(("drop", "double", "swap", "sub"))
    if op == "drop":
        return word[:i] + word[i + 1:]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    if op == "swap" and i + 1 < len(word) and word[i + 1].isalpha() and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    c = rnd.choice([a for a in alphabet if a != word[i].lower()])
    return word[:i] + (c.upper() if word[i].isupper() else c) + word[i + 1:]


def ocr(word: str, rnd: random.Random) -> str:
    """One or two OCR confusions (ш/щ, и/н/п, л/д/а, б/6, з/3, о/0, ь/ъ/б, е/ё/є, к/ж)."""
    pos = [i for i, c in enumerate(word) if c in _OCR]
    if not pos:
        return word
    chars = list(word)
    for i in rnd.sample(pos, min(len(pos), rnd.choice((1, 1, 2)))):
        chars[i] = rnd.choice(_OCR[chars[i]])
    return "".join(chars)


def lookalike(word: str, rnd: random.Random) -> str:
    """One to three Cyrillic letters replaced by their Latin twins (С -> C, о -> o)."""
    pos = [i for i, c in enumerate(word) if c in _TWINS]
    if not pos:
        return word
    chars = list(word)
    for i in rnd.sample(pos, min(len(pos), rnd.choice((1, 2, 3)))):
        chars[i] = _TWINS[chars[i]]
    return "".join(chars)


def punct(text: str, rnd: random.Random) -> str:
    """Extra spaces, dots or hyphens (double spaces, a dot after a part, a hyphen or space inside a word)."""
    op = rnd.choice(("double_space", "dot", "hyphen", "inner_space", "edges"))
    words = text.split(" ")
    if op == "double_space" and len(words) > 1:
        return "  ".join(words)
    if op == "dot":
        k = rnd.randrange(len(words))
        words[k] = words[k] + "."
        return " ".join(words)
    if op in ("hyphen", "inner_space"):
        k = rnd.randrange(len(words))
        w = words[k]
        if len(w) > 3:
            i = rnd.randrange(2, len(w) - 1)
            words[k] = w[:i] + ("-" if op == "hyphen" else " ") + w[i:]
        return " ".join(words)
    return " " + text + " ."


def yo_swap(text: str, rnd: random.Random) -> str:
    """ё written as е (all of them), or, where the text has none, one е written as ё."""
    if "ё" in text or "Ё" in text:
        return text.replace("ё", "е").replace("Ё", "Е")
    pos = [i for i, c in enumerate(text) if c == "е"]
    if not pos:
        return text
    i = rnd.choice(pos)
    return text[:i] + "ё" + text[i + 1:]


def promote(rank: int, steps: int) -> int:
    """The rank ``steps`` higher, not leaving its band (a sergeant does not become an officer)."""
    return min(rank + steps, _RANK_BAND_TOP[rank]) if rank >= 0 else rank


def format_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray, fmt: np.ndarray) -> np.ndarray:
    """Dates as strings per row, by a format code per row (vectorized per code).

    Codes: dmy (DD.MM.YYYY), dmy_short (D.M.YY), iso, slash (DD/MM/YYYY), text_ru ("12 марта 1990 г."),
    text_en ("12 March 1990"), year (YYYY only).
    """
    n = len(year)
    out = np.full(n, "", dtype=object)
    y, m2, d2 = int_str(year), zpad(month, 2), zpad(day, 2)
    for code in pd.unique(fmt):
        s = fmt == code
        if code == "dmy":
            out[s] = d2[s] + "." + m2[s] + "." + y[s]
        elif code == "dmy_short":
            out[s] = int_str(day[s]) + "." + int_str(month[s]) + "." + zpad(year[s] % 100, 2)
        elif code == "iso":
            out[s] = y[s] + "-" + m2[s] + "-" + d2[s]
        elif code == "slash":
            out[s] = d2[s] + "/" + m2[s] + "/" + y[s]
        elif code == "text_ru":
            out[s] = (int_str(day[s]) + " " + np.array(MONTHS_RU, dtype=object)[month[s] - 1] + " " + y[s] + " г.")
        elif code == "text_en":
            out[s] = (int_str(day[s]) + " " + np.array(MONTHS_EN, dtype=object)[month[s] - 1] + " " + y[s])
        elif code == "year":
            out[s] = y[s]
        else:
            raise ValueError(f"unknown date format code {code!r}")
    return out
