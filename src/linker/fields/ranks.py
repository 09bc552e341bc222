"""Military ranks, however written, -> a position on one ladder (рядовой = 0 ... генерал армии = 18).

How a text is read:

1. lower case, ``ё`` -> ``е``, Latin look-alike letters inside Cyrillic words folded to Cyrillic;
2. hyphenated and slashed abbreviations expanded (``мл. с-т``, ``ст. л-т``, ``п/п-к``, ``ген.-м.``);
3. split into words at spaces, dots, commas and hyphens; each word mapped to a canonical Russian word
   (``мл``/``младш``/``mladshiy``/``junior`` -> ``младший``, ``kapitan``/``captain``/``кап`` -> ``капитан``);
4. words that qualify a rank without moving it dropped: ``гвардии``/``гв.``, ``запаса``, ``в отставке``,
   ``юстиции``, ``медицинской службы`` and the other services, ``guards``, ``reserve``, ``retired``;
5. the remaining words looked up as a phrase; failing that, the longest known phrase inside them.

Naval ranks sit on the rung of their army equivalent by Russian law (Federal law 53-FZ, art. 46):
матрос 0, старший матрос 1, старшина 2 статьи 2 (= младший сержант), старшина 1 статьи 3, главный старшина
4, главный корабельный старшина 5, мичман 6, старший мичман 7, капитан-лейтенант 11, капитан 3/2/1 ранга
12/13/14, контр-адмирал 15, вице-адмирал 16, адмирал 17, адмирал флота 18.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from linker.fields.common import fold_to_cyrillic_lower, map_unique_series

RANKS: tuple[str, ...] = (
    "рядовой", "ефрейтор", "младший сержант", "сержант", "старший сержант", "старшина", "прапорщик",
    "старший прапорщик", "младший лейтенант", "лейтенант", "старший лейтенант", "капитан", "майор",
    "подполковник", "полковник", "генерал-майор", "генерал-лейтенант", "генерал-полковник",
    "генерал армии",
)

# phrases of canonical words -> rung; army ranks come from RANKS itself
_PHRASES: dict[str, int] = {name.replace("-", " "): i for i, name in enumerate(RANKS)}
_PHRASES.update({
    # naval
    "матрос": 0, "старший матрос": 1, "старшина 2 статьи": 2, "старшина 1 статьи": 3,
    "главный старшина": 4, "главный корабельный старшина": 5, "мичман": 6, "старший мичман": 7,
    "капитан лейтенант": 11, "капитан 3 ранга": 12, "капитан 2 ранга": 13, "капитан 1 ранга": 14,
    "контр адмирал": 15, "вице адмирал": 16, "адмирал": 17, "адмирал флота": 18,
    # English word orders (after word mapping)
    "лейтенант полковник": 13, "майор генерал": 15, "лейтенант генерал": 16, "полковник генерал": 17,
    "армии генерал": 18, "прапорщик офицер": 6, "старший прапорщик офицер": 7,
    "старший рядовой": 1, "старший ефрейтор": 1, "старший капитан": 11,
})

# whole-string abbreviations with hyphens or slashes, expanded before splitting into words
_ABBREVIATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w-])"), repl)
    for pattern, repl in (
        (r"п\s*/\s*п\s*-?\s*к\.?|подп\.?\s*-\s*к\.?|п\s*/\s*полк(?:овник)?\.?", "подполковник "),
        (r"п\s*/\s*к\.?|п\s*-\s*к\.?|полк\.?", "полковник "),
        (r"ген\.?\s*-\s*м(?:айор|\.|(?![\w-]))", "генерал-майор "),
        (r"ген\.?\s*-\s*л(?:ейтенант|\.|(?![\w-]))", "генерал-лейтенант "),
        (r"ген\.?\s*-\s*п(?:олковник|\.|(?![\w-]))", "генерал-полковник "),
        (r"ст\.?\s*-\s*на\.?|ст-на", "старшина "),
        (r"мл\.?\s*-\s*с-т\.?", "младший сержант "),
        (r"с\s*-\s*т\.?|серж\.?", "сержант "),
        (r"л\s*-\s*т\.?|лейт\.?", "лейтенант "),
        (r"к\s*-\s*л\.?|кап\.?\s*-\s*л(?:ейт)?\.?", "капитан-лейтенант "),
        (r"к\s*-\s*н\.?|кап\s*-\s*н\.?|кап\.?|капит\.?", "капитан "),
        (r"м\s*-\s*р\.?", "майор "),
        (r"ефр\.?", "ефрейтор "),
        (r"ряд\.?|рядов\.?", "рядовой "),
        (r"прап\.?|пр-к\.?", "прапорщик "),
        (r"мичм\.?", "мичман "),
    )
)

_WORDS: dict[str, str] = {}
for _canon, _variants in {
    "рядовой": "рядовая рядовои ryadovoy ryadovoi ryadovoj rjadovoj private pvt pte",
    "ефрейтор": "efreitor efreytor yefreytor yefreitor jefrejtor efrejtor corporal cpl",
    "младший": "мл ml mladsh млад младш младшии mladshiy mladshii mladshij mladshy junior jr",
    "старший": "ст st starsh стар старш старшии starshiy starshii starshij starshy senior sr first",
    "сержант": "serzhant serjant sergeant sgt sergeant",
    "старшина": "starshina",
    "прапорщик": "praporshchik praporshik praporschik praporshhik warrant",
    "лейтенант": "leytenant leitenant lejtenant leytenent lieutenant lt lieut",
    "капитан": "kapitan captain capt cpt",
    "майор": "mayor maior major maj",
    "подполковник": "podpolkovnik",
    "полковник": "polkovnik colonel col",
    "генерал": "general gen ген генер",
    "армии": "armii army",
    "матрос": "matros seaman sailor",
    "мичман": "michman",
    "офицер": "officer",
    "главный": "гл главн glavnyy glavnyi",
    "корабельный": "кор корабельныи korabelnyy korabelnyi",
    "статьи": "стат stati",
    "ранга": "ранг rang ranga rank",
    "адмирал": "admiral",
    "флота": "flota fleet",
    "1": "i первой первого 1й 1го 1st",
    "2": "ii второй второго 2й 2го 2nd",
    "3": "iii третьей третьего 3й 3го 3rd",
}.items():
    for _v in _variants.split():
        _WORDS[_v] = _canon
# "second lieutenant" is the junior lieutenant; handled as a phrase on raw words below
_ENGLISH_PHRASES = {"second lieutenant": "младший лейтенант", "2nd lieutenant": "младший лейтенант",
                    "first lieutenant": "старший лейтенант", "1st lieutenant": "старший лейтенант",
                    "lance corporal": "ефрейтор", "private first class": "ефрейтор",
                    "staff sergeant": "старший сержант", "sergeant major": "старшина",
                    "master sergeant": "старшина", "lance sergeant": "младший сержант"}
_ENGLISH = tuple((re.compile(r"\b" + k + r"\b"), v) for k, v in _ENGLISH_PHRASES.items())

# qualifiers that do not move the rung
_QUALIFIERS = frozenset(
    "гвардии гв gv gvardii guards guard запаса зап запас zapasa reserve res в отставке отст отставки "
    "retired ret юстиции yustitsii justice медицинской мед медслужбы medical службы сл service "
    "внутренней технической ветеринарной полиции авиации инженерной связи танковых войск "
    "артиллерии of the and го й".split()
)
_SPLIT = re.compile(r"[^\w]+|_")


def rank_of(text: str) -> int:
    """One rank text -> its rung on the ladder, -1 when unknown; the scalar behind :func:`rank_ordinal`."""
    t = text.strip().lower().replace("ё", "е")
    if not t:
        return -1
    t = " ".join(fold_to_cyrillic_lower(w) for w in t.split())
    for pattern, repl in _ENGLISH:
        t = pattern.sub(repl, t)
    for pattern, repl in _ABBREVIATIONS:
        t = pattern.sub(repl, t)
    words: list[str] = []
    for raw in _SPLIT.split(t):
        if not raw:
            continue
        w = _WORDS.get(raw, raw)
        if words and words[-1].isdigit():  # "старшина 2 ст." / "капитан 3 р."
            w = {"ст": "статьи", "стат": "статьи", "р": "ранга", "ранг": "ранга"}.get(raw, w)
        if w not in _QUALIFIERS:
            words.append(w)
    return _lookup(words)


def _lookup(words: list[str]) -> int:
    whole = " ".join(words)
    if whole in _PHRASES:
        return _PHRASES[whole]
    for size in range(min(len(words), 4), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start:start + size])
            if phrase in _PHRASES:
                return _PHRASES[phrase]
    return -1


def rank_ordinal(s: pd.Series) -> pd.Series:
    """Ranks -> int8 rung on :data:`RANKS` (naval ranks on their army equivalent), -1 unknown or missing."""
    return map_unique_series(s, rank_of, dtype=np.int8)



_QUALIFYING = frozenset({"младший", "старший", "главный", "корабельный", "гвардии", "запаса"})
#: the words a rank is written with (canonical words, their variants and abbreviations), without the generic
#: ones (numbers, "first", "army", "of"): what a rank written inside a name cell ("гв.рядовой ЕРМОЛАЕВ Иван",
#: "ml. serzhant Ivanov Ivan") is made of. RANK_WORDS name a rank by themselves (рядовой, serzhant, к-н);
#: RANK_QUALIFIERS only qualify one (младший, ст., гвардии), and can be a name's own suffix (Младший).
RANK_WORDS: frozenset[str]
RANK_QUALIFIERS: frozenset[str]


def _rank_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    generic = {"first", "army", "armii", "армии", "fleet", "flota", "флота", "rank", "rang", "ranga", "ранг",
               "ранга", "статьи", "stati", "стат", "of", "the", "and", "officer", "офицер", "senior", "junior",
               "warrant"}
    canon = {**{w: w for ph in _PHRASES for w in ph.split()}, **_WORDS}
    canon.update({w: "гвардии" for w in ("гвардии", "гв", "gv", "gvardii")})
    canon.update({w: "запаса" for w in ("запаса", "zapasa")})
    words = {w: c for w, c in canon.items() if w.isalpha() and len(w) > 1 and w not in generic
             and c not in generic}
    hyphenated = ("с-т", "л-т", "к-н", "м-р", "п-к", "ст-на", "пр-к", "к-л", "s-t", "l-t", "k-n", "m-r")
    return (frozenset(w for w, c in words.items() if c not in _QUALIFYING) | frozenset(hyphenated),
            frozenset(w for w, c in words.items() if c in _QUALIFYING))


RANK_WORDS, RANK_QUALIFIERS = _rank_vocabulary()
