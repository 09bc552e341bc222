"""`linker tune DIR`: precision, recall and F1 at each match threshold, and a suggested pair of thresholds.

Without truth the numbers are estimated from the model's probabilities: among entries whose best candidate
has probability p >= t, the expected share of correct matches is mean(p) (precision) and the expected number
found is sum(p) out of the expected number of genuine entries, sum(P(genuine)) (recall). With truth (our
truth.csv or pair truth) or the labels of a review, they are measured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .report.summary import THRESHOLD_GRID


@dataclass(frozen=True)
class Tuning:
    rows: list[dict]
    suggested_match: float
    suggested_review: float
    measured: bool


def best_candidates(out_dir: Path) -> pd.Series | None:
    """The best candidate's registry id of every entry (list id -> registry id, ``""`` for none), from the
    report.json of a match run in ``out_dir``: matches.csv leaves the registry id empty below the review
    band, where the curve still needs to know whether the best candidate was right. None without a
    report.json that names candidates (a redacted report names none)."""
    rj = Path(out_dir) / "report.json"
    if not rj.is_file():
        return None
    from .report.entries import to_dicts

    try:
        entries = to_dicts(json.loads(rj.read_text(encoding="utf-8")).get("entries") or [])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not entries or "list_id" not in entries[0]:
        return None
    ids = [str(e["list_id"]) for e in entries]
    best = [str((e.get("candidates") or [{}])[0].get("registry_id") or "") for e in entries]
    return pd.Series(best, index=ids, dtype=object)


def truth_from_labels(path: str) -> pd.DataFrame:
    """A review's labels.csv as truth for the entries it covers (``list_id, registry_id``; "" = no match)."""
    from .labels import read_labels

    lab, _trail = read_labels(path)
    return pd.DataFrame({"list_id": lab["list_id"].astype(str).str.strip(),
                         "registry_id": lab["registry_id"].astype(str).str.strip().where(
                             lab["label"].str.strip().str.lower() == "match", "")})


def _truth_ok(matches: pd.DataFrame, truth: pd.DataFrame, best: pd.Series | None) -> tuple[np.ndarray, int]:
    """Per entry: is its best candidate a true pair; and the number of genuine entries."""
    pairs = set(zip(truth["list_id"].astype(str), truth["registry_id"].astype(str)))
    genuine = {l for l, r in pairs if r}
    list_ids = matches["list_id"].astype(str)
    cand = matches["registry_id"].astype(str)
    if best is not None:             # below the review band matches.csv names no candidate
        cand = list_ids.map(best).fillna(cand).astype(str)
    ok = np.array([(l, r) in pairs for l, r in zip(list_ids, cand)], dtype=bool)
    return ok, len(genuine & set(list_ids))


def tune(matches: pd.DataFrame, truth: pd.DataFrame | None = None, *, target_precision: float = 0.99,
         best: pd.Series | None = None) -> Tuning:
    """The curve of ``matches`` (matches.csv); ``best`` maps list id to its best candidate's registry id
    (`best_candidates`), without which an entry below the review band counts as having no candidate."""
    p = pd.to_numeric(matches["match_probability"], errors="coerce").fillna(0).to_numpy()
    g = pd.to_numeric(matches["genuine_probability"], errors="coerce").fillna(0).to_numpy()
    ok, n_true = (_truth_ok(matches, truth, best) if truth is not None else (None, None))
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
