"""The pipeline's stages as Spark jobs: each runs the very function of the local engine over partitions.

* ``standardize_spark``: `linker.standardize.standardize` inside ``mapInPandas`` (it works on the distinct
  values of a batch, and every standardizer is a function of one value, so a batch gives the rows it would
  give in one whole-table call).
* ``block_spark``: each rule of `linker.blocking` as an equi-join on the same keys (`linker.blocking.KEYS`,
  a part empty or 0 never joins); the pairs of every rule counted from key frequencies before a pair is
  built (the same refusal as the local engine), then the union of the rules' pairs, deduplicated.
* ``compare_spark``: the pairs joined with both sides' standardized columns; each Arrow batch becomes two
  small aligned tables (row k of the list table against row k of the registry table), encoded with
  `linker.compare.encode` and compared with `linker.compare.compare` under the run's comparisons. Levels
  depend on the values only, never on the vocabulary codes, so a batch's own vocabulary gives the levels a
  whole-table encoding gives.
* ``pattern_counts_spark``: distinct level patterns and their counts, a ``groupBy`` over the gamma columns.

Nothing here decides anything: the driver (`linker.engines.spark`) fits and scores with `linker.model`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np
import pandas as pd

from .. import blocking, compare as cmp
from ..columns import Mapping

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

#: standardized columns `linker.compare.encode` never reads (every other one travels with the pairs)
NOT_COMPARED = ("flags",)
ROW = "_row"


def spark_session(master: str | None = "local[2]", *, quiet: bool = True,
                  conf: dict[str, str] | None = None) -> SparkSession:
    """The active session (under spark-submit), or a new one on ``master`` tuned for linker's jobs."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("linker")
    if master:
        builder = builder.master(master)
    settings = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.maxRecordsPerBatch": "100000",
        "spark.sql.shuffle.partitions": "8",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false" if quiet else "true",
        "spark.driver.memory": "4g",
    }
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    if quiet:
        _quiet_gateway(master, settings)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _quiet_gateway(master: str | None, settings: dict[str, str]) -> None:
    """Start the JVM with its stderr closed, so that --quiet is quiet on Spark too (the JVM's and log4j's
    start-up warnings write straight to the process's stderr, before any log level can be set); the
    session built next reuses this context. Errors still reach Python as exceptions."""
    import subprocess
    import warnings

    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway

    warnings.filterwarnings("ignore", module=r"pyspark(\..*)?$")
    if SparkContext._active_spark_context is not None:
        return
    conf = SparkConf().setAppName("linker").setAll(list(settings.items()))
    if master:
        conf = conf.setMaster(master)
    gateway = launch_gateway(conf, popen_kwargs={"stderr": subprocess.DEVNULL})
    SparkContext(conf=conf, gateway=gateway)


# -- pandas <-> Spark -----------------------------------------------------------------------------

def _spark_type(dtype: np.dtype):
    from pyspark.sql import types as T

    if dtype == bool:
        return T.BooleanType()
    if dtype == np.int8:
        return T.ByteType()
    if dtype == np.int16:
        return T.ShortType()
    if dtype == np.int32:
        return T.IntegerType()
    if np.issubdtype(dtype, np.integer):
        return T.LongType()
    if np.issubdtype(dtype, np.floating):
        return T.DoubleType()
    return T.StringType()


def schema_of(frame: pd.DataFrame):
    from pyspark.sql import types as T

    return T.StructType([T.StructField(str(c), _spark_type(frame[c].dtype), True) for c in frame.columns])


def raw_to_spark(spark: SparkSession, raw: pd.DataFrame, *, partitions: int) -> DataFrame:
    """The raw strings with their row position ``_row``; columns renamed ``c0..`` (headers may hold dots)."""
    frame = pd.DataFrame({f"c{k}": raw.iloc[:, k].astype(str).to_numpy(object) for k in range(raw.shape[1])})
    frame.insert(0, ROW, np.arange(len(raw), dtype=np.int64))
    sdf = spark.createDataFrame(frame, schema=schema_of(frame))
    return sdf if sdf.rdd.getNumPartitions() >= partitions else sdf.repartition(partitions)


def to_pandas_rows(sdf: DataFrame, like: pd.DataFrame | None = None) -> pd.DataFrame:
    """A Spark table with ``_row`` back in row order, without ``_row``; dtypes as in ``like``."""
    frame = sdf.toPandas().sort_values(ROW, kind="stable").reset_index(drop=True).drop(columns=ROW)
    if like is not None:
        frame = frame.astype({c: like[c].dtype for c in frame.columns if c in like.columns})
    return frame


# -- standardize ----------------------------------------------------------------------------------

def _standardize_batches(columns: list[str], mapping: Mapping, out_cols: list[str], lexicon=None
                         ) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from ..standardize import standardize

        for batch in batches:
            if not len(batch):
                continue
            raw = batch.drop(columns=ROW).reset_index(drop=True)
            raw.columns = columns
            std = standardize(raw.fillna(""), mapping, lexicon)
            std.insert(0, ROW, batch[ROW].to_numpy())
            yield std[out_cols]
    return run


