"""The name columns of one side: surname, given name and patronymic found in the mapped columns (or parsed from
one full-name cell), and their keys.

How it is computed: every column is factorized once and each scalar function (name keys, stems, phonetic
codes, layout repair, ...) runs once per distinct value; the results travel as integer codes into a small
array of values (`Coded`) and are expanded to rows only at the end.  A full name is split at its spaces
and the expensive word functions run once per distinct word; names are then grouped by the shape of their
words (kind and capitals, `names._parse._plan`) and assembled by vectorized string joins.  Whatever falls
outside these fast paths (commas, odd whitespace, non-NFC text, non-string cells) goes through the scalar
functions, so the result is exactly theirs.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import chain
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from ..columns import Mapping
from . import _parse as P
from ._eastslavic import given_h_as_g, h_as_g, initial_readings, reads_h_as_g
from ._given import canonical_given, is_placeholder, known_given_keys, phonetic, surname_stem
from ._key import name_key
from ._layout import repair_layout
from ._lexicon import NameLexicon
from ._script import fold_lookalikes


_CYR = re.compile(r"[А-Яа-яЁё]")
_LAT = re.compile(r"[A-Za-z]")
_INITIAL = re.compile(r"^\s*([^\W\d_])\s*\.?\s*$")


def _clean_name(text: str) -> tuple[str, bool, bool]:
    """Layout repair and look-alike folding; returns (text, mixed_script, layout_repaired)."""
    t = unicodedata.normalize("NFC", text).strip()   # "Z\u030c" and "Ž" are one letter
    if not t:
        return "", False, False
    mixed = any(_CYR.search(w) and _LAT.search(w) for w in t.split())
    fixed = repair_layout(t)
    repaired = fixed != t
    return fold_lookalikes(fixed), mixed, repaired


def _key_and_initial(part: str) -> tuple[str, bool]:
    """(name key, written as an initial only)."""
    m = _INITIAL.match(part)
    if m:
        return name_key(m.group(1))[:1], True
    return name_key(part), False


def _looks_swapped(pair: str) -> bool:
    """Surname and given-name cells the wrong way round: an initial, or a known given name, sits in the
    surname cell while the given-name cell holds something else."""
    surname, _sep, given = pair.rpartition("\x1f")
    if not surname or not given:
        return False
    s_init, g_init = bool(_INITIAL.match(surname)), bool(_INITIAL.match(given))
    if s_init or g_init:
        return s_init and not g_init
    known = known_given_keys()
    return name_key(surname) in known and name_key(given) not in known


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


class Coded:
    """A column as integer ``codes`` (one per row) into an object array of ``values`` (which may repeat)."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: np.ndarray, values: np.ndarray) -> None:
        self.codes = codes
        self.values = values

    def rows(self) -> np.ndarray:
        """The value of every row."""
        return self.values[self.codes]

    def map(self, func: Callable[[str], object]) -> Coded:
        """``func`` applied once per value."""
        return Coded(self.codes, _objects([func(v) for v in self.values]))

    def test(self, func: Callable[[str], object]) -> np.ndarray:
        """``bool(func(value))`` of every row, computed once per value."""
        return np.fromiter((bool(func(v)) for v in self.values), bool, len(self.values))[self.codes]

    def compact(self) -> Coded:
        """The same column with each distinct value once."""
        if len(self.values) < 2:
            return self
        inverse, uniques = pd.factorize(self.values, sort=False)
        return Coded(inverse[self.codes], np.asarray(uniques, dtype=object))


def _objects(items: list) -> np.ndarray:
    """A 1-d object array of ``items`` (tuples stay whole)."""
    return np.fromiter(items, dtype=object, count=len(items))


def _coded(s: pd.Series) -> Coded:
    """``s`` factorized as ``s.fillna("").astype(str)`` would be (without converting a column of str)."""
    values = s.to_numpy(dtype=object)
    if not (s.dtype == object and pd.api.types.infer_dtype(values, skipna=False) == "string"):
        values = s.fillna("").astype(str).to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, sort=False)
    return Coded(codes, np.asarray(uniques, dtype=object))


