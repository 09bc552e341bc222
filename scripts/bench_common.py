"""Shared helpers for the benchmark scripts: run a command, measure its wall time and peak memory.

    python scripts/bench_common.py -- python scripts/splink_peer.py list.csv registry.csv --out m.csv

How peak memory is measured, and why two ways:

- **psutil polling** (every ``interval`` s, 50 ms by default): the sum of the RSS of the child and
  all its descendants alive at that instant. This is what the machine must hold at once when a tool
  runs worker processes side by side (Spark, multiprocessing). Polling can miss a spike shorter
  than the interval.
- **the kernel's high-water mark**: the child is reaped with ``os.wait4``, whose ``ru_maxrss`` is the
  exact peak RSS of the largest single process among the child and its reaped descendants. Exact,
  never misses a spike, but a maximum per process, not a sum over processes running together.
  (``resource.getrusage(RUSAGE_CHILDREN)`` would give the same only for the first run of a process,
  as it keeps the maximum over every child ever reaped; ``wait4`` is per child, so no fresh wrapper
  process is needed per run.)

One artifact: a forked child's high-water mark starts at the RSS of the forking process (here this
driver, ~15 MB) until it execs, so keep the driver small and do not measure tiny commands with it.

``peak_rss_mb`` is the larger of the two, a lower bound of the true peak that is exact for one
process (DuckDB, pandas) and within one sampling interval for a process tree. Never imported by
the package.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

import psutil

MB = 1024 * 1024


def _tree_rss(proc: psutil.Process) -> int:
    """Sum of the RSS (bytes) of ``proc`` and its descendants now; processes gone meanwhile count 0."""
    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in members:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(
    cmd: Sequence[str],
    *,
    interval: float = 0.05,
    timeout: float | None = None,
    cwd: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
    stdout: int | IO[Any] | None = None,
    stderr: int | IO[Any] | None = None,
) -> dict[str, float | int]:
    """Run ``cmd``; return ``wall_s``, ``peak_rss_mb``, ``returncode`` and the two raw peaks.

    ``peak_rss_tree_mb``: the largest polled sum over the process tree; ``maxrss_mb``: the kernel's
    high-water mark of the largest single process (see the module doc). On ``timeout`` (seconds) the
    whole process group is killed and ``returncode`` is ``-9``. ``stdout``/``stderr`` are passed to
    ``subprocess.Popen`` (``None`` inherits this process's streams).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=stdout, stderr=stderr, start_new_session=True)
    ps = psutil.Process(proc.pid)
    peak_tree = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_tree = max(peak_tree, _tree_rss(ps))
        if timeout is not None and time.perf_counter() - start > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(interval)
    wall = time.perf_counter() - start
    returncode = os.waitstatus_to_exitcode(status)
    proc.returncode = returncode  # reaped here: keep Popen from waiting on a pid that is gone
    maxrss = usage.ru_maxrss * 1024  # kilobytes on Linux
    return {
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(max(peak_tree, maxrss) / MB, 1),
        "returncode": returncode,
        "peak_rss_tree_mb": round(peak_tree / MB, 1),
        "maxrss_mb": round(maxrss / MB, 1),
    }


def ratio(ours: float, theirs: float) -> float:
    """``theirs / ours``: above 1 when ours is smaller (faster, leaner); ``inf`` when ours is 0."""
    if ours == 0:
        return float("inf") if theirs > 0 else 1.0
    return theirs / ours


def format_ratio(ours: float, theirs: float, *, better: str = "faster", worse: str = "slower") -> str:
    """``"3.2x faster"`` / ``"1.4x slower"`` / ``"same"`` for a lower-is-better measure."""
    r = ratio(ours, theirs)
    if r == float("inf"):
        return f"inf x {better}"
    if abs(r - 1.0) < 0.05:
        return "same"
    return f"{r:.1f}x {better}" if r > 1 else f"{1 / r:.1f}x {worse}"


def format_measure(m: dict[str, float | int]) -> str:
    """One line: ``12.3 s, 456.7 MB peak, exit 0``."""
    return f"{m['wall_s']:.1f} s, {m['peak_rss_mb']:.1f} MB peak, exit {m['returncode']}"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print("usage: python scripts/bench_common.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    m = run_measured(args)
    print(json.dumps(m))
    return 0 if m["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
