"""Reviewers' labels: merged by entry, disagreements listed, agreement as Cohen's kappa, line numbers kept."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from linker.cli import main
from linker.errors import InputError
from linker.labels import cohen_kappa, read_labels

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ru"


@pytest.mark.parametrize("a,b,expected", [
    (["x", "y", "x", "y"], ["x", "y", "x", "y"], 1.0),
    (["x", "x", "y", "y"], ["x", "y", "x", "y"], 0.0),
    (["x", "x", "x", "y"], ["x", "x", "y", "y"], 0.5),   # po 0.75, pe 0.5
    ([], [], None),
    (["x", "x"], ["x", "x"], 1.0),                       # one category only: perfect agreement
], ids=["same", "chance", "half", "empty", "one-category"])
def test_cohen_kappa(a, b, expected) -> None:
    assert cohen_kappa(a, b) == expected


def _write(path: Path, rows: list[str], header: str = "list_id,registry_id,label,reviewer,decided_at,note") -> str:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_two_reviewers_merge_and_disagreements_stand_down(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.csv", ["1,R1,match,Ann,2026-12-01T10:00:00Z,", "2,,no_match,Ann,2026-12-01T10:01:00Z,odd",
                                    "3,R3,match,Ann,2026-12-01T10:02:00Z,", "5,R5,match,Ann,2026-12-01T10:03:00Z,"])
    b = _write(tmp_path / "b.csv", ["1,R1,match,Bob,2026-12-02T09:00:00Z,", "2,R2,match,Bob,2026-12-02T09:01:00Z,same",
                                    "3,R9,match,Bob,2026-12-02T09:02:00Z,", "4,,no_match,Bob,2026-12-02T09:03:00Z,"])
    labels, trail = read_labels([a, b])
    assert sorted(labels["list_id"]) == ["1", "4", "5"]            # 2 and 3 disagree: no decision stands
    assert [d["list_id"] for d in trail.disagreements] == ["2", "3"]
    assert trail.agreement == ({"a": a, "b": b, "both": 3, "agree": 1, "kappa": cohen_kappa(
        ["match:R1", "no_match", "match:R3"], ["match:R1", "match:R2", "match:R9"])},)
    assert len(trail.decisions) == 8 and {d["reviewer"] for d in trail.decisions} == {"Ann", "Bob"}
    assert trail.to_dict(redacted=True)["decisions"] == 8


def test_old_labels_without_trail_columns_name_the_file(tmp_path: Path) -> None:
    a = _write(tmp_path / "old.csv", ["1,R1,match"], header="list_id,registry_id,label")
    labels, trail = read_labels(a)
    assert labels.loc[0, "reviewer"] == "old.csv" and labels.loc[0, "_where"] == f"{a}:line 2"


def test_a_bad_label_is_named_by_its_file_and_line(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.csv", ["1,,no_match,Ann,,"])
    bad = _write(tmp_path / "bad.csv", ["2,,no_match,Bob,,", "\"3\",,maybe,Bob,,"])
    res = CliRunner().invoke(main, ["match", str(FIX / "list.csv"), str(FIX / "registry.csv"), "--out",
                                    str(tmp_path / "o"), "-q", "--labels", good, "--labels", bad])
    assert res.exit_code == 2
    assert f"Error: {bad}:line 3: label 'maybe' is neither match nor no_match; fix the label" in res.output
    with pytest.raises(InputError, match="missing column"):
        read_labels(_write(tmp_path / "x.csv", ["1"], header="list_id"))


def test_rerun_with_two_reviewers_reports_their_agreement(tmp_path: Path) -> None:
    first = tmp_path / "run1"
    assert CliRunner().invoke(main, ["match", str(FIX / "list.csv"), str(FIX / "registry.csv"), "--out", str(first),
                                     "-q"]).exit_code == 0
    m = pd.read_csv(first / "matches.csv", dtype=str, keep_default_na=False)
    hit = m[m["decision"] == "match"].head(3)
    rows = [f"{r.list_id},{r.registry_id},match" for r in hit.itertuples()]
    a = _write(tmp_path / "a.csv", [x + ",Ann,2026-12-01T10:00:00Z," for x in rows])
    b = _write(tmp_path / "b.csv", [x + ",Bob,2026-12-01T11:00:00Z," for x in rows[:2]]
               + [f"{hit.iloc[2].list_id},,no_match,Bob,2026-12-01T11:05:00Z,not him"])
    res = CliRunner().invoke(main, ["match", str(FIX / "list.csv"), str(FIX / "registry.csv"), "--out",
                                    str(tmp_path / "run2"), "-q", "--labels", a, "--labels", b])
    assert res.exit_code == 0, res.output
    rep = json.loads((tmp_path / "run2" / "report.json").read_text(encoding="utf-8"))
    trail = rep["review_trail"]
    assert trail["agreement"][0]["both"] == 3 and trail["agreement"][0]["agree"] == 2
    assert [d["list_id"] for d in trail["disagreements"]] == [hit.iloc[2].list_id]
    assert rep["counts"]["labelled"] == 2
    html = (tmp_path / "run2" / "report.html").read_text(encoding="utf-8")
    assert "Cohen" in html and "not him" in html
