"""How fast report.html opens and answers at a list's size, against the report of another checkout.

    python scripts/bench_report.py --entries 200000 --registry 250000 --seed 7 --baseline-src /work/main/src

A roster is made by ``linker synth`` (registry and list, the given seed) and matched by ``linker match``
with this checkout's code, and with ``--baseline-src`` once more with that source tree's code (e.g. the
main branch): the same input, so the two report.html files differ only by the report's own code. Each page
is opened in headless Chromium (the machine's, offline) and timed:

- ``open_s``: from navigation to the first row of the entries table on screen with its status line (the
  table is interactive: its handlers are attached before the first row is drawn);
- ``filter_ms``: unticking "confirmed" (a change event: filtering every entry and drawing a page);
- ``search_ms``: searching a surname of the first entry (the form's submit: every entry tested);
  ``first_search_ms`` the first of those searches, which also folds every list and registry id once;
- ``sort_ms``: sorting by probability, high first;
- ``open_entry_ms``: opening the first row's evidence (waterfall and candidates table);
- ``heap_mb``: the page's JavaScript heap after a garbage collection (CDP ``Runtime.getHeapUsage``);
- ``html_mb``: the size of report.html.

Each interaction is timed ``--repeat`` times (undone, untimed, in between) and its median given. Interactions
are timed inside the page, from the event to the end of the layout it causes. The numbers are
this machine's at that moment: compare the two columns of one run, never numbers across machines.
Never imported by the package; no test checks its numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
METRICS = ("open_s", "filter_ms", "first_search_ms", "search_ms", "sort_ms", "open_entry_ms", "heap_mb", "html_mb")

# run in the page: time one interaction from its event to the layout it causes
TIMED = """([action, arg]) => {
  const t0 = performance.now();
  if (action === "filter") document.querySelector('input[name=decision][value=match]').click();
  if (action === "search") {
    document.getElementById("f-search").value = arg;
    document.getElementById("filters").dispatchEvent(new Event("submit", { cancelable: true }));
  }
  if (action === "sort") {
    const s = document.getElementById("f-sort");
    s.value = "prob-desc";
    s.dispatchEvent(new Event("change", { bubbles: true }));
  }
  if (action === "unsort") {
    const s = document.getElementById("f-sort");
    s.value = "list";
    s.dispatchEvent(new Event("change", { bubbles: true }));
  }
  if (action === "unsearch") {
    document.getElementById("f-search").value = "";
    document.getElementById("filters").dispatchEvent(new Event("submit", { cancelable: true }));
  }
  if (action === "open") document.querySelector("#entries-body tr.row button.expand").click();
  void document.body.offsetHeight;            /* the layout the change causes */
  return performance.now() - t0;
}"""


def _linker(src: Path, *args: str, quiet: bool = True) -> None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "linker.cli", *args]
    got = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if got.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (PYTHONPATH={src}):\n{got.stderr[-2000:]}")


def make_reports(work: Path, entries: int, registry: int, seed: int, baseline: Path | None,
                 reuse: bool = False) -> dict[str, Path]:
    roster = work / f"roster-{registry}-{entries}-{seed}"
    if not (roster / "list.csv").is_file():
        _linker(ROOT / "src", "synth", "--registry", str(registry), "--list", str(entries), "--out", str(roster),
                "--seed", str(seed), "--force")
    out = {}
    for name, src in (("this", ROOT / "src"), ("baseline", baseline)):
        if src is None:
            continue
        target = work / f"report-{name}"
        if reuse and (target / "report.html").is_file():
            out[name] = target / "report.html"
            continue
        t0 = time.perf_counter()
        _linker(src, "match", str(roster / "list.csv"), str(roster / "registry.csv"), "--out", str(target),
                "--force", "-q", "--seed", str(seed))
        print(f"{name}: linker match took {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        out[name] = target / "report.html"
    return out


def redraw(html: Path) -> None:
    """report.html drawn again by this checkout's code from the report.json beside it."""
    code = ("import json, sys; from linker.report.html import write_html; p = sys.argv[1]; "
            "r = json.load(open(p + '/report.json', encoding='utf-8')); r.pop('entries', None); "
            "write_html(p + '/report.html', r, p + '/report.json')")
    subprocess.run([sys.executable, "-c", code, str(html.parent)], env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                   check=True)


