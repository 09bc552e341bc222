"""A report a newsroom can publish and audit: provenance and `linker verify`, and `--redact`."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from linker.report.entries import to_dicts

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"
# columns whose values are personal: names, dates, numbers, ids (rank, category and unit are the
# breakdowns a published report keeps on purpose)
PERSONAL = re.compile(r"(ф\.?и\.?о|фамил|имя|отчеств|дата|рожд|номер|surname|given|first|patronym|birth|personal|"
                      r"^id$|^№$|^no$)", re.IGNORECASE)


def linker(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "linker.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.fixture(scope="module", params=["ru", "latin"])
def runs(request, tmp_path_factory) -> tuple[str, Path, Path]:
    kind = request.param
    d = tmp_path_factory.mktemp(kind)
    for name, extra in (("full", []), ("redacted", ["--redact"])):
        res = linker("match", str(FIX / kind / "list.csv"), str(FIX / kind / "registry.csv"), "--out",
                     str(d / name), "-q", *extra)
        assert res.returncode == 0, res.stderr
    return kind, d / "full", d / "redacted"


def _personal_values(path: Path) -> set[str]:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    values: set[str] = set()
    for col in df.columns:
        if not PERSONAL.search(col.strip()):
            continue
        for cell in df[col]:
            cell = cell.strip()
            if len(cell) >= 5:
                values.add(cell)                                   # whole cells: dates, numbers, ids, full names
            values.update(t for t in re.split(r"[\s,]+", cell) if len(t) >= 4 and not t.isdigit())  # name words
    return values


def test_redacted_outputs_hold_no_personal_value(runs) -> None:
    kind, _full, red = runs
    values = _personal_values(FIX / kind / "list.csv") | _personal_values(FIX / kind / "registry.csv")
    assert len(values) > 1000
    for name in ("report.html", "report.json", "matches.csv"):
        text = (red / name).read_text(encoding="utf-8")
        low = text.lower()
        words = set(re.findall(r"\w+", low))
        leaked = sorted(v for v in values if (v.lower() in words if re.fullmatch(r"\w+", v) else
                                              re.search(r"(?<!\w)" + re.escape(v.lower()) + r"(?!\w)", low)))
        assert leaked == [], f"{name} shows {leaked[:10]}"


def test_redacted_report_keeps_the_numbers_and_the_evidence(runs) -> None:
    _kind, full, red = runs
    a = json.loads((full / "report.json").read_text(encoding="utf-8"))
    b = json.loads((red / "report.json").read_text(encoding="utf-8"))
    for key in ("counts", "expected_genuine", "chance_test", "breakdowns", "threshold_curve", "model"):
        assert a[key] == b[key], key
    assert b["redacted"] is True and b["provenance"]["redacted"] is True and b["fields"] == []
    for ea, eb in zip(to_dicts(a["entries"]), to_dicts(b["entries"]), strict=True):
        assert eb["list_id"] == str(ea["row"]) and eb["decision"] == ea["decision"]
        assert eb["list"] == {} and len(eb["candidates"]) == min(1, len(ea["candidates"]))
        if ea["candidates"]:
            assert eb["candidates"][0]["levels"] == ea["candidates"][0]["levels"]
            assert eb["candidates"][0]["registry_id"] == ""
    m = pd.read_csv(red / "matches.csv", dtype=str, keep_default_na=False)
    full_m = pd.read_csv(full / "matches.csv", dtype=str, keep_default_na=False)
    assert m["row"].tolist() == [str(i) for i in range(1, len(full_m) + 1)]
    assert (m["decision"] == full_m["decision"]).all()
    assert {"level_surname", "level_birth_date"} <= set(m.columns)


def test_provenance_records_inputs_settings_and_outputs(runs) -> None:
    kind, full, _red = runs
    prov = json.loads((full / "report.json").read_text(encoding="utf-8"))["provenance"]
    for role in ("list", "registry"):
        data = (FIX / kind / f"{role}.csv").read_bytes()
        assert prov[role]["sha256"] == hashlib.sha256(data).hexdigest() and prov[role]["bytes"] == len(data)
        assert prov[role]["rows"] == len(pd.read_csv(FIX / kind / f"{role}.csv", dtype=str))
    assert prov["engine"] == "local" and prov["seed"] == 0 and prov["settings"]["match_threshold"] == 0.9
    assert "quiet" not in prov["settings"]                      # how a run goes is not what it found
    for name in ("matches.csv", "model.json"):
        assert prov["outputs"][name] == hashlib.sha256((full / name).read_bytes()).hexdigest()
    html = (full / "report.html").read_text(encoding="utf-8")
    assert prov["list"]["sha256"] in html and prov["registry"]["sha256"] in html


def test_verify_says_whether_the_files_made_the_report(runs, tmp_path: Path) -> None:
    kind, full, _red = runs
    lst, reg = FIX / kind / "list.csv", FIX / kind / "registry.csv"
    ok = linker("verify", str(full), str(lst), str(reg))
    assert ok.returncode == 0 and "was made from these files" in ok.stdout, ok.stdout + ok.stderr
    changed = tmp_path / "list.csv"
    changed.write_bytes(lst.read_bytes().replace(b"\n2,", b"\n2 ,", 1))
    bad = linker("verify", str(full), str(changed), str(reg))
    assert bad.returncode == 1 and "DIFFERS  list:" in bad.stdout and "ok  registry:" in bad.stdout
    copy = tmp_path / "out"
    shutil.copytree(full, copy)
    (copy / "matches.csv").write_bytes((copy / "matches.csv").read_bytes() + b"\n")
    bad = linker("verify", str(copy), str(lst), str(reg))
    assert bad.returncode == 1 and "DIFFERS  matches.csv:" in bad.stdout
    missing = linker("verify", str(tmp_path / "nope"), str(lst), str(reg))
    assert missing.returncode == 2 and missing.stderr.startswith("Error: ") and "report.json: not found" in missing.stderr


@pytest.mark.browser
def test_redacted_report_opens_without_review(runs) -> None:
    from browser_support import launch, require_chromium
    sync_api = require_chromium()
    _kind, _full, red = runs
    with sync_api.sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((red / "report.html").as_uri())
        page.wait_for_selector("#entries-body tr.row")
        assert page.locator("#review-tools").is_hidden() and page.locator("#status").is_visible()
        page.locator("#entries-body tr.row").first.locator("button.expand").click()
        assert page.locator("[data-action=accept]").count() == 0
        assert page.locator(".waterfall").count() == 1
        assert "Redacted for publication" in page.content()
        assert errors == []
        browser.close()


@pytest.mark.browser
def test_values_the_comparison_found_equal_are_not_marked_as_different(runs) -> None:
    """22.6.93 / 22.06.1993 and 'войсковая часть 16559' / 'в/ч 16559' agree exactly once standardized."""
    from browser_support import launch, require_chromium
    sync_api = require_chromium()
    kind, full, _red = runs
    entries = to_dicts(json.loads((full / "report.json").read_text(encoding="utf-8"))["entries"])
    tops = {c["field"]: c["labels"][-1] for c in json.loads((full / "report.json").read_text(encoding="utf-8"))
            ["model"]["comparisons"]}
    first = entries[0]
    cand = first["candidates"][0]
    written_apart = [f for f, lv in cand["levels"].items() if lv == tops.get(f) and first["list"].get(f)
                     and first["list"][f] != cand["registry"].get(f)]
    if kind == "ru":
        assert {"birth_date", "unit"} <= set(written_apart)
    differing = [f for f, lv in cand["levels"].items() if lv not in (tops.get(f), "missing")]
    with sync_api.sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page()
        page.goto((full / "report.html").as_uri())
        page.wait_for_selector("#entries-body tr.row")
        row = page.locator("#entries-body tr.row").first
        for f in written_apart:
            assert row.locator(f'td[data-label="{f.replace("_", " ")}"] mark').count() == 0, f
        for f in differing:
            assert row.locator(f'td[data-label="{f.replace("_", " ")}"] mark').count() > 0, f
        browser.close()
