"""`linker dedupe`: the records of one table that are the same person.

The same stages as matching, with the table on both sides: standardize, block (each unordered pair once),
compare, u from random pairs of distinct rows, m and the pair prior by EM over pattern counts, term
frequencies. Pairs whose probability reaches the threshold are clustered into entities: links are taken
strongest first, and two clusters merge only when most of the pairs between them that blocking proposed
are links too (average linkage), so one weak link cannot chain two people together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import blocking, compare as cmp, model as fs
from .columns import Mapping, detect_fields, id_fallback_note, ids_of, mapping_record
from .engines.local import Side, Timer, compare_in_chunks
from .errors import InputError
from .io import read_table
from .progress import Progress
from .settings import FIELDS, Settings
from .standardize import standardize


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


def load_roster(path: str, settings: Settings, *, standardized: bool = True) -> Side:
    """The roster read and mapped (every column not mapped to a field is compared as text), standardized
    unless ``standardized=False`` (an engine that standardizes elsewhere)."""
    raw = read_table(path)
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
    object.__setattr__(mapping, "_text_cols", {c: c for c in text})
    ids = ids_of(raw, mapping, path=path, side="list")
    return Side(path, raw, mapping, ids, standardize(raw, mapping) if standardized else pd.DataFrame())


def cluster_links(n: int, left: np.ndarray, right: np.ndarray, prob: np.ndarray, threshold: float,
                  support: float = 0.5) -> np.ndarray:
    """Cluster id (smallest member row) per row; average-linkage guard against chaining."""
    parent = np.arange(n)
    members: dict[int, list[int]] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    strong = prob >= threshold
    link = {(int(a), int(b)): True for a, b in zip(left[strong], right[strong])}
    proposed = {(int(a), int(b)) for a, b in zip(left, right)}
    order = np.lexsort((right[strong], left[strong], -prob[strong]))
    for a, b in zip(left[strong][order], right[strong][order]):
        ra, rb = find(int(a)), find(int(b))
        if ra == rb:
            continue
        ma, mb = members.get(ra, [ra]), members.get(rb, [rb])
        if len(ma) > 1 or len(mb) > 1:
            cross = [(min(x, y), max(x, y)) for x in ma for y in mb]
            seen = [p for p in cross if p in proposed]
            linked = sum(1 for p in seen if p in link)
            if linked < support * max(len(seen), 1):
                continue
        root, other = (ra, rb) if ra < rb else (rb, ra)
        parent[other] = root
        members[root] = ma + mb
        members.pop(other, None)
    return np.array([find(i) for i in range(n)], np.int64)


def run_dedupe(path: str, settings: Settings, *, log=None) -> DedupeRun:
    timer = Timer()
    say = log or (lambda _m: None)
    with timer.stage("read"):
        side = load_roster(path, settings)
    std = side.std
    n = len(std)
    say(f"{path}: {n:,} rows")
    with timer.stage("block"):
        enc = cmp.encode(std, std)
        rules = blocking.choose_rules(settings.blocking_rules, std, std)
        blocked = blocking.block(std, std, rules, max_pairs=settings.max_pairs, dedupe=True, log=say,
                                 automatic=not settings.blocking_rules, max_block=settings.max_block, enc=enc)
    say(f"candidate pairs: {blocked.n_pairs:,}")
    with timer.stage("compare"):
        with Progress("compare", total=blocked.n_pairs, quiet=settings.quiet, unit="pairs") as pb:
            gam = compare_in_chunks(enc, blocked.left, blocked.right, settings.chunk_pairs, settings.workers, pb)
    with timer.stage("fit"):
        u = fs.estimate_u(enc, n, sample=settings.u_sample_pairs, seed=settings.seed, workers=settings.workers)
    return finish_dedupe(side, enc, blocked, gam, u, settings, timer)


def finish_dedupe(side: Side, enc: cmp.Encoded, blocked: blocking.BlockingResult, gam: pd.DataFrame,
                  u: dict[str, np.ndarray], settings: Settings, timer: Timer) -> DedupeRun:
    """m and the pair prior by EM over the pairs' level patterns, scores, clusters (every engine)."""
    n = len(side.std)
    with timer.stage("fit"):
        m, lam, iters = fs.fit_em(fs.pattern_counts([gam]), enc.comparisons, u, n_list=max(n // 10, 1))
        model = fs.Model(enc.comparisons, m, u, lam, em_iterations=iters)
    with timer.stage("score"):
        tf = fs.TermFrequencies.from_encoded(enc)
        weights = fs.score(model, enc, gam, blocked.left, blocked.right, tf)
        w = weights["match_weight"].to_numpy()
        logit = w * np.log(2) + np.log(lam) - np.log1p(-lam)
        prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        cluster = cluster_links(n, blocked.left, blocked.right, prob, settings.match_threshold)
    return DedupeRun(side, blocked.left, blocked.right, gam, weights, prob, model, cluster, blocked, timer.timings)


def clusters_frame(run: DedupeRun) -> pd.DataFrame:
    """clusters.csv: one row per input row, in input order, with its cluster and strongest link."""
    from .report.build import display_table

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
        "cluster_sizes": {str(int(k)): int(v) for k, v in hist.items()},
        "blocking": run.blocking.to_dict(),
        "model": run.model.to_dict(),
        "examples": examples,
    }
