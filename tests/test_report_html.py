"""report.html without a browser: escaping, CSP, no network references, tolerance of missing keys."""

from __future__ import annotations

import copy
import json
import re
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linker.report.entries import to_dicts
from linker.report.html import CSP, VERDICTS, embed_json, render_html, report_hash

sys.path.insert(0, str(Path(__file__).parent))
from report_sample import HOSTILE, build_report  # noqa: E402

DATA_OPEN = '<script type="application/json" id="data">'


def data_block(page: str) -> str:
    start = page.index(DATA_OPEN) + len(DATA_OPEN)
    return page[start:page.index("</script>", start)]


def page_report(page: str) -> dict:
    """The embedded report, its entries (in the column layout) read back as entry dicts."""
    data = json.loads(data_block(page))
    if "entries" in data:
        data["entries"] = to_dicts(data["entries"])
    return data


def outside_data(page: str) -> str:
    start = page.index(DATA_OPEN)
    end = page.index("</script>", start)
    return page[:start] + page[end:]


@pytest.fixture(scope="module")
def hostile_report() -> dict:
    return build_report(60, seed=1, hostile=True)


@pytest.fixture(scope="module")
def hostile_page(hostile_report: dict) -> str:
    return render_html(hostile_report)


def test_data_block_round_trips_hostile_values(hostile_report: dict, hostile_page: str) -> None:
    # The block ends at the first </script>: if any value could close it early, this parse fails or differs.
    assert page_report(hostile_page) == hostile_report
    assert hostile_page.count(DATA_OPEN) == 1


@pytest.mark.parametrize("char", ["<", ">", "&", "\u2028", "\u2029"], ids=["lt", "gt", "amp", "ls", "ps"])
def test_data_block_has_no_raw_dangerous_character(hostile_page: str, char: str) -> None:
    assert char not in data_block(hostile_page)


@pytest.mark.parametrize("needle", ["<img", "<script>alert", "<!--", "</script><"], ids=["img", "script", "comment", "close"])
def test_hostile_markup_never_appears_raw_outside_data(hostile_page: str, needle: str) -> None:
    assert needle not in outside_data(hostile_page).lower()


def test_hostile_values_rendered_server_side_are_escaped(hostile_page: str) -> None:
    # The title, a mapped column, a blocking rule and the explanation all carry markup; Jinja escapes it.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_page


def test_only_one_executable_script_and_it_is_ours(hostile_page: str) -> None:
    scripts = re.findall(r"<script\b([^>]*)>", hostile_page)
    assert scripts == [' type="application/json" id="data"', ""]


def test_csp_meta_is_first_in_head() -> None:
    page = render_html(build_report(5))
    head = page[page.index("<head>"):page.index("</head>")]
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in head
    assert head.index("Content-Security-Policy") < head.index("<style>") < head.index("</style>")
    assert "default-src 'none'" in CSP and "img-src data:" in CSP and "connect-src" not in CSP


