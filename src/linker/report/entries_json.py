"""report.json's entries in the column layout of `linker.report.entries`, written straight from a run: the
same text as ``json.dumps(entries.to_columns(entry_dicts))`` of the dicts the report would otherwise build,
for the shown pairs only, every string and number encoded as that C encoder would (text columns as Arrow
arrays joined by Arrow, numbers as codes into their distinct JSON texts: no Python object per value)."""

from __future__ import annotations

import json
import math
from itertools import repeat
from json.encoder import encode_basestring as _jstr

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..model import field_weights
from ..display import display_table
from .entries import LAYOUT, TF, to_dicts

MAX_CANDIDATES = 3

def shown_pairs(left: np.ndarray, right: np.ndarray, p: np.ndarray, k: int = MAX_CANDIDATES, *,
                chunk: int = 1 << 18) -> np.ndarray:
    """Indices of each entry's first ``k`` pairs in the order of ``np.lexsort((right, -p, left))`` (entry,
    probability descending, registry row; ties in input order), in that order, without sorting every pair:
    per entry only the pairs at or above its k-th largest distinct probability are sorted (pairs grouped by
    entry are scanned in chunks; ungrouped input is grouped by a stable sort first)."""
    n = len(left)
    if n == 0 or k <= 0:
        return np.zeros(0, np.int64)
    if bool(np.any(left[1:] < left[:-1])):
        perm = np.argsort(left, kind="stable")
        return perm[shown_pairs(left[perm], right[perm], p[perm], k, chunk=chunk)]
    keep = []
    a = 0
    while a < n:
        b = min(a + chunk, n)
        if b < n:                                  # end the chunk with an entry
            b = int(np.searchsorted(left, left[b - 1], side="right"))
        ll, q = left[a:b], p[a:b]
        st = np.flatnonzero(np.r_[True, ll[1:] != ll[:-1]])
        cnt = np.diff(np.r_[st, len(ll)])
        top = np.maximum.reduceat(q, st)
        has_nan = np.isnan(top)                    # lexsort puts NaN last: such entries keep every pair
        thr = np.repeat(np.where(has_nan, -np.inf, top), cnt)
        for _ in range(k - 1):                     # the next lower distinct value (-inf: none left)
            thr = np.repeat(np.maximum.reduceat(np.where(q < thr, q, -np.inf), st), cnt)
        sel = q >= thr
        if has_nan.any():
            sel |= np.isnan(q)
        keep.append(a + np.flatnonzero(sel))
        a = b
    idx = np.concatenate(keep)
    idx = idx[np.lexsort((right[idx], -p[idx], left[idx]))]
    le = left[idx]
    first = np.flatnonzero(np.r_[True, le[1:] != le[:-1]])
    rank = np.arange(len(idx)) - np.repeat(first, np.diff(np.r_[first, len(idx)]))
    return idx[rank < k]


