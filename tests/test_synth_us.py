"""Tests of linker.synthetic.us: the US-style registry, census and tax-form lists, and their truth."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from linker.synthetic.ru import csv_bytes
from linker.synthetic.us import REGISTRY_COLUMNS_US, census_names, nickname_table, synth_us


@pytest.fixture(scope="module")
def census():
    return synth_us(4000, 1500, form="census", seed=21)


@pytest.fixture(scope="module")
def tax():
    return synth_us(4000, 1500, form="tax", seed=22)


def test_registry_shape(census):
    reg, _, _ = census
    assert list(reg.columns) == REGISTRY_COLUMNS_US and len(reg) == 4000
    assert reg["id"].is_unique and reg["ssn"].is_unique
    assert reg["ssn"].str.fullmatch(r"\d{9}").all()
    assert reg["dob"].str.fullmatch(r"(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])").all()
    assert set(reg["sex"]) == {"M", "F"}


@pytest.mark.parametrize("form,header", [
    ("census", ["record_id", "first_name", "middle_initial", "last_name", "dob", "sex", "street_address",
                "city", "state", "zip"]),
    ("tax", ["record_id", "ssn", "first_name", "middle_initial", "last_name", "street_address", "city",
             "state", "zip"]),
], ids=["census", "tax"])
def test_list_headers_and_truth(form, header, census, tax):
    reg, lst, truth = census if form == "census" else tax
    assert list(lst.columns) == header and len(lst) == 1500
    assert list(truth.columns) == ["list_id", "registry_id", "damage", "kind"]
    assert truth["list_id"].tolist() == lst["record_id"].tolist()
    ids = set(reg["id"])
    assert truth.loc[truth.kind != "outsider", "registry_id"].isin(ids).all()
    assert truth.loc[truth.kind == "outsider", "registry_id"].eq("").all()
    assert 0.03 < truth.kind.eq("outsider").mean() < 0.2


def test_census_dates_month_first(census):
    _, lst, _ = census
    d = lst["dob"][lst["dob"] != ""]
    assert d.str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    assert (d.str[:2].astype(int) <= 12).all() and (d.str[3:5].astype(int) > 12).any()


def test_tax_forms_repeat_people_and_borrow_ssns(tax):
    reg, lst, truth = tax
    assert truth.kind.eq("duplicate").sum() > 150          # one person on several forms
    borrowed = truth[truth.damage.str.contains("ssn_borrowed")]
    assert len(borrowed) > 10
    ssn = lst.set_index("record_id")["ssn"].str.replace("-", "")
    owner = reg.set_index("ssn")["id"]
    got = ssn[borrowed.list_id].map(owner)
    # a borrowed number is someone else's: never the entry's own record
    assert (got.to_numpy() != borrowed.registry_id.to_numpy()).all()


def test_damage_kinds_present(census, tax):
    tokens = set(pd.concat([census[2].damage, tax[2].damage]).str.split(";").explode())
    for t in ("nickname", "placeholder_first", "typo_first", "ocr", "phonetic", "swap_names", "middle_in_first",
              "compound_surname", "dob_swap", "dob_digit", "ssn_digit", "ssn_borrowed", "sex_blank"):
        assert t in tokens, t


def test_compound_surnames_written_three_ways(census):
    reg, lst, truth = census
    t = truth[truth.damage.str.contains("compound_surname")]
    true_last = reg.set_index("id")["last_name"][t.registry_id[t.registry_id != ""]]
    written = lst.set_index("record_id")["last_name"].str.upper()[t.list_id[t.registry_id != ""]]
    forms = {"hyphen" if "-" in w else "second" if w == s.split()[-1] else "first" if w == s.split()[0]
             else "other" for w, s in zip(written, true_last)}
    assert {"hyphen", "first"} <= forms


def test_nicknames_from_the_public_table():
    nick = nickname_table()
    assert "BOB" in nick["ROBERT"] and "PEGGY" in nick["MARGARET"] and "BILL" in nick["WILLIAM"]


def test_census_frequencies():
    names, p = census_names("last")
    assert names[0] == "SMITH" and abs(p.sum() - 1) < 1e-9 and len(names) > 80000


@pytest.mark.parametrize("form", ["census", "tax"])
def test_deterministic_per_seed(form):
    a = synth_us(500, 200, form=form, seed=5)
    b = synth_us(500, 200, form=form, seed=5)
    c = synth_us(500, 200, form=form, seed=6)
    assert all(csv_bytes(x) == csv_bytes(y) for x, y in zip(a, b))
    assert csv_bytes(a[1]) != csv_bytes(c[1])


def test_damage_zero_is_clean():
    reg, lst, truth = synth_us(500, 200, seed=3, damage=0)
    t = truth[truth.registry_id != ""]
    r = reg.set_index("id").loc[t.registry_id]
    l = lst.set_index("record_id").loc[t.list_id]
    compound = r["last_name"].str.contains(" ").to_numpy()
    assert (l["first_name"].str.upper().to_numpy() == r["first_name"].to_numpy()).all()
    assert (l["last_name"].str.upper().to_numpy()[~compound] == r["last_name"].to_numpy()[~compound]).all()


@pytest.mark.parametrize("kw", [dict(form="w2"), dict(genuine=0.0), dict(damage=-1)], ids=["form", "genuine", "damage"])
def test_bad_arguments(kw):
    with pytest.raises(ValueError):
        synth_us(100, 10, **kw)


def test_cli_style_us(tmp_path):
    from click.testing import CliRunner

    from linker.cli import main

    r = CliRunner().invoke(main, ["synth", "--style", "us", "--form", "tax", "--registry", "300", "--list", "50",
                                  "--seed", "1", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    lst = pd.read_csv(tmp_path / "list.csv", dtype=str, keep_default_na=False)
    assert "ssn" in lst.columns and len(lst) == 50
    assert re.fullmatch(r"\d{3}-\d{2}-\d{4}|", lst["ssn"].iloc[0])
    assert np.array_equal(pd.read_csv(tmp_path / "truth.csv", dtype=str).list_id, lst.record_id)