def _no_placeholders(col: Coded, *, given: bool) -> Coded:
    """Placeholder cells ("Unknown", "N/A", "-", "Baby", "Wife", "Неизвестно": names/data/placeholders.csv)
    read as empty: missing, no evidence either way."""
    return Coded(col.codes, _objects(["" if is_placeholder(v, given=given) else v for v in col.values]))


def _blank(n: int) -> Coded:
    return Coded(np.zeros(n, dtype=np.intp), _objects([""]))


def _choose(cond: np.ndarray, a: Coded, b: Coded) -> Coded:
    """``a`` where ``cond``, else ``b`` (row by row)."""
    values = np.concatenate([a.values, b.values])
    return Coded(np.where(cond, a.codes, b.codes + len(a.values)), values).compact()


def _cleaned(col: Coded) -> tuple[Coded, np.ndarray, np.ndarray]:
    """`_clean_name` of a column: (text, mixed_script per row, layout_repaired per row)."""
    results = [_clean_name(v) for v in col.values]
    text = _objects([r[0] for r in results])
    mixed = np.fromiter((r[1] for r in results), bool, len(results))
    repaired = np.fromiter((r[2] for r in results), bool, len(results))
    return Coded(col.codes, text).compact(), mixed[col.codes], repaired[col.codes]


# ------------------------------------------------------------------ full names, word by word

_MAX_WORDS = 6            # names with more words take the scalar path
_KINDS = "ipgs?rq"        # the kinds of `names._parse._kind`, in code order
_BASE = 2 * len(_KINDS) + 1  # one digit per word of the shape: kind and capitals, 0 = no word


def _piece(chunk: str) -> tuple[bool, bool, bool, tuple[str, ...]]:
    """One space-separated piece of a full name: (fast path applies, mixed script, layout repaired, words).

    For a text whose pieces are free of other whitespace and in NFC, `_clean_name` works piece by piece
    (NFC, `repair_layout` on ``\\S+``, `fold_lookalikes` on ``\\w+``), and so do the words of
    `names._parse._tokens` as long as the cleaned piece holds no comma."""
    if not chunk:
        return True, False, False, ()
    if _SPACE.search(chunk) or not unicodedata.is_normalized("NFC", chunk):
        return False, False, False, ()
    mixed = bool(_CYR.search(chunk) and _LAT.search(chunk))
    fixed = repair_layout(chunk)
    clean = fold_lookalikes(fixed)
    if "," in clean or _SPACE.search(clean) or not unicodedata.is_normalized("NFC", clean):
        return False, mixed, fixed != chunk, ()
    return True, mixed, fixed != chunk, tuple(P.chunk_words(clean))