def _jfloat_codes(x, digits: int) -> tuple[list[str], np.ndarray]:
    """The JSON text of `_r` (``digits``) of each value, as distinct texts and each value's code: the
    shortest repr of the rounded float, ``null`` where not finite. Python's ``round`` is monotone, so it is
    called only at both ends of each run of sorted distinct values that NumPy's rounding puts together (and
    on every value of a run whose ends differ): formatting every float would cost microseconds per value."""
    x = np.asarray(x, dtype=float)
    codes = np.zeros(len(x), np.int64)              # 0: null, 1: 0.0, 2: -0.0, 3...: the others
    fin = np.isfinite(x)
    zero = fin & (x == 0)
    codes[zero] = np.where(np.signbit(x[zero]), 2, 1)  # the signs np.unique would merge
    rest = np.flatnonzero(fin & (x != 0))
    if not len(rest):
        return ["null", "0.0", "-0.0"], codes
    u, inv = np.unique(x[rest], return_inverse=True)
    with np.errstate(over="ignore", invalid="ignore"):
        approx = np.round(u, digits)            # only groups values: any grouping gives the same text
    starts = np.flatnonzero(np.r_[True, approx[1:] != approx[:-1]])
    ends = np.r_[starts[1:], len(u)] - 1

    def fmt(vals: list[float]) -> list[str]:
        return list(map(float.__repr__, map(round, vals, repeat(digits))))

    rounded = list(map(round, u[starts].tolist(), repeat(digits)))
    text = np.repeat(np.array(list(map(float.__repr__, rounded)), dtype=object), ends - starts + 1)
    multi = np.flatnonzero(ends > starts)               # runs of one value are done
    r_lo = np.array(rounded, dtype=float)[multi]
    r_hi = np.array(list(map(round, u[ends[multi]].tolist(), repeat(digits))), dtype=float)
    for k in multi[(r_lo != r_hi) | (np.signbit(r_lo) != np.signbit(r_hi))].tolist():
        i, j = int(starts[k]), int(ends[k]) + 1
        text[i:j] = fmt(u[i:j].tolist())
    codes[rest] = 3 + inv.reshape(-1)
    return ["null", "0.0", "-0.0", *text.tolist()], codes


def _jfloats(x, digits: int) -> np.ndarray:
    """`_jfloat_codes` as one text per value."""
    texts, codes = _jfloat_codes(x, digits)
    return np.array(texts, dtype=object)[codes]


def _rows_display(side, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """`display_table` of the distinct ``rows`` in row order (their Python strings are then read in the
    order they were made, several times faster than in any other), those rows, and the position of each
    of ``rows`` in them."""
    mask = np.zeros(len(side.raw), bool)
    mask[rows] = True
    uniq = np.flatnonzero(mask)
    pos = np.cumsum(mask, dtype=np.int64) - 1
    return display_table(side, uniq), uniq, pos[rows]


def _jfloat_strict(x: float) -> str:
    if not math.isfinite(x):
        raise ValueError(f"Out of range float values are not JSON compliant: {x!r}")
    return float.__repr__(x)




def _join(parts: list, n: int, **options) -> pa.Array:
    """The ``n`` strings that are Arrow's element-wise concatenation of ``parts`` (constant strings and
    Arrow arrays of ``n`` strings; adjacent constants are joined first)."""
    merged: list = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif not isinstance(part, str) or part:
            merged.append(part)
    if all(isinstance(part, str) for part in merged):
        return pa.array(["".join(merged)] * n, pa.string())
    args = [pa.scalar(x, pa.string()) if isinstance(x, str) else x for x in merged]
    if len(args) == 1:
        args.append(pa.scalar("", pa.string()))
    return pc.binary_join_element_wise(*args, "", **options)


def _object_parts(keys: list[str], values: list[list]) -> list:
    """`_join` parts of a JSON object with these keys, each value given by its own parts."""
    parts: list = ["{"]
    for i, (key, value) in enumerate(zip(keys, values)):
        parts += [("," if i else "") + _jstr(key) + ":", *value]
    return parts + ["}"]


def _evidence_texts(model, gam: pd.DataFrame) -> tuple[pa.Array, pa.Array]:
    """For each row of levels ``gam`` (one per distinct combination shown): the text of a candidate's
    ``"levels":{...},"weights":{...`` up to its term-frequency value, and the rest of that object."""
    n = len(gam)
    mw = field_weights(model, gam)
    lev: dict[str, pa.Array] = {}
    for c in model.comparisons:                 # as a dict: a repeated name keeps its place, the last value
        g = gam[f"gamma_{c.name}"].to_numpy().astype(np.int64)
        texts = pa.array([_jstr(x) for x in (*c.labels, "missing")], pa.string())   # level -1: "missing"
        lev[c.name] = texts.take(pa.array(np.where(g < 0, len(c.labels), g)))
    wtxt = {}
    for name, v in mw.items():                  # a few distinct weights per comparison (one per level)
        u, inv = np.unique(np.round(np.asarray(v, np.float64), 3).view(np.int64), return_inverse=True)
        texts = pa.array([_jfloat_strict(x) for x in u.view(np.float64).tolist()], pa.string())
        wtxt[name] = texts.take(pa.array(inv.reshape(-1)))
    keys = list(dict.fromkeys([*mw, "term_frequency"]))
    at = keys.index("term_frequency")
    pre: list = ['"levels":', *_object_parts(list(lev), [[v] for v in lev.values()]), ',"weights":{']
    for i, key in enumerate(keys[:at + 1]):
        pre.append(("," if i else "") + _jstr(key) + ":")
        if key != "term_frequency":
            pre.append(wtxt[key])
    post: list = []
    for key in keys[at + 1:]:
        post += ["," + _jstr(key) + ":", wtxt[key]]
    return _join(pre, n), _join([*post, "}"], n)


class _Texts:
    """Distinct JSON texts (an Arrow array) and a code per row."""

    def __init__(self, texts: list[str] | pa.Array, codes: np.ndarray):
        self.texts = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())
        self.codes = codes

    def take(self, rows) -> pa.Array:
        return self.texts.take(pa.array(self.codes[rows]))


