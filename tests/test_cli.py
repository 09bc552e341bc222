"""End-to-end through the `linker` command on the committed fixtures, and its error contract."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from linker.cli import main
from linker.evaluation import evaluate, read_truth
from linker.report.entries import to_dicts

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "linker.cli", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module", params=["ru", "latin"])
def matched(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param) / "report"
    d = FIX / request.param
    res = CliRunner().invoke(main, ["match", str(d / "list.csv"), str(d / "registry.csv"), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    return request.param, out


def test_match_reaches_f1_floor(matched):
    kind, out = matched
    ev = evaluate(pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False),
                  read_truth(FIX / kind / "truth.csv"))
    assert ev.precision >= 0.98 and ev.f1 >= 0.95, ev


def test_every_list_row_once_in_order(matched):
    kind, out = matched
    lst = pd.read_csv(FIX / kind / "list.csv", dtype=str, keep_default_na=False)
    m = pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False)
    assert len(m) == len(lst)
    assert m["list_id"].tolist() == lst.iloc[:, 0].str.strip().tolist()
    assert set(m["decision"]) <= {"match", "review", "no_match"}
    for col in ("list_id", "registry_id", "decision", "match_probability", "match_weight", "runner_up_id",
                "runner_up_probability", "flags"):
        assert col in m.columns


def test_report_json_counts_agree_with_matches(matched):
    _kind, out = matched
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    m = pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False)
    assert rep["counts"]["match"] == int((m["decision"] == "match").sum())
    assert rep["counts"]["total"] == len(m) == len(to_dicts(rep["entries"]))
    assert rep["mapping"]["list"] and rep["blocking"]["rules"] and rep["model"]["comparisons"]
    assert (out / "report.html").is_file() and (out / "model.json").is_file()


def test_same_seed_same_bytes(tmp_path):
    d = FIX / "ru"
    outs = []
    for k in range(2):
        out = tmp_path / f"o{k}"
        res = CliRunner().invoke(main, ["match", str(d / "list.csv"), str(d / "registry.csv"), "--out", str(out),
                                        "-q", "--seed", "3"])
        assert res.exit_code == 0, res.output
        outs.append(out)
    for name in ("matches.csv", "report.json", "report.html", "model.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_saved_model_scores_again(matched, tmp_path):
    kind, out = matched
    d = FIX / kind
    res = CliRunner().invoke(main, ["match", str(d / "list.csv"), str(d / "registry.csv"), "--out",
                                    str(tmp_path / "again"), "-q", "--model", str(out / "model.json")])
    assert res.exit_code == 0, res.output
    a = pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(tmp_path / "again" / "matches.csv", dtype=str, keep_default_na=False)
    assert (a["decision"] == b["decision"]).mean() > 0.99


def test_labels_win(matched, tmp_path):
    kind, out = matched
    d = FIX / kind
    m = pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False)
    matched_row = m[m["decision"] == "match"].iloc[0]
    labels = tmp_path / "labels.csv"
    labels.write_text(f"list_id,registry_id,label\n{matched_row['list_id']},{matched_row['registry_id']},no_match\n",
                      encoding="utf-8")
    res = CliRunner().invoke(main, ["match", str(d / "list.csv"), str(d / "registry.csv"), "--out",
                                    str(tmp_path / "lab"), "-q", "--labels", str(labels)])
    assert res.exit_code == 0, res.output
    again = pd.read_csv(tmp_path / "lab" / "matches.csv", dtype=str, keep_default_na=False)
    row = again[again["list_id"] == matched_row["list_id"]].iloc[0]
    assert row["registry_id"] != matched_row["registry_id"] or row["decision"] != "match"
    assert row["labelled"] == "yes"


@pytest.mark.parametrize("args, message", [
    (["match", "nope.csv", "fixtures/ru/registry.csv", "--out", "{tmp}/o"],
     "Error: nope.csv: file not found; check the path"),
    (["match", "{tmp}/bad.csv", "fixtures/ru/registry.csv", "--out", "{tmp}/o"],
     "Error: {tmp}/bad.csv: no name column found (headers seen: code, amount); "
     "name one with --map surname=COLUMN or --map full_name=COLUMN"),
    (["match", "fixtures/ru/list.csv", "fixtures/ru/list.csv", "--out", "{tmp}/o"],
     "Error: fixtures/ru/list.csv: the same file is given as the list and the registry; "
     "give two different files, or use `linker dedupe` to find duplicates within one file"),
    (["match", "fixtures/ru/list.csv", "fixtures/ru/registry.csv", "--out", "{tmp}/o", "--map", "surname=Nope"],
     "Error: fixtures/ru/list.csv: --map surname=Nope: no column 'Nope'; columns are: "),
    (["match", "fixtures/ru/list.csv", "fixtures/ru/registry.csv", "--out", "{tmp}/o", "--match-threshold", "1.5"],
     "Error: match-threshold: 1.5 is not a probability; give a value between 0 and 1"),
], ids=["missing-file", "no-name-column", "same-file", "bad-map", "bad-threshold"])
def test_cli_errors(tmp_path, args, message):
    (tmp_path / "bad.csv").write_text("code,amount\n1,2\n", encoding="utf-8")
    res = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert res.returncode == 2, res.stderr
    line = res.stderr.strip().splitlines()
    assert len(line) == 1, res.stderr
    assert line[0].startswith(message.replace("{tmp}", str(tmp_path))), line[0]
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists()


# Output directories (--force, inputs, interruption, locks): tests/test_outdir.py


def test_tune_estimates_and_measures(matched, tmp_path):
    import shutil
    kind, out = matched
    d = tmp_path / "copy"
    shutil.copytree(out, d)
    est = CliRunner().invoke(main, ["tune", str(d), "--json"])
    assert est.exit_code == 0, est.output
    rows = json.loads(est.stdout)["rows"]
    assert all("precision" not in r for r in rows)
    res = CliRunner().invoke(main, ["tune", str(d), "--truth", str(FIX / kind / "truth.csv"), "--json"])
    assert res.exit_code == 0, res.output
    measured = json.loads(res.stdout)
    at = {r["threshold"]: r for r in measured["rows"]}
    # the label-free estimate is honest: within 2 points of the measured precision at the default
    assert abs(at[0.9]["est_precision"] - at[0.9]["precision"]) <= 0.02
    curve = json.loads((d / "report.json").read_text(encoding="utf-8"))["threshold_curve"]
    assert all(p["precision"] is not None for p in curve)


def test_config_file_sets_mapping_rules_and_thresholds(tmp_path):
    cfg = tmp_path / "linker.toml"
    cfg.write_text('match_threshold = 0.95\nreview_threshold = 0.2\n[list.map]\nfull_name = "Ф.И.О."\n'
                   '[blocking]\nrules = [["sn_stem", "fn_canon"], ["pnum_d"], ["dob", "sn_init"]]\nmax_block = 200\n',
                   encoding="utf-8")
    out = tmp_path / "o"
    res = CliRunner().invoke(main, ["match", str(FIX / "ru" / "list.csv"), str(FIX / "ru" / "registry.csv"),
                                    "--out", str(out), "-q", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert rep["thresholds"] == {"match": 0.95, "review": 0.2}
    assert [r["name"] for r in rep["blocking"]["rules"]] == ["sn_stem+fn_canon", "pnum_d", "dob+sn_init"]
    assert rep["mapping"]["list"]["full_name"] == "Ф.И.О."
    bad = tmp_path / "bad.toml"
    bad.write_text("[blocking]\nrules = [[\"surname\"]]\n", encoding="utf-8")
    res = run("match", str(FIX / "ru" / "list.csv"), str(FIX / "ru" / "registry.csv"), "--out", str(tmp_path / "b"),
              "--config", str(bad))
    assert res.returncode == 2 and res.stderr.startswith("Error: blocking rule ['surname']: unknown key 'surname'")
