"""The local engine: every stage in-process, pairs in chunks.

read -> map columns -> standardize -> block -> compare -> fit -> score -> decide. Each stage is a
function of tables to tables from its own module; this file only sequences them and keeps timings.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from .. import assign, blocking, compare as cmp, model as fs
from ..columns import Mapping, ids_of, map_columns
from ..errors import InputError
from ..io import read_table
from ..settings import Settings
from ..standardize import registry_lexicon, standardize
from ..progress import Progress


@dataclass
class Side:
    """One input table: the raw strings, its mapping, ids and standardized keys."""

    path: str
    raw: pd.DataFrame
    mapping: Mapping
    ids: pd.Series
    std: pd.DataFrame
    display_cache: pd.DataFrame | None = None    # what a reader sees of each row (report.build)


@dataclass
class Scored:
    """Candidate pairs with levels, weights and per-entry decisions."""

    left: np.ndarray
    right: np.ndarray
    gammas: pd.DataFrame
    weights: pd.DataFrame
    pair_p: np.ndarray
    entries: pd.DataFrame          # one row per list entry (see assign.decide)
    genuine_share: float


@dataclass
class MatchRun:
    list: Side
    registry: Side
    enc: cmp.Encoded
    blocking: blocking.BlockingResult
    model: fs.Model
    tf: fs.TermFrequencies
    scored: Scored
    labels: pd.DataFrame | None
    timings: dict[str, float] = field(default_factory=dict)
    count: dict | None = None       # the expected genuine count and its interval (`linker.interval`)


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        yield
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 3)


def load_sides(list_path: str, registry_path: str, settings: Settings) -> tuple[Side, Side]:
    import os
    if os.path.realpath(list_path) == os.path.realpath(registry_path) and os.path.exists(list_path):
        raise InputError(
            f"{registry_path}: the same file is given as the list and the registry; "
            "give two different files, or use `linker dedupe` to find duplicates within one file"
        )
    raw_l = read_table(list_path)
    raw_r = read_table(registry_path)
    lm, rm = map_columns(raw_l, raw_r, list_path=list_path, registry_path=registry_path,
                         list_overrides=settings.list_map, registry_overrides=settings.registry_map,
                         list_id=settings.list_id, registry_id=settings.registry_id)
    ids_l = ids_of(raw_l, lm, path=list_path, side="list")
    ids_r = ids_of(raw_r, rm, path=registry_path, side="registry")
    return (Side(list_path, raw_l, lm, ids_l, pd.DataFrame()), Side(registry_path, raw_r, rm, ids_r, pd.DataFrame()))


def compare_in_chunks(enc: cmp.Encoded, left: np.ndarray, right: np.ndarray, chunk: int, workers: int,
                      progress: Progress | None = None) -> pd.DataFrame:
    parts = []
    for start in range(0, len(left), chunk):
        parts.append(cmp.compare(enc, left[start:start + chunk], right[start:start + chunk], workers=workers))
        if progress:
            progress.update(min(chunk, len(left) - start))
    if not parts:
        return cmp.compare(enc, left, right, workers=workers)
    return pd.concat(parts, ignore_index=True)


def labelled_pairs(labels: pd.DataFrame | None, list_side: Side, reg_side: Side, *, path: str
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(list row, registry row or -1, label 1/0) of each label; unknown ids are an InputError."""
    if labels is None or not len(labels):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8)
    lpos = pd.Series(np.arange(len(list_side.ids)), index=list_side.ids.to_numpy())
    rpos = pd.Series(np.arange(len(reg_side.ids)), index=reg_side.ids.to_numpy())
    li, ri, lab = [], [], []
    where = labels["_where"].tolist() if "_where" in labels.columns else [f"{path}:line {k}"
                                                                          for k in range(2, len(labels) + 2)]
    for at, row in zip(where, labels.itertuples(index=False)):
        lid, rid, label = str(row.list_id).strip(), str(row.registry_id).strip(), str(row.label).strip().lower()
        if lid not in lpos.index:
            raise InputError(f"{at}: list_id {lid!r} is not in the list; export labels from this run's report")
        if rid and rid not in rpos.index:
            raise InputError(f"{at}: registry_id {rid!r} is not in the registry; export labels from this run's report")
        if label not in ("match", "no_match"):
            raise InputError(f"{at}: label {label!r} is neither match nor no_match; fix the label")
        if label == "match" and not rid:
            raise InputError(f"{at}: a match label needs a registry_id; give the registry record")
        li.append(int(lpos[lid]))
        ri.append(int(rpos[rid]) if rid else -1)
        lab.append(1 if label == "match" else 0)
    return np.array(li, np.int64), np.array(ri, np.int64), np.array(lab, np.int8)


