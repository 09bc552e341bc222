"""Split a full name into (surname, first_name, patronymic), order detected."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from ._given import is_patronymic_key, known_given_keys, known_surname_keys, surname_stem
from ._key import name_key
from ._lexicon import MARGIN, NameLexicon

__all__ = ["parse_full_name", "parse_full_names", "readings", "choose"]

# Second word of a two-word Turkic patronymic (Гасан оглы, Мамед кызы, Нурлан улы)
_TURKIC = frozenset({"оглы", "огли", "оглу", "кызы", "гызы", "кизи", "улы", "уулу", "ogly", "oglu",
                     "ogli", "kyzy", "kizi", "gyzy", "qizi", "uly", "uulu",
                     "ohly", "ohli", "ohlu", "hyzy"})   # the Ukrainian scheme writes г as h
_SURNAME_END = re.compile(
    r"(?:ov|ev|in|ina|ova|eva|sk|ski|skaia|enko|ko|uk|iuk|ian|dze|shvili|ikh|ev|iev|ets|ich|man|er|"
    r"ian|ia|ov[ao]?)$"
)
_JUNK = re.compile(r"[^\w\s.,\-'’`]+")


def _is_initial(tok: str) -> bool:
    return len(tok.rstrip(".")) == 1


def _clean_token(tok: str) -> str:
    tok = tok.strip(".-'’`")
    return tok


def _split_words(chunk: str) -> list[str]:
    """Words of a comma-free piece of junk-free text; a dot ends a word: "И.И." / "Иванов.И.И." -> separate
    words."""
    return [p for p in map(_clean_token, chunk.replace(".", " ").split()) if p]


def chunk_words(chunk: str) -> list[str]:
    """The words `_tokens` makes of one whitespace-free, comma-free piece of NFC text (before Turkic
    patronymics are joined): the words of a text whose pieces are separated by spaces are the pieces'
    words in order."""
    return _split_words(_JUNK.sub(" ", chunk))


def _tokens(text: str) -> tuple[list[str], int]:
    """Words of a name (initials split, Turkic patronymics joined) and the index of the first word after
    a comma (-1 when there is no comma)."""
    text = _JUNK.sub(" ", unicodedata.normalize("NFC", text))  # compose first: a combining caron is not junk
    comma = -1
    words: list[str] = []
    for chunk_no, chunk in enumerate(text.split(",")):
        if chunk_no == 1:
            comma = len(words)
        words.extend(_split_words(chunk))
    # join Turkic patronymics
    out: list[str] = []
    for w in words:
        if out and w.lower() in _TURKIC:
            out[-1] = f"{out[-1]} {w}"
            if comma > len(out):
                comma -= 1
        else:
            out.append(w)
    return out, comma


@lru_cache(maxsize=1)
def _rank_keys() -> tuple[frozenset[str], frozenset[str]]:
    """Keys of the words that name a rank, and of those that only qualify one (see fields.ranks)."""
    from ..fields.ranks import RANK_QUALIFIERS, RANK_WORDS
    given = known_given_keys()
    return (frozenset(name_key(w) for w in RANK_WORDS) - given,
            frozenset(name_key(w) for w in RANK_QUALIFIERS) - given)


@lru_cache(maxsize=1 << 17)
def _kind(tok: str) -> str:
    """'i' initial, 'p' patronymic, 'g' given name, 's' surname-like, 'r' a rank word, 'q' a word that
    qualifies a rank (младший, гв.), '?' unknown."""
    if _is_initial(tok):
        return "i"
    k = name_key(tok)
    ranks, qualifiers = _rank_keys()
    if k in ranks:
        return "r"
    if k in qualifiers:
        return "q"
    if " " in tok and tok.split()[-1].lower() in _TURKIC:
        return "p"
    if is_patronymic_key(k) and len(k) > 5:
        return "p"
    if k in known_given_keys():
        return "g"
    if surname_stem(k) in known_surname_keys() or _SURNAME_END.search(k):
        return "s"
    return "?"


def _is_caps(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


Plan = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def _plan(kinds: tuple[str, ...], caps: tuple[bool, ...], comma: int) -> Plan:
    """Which words (by position) make the surname, the first name and the patronymic, given each word's
    kind (see `_kind`), whether it is written in capitals (`_is_caps`) and the comma position.  A part is
    its words joined by one space; it depends on nothing else, so one plan serves every name of the same
    shape (the vectorized parse in `linker.standardize` groups names by it)."""
    n = len(kinds)
    every = tuple(range(n))
    if n == 0:
        return (), (), ()
    lead = next((i for i in every if kinds[i] not in "rq"), n)
    if "r" in kinds[:lead] and n - lead >= 2 and comma <= 0:
        # a rank written before the name ("гв.рядовой ЕРМОЛАЕВ Иван Петрович"): not a part of the name
        # (after it, "Младший" is the name's own suffix and stays)
        inner = _plan(kinds[lead:], caps[lead:], -1)
        if inner[0]:    # else the "rank" was the surname (Капитан Иван Петрович)
            return tuple(tuple(i + lead for i in part) for part in inner)  # type: ignore[return-value]
    if comma > 0:  # "Иванов, Иван Иванович": surname before the comma
        rest = every[comma:]
        return every[:comma], rest[:1], rest[1:]
    if n == 1:
        return ((0,), (), ()) if kinds[0] != "g" else ((), (0,), ())
    # initials: the other words are the surname; initials give first name then patronymic
    if "i" in kinds and kinds.count("i") < n:
        inits = tuple(i for i in every if kinds[i] == "i")
        others = tuple(i for i in every if kinds[i] != "i")
        return others, inits[:1], inits[1:]
    capital = [i for i in every if caps[i]]
    if len(capital) == 1 and n > 1 and capital[0] in (0, n - 1) and not all(caps):
        s = capital[0]  # "IVANOV Ivan Ivanovich", "Ivan Ivanovich IVANOV"
        rest = tuple(i for i in every if i != s)
        return (s,), rest[:1], rest[1:]
    if n == 2:
        if kinds[1] == "p":  # "Иван Иванович", or "Петров Иванович" (the given name left out)
            return ((), (0,), (1,)) if kinds[0] == "g" else ((0,), (), (1,))
        if kinds[0] == "g" and kinds[1] != "g":  # "Иван Иванов"
            return (1,), (0,), ()
        return (0,), (1,), ()
    # three or more words
    if kinds[-1] == "p":
        gi = next((i for i in range(1, n - 1) if kinds[i] == "g"), 1)
        return every[:gi], every[gi:n - 1], (n - 1,)
    if kinds[1] == "p":  # "Иван Иванович Иванов"
        return every[2:], (0,), (1,)
    if n == 3 and kinds[0] == "g" and kinds[2] == "s" and kinds[1] not in ("g", "s"):
        return (2,), (0,), (1,)  # "Булат Рамилевч Закиров": a damaged patronymic in the middle
    p = next((i for i in range(n - 2, 0, -1) if kinds[i] == "p"), -1)
    if p > 0:  # a patronymic inside: what follows it is appended to it
        gi = next((i for i in range(1, p) if kinds[i] == "g"), 1)
        return every[:gi], every[gi:p], every[p:]
    return (0,), (1,), every[2:]


def readings(kinds: tuple[str, ...], caps: tuple[bool, ...], comma: int) -> tuple[Plan, ...]:
    """The plan the rules choose (`_plan`) first, then the other readings of the same words a registry may
    show far likelier (`choose`): for a cell of two or three name words (after a rank written before them)
    with no initial, no comma and no surname marked by capitals, every order of surname, given name and
    patronymic people write (SGP, GPS; SG, GS, GP, SP)."""
    rule = _plan(kinds, caps, comma)
    if comma >= 0 or "i" in kinds:
        return (rule,)
    used = sorted(i for part in rule for i in part)
    if not used or used != list(range(used[0], len(kinds))):
        return (rule,)
    name = tuple(used)
    if any(kinds[i] in "rq" for i in name):
        return (rule,)
    capital = [i for i in name if caps[i]]
    if len(capital) == 1 and capital[0] in (name[0], name[-1]):
        return (rule,)          # "IVANOV Ivan Ivanovich": the writer marked the surname
    if len(name) == 3:
        a, b, c = name
        alts: tuple[Plan, ...] = (((a,), (b,), (c,)), ((c,), (a,), (b,)))
    elif len(name) == 2:
        a, b = name
        alts = (((a,), (b,), ()), ((b,), (a,), ()), ((), (a,), (b,)), ((a,), (), (b,)))
    else:
        return (rule,)
    return (rule, *(alt for alt in alts if alt != rule))


def plan_roles(plan: Plan) -> tuple[tuple[int, int], ...]:
    """(position, role) of each word a plan places, in position order (role 0 surname, 1 given, 2 patronymic):
    the order in which a reading's score is summed, the same in `choose` and the vectorized parse."""
    return tuple(sorted((i, r) for r, part in enumerate(plan) for i in part))