@pytest.mark.parametrize(
    "pattern",
    [r"""\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", r"url\(\s*['\"]?\s*(?:https?:)?//",
     r"@import", r"<link\b", r"<iframe\b", r"<img\b", r"\bfetch\(", r"XMLHttpRequest", r"sendBeacon", r"WebSocket"],
    ids=["attr-url", "css-url", "css-import", "link", "iframe", "img", "fetch", "xhr", "beacon", "websocket"],
)
def test_page_references_nothing_outside_itself(pattern: str) -> None:
    page = render_html(build_report(20, hostile=True))
    assert not re.search(pattern, outside_data(page), flags=re.IGNORECASE)


@pytest.mark.parametrize("api", ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"])
def test_script_never_parses_data_as_markup(api: str) -> None:
    js = resources.files("linker.report").joinpath("templates", "report.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in js.splitlines() if not line.strip().startswith("/*") and "never through" not in line)
    assert api not in code


@pytest.mark.parametrize("key", ["linker_version", "title", "inputs", "mapping", "thresholds", "counts", "expected_genuine",
                                 "chance_test", "blocking", "model", "weight_histogram", "threshold_curve", "field_agreement",
                                 "breakdowns", "fields", "entries"])
def test_renders_with_a_key_missing(key: str) -> None:
    report = build_report(12, seed=3)
    del report[key]
    page = render_html(report)
    assert page_report(page) == report
    assert "</html>" in page


def test_renders_an_empty_report() -> None:
    page = render_html({})
    assert json.loads(data_block(page)) == {}
    assert "Verification report" in page and "The chance test was not run" in page


def test_renders_with_nested_optional_values_missing() -> None:
    report = build_report(12, seed=4)
    report["chance_test"] = {"verdict": "inconclusive"}
    report["expected_genuine"] = {"estimate": 7.5}
    report["model"] = {"comparisons": [{"field": "surname", "levels": [{"level": 0, "label": "x"}]}]}
    report["inputs"] = {"list": {"path": "a.csv"}}
    report["entries"][0].update(weight=None, candidates=[], flags=[])
    page = render_html(report)
    assert VERDICTS["inconclusive"] in page
    assert "Expected number of genuine entries: <strong>8</strong>" in page


@pytest.mark.parametrize("verdict", sorted(VERDICTS), ids=sorted(VERDICTS))
def test_verdict_in_plain_words(verdict: str) -> None:
    page = render_html(build_report(10, verdict=verdict))
    assert VERDICTS[verdict] in page
    assert f'class="chance v-{verdict}"' in page


def test_not_shown_sentence_is_the_agreed_one() -> None:
    assert VERDICTS["not_shown"] == ("This list is not shown to be genuine: a fabricated list of the same kind would "
                                     "match about as often.")


def test_headline_counts_rendered_from_counts() -> None:
    report = build_report(40, seed=5)
    report["counts"].update(match=1234, review=56, no_match=7, duplicate_listings=8)
    page = render_html(report)
    for key, text in [("match", "1,234"), ("review", "56"), ("no_match", "7"), ("duplicate_listings", "8")]:
        assert f'data-count="{key}">{text}<' in page


def test_headline_counts_fall_back_to_entries() -> None:
    report = build_report(40, seed=6)
    expected = {d: sum(e["decision"] == d for e in report["entries"]) for d in ("match", "review", "no_match")}
    del report["counts"]
    page = render_html(report)
    for key, n in expected.items():
        assert f'data-count="{key}">{n}<' in page


def test_method_section_shows_model_parameters() -> None:
    report = build_report(10)
    page = render_html(report)
    method = page[page.index('id="method"'):]
    level = report["model"]["comparisons"][3]["levels"][3]
    assert f"{level['weight']:,.2f}" in method
    for rule in report["blocking"]["rules"]:
        assert rule["name"] in method


def test_non_finite_and_numpy_values_become_json() -> None:
    report = build_report(10, seed=7)
    report["entries"][0]["probability"] = float("nan")
    report["entries"][1]["weight"] = float("inf")
    report["counts"]["match"] = np.int64(3)
    report["weight_histogram"]["counts"] = np.arange(20)
    data = json.loads(data_block(render_html(report)))
    assert data["entries"]["probability"][0] is None and data["entries"]["weight"][1] is None
    assert data["counts"]["match"] == 3 and data["weight_histogram"]["counts"] == list(range(20))


def test_report_hash_follows_the_content() -> None:
    report = build_report(10, seed=8)
    same = copy.deepcopy(report)
    assert report_hash(embed_json(report)) == report_hash(embed_json(same))
    same["entries"][0]["decision"] = "review"
    assert report_hash(embed_json(report)) != report_hash(embed_json(same))
    assert f'data-report-hash="{report_hash(embed_json(report))}"' in render_html(report)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_embed_json_round_trips_any_text(text: str) -> None:
    embedded = embed_json({"v": text, text: [text]})
    assert not set(embedded) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(embedded) == {"v": text, text: [text]}


def test_large_report_renders_every_entry() -> None:
    base = build_report(100, seed=9)
    entries = []
    for k in range(200):  # 20,000 entries, cheap to build
        for e in base["entries"]:
            entries.append(e | {"list_id": f"{e['list_id']}-{k}", "row": len(entries) + 2})
    report = base | {"entries": entries}
    report["counts"] = dict(base["counts"], total=len(entries))
    page = render_html(report)
    block = data_block(page)
    ids = json.loads(block)["entries"]["list_id"]
    assert len(ids) == 20_000 and ids[-1] == "L100-199"
    assert 'data-count="total">20,000<' in page


def test_hostile_strings_cover_each_escape() -> None:
    joined = "".join(HOSTILE)
    assert all(c in joined for c in "<>&\u2028\u2029")


def test_headline_counts_duplicate_listings_once() -> None:
    from linker.report.html import render_html
    page = render_html({"counts": {"total": 10, "match": 8, "review": 1, "no_match": 1, "duplicate_listings": 2,
                                   "confirmed_people": 6}})
    assert '<span data-count="confirmed_people">6</span> distinct people' in page
