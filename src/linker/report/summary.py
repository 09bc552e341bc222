"""report.json: everything report.html shows, machine-readable and deterministic."""

from __future__ import annotations

import json
import math
from itertools import repeat
from json.encoder import encode_basestring as _jstr

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import __version__
from ..columns import id_fallback_note, mapping_record
from ..model import field_weights
from ..settings import Settings
from ..display import DISPLAY_FIELDS, display_table

THRESHOLD_GRID = tuple(round(float(x), 3) for x in np.r_[np.arange(0.05, 0.95, 0.05), [0.95, 0.97, 0.99, 0.995, 0.999]])
MAX_CANDIDATES = 3


def _r(x: float, d: int = 6) -> float | None:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return round(float(x), d)


def expected_genuine(p: np.ndarray) -> dict:
    """Sum of P(genuine) with a normal interval of the Poisson-binomial count."""
    est = float(p.sum())
    sd = float(np.sqrt((p * (1 - p)).sum()))
    return {"estimate": _r(est, 2), "low": _r(max(0.0, est - 1.96 * sd), 2),
            "high": _r(min(len(p), est + 1.96 * sd), 2), "share": _r(est / len(p) if len(p) else 0.0, 4)}


def threshold_curve(p_best: np.ndarray, p_genuine: np.ndarray, truth_ok: np.ndarray | None = None,
                    n_true: int | None = None) -> list[dict]:
    """Counts, estimated (and, with truth, measured) precision/recall as the match threshold moves."""
    total_genuine = max(float(p_genuine.sum()), 1e-9)
    out = []
    for t in THRESHOLD_GRID:
        sel = p_best >= t
        k = int(sel.sum())
        row = {"threshold": t, "match": k,
               "est_precision": _r(p_best[sel].mean() if k else 1.0, 4),
               "est_recall": _r(p_best[sel].sum() / total_genuine, 4),
               "precision": None, "recall": None}
        if truth_ok is not None:
            tp = int(truth_ok[sel].sum())
            row["precision"] = _r(tp / k if k else 1.0, 4)
            row["recall"] = _r(tp / n_true if n_true else 0.0, 4)
        out.append(row)
    return out


def _histogram(w: np.ndarray) -> dict:
    w = w[np.isfinite(w)]
    if not len(w):
        return {"edges": [], "counts": []}
    lo, hi = math.floor(w.min()), math.ceil(w.max())
    if hi <= lo:
        hi = lo + 1
    edges = np.linspace(lo, hi, min(60, max(10, hi - lo)) + 1)
    counts, edges = np.histogram(w, bins=edges)
    return {"edges": [_r(e, 3) for e in edges], "counts": [int(c) for c in counts]}


_CATEGORY_NAMES = {"contract": "по контракту", "mobilized": "мобилизованный", "conscript": "по призыву"}


def _standard_values(side, name: str) -> np.ndarray | None:
    """A field's values in one standard wording, so the list and the registry can be counted alike."""
    from ..fields import RANKS

    std = side.std
    if name == "category" and side.mapping.get("category"):
        return np.array([_CATEGORY_NAMES.get(v, v) for v in std["cat"].to_numpy(object)], dtype=object)
    if name == "rank" and side.mapping.get("rank"):
        r = std["rank"].to_numpy(np.int16)
        return np.where(r >= 0, np.array(RANKS, dtype=object)[np.clip(r, 0, len(RANKS) - 1)], "")
    if name == "unit" and side.mapping.get("unit"):
        return std["unit"].to_numpy(object)
    if name in side.raw.columns:
        return side.raw[name].to_numpy(object)
    return None


