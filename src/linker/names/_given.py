"""Given names, diminutives, gender, gendered surnames and a phonetic code, all on name keys."""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from ._key import name_key

__all__ = [
    "canonical_given", "given_variants", "nickname_pairs", "gender_of", "surname_stem", "phonetic",
    "known_given_keys", "known_surname_keys", "is_patronymic_key", "is_placeholder",
]


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("linker.names").joinpath("data", filename).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [[c.strip() for c in row] for row in csv.reader(lines[1:])]


@lru_cache(maxsize=1)
def _given_table() -> dict[str, str]:
    """key of a full given name -> gender m/f."""
    out: dict[str, str] = {}
    for name, gender in _rows("given_names.csv"):
        out.setdefault(name_key(name), gender)
    return out


@lru_cache(maxsize=1)
def _diminutives() -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict[str, frozenset[str]]]:
    """(diminutive key -> first full key, diminutive key -> all full keys, full key -> its diminutives), from
    diminutives.csv then given_equivalents.csv (Ukrainian and Belarusian forms)."""
    first: dict[str, str] = {}
    every: dict[str, list[str]] = {}
    forms: dict[str, set[str]] = {}
    pairs = [(r[0], r[1]) for r in _rows("diminutives.csv")] + [(r[0], r[1]) for r in _rows("given_equivalents.csv")]
    for dim, full in pairs:
        d, f = name_key(dim), name_key(full)
        if not d or not f or d == f:
            continue
        first.setdefault(d, f)
        if f not in every.setdefault(d, []):
            every[d].append(f)
        forms.setdefault(f, set()).add(d)
    return first, {k: tuple(v) for k, v in every.items()}, {k: frozenset(v) for k, v in forms.items()}


@lru_cache(maxsize=1)
def known_given_keys() -> frozenset[str]:
    """Keys of every known given name and of every diminutive or press form."""
    first, _, _ = _diminutives()
    return frozenset(_given_table()) | frozenset(first) | frozenset(first.values())


@lru_cache(maxsize=1)
def known_surname_keys() -> frozenset[str]:
    """Stems (surname_stem of the key) of the shipped common surnames."""
    return frozenset(surname_stem(name_key(row[0])) for row in _rows("surnames.csv"))


@lru_cache(maxsize=1)
def _placeholders() -> tuple[frozenset[str], frozenset[str]]:
    """(keys of placeholders anywhere, keys of placeholders of given and middle names only)."""
    anywhere, given = set(), set()
    for word, where in _rows("placeholders.csv"):
        raw = word.strip().lower()
        keys = {raw, raw.replace(".", "").replace(" ", "")}
        if raw.replace(" ", "").isalpha():      # letters only: its key too (any script or scheme)
            keys.add(name_key(word).replace(" ", ""))
        keys.discard("")
        (anywhere if where == "any" else given).update(keys)
    return frozenset(anywhere), frozenset(anywhere | given)


@lru_cache(maxsize=1 << 16)
def is_placeholder(text: str, *, given: bool = False) -> bool:
    """True when a name cell holds a placeholder (``placeholders.csv``: Unknown, N/A, -, Baby, Wife,
    Неизвестно, ...) rather than a name; ``given``: the cell is a given or middle name (relationship and
    title words count there too)."""
    raw = text.strip().lower().rstrip(".")
    if not raw:
        return False
    table = _placeholders()[1 if given else 0]
    squeezed = raw.replace(".", "").replace(" ", "")
    return raw in table or squeezed in table or (squeezed.isalpha() and name_key(text).replace(" ", "") in table)


#: a name at least this share as frequent (1990 census) as the full name it would shorten is a name of its
#: own, not a nickname of it (genuine nicknames are rarer by an order of magnitude: Bob is 0.5% of Robert)
OWN_NAME_SHARE = 0.5


@lru_cache(maxsize=1)
def english_names() -> frozenset[str]:
    """Lower-case names of the 1990 US census files (``names`` package: 88,799 surnames, 5,494 given
    names), empty without the package: words that are names as written, in Latin letters."""
    out: set[str] = set()
    try:
        for fname in ("dist.all.last", "dist.male.first", "dist.female.first"):
            for line in resources.files("names").joinpath(fname).read_text().splitlines():
                parts = line.split()
                if parts:
                    out.add(parts[0].lower())
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    return frozenset(out)


