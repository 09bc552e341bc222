"""report.html in headless Chromium: no requests, headline, filters, search, review and labels.csv export."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Iterator

import pytest

from linker.report.html import render_html

sys.path.insert(0, str(Path(__file__).parent))
from report_sample import HOSTILE, build_report  # noqa: E402

from browser_support import browser, require_chromium  # noqa: E402,F401  (browser: a fixture)

pytestmark = pytest.mark.browser
sync_api = require_chromium()


def fold(text: str) -> str:
    return text.lower().replace("ё", "е").replace("ë", "e")


@pytest.fixture(scope="module")
def report() -> dict:
    report = build_report(250, seed=11)
    tricky = next(e for e in report["entries"] if len(e["candidates"]) >= 2)  # ids that need CSV quoting
    tricky["list_id"] += ',"q"'
    tricky["candidates"][0]["registry_id"] = 'R "x", y'
    return report


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, report: dict) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


class Watched:
    """A page with every request, console message, page error and dialog recorded."""

    def __init__(self, browser: object, width: int = 1366) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.problems.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def status_count(self) -> int:
        text = self.page.locator("#status").inner_text()
        return int(re.search(r"of ([\d,]+) entries", text).group(1).replace(",", ""))

    def network_requests(self, own: Path) -> list[str]:
        return [u for u in self.requests if u != own.as_uri() and not u.startswith("blob:")]


@pytest.fixture()
def watched(browser: object, report_file: Path) -> Iterator[Watched]:
    w = Watched(browser)
    w.page.goto(report_file.as_uri())
    w.page.wait_for_selector("#entries-body tr.row")
    yield w
    assert w.network_requests(report_file) == []
    assert w.problems == []
    w.context.close()


def test_headline_numbers_equal_counts(watched: Watched, report: dict) -> None:
    for key in ("match", "review", "no_match", "duplicate_listings", "total"):
        shown = watched.page.locator(f'[data-count="{key}"]').first.inner_text()
        assert int(shown.replace(",", "")) == report["counts"][key], key
    assert watched.requests == [watched.page.url]


def test_charts_are_drawn_as_inline_svg(watched: Watched, report: dict) -> None:
    for chart in ("chart-weights", "chart-agreement", "chart-curve-counts", "chart-curve-pr", "chart-chance"):
        assert watched.page.locator(f"#{chart} svg").count() == 1, chart
    bars = watched.page.locator("#chart-weights svg rect").count()
    assert bars == len(report["weight_histogram"]["counts"])
    assert watched.page.locator("#breakdowns table").count() == len(report["breakdowns"])


def test_first_page_has_a_hundred_entries_and_pages_on(watched: Watched) -> None:
    rows = watched.page.locator("#entries-body tr.row")
    assert rows.count() == 100
    watched.page.click("#next")
    watched.page.click("#next")
    assert rows.count() == 50
    assert watched.page.locator("#next").is_disabled()


def test_decision_filter(watched: Watched, report: dict) -> None:
    boxes = {b.get_attribute("value"): b for b in watched.page.locator("input[name=decision]").all()}
    for keep, text in [("match", "confirmed"), ("review", "review"), ("no_match", "absent")]:
        for value, box in boxes.items():
            box.set_checked(value == keep)
        assert watched.status_count() == report["counts"][keep], keep
        badges = watched.page.locator("#entries-body tr.row .badge").all_inner_texts()
        assert badges and set(badges) == {text}, keep


def test_search_is_case_and_yo_insensitive(watched: Watched, report: dict) -> None:
    def hay(e: dict) -> str:
        parts = [e["list_id"], *e["list"].values()]
        if e["candidates"]:
            best = e["candidates"][0]
            parts += [best["registry_id"], *best["registry"].values()]
        return fold("\x01".join(parts))

    for query in ["ФЕДОРОВ", "семёнов", "АБ-1", "в/ч 61899", "L24"]:  # upper case, ё for е, number, unit, id
        expected = sum(fold(query) in hay(e) for e in report["entries"])
        assert 0 < expected < len(report["entries"]), query
        watched.page.fill("#f-search", query)
        sync_api.expect(watched.page.locator("#status")).to_contain_text(f"of {expected} entries")


def test_probability_range_and_flag_filter(watched: Watched, report: dict) -> None:
    watched.page.fill("#f-min", "0.5")
    watched.page.fill("#f-max", "0.95")
    watched.page.dispatch_event("#f-max", "change")
    assert watched.status_count() == sum(0.5 <= e["probability"] <= 0.95 for e in report["entries"])
    watched.page.fill("#f-min", "0")
    watched.page.fill("#f-max", "1")
    watched.page.select_option("#f-flag", "namesake")
    assert watched.status_count() == sum("namesake" in e["flags"] for e in report["entries"])


def test_sort_by_probability(watched: Watched) -> None:
    watched.page.select_option("#f-sort", "prob-asc")
    cells = watched.page.locator("#entries-body tr.row td[data-label=Probability]").all_inner_texts()
    values = [0.0 if c.startswith("<") else 1.0 if c.startswith(">") else float(c) for c in cells]
    assert values == sorted(values)


def test_review_and_export_labels_csv(watched: Watched, report: dict, report_file: Path) -> None:
    page = watched.page
    with_cands = [e for e in report["entries"] if len(e["candidates"]) >= 2]
    accept, pick = with_cands[0], with_cands[1]
    reject = next(e for e in report["entries"] if e["candidates"] and e not in (accept, pick))

    def open_entry(entry: dict) -> object:
        page.fill("#f-search", entry["list_id"])
        sync_api.expect(page.locator("#status")).to_contain_text("filtered from")
        row = page.locator("#entries-body tr.row", has=page.locator(f"td[title={json.dumps('list id ' + entry['list_id'])}]"))
        row.locator("button.expand").click()
        return row.locator("xpath=following-sibling::tr[1]")

    detail = open_entry(accept)
    detail.locator("[data-action=accept]").click()                      # no reviewer yet: asked first
    assert page.locator("#review-count").inner_text() == "0"
    sync_api.expect(page.locator("#status")).to_contain_text("Enter your name as reviewer first")
    page.fill("#reviewer", "A. Reviewer")
    page.dispatch_event("#reviewer", "change")
    detail.locator("[data-action=accept]").click()
    assert page.locator("#review-count").inner_text() == "1", page.locator("#status").inner_text()
    detail = open_entry(reject)
    detail.locator("input.note").fill("other unit, other date")
    detail.locator("[data-action=reject]").click()
    assert page.locator("#review-count").inner_text() == "2"
    open_entry(pick).locator("[data-action=pick]").nth(1).click()
    assert page.locator("#review-count").inner_text() == "3"
    page.fill("#f-search", reject["list_id"])
    sync_api.expect(page.locator("#entries-body tr.row", has=page.locator(f"td[title={json.dumps('list id ' + reject['list_id'])}]"))
                    ).to_contain_text("your decision: no match")

    with page.expect_download() as info:
        page.click("#export")
    assert info.value.suggested_filename == "labels.csv"
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    expected = {(accept["list_id"], accept["candidates"][0]["registry_id"], "match", ""),
                (reject["list_id"], reject["candidates"][0]["registry_id"], "no_match", "other unit, other date"),
                (pick["list_id"], pick["candidates"][1]["registry_id"], "match", "")}
    assert rows[0] == ["list_id", "registry_id", "label", "reviewer", "decided_at", "note"]
    assert set((r[0], r[1], r[2], r[5]) for r in rows[1:]) == expected and len(rows) == 4
    assert all(r[3] == "A. Reviewer" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r[4]) for r in rows[1:])

    page.reload()  # decisions survive in localStorage, keyed by the report; the reviewer's name too
    page.wait_for_selector("#entries-body tr.row")
    assert page.locator("#review-count").inner_text() == "3"
    assert page.input_value("#reviewer") == "A. Reviewer"


def test_blind_review_hides_probability_and_decision(watched: Watched) -> None:
    page = watched.page
    cell = page.locator('#entries-body tr.row td[data-label="Probability"]').first
    badge = page.locator("#entries-body tr.row .badge").first
    assert cell.is_visible() and badge.is_visible()
    page.check("#blind")
    assert not cell.is_visible() and not badge.is_visible()
    page.uncheck("#blind")
    assert cell.is_visible()


def test_unexported_decisions_warn_before_leaving_and_survive_reload(browser: object, report: dict,
                                                                     report_file: Path) -> None:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
    page.goto(report_file.as_uri())
    page.wait_for_selector("#entries-body tr.row")
    page.reload()                                   # nothing decided: leaving is silent
    page.wait_for_selector("#entries-body tr.row")
    assert dialogs == [] and page.locator("#unexported").is_hidden()
    entry = next(e for e in report["entries"] if e["candidates"])
    page.fill("#reviewer", "A. Reviewer")
    page.fill("#f-search", entry["list_id"])
    sync_api.expect(page.locator("#status")).to_contain_text("filtered from")
    row = page.locator("#entries-body tr.row", has=page.locator(f"td[title={json.dumps('list id ' + entry['list_id'])}]"))
    row.locator("button.expand").click()
    row.locator("xpath=following-sibling::tr[1]").locator("[data-action=accept]").click()
    sync_api.expect(page.locator("#unexported")).to_be_visible()
    page.reload()                                   # a decision not exported: the browser asks first
    page.wait_for_selector("#entries-body tr.row")
    assert dialogs == ["beforeunload"]
    assert page.locator("#review-count").inner_text() == "1"      # and the decision survived the reload
    sync_api.expect(page.locator("#unexported")).to_be_visible()
    with page.expect_download():
        page.click("#export")
    sync_api.expect(page.locator("#unexported")).to_be_hidden()
    page.reload()                                   # exported: leaving is silent again
    page.wait_for_selector("#entries-body tr.row")
    assert dialogs == ["beforeunload"] and page.locator("#review-count").inner_text() == "1"
    sync_api.expect(page.locator("#unexported")).to_be_hidden()
    context.close()


def test_report_label_is_shown(watched: Watched, report: dict) -> None:
    labelled = [e for e in report["entries"] if e["label"]]
    watched.page.select_option("#f-labelled", "yes")
    assert watched.status_count() == len(labelled)
    assert "decided by a reviewer" in watched.page.locator("#entries-body tr.row").first.inner_text()


def test_evidence_waterfall_has_a_bar_per_comparison(watched: Watched, report: dict) -> None:
    first = report["entries"][0]
    watched.page.locator("#entries-body tr.row button.expand").first.click()
    bars = watched.page.locator("#entries-body tr.detail .waterfall rect").count()
    best = first["candidates"][0]
    extra = abs(best["weight"] - sum(best["weights"].values())) > 0.005
    assert bars == len(best["weights"]) + 2 + extra
    assert watched.page.locator("#entries-body tr.detail .cands tbody tr").count() == len(first["candidates"])


@pytest.mark.parametrize("width", [1366, 390])
def test_hostile_report_runs_no_script_and_shows_text(browser: object, tmp_path: Path, width: int) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(render_html(build_report(60, seed=2, hostile=True)), encoding="utf-8")
    w = Watched(browser, width)
    w.page.goto(path.as_uri())
    w.page.wait_for_selector("#entries-body tr.row")
    w.page.locator("#entries-body tr.row button.expand").first.click()
    assert w.page.locator("#entries-body img, #entries-body script").count() == 0
    assert HOSTILE[0] in w.page.locator("#entries-body").inner_text()
    assert w.page.evaluate("document.scripts.length") == 2
    assert w.page.evaluate("document.querySelectorAll('img, iframe, object, embed, link').length") == 0
    assert w.network_requests(path) == [] and w.problems == []
    assert w.page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways scrolling
    w.context.close()


def test_keyboard_opens_evidence_and_keeps_focus(watched: Watched) -> None:
    page = watched.page
    page.fill("#reviewer", "K. Board")
    page.locator("#entries-body button.expand").nth(2).focus()
    page.keyboard.press("Enter")
    assert page.locator("#entries-body tr.detail").count() == 1
    assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "true"
    page.keyboard.press("Tab")  # the first review action follows the button in reading order
    assert page.evaluate("document.activeElement.getAttribute('data-action')") in ("accept", "reject")
    page.keyboard.press("Enter")
    assert page.locator("#review-count").inner_text() == "1"
    assert page.evaluate("document.activeElement.getAttribute('data-action')") in ("accept", "reject")
