"""Time and peak memory of the Spark engine beside the local engine on the same files.

    linker synth --registry 100000 --list 20000 --out /tmp/r100k
    python scripts/bench_spark.py /tmp/r100k/list.csv /tmp/r100k/registry.csv --master 'local[2]'

Each engine runs in a fresh process (the Spark JVM and its Python workers count in the peak: see
scripts/bench_common.py), runs the pipeline up to the decisions (no report rendering, which both engines
share), and writes its decisions; the table says whether the two engines agree entry by entry.
Never imported by the package.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import format_measure, run_measured  # noqa: E402


def run_one(engine: str, list_path: str, registry_path: str, master: str, out: str) -> None:
    """The child: one engine's run; writes decisions and stage timings to ``out`` (JSON)."""
    from linker.settings import Settings

    settings = Settings(quiet=True)
    t0 = time.perf_counter()
    from linker.engines import get_engine
    from linker.pipeline import run_match

    run = run_match(list_path, registry_path, settings, get_engine(engine, spark_master=master))
    entries = run.scored.entries
    best = entries["best_pair"].to_numpy()
    right = run.scored.right
    Path(out).write_text(json.dumps({
        "seconds": round(time.perf_counter() - t0, 2),
        "timings": run.timings,
        "pairs": int(len(right)),
        "decisions": entries["decision"].tolist(),
        "best_right": [int(right[b]) if b >= 0 else -1 for b in best],
    }))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("list_path")
    ap.add_argument("registry_path")
    ap.add_argument("--master", default="local[2]", help="Spark master URL (default local[2])")
    ap.add_argument("--engines", default="local,spark", help="comma-separated, of local and spark")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per engine before it is killed")
    ap.add_argument("--run", choices=("local", "spark"), help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.run:
        run_one(args.run, args.list_path, args.registry_path, args.master, args.out)
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.engines.split(","):
            out = os.path.join(tmp, f"{engine}.json")
            cmd = [sys.executable, __file__, args.list_path, args.registry_path, "--master", args.master,
                   "--run", engine, "--out", out]
            m = run_measured(cmd, timeout=args.timeout, stdout=subprocess.DEVNULL)
            print(f"{engine}: {format_measure(m)}", file=sys.stderr)
            data = json.loads(Path(out).read_text()) if m["returncode"] == 0 and os.path.exists(out) else None
            results[engine] = (m, data)
    print(f"list {args.list_path}, registry {args.registry_path}, master {args.master}")
    stages = ["spark_start", "read", "standardize", "block", "compare", "fit", "score"]
    head = f"{'engine':<8}{'wall s':>9}{'peak MB':>10}{'pairs':>11}{'match':>8}{'review':>8}  " + \
        " ".join(f"{s:>11}" for s in stages)
    print(head)
    print("-" * len(head))
    for engine, (m, data) in results.items():
        if data is None:
            print(f"{engine:<8}{m['wall_s']:>9.1f}{m['peak_rss_mb']:>10.0f}  failed (exit {m['returncode']})")
            continue
        dec = data["decisions"]
        t = data["timings"]
        print(f"{engine:<8}{m['wall_s']:>9.1f}{m['peak_rss_mb']:>10.0f}{data['pairs']:>11,}"
              f"{dec.count('match'):>8,}{dec.count('review'):>8,}  "
              + " ".join(f"{t.get(s, 0.0):>11.1f}" for s in stages))
    done = [d for _m, d in results.values() if d is not None]
    if len(done) == 2:
        a, b = done
        same = sum(x == y and p == q for x, y, p, q in zip(a["decisions"], b["decisions"], a["best_right"],
                                                           b["best_right"]))
        print(f"entries with the same decision and candidate: {same:,} of {len(a['decisions']):,}")
    return 0 if all(d is not None for _m, d in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