def score_entries(model: fs.Model, enc: cmp.Encoded, tf: fs.TermFrequencies, left: np.ndarray, right: np.ndarray,
                  gammas: pd.DataFrame, n_list: int, n_reg: int, settings: Settings, *, fit_share: bool,
                  lab: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                  patterns: fs.Patterns | None = None, tf_adjust: np.ndarray | None = None,
                  entry_weight: np.ndarray | None = None) -> Scored:
    """Weights per pair, the genuine share (fitted or the model's), and decisions per entry."""
    weights = fs.score(model, enc, gammas, left, right, tf, patterns=patterns, tf_adjust=tf_adjust)
    w = weights["match_weight"].to_numpy()
    fixed = None
    if lab is not None and len(lab[0]):
        li, ri, y = lab
        # a person's decision wins: a confirmed pair dominates its entry, a rejected one drops out
        pair_key = left.astype(np.int64) * n_reg + right
        for l_, r_, y_ in zip(li, ri, y):
            sel = left == l_
            if y_ == 1:
                w = np.where(sel, np.where(pair_key == l_ * n_reg + r_, 200.0, -200.0), w)
            elif r_ >= 0:
                w = np.where(pair_key == l_ * n_reg + r_, -200.0, w)
            else:
                w = np.where(sel, -200.0, w)
        fixed = np.full(n_list, np.nan)
        for l_, r_, y_ in zip(li, ri, y):
            if y_ == 1 or r_ < 0:
                fixed[l_] = float(y_)
    share = model.genuine_share
    if fit_share:
        share = assign.fit_genuine_share(left, w, n_list, n_reg, miss_rate=model.miss_rate,
                                         start=0.5, fixed=fixed, entry_weight=entry_weight).genuine_share
    pair_p, genuine = assign.entry_posteriors(left, w, n_list, n_reg, genuine_share=share,
                                              miss_rate=model.miss_rate)
    if fixed is not None:
        genuine = np.where(np.isnan(fixed), genuine, np.maximum(fixed, np.where(fixed > 0, genuine, 0.0)))
    entries = assign.decide(left, right, pair_p, genuine, n_list, match_threshold=settings.match_threshold,
                            review_threshold=settings.review_threshold)
    weights = weights.assign(match_weight=w)
    return Scored(left, right, gammas, weights, pair_p, entries, share)


