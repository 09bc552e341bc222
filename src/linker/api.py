"""linker as a library: the calls behind every command, over DataFrames or files.

    import linker
    r = linker.match(list_df, "registry.csv", match_threshold=0.9)
    r.matches                  # one row per list row: matches.csv
    r.counts, r.expected_genuine, r.chance
    r.explain("17")            # the entry's candidates and each field's evidence
    r.write("report/")         # the files of `linker match --out report/`, atomically

Tables are a file path (CSV/TSV, XLSX, Parquet) or a pandas DataFrame of any dtypes; a DataFrame's
ids come from an id column, or from its index when the index is named or not the default 0..n-1.
Options are `linker.Settings` fields as keywords (``match_threshold``, ``review_threshold``, ``seed``,
``list_map={"surname": "Фамилия"}``, ``list_id``, ``blocking_rules``, ...), over an optional TOML
``config``. Errors are `linker.LinkerError`s whose message names the table, column or row and the fix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError
from .pipeline import Source
from .settings import Settings, make_settings

__all__ = ["Counts", "DedupeResult", "ExpectedGenuine", "Lookup", "MatchResult", "SynthRosters", "dedupe",
           "evaluate", "index", "lookup", "match", "read_table", "synth", "tune"]


def _settings(config: str | os.PathLike[str] | None, options: dict[str, Any], *, call: str) -> Settings:
    """Settings from a config file and keyword options (quiet unless asked; maps as dicts or pairs)."""
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(f"linker.{call}: unknown option {unknown[0]!r}; options are: {', '.join(sorted(known))}")
    opts = dict(options)
    opts.setdefault("quiet", True)
    for key in ("list_map", "registry_map"):
        if isinstance(opts.get(key), Mapping):
            opts[key] = tuple((str(k), str(v)) for k, v in opts[key].items())
        elif opts.get(key) is not None:
            opts[key] = tuple((str(k), str(v)) for k, v in opts[key])
    if opts.get("blocking_rules") is not None:
        opts["blocking_rules"] = tuple(tuple(str(k) for k in rule) for rule in opts["blocking_rules"])
    return make_settings(config, **opts)


# ------------------------------------------------------------------------------------------- match
@dataclass(frozen=True)
class Counts:
    """How the list's entries were decided (report.json ``counts``)."""

    total: int
    match: int
    review: int
    no_match: int
    duplicate_listings: int      # entries that list a person an earlier entry already lists
    confirmed_people: int        # match entries less duplicate listings
    labelled: int                # entries a reviewer decided (--labels)
    flagged: Mapping[str, int]   # entries per flag (namesakes, claimed, invalid_date, ...)


@dataclass(frozen=True)
class ExpectedGenuine:
    """The expected number of genuine entries (listed people who are in the registry) and its interval.

    ``covers`` and ``does_not_cover`` say which uncertainties the interval includes; the report prints
    them beside the number."""

    estimate: float
    low: float
    high: float
    share: float
    covers: str                  # what the interval allows for, as the report says it
    does_not_cover: str          # what it does not allow for
    detail: Mapping[str, Any]    # the rest of report.json's ``expected_genuine`` (miss rate, bootstrap, ...)