def choose(plans: tuple[Plan, ...], scores: list[tuple[float, float, float]]) -> Plan:
    """The reading of a cell (`readings`) the registry makes likelier than the rules' own by more than
    `MARGIN` (the likeliest such), else the rules' own. ``scores`` are `NameLexicon.score` of each word."""
    def total(plan: Plan) -> float:
        acc = 0.0
        for i, r in plan_roles(plan):
            acc += scores[i][r]
        return acc

    best, bar = plans[0], total(plans[0]) + MARGIN
    for alt in plans[1:]:
        t = total(alt)
        if t > bar:
            best, bar = alt, t
    return best


def _assign(words: list[str], comma: int, lexicon: NameLexicon | None = None) -> tuple[str, str, str]:
    kinds = tuple(_kind(w) for w in words)
    caps = tuple(_is_caps(w) for w in words)
    plans = readings(kinds, caps, comma) if lexicon is not None else (_plan(kinds, caps, comma),)
    sn, fn, pt = choose(plans, [lexicon.score(w) for w in words]) if len(plans) > 1 else plans[0]
    return (" ".join(words[i] for i in sn), " ".join(words[i] for i in fn), " ".join(words[i] for i in pt))


def parse_full_name(text: str, lexicon: NameLexicon | None = None) -> tuple[str, str, str]:
    """(surname, first_name, patronymic) of a full name, in its own spelling, cleaned of extra spaces,
    dots and stray punctuation.  Orders understood: "Фамилия Имя Отчество", "Имя Отчество Фамилия",
    "Имя Фамилия", "Фамилия, Имя Отчество", initials ("Иванов И.И.", "И.И. Иванов"), a surname in
    capitals ("IVANOV Ivan"), two-word Turkic patronymics ("Алиев Рустам Гасан оглы").  An initial is kept
    as its single letter.  A rank written before the name ("гв. рядовой ИВАНОВ Иван Петрович") is
    left out; any other word that cannot be placed is appended to the nearest part, never dropped.  With a
    registry's `NameLexicon`, a cell in another order is read as the registry's columns show it (`choose`).
    Results are cached without a lexicon (a cache would keep every run's lexicon alive)."""
    if lexicon is None:
        return _parse_by_rules(text)
    if not text or not isinstance(text, str) or not text.strip():
        return "", "", ""
    words, comma = _tokens(text)
    return _assign(words, comma, lexicon)


@lru_cache(maxsize=1 << 16)
def _parse_by_rules(text: str) -> tuple[str, str, str]:
    if not text or not isinstance(text, str) or not text.strip():
        return "", "", ""
    words, comma = _tokens(text)
    return _assign(words, comma)


def parse_full_names(values: pd.Series) -> pd.DataFrame:
    """parse_full_name over a Series (parsed once per unique value): a DataFrame with the Series' index
    and the string columns surname, first_name, patronymic (missing = "")."""
    clean = values.astype(object).where(values.notna(), "").astype(str)
    codes, uniques = pd.factorize(clean, sort=False)
    parsed = [parse_full_name(u) for u in uniques]
    cols = list(zip(*parsed)) if parsed else [(), (), ()]
    out = {}
    for name, col in zip(("surname", "first_name", "patronymic"), cols):
        arr = pd.Series(list(col) + [""], dtype=object).to_numpy()
        out[name] = arr[codes] if len(codes) else arr[:0]
    return pd.DataFrame(out, index=values.index)
