"""The Spark engine: the local engine's stages over Spark partitions, the model fitted on the driver.

Where each stage runs, and why:

============  =========  ==========================================================================
stage         where      how
============  =========  ==========================================================================
read, map     driver     `linker.engines.local.load_sides` (encoding/delimiter detection, header
                         mapping and id checks need the whole file; the report shows raw rows)
standardize   Spark      `linker.standardize.standardize` in ``mapInPandas``; collected back, as the
                         report, the chance test and the term frequencies read it
block         Spark      one equi-join per rule on `linker.blocking.KEYS`, counted first, union
                         deduplicated (`spark_stages.block_spark`)
compare       Spark      `linker.compare.compare` per Arrow batch of joined pairs
u             Spark      the local engine's random pairs (same seed), compared in Spark, level
                         pattern counts aggregated with ``groupBy``
fit, score    driver     `linker.model.fit_em_entries` and `local.score_entries`, the same code
decide                   on the collected per-pair arrays (entry, registry row, levels)
============  =========  ==========================================================================

The per-pair arrays come to the driver because `MatchRun` (which the report reads) carries them, and
because EM over entries needs the whole list's genuine share at every iteration: a Spark job per
iteration would cost seconds where numpy takes milliseconds. They are small: 2 int32 + one int8 per
comparison per pair, ~20 bytes, so 10 million candidate pairs take ~200 MB. What does not fit on one
machine is the work before them (standardizing millions of rows, joining and comparing), and that is
what Spark spreads. The result is the local engine's, pair for pair and decision for decision.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from .. import blocking, compare as cmp, model as fs
from ..errors import ConfigError
from ..settings import Settings
from ..standardize import registry_lexicon
from .local import MatchRun, Timer, count_genuine, fit_model, labelled_pairs, load_sides, score_entries
from .spark_stages import (
    block_spark, compare_spark, compare_spark_encoded, pattern_counts_spark, raw_to_spark, spark_session, standardize_spark,
    to_pandas_rows, u_from_patterns,
)


#: inputs of up to this many rows (list + registry) are compared against a broadcast `Encoded`
ENCODED_MAX_ROWS = 5_000_000
#: a list of up to this many rows is broadcast to the compare tasks instead of joined by a shuffle
BROADCAST_ROWS = 500_000


def random_pairs(n_left: int, n_right: int, sample: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The random (list, registry) rows `linker.model.estimate_u` compares, drawn the same way."""
    rng = np.random.default_rng(seed)
    if n_left * n_right <= sample:
        return np.repeat(np.arange(n_left), n_right), np.tile(np.arange(n_right), n_left)
    return rng.integers(0, n_left, sample), rng.integers(0, n_right, sample)


def _pairs_frame(spark, left: np.ndarray, right: np.ndarray, partitions: int, **extra: np.ndarray):
    from .spark_stages import schema_of

    frame = pd.DataFrame({"l": np.asarray(left, np.int64), "r": np.asarray(right, np.int64), **extra})
    sdf = spark.createDataFrame(frame, schema=schema_of(frame))
    return sdf if sdf.rdd.getNumPartitions() >= partitions else sdf.repartition(partitions)


