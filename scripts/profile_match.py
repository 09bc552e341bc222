"""Where `linker match` spends time and memory: the pipeline in-process, stage by stage.

    python scripts/profile_match.py LIST REGISTRY [--out DIR] [--mode cpu|mem|both|stages] [--top 40]
                                    [--snapshot-top 0] [--pstats FILE]

Runs ``linker.run.match`` (the library call behind ``linker match``, writing every output into ``--out``,
a temporary directory by default) and reports per stage: wall seconds, RSS at the stage's end, the
stage's RSS high-water mark (a sampling thread, every 5 ms) and, in ``mem`` mode, the peak of traced
Python + NumPy allocations inside the stage (tracemalloc, reset at each stage start). Stages are the
pipeline's own (``read`` ... ``decide``, hooked through ``pipeline.Timer.stage``) and the report steps
after it (``entry_table``, ``matches_frame``, ``chance_test``, ``build_report``, ``json_dumps``,
``entries_json``, ``render_html``, ``write``), hooked by wrapping those functions; nothing in the package is edited.

``cpu`` mode (default) profiles with cProfile and prints the top functions by cumulative and by own
time; ``mem`` mode runs tracemalloc instead (it slows allocation-heavy code 2-3x, so its seconds are not
the real ones), optionally with the top allocation sites still alive at each stage end
(``--snapshot-top N``). ``both`` runs the pipeline twice, cpu then mem; ``stages`` only times the stages and samples RSS (no
profiler overhead: the mode for the largest inputs). Never imported by the package.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psutil

MB = 1024 * 1024


@dataclass
class StageStat:
    name: str
    seconds: float = 0.0
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0
    traced_peak_mb: float | None = None
    top_allocs: list[str] = field(default_factory=list)


class Monitor:
    """Per-stage wall time, RSS high-water mark (sampler thread) and tracemalloc peak."""

    def __init__(self, *, traced: bool, snapshot_top: int, interval: float = 0.005) -> None:
        self.proc = psutil.Process()
        self.stats: dict[str, StageStat] = {}
        self.order: list[str] = []
        self.traced = traced
        self.snapshot_top = snapshot_top
        self.interval = interval
        self._peak = 0
        self._depth = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.process_peak = 0
        self.overhead = 0.0      # seconds spent taking tracemalloc snapshots (not the pipeline's)

    def _sample(self) -> None:
        while not self._stop.is_set():
            rss = self.proc.memory_info().rss
            self._peak = max(self._peak, rss)
            self.process_peak = max(self.process_peak, rss)
            time.sleep(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self._depth:  # a stage inside a stage (never the case today): counted in the outer one only
            yield
            return
        self._depth += 1
        self._peak = self.proc.memory_info().rss
        if self.traced:
            tracemalloc.reset_peak()
        t0 = time.perf_counter()
        try:
            yield
        finally:
            dt = time.perf_counter() - t0
            rss = self.proc.memory_info().rss
            st = self.stats.get(name)
            if st is None:
                st = self.stats[name] = StageStat(name)
                self.order.append(name)
            st.seconds += dt
            st.rss_end_mb = rss / MB
            st.rss_peak_mb = max(st.rss_peak_mb, self._peak / MB, rss / MB)
            if self.traced:
                peak = tracemalloc.get_traced_memory()[1] / MB
                st.traced_peak_mb = max(st.traced_peak_mb or 0.0, peak)
                if self.snapshot_top:
                    t1 = time.perf_counter()
                    snap = tracemalloc.take_snapshot().filter_traces(
                        [tracemalloc.Filter(False, tracemalloc.__file__)])
                    st.top_allocs = [f"{s.size / MB:8.1f} MB {s.count:>9,} blocks  {s.traceback[0]}"
                                     for s in snap.statistics("lineno")[:self.snapshot_top]]
                    self.overhead += time.perf_counter() - t1
            self._depth -= 1


def _wrap(mon: Monitor, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with mon.stage(name):
            return fn(*args, **kwargs)
    wrapped.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapped


@contextlib.contextmanager
def hooked(mon: Monitor) -> Iterator[None]:
    """Route the engine's stage timer and the report steps of `linker.run.match` through ``mon``."""
    import linker.report.html as html_mod
    import linker.decide as decide_mod
    import linker.run as run_mod
    from linker import pipeline

    saved: list[tuple[object, str, object]] = []

    def patch(obj: object, attr: str, value: object) -> None:
        saved.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    orig_stage = pipeline.Timer.stage

    @contextlib.contextmanager
    def stage(self: Any, name: str) -> Iterator[None]:
        with mon.stage(name), orig_stage(self, name):
            yield

    patch(pipeline.Timer, "stage", stage)
    for fname in ("entry_table", "matches_frame"):
        patch(decide_mod, fname, _wrap(mon, fname, getattr(decide_mod, fname)))
    for fname in ("chance_test", "build_report"):
        patch(run_mod, fname, _wrap(mon, fname, getattr(run_mod, fname)))
    patch(html_mod, "render_html", _wrap(mon, "render_html", html_mod.render_html))
    # steps that exist only in some versions of run.match: hooked when present
    import linker.report.summary as summary_mod
    if hasattr(summary_mod, "entries_json_text"):
        patch(summary_mod, "entries_json_text", _wrap(mon, "entries_json", summary_mod.entries_json_text))
    if hasattr(run_mod, "_json"):
        patch(run_mod, "_json", _wrap(mon, "json_dumps", run_mod._json))
    import linker.outdir as outdir_mod
    orig_staging = outdir_mod.OutputDir.staging

    @contextlib.contextmanager
    def staging(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with mon.stage("write"), orig_staging(self, *args, **kwargs) as tmp:
            yield tmp

    patch(outdir_mod.OutputDir, "staging", staging)
    try:
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


def run_once(list_path: str, registry_path: str, out: str, *, mode: str, top: int, snapshot_top: int,
             pstats_path: str | None) -> Monitor:
    from linker.run import match
    from linker.settings import Settings

    settings = Settings(quiet=True)
    mon = Monitor(traced=(mode == "mem"), snapshot_top=snapshot_top if mode == "mem" else 0)
    prof = cProfile.Profile() if mode == "cpu" else None
    if mode == "mem":
        tracemalloc.start(1)
    mon.start()
    t0 = time.perf_counter()
    with hooked(mon):
        if prof:
            prof.enable()
        res = match(list_path, registry_path, settings, out=out, force=True)
        if prof:
            prof.disable()
    wall = time.perf_counter() - t0
    mon.stop()
    if mode == "mem":
        tracemalloc.stop()
    print(f"\n## {mode} run: {wall:.1f} s in match(); {len(res.matches):,} entries, "
          f"{res.run.blocking.n_pairs:,} candidate pairs; process RSS peak {mon.process_peak / MB:,.0f} MB"
          + (" (tracemalloc slows this run)" if mode == "mem" else ""))
    print_stages(mon, wall)
    if prof:
        if pstats_path:
            prof.dump_stats(pstats_path)
        for key in ("cumulative", "tottime"):
            buf = io.StringIO()
            st = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key)
            st.print_stats(top)
            text = buf.getvalue()
            body = text[text.find("ncalls"):] if "ncalls" in text else text
            print(f"\n### top {top} functions by {key} time\n\n```\n{body.rstrip()}\n```")
    if snapshot_top and mode == "mem":
        for name in mon.order:
            st = mon.stats[name]
            if st.top_allocs:
                print(f"\n### alive at the end of {name} (top {snapshot_top} lines)\n```")
                print("\n".join(st.top_allocs))
                print("```")
    return mon


