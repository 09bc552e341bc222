"""A second, approximate search for the entries blocking left without a likely record.

Blocking proposes a pair only when some key agrees exactly (the surname stem with the given name, the
date, the personal number...). An entry damaged in every key finds nobody: typos in both the surname and
the given name with a number one digit off, names moved between the columns, one of two surnames written
alone. Every entry left below the review threshold gets a second look here, on the keys the run already
has (`linker.compare.Encoded`), whatever engine produced the first candidates:

- names within one edit: each name of the entry, and each name of the registry's vocabularies, stands for
  its one-letter deletions (a symmetric deletion neighbourhood: a substitution, an insertion, a deletion
  or two neighbouring letters swapped keep one deletion in common); a surname that is the first or the
  last part of the other side's double surname (Vargas / Vargas Perez) counts as near too. A registry
  record is a candidate when its surname is near the entry's surname and its given name (full form) near
  the entry's, or the same crosswise (the two written in each other's column);
- the personal number one digit off or with two neighbouring digits swapped, beside a name that fits a
  little (every such neighbour of the entry's number is looked up among the registry's numbers).

The work is on the distinct names of the few entries looked at and on the registry's vocabularies, never
on the registry's rows, and each entry keeps at most `PER_ENTRY` candidates (the nearest by name), so the
cost is bounded whatever the registry's size. The new pairs are compared and scored by the run's model as
the others are (`linker.pipeline.run_match`); the outputs are a function of the input alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from . import compare as cmp, model as fs
from .compare import Encoded
from .compare_strings import pair_similarity

__all__ = ["search", "extend", "PER_ENTRY"]

#: candidates kept per entry looked at (the nearest by name)
PER_ENTRY = 8
#: registry names kept near one name of an entry (the nearest first)
NEAR_NAMES = 40
#: a name this long or longer stands for its one-letter deletions (shorter ones only for themselves)
MIN_DELETE = 3
#: a name of the entry this long or longer stands for its two-letter deletions too
MIN_DELETE_TWO = 6
#: the part of a double surname that is written alone is at least this long, and so is the rest
MIN_PART = 3
#: a number one digit off counts beside a name part at least this similar (Jaro-Winkler)
NUMBER_NAME_SIM = 0.8
#: a near name (surname and given name) that more registry people hold than this is no lead by itself
MAX_NAMESAKES = 20
#: digits of a personal number looked at (longer numbers are left to the exact rules)
MAX_DIGITS = 18


def _codes_in(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct codes (below ``size``) of ``codes``, ascending, without sorting them."""
    seen = np.zeros(size, bool)
    seen[codes] = True
    return np.flatnonzero(seen)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (a sort: no hash table of millions of pair codes)."""
    v = np.sort(values)
    return v[np.r_[True, v[1:] != v[:-1]]] if len(v) else v


def _deletions(values: np.ndarray, *, two: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(index into ``values``, key) of each value itself and, from `MIN_DELETE` letters, each one-letter
    deletion of it; with ``two``, from `MIN_DELETE_TWO` letters each two-letter deletion too."""
    idx, keys = [], []
    for i, v in enumerate(values.tolist()):
        forms = {v}
        if len(v) >= MIN_DELETE:
            forms.update(v[:k] + v[k + 1:] for k in range(len(v)))
        if two and len(v) >= MIN_DELETE_TWO:
            forms.update(v[:a] + v[a + 1:b] + v[b + 1:] for a in range(len(v)) for b in range(a + 1, len(v)))
        idx.extend([i] * len(forms))
        keys.extend(sorted(forms))
    return np.asarray(idx, np.int64), np.asarray(keys, dtype=object)