class MatchResult:
    """The outcome of `match`: decisions per entry, the counts, the model, and the files to write."""

    def __init__(self, output) -> None:
        self._out = output          # linker.run.MatchOutput

    @property
    def matches(self) -> pd.DataFrame:
        """One row per list row, in input order: the columns of matches.csv."""
        return self._out.matches

    @property
    def report(self) -> dict:
        """report.json without its per-entry list."""
        return self._out.report

    @property
    def model(self):
        """The fitted `linker.Model` (m, u, the genuine share); ``save`` it for ``model=`` of a later run."""
        return self._out.run.model

    @property
    def counts(self) -> Counts:
        c = self.report["counts"]
        return Counts(**{k: c[k] for k in ("total", "match", "review", "no_match", "duplicate_listings",
                                          "confirmed_people", "labelled")},
                      flagged=MappingProxyType(dict(c["flagged"])))

    @property
    def expected_genuine(self) -> ExpectedGenuine:
        e = dict(self.report["expected_genuine"])
        main = {k: e.pop(k) for k in ("estimate", "low", "high", "share")}
        covers, not_covered = str(e.pop("covers", "") or ""), str(e.pop("does_not_cover", "") or "")
        return ExpectedGenuine(**main, covers=covers, does_not_cover=not_covered, detail=MappingProxyType(e))

    @property
    def chance(self):
        """The chance test (`linker.report.decoy.ChanceTest`: how many invented entries would be confirmed),
        or None when the run made no decoys."""
        return self._out.chance

    def explain(self, list_id: Any) -> pd.DataFrame:
        """The candidates of one entry, most probable first: registry id, probability, weight, and for each
        field its level (``<field>_level``) and its evidence in bits (``<field>_weight``), as the report's
        waterfall shows them. ``attrs`` holds the entry's decision and flags."""
        run = self._out.run
        key = str(list_id).strip()
        hit = np.flatnonzero(run.list.ids.to_numpy(object) == key)
        if not len(hit):
            raise InputError(f"list_id {key!r}: no such entry in the list; give an id of matches['list_id']")
        row = int(hit[0])
        sc = run.scored
        sel = np.flatnonzero(sc.left == row)
        from .lookups import evidence

        out = evidence(run.model, sc.gammas.iloc[sel], sc.pair_p[sel], sc.weights["match_weight"].to_numpy()[sel],
                       sc.weights["mw_tf"].to_numpy()[sel], run.registry.ids.to_numpy(object)[sc.right[sel]])
        m = self.matches.iloc[row]
        out.attrs.update(list_id=key, decision=m["decision"], flags=m["flags"],
                         genuine_probability=float(m["genuine_probability"]))
        return out

    def write(self, out: str | os.PathLike[str], *, force: bool = False, redact: bool = False,
              format: str = "csv") -> Path:
        """matches.csv, report.json, report.html, model.json and timings.json into ``out``, all or nothing
        (``linker.outdir``: never over a folder that holds the inputs or files linker did not write;
        ``force`` replaces an earlier linker output). ``redact``: a report for publication. ``format``:
        ``"parquet"`` writes matches.parquet instead of matches.csv (big lists)."""
        from .outdir import OutputDir
        from .run import check_matches_format

        check_matches_format(format)
        with OutputDir(os.fspath(out), command="match", force=force, inputs=self._out.inputs) as target:
            self._out.write(target, redact=redact, matches_format=format)
        return Path(out)

    def __repr__(self) -> str:
        c, e = self.counts, self.expected_genuine
        return (f"<MatchResult {c.total} entries: {c.match} match, {c.review} review, {c.no_match} no_match; "
                f"expected genuine {e.estimate:.1f} [{e.low:.1f}, {e.high:.1f}]>")


def match(list: Source, registry: Source, *, config: str | os.PathLike[str] | None = None, engine: Any = "local",
          spark_master: str | None = "local[2]", model: str | os.PathLike[str] | None = None,
          labels: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
          breakdown: Sequence[str] = (), out: str | os.PathLike[str] | None = None, force: bool = False,
          redact: bool = False, format: str = "csv", log: Callable[[str], None] | None = None,
          **options: Any) -> MatchResult:
    """Match the people of ``list`` against ``registry`` and decide each entry: match, review or no_match.

    ``registry`` may be a directory `index` prepared (the same outputs, without reading and standardizing
    the registry again).

    ``engine``: ``"local"``, ``"spark"`` (with ``spark_master``) or an engine object. ``model``: score with
    a saved model.json instead of fitting. ``labels``: labels.csv file(s) of a review (a person's decisions
    win). ``breakdown``: list columns to break the results down by. ``out``: also write the outputs there
    (claimed before any work, as `linker match --out`); ``format``: ``"parquet"`` writes matches.parquet there
    instead of matches.csv. ``options``: `linker.Settings` fields."""
    from .run import match as run_match

    settings = _settings(config, options, call="match")
    output = run_match(list, registry, settings, out=os.fspath(out) if out is not None else None, force=force,
                       model_path=os.fspath(model) if model is not None else None, labels_path=labels,
                       breakdown_columns=tuple(breakdown), log=log, engine=engine, spark_master=spark_master,
                       redact=redact, matches_format=format)
    return MatchResult(output)


