"""The Python API (`linker.match`, `linker.dedupe`, ...): DataFrames in as they are, results as objects, the
same outputs as the CLI."""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import linker
from linker.errors import ConfigError, InputError

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"
LIST, REG, TRUTH = (str(FIX / "ru" / n) for n in ("list.csv", "registry.csv", "truth.csv"))


@pytest.fixture(scope="module")
def result() -> linker.MatchResult:
    return linker.match(LIST, REG)


def test_star_import_gives_the_api_and_nothing_private() -> None:
    ns: dict = {}
    exec("from linker import *", ns)
    names = {k for k in ns if k != "__builtins__"}
    assert names == set(linker.__all__)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    for name in ("match", "dedupe", "tune", "evaluate", "synth", "read_table", "Settings", "Model", "MatchResult",
                 "LinkerError", "InputError", "ConfigError", "BlockingError"):
        assert name in names
    assert callable(linker.match) and callable(linker.tune) and callable(linker.evaluate)


def test_submodules_do_not_shadow_the_api_functions() -> None:
    """Importing every module leaves `linker.dedupe` etc. the API's functions (a module named like a function
    would replace it on first import)."""
    code = ("import importlib, pkgutil, linker\n"
            "for m in pkgutil.walk_packages(linker.__path__, 'linker.'):\n"
            "    if 'spark' not in m.name: importlib.import_module(m.name)\n"
            "bad = [n for n in linker.__all__ if type(getattr(linker, n)).__name__ == 'module']\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_match_on_files_gives_what_the_cli_writes(result, tmp_path) -> None:
    out_cli = tmp_path / "cli"
    subprocess.run([sys.executable, "-m", "linker.cli", "match", LIST, REG, "--out", str(out_cli), "-q"],
                   check=True, capture_output=True)
    out_api = result.write(tmp_path / "api")
    for name in ("matches.csv", "report.json", "report.html", "model.json"):
        assert (out_api / name).read_bytes() == (out_cli / name).read_bytes(), name
    cli_matches = linker.read_table(out_cli / "matches.csv")
    assert list(result.matches.columns) == list(cli_matches.columns)
    assert len(result.matches) == 300 and result.matches["list_id"].is_unique


def test_dataframes_of_any_dtype_go_in_as_they_are(result) -> None:
    """pandas' own reading (ints, floats with gaps, dates parsed to datetime64) gives the file run's decisions."""
    lst = pd.read_csv(LIST, dtype=str, keep_default_na=False)
    reg = pd.read_csv(REG)                     # default dtypes: NaN for blanks, numbers where they parse
    reg["birth_date"] = pd.to_datetime(reg["birth_date"], format="%d.%m.%Y", errors="coerce")
    got = linker.match(lst, reg)
    pd.testing.assert_frame_equal(got.matches[["list_id", "registry_id", "decision"]],
                                  result.matches[["list_id", "registry_id", "decision"]])
    assert got.counts == result.counts


def test_ids_come_from_a_named_index() -> None:
    lst = pd.read_csv(LIST, dtype=str, keep_default_na=False)
    lst.index = pd.Index([f"L{i:04d}" for i in range(len(lst))], name="entry")
    lst = lst.drop(columns=[c for c in lst.columns if c.lower() in ("id", "№", "no")])
    got = linker.match(lst, REG, list_id="entry")
    assert got.matches["list_id"].tolist() == lst.index.tolist()


def test_errors_name_the_column_or_option() -> None:
    lst = pd.read_csv(LIST, dtype=str, keep_default_na=False)
    with pytest.raises(InputError, match=r"list: --map surname=Nope: no column 'Nope'"):
        linker.match(lst, REG, list_map={"surname": "Nope"})
    with pytest.raises(ConfigError, match=r"linker.match: unknown option 'treshold'"):
        linker.match(lst, REG, treshold=0.5)
    with pytest.raises(InputError, match=r"registry: expected a file path or a pandas DataFrame, got list"):
        linker.match(lst, [1, 2, 3])
    dup = lst.copy()
    dup.iloc[1, 0] = dup.iloc[0, 0]
    with pytest.raises(InputError, match=r"duplicate id .* at rows 0, 1"):
        linker.match(dup, REG)


def test_counts_and_interval_are_frozen_dataclasses(result) -> None:
    c, e = result.counts, result.expected_genuine
    assert (c.total, c.match + c.review + c.no_match) == (300, 300)
    assert c.match == int((result.matches["decision"] == "match").sum())
    assert e.low <= e.estimate <= e.high and "95%" in e.covers
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.match = 0
    with pytest.raises(TypeError):
        c.flagged["namesakes"] = 1
    assert result.chance is not None and result.chance.decoys == 2000


def test_explain_adds_up_to_the_entry_weight(result) -> None:
    m = result.matches
    entry = m[m["decision"] == "match"].iloc[0]
    got = result.explain(entry["list_id"])
    assert got["registry_id"].iloc[0] == entry["registry_id"]
    assert got["probability"].is_monotonic_decreasing
    parts = got[[c for c in got.columns if c.endswith("_weight") and c != "match_weight"]].sum(axis=1)
    np.testing.assert_allclose(parts.to_numpy(), got["match_weight"].to_numpy(), atol=1e-6)
    assert got.attrs["decision"] == "match"
    assert set(got["surname_level"]) <= {"exact", "fuzzy", "initial", "else", "missing"} | set(
        result.model.comparisons[0].labels)
    with pytest.raises(InputError, match="no such entry"):
        result.explain("no-such-id")


def test_write_is_atomic_and_keeps_foreign_files(result, tmp_path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(InputError):
        result.write(target, force=True)
    assert (target / "notes.txt").read_text() == "mine" and sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_dedupe_over_a_dataframe_equals_the_file_run() -> None:
    a = linker.dedupe(LIST)
    b = linker.dedupe(pd.read_csv(LIST, dtype=str, keep_default_na=False))
    pd.testing.assert_frame_equal(a.clusters, b.clusters)
    assert a.report["counts"] == b.report["counts"]


def test_tune_and_evaluate_take_results_directories_and_frames(result, tmp_path) -> None:
    out = result.write(tmp_path / "run")
    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False)
    assert linker.tune(result, TRUTH).rows == linker.tune(out, truth).rows
    ev = linker.evaluate(result, truth)
    assert ev == linker.evaluate(str(out / "matches.csv"), TRUTH)
    assert ev.f1 > 0.99


def test_tune_counts_a_right_best_candidate_below_the_review_band() -> None:
    """matches.csv names no registry record below the review band; the measured curve must still know the
    best candidate there (it read a column nothing writes and compared those entries against "")."""
    from linker.tuning import tune

    matches = pd.DataFrame({"list_id": ["1", "2"], "registry_id": ["", ""], "match_probability": ["0.2", "0.1"],
                            "genuine_probability": ["0.5", "0.5"]})
    truth = pd.DataFrame({"list_id": ["1", "2"], "registry_id": ["a", "b"]})
    best = pd.Series(["a", "x"], index=["1", "2"])
    row = next(r for r in tune(matches, truth, best=best).rows if r["threshold"] <= 0.1)
    assert (row["match"], row["precision"], row["recall"]) == (2, 0.5, 0.5)
    row = next(r for r in tune(matches, truth).rows if r["threshold"] <= 0.1)
    assert row["precision"] == 0.0


def test_synth_returns_three_frames() -> None:
    s = linker.synth(300, 60, seed=11)
    assert len(s.registry) == 300 and len(s.list) == 60 and set(s.truth.columns) >= {"list_id", "registry_id"}
    us = linker.synth(300, 60, style="us", form="tax", seed=11)
    assert "ssn" in {c.lower() for c in us.registry.columns}
    with pytest.raises(ConfigError, match="--style martian"):
        linker.synth(10, 5, style="martian")


def test_the_readme_notebook_example_runs(tmp_path, monkeypatch) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- notebook example -->\s*```python\n(.*?)```", text, re.S)
    assert block, "README has a ```python block after <!-- notebook example -->"
    monkeypatch.chdir(ROOT)
    code = block.group(1).replace('"report/"', repr(str(tmp_path / "report")))
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "report" / "report.html").is_file()


