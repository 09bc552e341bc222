"""report.html's layout in headless Chromium, measured by element boxes: the breakdown tables fit their column
at 1,400 px with a large list's numbers, and the threshold chart shows where the count changes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from linker.report.html import render_html

sys.path.insert(0, str(Path(__file__).parent))
from report_sample import build_report  # noqa: E402

from browser_support import browser, require_chromium  # noqa: E402,F401  (browser: a fixture)

pytestmark = pytest.mark.browser
sync_api = require_chromium()
GRID = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9,
        0.95, 0.97, 0.99, 0.995, 0.999]


def big_numbers(report: dict) -> dict:
    """The sample's breakdowns at a 200,000-entry list's scale, one value a long unit name."""
    for rows in report["breakdowns"].values():
        for r in rows:
            for k in ("list", "match", "review", "no_match"):
                r[k] = r[k] * 1_000 + 987
    report["breakdowns"]["unit"][0]["value"] = "войсковая часть 61899-А отдельного мотострелкового батальона"
    return report


def open_page(browser, tmp_path: Path, report: dict, width: int = 1400):
    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("#entries-body tr.row")
    return context, page, errors


BOXES = """() => Array.from(document.querySelectorAll('#breakdowns table')).map(t => {
  const wrap = t.closest('.table-wrap').getBoundingClientRect(), col = t.closest('.breakdown').getBoundingClientRect();
  const cells = Array.from(t.querySelectorAll('th, td')).map(c => c.getBoundingClientRect().right);
  const head = Array.from(t.querySelectorAll('thead th')).map(h => h.textContent);
  return { table: t.getBoundingClientRect().right, wrap: wrap.right, col: col.right, cells: Math.max(...cells),
           scroll: t.closest('.table-wrap').scrollWidth, client: t.closest('.table-wrap').clientWidth, head: head,
           page: document.documentElement.scrollWidth };
})"""


@pytest.mark.parametrize("width", [1400, 1024])
def test_breakdown_tables_fit_their_column(browser, tmp_path: Path, width: int) -> None:
    context, page, errors = open_page(browser, tmp_path, big_numbers(build_report(250, seed=4)), width)
    boxes = page.evaluate(BOXES)
    assert len(boxes) == 2 and errors == []
    for b in boxes:
        assert "Share of list" in b["head"]
        assert b["scroll"] <= b["client"] + 1, b           # nothing to scroll sideways: nothing cut
        assert b["table"] <= b["col"] + 1 and b["cells"] <= b["col"] + 1, b
        assert b["page"] <= width + 1
    context.close()


def curve(counts: list[int]) -> list[dict]:
    return [{"threshold": t, "match": c, "est_precision": 0.999, "est_recall": 0.98 + 0.0001 * i,
             "precision": None, "recall": None} for i, (t, c) in enumerate(zip(GRID, counts))]


PATH_BOX = """(id) => {
  const svg = document.querySelector('#' + id + ' svg'), path = svg.querySelector('path');
  const plot = svg.querySelector('line[stroke="#5b6270"]').getBoundingClientRect();   /* the x axis */
  const dots = Array.from(svg.querySelectorAll('circle')).map(c => c.getBoundingClientRect().x);
  return { path: path.getBoundingClientRect().toJSON(), axis: plot.toJSON(), dots: dots,
           note: (document.querySelector('#' + id + ' .curve-note') || {}).textContent || '' };
}"""


def test_threshold_chart_shows_where_the_count_changes(browser, tmp_path: Path) -> None:
    # 200,000 entries, 199,100 to 198,200 confirmed: from zero, a flat line at the top
    counts = [199_100] * 18 + [199_000, 198_900, 198_700, 198_500, 198_200]
    report = build_report(120, seed=6) | {"threshold_curve": curve(counts)}
    context, page, errors = open_page(browser, tmp_path, report)
    box = page.evaluate(PATH_BOX, "chart-curve-counts")
    plot_height = box["axis"]["y"] - page.evaluate(
        "document.querySelector('#chart-curve-counts svg').getBoundingClientRect().y")
    assert box["path"]["height"] > 0.5 * plot_height, box        # the change fills the chart's height
    dots = box["dots"]
    assert len(dots) == len(GRID)
    assert min(b - a for a, b in zip(dots[-5:], dots[-4:])) > 15   # 0.95 ... 0.999 drawn apart
    assert "not at zero" in box["note"] and "199,100 at 0.05" in box["note"] and "198,200 at 0.999" in box["note"]
    assert errors == []
    context.close()


def test_threshold_chart_of_an_unchanging_count_says_so(browser, tmp_path: Path) -> None:
    report = build_report(120, seed=6) | {"threshold_curve": curve([150] * len(GRID))}
    context, page, errors = open_page(browser, tmp_path, report)
    box = page.evaluate(PATH_BOX, "chart-curve-counts")
    assert "150 at every threshold" in box["note"] and errors == []
    axis_y = box["axis"]["y"]
    assert box["path"]["y"] < axis_y - 20                          # drawn inside the plot, not on its edge
    context.close()


def test_a_report_json_of_entry_objects_still_opens(browser, tmp_path: Path) -> None:
    """`linker tune` redraws report.html from report.json as it is: one written before the column layout
    (an object per entry) opens, filters and searches the same."""
    import json

    from linker.report.html import write_html

    report = build_report(150, seed=13)
    entries = report.pop("entries")
    (tmp_path / "report.json").write_text(json.dumps({**report, "entries": entries}, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    write_html(tmp_path / "report.html", report, tmp_path / "report.json")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((tmp_path / "report.html").as_uri())
    page.wait_for_selector("#entries-body tr.row")
    assert page.locator("#entries-body tr.row").count() == 100
    target = entries[37]
    page.fill("#f-search", target["list_id"])
    sync_api.expect(page.locator("#status")).to_contain_text("filtered from 150")
    row = page.locator("#entries-body tr.row", has=page.locator(f"td[title={json.dumps('list id ' + target['list_id'])}]"))
    row.locator("button.expand").click()
    assert page.locator("#entries-body tr.detail .cands tbody tr").count() == len(target["candidates"])
    assert errors == []
    context.close()


def test_only_rows_near_the_screen_are_drawn(browser, tmp_path: Path) -> None:
    """A page of 100 entries draws its first rows at once and each other row as it comes near the screen."""
    context, page, errors = open_page(browser, tmp_path, build_report(250, seed=14))
    rows = page.locator("#entries-body tr.row")
    assert rows.count() == 100
    pending = page.locator("#entries-body tr.row.pending").count()
    assert 0 < pending < 100 and rows.nth(0).locator("button.expand").count() == 1
    last = rows.nth(99)
    last.scroll_into_view_if_needed()
    sync_api.expect(last.locator("button.expand")).to_have_count(1)          # drawn once near the screen
    assert page.locator("#entries-body tr.row.pending").count() < pending
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("#entries-body tr.row.pending").count() == 0          # printing draws them all
    assert errors == []
    context.close()