@lru_cache(maxsize=1)
def _english_nicknames() -> dict[str, str]:
    """English nickname key -> key of its full name (Bob -> robert, Peggy -> margaret), from the
    hand-curated table of the ``nicknames`` package. A nickname of several names (Bill: William, Robert)
    goes to the most frequent bearer in the 1990 US census name files (``names`` package), weighed by the
    letters the two share (Bill: William, not Robert), as an ambiguous
    Russian diminutive goes to its first row (a nickname of a nickname, Bobby -> Bob, on to Robert). The
    table links names both ways and through shared nicknames (Henry and Harold share Harry): a name
    that is not far rarer than every full name it may shorten is a name of its own and stays itself
    (see ``shortens``), and so do Russian given names and diminutives (Ivan stays Ivan)."""
    try:
        from nicknames import with_names_csv_path
    except ImportError:                     # the table is optional: without it nicknames stay as written
        return {}
    freq: dict[str, float] = {}
    try:
        for fname in ("dist.male.first", "dist.female.first"):
            for line in resources.files("names").joinpath(fname).read_text().splitlines():
                parts = line.split()
                if len(parts) >= 2:
                    k = name_key(parts[0])
                    freq[k] = freq.get(k, 0.0) + float(parts[1])
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    pairs: dict[str, set[str]] = {}
    with with_names_csv_path() as path:
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    for row in rows[1:]:
        if len(row) == 3 and row[1] == "has_nickname":
            full, nick = name_key(row[0]), name_key(row[2])
            if full and nick and full != nick:
                pairs.setdefault(nick, set()).add(full)
    dims = _diminutives()[0]
    russian = set(_given_table()) | set(dims)

    def shortens(nick: str, full: str) -> bool:
        """Whether ``nick`` may stand for ``full``: a nickname is far rarer than the name it shortens (a
        name at least `OWN_NAME_SHARE` as frequent is a name of its own: Henry beside Harold, Derrick
        beside Frederick, Peter beside Patrick), and a name is not a nickname of its own first letters
        (Bradford of Brad)."""
        if len(nick) > len(full) and nick.startswith(full):
            return False
        return freq.get(nick, 0.0) < OWN_NAME_SHARE * freq.get(full, 0.0)

    def score(nick: str, full: str) -> float:   # frequency, times the letters the two share (Bill: William)
        common = sum(min(nick.count(ch), full.count(ch)) for ch in set(nick))
        return freq.get(full, 0.0) * (1 + common)

    best = {}
    for nick, cands in pairs.items():
        fits = [f for f in sorted(cands) if shortens(nick, f)]
        if fits and nick not in russian:
            best[nick] = max(fits, key=lambda f: score(nick, f))
    out = {}
    for nick, full in best.items():
        # a nickname of a nickname (Bobby -> Bob -> Robert) goes on to the full name, one step, and only
        # where that step is a nickname too: a chain through shared nicknames (Henry -> Harry -> Harold)
        # would make two different full names one
        nxt = best.get(full)
        if nxt is not None and nxt != nick and shortens(nick, nxt):
            full = nxt
        out[nick] = dims.get(full, full)    # Michael is a press form of Михаил: Mike goes there too
    return out


@lru_cache(maxsize=1)
def nickname_pairs() -> tuple[tuple[str, str], ...]:
    """Every (key, key) pair of a nickname or diminutive and a full name it may stand for, both ways, sorted:
    the ``nicknames`` table's links as they are (Harry: Harold and Henry; Liz: Elizabeth and Lisa) and the
    rows of diminutives.csv and given_equivalents.csv. An ambiguous nickname agrees with each of its full
    names, which one canonical form (`canonical_given`) cannot say; two full names that only share a
    nickname are not a pair."""
    out: set[tuple[str, str]] = set()
    _, every, _ = _diminutives()
    for dim, fulls in every.items():
        out.update((dim, f) for f in fulls)
    try:
        from nicknames import with_names_csv_path

        with with_names_csv_path() as path:
            rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    except ImportError:
        rows = []
    for row in rows[1:]:
        if len(row) == 3 and row[1] == "has_nickname":
            full, nick = name_key(row[0]), name_key(row[2])
            if full and nick and full != nick:
                out.add((nick, full))
    return tuple(sorted(out | {(b, a) for a, b in out}))


@lru_cache(maxsize=1 << 16)
def canonical_given(key: str) -> str:
    """Key of the full given name for a diminutive or press form key; any other key is returned as is.

    ``canonical_given(name_key("Саша")) == name_key("Александр")``; ``canonical_given("eugene") ==
    "evgeni"``.  Raw text is accepted too (it is keyed first).  An ambiguous diminutive (Слава: Вячеслав,
    Ярослав, Станислав, ...; Женя: Евгений, Евгения) maps to the first full name of diminutives.csv, the
    most frequent bearer; given_variants() lists them all. English nicknames go to their full name
    (``canonical_given("bob") == "robert"``; see :func:`_english_nicknames`).
    """
    k = name_key(key) if key else ""
    got = _diminutives()[0].get(k)
    return got if got is not None else _english_nicknames().get(k, k)