def _str_column(values: np.ndarray) -> tuple[pa.Array, bool]:
    """A column of strings as Arrow: the values themselves when none needs escaping (then quoted by the
    constant parts around them), else their JSON texts."""
    arr = pa.array(values, pa.string())
    if len(arr) and arr.buffers()[2] is not None:
        offsets = np.frombuffer(arr.buffers()[1], np.int32)[arr.offset:arr.offset + len(arr) + 1]
        data = np.frombuffer(arr.buffers()[2], np.uint8)[int(offsets[0]):int(offsets[-1])]
        if (data < 0x20).any() or (data == 0x22).any() or (data == 0x5C).any():   # what _jstr escapes
            return pa.array(list(map(_jstr, values.tolist())), pa.string()), False
    return arr, True


class _EntriesText:
    """What the report shows of each entry (list row, up to MAX_CANDIDATES candidates with their evidence),
    prepared once for the shown pairs only, then written column by column."""

    def __init__(self, run, entries: pd.DataFrame, matches: pd.DataFrame, fields: list[str]):
        sc = run.scored
        comps = run.model.comparisons
        n = len(entries)
        self.n = n
        idx = shown_pairs(sc.left, sc.right, sc.pair_p)             # by entry, then rank
        ent = sc.left[idx].astype(np.int64)
        self.cstart = np.searchsorted(ent, np.arange(n + 1), side="left")
        self.ncand = np.diff(self.cstart)
        self.rank = np.arange(len(idx)) - np.repeat(self.cstart[:-1], self.ncand)
        right = sc.right[idx]
        self.p = _Texts(*_jfloat_codes(sc.pair_p[idx], 6))
        self.w = _Texts(*_jfloat_codes(sc.weights["match_weight"].to_numpy()[idx], 3))
        self.tf = _Texts(*_jfloat_codes(sc.weights["mw_tf"].to_numpy()[idx], 3))
        # levels and per-comparison weights depend on the levels only: one text per distinct combination
        sub = sc.gammas.iloc[idx]
        gam = [sub[f"gamma_{c.name}"].to_numpy().astype(np.int64) for c in comps]   # -1: missing
        if math.prod(len(c.labels) + 1 for c in comps) < 1 << 62:
            code = np.zeros(len(idx), np.int64)
            for c, g in zip(comps, gam):
                code = code * (len(c.labels) + 1) + (g + 1)
        else:                                       # too many comparisons for one integer per combination
            code = np.unique(np.stack(gam, axis=1), axis=0, return_inverse=True)[1].reshape(-1)
        _, first, combo = np.unique(code, return_index=True, return_inverse=True)
        combo = combo.reshape(-1)
        pre, post = _evidence_texts(run.model, sub.iloc[first])
        self.combo_pre = _Texts(pre, combo)
        self.combo_post = post[0].as_py() if len(post) and len(post.unique()) == 1 else _Texts(post, combo)
        disp_l = display_table(run.list)
        disp_r, rows_r, self.rrow = _rows_display(run.registry, right)   # each shown pair's display row
        self.lfields = list(dict.fromkeys(f for f in fields if f in disp_l))
        self.rfields = list(dict.fromkeys(f for f in fields if f in disp_r))
        self.lvals = [_str_column(disp_l[f].astype(str).to_numpy(object)) for f in self.lfields]
        self.rvals = [_str_column(disp_r[f].astype(str).to_numpy(object)) for f in self.rfields]
        del disp_r
        self.ids = _str_column(np.array(list(map(str, run.registry.ids.to_numpy(object)[rows_r].tolist())),
                                        dtype=object))
        m = matches
        self.list_ids = _str_column(m["list_id"].astype(str).to_numpy(object))
        dec_codes, dec_uniq = pd.factorize(m["decision"].astype(str).to_numpy(object))
        dec_texts = [_jstr(d) for d in dec_uniq.tolist()]
        self.decision = _Texts(dec_texts, dec_codes)
        labelled = m["labelled"].to_numpy(object) == "yes"
        self.label = _Texts([*dec_texts, "null"], np.where(labelled, dec_codes, len(dec_texts)))
        flag_codes, flag_uniq = pd.factorize(m["flags"].astype(str).to_numpy(object))
        self.flags = _Texts(["[" + ",".join(_jstr(f) for f in v.split(";") if f) + "]" for v in flag_uniq.tolist()],
                            flag_codes)
        dup = m["duplicate_of"].astype(str).to_numpy(object)
        listed = np.flatnonzero(dup != "")
        self.dup = _Texts(["null", *map(_jstr, dup[listed].tolist())], np.zeros(n, np.int64))
        self.dup.codes[listed] = np.arange(1, len(listed) + 1)
        self.p_best = _Texts(*_jfloat_codes(entries["p_best"].to_numpy(float), 6))
        self.p_gen = _Texts(*_jfloat_codes(entries["p_genuine"].to_numpy(float), 6))
        self.e_w = _Texts(*_jfloat_codes(entries["weight"].to_numpy(float), 3))

    def pieces(self):
        """The column layout's JSON text, UTF-8, a column at a time."""
        n, nc = self.n, len(self.rank)
        yield (f'{{"layout":{_jstr(LAYOUT)},"count":{n},"list_id":').encode()
        yield _strings(self.list_ids, slice(0, n))
        yield b',"row":' + _ints(np.arange(1, n + 1))
        yield b',"decision":' + _dictionary(self.decision.texts, self.decision.codes)
        for key, col in (("probability", self.p_best), ("genuine_probability", self.p_gen), ("weight", self.e_w)):
            yield f',"{key}":'.encode() + _texts(col.take(slice(0, n)))
        yield b',"flags":' + _dictionary(self.flags.texts, self.flags.codes)
        yield b',"label":' + _dictionary(self.label.texts, self.label.codes)
        yield b',"duplicate_of":' + _texts(self.dup.take(slice(0, n)))
        yield b',"list":' + _records(self.lfields if n else [], self.lvals, slice(0, n))
        yield b',"candidates":{"start":' + _ints(self.cstart)
        every = slice(0, nc)
        at = pa.array(self.rrow)
        yield b',"registry_id":' + _strings(self.ids, at)
        yield b',"probability":' + _texts(self.p.take(every)) + b',"weight":' + _texts(self.w.take(every))
        yield b',"registry":' + _records(self.rfields if nc else [], self.rvals, at)
        pre = self.combo_pre.texts
        post = self.combo_post
        post = pa.array([post] * len(pre), pa.string()) if isinstance(post, str) else post.texts
        evidence = _join(["{", pre, "null", post, "}"], len(pre)) if len(pre) else pa.array([], pa.string())
        yield b',"evidence":' + _dictionary(evidence, self.combo_pre.codes)
        yield f',"{TF}":'.encode() + _texts(self.tf.take(every)) + b"}}"


