"""One folded ASCII key per name token, whatever its script or transliteration scheme.

How it works
------------
1. A Cyrillic word goes straight to *phonemes* (the same as the Latin parse of its ICAO-like base Latin:
   zh kh ts ch sh shch, iu ia, no soft signs); a word mixing scripts goes through that base Latin.
2. A Latin word in any scheme is parsed into phonemes: the digraphs and look-alike
   spellings of every scheme (``shch/shh/sch/sc/chtch/šč/ŝ`` -> ш, ``kh/x/h`` -> х, ``ts/tc/cz/c`` -> ц,
   ``zh/ž/j`` -> ж, ``ch/č/tch/sh/š`` -> ш, French ``ou`` -> u, ``ch`` -> ш) become one
   placeholder each (ч is folded into ш: French ``ch`` = ш and English ``ch`` = ч cannot be told
   apart); ``y`` and ``j`` become ``i`` where they write й/ы or the iotation of ю я ё е.
   Context decides the ambiguous letters of one word (``j``: ж in Telegram/French, й in GOST 7.79 and
   the scientific scheme; ``x``: кс in press forms such as Alexei/Maxim, х elsewhere).
3. The phoneme string is folded: runs of ``i`` collapse, ``ie`` -> ``e`` (ye/je/ie/е after ь), ``io`` after
   a consonant -> ``e`` (ё written io: Fiodor; Cyrillic ио folds alike, Родионов = Rodionov),
   French ``gue/gui`` and final ``ine``, double letters collapse.
4. Placeholders are written back as ``zh kh ts sh``.

Folded away on purpose: ч = щ = ш; ы = й = и; ё = е = э; ь ъ; double letters; word-initial жа/жу =
я/ю and джа/джу = дя/дю; ж after a vowel before a consonant or о = й (Telegram writes ж as j where
GOST 7.79 and the scientific scheme write й).  The key is a blocking and comparison key, not a
transliteration for people to read.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ._script import fold_lookalikes

__all__ = ["name_key", "token_key"]

_CYR_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Ukrainian, Belarusian, Central Asian and Caucasian letters seen in Russian registries
    "і": "i", "ї": "i", "є": "e", "ґ": "g", "ў": "u", "ә": "a", "ө": "o", "ү": "u", "ұ": "u",
    "ң": "n", "ғ": "g", "қ": "k", "һ": "kh", "ҳ": "kh", "ҷ": "zh", "ӣ": "i", "ӯ": "u", "ӏ": "",
}
_CYR_TABLE = str.maketrans(_CYR_BASE)
_CYR_PHON = str.maketrans({
    **_CYR_BASE, "ж": "Ж", "х": "Х", "ц": "Ц", "ч": "Ш", "ш": "Ш", "щ": "Ш", "ы": "i", "һ": "Х",
    "ҳ": "Х", "ҷ": "Ж",
})

# Letters with diacritics whose plain base letter would lose the sound (scientific, GOST 16876,
# ALA-LC, BGN ë), and marks that carry no sound at all.
_LATIN_SPECIAL = {
    "ž": "zh", "č": "ch", "š": "sh", "ŝ": "shch", "û": "iu", "â": "ia", "ë": "e", "ĭ": "i",
    "ï": "i", "ö": "e", "ü": "u", "ß": "ss", "ø": "e", "æ": "e", "œ": "e", "ł": "l", "đ": "d",
    "'": "", "`": "", "ʹ": "", "ʺ": "", "’": "", "‘": "", "”": "", "“": "", '"': "", "·": "",
    "´": "", "ʼ": "", "ʻ": "", "\u0361": "", "\u0306": "", "\u0301": "", "\u0300": "",
}
_LATIN_TABLE = str.maketrans(_LATIN_SPECIAL)
_SCI_MARKS = frozenset("žčšŝûâëĭʹʺ")

_VOWELS = frozenset("aeiouy")
# j after i/y and not before a vowel: the -ij/-yj/-ej endings of GOST 7.79 and the scientific scheme
_SCI_J = re.compile(r"[iye]j(?![aeiouy])")
# x read as "ks" in press forms (Alexei, Maxim, Oxana, Xenia, Felix)
_X_KS = re.compile(r"^(?:ale|o|ro|le|ta)x(?=[aeiouy]|$)|^max(?:im|$)|^xen|^felix")
_SPLIT = re.compile(r"[^\w'`ʹʺ’‘”“\"·´ʼʻ\u0300-\u036f]+|_")
_TOKEN = re.compile(
    r"shch|chtch|tch|tsh|sch|shh|sh|sc|ch|zh|kh|ts|tc|cz|ph|ou|yo|x|h|c|j|w|y|q"
)
_FIXED = {
    "shch": "Ш", "chtch": "Ш", "sch": "Ш", "shh": "Ш", "sc": "Ш", "sh": "Ш", "tch": "Ш", "ch": "Ш",
    "tsh": "Ш", "zh": "Ж", "kh": "Х", "h": "Х", "ts": "Ц", "tc": "Ц", "cz": "Ц", "c": "Ц",
    "q": "k", "ph": "f", "ou": "u", "w": "v", "y": "i",
}
_I_RUN = re.compile(r"i{2,}")
_ICAO_HARD = re.compile(r"(?<=[b-df-hj-np-tv-z])iei(?=[aoue])")  # ICAO writes ъ as ie before iotated vowels
_GU = re.compile(r"gu(?=[ei])")  # French gue/gui = ге/ги
# Telegram/French j = ж against GOST 7.79/scientific j = й: both read alike where they clash
_ZH_INITIAL = re.compile(r"^d?Ж(?=[au])")  # Jukov/Judin, Djabarov/Djatlov
_ZH_BEFORE_CONS = re.compile(r"(?<=[aeiou])Ж(?=[b-df-hj-np-tv-zЖХЦШ]|o)")  # Rojkov/Bojko, Ejov/Majorov
_IE = re.compile(r"i+e")
_IO = re.compile(r"(?<=[b-df-hj-np-tv-zЖХЦШ])io")  # ё after a consonant written io (Fiodor, Siomin) = e
_OU = re.compile(r"o*ou")
_DOUBLE = re.compile(r"([a-zЖХЦШ])\1+")
_NON_CYRILLIC = re.compile(r"[^\u0400-\u04ff]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_NOT_PHONEME = re.compile(r"[^a-zЖХЦШ]+")
_EMIT = str.maketrans({"Ж": "zh", "Х": "kh", "Ц": "ts", "Ш": "sh"})


def _resolve_j(w: str, k: int, sci: bool, telegram: bool) -> str:
    """ж or й/iotation for the ``j`` at position k of word w."""
    if sci:
        return "i"
    if telegram:
        return "Ж"
    nxt = w[k + 1] if k + 1 < len(w) else ""
    prv = w[k - 1] if k > 0 else ""
    if not nxt:
        return "i"
    if nxt not in _VOWELS:
        return "Ж" if not prv else "i"
    if nxt in "ei":
        return "Ж"
    if nxt in "oy":
        return "Ж"
    if prv == "d" and k == 1:
        return "Ж"  # word-initial dj = дж (Djaparov, Djamshed)
    # ja / ju: я/ю (scientific Ljubov, Marija, Zavadskaja, Judin); the word-initial ж of Telegram
    # (Jukov) meets it in _fold, which writes a word-initial ж before a/u as i.
    return "i"


def _latin_phonemes(w: str) -> str:
    """Phonemes of a lowercase Latin word in any scheme (context decides j, x and the French ch)."""
    sci = not w.isascii() and any(ch in _SCI_MARKS for ch in w)
    w = w.translate(_LATIN_TABLE)
    if not w.isascii():
        w = unicodedata.normalize("NFKD", w)
        w = "".join(ch for ch in w if not unicodedata.combining(ch))
    sci = sci or _SCI_J.search(w) is not None
    french = not sci and ("ou" in w or "tch" in w or w.endswith("ine"))
    telegram = french or (not sci and ("ia" in w or "iu" in w or w.endswith("ii")))
    x_ks = french or (not sci and _X_KS.search(w) is not None)

    def repl(m: re.Match[str]) -> str:
        t = m.group(0)
        fixed = _FIXED.get(t)
        if fixed is not None:
            return fixed
        if t == "x":
            return "ks" if x_ks else "Х"
        if t == "j":
            return "Ж" if french else _resolve_j(w, m.start(), sci, telegram)
        if t == "yo":
            s = m.start()
            return "io" if s > 0 and w[s - 1] in "aeou" else "e"
        raise AssertionError(t)  # every token of _TOKEN is handled above

    return _TOKEN.sub(repl, w)


def _zh_initial(m: re.Match[str]) -> str:
    return "di" if m.group(0).startswith("d") else "i"


def _fold(p: str) -> str:
    """Fold a phoneme string; the order makes the result a fixed point (a key keys to itself)."""
    p = _DOUBLE.sub(r"\1", p)
    if "Ж" in p:
        p = _ZH_BEFORE_CONS.sub("i", _ZH_INITIAL.sub(_zh_initial, p))
    if "ou" in p:
        p = _OU.sub("u", p)
    if "tШ" in p:
        p = p.replace("tШ", "Ш")  # тш, тч = ш
    if "gu" in p:
        p = _GU.sub("g", p)
    if "ii" in p:
        p = _I_RUN.sub("i", p)
    if "ie" in p:
        if "iei" in p:
            p = _ICAO_HARD.sub("i", p)
        p = _IE.sub("e", p)
    if "io" in p:
        p = _IO.sub("e", p)
    if "gu" in p:
        p = _GU.sub("g", p)
    p = _DOUBLE.sub(r"\1", p)
    return p[:-1] if p.endswith("ine") else p


def _cyrillic_phonemes(w: str) -> str:
    """Phonemes of a lowercase Cyrillic word: the same as the Latin parse of its base Latin."""
    if "сч" in w:
        w = w.replace("сч", "щ")
    p = w.translate(_CYR_PHON)
    if "t" in p:
        p = p.replace("tШ", "Ш").replace("ts", "Ц")
    if "ou" in p:
        p = p.replace("ou", "u")
    return p


@lru_cache(maxsize=1 << 18)
def _word_key_once(word: str) -> str:
    if word.isascii():
        p = _latin_phonemes(word.lower())
    else:
        word = unicodedata.normalize("NFC", word)
        if _ASCII_LETTER.search(word):
            word = fold_lookalikes(word)
        word = word.lower()
        if _NON_CYRILLIC.search(word) is None:
            p = _cyrillic_phonemes(word)
        else:
            p = _latin_phonemes(word.translate(_CYR_TABLE))
    p = _NOT_PHONEME.sub("", p)
    return _fold(p).translate(_EMIT)


def token_key(word: str) -> str:
    """Key of one word (no spaces or hyphens inside).  A key is its own key (tested property)."""
    return _word_key_once(word)


@lru_cache(maxsize=1 << 18)
def name_key(text: str) -> str:
    """Canonical folded lowercase ASCII key of a name: ``name_key("Щукин") == name_key("Shchukin")
    == name_key("Scukin") == "shukin"``.  Multi-word input (spaces, hyphens, commas) gives the key of each
    word joined by one space; empty or whitespace-only input gives ``""``."""
    if not text or not isinstance(text, str):
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    words = _SPLIT.split(text)
    if len(words) == 1:
        return _word_key_once(words[0])
    keys = (_word_key_once(w) for w in words if w)
    return " ".join(k for k in keys if k)