_SPACE = re.compile(r"\s")


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(start, start + count)`` for each pair."""
    total = int(counts.sum())
    before = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(before - starts, counts)


def _parse_full_names(values: np.ndarray, lexicon: NameLexicon | None = None) -> tuple[np.ndarray, ...]:
    """(surname, first name, patronymic, mixed_script, layout_repaired) of each full name in ``values``:
    exactly ``_clean_name`` then ``parse_full_name``, computed per distinct word where the text allows."""
    m = len(values)
    out = [np.full(m, "", dtype=object) for _ in range(3)]
    mixed = np.zeros(m, dtype=bool)
    layout = np.zeros(m, dtype=bool)
    if m == 0:
        return (*out, mixed, layout)
    pieces = [v.split(" ") for v in values]
    counts = np.fromiter(map(len, pieces), np.int64, m)
    flat = _objects(list(chain.from_iterable(pieces)))
    del pieces
    pcodes, pvalues = pd.factorize(flat, sort=False)
    del flat
    info = [_piece(c) for c in pvalues]
    starts = np.cumsum(counts) - counts
    ok = np.logical_and.reduceat(np.fromiter((i[0] for i in info), bool, len(info))[pcodes], starts)
    mixed[:] = np.logical_or.reduceat(np.fromiter((i[1] for i in info), bool, len(info))[pcodes], starts)
    layout[:] = np.logical_or.reduceat(np.fromiter((i[2] for i in info), bool, len(info))[pcodes], starts)

    # words of each distinct piece -> ids into one table of word strings
    table: dict[str, int] = {}
    words: list[str] = []
    ids: list[int] = []
    for _ok, _m, _r, ws in info:
        for w in ws:
            k = table.get(w)
            if k is None:
                k = table[w] = len(words)
                words.append(w)
            ids.append(k)
    nwords = np.fromiter((len(i[3]) for i in info), np.int64, len(info))
    first = np.cumsum(nwords) - nwords
    piece_rows = np.repeat(np.arange(m), counts)
    tcount = nwords[pcodes]
    tok = np.asarray(ids, dtype=np.int64)[_ranges(first[pcodes], tcount)] if ids else np.zeros(0, np.int64)
    tok_row = np.repeat(piece_rows, tcount)
    row_tokens = np.bincount(tok_row, minlength=m)
    pos = np.arange(len(tok)) - np.repeat(np.cumsum(row_tokens) - row_tokens, row_tokens)

    # Turkic patronymics ("Гасан оглы") join the word before them
    turkic = np.fromiter((w.lower() in P._TURKIC for w in words), bool, len(words))
    joins = turkic[tok] & (pos > 0) if len(tok) else np.zeros(0, bool)
    if joins.any():
        begin = ~joins
        word_of = np.cumsum(begin) - 1
        heads = np.flatnonzero(begin)
        size = np.bincount(word_of)
        code = tok[heads].copy()
        for w in np.flatnonzero(size > 1):
            text = " ".join(words[t] for t in tok[heads[w]:heads[w] + size[w]])
            k = table.get(text)
            if k is None:
                k = table[text] = len(words)
                words.append(text)
            code[w] = k
        tok, tok_row = code, tok_row[heads]
        row_tokens = np.bincount(tok_row, minlength=m)
        pos = np.arange(len(tok)) - np.repeat(np.cumsum(row_tokens) - row_tokens, row_tokens)

    fast = ok & (row_tokens <= _MAX_WORDS)
    if fast.any():
        attr = np.fromiter((_KINDS.index(P._kind(w)) * 2 + P._is_caps(w) for w in [*words, ""]), np.int64,
                           len(words) + 1)         # code -1 (no word) reads the last entry
        word_text = _objects([*words, ""])           # code -1 (no word) reads ""
        grid = np.full((m, _MAX_WORDS), -1, dtype=np.int64)
        keep = pos < _MAX_WORDS
        grid[tok_row[keep], pos[keep]] = tok[keep]
        digits = np.where(grid >= 0, attr[grid] + 1, 0)
        sig = row_tokens + (_MAX_WORDS + 1) * (digits @ (_BASE ** np.arange(_MAX_WORDS, dtype=np.int64)))
        rows = np.flatnonzero(fast)
        shapes, inverse = np.unique(sig[rows], return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(shapes)))])
        space = np.array(" ", dtype=object)
        scores = None
        for g, shape in enumerate(shapes.tolist()):
            n, rest = shape % (_MAX_WORDS + 1), shape // (_MAX_WORDS + 1)
            codes = [(rest // _BASE ** j) % _BASE - 1 for j in range(n)]
            kinds, caps = tuple(_KINDS[c // 2] for c in codes), tuple(bool(c % 2) for c in codes)
            sel = rows[order[bounds[g]:bounds[g + 1]]]
            plans = P.readings(kinds, caps, -1) if lexicon is not None else (P._plan(kinds, caps, -1),)
            if len(plans) > 1:
                if scores is None:      # every word's registry score, row -1 (no word) all 0
                    scores = np.vstack([lexicon.scores(words), np.zeros((1, 3))])
                picked = _choose_readings(plans, scores, grid[sel])
                groups = [(plan, sel[picked == k]) for k, plan in enumerate(plans)]
            else:
                groups = [(plans[0], sel)]
            for plan, at in groups:
                if not len(at):
                    continue
                for part, idx in zip(out, plan):
                    if not idx:
                        continue
                    acc = word_text[grid[at, idx[0]]]
                    for i in idx[1:]:
                        acc = acc + space + word_text[grid[at, i]]
                    part[at] = acc
    for r in np.flatnonzero(~fast):
        text, mixed[r], layout[r] = _clean_name(values[r])
        out[0][r], out[1][r], out[2][r] = P.parse_full_name(text, lexicon)
    return (*out, mixed, layout)


def _choose_readings(plans: tuple, scores: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """`names._parse.choose` for many cells of one shape at once: the index into ``plans`` of each row of
    ``grid`` (word codes by position), summing the same scores in the same order."""
    def total(plan) -> np.ndarray:
        acc = np.zeros(len(grid))
        for i, r in P.plan_roles(plan):
            acc = acc + scores[grid[:, i], r]
        return acc

    picked = np.zeros(len(grid), np.int64)
    bar = total(plans[0]) + P.MARGIN
    for k, alt in enumerate(plans[1:], start=1):
        t = total(alt)
        better = t > bar
        picked[better] = k
        bar = np.where(better, t, bar)
    return picked


# ------------------------------------------------------------------ names of one side

def _swapped(sn: Coded, fn: Coded) -> np.ndarray:
    """`_looks_swapped` of every row's (surname, given name), from per-value facts."""
    def facts(col: Coded) -> tuple[np.ndarray, ...]:
        known = known_given_keys()
        f = [(bool(v), bool(_INITIAL.match(v)), bool(v) and name_key(v) in known, "\x1f" in v)
             for v in col.values]
        return tuple(np.fromiter((x[k] for x in f), bool, len(f))[col.codes] for k in range(4))

    s_full, s_init, s_known, s_sep = facts(sn)
    g_full, g_init, g_known, g_sep = facts(fn)
    swap = s_full & g_full & np.where(s_init | g_init, s_init & ~g_init, s_known & ~g_known)
    for r in np.flatnonzero(s_sep | g_sep):   # a separator inside a cell: as the scalar splits it
        swap[r] = _looks_swapped(sn.values[sn.codes[r]] + "\x1f" + fn.values[fn.codes[r]])
    return swap


