"""Reviewers' decisions (labels.csv exported from report.html): read, merged, and their agreement measured.

A labels.csv holds ``list_id, registry_id, label`` (``match`` / ``no_match``) and, from this version's
report, ``reviewer, decided_at, note``. Several files (``--labels a.csv --labels b.csv``) merge by entry:
where every reviewer who decided an entry agrees, that is the decision; where they disagree, no decision
stands (the entry keeps the model's) and the disagreement is listed. Agreement between two files on the
entries both decided is Cohen's kappa over the categories "match with record r" and "no match".
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pandas as pd

from .errors import InputError
from .io import read_table

TRAIL_COLUMNS = ("reviewer", "decided_at", "note")


@dataclass(frozen=True)
class ReviewTrail:
    """Who decided what, and how far the reviewers agree."""

    files: tuple[str, ...] = ()
    decisions: tuple[dict, ...] = ()           # every decision of every file, with its reviewer and time
    agreement: tuple[dict, ...] = ()           # per pair of files: both, agree, kappa
    disagreements: tuple[dict, ...] = ()

    def to_dict(self, *, redacted: bool = False) -> dict:
        d = {"files": list(self.files), "decisions": len(self.decisions),
             "agreement": [dict(a) for a in self.agreement], "disagreements": len(self.disagreements)}
        if not redacted:
            d["decisions"] = [dict(x) for x in self.decisions]
            d["disagreements"] = [dict(x) for x in self.disagreements]
        return d


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa of two raters' categories on the same items (None for no item)."""
    n = len(a)
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = pd.Series(a).value_counts() / n, pd.Series(b).value_counts() / n
    pe = float((ca * cb.reindex(ca.index, fill_value=0.0)).sum())
    if pe >= 1.0:
        return 1.0 if po == 1.0 else 0.0
    return round((po - pe) / (1.0 - pe), 6)


def _one(path: str) -> pd.DataFrame:
    df = read_table(path)
    missing = [c for c in ("list_id", "registry_id", "label") if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (columns seen: {', '.join(df.columns)}); "
                         "labels.csv needs list_id,registry_id,label as exported from report.html")
    lines = df.attrs.get("line_numbers")
    where = [f"{path}:line {k}" for k in (list(lines) if lines is not None else range(2, len(df) + 2))]
    out = pd.DataFrame({c: df[c].astype(str).str.strip() for c in ("list_id", "registry_id")})
    out["label"] = df["label"].astype(str).str.strip().str.lower()
    for c in TRAIL_COLUMNS:
        out[c] = df[c].astype(str).str.strip() if c in df.columns else ""
    out.loc[out["reviewer"] == "", "reviewer"] = Path(path).name
    out["file"] = path
    out["_where"] = where
    return out.drop_duplicates("list_id", keep="last")


def _category(df: pd.DataFrame) -> pd.Series:
    return df["label"].where(df["label"] != "match", "match:" + df["registry_id"])


def read_labels(paths: str | list[str] | tuple[str, ...]) -> tuple[pd.DataFrame, ReviewTrail]:
    """The decisions that stand (one row per entry: list_id, registry_id, label, the trail columns and
    ``_where``, the file and line it came from) and the trail of all of them."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    frames = [_one(p) for p in paths]
    allf = pd.concat(frames, ignore_index=True)
    allf["category"] = _category(allf)
    agreement = []
    for (pa_, a), (pb_, b) in combinations(zip(paths, frames), 2):
        both = a.assign(category=_category(a)).merge(b.assign(category=_category(b)), on="list_id",
                                                      suffixes=("_a", "_b"))
        ca, cb = both["category_a"].tolist(), both["category_b"].tolist()
        agreement.append({"a": pa_, "b": pb_, "both": len(both), "agree": int(sum(x == y for x, y in zip(ca, cb))),
                          "kappa": cohen_kappa(ca, cb)})
    kinds = allf.groupby("list_id", sort=False)["category"].nunique()
    split = set(kinds.index[kinds > 1])
    disagreements = []
    for lid, grp in allf[allf["list_id"].isin(split)].groupby("list_id", sort=False):
        disagreements.append({"list_id": lid, "decisions": [
            {"reviewer": r.reviewer, "registry_id": r.registry_id, "label": r.label, "note": r.note}
            for r in grp.itertuples(index=False)]})
    standing = allf[~allf["list_id"].isin(split)].drop_duplicates("list_id", keep="first")
    trail = ReviewTrail(
        files=tuple(paths),
        decisions=tuple({"list_id": r.list_id, "registry_id": r.registry_id, "label": r.label,
                         "reviewer": r.reviewer, "decided_at": r.decided_at, "note": r.note}
                        for r in allf.itertuples(index=False)),
        agreement=tuple(agreement), disagreements=tuple(disagreements))
    return standing.drop(columns=["category"]).reset_index(drop=True), trail