# ------------------------------------------------------------------------------------------- index
def index(registry: str | os.PathLike[str], out: str | os.PathLike[str], *,
          config: str | os.PathLike[str] | None = None, force: bool = False,
          log: Callable[[str], None] | None = None, **options: Any) -> Path:
    """Prepare ``registry`` (a file) once: its table, ids and standardized columns into the directory ``out``
    (`linker.prepared`), which ``match(list, out)`` then reads instead of the file, with the same outputs.
    ``options``: the registry's ``registry_map`` and ``registry_id`` (a run that maps the registry otherwise
    still works from the index, standardizing it again)."""
    from .prepared import build_index

    settings = _settings(config, options, call="index")
    return build_index(registry, out, settings, force=force, log=log)


def Lookup(index: str | os.PathLike[str], model: str | os.PathLike[str], *,
           config: str | os.PathLike[str] | None = None, **options: Any):
    """A prepared registry and a saved model.json (of an earlier `match` against it) loaded once, to look
    people up: ``lk.query(surname=..., first_name=..., birth_date=...)`` gives one person's candidates, most
    probable first, with each field's evidence (`MatchResult.explain`'s columns); ``lk.queries(df)`` many
    (`linker.lookups.Lookup`). ``options``: `linker.Settings` fields (``registry_map``, ``max_block``...)."""
    from .lookups import Lookup as _Lookup

    return _Lookup(index, model, settings=_settings(config, options, call="Lookup"))


def lookup(index: str | os.PathLike[str], *, model: str | os.PathLike[str], **fields: Any) -> pd.DataFrame:
    """One person's candidates in a prepared registry (loads the index each call: use `Lookup` for many)."""
    return Lookup(index, model).query(**fields)


# ------------------------------------------------------------------------------------------ dedupe
class DedupeResult:
    """The outcome of `dedupe`: a cluster (one person) per row, the model and the files to write."""

    def __init__(self, run, settings: Settings) -> None:
        from .deduplication import clusters_frame, dedupe_report

        self.run = run
        self.clusters = clusters_frame(run)          # clusters.csv: one row per input row, in input order
        self.report = dedupe_report(run, self.clusters, settings)
        self._inputs: tuple[str, ...] = ()

    @property
    def model(self):
        return self.run.model

    def write(self, out: str | os.PathLike[str], *, force: bool = False) -> Path:
        """clusters.csv, report.json, report.html and model.json into ``out``, all or nothing."""
        from .deduplication import write_dedupe
        from .outdir import OutputDir

        with OutputDir(os.fspath(out), command="dedupe", force=force, inputs=self._inputs) as target:
            write_dedupe(target, self.run, self.clusters, self.report)
        return Path(out)

    def __repr__(self) -> str:
        c = self.report["counts"]
        return f"<DedupeResult {c['rows']} rows: {c['entities']} people, {c['clusters']} listed more than once>"


def dedupe(table: Source, *, config: str | os.PathLike[str] | None = None, engine: Any = "local",
           spark_master: str | None = "local[2]", log: Callable[[str], None] | None = None,
           **options: Any) -> DedupeResult:
    """The rows of ``table`` that are the same person, clustered (``match_threshold``, ``seed``, ``list_map``,
    ``list_id``: the table's options)."""
    from .engines import get_engine
    from .pipeline import run_dedupe
    from .run import input_paths

    settings = _settings(config, options, call="dedupe")
    run = run_dedupe(table, settings, get_engine(engine, spark_master=spark_master, quiet=settings.quiet), log=log)
    result = DedupeResult(run, settings)
    result._inputs = input_paths(table)
    return result