def _names_coded(df: pd.DataFrame, mapping: Mapping, lexicon: NameLexicon | None = None
                 ) -> tuple[Coded, Coded, Coded, np.ndarray, np.ndarray]:
    """Surname, first name, patronymic (coded) in the source spelling, and the mixed_script and
    layout_repaired row flags; the same as the scalar functions applied row by row (see `_names_frame`).
    A full-name cell is read with the registry's ``lexicon`` when given (`names._parse.choose`)."""
    n = len(df)

    def column(field: str) -> tuple[Coded, np.ndarray, np.ndarray]:
        col = mapping.get(field)
        if not col:
            return _blank(n), np.zeros(n, bool), np.zeros(n, bool)
        return _cleaned(_no_placeholders(_coded(df[col]), given=field != "surname"))

    if mapping.get("full_name") and not mapping.get("surname"):
        full = _coded(df[mapping.get("full_name")])
        sn_v, fn_v, pt_v, mixed_v, layout_v = _parse_full_names(full.values, lexicon)
        sn, fn, pt = (_no_placeholders(Coded(full.codes, v), given=g).compact()
                      for v, g in ((sn_v, False), (fn_v, True), (pt_v, True)))
        mixed, layout = mixed_v[full.codes], layout_v[full.codes]
        # parts given in separate columns too (rare) fill the gaps
        for field in ("first_name", "patronymic"):
            if mapping.get(field):
                extra, m, lay = column(field)
                mixed, layout = mixed | m, layout | lay
                if field == "first_name":
                    fn = _choose(fn.test(lambda v: v != ""), fn, extra)
                else:
                    pt = _choose(pt.test(lambda v: v != ""), pt, extra)
        return sn, fn, pt, mixed, layout

    (sn, m1, l1), (fn, m2, l2), (pt, m3, l3) = column("surname"), column("first_name"), column("patronymic")
    split = fn.map(_split_given)
    given = Coded(fn.codes, _objects([g for g, _ in split.values]))
    second = Coded(fn.codes, _objects([t for _, t in split.values]))
    # "Kenneth P" beside a middle initial P: the second word is that middle name, written twice
    same = second.rows() != ""
    same[same] = np.char.lower(second.rows()[same].astype(str)).astype("<U1") == \
        np.char.lower(pt.rows()[same].astype(str)).astype("<U1")
    has_two = (pt.test(lambda v: v == "") & second.test(lambda v: v != "")) | same
    fn = _choose(has_two, given, fn)
    pt = _choose(has_two & pt.test(lambda v: v == ""), second, pt)
    # a given name typed into the surname column and a surname into the given-name column
    swap = _swapped(sn, fn)
    sn, fn = _choose(swap, fn, sn), _choose(swap, sn, fn)
    return sn, fn, pt, m1 | m2 | m3, l1 | l2 | l3


