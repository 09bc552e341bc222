"""Scale benchmark (issue 5): `linker match` beside the Splink peer on synthetic rosters of growing size.

    python scripts/bench.py --sizes 100000 300000 1000000 [--list-ratio 0.2] [--work DIR] [--no-splink]
                            [--seed S] [--splink-max-pairs 1e7] [--linker-max-pairs N] [--timeout SECONDS]

For each registry size N a Cyrillic roster (registry N rows, list ``N * list-ratio`` rows) is made once
with ``linker synth`` and cached in ``--work``. Each tool then runs as a child process on the same files,
measured by ``bench_common.run_measured`` (wall time from start to exit, i.e. reading the CSVs to the
written output, and the peak RSS of the process tree):

- ``linker match LIST REGISTRY --out DIR --force -q`` (all outputs: matches.csv, report.json,
  report.html, model.json, timings.json);
- ``python scripts/splink_peer.py LIST REGISTRY --out splink.csv --max-pairs P``: Splink 5 on DuckDB.
  P (u-sampling pairs and EM cap) defaults to 1e7, the size Splink's documentation suggests for u
  estimation; it does not cripple the peer (its own default is 5e6).

Both are scored with ``linker.evaluation`` against ``truth.csv``. Prints, per size, a Markdown table
(wall, peak RSS, precision, recall, F1, and the linker/Splink ratios that issue 5 bounds: wall <= 0.3,
peak <= 0.5, F1 above) and linker's per-stage seconds from ``DIR/timings.json`` (the rest of the wall
time: interpreter start, imports, building and writing the report). Every result is also appended as
one JSON line to ``WORK/bench-results.jsonl``. The machine may be shared: repeat runs to judge noise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import run_measured  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("read", "standardize", "block", "compare", "fit", "score")


def roster(work: Path, n: int, list_ratio: float, seed: int) -> tuple[Path, Path, Path]:
    """(list.csv, registry.csv, truth.csv) of the Cyrillic synth roster for ``n``, made once."""
    n_list = max(1, round(n * list_ratio))
    d = work / f"synth-ru-{n}x{n_list}-s{seed}"
    if not (d / "truth.csv").exists():
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "linker.cli", "synth", "--registry", str(n), "--list", str(n_list),
                        "--seed", str(seed), "--out", str(d)], check=True)
        print(f"synth {n:,} x {n_list:,}: {time.perf_counter() - t0:.1f} s -> {d}", file=sys.stderr)
    return d / "list.csv", d / "registry.csv", d / "truth.csv"


def score(matches: Path, truth: Path) -> dict:
    from linker.evaluation import evaluate, read_matches, read_truth
    return evaluate(read_matches(matches), read_truth(truth), source=str(matches)).to_dict()


def run_tool(name: str, cmd: list[str], log: Path, timeout: float | None) -> dict:
    print(f"[{time.strftime('%H:%M:%S')}] {name}: {' '.join(cmd)}", file=sys.stderr)
    with log.open("wb") as fh:
        m = run_measured(cmd, stdout=fh, stderr=subprocess.STDOUT, timeout=timeout)
    print(f"[{time.strftime('%H:%M:%S')}] {name}: {m['wall_s']:.1f} s, {m['peak_rss_mb']:.0f} MB, "
          f"exit {m['returncode']}", file=sys.stderr)
    return dict(m)


def bench_size(work: Path, n: int, args: argparse.Namespace) -> list[dict]:
    lst, reg, truth = roster(work, n, args.list_ratio, args.seed)
    d = lst.parent
    n_list = sum(1 for _ in lst.open(encoding="utf-8")) - 1
    rows = []
    out = d / "linker"
    extra: list[str] = []
    if args.linker_max_pairs:
        cfg = d / f"max_pairs_{args.linker_max_pairs}.toml"
        cfg.write_text(f"[blocking]\nmax_pairs = {args.linker_max_pairs}\n", encoding="utf-8")
        extra = ["--config", str(cfg)]
    m = run_tool("linker", [sys.executable, "-m", "linker.cli", "match", str(lst), str(reg), "--out", str(out),
                            "--force", "-q", *extra], d / "linker.log", args.timeout)
    row = {"size": n, "list": n_list, "tool": "linker", "max_pairs": args.linker_max_pairs, **m}
    if m["returncode"] != 0:
        row["error"] = (d / "linker.log").read_text(encoding="utf-8", errors="replace").strip()[-500:]
    if m["returncode"] == 0:
        row.update({k: v for k, v in score(out / "matches.csv", truth).items()
                    if k in ("precision", "recall", "f1", "tp", "fp", "fn")})
        row["timings"] = json.loads((out / "timings.json").read_text(encoding="utf-8"))["seconds"]
        rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
        row["pairs"] = (rep.get("blocking") or {}).get("total_pairs")
    rows.append(row)
    if not args.no_splink:
        sp = d / "splink.csv"
        m = run_tool("splink", [sys.executable, str(ROOT / "scripts/splink_peer.py"), str(lst), str(reg), "--out",
                                str(sp), "--max-pairs", f"{args.splink_max_pairs:g}", "--seed", str(args.seed)],
                     d / "splink.log", args.timeout)
        row = {"size": n, "list": n_list, "tool": "splink", "max_pairs": args.splink_max_pairs, **m}
        if m["returncode"] == 0:
            row.update({k: v for k, v in score(sp, truth).items()
                        if k in ("precision", "recall", "f1", "tp", "fp", "fn")})
        else:
            row["error"] = (d / "splink.log").read_text(encoding="utf-8", errors="replace").strip()[-500:]
        rows.append(row)
    with (work / "bench-results.jsonl").open("a", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), **r}) + "\n")
    return rows


def _f(x: object, fmt: str) -> str:
    return "" if x is None else format(x, fmt)


def table(rows: list[dict]) -> str:
    """The Markdown table of one size: a row per tool, then the linker/Splink ratios."""
    n, n_list = rows[0]["size"], rows[0]["list"]
    lines = [f"### registry {n:,} x list {n_list:,}", "",
             "| tool | wall s | peak RSS MB | precision | recall | F1 | exit |", "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['tool']} | {r['wall_s']:.1f} | {r['peak_rss_mb']:.0f} | {_f(r.get('precision'), '.4f')} | "
                     f"{_f(r.get('recall'), '.4f')} | {_f(r.get('f1'), '.4f')} | {r['returncode']} |")
    by = {r["tool"]: r for r in rows}
    if "splink" in by and by["linker"]["returncode"] == 0 and by["splink"]["returncode"] == 0:
        a, b = by["linker"], by["splink"]
        wall, mem = a["wall_s"] / b["wall_s"], a["peak_rss_mb"] / b["peak_rss_mb"]
        df1 = a["f1"] - b["f1"]
        lines.append(f"| **linker / Splink** | **{wall:.2f}** ({'ok' if wall <= 0.3 else 'target 0.3'}) | "
                     f"**{mem:.2f}** ({'ok' if mem <= 0.5 else 'target 0.5'}) | | | "
                     f"**{df1:+.4f}** ({'ok' if df1 > 0 else 'target > 0'}) | |")
    for r in rows:
        if r["returncode"] < 0:
            lines += ["", f"{r['tool']} was killed by signal {-r['returncode']} after {r['wall_s']:.0f} s "
                          "(-9: --timeout; the peak is the RSS reached by then)"]
        elif r.get("error"):
            lines += ["", f"{r['tool']} failed (exit {r['returncode']}): `{r['error'].splitlines()[-1]}`"]
    t = by["linker"].get("timings")
    if t:
        known = sum(t.get(s, 0.0) for s in STAGES)
        rest = by["linker"]["wall_s"] - known
        lines += ["", "linker stages (s): " + ", ".join(f"{s} {t.get(s, 0.0):.1f}" for s in STAGES)
                  + f"; other (start-up, imports, report build and write) {rest:.1f}"
                  + (f"; candidate pairs {by['linker']['pairs']:,}" if by["linker"].get("pairs") else "")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    ap.add_argument("--list-ratio", type=float, default=0.2)
    ap.add_argument("--work", type=Path, default=Path("/tmp/linker-bench"))
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--splink-max-pairs", type=float, default=1e7,
                    help="Splink's u-sampling pairs and EM cap [1e7]")
    ap.add_argument("--linker-max-pairs", type=int, default=None,
                    help="run linker with a config raising [blocking] max_pairs (default: linker's own limit)")
    ap.add_argument("--timeout", type=float, default=None, help="kill a tool run after this many seconds")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start "
          "(shared machine: numbers are noisy)")
    for n in args.sizes:
        rows = bench_size(args.work, n, args)
        print(table(rows), flush=True)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