def print_stages(mon: Monitor, wall: float) -> None:
    traced = any(s.traced_peak_mb is not None for s in mon.stats.values())
    head = "| stage | seconds | share | RSS at end MB | RSS peak in stage MB |" + (" traced peak MB |" if traced else "")
    print("\n" + head)
    print("|---|---:|---:|---:|---:|" + ("---:|" if traced else ""))
    for name in mon.order:
        s = mon.stats[name]
        row = (f"| {name} | {s.seconds:.2f} | {s.seconds / wall:.0%} | {s.rss_end_mb:,.0f} | {s.rss_peak_mb:,.0f} |"
               + (f" {s.traced_peak_mb:,.0f} |" if traced else ""))
        print(row)
    rest = wall - sum(s.seconds for s in mon.stats.values()) - mon.overhead
    if mon.overhead:
        print(f"| (tracemalloc snapshots, not the pipeline) | {mon.overhead:.2f} | | | |" + (" |" if traced else ""))
    print(f"| (between stages) | {rest:.2f} | {rest / wall:.0%} | | |" + (" |" if traced else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("list")
    ap.add_argument("registry")
    ap.add_argument("--out", help="output directory (default: a temporary one, removed afterwards)")
    ap.add_argument("--mode", choices=("cpu", "mem", "both", "stages"), default="cpu")
    ap.add_argument("--top", type=int, default=40, help="functions listed per cProfile sort")
    ap.add_argument("--snapshot-top", type=int, default=0,
                    help="mem mode: allocation sites alive at each stage end, top N (slow on big inputs)")
    ap.add_argument("--pstats", help="cpu mode: also dump the cProfile stats to this file")
    a = ap.parse_args(argv)
    print(f"# profile of linker match {a.list} {a.registry} ({os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start)")
    modes = ("cpu", "mem") if a.mode == "both" else (a.mode,)
    with tempfile.TemporaryDirectory(prefix="linker-profile-") as tmp:
        out = a.out or os.path.join(tmp, "out")
        for mode in modes:
            run_once(a.list, a.registry, out, mode=mode, top=a.top, snapshot_top=a.snapshot_top,
                     pstats_path=a.pstats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