def _compound(queries: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(query index, target index) where one is the first or the last part of the other (keys of double
    surnames are written without the space: vargasperez), both parts at least `MIN_PART` letters."""
    qi, ti = [], []
    for rev in (False, True):
        q = np.array([s[::-1] if rev else s for s in queries.tolist()], dtype=object)
        t = np.array([s[::-1] if rev else s for s in targets.tolist()], dtype=object)
        order = np.argsort(t.astype(str), kind="stable")
        ts = t[order].astype(str)
        # the target longer: it starts with the query
        lo = np.searchsorted(ts, q.astype(str), side="left")
        hi = np.searchsorted(ts, np.char.add(q.astype(str), "\U0010ffff"), side="left")
        for i in np.flatnonzero((hi > lo) & (np.fromiter(map(len, q), np.int64, len(q)) >= MIN_PART)):
            span = order[lo[i]:hi[i]]
            keep = span[np.fromiter((len(targets[j]) >= len(queries[i]) + MIN_PART for j in span), bool, len(span))]
            qi.extend([i] * len(keep))
            ti.extend(keep.tolist())
        # the query longer: one of its heads is a target
        where: dict[str, int] = {}
        for j, w in enumerate(t.tolist()):
            where.setdefault(w, j)
        for i, s in enumerate(q.tolist()):
            for cut in range(MIN_PART, len(s) - MIN_PART + 1):
                j = where.get(s[:cut])
                if j is not None:
                    qi.append(i)
                    ti.append(int(j))
    return np.asarray(qi, np.int64), np.asarray(ti, np.int64)


def _near(V: np.ndarray, query: np.ndarray, target: np.ndarray, *, compound: bool, workers: int
          ) -> pd.DataFrame:
    """Columns q, t (codes into ``V``), sim: the target names within one edit of each query name (itself
    included; a long query name: one deletion of the target's against two of the query's), and for surnames the double-surname parts; at most `NEAR_NAMES` per query, the nearest."""
    query, target = query[query > 0], target[target > 0]
    if not len(query) or not len(target):
        return pd.DataFrame({"q": np.zeros(0, np.int64), "t": np.zeros(0, np.int64), "sim": np.zeros(0)})
    qi, qk = _deletions(V[query], two=True)
    ti, tk = _deletions(V[target])
    hit = pd.DataFrame({"q": query[qi], "k": qk}).merge(pd.DataFrame({"t": target[ti], "k": tk}), on="k")
    q, t = hit["q"].to_numpy(np.int64), hit["t"].to_numpy(np.int64)
    if compound:
        cq, ct = _compound(V[query], V[target])
        q, t = np.r_[q, query[cq]], np.r_[t, target[ct]]
    nv = np.int64(len(V))
    code = _distinct(q * nv + t)
    pq, pt = code // nv, code % nv
    sim = pair_similarity(V, pq, pt, JaroWinkler.normalized_similarity, workers)
    out = pd.DataFrame({"q": pq, "t": pt, "sim": sim.astype(float)})
    out = out.sort_values(["q", "sim", "t"], ascending=[True, False, True], kind="stable")
    return out[out.groupby("q").cumcount() < NEAR_NAMES].reset_index(drop=True)


def _name_pairs(enc: Encoded, pool: np.ndarray, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """(entry, registry row) of the registry records whose surname and full given name are near the
    entry's (straight or crosswise)."""
    L, R, V = enc.left, enc.right, enc.vocab["name"]
    sn_l, fn_l, fc_l = L["sn"][pool], L["fn"][pool], L["fn_canon"][pool]
    given = ~L["fn_is_init"][pool] & (sn_l > 0) & (fc_l > 0)
    pool, sn_l, fn_l, fc_l = pool[given], sn_l[given], fn_l[given], fc_l[given]
    if not len(pool):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    sn_r, fn_r, fc_r = R["sn"], R["fn"], R["fn_canon"]
    full_r = ~R["fn_is_init"] & (sn_r > 0) & (fc_r > 0)
    vocab_sn = _codes_in(sn_r[full_r], len(V))
    vocab_fc = _codes_in(np.r_[fc_r[full_r], fn_r[full_r]], len(V))
    names_l = _codes_in(np.r_[sn_l, fn_l, fc_l], len(V))
    near_sn = _near(V, names_l, vocab_sn, compound=True, workers=workers)
    near_fc = _near(V, names_l, vocab_fc, compound=False, workers=workers)
    # the registry's (surname, given name) combinations, each with its rows: the given name as written
    # and in its full form (Paul / Pavel)
    nv = np.int64(len(V))
    rows_r = np.flatnonzero(full_r)
    combo_r = np.r_[sn_r[rows_r].astype(np.int64) * nv + fc_r[rows_r], sn_r[rows_r].astype(np.int64) * nv + fn_r[rows_r]]
    rows_r = np.r_[rows_r, rows_r]
    order = np.argsort(combo_r, kind="stable")
    combo_s, rows_s = combo_r[order], rows_r[order]
    outs_e, outs_r = [], []
    entry = np.arange(len(pool))
    for sn_from, fn_from in (((sn_l,), (fc_l, fn_l)), ((fc_l, fn_l), (sn_l,))):   # straight, crosswise
        a = pd.concat([pd.DataFrame({"e": entry, "q": c}) for c in sn_from]).merge(near_sn, on="q")
        b = pd.concat([pd.DataFrame({"e": entry, "q": c}) for c in fn_from]).merge(near_fc, on="q")
        a = a.groupby(["e", "t"], sort=True)["sim"].max().reset_index()
        b = b.groupby(["e", "t"], sort=True)["sim"].max().reset_index()
        ab = a.merge(b, on="e", suffixes=("_sn", "_fc"))
        key = ab["t_sn"].to_numpy(np.int64) * nv + ab["t_fc"].to_numpy(np.int64)
        lo, hi = np.searchsorted(combo_s, key, "left"), np.searchsorted(combo_s, key, "right")
        n = hi - lo
        # a name many registry people hold is no lead by itself; of the others, each entry's nearest
        e = ab["e"].to_numpy(np.int64)
        score = ab["sim_sn"].to_numpy() + ab["sim_fc"].to_numpy()
        ok = np.flatnonzero((n > 0) & (n <= MAX_NAMESAKES))
        ok = ok[np.lexsort((key[ok], -score[ok], e[ok]))]
        starts = np.r_[0, np.flatnonzero(e[ok][1:] != e[ok][:-1]) + 1] if len(ok) else np.zeros(0, np.int64)
        rank = np.arange(len(ok)) - np.repeat(starts, np.diff(np.r_[starts, len(ok)]))
        ok = ok[rank < PER_ENTRY]
        lo, n = lo[ok], n[ok]
        at = np.repeat(lo, n) + (np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n))
        outs_e.append(np.repeat(e[ok], n))
        outs_r.append(rows_s[at])
    return pool[np.concatenate(outs_e)], np.concatenate(outs_r).astype(np.int64)