def _joined(arr: pa.Array, sep: str) -> bytes:
    if not len(arr):
        return b""
    lists = pa.ListArray.from_arrays(pa.array([0, len(arr)], pa.int32()), arr)
    return pc.binary_join(lists, sep)[0].as_py().encode("utf-8")


def _texts(arr: pa.Array) -> bytes:
    """A JSON array of JSON texts."""
    return b"[" + _joined(arr, ",") + b"]"


def _strings(col: tuple[pa.Array, bool], rows: slice | pa.Array) -> bytes:
    """A JSON array of a `_str_column` (its values quoted, or its JSON texts) at ``rows``."""
    arr, plain = col
    arr = arr[rows] if isinstance(rows, slice) else arr.take(rows)
    if not plain:
        return _texts(arr)
    return b'["' + _joined(arr, '","') + b'"]' if len(arr) else b"[]"


def _ints(values: np.ndarray) -> bytes:
    return ("[" + ",".join(map(str, np.asarray(values).tolist())) + "]").encode()


def _dictionary(texts: pa.Array | list[str], codes: np.ndarray) -> bytes:
    """``{"values":[...],"codes":[...]}`` of the JSON ``texts`` taken at ``codes``: equal texts merged, the
    distinct ones in order of first appearance, as `entries.to_columns` encodes."""
    texts = texts.to_pylist() if isinstance(texts, pa.Array) else list(texts)
    codes = np.asarray(codes, np.int64)
    used, first = np.unique(codes, return_index=True)
    order = used[np.argsort(first, kind="stable")]          # codes in order of first appearance
    seen: dict[str, int] = {}
    remap = np.full(len(texts), -1, np.int64)
    for c in order.tolist():
        remap[c] = seen.setdefault(texts[c], len(seen))
    return ('{"values":[' + ",".join(seen) + '],"codes":').encode() + _ints(remap[codes]) + b"}"