def _breakdowns(run, entries: pd.DataFrame, extra: tuple[str, ...]) -> dict:
    """Per value of category, rank, unit and each named column: list entries by decision, registry count."""
    out = {}
    dec = entries["decision"].to_numpy(object)
    for name in ("category", "rank", "unit", *extra):
        vals = _standard_values(run.list, name)
        if vals is None:
            continue
        vals = np.where(vals == "", "(missing)", vals)
        tab = pd.crosstab(pd.Series(vals, name="value"), pd.Series(dec, name="decision"))
        for d in ("match", "review", "no_match"):
            if d not in tab:
                tab[d] = 0
        tab["list"] = tab[["match", "review", "no_match"]].sum(axis=1)
        tab = tab.sort_values(["list", "match"], ascending=False, kind="stable").head(40)
        reg_vals = _standard_values(run.registry, name)
        reg_counts = pd.Series(reg_vals).value_counts() if reg_vals is not None else pd.Series(dtype=int)
        out[name] = [{"value": str(v), "list": int(r["list"]), "match": int(r["match"]), "review": int(r["review"]),
                      "no_match": int(r["no_match"]), "registry": int(reg_counts.get(v, 0))}
                     for v, r in tab.iterrows()]
    return out


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
    prepared once for the shown pairs only (text columns as Arrow arrays, numbers as codes into their
    distinct JSON texts), then written as UTF-8 JSON entry range by entry range, each text built by
    Arrow's element-wise string join (no Python object per value)."""

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

    @staticmethod
    def _column(col: tuple[pa.Array, bool], rows: slice | pa.Array) -> list:
        arr, plain = col
        arr = arr[rows] if isinstance(rows, slice) else arr.take(rows)
        return ['"', arr, '"'] if plain else [arr]

    def _candidates(self, a: int, b: int) -> pa.Array:
        """The JSON objects of the candidates ``a:b``, each after a comma but the first of its entry."""
        rows = slice(a, b)
        post = self.combo_post
        at = pa.array(self.rrow[a:b])
        registry = [self._column(c, at) for c in self.rvals]
        return _join([pc.if_else(pa.array(self.rank[a:b] > 0), ",{", "{"),
                      '"registry_id":', *self._column(self.ids, at),
                      ',"probability":', self.p.take(rows), ',"weight":', self.w.take(rows),
                      ',"registry":', *_object_parts(self.rfields, registry), ",",
                      self.combo_pre.take(rows), self.tf.take(rows),
                      post if isinstance(post, str) else post.take(rows), "}"], b - a)

    def utf8(self, i0: int, i1: int) -> bytes:
        """Entries ``i0:i1`` as JSON objects joined by commas (with a leading comma unless ``i0`` is 0),
        UTF-8 encoded."""
        n = i1 - i0
        rows = slice(i0, i1)
        a, b = int(self.cstart[i0]), int(self.cstart[i1])
        cands = self._candidates(a, b)
        nc = self.ncand[i0:i1]
        cs = self.cstart[i0:i1] - a
        slots = [cands.take(pa.array(cs + r, mask=nc <= r)) for r in range(MAX_CANDIDATES)]  # null: none
        text = _join([',{"list_id":', *self._column(self.list_ids, rows),
                      ',"row":', pc.cast(pa.array(np.arange(i0 + 1, i1 + 1)), pa.string()),
                      ',"decision":', self.decision.take(rows),
                      ',"probability":', self.p_best.take(rows),
                      ',"genuine_probability":', self.p_gen.take(rows),
                      ',"weight":', self.e_w.take(rows),
                      ',"flags":', self.flags.take(rows),
                      ',"label":', self.label.take(rows),
                      ',"duplicate_of":', self.dup.take(rows),
                      ',"list":', *_object_parts(self.lfields, [self._column(c, rows) for c in self.lvals]),
                      ',"candidates":[', *slots, "]}"], n, null_handling="skip")
        offsets = np.frombuffer(text.buffers()[1], np.int32)[text.offset:text.offset + n + 1]
        data = text.buffers()[2][int(offsets[0]):int(offsets[-1])].to_pybytes()
        return data[1:] if i0 == 0 else data


def entries_json_utf8(run, entries: pd.DataFrame, matches: pd.DataFrame, fields: list[str], *,
                      batch: int = 5000):
    """The report's entries as a compact JSON array, UTF-8 encoded, in pieces of ``batch`` entries: the same
    text as ``json.dumps(list_of_entry_dicts, ensure_ascii=False, separators=(",", ":"))`` of the dicts the
    report used to build, written column-wise (every string and number encoded as that C encoder would,
    then joined), for the shown pairs only."""
    et = _EntriesText(run, entries, matches, fields)
    yield b"["
    for i0 in range(0, et.n, batch):
        yield et.utf8(i0, min(i0 + batch, et.n))
    yield b"]"


