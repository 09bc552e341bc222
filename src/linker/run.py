"""`match`: the library call behind `linker match` — run the pipeline, build and write every output."""

from __future__ import annotations

import json
import os
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable, Sequence

import pandas as pd

from .engines import get_engine
from .io import write_csv_bytes
from .labels import read_labels
from .outdir import OutputDir
from .pipeline import MatchRun, Source, Timer, run_match
from .report.decoy import chance_test
from .report.summary import build_report
from .settings import Settings


@dataclass
class MatchOutput:
    run: MatchRun
    matches: pd.DataFrame
    report: dict        # report.json without its (large) entries list
    settings: Settings
    engine: str
    chance: object = None    # report.decoy.ChanceTest, or None without decoys
    inputs: tuple[str, ...] = ()   # the files the run read (an output directory may never hold them)

    def write(self, target: OutputDir, *, redact: bool = False, matches_format: str = "csv") -> None:
        """matches.csv (or matches.parquet), report.json, report.html, model.json and timings.json into a
        claimed directory."""
        _write(target, self.run, self.run.entries, self.matches, self.report, self.settings, engine=self.engine,
               redact=redact, matches_format=matches_format)


MATCHES_FORMATS = ("csv", "parquet")


def check_matches_format(matches_format: str) -> None:
    if matches_format not in MATCHES_FORMATS:
        from .errors import ConfigError

        raise ConfigError(f"matches format {matches_format!r}: use one of {', '.join(MATCHES_FORMATS)}")


def matches_file(table: pd.DataFrame, matches_format: str) -> tuple[str, bytes]:
    """(file name, bytes) of the matches table: matches.csv (spreadsheet-safe CSV) or matches.parquet (the
    same columns and types, for lists too large for a spreadsheet; the same bytes for the same table)."""
    check_matches_format(matches_format)
    if matches_format == "csv":
        return "matches.csv", write_csv_bytes(table)
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), sink, compression="zstd")
    return "matches.parquet", sink.getvalue().to_pybytes()


def _label_files(labels_path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None) -> list[str]:
    if isinstance(labels_path, (str, os.PathLike)):
        return [os.fspath(labels_path)]
    return [os.fspath(p) for p in labels_path or ()]


def _json(data: dict, *, compact: bool = False) -> str:
    """JSON text; ``compact`` uses the C encoder (indentation forces the pure-Python one, 10x slower on a
    report with 200,000 entries)."""
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def input_paths(*sources) -> tuple[str, ...]:
    """The paths among ``sources`` (DataFrames and None left out)."""
    return tuple(os.fspath(s) for s in sources if isinstance(s, (str, os.PathLike)))


def match(list_src: Source, registry_src: Source, settings: Settings, *, out: str | None = None,
          force: bool = False, model_path: str | None = None, labels_path: str | Sequence[str] | None = None,
          breakdown_columns: tuple[str, ...] = (), log: Callable[[str], None] | None = None,
          engine="local", spark_master: str | None = "local[2]", redact: bool = False,
          matches_format: str = "csv") -> MatchOutput:
    """Match a list against a registry (files or DataFrames); with ``out``, write matches.csv, report.json,
    report.html, model.json (``redact``: a report for publication, without any name, date, number or id of
    either file).

    ``out`` is claimed before any work (checked and locked, see ``linker.outdir``): it is never a folder that
    holds the inputs or files linker did not write."""
    check_matches_format(matches_format)        # before any work
    inputs = input_paths(list_src, registry_src, model_path, *_label_files(labels_path))
    claim = nullcontext() if out is None else OutputDir(out, command="match", force=force, inputs=inputs)
    with claim as target:
        result = analyse(list_src, registry_src, settings, model_path=model_path, labels_path=labels_path,
                         breakdown_columns=breakdown_columns, log=log, engine=engine, spark_master=spark_master)
        result.inputs = inputs
        if target is not None:
            result.write(target, redact=redact, matches_format=matches_format)
        return result


def analyse(list_src: Source, registry_src: Source, settings: Settings, *, model_path: str | None = None,
            labels_path: str | Sequence[str] | None = None, breakdown_columns: tuple[str, ...] = (),
            log: Callable[[str], None] | None = None, engine="local",
            spark_master: str | None = "local[2]") -> MatchOutput:
    """The pipeline on ``engine``, then what the report adds: the chance test and report.json's summary."""
    files = _label_files(labels_path)
    labels, trail = read_labels(files) if files else (None, None)
    eng = get_engine(engine, spark_master=spark_master, quiet=settings.quiet)
    timer = Timer()
    run = run_match(list_src, registry_src, settings, eng, model_path=model_path, labels=labels,
                    labels_path=files[0] if files else "labels.csv", log=log, timer=timer)
    entries, matches = run.entries, run.matches
    n_match = int((matches["decision"] == "match").sum())
    with timer.stage("chance_test"):
        chance = chance_test(run, settings, n_match, len(matches)) if settings.decoys > 0 else None
    with timer.stage("report"):
        report = build_report(run, entries, matches, settings, chance, breakdown_columns=breakdown_columns,
                              with_entries=False)
        report["review_trail"] = trail.to_dict() if trail is not None else None
    return MatchOutput(run, matches, report, settings, eng.name, chance)


def _write(target: OutputDir, run: MatchRun, entries: pd.DataFrame, matches: pd.DataFrame, report: dict,
           settings: Settings, *, engine: str, redact: bool, matches_format: str = "csv") -> None:
    """matches.csv, report.json + report.html (the entries streamed into both), model.json, timings.json;
    report.json records its provenance (inputs' sha256, settings, the outputs' sha256)."""
    import itertools

    from .report.html import write_json_and_html
    from .report.provenance import provenance
    from .report.summary import entries_as_dicts, entries_json_utf8
    t_write = time.perf_counter()
    model_bytes = _json(run.model.to_dict()).encode("utf-8")
    if redact:
        from .report.redact import redact_entries, redact_matches, redact_report
        shown = redact_entries(entries_as_dicts(run, entries, matches, report["fields"]))
        fields = [c["field"] for c in report["model"]["comparisons"]]
        matches_name, matches_bytes = matches_file(redact_matches(matches, shown, fields), matches_format)
        report = redact_report(report)
        pieces = [json.dumps(shown, ensure_ascii=False, separators=(",", ":"), allow_nan=False)]
    else:
        matches_name, matches_bytes = matches_file(matches, matches_format)
        pieces = entries_json_utf8(run, entries, matches, report["fields"])
    report = {**report, "provenance": provenance(
        list_path=run.list.path, registry_path=run.registry.path, list_rows=len(run.list.raw),
        registry_rows=len(run.registry.raw), settings=settings, engine=engine, redacted=redact,
        list_table=run.list.raw if run.list.from_frame else None,
        registry_table=run.registry.raw if run.registry.from_frame else None,
        outputs={matches_name: matches_bytes, "model.json": model_bytes})}
    head = _json(report, compact=True).rstrip("\n")
    with target.staging() as tmp:
        (tmp / matches_name).write_bytes(matches_bytes)
        write_json_and_html(tmp / "report.json", tmp / "report.html", report, itertools.chain(
            [head[:-1] + ',"entries":'], pieces, ["}"]))
        (tmp / "model.json").write_bytes(model_bytes)
        run.timings["write"] = round(time.perf_counter() - t_write, 3)
        (tmp / "timings.json").write_text(_json({"seconds": run.timings}), encoding="utf-8")
