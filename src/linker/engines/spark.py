"""The Spark engine: the local engine's stages over Spark partitions, the model fitted on the driver.

Where each stage runs, and why:

============  =========  ==========================================================================
stage         where      how
============  =========  ==========================================================================
read, map     driver     `linker.pipeline.load_sides` (encoding/delimiter detection, header
                         mapping and id checks need the whole file; the report shows raw rows)
standardize   Spark      `linker.standardize.standardize` in ``mapInPandas``; collected back, as the
                         report, the chance test and the term frequencies read it
block         Spark      one equi-join per rule on `linker.blocking.KEYS`, counted first, union
                         deduplicated (`spark_stages.block_spark`)
compare       Spark      `linker.compare.compare` per Arrow batch of joined pairs
u             Spark      the local engine's random pairs (same seed), compared in Spark, level
                         pattern counts aggregated with ``groupBy``
fit, score    driver     `linker.pipeline` (`fit_model`, `score_entries`, `count_genuine`), the code
decide                   every engine runs, on the collected per-pair arrays (entry, registry row, levels)
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
from ..pipeline import Candidates, Side
from ..settings import Settings
from .spark_stages import (
    block_spark, compare_spark, compare_spark_encoded, pattern_counts_spark, raw_to_spark, spark_session, standardize_spark,
    to_pandas_rows, u_from_patterns,
)


#: inputs of up to this many rows (list + registry) are compared against a broadcast `Encoded`
ENCODED_MAX_ROWS = 5_000_000
#: a list of up to this many rows is broadcast to the compare tasks instead of joined by a shuffle
BROADCAST_ROWS = 500_000


def _pairs_frame(spark, left: np.ndarray, right: np.ndarray, partitions: int, **extra: np.ndarray):
    from .spark_stages import schema_of

    frame = pd.DataFrame({"l": np.asarray(left, np.int64), "r": np.asarray(right, np.int64), **extra})
    sdf = spark.createDataFrame(frame, schema=schema_of(frame))
    return sdf if sdf.rdd.getNumPartitions() >= partitions else sdf.repartition(partitions)


class SparkEngine:
    """The row and pair stages on Spark; `linker.pipeline` runs the rest on the driver.

    ``master``: a Spark master URL (``local[4]``, ``spark://host:7077``, ``yarn``); ``None`` or an active
    session (under ``spark-submit``) uses the session's own. ``spark``: a session to use instead.
    ``compare_by``: ``broadcast`` ships the driver's `Encoded` to the tasks and the pairs travel as two
    integers; ``join`` joins both sides' standardized columns to the pairs (no limit on the registry's
    size); ``auto`` broadcasts up to `ENCODED_MAX_ROWS` rows (list + registry).
    """

    name = "spark"

    def __init__(self, master: str | None = "local[2]", *, spark=None, compare_by: str = "auto",
                 quiet: bool = True) -> None:
        if compare_by not in ("auto", "broadcast", "join"):
            raise ConfigError(f"compare_by {compare_by!r}: use auto, broadcast or join")
        self.master, self.spark, self.compare_by, self.quiet = master, spark, compare_by, quiet
        self._cached: list = []
        self._frames: dict[int, tuple] = {}       # id(side) -> (standardized Spark frame, pandas dtypes)
        self._by_codes = True
        self._small = True

    def _session(self):
        if self.spark is None:
            self.spark = spark_session(self.master, quiet=self.quiet)
        return self.spark

    def _parts(self) -> int:
        return max(int(self._session().sparkContext.defaultParallelism), 1)

    def standardize(self, side: Side, settings: Settings, lexicon=None) -> None:
        spark, parts = self._session(), self._parts()
        std, like = standardize_spark(raw_to_spark(spark, side.raw, partitions=parts), side.raw, side.mapping, lexicon)
        std = std.persist()
        self._cached.append(std)
        self._frames[id(side)] = (std, like)
        side.std = to_pandas_rows(std, like).set_axis(side.raw.index)
        side.lexicon = lexicon      # the report's display names, parsed on the driver, read as the workers did

    def block(self, side_l: Side, side_r: Side, enc: cmp.Encoded, rules: list, settings: Settings, *,
              dedupe: bool, log: Callable[[str], None]):
        (std_l, like_l), (std_r, like_r) = self._frames[id(side_l)], self._frames[id(side_r)]
        n_rows = len(side_l.raw) + len(side_r.raw)
        self._small = len(side_l.raw) <= BROADCAST_ROWS
        self._by_codes = self.compare_by == "broadcast" or (self.compare_by == "auto" and n_rows <= ENCODED_MAX_ROWS)
        pairs, rule_pairs = block_spark(std_l, std_r, like_l, like_r, rules, max_pairs=settings.max_pairs,
                                        dedupe=dedupe, log=log, automatic=not settings.blocking_rules,
                                        max_block=settings.max_block, n_list=len(side_l.raw))
        self._cached.append(pairs)
        self._sides = (side_l, side_r)
        return pairs, rule_pairs

    def _compare(self, frame, enc: cmp.Encoded):
        if self._by_codes:
            return compare_spark_encoded(frame, enc)
        side_l, side_r = self._sides
        (std_l, like_l), (std_r, like_r) = self._frames[id(side_l)], self._frames[id(side_r)]
        return compare_spark(frame, std_l, std_r, like_l, like_r, enc.comparisons, broadcast_left=self._small)

    def compare(self, proposed, enc: cmp.Encoded, extra: tuple[np.ndarray, np.ndarray],
                settings: Settings) -> Candidates:
        from pyspark.sql import functions as F

        pairs, rule_pairs = proposed
        pairs = pairs.withColumn("blocked", F.lit(True))
        if len(extra[0]):       # labelled matches that blocking did not propose become candidate pairs too
            more = _pairs_frame(self._session(), extra[0], extra[1], 1, blocked=np.zeros(len(extra[0]), bool))
            pairs = pairs.unionByName(more).groupBy("l", "r").agg(F.max("blocked").alias("blocked"))
        got = self._compare(pairs, enc).toPandas()
        got = got.iloc[np.lexsort((got["r"].to_numpy(), got["l"].to_numpy()))].reset_index(drop=True)
        left, right = got["l"].to_numpy(np.int32), got["r"].to_numpy(np.int32)
        gammas = got[[f"gamma_{c.name}" for c in enc.comparisons]].astype(np.int8)
        was_blocked = got["blocked"].to_numpy(bool)
        return Candidates(left, right, gammas, blocking.BlockingResult(left[was_blocked], right[was_blocked],
                                                                       rule_pairs))

    def estimate_u(self, enc: cmp.Encoded, n_left: int, n_right: int, settings: Settings) -> dict[str, np.ndarray]:
        il, ir = fs.random_pairs(n_left, n_right, settings.u_sample_pairs, settings.seed)
        sample = self._compare(_pairs_frame(self._session(), il, ir, self._parts()), enc)
        return u_from_patterns(pattern_counts_spark(sample, enc.comparisons), enc.comparisons)

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        self._cached, self._frames = [], {}
