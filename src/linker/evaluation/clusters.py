"""Pairwise scores of deduplication: `linker dedupe`'s clusters.csv, or the duplicate listings that
`linker match` flags inside a list, against true pairs.

- clusters: every pair of rows inside one predicted cluster is a predicted pair; true pairs come from a
  pairs truth file (FEBRL: rec_id_1,rec_id_2), closed transitively.
- duplicate listings: (list_id, duplicate_of) pairs of matches.csv against the pairs of list entries that
  truth.csv gives the same registry id.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import combinations

import pandas as pd

from ..errors import InputError


@dataclass(frozen=True)
class PairScore:
    predicted: int
    true: int
    tp: int
    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _score(pred: set, truth: set) -> PairScore:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PairScore(len(pred), len(truth), tp, p, r, f)


def _groups_to_pairs(groups) -> set:
    out = set()
    for members in groups:
        out.update(combinations(sorted(members), 2))
    return out


def _closure(pairs: list[tuple[str, str]]) -> set:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in list(parent):
        groups.setdefault(find(x), []).append(x)
    return _groups_to_pairs(groups.values())


def evaluate_clusters(clusters: pd.DataFrame, truth_pairs: pd.DataFrame, *, source: str = "clusters") -> PairScore:
    if not {"id", "cluster_id"} <= set(clusters.columns):
        raise InputError(f"{source}: columns id and cluster_id are missing; give the clusters.csv of linker dedupe")
    a, b = truth_pairs.columns[:2]
    pred = _groups_to_pairs(clusters.groupby("cluster_id")["id"].apply(list))
    truth = _closure(list(zip(truth_pairs[a].astype(str).str.strip(), truth_pairs[b].astype(str).str.strip())))
    return _score(pred, truth)


def evaluate_duplicate_listings(matches: pd.DataFrame, truth: pd.DataFrame) -> PairScore:
    t = truth[truth["registry_id"].astype(str) != ""]
    true_pairs = _groups_to_pairs(t.groupby("registry_id")["list_id"].apply(lambda s: list(s.astype(str))))
    flagged = matches[matches["duplicate_of"].astype(str) != ""]
    pred = {tuple(sorted((str(a), str(b)))) for a, b in zip(flagged["list_id"], flagged["duplicate_of"])}
    return _score(pred, true_pairs)