def entries_json_pieces(run, entries: pd.DataFrame, matches: pd.DataFrame, fields: list[str], *,
                        batch: int = 5000):
    """`entries_json_utf8` as text."""
    for piece in entries_json_utf8(run, entries, matches, fields, batch=batch):
        yield piece.decode("utf-8")


def entries_as_dicts(run, entries: pd.DataFrame, matches: pd.DataFrame, fields: list[str]) -> list[dict]:
    """Each entry as a dict (report.json's entries read back)."""
    return json.loads(b"".join(entries_json_utf8(run, entries, matches, fields)))


def build_report(run, entries: pd.DataFrame, matches: pd.DataFrame, settings: Settings, chance,
                 *, breakdown_columns: tuple[str, ...] = (), with_entries: bool = True) -> dict:
    """report.json as a dict; without ``with_entries`` the ``entries`` key is left for
    `entries_json_pieces` (the large part, streamed)."""
    dec = matches["decision"].to_numpy(object)
    flags = matches["flags"].astype(str)
    n = len(matches)
    sc = run.scored
    comps = run.model.comparisons
    best = entries["best_pair"].to_numpy()
    has = best >= 0
    agreement = {}
    for c in comps:
        g = sc.gammas[f"gamma_{c.name}"].to_numpy()[best[has]] if len(sc.gammas) else np.zeros(0, int)
        counts = {"missing": int((g < 0).sum())}
        for lev, label in enumerate(c.labels):
            counts[label] = int((g == lev).sum())
        agreement[c.field] = counts
    disp = display_table(run.list)
    fields = [f for f in (*DISPLAY_FIELDS, *run.list.mapping.text) if f in disp.columns]
    dup = int(flags.str.contains("duplicate_listing").sum())
    report = {
        "linker_version": __version__,
        "title": "Verification report",
        "inputs": {"list": {"path": run.list.path, "rows": int(len(run.list.raw))},
                   "registry": {"path": run.registry.path, "rows": int(len(run.registry.raw))}},
        "mapping": {"list": mapping_record(run.list.mapping), "registry": mapping_record(run.registry.mapping)},
        "warnings": id_warnings(run),
        "thresholds": {"match": settings.match_threshold, "review": settings.review_threshold},
        "seed": settings.seed,
        "counts": {"total": n, "match": int((dec == "match").sum()), "review": int((dec == "review").sum()),
                   "no_match": int((dec == "no_match").sum()), "duplicate_listings": dup,
                   "confirmed_people": int((dec == "match").sum()) - dup,
                   "labelled": int((matches["labelled"] == "yes").sum()),
                   "flagged": {f: int(flags.str.contains(f).sum()) for f in
                               ("empty_name", "invalid_date", "mixed_script", "layout_repaired", "namesakes",
                                "duplicate_listing", "claimed")}},
        "expected_genuine": run.count or expected_genuine(entries["p_genuine"].to_numpy()),
        "chance_test": chance.to_dict() if chance is not None else None,
        "blocking": run.blocking.to_dict(),
        "model": {**run.model.to_dict(), "prior": _r(run.model.pair_prior, 8)},
        "weight_histogram": _histogram(entries["weight"].to_numpy(float)),
        "threshold_curve": threshold_curve(entries["p_best"].to_numpy(), entries["p_genuine"].to_numpy()),
        "field_agreement": agreement,
        "breakdowns": _breakdowns(run, matches.assign(decision=dec), breakdown_columns),
        "fields": fields,
    }
    if with_entries:
        report["entries"] = entries_as_dicts(run, entries, matches, fields)
    return report


def id_warnings(run) -> list[str]:
    """One line per side whose ids fell back to row numbers (printed even with --quiet, shown in Method)."""
    notes = (id_fallback_note(run.list.raw, run.list.mapping, path=run.list.path, option="--list-id"),
             id_fallback_note(run.registry.raw, run.registry.mapping, path=run.registry.path, option="--registry-id"))
    return [n for n in notes if n]
