"""`match`: the library call behind `linker match` — run the pipeline, build and write every output."""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .engines.local import MatchRun, Timer, run_match
from .errors import ConfigError
from .io import write_csv_bytes
from .labels import read_labels
from .outdir import OutputDir
from .report.build import entry_table, matches_frame
from .report.decoy import chance_test
from .report.summary import build_report
from .settings import Settings


@dataclass
class MatchOutput:
    run: MatchRun
    matches: pd.DataFrame
    report: dict        # report.json without its (large) entries list


def _label_files(labels_path: str | Sequence[str] | None) -> list[str]:
    return [labels_path] if isinstance(labels_path, str) else list(labels_path or ())


def _json(data: dict, *, compact: bool = False) -> str:
    """JSON text; ``compact`` uses the C encoder (indentation forces the pure-Python one, 10x slower on a
    report with 200,000 entries)."""
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def match(list_path: str, registry_path: str, settings: Settings, *, out: str | None = None, force: bool = False,
          model_path: str | None = None, labels_path: str | Sequence[str] | None = None,
          breakdown_columns: tuple[str, ...] = (),
          log: Callable[[str], None] | None = None, engine: str = "local",
          spark_master: str | None = "local[2]", redact: bool = False) -> MatchOutput:
    """Match a list against a registry; with ``out``, write matches.csv, report.json, report.html, model.json
    (``redact``: a report for publication, without any name, date, number or id of either file).

    ``out`` is claimed before any work (checked and locked, see ``linker.outdir``): it is never a folder that
    holds the inputs or files linker did not write."""
    claim = nullcontext() if out is None else OutputDir(
        out, command="match", force=force, inputs=(list_path, registry_path, model_path, *_label_files(labels_path)))
    with claim as target:
        return _match(list_path, registry_path, settings, target, model_path=model_path, labels_path=labels_path,
                      breakdown_columns=breakdown_columns, log=log, engine=engine, spark_master=spark_master,
                      redact=redact)


def _match(list_path: str, registry_path: str, settings: Settings, target: OutputDir | None, *,
           model_path: str | None, labels_path: str | Sequence[str] | None, breakdown_columns: tuple[str, ...],
           log: Callable[[str], None] | None, engine: str, spark_master: str | None,
           redact: bool) -> MatchOutput:
    files = _label_files(labels_path)
    labels, trail = read_labels(files) if files else (None, None)
    labels_path = files[0] if files else None
    if engine == "spark":
        from .engines.spark import run_match_spark
        run = run_match_spark(list_path, registry_path, settings, model_path=model_path, labels=labels,
                              labels_path=labels_path or "labels.csv", log=log, master=spark_master)
    elif engine == "local":
        run = run_match(list_path, registry_path, settings, model_path=model_path, labels=labels,
                        labels_path=labels_path or "labels.csv", log=log)
    else:
        raise ConfigError(f"--engine {engine}: unknown engine; use local or spark")
    timer = Timer()
    timer.timings = run.timings
    with timer.stage("decide"):          # per entry, duplicate listings (the list against itself)
        entries = entry_table(run, settings)
        labelled = np.zeros(len(entries), bool)
        if labels is not None and len(labels):
            labelled = run.list.ids.isin(set(labels["list_id"].astype(str).str.strip())).to_numpy()
        matches = matches_frame(run, entries, labelled)
    n_match = int((matches["decision"] == "match").sum())
    with timer.stage("chance_test"):
        chance = chance_test(run, settings, n_match, len(matches)) if settings.decoys > 0 else None
    with timer.stage("report"):
        report = build_report(run, entries, matches, settings, chance, breakdown_columns=breakdown_columns,
                              with_entries=False)
        report["review_trail"] = trail.to_dict() if trail is not None else None
    if target is not None:
        _write(target, run, entries, matches, report, settings, engine=engine, redact=redact)
    return MatchOutput(run, matches, report)


def _write(target: OutputDir, run: MatchRun, entries: pd.DataFrame, matches: pd.DataFrame, report: dict,
           settings: Settings, *, engine: str, redact: bool) -> None:
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
        matches_bytes = write_csv_bytes(redact_matches(matches, shown, fields))
        report = redact_report(report)
        pieces = [json.dumps(shown, ensure_ascii=False, separators=(",", ":"), allow_nan=False)]
    else:
        matches_bytes = write_csv_bytes(matches)
        pieces = entries_json_utf8(run, entries, matches, report["fields"])
    report = {**report, "provenance": provenance(
        list_path=run.list.path, registry_path=run.registry.path, list_rows=len(run.list.raw),
        registry_rows=len(run.registry.raw), settings=settings, engine=engine, redacted=redact,
        outputs={"matches.csv": matches_bytes, "model.json": model_bytes})}
    head = _json(report, compact=True).rstrip("\n")
    with target.staging() as tmp:
        (tmp / "matches.csv").write_bytes(matches_bytes)
        write_json_and_html(tmp / "report.json", tmp / "report.html", report, itertools.chain(
            [head[:-1] + ',"entries":'], pieces, ["}"]))
        (tmp / "model.json").write_bytes(model_bytes)
        run.timings["write"] = round(time.perf_counter() - t_write, 3)
        (tmp / "timings.json").write_text(_json({"seconds": run.timings}), encoding="utf-8")