@lru_cache(maxsize=1 << 16)
def given_variants(key: str) -> frozenset[str]:
    """Every key that may denote the same given name as key: the key, the full names it may stand for,
    and all diminutives and press forms of those full names."""
    k = name_key(key) if key else ""
    if not k:
        return frozenset()
    _, every, forms = _diminutives()
    fulls = set(every.get(k, ())) | {k}
    out = set(fulls)
    for f in fulls:
        out |= forms.get(f, frozenset())
    return frozenset(out)


# Patronymic endings on keys (ч is written sh in a key): -ович/-евич/-ич, -овна/-евна/-ична/-инична
_PATR_M = re.compile(r"(?:ovish|evish|ilish|itish|mish|kish|ogli|oglu|uli)$")
_PATR_F = re.compile(r"(?:ovna|evna|ishna|kizi|gizi)$")


def is_patronymic_key(key: str) -> bool:
    """True when the key ends like a patronymic (Иванович, Ильич, Петровна, Гасан оглы)."""
    return bool(_PATR_M.search(key) or _PATR_F.search(key))


@lru_cache(maxsize=1 << 16)
def gender_of(key: str) -> str:
    """"m" / "f" from a patronymic or given-name key (raw text accepted), "" when unknown."""
    k = name_key(key) if key else ""
    if not k:
        return ""
    last = k.rsplit(" ", 1)[-1]
    if _PATR_F.search(last):
        return "f"
    if _PATR_M.search(last):
        return "m"
    g = _given_table().get(k) or _given_table().get(canonical_given(k), "")
    return g


_STEM_RULES = (
    (re.compile(r"(?<=sk)(?:aia|oi|i)$"), ""),  # Ковальский/-ская/-ской, Высоцкий/-цкая
    (re.compile(r"(?<=[bdfgklmnprstvz])(?:aia|oi)$"), ""),  # Толстой/Толстая
    (re.compile(r"(?<=ov|ev|in|en)a$"), ""),  # Иванова, Королёва, Ильина
    (re.compile(r"of$"), "ov"),  # Ivanoff, Smirnof
    (re.compile(r"ef$"), "ev"),
)


@lru_cache(maxsize=1 << 17)
def surname_stem(key: str) -> str:
    """Gender-neutral stem of a surname key: ivanova -> ivanov, kovalskaia / kovalski -> kovalsk,
    tolstaia / tolstoi -> tolst.  -enko, -ko, -ykh/-ikh, -uk, Kim and the like are left unchanged."""
    if not key:
        return ""
    out = []
    for word in key.split(" "):
        for rx, rep in _STEM_RULES:
            new = rx.sub(rep, word)
            if new != word:
                word = new
                break
        out.append(word)
    return " ".join(out)


_PH_DIGRAPH = re.compile(r"zh|kh|ts|sh")
_PH_DIGRAPH_MAP = {"zh": "Z", "kh": "K", "ts": "S", "sh": "Z"}
_PH_TABLE = str.maketrans({
    "b": "p", "p": "p", "v": "f", "f": "f", "g": "k", "k": "k", "K": "k", "d": "t", "t": "t",
    "z": "s", "s": "s", "S": "s", "Z": "x", "l": "l", "r": "r", "m": "m", "n": "n",
    "a": "", "e": "", "i": "", "o": "", "u": "",
})
_PH_RUN = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 17)
def phonetic(key: str) -> str:
    """Coarse phonetic code of a name key for blocking: vowels dropped (a word-initial vowel kept as
    "a"), voiced/voiceless pairs merged (b/p, v/f, g/k/kh, d/t, z/s/ts, zh/sh/ch/shch), repeats collapsed.
    ``phonetic(name_key("Иванов")) == phonetic(name_key("Ivanova")) == phonetic("ivonov") == "afnf"``."""
    if not key:
        return ""
    out = []
    for word in key.split(" "):
        w = _PH_DIGRAPH.sub(lambda m: _PH_DIGRAPH_MAP[m.group(0)], word)
        head = "a" if w[:1] in "aeiou" else ""
        out.append(_PH_RUN.sub(r"\1", head + w.translate(_PH_TABLE)))
    return " ".join(o for o in out if o)
