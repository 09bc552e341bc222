"""`linker dedupe`: the records of one table that are the same person.

The same stages as matching, with the table on both sides: standardize, block (each unordered pair once),
compare, u from random pairs of distinct rows, m and the pair prior by EM over pattern counts, term
frequencies. Pairs whose probability reaches the threshold are clustered into entities (connected
components of the links), and a cluster whose members do not all fit each other (two given names or two
dates of birth that disagree outright, or a proposed pair that is confidently two people) loses its weakest
links until they do, so one link cannot chain two people (or a household) together. Those guards hold where
the data show households (`household_guards`, which report.json and report.html state).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from . import blocking, compare as cmp, model as fs
from .columns import Mapping, detect_fields, id_fallback_note, ids_of, mapping_record
from .errors import InputError
from .pipeline import Side, Source, Timer, source_table
from .settings import FIELDS, Settings


@dataclass
class DedupeRun:
    side: Side
    left: np.ndarray
    right: np.ndarray
    gammas: pd.DataFrame
    weights: pd.DataFrame
    prob: np.ndarray
    model: fs.Model
    cluster: np.ndarray
    blocking: blocking.BlockingResult
    timings: dict
    #: whether the guards against chaining a household were on, and why (`household_guards`)
    household_guards: dict


def load_roster(src: Source, settings: Settings) -> Side:
    """The roster (a file or a DataFrame) read and mapped: every column not mapped to a field is compared as
    text. The engine standardizes it (`linker.pipeline.run_dedupe`)."""
    path, raw = source_table(src, None if isinstance(src, (str, os.PathLike)) else "roster")
    found = detect_fields(list(raw.columns), settings.list_map, path=path)
    if settings.list_id:
        if settings.list_id not in raw.columns:
            raise InputError(f"{path}: --id {settings.list_id}: no such column; columns are: {', '.join(raw.columns)}")
        found["id"] = settings.list_id
    if not ({"full_name", "surname"} & found.keys()):
        raise InputError(f"{path}: no name column found (headers seen: {', '.join(map(str, raw.columns))}); "
                         "name one with --map surname=COLUMN or --map full_name=COLUMN")
    used = set(found.values())
    text = tuple(c for c in raw.columns if c not in used)
    mapping = Mapping(tuple(sorted(found.items(), key=lambda kv: FIELDS.index(kv[0]))), text)
    ids = ids_of(raw, mapping, path=path, side="list")
    return Side(path, raw, mapping, ids, pd.DataFrame(), from_frame=isinstance(src, pd.DataFrame))


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` rows linked by the edges (a[k], b[k])."""
    graph = sparse.coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def pairs_within(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every unordered pair of rows that share a label (rows of singleton labels give none)."""
    order = np.argsort(labels, kind="stable")
    lab = labels[order]
    start = np.r_[0, np.flatnonzero(lab[1:] != lab[:-1]) + 1]
    size = np.diff(np.r_[start, len(lab)])
    first = np.repeat(start, size)                       # group start of each sorted position
    pos = np.arange(len(lab))
    count = (first + np.repeat(size, size)) - pos - 1    # later members of the same group
    total = int(count.sum())
    a_pos = np.repeat(pos, count)
    b_pos = a_pos + 1 + (np.arange(total) - np.repeat(np.cumsum(count) - count, count))
    return order[a_pos], order[b_pos]


#: the most member pairs of multi-row clusters checked for conflicts beyond the proposed pairs
MAX_MEMBER_PAIRS = 5_000_000


def cluster_links(n: int, left: np.ndarray, right: np.ndarray, prob: np.ndarray, threshold: float, *,
                  strength: np.ndarray | None = None, conflict: np.ndarray | None = None,
                  member_conflict: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                  apart: bool = True) -> np.ndarray:
    """Cluster id (smallest member row) per row. Pairs reaching ``threshold`` are links; a cluster is a
    connected component of links, and it must not hold two rows that do not fit each other: a proposed pair
    that is confidently not one person (probability below 1 - threshold; unless ``apart`` is false), a
    proposed pair flagged in ``conflict`` (a given name or a date of birth that disagrees outright), or any
    pair of its members that ``member_conflict(rows_a, rows_b)`` flags. While a cluster holds such a pair its weakest link (lowest
    ``strength``, default the probability) is removed, so one link cannot chain two people together; every
    step is vectorized over all clusters at once."""
    left, right = np.asarray(left, np.int64), np.asarray(right, np.int64)
    strength = prob if strength is None else np.asarray(strength, float)
    links = np.flatnonzero(prob >= threshold)
    la, lb, ls = left[links], right[links], strength[links]
    apart = prob < 1.0 - threshold if apart else np.zeros(len(prob), bool)
    if conflict is not None:
        apart |= np.asarray(conflict, bool)
    ca, cb = left[apart], right[apart]
    labels = _components(n, la, lb)
    if member_conflict is not None:
        sizes = np.bincount(labels)
        if int((sizes * (sizes - 1) // 2).sum()) <= MAX_MEMBER_PAIRS:
            ma, mb = pairs_within(labels)
            bad = member_conflict(ma, mb)
            ca, cb = np.r_[ca, ma[bad]], np.r_[cb, mb[bad]]
    keep = np.ones(len(la), bool)
    all_ca, all_cb = ca, cb
    while True:
        together = labels[ca] == labels[cb]
        if not together.any():
            break
        ca, cb = ca[together], cb[together]
        bad = np.zeros(labels.max() + 1, bool)
        bad[labels[ca]] = True
        idx = np.flatnonzero(keep)
        idx = idx[bad[labels[la[idx]]]]
        comp = labels[la[idx]]
        order = np.lexsort((idx, ls[idx], comp))           # per cluster: weakest link first
        first = np.r_[True, comp[order][1:] != comp[order][:-1]]
        keep[idx[order][first]] = False
        labels = _components(n, la[keep], lb[keep])
    if not keep.all():
        keep, labels = _rejoin(n, la, lb, ls, keep, labels, all_ca, all_cb)
    smallest = np.full(labels.max() + 1 if n else 0, n, np.int64)
    np.minimum.at(smallest, labels, np.arange(n))
    return smallest[labels]


def _rejoin(n: int, la: np.ndarray, lb: np.ndarray, ls: np.ndarray, keep: np.ndarray, labels: np.ndarray,
            ca: np.ndarray, cb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Removed links put back, strongest first, wherever they join two clusters with no conflicting pair
    between them: removing the weakest links of a cluster also cuts rows that fitted everyone. Each round
    merges every cluster with at most one other (its strongest allowed link), so no round can join two
    rows that conflict through a third cluster."""
    removed = np.flatnonzero(~keep)
    removed = removed[np.lexsort((removed, -ls[removed]))]              # strongest first
    while len(removed):
        ra, rb = labels[la[removed]], labels[lb[removed]]
        width = np.int64(labels.max()) + 1
        x, y = labels[ca], labels[cb]
        conflicts = np.minimum(x, y) * width + np.maximum(x, y)
        allowed = (ra != rb) & ~np.isin(np.minimum(ra, rb) * width + np.maximum(ra, rb), conflicts)
        removed, ra, rb = removed[allowed], ra[allowed], rb[allowed]
        if not len(removed):
            break
        ends = np.c_[ra, rb].ravel()                                      # link k's clusters at 2k, 2k+1
        first = np.full(width, len(ends), np.int64)
        np.minimum.at(first, ends, np.arange(len(ends)))
        k = np.arange(len(removed))
        chosen = (first[ra] // 2 == k) & (first[rb] // 2 == k)
        keep[removed[chosen]] = True
        removed = removed[~chosen]
        labels = _components(n, la[keep], lb[keep])
    return keep, labels


def household_guards(conflicting: float | None, threshold: float) -> dict:
    """Whether the guards that keep a household from chaining into one person hold (report.json
    ``household_guards``): they do where a share above 1 - ``threshold`` of the pairs at one address whose
    given name disagrees without a date vouching are two people (``conflicting``,
    `linker.model_person.conflicting_household_share`), and where that cannot be read (None). ``note`` says
    it in one line, as the report prints it."""
    tolerance = 1.0 - threshold
    what = "of the pairs at one address whose given name disagrees with no date of birth vouching"
    if conflicting is None:
        on, note = True, ("household guards on: the data cannot show households (fewer than two address columns, "
                          "no given name or no pair at one whole address), so they are assumed")
    elif conflicting > tolerance:
        on, note = True, (f"household guards on: {what}, {conflicting:.3f} are two people, more than "
                          f"1 - threshold = {tolerance:.3g}: a cluster may not hold two rows that do not fit "
                          "each other")
    else:
        on, note = False, (f"household guards off: {what}, {conflicting:.3f} are two people, at most "
                           f"1 - threshold = {tolerance:.3g}: such pairs are one person's records damaged differently, "
                           "and clusters are the connected components of the links")
    return {"on": on, "conflicting_household_share": conflicting, "tolerance": round(tolerance, 12), "note": note}


def finish_dedupe(side: Side, enc: cmp.Encoded, blocked: blocking.BlockingResult, gam: pd.DataFrame,
                  u: dict[str, np.ndarray], settings: Settings, timer: Timer) -> DedupeRun:
    """m and the pair prior by EM over the pairs' level patterns, scores, clusters (every engine)."""
    n = len(side.std)
    with timer.stage("fit"):
        pc = fs.pattern_counts([gam])
        m, lam, iters = fs.fit_em(pc, enc.comparisons, u, n_list=max(n // 10, 1))
        counts = pc["count"].to_numpy(float)
        conflicting = fs.read_conflicting_household_share(pc, counts, enc.comparisons, u)
        model = fs.Model(enc.comparisons, m, u, lam, em_iterations=iters,
                         conflict_share=fs.conflict_share(pc, counts, enc.comparisons, u),
                         household_share=fs.household_share(pc, counts, enc.comparisons, u),
                         conflicting_household_share=conflicting)
    with timer.stage("score"):
        tf = fs.TermFrequencies.from_encoded(enc)
        weights = fs.score(model, enc, gam, blocked.left, blocked.right, tf)
        w = weights["match_weight"].to_numpy()
        logit = w * np.log(2) + np.log(lam) - np.log1p(-lam)
        prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        def member_conflict(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return fs.person_conflict(cmp.compare(enc, a, b, workers=settings.workers))

        # the guards that keep a household from chaining into one "person" hold where the data show
        # households: where at most 1 - threshold of the pairs at one address whose given name disagrees
        # (no date vouching) are two people, those are one person's records damaged differently (FEBRL), and
        # the clusters are the components of the links
        guards = household_guards(conflicting, settings.match_threshold)
        households = guards["on"]
        cluster = cluster_links(n, blocked.left, blocked.right, prob, settings.match_threshold, strength=w,
                                conflict=fs.person_conflict(gam) if households else None,
                                member_conflict=member_conflict if households else None, apart=households)
    return DedupeRun(side, blocked.left, blocked.right, gam, weights, prob, model, cluster, blocked, timer.timings,
                     guards)


def clusters_frame(run: DedupeRun) -> pd.DataFrame:
    """clusters.csv: one row per input row, in input order, with its cluster and strongest link."""
    from .display import display_table

    n = len(run.side.raw)
    ids = run.side.ids.to_numpy(object)
    sizes = np.bincount(run.cluster, minlength=n)[run.cluster]
    # the strongest link of each row inside its cluster
    same = run.cluster[run.left] == run.cluster[run.right]
    a = np.r_[run.left[same], run.right[same]]
    b = np.r_[run.right[same], run.left[same]]
    p = np.r_[run.prob[same], run.prob[same]]
    w = np.r_[run.weights["match_weight"].to_numpy()[same]] if same.any() else np.zeros(0)
    w = np.r_[w, w]
    best_p = np.zeros(n)
    best_to = np.full(n, -1)
    best_w = np.full(n, np.nan)
    if len(a):
        order = np.lexsort((b, -p, a))
        first = np.r_[True, a[order][1:] != a[order][:-1]]
        rows = a[order][first]
        best_p[rows] = p[order][first]
        best_to[rows] = b[order][first]
        best_w[rows] = w[order][first]
    out = pd.DataFrame({
        "id": ids,
        "cluster_id": ids[run.cluster],
        "cluster_size": sizes,
        "linked_to": np.where(best_to >= 0, ids[np.clip(best_to, 0, None)], ""),
        "link_probability": np.where(best_to >= 0, [f"{x:.6f}" for x in best_p], ""),
        "link_weight": np.where(best_to >= 0, [f"{x:.3f}" for x in np.nan_to_num(best_w)], ""),
    })
    disp = display_table(run.side)
    for c in disp.columns:
        out[c] = disp[c].to_numpy(object)
    return out


def dedupe_report(run: DedupeRun, clusters: pd.DataFrame, settings: Settings) -> dict:
    from . import __version__
    sizes = clusters.groupby("cluster_id")["cluster_size"].first()
    hist = sizes.value_counts().sort_index()
    examples = []
    for cid in sizes[sizes > 1].index[:50]:
        rows = clusters[clusters["cluster_id"] == cid]
        examples.append({"cluster_id": str(cid), "members": rows.astype(str).to_dict(orient="records")})
    return {
        "linker_version": __version__,
        "kind": "dedupe",
        "input": {"path": run.side.path, "rows": int(len(clusters))},
        "mapping": mapping_record(run.side.mapping),
        "warnings": [n for n in (id_fallback_note(run.side.raw, run.side.mapping, path=run.side.path,
                                                  option="--id"),) if n],
        "threshold": settings.match_threshold,
        "counts": {"rows": int(len(clusters)), "entities": int(len(sizes)),
                   "rows_in_clusters": int((clusters["cluster_size"] > 1).sum()),
                   "clusters": int((sizes > 1).sum())},
        "largest_cluster": {"cluster_id": str(sizes.idxmax()) if len(sizes) else "",
                            "size": int(sizes.max()) if len(sizes) else 0},
        "cluster_sizes": {str(int(k)): int(v) for k, v in hist.items()},
        "blocking": run.blocking.to_dict(),
        "household_guards": run.household_guards,
        "model": run.model.to_dict(),
        "examples": examples,
    }


def write_dedupe(target, run: DedupeRun, clusters: pd.DataFrame, report: dict) -> None:
    """clusters.csv, report.json, report.html and model.json into a claimed `linker.outdir.OutputDir`."""
    import json

    from .io import write_csv_bytes
    from .report.dedupe_html import render_dedupe_html

    with target.staging() as tmp:
        (tmp / "clusters.csv").write_bytes(write_csv_bytes(clusters))
        (tmp / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (tmp / "report.html").write_text(render_dedupe_html(report), encoding="utf-8")
        (tmp / "model.json").write_text(json.dumps(run.model.to_dict(), ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")