def test_no_stage_report_or_dedupe_module_imports_an_engine() -> None:
    """Engines import the pipeline, never the reverse: only the engine package itself and the layer that
    chooses an engine (run.py, api.py, cli.py) name it."""
    src = ROOT / "src" / "linker"
    allowed = {"engines", "run.py", "api.py", "cli.py"}
    bad = []
    for path in src.rglob("*.py"):
        rel = path.relative_to(src)
        if rel.parts[0] in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and "engines" in node.module.split("."):
                bad.append(str(rel))
            if isinstance(node, ast.Import) and any("linker.engines" in a.name for a in node.names):
                bad.append(str(rel))
    assert not bad, bad


def test_a_report_from_a_dataframe_records_and_verifies_its_table(tmp_path) -> None:
    lst = pd.read_csv(LIST, dtype=str, keep_default_na=False)
    out = linker.match(lst, REG).write(tmp_path / "r")
    import json
    prov = json.loads((out / "report.json").read_text(encoding="utf-8"))["provenance"]
    assert prov["list"]["source"] == "DataFrame" and len(prov["list"]["table_sha256"]) == 64
    ok = subprocess.run([sys.executable, "-m", "linker.cli", "verify", str(out), LIST, REG], capture_output=True)
    assert ok.returncode == 0, ok.stdout
    other = tmp_path / "other.csv"
    other.write_text(Path(LIST).read_text(encoding="utf-8").replace("Медведев", "Медведева", 1), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "linker.cli", "verify", str(out), str(other), REG], capture_output=True)
    assert bad.returncode == 1


def test_house_rules_modules_are_small_and_hide_no_state() -> None:
    """No module over 500 lines; no private pandas imports; no attributes poked into frozen dataclasses or
    into an object's __dict__ (hidden state is a real field or a return value)."""
    src = ROOT / "src" / "linker"
    long, bad = [], []
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500:
            long.append(f"{path.relative_to(src)}: {text.count(chr(10))} lines")
        for pattern in ("pandas._libs", "object.__setattr__", "__dict__["):
            if pattern in text:
                bad.append(f"{path.relative_to(src)}: {pattern}")
    assert not long, long
    assert not bad, bad