def run_match_spark(list_path: str, registry_path: str, settings: Settings, *, model_path: str | None = None,
                    labels: pd.DataFrame | None = None, labels_path: str = "labels.csv",
                    log: Callable[[str], None] | None = None, master: str | None = "local[2]",
                    spark=None, compare_by: str = "auto") -> MatchRun:
    """The match pipeline on Spark; returns the `MatchRun` the local engine returns, with the same decisions.

    ``master``: a Spark master URL (``local[4]``, ``spark://host:7077``, ``yarn``); ``None`` or an active
    session (under ``spark-submit``) uses the session's own. ``spark``: a session to use instead.
    ``compare_by``: ``broadcast`` ships the driver's `Encoded` to the tasks and the pairs travel as two
    integers; ``join`` joins both sides' standardized columns to the pairs (no limit on the registry's
    size); ``auto`` broadcasts up to `ENCODED_MAX_ROWS` rows.
    """
    if compare_by not in ("auto", "broadcast", "join"):
        raise ConfigError(f"compare_by {compare_by!r}: use auto, broadcast or join")
    from pyspark.sql import functions as F

    timer = Timer()
    say = log or (lambda _m: None)
    model = fs.Model.load(model_path) if model_path else None   # a bad model fails before any work
    with timer.stage("spark_start"):
        spark = spark or spark_session(master, quiet=settings.quiet)
    parts = max(int(spark.sparkContext.defaultParallelism), 1)
    with timer.stage("read"):
        side_l, side_r = load_sides(list_path, registry_path, settings)
    say(f"list {list_path}: {len(side_l.raw):,} rows; registry {registry_path}: {len(side_r.raw):,} rows")
    n_l, n_r = len(side_l.raw), len(side_r.raw)
    small = n_l <= BROADCAST_ROWS
    by_codes = compare_by == "broadcast" or (compare_by == "auto" and n_l + n_r <= ENCODED_MAX_ROWS)
    cached = []
    try:
        with timer.stage("standardize"):
            std_r, like_r = standardize_spark(raw_to_spark(spark, side_r.raw, partitions=parts), side_r.raw,
                                              side_r.mapping)
            std_r = std_r.persist()
            cached.append(std_r)
            side_r.std = to_pandas_rows(std_r, like_r).set_axis(side_r.raw.index)
            # the registry first: it tells how to read the list's names
            lexicon = registry_lexicon(side_r.std, side_r.mapping, side_l.mapping)
            std_l, like_l = standardize_spark(raw_to_spark(spark, side_l.raw, partitions=parts), side_l.raw,
                                              side_l.mapping, lexicon)
            std_l = std_l.persist()
            cached.append(std_l)
            side_l.std = to_pandas_rows(std_l, like_l).set_axis(side_l.raw.index)
        with timer.stage("block"):
            enc = cmp.encode(side_l.std, side_r.std)
            if model is not None:
                enc = cmp.restrict(enc, model.comparisons, source=model_path or "model")
            rules = blocking.choose_rules(settings.blocking_rules, side_l.std, side_r.std)
            pairs, rule_pairs = block_spark(std_l, std_r, like_l, like_r, rules, max_pairs=settings.max_pairs,
                                            log=say, automatic=not settings.blocking_rules,
                                            max_block=settings.max_block, n_list=len(side_l.raw))
            cached.append(pairs)
        lab = labelled_pairs(labels, side_l, side_r, path=labels_path)

        def _compare(frame):
            if by_codes:
                return compare_spark_encoded(frame, enc)
            return compare_spark(frame, std_l, std_r, like_l, like_r, enc.comparisons, broadcast_left=small)

        with timer.stage("compare"):
            pairs = pairs.withColumn("blocked", F.lit(True))
            keep = (lab[2] == 1) & (lab[1] >= 0)
            if keep.any():  # labelled matches that blocking did not propose become candidate pairs too
                extra = _pairs_frame(spark, lab[0][keep], lab[1][keep], 1, blocked=np.zeros(int(keep.sum()), bool))
                pairs = pairs.unionByName(extra).groupBy("l", "r").agg(F.max("blocked").alias("blocked"))
            got = _compare(pairs).toPandas()
            got = got.iloc[np.lexsort((got["r"].to_numpy(), got["l"].to_numpy()))].reset_index(drop=True)
            left, right = got["l"].to_numpy(np.int32), got["r"].to_numpy(np.int32)
            gammas = got[[f"gamma_{c.name}" for c in enc.comparisons]].astype(np.int8)
            was_blocked = got["blocked"].to_numpy(bool)
            blocked = blocking.BlockingResult(left[was_blocked], right[was_blocked], rule_pairs)
        say(f"candidate pairs: {blocked.n_pairs:,}")
        with timer.stage("fit"):
            fitted = model is None
            if model is None:
                il, ir = random_pairs(n_l, n_r, settings.u_sample_pairs, settings.seed)
                sample = _compare(_pairs_frame(spark, il, ir, parts))
                u = u_from_patterns(pattern_counts_spark(sample, enc.comparisons), enc.comparisons)
                model = fit_model(enc, u, gammas, left, right, lab, n_l, n_r)
    finally:
        for frame in cached:
            frame.unpersist()
    tf = fs.TermFrequencies.from_encoded(enc)
    with timer.stage("score"):
        scored = score_entries(model, enc, tf, left, right, gammas, n_l, n_r, settings, fit_share=True, lab=lab)
        model.genuine_share = scored.genuine_share
    with timer.stage("interval"):
        kept = [r for r in rules if r.name in dict(rule_pairs)]
        model, scored, count = count_genuine(model, scored, enc, tf, (side_l, side_r), kept, lab, settings,
                                             fitted=fitted)
    return MatchRun(side_l, side_r, enc, blocked, model, tf, scored, labels, timer.timings, count)


def run_dedupe_spark(path: str, settings: Settings, *, log: Callable[[str], None] | None = None,
                     master: str | None = "local[2]", spark=None):
    """`linker dedupe` on Spark: standardize, block (one table against itself) and compare in Spark, then
    the local engine's fit, scores and clusters (`dedupe.finish_dedupe`) on the driver."""
    from ..dedupe import finish_dedupe, load_roster

    timer = Timer()
    say = log or (lambda _m: None)
    with timer.stage("spark_start"):
        spark = spark or spark_session(master, quiet=settings.quiet)
    parts = max(int(spark.sparkContext.defaultParallelism), 1)
    with timer.stage("read"):
        side = load_roster(path, settings, standardized=False)
    n = len(side.raw)
    say(f"{path}: {n:,} rows")
    cached = []
    try:
        with timer.stage("standardize"):
            std, like = standardize_spark(raw_to_spark(spark, side.raw, partitions=parts), side.raw, side.mapping)
            std = std.persist()
            cached.append(std)
            side.std = to_pandas_rows(std, like).set_axis(side.raw.index)
        with timer.stage("block"):
            enc = cmp.encode(side.std, side.std)
            rules = blocking.choose_rules(settings.blocking_rules, side.std, side.std)
            pairs, rule_pairs = block_spark(std, std, like, like, rules, max_pairs=settings.max_pairs, dedupe=True,
                                            log=say, automatic=not settings.blocking_rules,
                                            max_block=settings.max_block, n_list=len(side.raw))
            cached.append(pairs)
        with timer.stage("compare"):
            got = compare_spark_encoded(pairs, enc).toPandas()
            got = got.iloc[np.lexsort((got["r"].to_numpy(), got["l"].to_numpy()))].reset_index(drop=True)
            left, right = got["l"].to_numpy(np.int32), got["r"].to_numpy(np.int32)
            gammas = got[[f"gamma_{c.name}" for c in enc.comparisons]].astype(np.int8).reset_index(drop=True)
            blocked = blocking.BlockingResult(left, right, rule_pairs)
        say(f"candidate pairs: {blocked.n_pairs:,}")
        with timer.stage("fit"):
            il, ir = random_pairs(n, n, settings.u_sample_pairs, settings.seed)
            sample = compare_spark_encoded(_pairs_frame(spark, il, ir, parts), enc)
            u = u_from_patterns(pattern_counts_spark(sample, enc.comparisons), enc.comparisons)
    finally:
        for frame in cached:
            frame.unpersist()
    return finish_dedupe(side, enc, blocked, gammas, u, settings, timer)
