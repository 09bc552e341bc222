"""report.json's entries as columns: one array per field, not one object per entry.

A 200,000-entry list written as an object per entry (its list row, up to three candidates, each with its
registry row, levels and weights) repeats every key and every level's wording 200,000 times: hundreds of
megabytes that a browser must parse into millions of objects before the report opens. As columns, the
text values are dictionary-encoded (``{"values": [distinct, in order of first appearance], "codes": [...]}``,
code -1 where an entry has no such key), the numbers are plain arrays, and the candidates of all entries are
one set of arrays cut by ``candidates.start`` (entry i's candidates are ``start[i]:start[i+1]``, best
first). A candidate's levels and weights depend on its levels only, so they are one dictionary-encoded
``evidence`` column; its term-frequency weight, which does not, is a column of its own.

`to_columns` turns entry dicts into this layout and `to_dicts` turns it back (a list of entry dicts is
returned as it is: a report.json written before the layout existed). ``summary.entries_json_utf8`` writes
the same text as ``json.dumps(to_columns(dicts))`` without making the dicts.
"""

from __future__ import annotations

import json
from typing import Any

LAYOUT = "columns"
TF = "term_frequency"
ENTRY_KEYS = ("list_id", "row", "decision", "probability", "genuine_probability", "weight", "flags", "label",
              "duplicate_of")
DICT_KEYS = ("decision", "flags", "label")          # few distinct values: dictionary-encoded
CAND_KEYS = ("registry_id", "probability", "weight")


def _key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def _encode(values: list, present: list[bool] | None = None) -> dict:
    """Dictionary encoding in order of first appearance; -1 where ``present`` is false."""
    seen: dict[str, int] = {}
    distinct: list = []
    codes: list[int] = []
    for i, v in enumerate(values):
        if present is not None and not present[i]:
            codes.append(-1)
            continue
        k = _key(v)
        code = seen.get(k)
        if code is None:
            code = seen[k] = len(distinct)
            distinct.append(v)
        codes.append(code)
    return {"values": distinct, "codes": codes}


def _decode(col: dict) -> list:
    values = col["values"]
    return [values[c] if c >= 0 else _ABSENT for c in col["codes"]]


_ABSENT = object()


def _fields(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for r in rows for k in r))


def _record_columns(rows: list[dict]) -> dict:
    return {f: _encode([r.get(f) for r in rows], [f in r for r in rows]) for f in _fields(rows)}


def to_columns(entries: list[dict]) -> dict:
    """Entry dicts (report.json's entries as they read) in the column layout."""
    cands = [c for e in entries for c in (e.get("candidates") or [])]
    start = [0]
    for e in entries:
        start.append(start[-1] + len(e.get("candidates") or []))
    out: dict[str, Any] = {"layout": LAYOUT, "count": len(entries)}
    for k in ENTRY_KEYS:
        if entries and not any(k in e for e in entries):
            continue                        # a key no entry has stays absent
        vals = [e.get(k) for e in entries]
        out[k] = _encode(vals) if k in DICT_KEYS else vals
    out["list"] = _record_columns([e.get("list") or {} for e in entries])
    evidence = []
    for c in cands:
        weights = dict(c.get("weights") or {})
        if TF in weights:
            weights[TF] = None
        evidence.append({"levels": c.get("levels") or {}, "weights": weights})
    out["candidates"] = {
        "start": start,
        **{k: [c.get(k) for c in cands] for k in CAND_KEYS},
        "registry": _record_columns([c.get("registry") or {} for c in cands]),
        "evidence": _encode(evidence),
        TF: [(c.get("weights") or {}).get(TF) for c in cands],
    }
    return out


def is_columns(entries: Any) -> bool:
    return isinstance(entries, dict) and entries.get("layout") == LAYOUT


def _records(cols: dict, n: int) -> list[dict]:
    out: list[dict] = [{} for _ in range(n)]
    for f, col in cols.items():
        for rec, v in zip(out, _decode(col)):
            if v is not _ABSENT:
                rec[f] = v
    return out


def to_dicts(entries: Any) -> list[dict]:
    """The column layout back as entry dicts (a list of dicts, or nothing, as it is)."""
    if not is_columns(entries):
        return list(entries or [])
    n = entries["count"]
    cc = entries["candidates"]
    start = cc["start"]
    evidence = _decode(cc["evidence"])
    regs = _records(cc["registry"], len(evidence))
    cands = []
    for j, ev in enumerate(evidence):
        weights = dict(ev["weights"])
        if TF in weights:
            weights[TF] = cc[TF][j]
        cands.append({"registry_id": cc["registry_id"][j], "probability": cc["probability"][j],
                      "weight": cc["weight"][j], "registry": regs[j], "levels": ev["levels"], "weights": weights})
    cols = {k: (_decode(entries[k]) if k in DICT_KEYS else entries[k]) for k in ENTRY_KEYS if k in entries}
    lists = _records(entries["list"], n)
    return [{**{k: v[i] for k, v in cols.items()}, "list": lists[i], "candidates": cands[start[i]:start[i + 1]]}
            for i in range(n)]


def count(entries: Any) -> int:
    return entries["count"] if is_columns(entries) else len(entries or [])


def decisions(entries: Any) -> list:
    """Each entry's decision, in list order."""
    if is_columns(entries):
        return _decode(entries["decision"])
    return [e.get("decision") for e in entries or []]