def standardize_spark(raw_sdf: DataFrame, raw: pd.DataFrame, mapping: Mapping, lexicon=None
                      ) -> tuple[DataFrame, pd.DataFrame]:
    """The standardized table in Spark (with ``_row``), and an empty frame of its columns and dtypes; full-name
    cells read with the registry's ``lexicon`` (`linker.standardize.registry_lexicon`) when given."""
    from ..standardize import standardize

    probe = standardize(raw.head(32).reset_index(drop=True), mapping, lexicon)
    probe.insert(0, ROW, np.zeros(len(probe), np.int64))
    out_cols = list(probe.columns)
    fn = _standardize_batches(list(map(str, raw.columns)), mapping, out_cols, lexicon)
    return raw_sdf.mapInPandas(fn, schema=schema_of(probe)), probe.iloc[:0].drop(columns=ROW)


# -- block ----------------------------------------------------------------------------------------

def _keyed(std: DataFrame, like: pd.DataFrame, rules: list[blocking.Rule], side: str, row_name: str) -> DataFrame:
    """(row, rule, key) for every rule and row whose every key part is present; parts joined by \\x1f."""
    from pyspark.sql import functions as F

    parts = []
    for i, rule in enumerate(rules):
        # a part whose other side is a selector (fn_is_init>any) selects rows and is no part of the key, as in
        # `linker.blocking._key_codes`: only parts compared on both sides enter it
        pairs = blocking.rule_parts(rule)
        cols = [(lp if side == "list" else rp) + (lp[1] == rp[1] == "value",) for lp, rp in pairs]
        cond = F.lit(True)
        for c, kind, _keyed_part in cols:
            if kind == "any":
                continue
            has = (F.col(c) != "") if like[c].dtype == object else \
                F.col(c) if like[c].dtype == bool else (F.col(c) > 0)     # bool: fn_is_init
            cond = cond & (has if kind == "value" else ~has)
        key = F.concat_ws("\x1f", *[F.col(c).cast("string") if keyed else F.lit("*") for c, _kind, keyed in cols])
        parts.append(std.where(cond).select(F.col(ROW).alias(row_name), F.lit(i).alias("rule"), key.alias("key")))
    out = parts[0]
    for p in parts[1:]:
        out = out.unionByName(p)
    return out


def block_spark(std_l: DataFrame, std_r: DataFrame, like_l: pd.DataFrame, like_r: pd.DataFrame,
                rules: list[blocking.Rule], *, max_pairs: int, dedupe: bool = False,
                log: Callable[[str], None] | None = None, automatic: bool = False, max_block: int | None = None,
                n_list: int | None = None) -> tuple[DataFrame, tuple[tuple[str, int], ...]]:
    """(pairs ``l, r`` as the union of every rule's join, pairs per rule before the union).

    Every rule's key is one string column beside the rule's number, so counting the pairs of all rules
    is one job (key frequencies joined, products summed per rule) and building them another. With
    ``automatic`` (rules linker chose), a rule over a quarter of ``max_pairs`` is left out, as
    `linker.blocking.block` does.
    """
    from pyspark.sql import functions as F

    if n_list is None:
        n_list = std_l.count()
    keyed_l = left = _keyed(std_l, like_l, rules, "list", "l").persist()
    right = _keyed(std_r, like_r, rules, "registry", "r").persist()
    try:
        cl = left.groupBy("rule", "key").agg(F.count("*").alias("nl"))
        cr = right.groupBy("rule", "key").agg(F.count("*").alias("nr"))
        capped: dict[int, int] = {}
        caps = {i: rule.block_cap(max_block) for i, rule in enumerate(rules)}
        if any(caps.values()):  # keys shared by over max_block registry records are left to the other rules
            limit = F.lit(None)
            for i, cap in caps.items():
                if cap:
                    limit = F.when(F.col("rule") == i, F.lit(cap)).otherwise(limit)
            over = limit.isNotNull() & (F.col("nr") > limit)
            capped = {int(r["rule"]): int(r["count"]) for r in cr.where(over).groupBy("rule").count().collect()}
            cr = cr.where(~over)
            left = left.join(cr.select("rule", "key"), on=["rule", "key"], how="left_semi")
        rows = (cl.join(cr, on=["rule", "key"]).groupBy("rule")
                .agg(F.sum(F.col("nl") * F.col("nr")).alias("n")).collect())
        per_rule = {int(r["rule"]): int(r["n"] or 0) for r in rows}
        counted, kept = [], []
        for i, rule in enumerate(rules):
            n = per_rule.get(i, 0) // 2 if dedupe else per_rule.get(i, 0)
            if automatic and len(rules) > 1 and blocking.too_many(rule, n, max_pairs, n_list):
                if log:
                    log(f"  blocking rule {rule.name}: {n:,} pairs, too many: left out")
                continue
            counted.append((rule, n))
            kept.append(i)
            if log:
                note = (f" ({capped[i]:,} keys shared by over {caps[i]:,} records left to other rules)"
                        if capped.get(i) else "")
                log(f"  blocking rule {rule.name}: {n:,} pairs{note}")
        blocking.check_total(counted, max_pairs)
        pairs = left.where(F.col("rule").isin(kept)).join(right, on=["rule", "key"]).select("l", "r")
        if dedupe:  # one table against itself: each unordered pair once, never a row with itself
            pairs = pairs.select(F.least("l", "r").alias("l"), F.greatest("l", "r").alias("r")).where("l != r")
        pairs = pairs.distinct().persist()
        pairs.count()
    finally:
        keyed_l.unpersist()
        right.unpersist()
    return pairs, tuple((rule.name, n) for rule, n in counted)