def add_label_pairs(left: np.ndarray, right: np.ndarray, lab) -> tuple[np.ndarray, np.ndarray]:
    """Labelled matches that blocking did not propose become candidate pairs too."""
    li, ri, y = lab
    keep = (y == 1) & (ri >= 0)
    if not keep.any():
        return left, right
    n = int(max(right.max(initial=0), ri.max(initial=0))) + 1
    code = np.unique(np.concatenate([left.astype(np.int64) * n + right, li[keep] * n + ri[keep]]))
    return (code // n).astype(np.int32), (code % n).astype(np.int32)


def fit_model(enc: cmp.Encoded, u: dict[str, np.ndarray], gammas: pd.DataFrame, left: np.ndarray,
              right: np.ndarray, lab: tuple[np.ndarray, np.ndarray, np.ndarray], n_l: int, n_r: int, *,
              patterns: fs.Patterns | None = None, tf_adjust: np.ndarray | None = None, miss_rate: float = 0.01,
              entry_weight: np.ndarray | None = None, start: tuple | None = None) -> fs.Model:
    """m, the pair prior and the genuine share by EM over entries (labelled matches count in m).

    Every engine calls this on the driver with the candidate pairs' levels. ``patterns`` and
    ``tf_adjust`` (with these u) are computed here when not given."""
    lab_g = None
    if len(lab[0]):
        pk = pd.Series(np.arange(len(left)), index=left.astype(np.int64) * n_r + right)
        sel = (lab[2] == 1) & (lab[1] >= 0)
        idx = pk.reindex(lab[0][sel] * n_r + lab[1][sel]).dropna().astype(int).to_numpy()
        lab_g = gammas.iloc[idx]
    if tf_adjust is None:
        tf_adjust = fs.tf_adjustment(u, enc, gammas, right, fs.TermFrequencies.from_encoded(enc))
    m, lam, share, iters = fs.fit_em_entries(gammas, left, enc.comparisons, u, n_list=n_l, n_registry=n_r,
                                             tf_adjust=tf_adjust, labelled=lab_g, patterns=patterns,
                                             miss_rate=miss_rate, entry_weight=entry_weight, start=start)
    return fs.Model(enc.comparisons, m, u, lam, genuine_share=share, miss_rate=miss_rate, em_iterations=iters)


def count_genuine(model: fs.Model, scored: Scored, enc: cmp.Encoded, tf: fs.TermFrequencies, sides: tuple[Side, Side],
                  rules: list, lab, settings: Settings, *, fitted: bool, patterns: fs.Patterns | None = None,
                  tf_adjust: np.ndarray | None = None) -> tuple[fs.Model, Scored, dict]:
    """The blocking miss rate from the data, and the expected genuine count with its interval
    (`linker.interval.honest_count`); every engine calls this on the driver after scoring."""
    from .. import interval

    left, right, gammas = scored.left, scored.right, scored.gammas
    n_l, n_r = len(sides[0].raw), len(sides[1].raw)
    if patterns is None:
        patterns = fs.Patterns.of(gammas, enc.comparisons)
    if tf_adjust is None:
        tf_adjust = fs.tf_adjustment(model.u, enc, gammas, right, tf) if model.tf else np.zeros(len(left))

    def stages(left, right, gammas, patterns, tf_adjust, lab, n_l):
        def rescore(m: fs.Model, fit_share: bool, ew: np.ndarray | None) -> Scored:
            return score_entries(m, enc, tf, left, right, gammas, n_l, n_r, settings, fit_share=fit_share, lab=lab,
                                 patterns=patterns, tf_adjust=tf_adjust, entry_weight=ew)

        def refit(rate: float, ew: np.ndarray | None, start: tuple) -> fs.Model:
            return fit_model(enc, model.u, gammas, left, right, lab, n_l, n_r, patterns=patterns,
                             tf_adjust=tf_adjust, miss_rate=rate, entry_weight=ew, start=start)
        return rescore, refit

    sample = None
    rows = interval.bootstrap_entries(n_l, len(left), settings.seed)
    if rows is not None:          # a large list: the bootstrap refits on a sample of its entries
        renum = np.full(n_l, -1, np.int64)
        renum[rows] = np.arange(len(rows))
        keep = renum[left] >= 0
        lk = np.isin(lab[0], rows)
        lab_s = (renum[lab[0][lk]], lab[1][lk], lab[2][lk])
        sample = (rows, *stages(renum[left[keep]].astype(np.int32), right[keep],
                                gammas[keep].reset_index(drop=True), fs.Patterns(patterns.frame, patterns.inv[keep]),
                                tf_adjust[keep], lab_s, len(rows)))
    rescore, refit = stages(left, right, gammas, patterns, tf_adjust, lab, n_l)
    best = scored.entries["best_pair"].to_numpy()
    hits = interval.best_pair_hits(sides[0].std, sides[1].std, rules, left, right, best,
                                   max_block=settings.max_block, enc=enc)
    ident = np.array([interval.is_identifier_rule(r) for r in rules], bool)
    return interval.honest_count(model, scored, rescore=rescore, refit=refit, hits=hits, ident=ident, n_list=n_l,
                                 seed=settings.seed, fitted=fitted, sample=sample)


def run_match(list_path: str, registry_path: str, settings: Settings, *, model_path: str | None = None,
              labels: pd.DataFrame | None = None, labels_path: str = "labels.csv",
              log: Callable[[str], None] | None = None) -> MatchRun:
    """The whole match pipeline on one machine."""
    timer = Timer()
    say = log or (lambda _m: None)
    model = fs.Model.load(model_path) if model_path else None   # a bad model fails before any work
    with timer.stage("read"):
        side_l, side_r = load_sides(list_path, registry_path, settings)
    say(f"list {list_path}: {len(side_l.raw):,} rows; registry {registry_path}: {len(side_r.raw):,} rows")
    with timer.stage("standardize"):
        with Progress("standardize", total=2, quiet=settings.quiet) as pb:
            side_r.std = standardize(side_r.raw, side_r.mapping)    # first: it tells how to read the list's names
            pb.update(1)
            side_l.std = standardize(side_l.raw, side_l.mapping,
                                     registry_lexicon(side_r.std, side_r.mapping, side_l.mapping))
            pb.update(1)
    with timer.stage("block"):
        enc = cmp.encode(side_l.std, side_r.std)
        if model is not None:
            enc = cmp.restrict(enc, model.comparisons, source=model_path or "model")
        rules = blocking.choose_rules(settings.blocking_rules, side_l.std, side_r.std)
        blocked = blocking.block(side_l.std, side_r.std, rules, max_pairs=settings.max_pairs, log=say,
                                 automatic=not settings.blocking_rules, max_block=settings.max_block, enc=enc)
    say(f"candidate pairs: {blocked.n_pairs:,}")
    lab = labelled_pairs(labels, side_l, side_r, path=labels_path)
    left, right = add_label_pairs(blocked.left, blocked.right, lab)
    n_l, n_r = len(side_l.raw), len(side_r.raw)
    with timer.stage("compare"):
        with Progress("compare", total=len(left), quiet=settings.quiet, unit="pairs") as pb:
            gammas = compare_in_chunks(enc, left, right, settings.chunk_pairs, settings.workers, pb)
    tf = fs.TermFrequencies.from_encoded(enc)
    with timer.stage("fit"):
        patterns = fs.Patterns.of(gammas, enc.comparisons)
        fitted = model is None
        if model is None:
            u = fs.estimate_u(enc, n_r, sample=settings.u_sample_pairs, seed=settings.seed, workers=settings.workers)
            tf_adj = fs.tf_adjustment(u, enc, gammas, right, tf)
            model = fit_model(enc, u, gammas, left, right, lab, n_l, n_r, patterns=patterns, tf_adjust=tf_adj)
        else:
            tf_adj = fs.tf_adjustment(model.u, enc, gammas, right, tf) if model.tf else np.zeros(len(left))
    with timer.stage("score"):
        scored = score_entries(model, enc, tf, left, right, gammas, n_l, n_r, settings, fit_share=True, lab=lab,
                               patterns=patterns, tf_adjust=tf_adj)
        model.genuine_share = scored.genuine_share
    with timer.stage("interval"):
        kept = [r for r in rules if r.name in dict(blocked.rule_pairs)]
        model, scored, count = count_genuine(model, scored, enc, tf, (side_l, side_r), kept, lab, settings,
                                             fitted=fitted, patterns=patterns, tf_adjust=tf_adj)
    return MatchRun(side_l, side_r, enc, blocked, model, tf, scored, labels, timer.timings, count)
