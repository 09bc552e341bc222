"""report.json: everything report.html shows, machine-readable and deterministic."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import __version__
from ..columns import id_fallback_note, mapping_record
from ..settings import Settings
from ..display import DISPLAY_FIELDS, display_table
from .entries_json import entries_as_dicts, entries_json_utf8

__all__ = ["build_report", "entries_as_dicts", "entries_json_utf8", "expected_genuine", "threshold_curve",
           "THRESHOLD_GRID", "id_warnings"]

THRESHOLD_GRID = tuple(round(float(x), 3) for x in np.r_[np.arange(0.05, 0.95, 0.05), [0.95, 0.97, 0.99, 0.995, 0.999]])


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
