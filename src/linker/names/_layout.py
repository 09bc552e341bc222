"""Text typed on the wrong keyboard layout (Russian ЙЦУКЕН <-> Latin QWERTY) detected and repaired.

A word is swapped to the other layout only when its letter pairs are implausible in its own script
(as a Russian name, or as a Latin transliteration of one) and the swapped word is plausible in the other
one, and never a Latin word that is a placeholder or a name of the US census name files as written.  Both letter-pair models are trained at import on the shipped name lists: Cyrillic names, and their
transliterations in the common schemes.  The margin is wide on purpose: a false repair destroys a good
name, a missed one only leaves a bad name bad.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from ._given import _rows, english_names, is_placeholder
from ._key import _CYR_BASE

__all__ = ["repair_layout", "layout_scores"]

_LAT_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~"
_CYR_KEYS = "йцукенгшщзхъфывапролджэячсмитьбюёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ"
_LAT2CYR = str.maketrans(_LAT_KEYS, _CYR_KEYS)
_CYR2LAT = str.maketrans(_CYR_KEYS, _LAT_KEYS)
_LAT_SET = frozenset(_LAT_KEYS)
_CYR_SET = frozenset(_CYR_KEYS)
_PUNCT_KEYS = frozenset("[]{};:\",.<>~")  # not ' and ` : GOST 7.79 and MVD use them
_WORD = re.compile(r"\S+")

# Margin (mean log-probability per letter pair) the swapped word must win by, and the least plausibility
# it must have; chosen on the shipped name lists (see tests/test_names_layout.py for the measured rates).
MARGIN = 1.5
FLOOR = -3.4

_VARIANTS = {  # letters whose transliteration differs between the common schemes
    "й": ("i", "y", "j"), "ю": ("iu", "yu", "ju"), "я": ("ia", "ya", "ja"), "ё": ("e", "yo", "e"),
    "х": ("kh", "kh", "h"), "ц": ("ts", "ts", "c"), "ы": ("y", "y", "y"), "ж": ("zh", "zh", "j"),
    "ь": ("", "'", ""), "щ": ("shch", "shch", "sch"),
}


def _translits(word: str) -> list[str]:
    out = []
    for style in range(3):
        out.append("".join(_VARIANTS[c][style] if c in _VARIANTS else _CYR_BASE.get(c, c) for c in word))
    return out


class _Bigrams:
    def __init__(self, words: list[str]) -> None:
        pairs: Counter[str] = Counter()
        firsts: Counter[str] = Counter()
        alphabet: set[str] = set()
        for w in words:
            s = f"^{w}$"
            alphabet.update(s)
            for a, b in zip(s, s[1:]):
                pairs[a + b] += 1
                firsts[a] += 1
        v = len(alphabet) + 40  # room for unseen characters
        self._lp = {ab: math.log((n + 0.1) / (firsts[ab[0]] + 0.1 * v)) for ab, n in pairs.items()}
        self._unseen = {a: math.log(0.1 / (n + 0.1 * v)) for a, n in firsts.items()}
        self._never = math.log(0.1 / (0.1 * v * 50))

    def score(self, word: str) -> float:
        """Mean log-probability per letter pair of a lowercase word with its boundaries."""
        s = f"^{word}$"
        total = 0.0
        for a, b in zip(s, s[1:]):
            lp = self._lp.get(a + b)
            total += lp if lp is not None else self._unseen.get(a, self._never)
        return total / (len(s) - 1)


def _patronymics(male: list[str]) -> list[str]:
    out = []
    for n in male:
        if n.endswith(("й", "ь")):
            out += [n[:-1] + "евич", n[:-1] + "евна"]
        elif n[-1] not in "ая":
            out += [n + "ович", n + "овна"]
    return out


@lru_cache(maxsize=1)
def _models() -> tuple[_Bigrams, _Bigrams]:
    given = [r[0].lower() for r in _rows("given_names.csv")]
    male = [r[0].lower() for r in _rows("given_names.csv") if r[1] == "m"]
    surnames = [r[0].lower() for r in _rows("surnames.csv")]
    fem = [s + "а" for s in surnames if s.endswith(("ов", "ев", "ёв", "ин"))]
    fem += [s[:-2] + "ая" for s in surnames if s.endswith("ий")]
    cyr = given + surnames + fem + _patronymics(male)
    latin = [t for w in cyr for t in _translits(w)]
    latin += [r[0].lower() for r in _rows("diminutives.csv") if r[0].isascii()]
    return _Bigrams(cyr), _Bigrams(latin)


def layout_scores(word: str) -> tuple[float, float]:
    """(plausibility of word as typed, plausibility of its layout swap), each a mean log-probability per
    letter pair in the script of that form."""
    cyr_model, lat_model = _models()
    low = word.lower()
    if all(c in _CYR_SET for c in word):
        return cyr_model.score(low), lat_model.score(word.translate(_CYR2LAT).lower())
    return lat_model.score(low), cyr_model.score(word.translate(_LAT2CYR).lower())


@lru_cache(maxsize=1 << 17)
def _repair_word(word: str) -> str:
    """The word swapped to the other layout, or the word itself.  Trailing ".,;:" may be punctuation
    or the keys of б ю ж э: the word without them is tried first, then the whole word."""
    core = word.rstrip(".,;:")
    if core and core != word:
        fixed = _swap_if_plausible(core)
        if fixed != core:
            return fixed + word[len(core):]
    return _swap_if_plausible(word)


_INITIALS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]?")


def _swap_if_plausible(word: str) -> str:
    if len(word) < 3 or _INITIALS.fullmatch(word):
        return word     # initials ("N.R."): the dots are dots, not the keys of ю and б
    if all(c in _CYR_SET for c in word):
        swapped = word.translate(_CYR2LAT)
        if not all(c.isalpha() or c in "-'" for c in swapped.rstrip(".,")):
            return word
    elif all(c in _LAT_SET or c == "-" for c in word):
        swapped = word.translate(_LAT2CYR)
    else:
        return word
    letters = [c for c in word if c.isalpha()]
    if letters and not (all(c.isupper() for c in letters) or all(c.islower() for c in letters[1:])):
        return word  # mixed case inside the word: not a name typed on a wrong layout
    own, other = layout_scores(word)
    inner_punct = any(c in _PUNCT_KEYS for c in word.rstrip(".,"))
    margin = MARGIN - (1.0 if inner_punct else 0.0)
    if other > FLOOR and other - own > margin and not _latin_as_written(word, swapped):
        return swapped
    return word


def _latin_as_written(word: str, swapped: str) -> bool:
    """A Latin word that is right as typed although its letter pairs are rare in Russian names: a
    placeholder (NFN, "no first name", is not ТАТ) or a name of the US census files (Huff, Leahy, Huynh)."""
    if word.isascii() is False or swapped == word:
        return False
    return is_placeholder(word, given=True) or word.lower() in english_names()


@lru_cache(maxsize=1 << 16)
def repair_layout(text: str) -> str:
    """Repair the words of text typed on the wrong keyboard layout.

    ``repair_layout("Bdfyjd Cthutq") == "Иванов Сергей"``; ``repair_layout("Шмфтщм") == "Ivanov"``;
    genuine transliterations (``"Ivanov"``, ``"Sergey"``) and Cyrillic names are returned unchanged.
    Each whitespace-separated word is judged on its own; words shorter than three characters are kept.
    """
    if not text or not isinstance(text, str):
        return "" if not isinstance(text, str) else text
    return _WORD.sub(lambda m: _repair_word(m.group(0)), text)
