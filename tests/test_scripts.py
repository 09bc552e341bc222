"""The benchmark and profiling scripts run end to end on tiny inputs (their numbers are not checked: speed is
measured by running them, never asserted in tests)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_bench_runs_linker_and_records_a_row(tmp_path):
    got = _run(str(ROOT / "scripts/bench.py"), "--sizes", "3000", "--no-splink", "--work", str(tmp_path), cwd=ROOT)
    assert got.returncode == 0, got.stderr[-2000:]
    assert "### registry 3,000 x list 600" in got.stdout
    assert "linker stages (s): read" in got.stdout
    rows = [json.loads(line) for line in (tmp_path / "bench-results.jsonl").read_text().splitlines()]
    (row,) = rows
    assert row["tool"] == "linker" and row["returncode"] == 0 and row["size"] == 3000 and row["list"] == 600
    assert row["peak_rss_mb"] > 0 and row["wall_s"] > 0 and row["pairs"] > 0
    assert row["f1"] > 0.9                       # the synth roster's truth scores the run's matches
    assert set(row["timings"]) >= {"read", "standardize", "block", "compare", "fit", "score", "write"}


def test_bench_table_gives_ratios_against_splink():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    base = {"size": 1000, "list": 200, "returncode": 0, "precision": 1.0, "recall": 0.9}
    rows = [{**base, "tool": "linker", "wall_s": 3.0, "peak_rss_mb": 100.0, "f1": 0.95},
            {**base, "tool": "splink", "wall_s": 12.0, "peak_rss_mb": 400.0, "f1": 0.90}]
    text = bench.table(rows)
    assert text.count("**0.25** (ok)") == 2        # time and memory
    assert "**+0.0500** (ok)" in text
    slow = [{**rows[0], "wall_s": 6.0, "peak_rss_mb": 300.0}, rows[1]]
    assert "**0.50** (target 0.3)" in bench.table(slow) and "**0.75** (target 0.5)" in bench.table(slow)


def test_profile_match_stages_on_the_fixture(tmp_path):
    got = _run(str(ROOT / "scripts/profile_match.py"), str(FIX / "ru/list.csv"), str(FIX / "ru/registry.csv"),
               "--mode", "stages", "--out", str(tmp_path / "out"), cwd=ROOT)
    assert got.returncode == 0, got.stderr[-2000:]
    for stage in ("read", "standardize", "block", "compare", "fit", "score", "decide", "write"):
        assert f"| {stage} |" in got.stdout
    assert (tmp_path / "out" / "matches.csv").exists()


def test_bench_report_times_a_report_in_chromium(tmp_path):
    import os

    import pytest
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("/usr/bin/chromium is missing")
    got = _run(str(ROOT / "scripts/bench_report.py"), "--entries", "300", "--registry", "600", "--seed", "5",
               "--repeat", "1", "--work", str(tmp_path), "--json", str(tmp_path / "figures.json"), cwd=ROOT)
    assert got.returncode == 0, got.stderr[-2000:]
    assert "### report.html with 300 entries (seed 5)" in got.stdout and "| open_s |" in got.stdout
    (this,) = json.loads((tmp_path / "figures.json").read_text()).values()
    assert set(this) >= {"open_s", "filter_ms", "search_ms", "sort_ms", "open_entry_ms", "heap_mb", "html_mb"}
    assert this["other_requests"] == [] and this["heap_mb"] > 0
    assert "filtered from 300" in this["shown_after_search"]      # the search found the first entry's surname


def test_coverage_share_recomputes_the_interval_from_its_parts(tmp_path):
    """A roster missed with no systematic part is covered once the share makes the interval wide enough:
    sd = sqrt(1 + 4 + (a * 4)^2), so the truth 8 off the estimate is outside at a = 0 (1.96 * 2.24 = 4.4)
    and inside at a = 1 (1.96 * 4.58 = 9.0)."""
    row = {"style": "us", "n": 1000, "truth": 908, "estimate": 900.0, "sd_entries": 1.0, "sd_fit": 0.0,
           "sd_model": 2.0, "sd_missed": 0.0}
    f = tmp_path / "rows.jsonl"
    f.write_text(json.dumps(row) + "\n")
    got = _run(str(ROOT / "scripts/coverage_share.py"), str(f), "--shares", "0,1", cwd=ROOT)
    assert got.returncode == 0, got.stderr[-2000:]
    lines = got.stdout.splitlines()
    assert lines[0].startswith("share 0.00: 0/1 covered") and "us 0/1" in lines[0]
    assert lines[1].startswith("share 1.00: 1/1 covered") and "us 1/1" in lines[1]
