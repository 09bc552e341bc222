"""A review made in the real report, exported as labels.csv from the browser, is applied by a re-run."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from linker.cli import main
from linker.report.entries import to_dicts

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import launch, require_chromium  # noqa: E402

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ru"
pytestmark = pytest.mark.browser
sync_api = require_chromium()


def _match(out: Path, *extra: str) -> pd.DataFrame:
    res = CliRunner().invoke(main, ["match", str(FIX / "list.csv"), str(FIX / "registry.csv"), "--out", str(out),
                                    "-q", "--force", *extra])
    assert res.exit_code == 0, res.output
    return pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False)


def test_browser_review_then_rerun(tmp_path: Path) -> None:
    first = _match(tmp_path / "run1")
    report = json.loads((tmp_path / "run1" / "report.json").read_text(encoding="utf-8"))
    report["entries"] = to_dicts(report["entries"])
    def text(e: dict) -> str:      # what the page's search looks in: ids, list values, best candidate's values
        best = e["candidates"][:1]
        return " ".join([e["list_id"], *map(str, e["list"].values()),
                         *(x for c in best for x in (c["registry_id"], *map(str, c["registry"].values())))])

    def findable(e: dict) -> bool:  # searching its id leaves it among a few entries (a short id is in every date)
        return sum(e["list_id"] in text(o) for o in report["entries"]) <= 20

    to_reject = next(e for e in report["entries"] if e["decision"] == "match" and findable(e))
    to_pick = next(e for e in report["entries"] if len(e["candidates"]) >= 2 and e is not to_reject and findable(e))
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = launch(pw)
        ctx = browser.new_context(accept_downloads=True)
        page = ctx.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto((tmp_path / "run1" / "report.html").as_uri())

        def open_entry(entry: dict):
            page.fill("#f-search", entry["list_id"])
            sync_api.expect(page.locator("#status")).to_contain_text("filtered from")
            page.wait_for_timeout(500)  # the search re-renders the table after a short debounce
            row = page.locator("#entries-body tr.row",
                               has=page.locator(f"td[title={json.dumps('list id ' + entry['list_id'])}]"))
            row.locator("button.expand").click()
            return row.locator("xpath=following-sibling::tr[1]")

        page.fill("#reviewer", "B. Checker")
        detail = open_entry(to_reject)
        detail.locator("input.note").fill("date contradicts")
        detail.locator("[data-action=reject]").click()
        open_entry(to_pick).locator("[data-action=pick]").nth(1).click()
        with page.expect_download() as info:
            page.click("#export")
        labels = tmp_path / "labels.csv"
        Path(info.value.path()).replace(labels)
        browser.close()
    own = (tmp_path / "run1" / "report.html").as_uri()
    assert [u for u in requests if u != own and not u.startswith("blob:")] == []

    again = _match(tmp_path / "run2", "--labels", str(labels))
    row = again.set_index("list_id")
    rejected = row.loc[to_reject["list_id"]]
    assert not (rejected["decision"] == "match" and rejected["registry_id"] == to_reject["candidates"][0]["registry_id"])
    assert rejected["labelled"] == "yes"
    picked = row.loc[to_pick["list_id"]]
    assert picked["decision"] == "match" and picked["registry_id"] == to_pick["candidates"][1]["registry_id"]
    assert picked["labelled"] == "yes"
    rep2 = json.loads((tmp_path / "run2" / "report.json").read_text(encoding="utf-8"))
    assert rep2["counts"]["labelled"] == 2
    trail = {d["list_id"]: d for d in rep2["review_trail"]["decisions"]}
    assert trail[to_reject["list_id"]]["reviewer"] == "B. Checker"
    assert trail[to_reject["list_id"]]["note"] == "date contradicts" and trail[to_reject["list_id"]]["decided_at"]
    with sync_api.sync_playwright() as pw:          # the re-run report shows who decided, when, and why
        browser = launch(pw)
        page = browser.new_page()
        page.goto((tmp_path / "run2" / "report.html").as_uri())
        page.fill("#f-search", to_reject["list_id"])
        sync_api.expect(page.locator("#status")).to_contain_text("filtered from")
        page.wait_for_timeout(500)
        row = page.locator("#entries-body tr.row",
                           has=page.locator(f"td[title={json.dumps('list id ' + to_reject['list_id'])}]"))
        sync_api.expect(row).to_contain_text("decided by B. Checker on ")
        sync_api.expect(row).to_contain_text("(date contradicts)")
        browser.close()
    assert len(again) == len(first)
