"""Multi-level comparisons of candidate pairs, vectorized.

Each comparison gives an int8 level per pair: -1 when a side is missing, 0 for "else", higher for closer.
String similarity is computed with ``rapidfuzz.process.cpdist`` on the *unique* value pairs of a chunk and
mapped back, so no Python code runs per pair. Surname and given name are compared in the order that fits
best, so a list that swapped them still agrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler, Levenshtein

from .compare_strings import code_point_matrix, pair_similarity, within_one_edit

NAME_COLS = ("sn", "sn_stem", "fn", "fn_canon", "pt")
#: the personal_number level of a number that agrees beside a given name that disagrees outright
IDENTIFIER_CONFLICT_LABEL = "agrees, given name disagrees"


@dataclass(frozen=True)
class Comparison:
    """One comparison, described once: compare computes its levels, the model reads its m anchor and its
    person-level bound, the chance test recombines its columns as one group (`linker.report.decoy`)."""

    name: str
    labels: tuple[str, ...]     # label of level 0, 1, ...; level -1 is "missing"
    field: str                  # the canonical field it compares (for display)
    #: standardized column both sides must hold for the comparison to be made ("": always made)
    present: str = ""
    #: standardized columns that travel together when the chance test recombines list fields
    group: tuple[str, ...] = ()
    #: Dirichlet prior of m: (m by level from "else" upwards, strength in pseudo-pairs per list entry);
    #: for the fields whose meaning is fixed, saying what damage does to them
    anchor: tuple[tuple[float, ...], float] | None = None
    #: person-level: (the levels that mean "not the same person", the most match mass they may hold
    #: whatever EM finds; `linker.model_person`)
    person_level: tuple[tuple[str, ...], float] | None = None


COMPARISONS: dict[str, Comparison] = {c.name: c for c in (
    Comparison("surname", ("else", "fuzzy", "close", "gendered form / ё", "exact"), "surname",
               group=("sn", "sn_stem", "sn_phon", "sn_init")),
    # a given name that disagrees outright (not a nickname or an initial): a household's members are
    # candidate pairs too, and EM would otherwise learn that "matches" disagree on it
    Comparison("first_name", ("else", "fuzzy", "middle name in its place", "initial agrees", "close",
                              "diminutive / variant", "exact"), "first_name",
               present="fn", group=("fn", "fn_canon", "fn_phon", "fn_init", "fn_is_init"),
               person_level=(("else",), 0.03)),
    Comparison("patronymic", ("else", "fuzzy", "initial agrees", "close", "exact"), "patronymic",
               present="pt", group=("pt", "pt_init", "pt_is_init")),
    # "far apart" (two full dates years apart, not one digit off) is what copying another person's date
    # does, rarer than any damage: part of the former "else" (0.03)
    Comparison("birth_date", ("far apart", "else", "same year", "partial date agrees",
                              "one digit off / day-month swapped", "exact"), "birth_date",
               present="by", group=("by", "bm", "bd"), anchor=((0.005, 0.025, 0.03, 0.04, 0.10, 0.80), 1.0),
               person_level=(("far apart", "else", "same year"), 0.06)),
    # "agrees, given name disagrees": the number agrees (exactly or nearly) while the given name disagrees
    # outright: what a number borrowed from a family member, or copied onto a forged list, looks like
    # (people do not share given names with the one whose number they use); its own level, so that its
    # weight is fitted apart from a number that agrees beside a name that fits (`linker.model_person`);
    # for one person's records it is damage that replaced the name
    Comparison("personal_number", ("else", IDENTIFIER_CONFLICT_LABEL, "one character off or swapped",
                                   "digits agree, letters differ", "exact"), "personal_number",
               present="pnum", group=("pnum", "pnum_t", "pnum_d"),
               anchor=((0.03, 0.015, 0.05, 0.04, 0.865), 1.0), person_level=(("else",), 0.05)),
    # soft fields: people are promoted, transferred, re-filed (mobilized as contract); a list's rank,
    # category or unit disagreeing is common in real data even where a generator makes it rare
    Comparison("rank", ("else", "promoted 1-2 steps", "exact"), "rank", present="rank", group=("rank",),
               anchor=((0.08, 0.17, 0.75), 0.5)),
    Comparison("category", ("else", "compatible (contract/mobilized)", "exact"), "category", present="cat",
               group=("cat",), anchor=((0.08, 0.12, 0.80), 0.5)),
    Comparison("unit", ("else", "exact"), "unit", present="unit", group=("unit",), anchor=((0.15, 0.85), 0.5)),
    # sex (M/F, Male/Female, м/ж, муж./жен.: `linker.fields.sex_of`): a disagreement is evidence against,
    # a blank none; recording errors make it rare for one person's records, never absent
    Comparison("sex", ("else", "exact"), "sex", present="sex", group=("sex",),
               person_level=(("else",), 0.02)),
)}


def text_comparison(i: int, name: str) -> Comparison:
    return Comparison(f"t_{i}", ("else", "fuzzy", "exact"), f"text:{name}")


@dataclass
class Encoded:
    """Both sides' standardized columns with strings turned into codes of one shared vocabulary."""

    left: dict[str, np.ndarray]
    right: dict[str, np.ndarray]
    vocab: dict[str, np.ndarray]          # vocabulary name -> strings by code (code 0 is "")
    comparisons: tuple[Comparison, ...]
    #: the vocabularies' character matrices (`code_points`), shared by encodings of the same vocabularies
    code_point_cache: dict = field(default_factory=dict, repr=False, compare=False)
    first_letter_cache: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def first_letter(self) -> np.ndarray:
        """Code of the first letter of each name-vocabulary entry (0 for the empty entry)."""
        cached = self.first_letter_cache
        if cached is None:
            cached = pd.factorize(pd.Series([v[:1] for v in self.vocab["name"]], dtype=object))[0]
            self.first_letter_cache = cached
        return cached

    def code_points(self, vocab: str, width: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """(characters of each entry of a vocabulary as a zero-padded matrix of at most ``width`` columns,
        one small integer per distinct character; length of each entry), cached (and handed on by
        `restrict` and `linker.listdupes.recode`). Entries longer than the matrix is wide are cut (their
        length says so)."""
        cache = self.code_point_cache
        if vocab not in cache:
            cache[vocab] = code_point_matrix(self.vocab[vocab], width)
        return cache[vocab]

    def pair_codes(self, cl: str, cr: str) -> tuple[np.ndarray, np.ndarray, int] | None:
        """(codes of list column ``cl``, codes of registry column ``cr``, vocabulary size) when both are coded
        in one vocabulary (code 0 is ""), so that equal codes are equal strings; else None."""
        group = {c: ("name" if c in NAME_COLS else c) for c in (cl, cr)}
        if group[cl] != group[cr] or group[cl] not in self.vocab or cl not in self.left or cr not in self.right:
            return None
        return self.left[cl], self.right[cr], len(self.vocab[group[cl]])

    @property
    def n_left(self) -> int:
        return len(next(iter(self.left.values())))


def _encode_strings(cols_l: list[pd.Series], cols_r: list[pd.Series]) -> tuple[list, list, np.ndarray]:
    """Codes of the columns' strings in one vocabulary: ``""`` is code 0, the other strings sorted.
    One hashing pass over all the values; only the distinct ones are sorted."""
    arrays = [c.to_numpy(object) for c in (*cols_l, *cols_r)]
    allv = np.concatenate(arrays) if arrays else np.zeros(0, object)
    codes, uniq = pd.factorize(allv, sort=False)
    uniq = np.asarray(uniq, dtype=object)
    if len(codes) and (codes < 0).any():          # a missing value that is not "": the general path below
        return _encode_strings_slow(cols_l, cols_r)
    if pd.api.types.infer_dtype(uniq, skipna=False) not in ("string", "empty"):
        return _encode_strings_slow(cols_l, cols_r)
    nonempty = np.flatnonzero(uniq != "")
    order = nonempty[np.argsort(uniq[nonempty].astype(str), kind="stable")]
    rank = np.zeros(len(uniq), np.int32)
    rank[order] = np.arange(1, len(order) + 1, dtype=np.int32)
    vocab = np.concatenate([np.array([""], dtype=object), uniq[order]])
    out, at = [], 0
    for a in arrays:
        out.append(rank[codes[at:at + len(a)]])
        at += len(a)
    return out[:len(cols_l)], out[len(cols_l):], vocab


def _encode_strings_slow(cols_l: list[pd.Series], cols_r: list[pd.Series]) -> tuple[list, list, np.ndarray]:
    allv = pd.concat([*cols_l, *cols_r], ignore_index=True).astype(object)
    uniq = pd.unique(allv[allv != ""])
    uniq = np.concatenate([np.array([""], dtype=object), np.sort(uniq.astype(str)).astype(object)])
    index = pd.Index(uniq)
    enc_l = [index.get_indexer(c.to_numpy(object)).astype(np.int32) for c in cols_l]
    enc_r = [index.get_indexer(c.to_numpy(object)).astype(np.int32) for c in cols_r]
    return enc_l, enc_r, uniq


def _present(std: pd.DataFrame, col: str) -> bool:
    if col not in std:
        return False
    s = std[col]
    return bool((s != "").any()) if s.dtype == object else bool((s > 0).any() if col in ("by",) else (s >= 0).any())


def encode(std_l: pd.DataFrame, std_r: pd.DataFrame) -> Encoded:
    """Codes for every standardized column, and the comparisons both sides can support."""
    left: dict[str, np.ndarray] = {}
    right: dict[str, np.ndarray] = {}
    vocab: dict[str, np.ndarray] = {}
    el, er, v = _encode_strings([std_l[c] for c in NAME_COLS], [std_r[c] for c in NAME_COLS])
    for c, a, b in zip(NAME_COLS, el, er):
        left[c], right[c] = a, b
    vocab["name"] = v
    string_cols = ["pnum", "pnum_t", "pnum_d", "cat", "unit", "sex"] + [c for c in std_l.columns if c.startswith("t_")]
    blank = lambda std: pd.Series([""] * len(std), index=std.index, dtype=object)  # noqa: E731
    for c in string_cols:      # a column a standardized table lacks (made before it existed) is blank
        (a,), (b,), v = _encode_strings([std_l[c] if c in std_l else blank(std_l)],
                                        [std_r[c] if c in std_r else blank(std_r)])
        left[c], right[c], vocab[c] = a, b, v
    for c in ("fn_is_init", "pt_is_init"):
        left[c], right[c] = std_l[c].to_numpy(bool), std_r[c].to_numpy(bool)
    for c in ("by", "bm", "bd"):
        left[c], right[c] = std_l[c].to_numpy(np.int16), std_r[c].to_numpy(np.int16)
    left["rank"], right["rank"] = std_l["rank"].to_numpy(np.int8), std_r["rank"].to_numpy(np.int8)

    both = lambda c: _present(std_l, c) and _present(std_r, c)  # noqa: E731
    comps = [c for c in COMPARISONS.values() if not c.present or both(c.present)]
    for c in std_l.columns:
        if c.startswith("t_") and both(c):
            comps.append(text_comparison(int(c[2:]), std_l.attrs.get("text_names", {}).get(c, c)))
    return Encoded(left, right, vocab, tuple(comps))


def _given_similarity(V: np.ndarray, fn_l: np.ndarray, fc_l: np.ndarray, fn_r: np.ndarray, fc_r: np.ndarray,
                      workers: int) -> np.ndarray:
    """Jaro-Winkler similarity of two given names: of their full-name forms (a nickname reaches its name),
    or of the names as written where that is closer (a typo in a name that is itself a short form, Henry
    written Enry, must not be measured against the full name the short form stands for)."""
    jw = JaroWinkler.normalized_similarity
    sim = pair_similarity(V, fc_l, fc_r, jw, workers)
    low = np.flatnonzero((sim < 0.93) & (fn_l != fn_r) & (fn_l > 0) & (fn_r > 0))
    if len(low):
        sim[low] = np.maximum(sim[low], pair_similarity(V, fn_l[low], fn_r[low], jw, workers))
    return sim


def _nickname_codes(V: np.ndarray) -> np.ndarray:
    """Sorted ``code_a * len(V) + code_b`` of the pairs of ``V`` (a sorted vocabulary, code 0 the empty
    string) where one is a nickname or diminutive of the other (`linker.names.nickname_pairs`)."""
    from .names import nickname_pairs

    pairs = np.array(nickname_pairs(), dtype=object).reshape(-1, 2)
    if not len(pairs) or len(V) < 2:
        return np.zeros(0, np.int64)
    words = V[1:]

    def codes(keys: np.ndarray) -> np.ndarray:
        at = np.clip(np.searchsorted(words, keys), 0, len(words) - 1)
        return np.where(words[at] == keys, at + 1, -1)

    ca, cb = codes(pairs[:, 0]), codes(pairs[:, 1])
    known = (ca > 0) & (cb > 0)
    return np.unique(ca[known].astype(np.int64) * np.int64(len(V)) + cb[known])


def _name_levels(enc: Encoded, il: np.ndarray, ir: np.ndarray, workers: int) -> dict[str, np.ndarray]:
    L, R, V = enc.left, enc.right, enc.vocab["name"]
    jw = JaroWinkler.normalized_similarity
    sn_l, sn_r = L["sn"][il], R["sn"][ir]
    fc_l, fc_r = L["fn_canon"][il], R["fn_canon"][ir]
    straight = pair_similarity(V, sn_l, sn_r, jw, workers)
    straight_fn = _given_similarity(V, L["fn"][il], fc_l, R["fn"][ir], fc_r, workers)
    # the list may have swapped surname and given name: compare crosswise where that fits far better
    cand = (straight < 0.85) & (sn_l > 0) & (fc_r > 0)
    swapped = np.zeros(len(il), bool)
    if cand.any():
        idx = np.flatnonzero(cand)
        # each given name as written or in its full form (Katie in the surname cell is not Ekaterina)
        x1 = np.maximum(pair_similarity(V, sn_l[idx], fc_r[idx], jw, workers),
                        pair_similarity(V, sn_l[idx], R["fn"][ir[idx]], jw, workers))
        x2 = np.maximum(pair_similarity(V, fc_l[idx], sn_r[idx], jw, workers),
                        pair_similarity(V, L["fn"][il[idx]], sn_r[idx], jw, workers))
        swapped[idx] = (x1 >= 0.9) & (x2 >= 0.9) & (x1 + x2 > straight[idx] + straight_fn[idx] + 0.2)
    r_sn = np.where(swapped, R["fn"][ir], sn_r)
    r_stem = np.where(swapped, R["fn_canon"][ir], R["sn_stem"][ir])
    r_fn = np.where(swapped, R["sn"][ir], R["fn"][ir])
    r_fc = np.where(swapped, R["sn_stem"][ir], fc_r)
    l_stem = L["sn_stem"][il]
    sim_sn = straight.copy()
    sw = np.flatnonzero(swapped)          # crosswise similarity only where the order was swapped (rare)
    if len(sw):
        sim_sn[sw] = pair_similarity(V, sn_l[sw], r_sn[sw], jw, workers)

    # surname
    lev = np.zeros(len(il), np.int8)
    lev[sim_sn >= 0.85] = 1
    lev[sim_sn >= 0.94] = 2
    lev[l_stem == r_stem] = 3
    lev[sn_l == r_sn] = 4
    lev[(sn_l == 0) | (r_sn == 0)] = -1
    out = {"surname": lev}

    # given name: initials, diminutives
    fn_l = L["fn"][il]
    fi_l, fi_r = L["fn_is_init"][il], np.where(swapped, False, R["fn_is_init"][ir])
    sim_fn = straight_fn.copy()
    if len(sw):
        sim_fn[sw] = _given_similarity(V, fn_l[sw], fc_l[sw], r_fn[sw], r_fc[sw], workers)
    full = ~fi_l & ~fi_r
    lev = np.zeros(len(il), np.int8)
    first = enc.first_letter
    first_l, first_r = first[fn_l], first[r_fn]
    lev[full & (sim_fn >= 0.85)] = 1
    # one side goes by its middle name: its given name is the other's middle name (or patronymic)
    pt_l, pt_r = L["pt"][il], R["pt"][ir]
    shifted = ~swapped & (((fn_l == pt_r) & (pt_r > 0) & ~R["pt_is_init"][ir] & ~fi_l)
                          | ((pt_l == r_fn) & (pt_l > 0) & ~L["pt_is_init"][il] & ~fi_r))
    lev[shifted & (lev < 2)] = 2
    lev[(fi_l | fi_r) & (first_l == first_r)] = 3
    lev[full & (sim_fn >= 0.93)] = 4
    rel = np.flatnonzero(full & (lev < 5) & (fn_l > 0) & (r_fn > 0))
    if len(rel):        # a nickname of the other's name (Bill: Robert as well as William)
        nick, n = _nickname_codes(V), np.int64(len(V))
        hit = np.zeros(len(rel), bool)
        if len(nick):
            for a, b in ((fn_l, r_fn), (fc_l, r_fn), (fn_l, r_fc)):
                code = a[rel].astype(np.int64) * n + b[rel]        # membership by binary search (sorted)
                hit |= nick[np.clip(np.searchsorted(nick, code), 0, len(nick) - 1)] == code
        lev[rel[hit]] = 5
    lev[full & (fc_l == r_fc)] = 5
    lev[full & (fn_l == r_fn)] = 6
    lev[(fn_l == 0) | (r_fn == 0)] = -1
    out["first_name"] = lev

    if any(c.name == "patronymic" for c in enc.comparisons):
        pi_l, pi_r = L["pt_is_init"][il], R["pt_is_init"][ir]
        sim = pair_similarity(V, pt_l, pt_r, jw, workers)
        full = ~pi_l & ~pi_r
        first_l, first_r = first[pt_l], first[pt_r]
        lev = np.zeros(len(il), np.int8)
        lev[full & (sim >= 0.85)] = 1
        lev[(pi_l | pi_r) & (first_l == first_r)] = 2
        lev[full & (sim >= 0.93)] = 3
        lev[full & (pt_l == pt_r)] = 4
        lev[(pt_l == 0) | (pt_r == 0)] = -1
        out["patronymic"] = lev
    return out


def _digits_differing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many of the 8 digits of two YYYYMMDD numbers differ (no 8-column matrix built)."""
    count = np.zeros(len(a), np.int8)
    for _ in range(8):
        count += (a % 10) != (b % 10)
        a, b = a // 10, b // 10
    return count


def _date_levels(enc: Encoded, il: np.ndarray, ir: np.ndarray) -> np.ndarray:
    L, R = enc.left, enc.right
    yl, ml, dl = L["by"][il], L["bm"][il], L["bd"][il]
    yr, mr, dr = R["by"][ir], R["bm"][ir], R["bd"][ir]
    full_l = (yl > 0) & (ml > 0) & (dl > 0)
    full_r = (yr > 0) & (mr > 0) & (dr > 0)
    full = full_l & full_r
    lev = np.ones(len(il), np.int8)
    hamming = _digits_differing(yl.astype(np.int64) * 10000 + ml.astype(np.int64) * 100 + dl,
                                yr.astype(np.int64) * 10000 + mr.astype(np.int64) * 100 + dr)
    # two full dates years apart that no single slip of a digit explains: another person's date
    lev[full & (np.abs(yl.astype(np.int32) - yr) >= 2) & (hamming > 1)] = 0
    lev[yl == yr] = 2
    partial = ~full & (yl == yr) & ((ml == 0) | (mr == 0) | (ml == mr)) & ((dl == 0) | (dr == 0) | (dl == dr))
    lev[partial] = 3
    swapped = (yl == yr) & (ml == dr) & (dl == mr)
    lev[full & ((hamming == 1) | swapped)] = 4
    lev[full & (yl == yr) & (ml == mr) & (dl == dr)] = 5
    lev[(yl == 0) | (yr == 0)] = -1
    return lev


def _string_levels(enc: Encoded, col: str, il: np.ndarray, ir: np.ndarray, workers: int,
                   *, fuzzy: str) -> np.ndarray:
    a, b = enc.left[col][il], enc.right[col][ir]
    V = enc.vocab[col]
    lev = np.zeros(len(il), np.int8)
    if fuzzy == "edit1":
        # only whether the distance is at most 1 matters: scored per pair (mostly distinct numbers) with a
        # cutoff that stops each comparison past 1; pairs with a side missing are set to -1 below
        lev[within_one_edit(enc, col, a, b, workers)] = 1
        lev[a == b] = 2
    elif fuzzy == "ratio":
        sim = pair_similarity(V, a, b, Levenshtein.normalized_similarity, workers)
        lev[sim >= 0.8] = 1
        lev[a == b] = 2
    else:
        lev[a == b] = 1
    lev[(a == 0) | (b == 0)] = -1
    return lev


def _number_levels(enc: Encoded, il: np.ndarray, ir: np.ndarray, workers: int, done: dict) -> np.ndarray:
    lev = _string_levels(enc, "pnum", il, ir, workers, fuzzy="edit1")          # -1, 0, 1, 2=exact
    lev = np.where(lev == 2, 4, np.where(lev == 1, 2, lev)).astype(np.int8)
    dl, dr = enc.left["pnum_d"][il], enc.right["pnum_d"][ir]
    lev[(lev >= 0) & (lev < 3) & (dl == dr) & (dl > 0)] = 3
    tl, tr = enc.left["pnum_t"][il], enc.right["pnum_t"][ir]
    lev[(tl == tr) & (tl > 0)] = 4                                           # a transliteration of it
    if "first_name" in done:       # two full given names that disagree (an initial may be another script's)
        full = ~enc.left["fn_is_init"][il] & ~enc.right["fn_is_init"][ir]
        lev[(lev >= 2) & (done["first_name"] == 0) & full] = 1
    return lev


def _rank_levels(enc: Encoded, il: np.ndarray, ir: np.ndarray, workers: int, done: dict) -> np.ndarray:
    a, b = enc.left["rank"][il].astype(np.int16), enc.right["rank"][ir].astype(np.int16)
    lev = np.zeros(len(il), np.int8)
    lev[(a - b >= 1) & (a - b <= 2)] = 1
    lev[a == b] = 2
    lev[(a < 0) | (b < 0)] = -1
    return lev


def _category_levels(enc: Encoded, il: np.ndarray, ir: np.ndarray, workers: int, done: dict) -> np.ndarray:
    a, b = enc.left["cat"][il], enc.right["cat"][ir]
    V = enc.vocab["cat"]
    compatible = np.isin(V[a], ["contract", "mobilized"]) & np.isin(V[b], ["contract", "mobilized"])
    lev = np.zeros(len(il), np.int8)
    lev[compatible] = 1
    lev[a == b] = 2
    lev[(a == 0) | (b == 0)] = -1
    return lev


#: how each described comparison's levels are computed (the name comparisons come from `_name_levels`, in
#: one pass); ``done`` holds the levels computed before it, in `COMPARISONS` order
LEVELS = {
    "birth_date": lambda enc, il, ir, workers, done: _date_levels(enc, il, ir),
    "personal_number": _number_levels,
    "rank": _rank_levels,
    "category": _category_levels,
    "unit": lambda enc, il, ir, workers, done: _string_levels(enc, "unit", il, ir, workers, fuzzy="none"),
    "sex": lambda enc, il, ir, workers, done: _string_levels(enc, "sex", il, ir, workers, fuzzy="none"),
}
NAME_COMPARISONS = ("surname", "first_name", "patronymic")


def compare(enc: Encoded, il: np.ndarray, ir: np.ndarray, *, workers: int = -1) -> pd.DataFrame:
    """A ``gamma_<comparison>`` int8 column per comparison, one row per pair (il[k], ir[k])."""
    il = np.asarray(il, np.int64)
    ir = np.asarray(ir, np.int64)
    out: dict[str, np.ndarray] = {}
    names = {c.name for c in enc.comparisons}
    out.update({k: v for k, v in _name_levels(enc, il, ir, workers).items() if k in names})
    for name in COMPARISONS:
        if name in names and name not in NAME_COMPARISONS:
            out[name] = LEVELS[name](enc, il, ir, workers, out)
    for c in enc.comparisons:
        if c.name.startswith("t_"):
            out[c.name] = _string_levels(enc, c.name, il, ir, workers, fuzzy="ratio")
    return pd.DataFrame({f"gamma_{c.name}": out[c.name] for c in enc.comparisons})


def restrict(enc: Encoded, comparisons: tuple[Comparison, ...], *, source: str) -> Encoded:
    """Use a saved model's comparisons; each must be computable on these inputs."""
    from .errors import ConfigError

    for c in comparisons:
        known = COMPARISONS.get(c.name)
        if known is not None and len(known.labels) != len(c.labels):
            raise ConfigError(f"{source}: comparison {c.name!r} has {len(c.labels)} levels, this linker has "
                              f"{len(known.labels)}; fit a new model without --model")
        if c.name.startswith("t_") and c.name not in enc.left:
            raise ConfigError(f"{source}: the model compares {c.field!r}, which these inputs do not share; "
                              "fit a new model without --model, or map that column on both sides")
    return Encoded(enc.left, enc.right, enc.vocab, tuple(comparisons),
                   code_point_cache=enc.code_point_cache)            # same vocabularies


def compare_in_chunks(enc: Encoded, left: np.ndarray, right: np.ndarray, chunk: int, workers: int,
                      progress=None) -> pd.DataFrame:
    """`compare` of the pairs ``chunk`` at a time (bounded memory), advancing ``progress`` (a
    `linker.progress.Progress`) by each chunk's pairs."""
    parts = []
    for start in range(0, len(left), chunk):
        parts.append(compare(enc, left[start:start + chunk], right[start:start + chunk], workers=workers))
        if progress:
            progress.update(min(chunk, len(left) - start))
    if not parts:
        return compare(enc, left, right, workers=workers)
    return pd.concat(parts, ignore_index=True)