class ParsedNames(NamedTuple):
    """The surname, given name and patronymic `name_keys` parsed from one side's name cells, in the source
    spelling, as ``Coded`` columns: what the report shows of each row (`display_names`)."""

    surname: Coded
    first_name: Coded
    patronymic: Coded


def _names_frame(df: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """Raw surname, first_name, patronymic per row in the source spelling, plus row flags."""
    sn, fn, pt, mixed, layout = _names_coded(df, mapping)
    return pd.DataFrame({"surname": sn.rows(), "first_name": fn.rows(), "patronymic": pt.rows(),
                         "mixed": mixed, "layout": layout}, index=df.index)




# ------------------------------------------------------------------ keys

def name_keys(df: pd.DataFrame, mapping: Mapping, lexicon: NameLexicon | None = None
              ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, ParsedNames]:
    """The name keys of one side (``sn fn pt fn_is_init pt_is_init fn_canon sn_stem sn_phon fn_phon`` and the
    ``*_init`` letters, see `linker.standardize`), the mixed_script and layout_repaired row flags, and the
    names as parsed (for display); a full-name cell read with the registry's ``lexicon`` when given."""
    surname, first, patronymic, mixed, layout = _names_coded(df, mapping, lexicon)
    parsed = ParsedNames(surname, first, patronymic)
    # a surname split by a stray space or hyphen ("Журав-лев") keys as one word, as double surnames do
    if reads_h_as_g((surname.codes, surname.values), (first.codes, first.values),
                    (patronymic.codes, patronymic.values)):   # Ukrainian/Belarusian schemes: h is г
        surname, patronymic, first = surname.map(h_as_g), patronymic.map(h_as_g), first.map(given_h_as_g)
    sn = surname.map(lambda t: name_key(t).replace(" ", ""))
    if lexicon is not None:     # a Latin o may write ё (Shevelov = Шевелёв): as the registry's surnames show
        sn = Coded(sn.codes, _objects([lexicon.surname_key(k) if t.isascii() else k
                                       for t, k in zip(surname.values, sn.values)]))
    sn = sn.compact()
    fn_key = first.map(_key_and_initial)
    fn_is_init = np.fromiter((i for _, i in fn_key.values), bool, len(fn_key.values))[first.codes]
    fn = Coded(first.codes, _objects([k.replace(" ", "") for k, _ in fn_key.values])).compact()  # "Rus-lan"
    pt_key = patronymic.map(_key_and_initial)
    pt_is_init = np.fromiter((i for _, i in pt_key.values), bool, len(pt_key.values))[patronymic.codes]
    pt = Coded(patronymic.codes, _objects([k for k, _ in pt_key.values])).compact()
    sn_stem = sn.map(surname_stem)
    if lexicon is not None and len(lexicon.initials):
        fn, pt = _latin_initials(lexicon, sn_stem, (first, fn), (patronymic, pt))
    fn_canon = fn.map(lambda k: canonical_given(k) if len(k) > 1 else k)
    sn_rows, fn_rows = sn.rows(), fn.rows()
    data: dict[str, np.ndarray] = {
        "sn": sn_rows, "fn": fn_rows, "pt": pt.rows(), "fn_is_init": fn_is_init, "pt_is_init": pt_is_init,
        "fn_canon": fn_canon.rows(), "sn_stem": sn_stem.rows(), "sn_phon": sn_stem.map(phonetic).rows(),
        "fn_phon": fn_canon.map(phonetic).rows(),
    }
    for col, coded in (("fn", fn), ("pt", pt), ("sn", sn)):
        data[f"{col}_init"] = coded.map(lambda k: k[:1]).rows()
    return data, mixed, layout, parsed


def _latin_initials(lexicon: NameLexicon, sn_stem: Coded, given: tuple[Coded, Coded],
                    patronymic: tuple[Coded, Coded]) -> tuple[Coded, Coded]:
    """Given-name and patronymic keys with each Latin initial read as the registry shows it. A Latin
    initial may write more than its key's letter (`names._eastslavic.initial_readings`): "Y" writes Е or Ё
    (Yevgeny, Yegor: e) as often as Ю or Я (Yury, Yakov: i), and a Ukrainian or Belarusian source writes
    the initial of the name's own form (Mykola for Николай, Oleksandr for Александр). Among the registry's
    people of the entry's surname, the reading whose initials one of them holds is taken (the key's own
    first), else the key's own. Where they hold several readings of the patronymic's initial beside the
    given name's, readings any name's romanization allows ("D.Y." for Денис Евгеньевич and Денис Игоревич;
    not those of one name's national form), the letter cannot tell them apart, and it is left unknown so
    that the entry meets each of them and agrees with none on a letter it may not have written: where few
    enough people share the surname and given-name initial for blocking to meet them all
    (`NameLexicon.is_crowded`); among more, the first reading stays. ``given`` and ``patronymic`` are
    (source spelling, key) pairs."""
    def ambiguous(v: str) -> bool:
        m = _INITIAL.match(v)
        return bool(m) and len(initial_readings(m.group(1))) > 1

    fa, pa = given[0].test(ambiguous), patronymic[0].test(ambiguous)
    rows = np.flatnonzero(fa | pa)
    fn, pt = given[1], patronymic[1]
    if not len(rows):
        return fn, pt
    fn_rows, pt_rows = fn.rows().copy(), pt.rows().copy()
    letter_f = np.where(fa[rows], given[0].rows()[rows], "")
    letter_p = np.where(pa[rows], patronymic[0].rows()[rows], "")
    combo = sn_stem.rows()[rows] + "\x1f" + fn_rows[rows] + "\x1f" + pt_rows[rows] + "\x1f" + letter_f + \
        "\x1f" + letter_p
    codes, uniques = pd.factorize(combo, sort=False)
    picked_f, picked_p = [], []
    for u in uniques:
        stem, f, p, raw_f, raw_p = u.split("\x1f")
        options_f = initial_readings(_INITIAL.match(raw_f).group(1)) if raw_f else (f,)
        options_p = initial_readings(_INITIAL.match(raw_p).group(1)) if raw_p else (p,)
        held = [(a, b) for a in options_f for b in options_p if lexicon.holds_initials(stem, a[:1], b[:1])]
        got = held[0] if held else (f, p)
        if raw_p and not lexicon.is_crowded(stem, got[0][:1]):
            letters = initial_readings(_INITIAL.match(raw_p).group(1), names=False)
            if len({b for a, b in held if a == got[0] and b[:1] in letters}) > 1:
                got = (got[0], "")
        picked_f.append(got[0])
        picked_p.append(got[1])
    fn_rows[rows] = _objects(picked_f)[codes]
    pt_rows[rows] = _objects(picked_p)[codes]
    return (_coded(pd.Series(fn_rows, dtype=object)), _coded(pd.Series(pt_rows, dtype=object)))


def display_names(df: pd.DataFrame, mapping: Mapping, rows: np.ndarray | None = None, *,
                  parsed: ParsedNames | None = None, lexicon: NameLexicon | None = None) -> pd.DataFrame:
    """Surname, first name, patronymic as a reader would write them (parsed from a full name if needed), of
    every row of ``df`` or of ``rows`` (positions) only; index: those rows' labels.

    ``parsed``: the names `name_keys` found in this same ``df`` (a list's full names are then parsed once per
    run); without them the cells are parsed again, full names read with the registry ``lexicon`` the match
    read them with (Spark standardizes in its workers)."""
    if parsed is not None and len(parsed.surname.codes) != len(df):
        raise ValueError(f"display_names: parsed names of {len(parsed.surname.codes)} rows for a table of {len(df)}")
    if parsed is None:
        part = df if rows is None else df.iloc[rows]
        sn, fn, pt, _mixed, _layout = _names_coded(part, mapping, lexicon)
        cols = (sn.rows(), fn.rows(), pt.rows())
        index = part.index
    else:
        cols = tuple(c.rows() if rows is None else c.values[c.codes[rows]] for c in parsed)
        index = df.index if rows is None else df.index[rows]
    return pd.DataFrame({"surname": cols[0], "first_name": cols[1], "patronymic": cols[2]}, index=index)