# -- compare --------------------------------------------------------------------------------------

def _compare_batches(cols: list[str], comparisons: tuple[cmp.Comparison, ...], keep: list[str], workers: int
                     ) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            if not len(batch):
                continue
            batch = batch.reset_index(drop=True)
            sl = pd.DataFrame({c: batch[f"{c}_l"].to_numpy() for c in cols})
            sr = pd.DataFrame({c: batch[f"{c}_r"].to_numpy() for c in cols})
            enc = cmp.encode(sl, sr)
            enc = cmp.Encoded(enc.left, enc.right, enc.vocab, comparisons)
            idx = np.arange(len(batch))
            gam = cmp.compare(enc, idx, idx, workers=workers)
            yield pd.concat([batch[keep], gam], axis=1)
    return run


def compare_spark(pairs: DataFrame, std_l: DataFrame, std_r: DataFrame, like_l: pd.DataFrame,
                  like_r: pd.DataFrame, comparisons: tuple[cmp.Comparison, ...], *, workers: int = 1,
                  broadcast_left: bool = False) -> DataFrame:
    """``pairs`` (``l``, ``r`` and any other columns) with a ``gamma_<comparison>`` byte column each.

    ``broadcast_left``: ship the list side whole to every task (a list of up to a few hundred thousand
    rows) instead of shuffling the pairs to it. ``workers``: rapidfuzz threads per task (Spark already
    runs a task per core).
    """
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    cols = [c for c in like_l.columns if c in like_r.columns and c not in NOT_COMPARED]
    side_l = std_l.select(F.col(ROW).alias("l"), *[F.col(c).alias(f"{c}_l") for c in cols])
    side_r = std_r.select(F.col(ROW).alias("r"), *[F.col(c).alias(f"{c}_r") for c in cols])
    joined = pairs.join(F.broadcast(side_l) if broadcast_left else side_l, on="l").join(side_r, on="r")
    keep = list(pairs.columns)
    schema = T.StructType([f for f in pairs.schema.fields]
                          + [T.StructField(f"gamma_{c.name}", T.ByteType(), False) for c in comparisons])
    return joined.mapInPandas(_compare_batches(cols, comparisons, keep, workers), schema=schema)


def _compare_encoded_batches(bc, keep: list[str], workers: int
                             ) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        enc = bc.value
        for batch in batches:
            if not len(batch):
                continue
            batch = batch.reset_index(drop=True)
            gam = cmp.compare(enc, batch["l"].to_numpy(np.int64), batch["r"].to_numpy(np.int64), workers=workers)
            yield pd.concat([batch[keep], gam], axis=1)
    return run


def compare_spark_encoded(pairs: DataFrame, enc: cmp.Encoded, *, workers: int = 1) -> DataFrame:
    """Like `compare_spark`, with the driver's whole `Encoded` broadcast: the pairs travel as two integers.

    The broadcast holds an int code per row and column of both sides (~40 bytes a registry row) and the
    vocabularies, so it suits registries up to a few million rows; beyond, `compare_spark` joins the
    standardized columns to the pairs instead.
    """
    from pyspark.sql import types as T

    spark = pairs.sparkSession
    bc = spark.sparkContext.broadcast(enc)
    keep = list(pairs.columns)
    schema = T.StructType([f for f in pairs.schema.fields]
                          + [T.StructField(f"gamma_{c.name}", T.ByteType(), False) for c in enc.comparisons])
    return pairs.mapInPandas(_compare_encoded_batches(bc, keep, workers), schema=schema)


def pattern_counts_spark(gammas: DataFrame, comparisons: tuple[cmp.Comparison, ...]) -> pd.DataFrame:
    """Distinct level patterns (columns ``gamma_*``) and ``count``, aggregated in Spark."""
    cols = [f"gamma_{c.name}" for c in comparisons]
    out = gammas.groupBy(*cols).count().toPandas()
    return out.astype({c: np.int8 for c in cols}).astype({"count": np.int64})


def u_from_patterns(patterns: pd.DataFrame, comparisons: tuple[cmp.Comparison, ...]) -> dict[str, np.ndarray]:
    """Level frequencies (add-half smoothed, missing level left out) as `linker.model.estimate_u` gives."""
    u = {}
    counts = patterns["count"].to_numpy(np.float64)
    for c in comparisons:
        g = patterns[f"gamma_{c.name}"].to_numpy()
        ok = g >= 0
        freq = np.bincount(g[ok], weights=counts[ok], minlength=len(c.labels)) + 0.5
        u[c.name] = freq / freq.sum()
    return u