def _digits(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(matrix of digit + 1 per position, 0 past the end; length) of each value, length 0 for a value that
    is not ASCII digits only or longer than `MAX_DIGITS`."""
    short = np.fromiter(map(len, values), np.int64, len(values)) <= MAX_DIGITS
    u = np.asarray(np.where(short, values, ""), dtype=str)       # a long cell cannot widen the matrix
    width = max(int(u.dtype.itemsize // 4), 1)
    codes = u.view(np.uint32).reshape(len(u), width).astype(np.int64)
    lens = np.char.str_len(u).astype(np.int64)
    inside = np.arange(width) < lens[:, None]
    digit = (codes >= 48) & (codes <= 57)
    ok = (lens > 0) & (lens <= MAX_DIGITS) & (digit | ~inside).all(axis=1)
    mat = np.where(inside & ok[:, None], codes - 47, 0)[:, :MAX_DIGITS]
    return mat, np.where(ok, lens, 0)


def _hash(mat: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """A number for each digit row (exact: base 11 over at most 18 digits), apart per length."""
    h = np.zeros(len(mat), np.int64)
    for j in range(mat.shape[1]):
        h = h * 11 + mat[:, j]
    return h * 32 + lens


def _number_pairs(enc: Encoded, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(entry, registry row) of the registry records whose personal number (its digits) is the entry's
    with one digit changed or two neighbouring digits swapped: each such neighbour of the entry's number is
    looked up among the vocabulary's numbers, and the registry rows holding it found by their code."""
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    if "pnum_d" not in enc.left:
        return empty
    V = enc.vocab["pnum_d"]
    code_l, code_r = enc.left["pnum_d"][pool], enc.right["pnum_d"]
    has = code_l > 0
    pool, code_l = pool[has], code_l[has]
    if not len(pool) or len(V) < 2:
        return empty
    mat_v, len_v = _digits(V[1:])
    hv = np.where(len_v > 0, _hash(mat_v, len_v), -1)
    order_v = np.argsort(hv, kind="stable")
    hv_sorted = hv[order_v]
    # every neighbour of each entry's number
    m, ln = mat_v[code_l - 1], len_v[code_l - 1]
    width = m.shape[1]
    owners, hs = [], []
    for j in range(width):
        for d in range(1, 11):
            sel = np.flatnonzero((ln > j) & (m[:, j] != d))
            alt = m[sel].copy()
            alt[:, j] = d
            owners.append(sel)
            hs.append(_hash(alt, ln[sel]))
        if j + 1 < width:
            sel = np.flatnonzero((ln > j + 1) & (m[:, j] != m[:, j + 1]))
            alt = m[sel].copy()
            alt[:, [j, j + 1]] = alt[:, [j + 1, j]]
            owners.append(sel)
            hs.append(_hash(alt, ln[sel]))
    owner, h = np.concatenate(owners), np.concatenate(hs)
    at = np.clip(np.searchsorted(hv_sorted, h), 0, len(hv_sorted) - 1)
    found = hv_sorted[at] == h
    owner, vcode = owner[found], order_v[at[found]] + 1        # vocabulary codes of the neighbours
    if not len(owner):
        return empty
    wanted = np.zeros(len(V), bool)
    wanted[vcode] = True
    rows = np.flatnonzero(wanted[code_r])
    got = pd.DataFrame({"e": pool[owner], "c": vcode}).merge(pd.DataFrame({"r": rows, "c": code_r[rows]}), on="c")
    return got["e"].to_numpy(np.int64), got["r"].to_numpy(np.int64)


def _name_fit(enc: Encoded, el: np.ndarray, er: np.ndarray, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """(how near the two names are, 0-1: the mean Jaro-Winkler similarity of the surnames and of the given
    names, straight or crosswise, over the parts both give; the best single part)."""
    L, R, V = enc.left, enc.right, enc.vocab["name"]
    jw = JaroWinkler.normalized_similarity

    def sim(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        s = pair_similarity(V, a, b, jw, workers).astype(float)
        return np.where((a > 0) & (b > 0), s, np.nan)

    sn_l, sn_r, fc_l, fc_r = L["sn"][el], R["sn"][er], L["fn_canon"][el], R["fn_canon"][er]
    fn_l, fn_r = L["fn"][el], R["fn"][er]
    given = np.fmax(sim(fc_l, fc_r), sim(fn_l, fn_r))
    straight = np.stack([sim(sn_l, sn_r), given], axis=1)
    cross = np.stack([sim(sn_l, fc_r), np.fmax(sim(fc_l, sn_r), sim(fn_l, sn_r))], axis=1)
    with np.errstate(all="ignore"):
        mean = np.fmax(np.nanmean(np.where(np.isnan(straight).all(1, keepdims=True), 0, straight), axis=1),
                       np.nanmean(np.where(np.isnan(cross).all(1, keepdims=True), 0, cross), axis=1))
        best = np.fmax(np.nanmax(np.where(np.isnan(straight), 0, straight), axis=1),
                       np.nanmax(np.where(np.isnan(cross), 0, cross), axis=1))
    return np.nan_to_num(mean), np.nan_to_num(best)


def _within(values: np.ndarray, sorted_codes: np.ndarray) -> np.ndarray:
    """Whether each value is in ``sorted_codes`` (ascending)."""
    if not len(sorted_codes):
        return np.zeros(len(values), bool)
    at = np.clip(np.searchsorted(sorted_codes, values), 0, len(sorted_codes) - 1)
    return sorted_codes[at] == values


def search(enc: Encoded, entries: pd.DataFrame, left: np.ndarray, right: np.ndarray, *, workers: int = 1
           ) -> tuple[np.ndarray, np.ndarray]:
    """New (list row, registry row) pairs, sorted, for the entries whose ``decision`` is ``no_match``:
    at most `PER_ENTRY` per entry, none of the pairs (``left``, ``right``) already had."""
    empty = (np.zeros(0, np.int32), np.zeros(0, np.int32))
    pool = np.flatnonzero(entries["decision"].to_numpy(object) == "no_match").astype(np.int64)
    if not len(pool) or "sn" not in enc.left:
        return empty
    ne, nr = _name_pairs(enc, pool, workers)
    pe, pr = _number_pairs(enc, pool)
    n_r = np.int64(len(enc.right["sn"]))
    by_name, by_number = ne * n_r + nr, pe * n_r + pr
    code = _distinct(np.r_[by_name, by_number])
    in_pool = np.zeros(len(entries), bool)
    in_pool[pool] = True
    sel = in_pool[left]                 # the pairs the entries looked at already had (sorted: run order)
    had = left[sel].astype(np.int64) * n_r + right[sel]
    if len(had) > 1 and (had[1:] < had[:-1]).any():
        had = np.sort(had)
    code = code[~_within(code, had)]
    if not len(code):
        return empty
    el, er = code // n_r, code % n_r
    number = _within(code, _distinct(by_number))
    mean, best = _name_fit(enc, el, er, workers)
    ok = ~number | (best >= NUMBER_NAME_SIM) | _within(code, _distinct(by_name))
    el, er, number, mean = el[ok], er[ok], number[ok], mean[ok]
    # the nearest first: a number one digit off before names alone, then by name, then by registry row
    order = np.lexsort((er, -mean, ~number, el))
    el, er = el[order], er[order]
    starts = np.r_[0, np.flatnonzero(el[1:] != el[:-1]) + 1]
    rank = np.arange(len(el)) - np.repeat(starts, np.diff(np.r_[starts, len(el)]))
    keep = rank < PER_ENTRY
    code = np.sort(el[keep] * n_r + er[keep])
    return (code // n_r).astype(np.int32), (code % n_r).astype(np.int32)


def _merged_patterns(old: fs.Patterns, new: fs.Patterns, at: np.ndarray) -> fs.Patterns:
    """`Patterns.of` the union, from the two sides' patterns: ``new``'s pairs go in before the positions
    ``at`` of ``old``'s (the distinct patterns are few; the pairs are only gathered)."""
    cols = list(old.frame.columns)
    both = np.vstack([old.frame[cols].to_numpy(np.int16), new.frame[cols].to_numpy(np.int16)])
    uniq, inv = np.unique(both, axis=0, return_inverse=True)
    inv = inv.ravel().astype(np.int32)
    frame = pd.DataFrame({c: uniq[:, k].astype(np.int16) for k, c in enumerate(cols)})
    return fs.Patterns(frame, np.insert(inv[:len(old.frame)][old.inv], at, inv[len(old.frame):][new.inv]))


def extend(cand, scored, model: fs.Model, enc: Encoded, tf: fs.TermFrequencies, lab, settings, *,
           patterns: fs.Patterns, tf_adjust: np.ndarray):
    """The run's candidates and scores with the second look's pairs added (`search`; entries a person
    labelled are left as they are): the new pairs compared and scored by ``model`` as the others (its
    genuine share refitted over all), in the pairs' order (list row, then registry row). Returns
    (candidates, scored, patterns, tf_adjust), the inputs themselves when nothing new is found or
    ``settings.second_chance`` is off (``[blocking] second_chance = false``)."""
    from .pipeline import Candidates, score_entries

    if not settings.second_chance:
        return cand, scored, patterns, tf_adjust
    entries = scored.entries
    if lab is not None and len(lab[0]):
        entries = entries.assign(decision=entries["decision"].where(~np.isin(np.arange(len(entries)), lab[0]),
                                                                    "labelled"))
    el, er = search(enc, entries, scored.left, scored.right, workers=settings.workers)
    if not len(el):
        return cand, scored, patterns, tf_adjust
    n_l, n_r = len(scored.entries), np.int64(len(enc.right["sn"]))
    gam = cmp.compare_in_chunks(enc, el, er, settings.chunk_pairs, settings.workers)
    tf_new = fs.tf_adjustment(model.u, enc, gam, er, tf) if model.tf else np.zeros(len(el))
    # the new pairs go in where their (list row, registry row) order puts them (the run's pairs are sorted)
    at = np.searchsorted(cand.left.astype(np.int64) * n_r + cand.right, el.astype(np.int64) * n_r + er)
    left, right = np.insert(cand.left, at, el), np.insert(cand.right, at, er)
    gammas = pd.DataFrame({c: np.insert(cand.gammas[c].to_numpy(), at, gam[c].to_numpy())
                           for c in cand.gammas.columns})
    tf_adjust = np.insert(np.asarray(tf_adjust, float), at, tf_new)
    patterns = _merged_patterns(patterns, fs.Patterns.of(gam, enc.comparisons), at)
    scored = score_entries(model, enc, tf, left, right, gammas, n_l, int(n_r), settings, fit_share=True, lab=lab,
                           patterns=patterns, tf_adjust=tf_adjust)
    model.genuine_share = scored.genuine_share
    # what blocking proposed stays as it was (its rules' counts, the chance test's rules): the new pairs are
    # candidates as labelled matches are, not a rule's proposals
    return Candidates(left, right, gammas, cand.blocked), scored, patterns, tf_adjust
