"""A report fit for publication (`linker match --redact`): the numbers and the evidence, nobody's data.

What stays: the counts, the expected number of genuine entries, the chance test, the charts, the breakdowns
(by category, rank, unit and the ``--breakdown`` columns the user chose), the column mapping, the blocking
rules, the model, the provenance; and per entry its row number, decision, probabilities, flags, and the
level at which each field of its best candidate agreed (with the weight that level carries). What goes:
every name, date, personal number, id and free-text value of either file, from report.json, report.html
and matches.csv alike. ``duplicate_of`` becomes the row number of the entry listed first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .entries import to_columns, to_dicts

REDACTED_MATCH_COLUMNS = ["row", "decision", "match_probability", "match_weight", "genuine_probability",
                          "candidates", "flags", "duplicate_of_row", "labelled"]


def redact_entries(entries: list[dict]) -> dict:
    """Each entry of report.json reduced to what can be published, in report.json's column layout."""
    row_of = {e["list_id"]: e["row"] for e in entries}
    out = []
    for e in entries:
        best = (e.get("candidates") or [None])[0]
        cands = [] if best is None else [{"registry_id": "", "probability": best["probability"],
                                          "weight": best["weight"], "registry": {},
                                          "levels": best.get("levels", {}), "weights": best.get("weights", {})}]
        out.append({"list_id": str(e["row"]), "row": e["row"], "decision": e["decision"],
                    "probability": e["probability"], "genuine_probability": e["genuine_probability"],
                    "weight": e["weight"], "flags": e["flags"], "label": e["label"],
                    "duplicate_of": None if e.get("duplicate_of") is None else str(row_of.get(e["duplicate_of"], "")),
                    "list": {}, "candidates": cands})
    return to_columns(out)


def redact_matches(matches: pd.DataFrame, entries, fields: list[str]) -> pd.DataFrame:
    """matches.csv for publication: one row per list row, in input order, with ``level_<field>`` for the
    best candidate's agreement on each compared field (empty without a candidate)."""
    entries = to_dicts(entries)
    rows = np.arange(1, len(matches) + 1)
    row_of = dict(zip(matches["list_id"].astype(str), rows.astype(str)))
    dup = matches["duplicate_of"].astype(str).map(lambda v: row_of.get(v, "") if v else "")
    out = pd.DataFrame({
        "row": rows.astype(str),
        "decision": matches["decision"].astype(str),
        "match_probability": matches["match_probability"].astype(str),
        "match_weight": matches["match_weight"].astype(str),
        "genuine_probability": matches["genuine_probability"].astype(str),
        "candidates": matches["candidates"].astype(str),
        "flags": matches["flags"].astype(str),
        "duplicate_of_row": dup,
        "labelled": matches["labelled"].astype(str),
    })
    for f in fields:
        out[f"level_{f}"] = [((e.get("candidates") or [{}])[0].get("levels") or {}).get(f, "") for e in entries]
    return out


def redact_report(report: dict) -> dict:
    """report.json's head (everything but the entries) for publication: the display fields are dropped, and
    the list's and registry's paths keep only their file names."""
    out = dict(report)
    out["fields"] = []
    out["redacted"] = True
    trail = out.get("review_trail")
    if isinstance(trail, dict):             # who decided stays; which entry and which record does not
        out["review_trail"] = {**trail, "decisions": len(trail.get("decisions") or []),
                               "disagreements": len(trail.get("disagreements") or [])}
    if isinstance(out.get("inputs"), dict):
        out["inputs"] = {k: {**v, "path": str(v.get("path", "")).replace("\\", "/").rsplit("/", 1)[-1]}
                         for k, v in out["inputs"].items()}
    return out
