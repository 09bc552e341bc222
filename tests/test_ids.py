"""Ids are never silently replaced: id headers a person would recognise are taken, and a fallback to row
numbers is said on stderr (even with --quiet), in the printed mapping, report.json and the HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from linker.cli import main
from linker.columns import detect_fields

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ru"


@pytest.mark.parametrize("header", [
    "Код", "код", "Код сотрудника", "Табельный номер", "Таб. №", "Идентификатор записи", "ID", "Id", "uid",
    "UUID", "record_id", "person_id", "key", "KEY", "Employee ID", "Staff code",
])
def test_id_headers_recognised(header):
    assert detect_fields([header, "ФИО", "Дата рождения"], (), path="x").get("id") == header


@pytest.mark.parametrize("header", ["Код подразделения", "zip code", "Личный номер", "Категория"])
def test_other_headers_are_not_ids(header):
    assert detect_fields([header, "ФИО"], (), path="x").get("id") is None


def _run(tmp_path: Path, registry: pd.DataFrame, *extra: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    reg = tmp_path / "registry.csv"
    registry.to_csv(reg, index=False)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["match", str(FIX / "list.csv"), str(reg), "--out", str(out), "-q", *extra])
    assert res.exit_code == 0, res.output
    matches = pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False)
    return res, matches, json.loads((out / "report.json").read_text(encoding="utf-8")), \
        (out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return pd.read_csv(FIX / "registry.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def truth() -> dict[str, str]:
    t = pd.read_csv(FIX / "truth.csv", dtype=str, keep_default_na=False)
    return dict(zip(t["list_id"], t["registry_id"]))


def _confirmed_right(matches: pd.DataFrame, truth: dict[str, str]) -> float:
    m = matches[matches["decision"] == "match"]
    return float((m["registry_id"] == m["list_id"].map(truth)).mean())


def test_kod_column_is_the_id(tmp_path, registry, truth):
    res, matches, rep, _ = _run(tmp_path, registry.rename(columns={"id": "Код"}))
    assert rep["mapping"]["registry"]["id"] == "Код"
    assert rep["warnings"] == [] and "Warning" not in res.stderr
    assert (matches["decision"] == "match").sum() > 200
    assert _confirmed_right(matches, truth) > 0.99          # the registry's own codes, not row numbers


def test_no_id_column_says_row_numbers_even_quiet(tmp_path, registry, truth):
    reg = registry.drop(columns=["id"])
    res, matches, rep, html = _run(tmp_path, reg)
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("Warning:")]
    assert len(lines) == 1
    assert "registry.csv: no id column recognised, so its ids are the 1-based row numbers" in lines[0]
    assert "--registry-id" in lines[0]
    assert rep["mapping"]["registry"]["id"] == "(row number)"
    assert rep["warnings"] and "row numbers" in rep["warnings"][0]
    assert "Ids:</strong>" in html and "(row number)" in html
    m = matches[matches["decision"] == "match"]
    assert len(m) > 200
    # a 1-based row number, and the row it names is the confirmed person
    rows = m["registry_id"].astype(int).to_numpy() - 1
    assert ((registry["id"].to_numpy()[rows] == m["list_id"].map(truth).to_numpy()).mean()) > 0.99


def test_unique_code_column_offered(tmp_path, registry, truth):
    reg = registry.rename(columns={"id": "ref"})
    res, matches, rep, _ = _run(tmp_path, reg)
    assert "column 'ref' holds unique codes: pass --registry-id 'ref'" in res.stderr
    assert rep["mapping"]["registry"]["id"] == "(row number)"
    res2, matches2, rep2, _ = _run(tmp_path / "again", reg, "--registry-id", "ref")
    assert "Warning" not in res2.stderr and rep2["warnings"] == []
    assert _confirmed_right(matches2, truth) > 0.99
    # the same decisions either way; only the meaning of the id differs
    assert (matches["decision"] == matches2["decision"]).all()
    m = matches["decision"] == "match"
    assert (reg["ref"].to_numpy()[matches.loc[m, "registry_id"].astype(int) - 1]
            == matches2.loc[m, "registry_id"].to_numpy()).all()