def measure(browser, path: Path, timeout_s: float, repeat: int = 5) -> dict:
    """The figures of one report.html in a fresh page."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_selector("#entries-body tr.row", timeout=timeout_s * 1000)   # status: drawn in the same task
    row = {"open_s": round(time.perf_counter() - t0, 2)}
    first = page.locator('#entries-body tr.row td[data-label="surname"] .lv').first
    surname = first.inner_text().strip() if first.count() else "а"
    row["search_query"] = surname
    for key, action, arg, undo in (("open_entry_ms", "open", None, "open"), ("filter_ms", "filter", None, "filter"),
                                   ("sort_ms", "sort", None, "unsort"), ("search_ms", "search", surname, "unsearch")):
        times = []
        for _ in range(repeat):                 # each step undone (untimed) before the next: a median of them
            times.append(page.evaluate(TIMED, [action, arg]))
            page.evaluate(TIMED, [undo, None])
        row[key] = round(statistics.median(times), 1)
        if action == "search":                  # the first search also folds every id once
            row["first_search_ms"] = round(times[0], 1)
    page.evaluate(TIMED, ["search", surname])
    row["shown_after_search"] = page.locator("#status").inner_text()
    cdp = context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    row["heap_mb"] = round(cdp.send("Runtime.getHeapUsage")["usedSize"] / 2 ** 20, 1)
    row["html_mb"] = round(path.stat().st_size / 2 ** 20, 1)
    row["other_requests"] = [u for u in requests if u != path.as_uri() and not u.startswith("blob:")]
    context.close()
    return row


def table(results: dict[str, dict]) -> str:
    names = list(results)
    lines = ["| | " + " | ".join(names) + (" | baseline / this |" if len(names) == 2 else " |"),
             "|---" * (len(names) + 1 + (len(names) == 2)) + "|"]
    for m in METRICS:
        vals = [results[n].get(m) for n in names]
        cells = [f"{v:,}" if isinstance(v, (int, float)) else "–" for v in vals]
        if len(names) == 2:
            a, b = results["this"].get(m), results["baseline"].get(m)
            cells.append(f"{b / a:.1f}x" if a and b else "–")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=200_000, help="list rows (report entries)")
    ap.add_argument("--registry", type=int, default=None, help="registry rows (default 1.25 x entries)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--baseline-src", type=Path, default=None,
                    help="another checkout's src/ (e.g. /work/main/src): its report of the same roster beside")
    ap.add_argument("--work", type=Path, default=Path("/tmp/linker-bench-report"))
    ap.add_argument("--timeout", type=float, default=600, help="seconds a page may take to open")
    ap.add_argument("--repeat", type=int, default=5, help="times each interaction is timed (the median is given)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the reports already in --work (only the browser part runs again)")
    ap.add_argument("--this-html-from-json", action="store_true",
                    help="with --reuse: redraw this checkout's report.html from its report.json first (the page's "
                         "code changed, the match did not)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    args.work.mkdir(parents=True, exist_ok=True)
    reports = make_reports(args.work, args.entries, args.registry or args.entries * 5 // 4, args.seed,
                           args.baseline_src, args.reuse)
    if args.this_html_from_json:
        redraw(reports["this"])
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for name, path in reports.items():     # one page at a time: they do not compete for the cores
            results[name] = measure(browser, path, args.timeout, args.repeat)
            print(f"{name}: {json.dumps(results[name], ensure_ascii=False)}", file=sys.stderr, flush=True)
        browser.close()
    print(f"### report.html with {args.entries:,} entries (seed {args.seed}), Chromium at 1400 px")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