def _records(fields: list[str], cols: list[tuple[pa.Array, bool]], rows: slice | pa.Array) -> bytes:
    """One dictionary-encoded column per field of the rows' records (every record has every field)."""
    parts = []
    for f, (arr, plain) in zip(fields, cols):
        arr = arr[rows] if isinstance(rows, slice) else arr.take(rows)
        enc = pc.dictionary_encode(arr)                 # distinct values in order of first appearance
        values = enc.dictionary
        texts = pc.binary_join_element_wise('"', values, '"', "") if plain else values
        parts.append(_jstr(f).encode() + b":" + _dictionary(texts, enc.indices.to_numpy(zero_copy_only=False)))
    return b"{" + b",".join(parts) + b"}"


def entries_json_utf8(run, entries: pd.DataFrame, matches: pd.DataFrame, fields: list[str], **_ignored):
    """The report's entries in the column layout as compact JSON, UTF-8 encoded, a column at a time."""
    yield from _EntriesText(run, entries, matches, fields).pieces()


def entries_json_pieces(run, entries: pd.DataFrame, matches: pd.DataFrame, fields: list[str], **_ignored):
    """`entries_json_utf8` as text."""
    for piece in entries_json_utf8(run, entries, matches, fields):
        yield piece.decode("utf-8")


def entries_as_dicts(run, entries: pd.DataFrame, matches: pd.DataFrame, fields: list[str]) -> list[dict]:
    """Each entry as a dict (report.json's entries read back)."""
    return to_dicts(json.loads(b"".join(entries_json_utf8(run, entries, matches, fields))))
