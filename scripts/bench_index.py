"""A list against a registry prepared once (`linker index`) beside the same run from the registry's CSV.

    python scripts/bench_index.py --registry 1000000 --list 1029 --work /tmp/linker-index-bench [--seed 7]
                                  [--repeat 2] [--lookups 200]

Makes the rosters once (`linker synth`, skipped when WORK holds them), then, as child processes measured by
``bench_common.run_measured`` (wall time from start to exit, peak RSS of the process tree): ``linker index``
once, and ``linker match LIST REGISTRY.csv`` and ``linker match LIST REG.linker`` ``--repeat`` times each,
alternating (the best of each is reported, as a loaded machine only ever slows a run down). Checks that the
two runs wrote the same matches.csv, report.json, report.html and model.json, and prints the stages of each
from timings.json. Then ``--lookups N`` of the list's entries are looked up one at a time in this process
(`linker.Lookup` with the run's model.json): the load time and the per-query median, 95th percentile and
maximum. Every result is appended to WORK/bench-index.jsonl. Never imported by the package.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import run_measured  # noqa: E402

OUTPUTS = ("matches.csv", "report.json", "report.html", "model.json")


def _linker(*args: str) -> list[str]:
    return [sys.executable, "-m", "linker.cli", *args]


def _check(m: dict, what: str) -> dict:
    if m["returncode"] != 0:
        raise SystemExit(f"{what} failed (exit {m['returncode']})")
    return m


def _stages(out: Path) -> str:
    t = json.loads((out / "timings.json").read_text(encoding="utf-8"))["seconds"]
    return ", ".join(f"{k} {v:.2f}" for k, v in t.items())


def lookups(index: Path, out: Path, lst: Path, n: int) -> dict:
    """Load time and per-query seconds of `linker.Lookup` on the first ``n`` list entries (their fields as the
    run mapped them)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import linker
    from linker.lookups import QUERY_FIELDS

    t0 = time.perf_counter()
    lk = linker.Lookup(index, out / "model.json")
    load = time.perf_counter() - t0
    mapping = json.loads((out / "report.json").read_text(encoding="utf-8"))["mapping"]["list"]
    cols = {f: c for f, c in mapping.items() if f in QUERY_FIELDS}
    table = linker.read_table(lst).head(n)
    times = []
    for row in table[list(cols.values())].itertuples(index=False):
        t = time.perf_counter()
        lk.query(**dict(zip(cols, row)))
        times.append(time.perf_counter() - t)
    times.sort()
    return {"load_s": round(load, 2), "queries": len(times), "median_s": round(times[len(times) // 2], 4),
            "p95_s": round(times[int(len(times) * 0.95)], 4), "max_s": round(times[-1], 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--registry", type=int, default=1_000_000)
    ap.add_argument("--list", dest="list_size", type=int, default=1029)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--lookups", type=int, default=200, help="list entries looked up one by one (0: none)")
    ap.add_argument("--work", required=True)
    args = ap.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    rosters = work / f"r{args.registry}-l{args.list_size}-s{args.seed}"
    reg, lst = rosters / "registry.csv", rosters / "list.csv"
    if not (reg.is_file() and lst.is_file()):
        _check(run_measured(_linker("synth", "--registry", str(args.registry), "--list", str(args.list_size),
                                    "--seed", str(args.seed), "--out", str(rosters), "--force"), env=env), "synth")
    index = work / f"{rosters.name}.linker"
    made = _check(run_measured(_linker("index", str(reg), "--out", str(index), "--force", "-q"), env=env), "index")
    print(f"index: {made['wall_s']:.1f} s, {made['peak_rss_mb']:.0f} MB peak")
    best: dict[str, dict] = {}
    for _ in range(max(args.repeat, 1)):
        for name, source in (("csv", reg), ("index", index)):
            out = work / f"out-{name}"
            m = _check(run_measured(_linker("match", str(lst), str(source), "--out", str(out), "--force", "-q"),
                                    env=env, stdout=-3), f"match from {name}")
            if name not in best or m["wall_s"] < best[name]["wall_s"]:
                best[name] = {**m, "stages": _stages(out)}
    same = all((work / "out-csv" / f).read_bytes() == (work / "out-index" / f).read_bytes() for f in OUTPUTS)
    for name in ("csv", "index"):
        m = best[name]
        print(f"match from {name:>5}: {m['wall_s']:.2f} s, {m['peak_rss_mb']:.0f} MB peak ({m['stages']})")
    print(f"outputs byte-identical: {same}; load average {os.getloadavg()[0]:.1f}")
    looked = lookups(index, work / "out-index", lst, args.lookups) if args.lookups > 0 else None
    if looked:
        print(f"lookup: loaded in {looked['load_s']:.1f} s; {looked['queries']} queries, median "
              f"{looked['median_s'] * 1000:.0f} ms, 95th percentile {looked['p95_s'] * 1000:.0f} ms, max "
              f"{looked['max_s'] * 1000:.0f} ms")
    row = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "registry": args.registry, "list": args.list_size,
           "seed": args.seed, "index": made, "csv": best["csv"], "prepared": best["index"], "same_outputs": same,
           "lookup": looked}
    with (work / "bench-index.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
