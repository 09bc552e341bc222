"""`linker tune DIR`: precision, recall and F1 at each match threshold, and a suggested pair of thresholds.

Without truth the numbers are estimated from the model's probabilities: among entries whose best candidate
has probability p >= t, the expected share of correct matches is mean(p) (precision) and the expected number
found is sum(p) out of the expected number of genuine entries, sum(P(genuine)) (recall). With truth (our
truth.csv or pair truth) or the labels of a review, they are measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .report.summary import THRESHOLD_GRID


@dataclass(frozen=True)
class Tuning:
    rows: list[dict]
    suggested_match: float
    suggested_review: float
    measured: bool


def _truth_ok(matches: pd.DataFrame, truth: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Per entry: is its best candidate a true pair; and the number of genuine entries."""
    pairs = set(zip(truth["list_id"].astype(str), truth["registry_id"].astype(str)))
    genuine = {l for l, r in pairs if r}
    best = matches["best_candidate"] if "best_candidate" in matches else matches["registry_id"]
    ok = np.array([(l, r) in pairs for l, r in zip(matches["list_id"].astype(str), best.astype(str))])
    return ok, len(genuine & set(matches["list_id"].astype(str)))


def tune(matches: pd.DataFrame, truth: pd.DataFrame | None = None, *, target_precision: float = 0.99) -> Tuning:
    p = pd.to_numeric(matches["match_probability"], errors="coerce").fillna(0).to_numpy()
    g = pd.to_numeric(matches["genuine_probability"], errors="coerce").fillna(0).to_numpy()
    ok, n_true = (_truth_ok(matches, truth) if truth is not None else (None, None))
    total = max(g.sum(), 1e-9)
    rows = []
    for t in THRESHOLD_GRID:
        sel = p >= t
        k = int(sel.sum())
        ep = float(p[sel].mean()) if k else 1.0
        er = float(p[sel].sum() / total)
        row = {"threshold": t, "match": k, "est_precision": round(ep, 4), "est_recall": round(er, 4),
               "est_f1": round(2 * ep * er / (ep + er), 4) if ep + er else 0.0}
        if ok is not None:
            tp = int(ok[sel].sum())
            pr = tp / k if k else 1.0
            rc = tp / n_true if n_true else 0.0
            row.update(precision=round(pr, 4), recall=round(rc, 4),
                       f1=round(2 * pr * rc / (pr + rc), 4) if pr + rc else 0.0)
        rows.append(row)
    key = "precision" if ok is not None else "est_precision"
    # a confirmation needs the candidate to be more likely right than wrong, whatever the curve says
    good = [r for r in rows if r[key] >= target_precision and r["match"] > 0 and r["threshold"] >= 0.5]
    match_t = min((r["threshold"] for r in good), default=max(THRESHOLD_GRID))
    review_t = min((r["threshold"] for r in rows if r["est_precision"] >= 0.5 and r["threshold"] >= 0.1), default=0.3)
    review_t = min(review_t, match_t)
    return Tuning(rows, match_t, review_t, ok is not None)