# -------------------------------------------------------------------------------- tune, evaluate
def _matches_table(matches: Any, what: str) -> tuple[pd.DataFrame, pd.Series | None, str]:
    """(matches table, best candidate per list id or None, name) of a MatchResult, an --out directory, a
    matches.csv path or a DataFrame."""
    from .io import read_table
    from .pipeline import source_table
    from .tuning import best_candidates

    if isinstance(matches, MatchResult):
        run = matches._out.run
        best = run.entries["best_right"].to_numpy()
        ids = run.registry.ids.to_numpy(object)
        cand = pd.Series(np.where(best >= 0, ids[np.clip(best, 0, None)], ""), index=run.list.ids.to_numpy())
        return matches.matches, cand, "matches"
    if isinstance(matches, (str, os.PathLike)) and not Path(matches).is_file():     # an --out directory
        path = Path(matches) / "matches.csv"
        if not path.is_file() and (Path(matches) / "matches.parquet").is_file():
            path = Path(matches) / "matches.parquet"
        if not path.is_file():
            raise InputError(f"{path}: not found; give the --out directory of a linker match run")
        return read_table(path), best_candidates(Path(matches)), os.fspath(path)
    name, table = source_table(matches, what)
    return table, None, name


def tune(matches: Any, truth: Source | None = None, *, labels: str | os.PathLike[str] | None = None,
         target_precision: float = 0.99):
    """Precision, recall and F1 at each match threshold, and a suggested pair of thresholds (`linker.tuning`):
    measured against ``truth`` (truth.csv or pair truth) or a review's ``labels``, else estimated from the
    model's probabilities. ``matches``: a MatchResult, an --out directory, matches.csv or its DataFrame."""
    from .tuning import tune as tune_table, truth_from_labels

    table, best, _name = _matches_table(matches, "matches")
    truth_df = _truth(truth) if truth is not None else None
    if labels is not None and truth_df is None:
        truth_df = truth_from_labels(os.fspath(labels))
        table = table[table["list_id"].isin(set(truth_df["list_id"]))]
    return tune_table(table, truth_df, target_precision=target_precision, best=best)


def _truth(truth: Source) -> pd.DataFrame:
    from .evaluation import normalize_truth, read_truth
    from .io import frame_table

    if isinstance(truth, pd.DataFrame):
        return normalize_truth(frame_table(truth.reset_index(drop=True), label="truth"), "truth")
    return read_truth(os.fspath(truth))


def evaluate(matches: Any, truth: Source):
    """Precision, recall and F1 of the ``match`` decisions against ``truth`` (`linker.evaluation.Evaluation`);
    a `DedupeResult` or clusters.csv is scored pairwise (`linker.evaluation.clusters`)."""
    from .evaluation import evaluate as evaluate_table
    from .evaluation.clusters import evaluate_clusters
    from .pipeline import source_table

    if isinstance(matches, DedupeResult):
        return evaluate_clusters(matches.clusters, source_table(truth, "truth")[1], source="clusters")
    table, _best, name = _matches_table(matches, "matches")
    if "cluster_id" in table.columns:
        return evaluate_clusters(table, source_table(truth, "truth")[1], source=name)
    return evaluate_table(table, _truth(truth), source=name)


# ------------------------------------------------------------------------------------ synth, read
class SynthRosters(NamedTuple):
    registry: pd.DataFrame
    list: pd.DataFrame
    truth: pd.DataFrame


def synth(registry: int, list: int, *, style: str = "ru", form: str = "census", latin: bool = False, seed: int = 0,
          genuine: float = 0.9, namesakes: float = 0.3, duplicates: float = 0.03, heavy_namesakes: bool = False,
          damage: float = 1.0) -> SynthRosters:
    """A synthetic registry, a damaged list drawn from it, and the truth (as `linker synth`): ``style``
    ``ru`` (a Russian personnel registry), ``us`` (a Social-Security-style registry and a census or tax
    list, ``form``) or ``hands`` (a second compiler's roster)."""
    from .synthetic.ru import synth_rosters

    reg, lst, truth = synth_rosters(registry, list, style=style, form=form, latin=latin, seed=seed, genuine=genuine,
                                    namesakes=namesakes, duplicates=duplicates, heavy_namesakes=heavy_namesakes,
                                    damage=damage)
    return SynthRosters(reg, lst, truth)


def read_table(path: str | os.PathLike[str], *, sheet: str | int | None = None) -> pd.DataFrame:
    """A CSV/TSV (encoding and delimiter detected), XLSX or Parquet file as a DataFrame of stripped strings,
    as every command reads it (`linker.io.read_table`)."""
    from .io import read_table as read

    return read(path, sheet=sheet)
