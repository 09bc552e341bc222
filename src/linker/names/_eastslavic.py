"""Ukrainian and Belarusian romanizations of Russian names: the one sound the name key cannot fold alone.

The national schemes (Ukrainian KMU 2010, Belarusian 2007) write г as ``h`` (Hryhorii, Hlukhov, Siarhei,
Aleh) and х as ``kh``; the Russian schemes write г as ``g`` and never write a lone ``h`` for a sound of
their own (х is ``kh`` in all of them; ``h`` only inside zh, kh, ch, sh, shch). Press forms of Turkic and
Caucasian names do write х as a lone ``h`` (Hasanov, Ahmed), so the key cannot read every lone ``h`` as г.
What decides is the side's own text: when its Latin names show the national schemes (patronymics in -ovych
/-evych/-ivna, Belarusian -avich/-auna, surnames in -skyi/-yi, the Ukrainian and Belarusian forms of given
names of given_equivalents.csv), a lone ``h`` in its surnames and patronymics is read as г.
Given names mostly need no such reading: their Ukrainian and Belarusian forms are listed in
given_equivalents.csv; one that is not (Herman for Герман) is read with г where only that reading is a known
given name (`given_h_as_g`).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from ._given import _rows, canonical_given, known_given_keys
from ._key import name_key

__all__ = ["reads_h_as_g", "h_as_g", "given_h_as_g", "initial_readings"]

_LONE_H = re.compile(r"(?<![kzcsg])h", re.IGNORECASE)
_UA_BY_PATRONYMIC = re.compile(r"(?:ovych|evych|ivna|yivna|avich|auna|euna|iovych)$", re.IGNORECASE)
_UA_SURNAME = re.compile(r"(?:skyi|tskyi|zkyi|yi)$", re.IGNORECASE)
#: share of a side's Latin names that must show a national scheme (a few marked names are chance)
MIN_SHARE = 0.1
MIN_ROWS = 3


@lru_cache(maxsize=1)
def _national_given_keys() -> frozenset[str]:
    return frozenset(name_key(r[0]) for r in _rows("given_equivalents.csv"))


def h_as_g(text: str) -> str:
    """``text`` with each lone ``h`` (not in zh kh ch sh) read as г: "Hlukhov" -> "Glukhov"."""
    return _LONE_H.sub(lambda m: "G" if m.group(0).isupper() else "g", text) if "h" in text.lower() else text


def given_h_as_g(text: str) -> str:
    """A given name of a national-scheme side with its lone ``h`` read as г when the name as written is no
    known given name (nor a listed form of one) and that reading is ("Herman" -> "German"; "Hasan" stays)."""
    if not text.isascii() or len(text) < 2:
        return text
    alt = h_as_g(text)
    if alt == text:
        return text
    known = known_given_keys()
    if canonical_given(name_key(text)) in known or canonical_given(name_key(alt)) not in known:
        return text
    return alt


def reads_h_as_g(surname: tuple[np.ndarray, np.ndarray], given: tuple[np.ndarray, np.ndarray],
                 patronymic: tuple[np.ndarray, np.ndarray]) -> bool:
    """Whether the Latin names of one side are written in the Ukrainian or Belarusian national schemes often
    enough to read their lone ``h`` as г (see the module). Each part is (codes per row, values): the facts
    are computed once per distinct value."""
    def per_value(part: tuple[np.ndarray, np.ndarray], test) -> np.ndarray:
        codes, values = part
        return np.fromiter((bool(v) and v.isascii() and bool(test(v)) for v in values), bool, len(values))[codes]

    keys = _national_given_keys()
    latin = per_value(surname, lambda v: True)
    if latin.sum() < MIN_ROWS:
        return False
    marked = latin & (per_value(surname, _UA_SURNAME.search) | per_value(patronymic, _UA_BY_PATRONYMIC.search)
                      | per_value(given, lambda v: len(v) > 1 and name_key(v) in keys))
    n = int(marked.sum())
    return n >= MIN_ROWS and n >= MIN_SHARE * latin.sum()


#: one Cyrillic letter written with several Latin ones in the common schemes (DOMAIN.md's table: ж zh, х kh,
#: ц ts/tc/cz, ч ch, ш sh, щ shch, е/ё ye/yo/je/jo, ю yu/ju/iu, я ya/ja/ia)
DIGRAPHS = ("zh", "kh", "ts", "tc", "cz", "ch", "sh", "shch", "ye", "yo", "je", "jo", "yu", "ju", "iu", "ya", "ja", "ia")


@lru_cache(maxsize=2)
def _initial_table(names: bool = True) -> dict[str, tuple[str, ...]]:
    """Latin initial (lowercase) -> the other key initials it may write. An initial is the first letter of
    the name's romanization, so it may be the head of a letter the schemes write with several (`DIGRAPHS`):
    "y" writes Е/Ё (Yevgeny, Yegor: e) beside Ю/Я (i), "c" writes Ч (Chingisovich) beside Ц, "z" writes
    Ж (Zhanna); and (with ``names``) the first letter of each Ukrainian or Belarusian form of
    given_equivalents.csv writes the Russian name's (Mykola: n, Oleksandr: a, Hryhorii: g, Uladzimir: v)."""
    pairs = [(d[0], name_key(d + "a")[:1]) for d in DIGRAPHS]
    if names:
        pairs += [(form[:1].lower(), name_key(full)[:1]) for form, full, *_ in _rows("given_equivalents.csv")]
    table: dict[str, list[str]] = {}
    for letter, own in pairs:
        if letter.isascii() and letter.isalpha() and own and own != name_key(letter)[:1]:
            alts = table.setdefault(letter, [])
            if own not in alts:
                alts.append(own)
    return {k: tuple(v) for k, v in table.items()}


def initial_readings(letter: str, *, names: bool = True) -> tuple[str, ...]:
    """The key initials a Latin initial may stand for: its own key's first, then the others (see
    `_initial_table`; without ``names`` only the letters it may head in any name, not those of particular
    names' national forms); a letter of any other script reads only as its key."""
    own = name_key(letter)[:1]
    if not letter.isascii():
        return (own,)
    return (own, *(a for a in _initial_table(names).get(letter.lower(), ()) if a != own))
