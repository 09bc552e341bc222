"""The one pipeline every engine runs: read -> map -> standardize -> block -> compare -> fit -> score -> count
-> decide (matching), and read -> standardize -> block -> compare -> fit -> cluster (deduplication).

An engine (`linker.engines`) supplies only the stages that touch every row or pair — standardize, block,
compare, and the level counts of random pairs that give u — through the `Engine` protocol; everything
that needs the whole list at once (EM over entries, scores, the honest count, the decisions) runs here, on
the arrays of candidate pairs, whatever engine produced them. No stage module, report module or dedupe
imports an engine; engines import this module.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Protocol, Union

import numpy as np
import pandas as pd

from . import assign, blocking, compare as cmp, model as fs, prepared, second_chance
from .columns import Mapping, ids_of, map_columns
from .errors import InputError
from .io import frame_table, read_table
from .settings import Settings

if TYPE_CHECKING:
    from .names._lexicon import NameLexicon
    from .standardize import ParsedNames

#: a table given to the pipeline: a file path, or a pandas DataFrame
Source = Union[str, "os.PathLike[str]", pd.DataFrame]


@dataclass
class Side:
    """One input table: the raw strings, its mapping, ids and standardized keys."""

    path: str                       # the file as given, or how a DataFrame is named in messages
    raw: pd.DataFrame
    mapping: Mapping
    ids: pd.Series
    std: pd.DataFrame
    display_cache: pd.DataFrame | None = None    # what a reader sees of each row (linker.display)
    from_frame: bool = False        # given as a DataFrame in Python, not read from a file
    keys: object | None = None      # a prepared registry's side of encode and blocking (linker.prepared_keys)
    names: ParsedNames | None = None    # the names standardize parsed from ``raw`` (what the report shows)
    lexicon: NameLexicon | None = None  # the registry lexicon ``raw``'s full names were read with


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
    entries: pd.DataFrame | None = None   # per entry after the claims and list duplicates (`linker.decide`)
    matches: pd.DataFrame | None = None   # matches.csv


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        yield
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 3)


@dataclass
class Candidates:
    """What an engine's compare stage hands back: the candidate pairs (sorted by list row, then registry
    row), their levels, and what blocking proposed (labelled matches it missed are pairs but not proposals)."""

    left: np.ndarray
    right: np.ndarray
    gammas: pd.DataFrame
    blocked: blocking.BlockingResult


class Engine(Protocol):
    """The stages an engine runs over rows and pairs; the pipeline runs the rest."""

    name: str

    def standardize(self, side: Side, settings: Settings, lexicon=None) -> None:
        """Set ``side.std`` (`linker.standardize.standardize` of its raw rows; a list's full-name cells read
        with the registry's ``lexicon``, `linker.standardize.registry_lexicon`)."""

    def block(self, side_l: Side, side_r: Side, enc: cmp.Encoded, rules: list, settings: Settings, *,
              dedupe: bool, log: Callable[[str], None]) -> object:
        """The candidate pairs of the blocking rules, in whatever form the engine's compare takes."""

    def compare(self, proposed: object, enc: cmp.Encoded, extra: tuple[np.ndarray, np.ndarray],
                settings: Settings) -> Candidates:
        """Levels of the proposed pairs and of the ``extra`` (list row, registry row) pairs."""

    def estimate_u(self, enc: cmp.Encoded, n_left: int, n_right: int, settings: Settings) -> dict[str, np.ndarray]:
        """Level frequencies among random pairs (`linker.model.estimate_u`, same draw and smoothing)."""

    def close(self) -> None:
        """Release what the stages held (cached Spark frames)."""


# ------------------------------------------------------------------------------------------- read
def source_table(src: Source, label: str | None = None) -> tuple[str, pd.DataFrame]:
    """(name in messages, table of strings) of a path or a DataFrame."""
    if isinstance(src, pd.DataFrame):
        name = label or "DataFrame"
        return name, frame_table(src, label=name)
    if not isinstance(src, (str, os.PathLike)):
        raise InputError(f"{label or 'input'}: expected a file path or a pandas DataFrame, got "
                         f"{type(src).__name__}; pass a DataFrame, or the path of a CSV, XLSX or Parquet file")
    return os.fspath(src), read_table(src, label=label)


def load_sides(list_src: Source, registry_src: Source, settings: Settings) -> tuple[Side, Side]:
    """Both tables read (files or DataFrames), mapped, with their ids."""
    if not isinstance(list_src, pd.DataFrame) and not isinstance(registry_src, pd.DataFrame) \
            and os.path.realpath(list_src) == os.path.realpath(registry_src) and os.path.exists(list_src):
        raise InputError(
            f"{os.fspath(registry_src)}: the same file is given as the list and the registry; "
            "give two different files, or use `linker dedupe` to find duplicates within one file"
        )
    prep = None
    if prepared.is_index(registry_src):      # a registry prepared by `linker index`: its table and keys stored
        prep = prepared.open_index(registry_src)
        if not isinstance(list_src, pd.DataFrame) and os.path.exists(list_src) \
                and os.path.realpath(list_src) == os.path.realpath(prep.path):
            raise InputError(f"{prep.path}: the list is the file {os.fspath(registry_src)} was made from; give "
                             "two different files, or use `linker dedupe` to find duplicates within one file")
    list_path, raw_l = source_table(list_src, None if isinstance(list_src, (str, os.PathLike)) else "list")
    reg_path, raw_r = (prep.path, prep.raw) if prep is not None else \
        source_table(registry_src, None if isinstance(registry_src, (str, os.PathLike)) else "registry")
    lm, rm = map_columns(raw_l, raw_r, list_path=list_path, registry_path=reg_path,
                         list_overrides=settings.list_map, registry_overrides=settings.registry_map,
                         list_id=settings.list_id, registry_id=settings.registry_id)
    ids_l = ids_of(raw_l, lm, path=list_path, side="list")
    ids_r = prep.ids(rm) if prep is not None else ids_of(raw_r, rm, path=reg_path, side="registry")
    std_r = prep.std(rm) if prep is not None else None    # None: the engine standardizes the registry
    return (Side(list_path, raw_l, lm, ids_l, pd.DataFrame(), from_frame=isinstance(list_src, pd.DataFrame)),
            Side(reg_path, raw_r, rm, ids_r, pd.DataFrame() if std_r is None else std_r,
                 from_frame=isinstance(registry_src, pd.DataFrame),
                 keys=prep.keys(std_r) if std_r is not None else None))


def key_codes_of(side_l: Side, side_r: Side):
    """The blocking key codes a prepared registry gives (`linker.prepared_keys.RegistryKeys.key_codes`) for
    `blocking.block` and `blocking.rule_hits`, or None."""
    keys = side_r.keys
    if keys is None:
        return None
    return lambda rule: keys.key_codes(rule, side_l.std)


def encode_sides(side_l: Side, side_r: Side) -> cmp.Encoded:
    """`compare.encode` of the two sides' standardized tables (the registry's side from its index if prepared)."""
    if side_r.keys is not None:
        from .prepared_keys import encode

        return encode(side_l.std, side_r.std, side_r.keys)
    return cmp.encode(side_l.std, side_r.std)


# ------------------------------------------------------------------------------------------ labels
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


def label_matches(lab: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(list row, registry row) of the labelled matches: candidate pairs even where blocking missed them."""
    li, ri, y = lab
    keep = (y == 1) & (ri >= 0)
    return li[keep], ri[keep]


def add_pairs(left: np.ndarray, right: np.ndarray, extra: tuple[np.ndarray, np.ndarray]
              ) -> tuple[np.ndarray, np.ndarray]:
    """The union of the pairs and the ``extra`` pairs, sorted by list row then registry row."""
    el, er = extra
    if not len(el):
        return left, right
    n = int(max(right.max(initial=0), er.max(initial=0))) + 1
    code = np.unique(np.concatenate([left.astype(np.int64) * n + right, el.astype(np.int64) * n + er]))
    return (code // n).astype(np.int32), (code % n).astype(np.int32)


# --------------------------------------------------------------------------------------- fit, score
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


def fit_model(enc: cmp.Encoded, u: dict[str, np.ndarray], gammas: pd.DataFrame, left: np.ndarray,
              right: np.ndarray, lab: tuple[np.ndarray, np.ndarray, np.ndarray], n_l: int, n_r: int, *,
              patterns: fs.Patterns | None = None, tf_adjust: np.ndarray | None = None, miss_rate: float = 0.01,
              entry_weight: np.ndarray | None = None, start: tuple | None = None) -> fs.Model:
    """m, the pair prior and the genuine share by EM over entries (labelled matches count in m).

    ``patterns`` and ``tf_adjust`` (with these u) are computed here when not given."""
    lab_g = None
    if len(lab[0]):
        pk = pd.Series(np.arange(len(left)), index=left.astype(np.int64) * n_r + right)
        sel = (lab[2] == 1) & (lab[1] >= 0)
        idx = pk.reindex(lab[0][sel] * n_r + lab[1][sel]).dropna().astype(int).to_numpy()
        lab_g = gammas.iloc[idx]
    if tf_adjust is None:
        tf_adjust = fs.tf_adjustment(u, enc, gammas, right, fs.TermFrequencies.from_encoded(enc))
    m, lam, share, iters, (conflicts, households) = fs.fit_em_entries(
        gammas, left, enc.comparisons, u, n_list=n_l, n_registry=n_r, tf_adjust=tf_adjust, labelled=lab_g,
        patterns=patterns, miss_rate=miss_rate, entry_weight=entry_weight, start=start)
    return fs.Model(enc.comparisons, m, u, lam, genuine_share=share, miss_rate=miss_rate, em_iterations=iters,
                    conflict_share=conflicts, household_share=households)


def count_genuine(model: fs.Model, scored: Scored, enc: cmp.Encoded, tf: fs.TermFrequencies, sides: tuple[Side, Side],
                  rules: list, lab, settings: Settings, *, fitted: bool, patterns: fs.Patterns | None = None,
                  tf_adjust: np.ndarray | None = None) -> tuple[fs.Model, Scored, dict]:
    """The blocking miss rate from the data, and the expected genuine count with its interval
    (`linker.interval.honest_count`)."""
    from . import interval
    from .probe import probe_missed

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
                                   max_block=settings.max_block, enc=enc, key_codes=key_codes_of(*sides))
    ident = np.array([interval.is_identifier_rule(r) for r in rules], bool)
    return interval.honest_count(model, scored, rescore=rescore, refit=refit, hits=hits, ident=ident, n_list=n_l,
                                 seed=settings.seed, fitted=fitted, sample=sample,
                                 probe=lambda m, sc: probe_missed(sides[0].std, sides[1].std, enc, m, tf, sc,
                                                                  seed=settings.seed, workers=settings.workers))


# ------------------------------------------------------------------------------------------- match
def run_match(list_src: Source, registry_src: Source, settings: Settings, engine: Engine, *,
              model_path: str | None = None, labels: pd.DataFrame | None = None, labels_path: str = "labels.csv",
              log: Callable[[str], None] | None = None, timer: Timer | None = None) -> MatchRun:
    """The whole match pipeline, the row and pair stages on ``engine``; the run's entries decided."""
    from .decide import decide
    from .progress import Progress
    from .standardize import registry_lexicon

    timer = timer or Timer()
    say = log or (lambda _m: None)
    model = fs.Model.load(model_path) if model_path else None   # a bad model fails before any work
    with timer.stage("read"):
        side_l, side_r = load_sides(list_src, registry_src, settings)
    say(f"list {side_l.path}: {len(side_l.raw):,} rows; registry {side_r.path}: {len(side_r.raw):,} rows")
    n_l, n_r = len(side_l.raw), len(side_r.raw)
    try:
        with timer.stage("standardize"):
            with Progress("standardize", total=2, quiet=settings.quiet) as pb:
                # a prepared registry (`linker.prepared`) comes standardized, for an engine that takes it so
                keep = getattr(engine, "takes_standardized", False)
                if not (keep and len(side_r.std.columns)):
                    engine.standardize(side_r, settings)     # first: it tells how to read the list's names
                pb.update(1)
                engine.standardize(side_l, settings, registry_lexicon(side_r.std, side_r.mapping, side_l.mapping))
                pb.update(1)
        with timer.stage("block"):
            enc = encode_sides(side_l, side_r)
            if model is not None:
                enc = cmp.restrict(enc, model.comparisons, source=model_path or "model")
            rules = blocking.choose_rules(settings.blocking_rules, side_l.std, side_r.std)
            proposed = engine.block(side_l, side_r, enc, rules, settings, dedupe=False, log=say)
        lab = labelled_pairs(labels, side_l, side_r, path=labels_path)
        with timer.stage("compare"):
            cand = engine.compare(proposed, enc, label_matches(lab), settings)
        say(f"candidate pairs: {cand.blocked.n_pairs:,}")
        left, right, gammas = cand.left, cand.right, cand.gammas
        tf = fs.TermFrequencies.from_encoded(enc)
        with timer.stage("fit"):
            patterns = fs.Patterns.of(gammas, enc.comparisons)
            fitted = model is None
            if model is None:
                u = engine.estimate_u(enc, n_l, n_r, settings)
                tf_adj = fs.tf_adjustment(u, enc, gammas, right, tf)
                model = fit_model(enc, u, gammas, left, right, lab, n_l, n_r, patterns=patterns, tf_adjust=tf_adj)
            else:
                tf_adj = fs.tf_adjustment(model.u, enc, gammas, right, tf) if model.tf else np.zeros(len(left))
    finally:
        engine.close()
    with timer.stage("score"):
        scored = score_entries(model, enc, tf, left, right, gammas, n_l, n_r, settings, fit_share=True, lab=lab,
                               patterns=patterns, tf_adjust=tf_adj)
        model.genuine_share = scored.genuine_share
    with timer.stage("second_chance"):      # entries below review looked for again, approximately
        cand, scored, patterns, tf_adj = second_chance.extend(cand, scored, model, enc, tf, lab, settings,
                                                              patterns=patterns, tf_adjust=tf_adj)
    with timer.stage("interval"):
        kept = [r for r in rules if r.name in dict(cand.blocked.rule_pairs)]
        model, scored, count = count_genuine(model, scored, enc, tf, (side_l, side_r), kept, lab, settings,
                                             fitted=fitted, patterns=patterns, tf_adjust=tf_adj)
    run = MatchRun(side_l, side_r, enc, cand.blocked, model, tf, scored, labels, timer.timings, count)
    with timer.stage("decide"):
        decide(run, settings)
    return run


# ------------------------------------------------------------------------------------------ dedupe
def run_dedupe(src: Source, settings: Settings, engine: Engine, *, log: Callable[[str], None] | None = None,
               timer: Timer | None = None):
    """`linker dedupe`: the table against itself (each unordered pair once), the row and pair stages on
    ``engine``, then the fit, scores and clusters (`linker.deduplication.finish_dedupe`)."""
    from .deduplication import finish_dedupe, load_roster

    timer = timer or Timer()
    say = log or (lambda _m: None)
    with timer.stage("read"):
        side = load_roster(src, settings)
    n = len(side.raw)
    say(f"{side.path}: {n:,} rows")
    try:
        with timer.stage("standardize"):
            engine.standardize(side, settings)
        with timer.stage("block"):
            enc = cmp.encode(side.std, side.std)
            rules = blocking.choose_rules(settings.blocking_rules, side.std, side.std)
            proposed = engine.block(side, side, enc, rules, settings, dedupe=True, log=say)
        with timer.stage("compare"):
            cand = engine.compare(proposed, enc, (np.zeros(0, np.int64), np.zeros(0, np.int64)), settings)
        say(f"candidate pairs: {cand.blocked.n_pairs:,}")
        with timer.stage("fit"):
            u = engine.estimate_u(enc, n, n, settings)
    finally:
        engine.close()
    return finish_dedupe(side, enc, cand.blocked, cand.gammas.reset_index(drop=True), u, settings, timer)
