"""Tests of linker.synthetic.ru: the synthetic registry, the damaged list and its truth."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linker.synthetic.ru import REGISTRY_COLUMNS, csv_bytes, synth, write_synth
from linker.synthetic.damage import RANKS, format_dates, layout, promote
from linker.synthetic.lists import CYRILLIC_ONLY, DAMAGE_RATES, LATIN_ONLY
from linker.synthetic.names import (feminine_surname, masculine_surname, name_tables, opposite_gender_surname,
                                patronymic)

CYRILLIC = re.compile("[\u0400-\u04FF]")


@pytest.fixture(scope="module")
def ru():
    return synth(3000, 2000, seed=11)


@pytest.fixture(scope="module")
def lat():
    return synth(3000, 2000, seed=12, latin=True)


@pytest.mark.parametrize("father,male,female", [
    ("Иван", "Иванович", "Ивановна"), ("Илья", "Ильич", "Ильинична"), ("Никита", "Никитич", "Никитична"),
    ("Лука", "Лукич", "Лукинична"), ("Фома", "Фомич", "Фоминична"), ("Кузьма", "Кузьмич", "Кузьминична"),
    ("Юрий", "Юрьевич", "Юрьевна"), ("Василий", "Васильевич", "Васильевна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"), ("Сергей", "Сергеевич", "Сергеевна"),
    ("Алексей", "Алексеевич", "Алексеевна"), ("Николай", "Николаевич", "Николаевна"),
    ("Лев", "Львович", "Львовна"), ("Павел", "Павлович", "Павловна"), ("Пётр", "Петрович", "Петровна"),
    ("Игорь", "Игоревич", "Игоревна"), ("Михаил", "Михайлович", "Михайловна"),
    ("Яков", "Яковлевич", "Яковлевна"), ("Муса", "Мусаевич", "Мусаевна"), ("", "", ""),
], ids=lambda v: v or "empty")
def test_patronymic_rules(father, male, female):
    assert patronymic(father) == male
    assert patronymic(father, female=True) == female


@pytest.mark.parametrize("male,female", [
    ("Иванов", "Иванова"), ("Соловьёв", "Соловьёва"), ("Ильин", "Ильина"), ("Ковальский", "Ковальская"),
    ("Рудой", "Рудая"), ("Задорожный", "Задорожная"), ("Шевченко", "Шевченко"), ("Белых", "Белых"), ("Ким", "Ким"),
    ("Петросян", "Петросян"), ("Ковальчук", "Ковальчук"),
], ids=lambda v: v)
def test_surname_gender(male, female):
    assert feminine_surname(male) == female
    assert masculine_surname(female) == male
    if male != female:
        assert opposite_gender_surname(male) == female and opposite_gender_surname(female) == male


def test_surname_gender_round_trip_over_the_table():
    from linker.synthetic.names import _known_surnames
    bad = [s for s in _known_surnames() if masculine_surname(feminine_surname(s)) != s]
    assert bad == []
    assert feminine_surname("Завгородний") == "Завгородняя" and masculine_surname("Донская") == "Донской"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(set(name_tables().fathers["ru"][0]) | set(name_tables().fathers["tat"][0])
                                | set(name_tables().fathers["cauc"][0]))))
def test_patronymic_has_a_proper_suffix(father):
    m, f = patronymic(father), patronymic(father, female=True)
    assert m.endswith(("ович", "евич", "ич")) and f.endswith(("овна", "евна", "ична", "инична"))
    assert m[0] == father[0] and f[0] == father[0] and " " not in m


def test_data_tables_are_large_enough():
    t = name_tables()
    surnames = set().union(*(set(names) for names, _ in t.surnames.values()))
    given = set().union(*(set(names) for names, _ in t.given.values()))
    assert len(surnames) >= 1500
    assert len(given) >= 150
    for names, p in list(t.surnames.values()) + list(t.given.values()):
        assert np.isclose(p.sum(), 1.0) and (p > 0).all()
    assert {"Шевченко", "Хабибуллин", "Магомедов", "Мамедов", "Рахимов"} <= surnames
    assert {"Рустам", "Магомед", "Алишер", "Ильдар"} <= given


def test_registry_shape_and_formats(ru):
    reg, _, _ = ru
    assert list(reg.columns) == REGISTRY_COLUMNS
    assert len(reg) == 3000
    assert reg["id"].is_unique and reg["id"].iloc[0] == "R0000001"
    assert reg["personal_number"].is_unique
    assert reg["personal_number"].str.fullmatch(r"[А-Я]{1,2}-\d{6}").all()
    assert reg["unit"].str.fullmatch(r"в/ч \d{5}").all() and reg["unit"].nunique() <= 36
    assert reg["rank"].isin(RANKS).all()
    assert (reg["rank"].isin(["рядовой", "ефрейтор", "младший сержант", "сержант", "старший сержант"]).mean()
            > 0.75)
    assert reg["category"].isin(["по контракту", "мобилизованный", "по призыву"]).all()
    dates = pd.to_datetime(reg["birth_date"], format="%d.%m.%Y")
    age = (pd.Timestamp("2022-07-01") - dates).dt.days / 365.25
    assert age.between(18, 56).all()
    women = reg["patronymic"].str.endswith(("вна", "чна", "кызы"))
    assert 0.005 < women.mean() < 0.06


def test_namesakes_occur_in_registry():
    reg, _, _ = synth(20_000, 10, seed=3)
    full = reg["surname"] + " " + reg["first_name"] + " " + reg["patronymic"]
    assert full.duplicated().sum() > 100
    heavy, _, _ = synth(20_000, 10, seed=3, heavy_namesakes=True)
    full_h = heavy["surname"] + " " + heavy["first_name"] + " " + heavy["patronymic"]
    assert full_h.duplicated().sum() > 3 * full.duplicated().sum()
    years = heavy["birth_date"].str[-4:].astype(int)
    same_year = pd.DataFrame({"n": full_h, "y": years}).duplicated().sum()
    assert same_year > 500


@pytest.mark.parametrize("genuine,duplicates", [(0.9, 0.03), (0.5, 0.0), (0.0, 0.03), (1.0, 0.1)],
                         ids=["default", "half", "fabricated", "all-genuine"])
def test_truth_consistency_and_shares(genuine, duplicates):
    reg, lst, truth = synth(2000, 400, seed=5, genuine=genuine, duplicates=duplicates)
    assert len(lst) == len(truth) == 400
    assert lst.iloc[:, 0].tolist() == [str(i) for i in range(1, 401)]
    assert truth["list_id"].tolist() == lst.iloc[:, 0].tolist()
    ids = truth["registry_id"]
    in_reg = ids != ""
    assert ids[in_reg].isin(reg["id"]).all()
    assert in_reg.sum() == round(genuine * 400)
    dup = truth["kind"] == "duplicate"
    assert dup.sum() == min(round(duplicates * 400), round(genuine * 400) // 2)
    # a duplicate listing points to a person listed once more as genuine; genuine people appear once
    assert ids[dup].isin(ids[truth["kind"] == "genuine"]).all()
    assert ids[truth["kind"] == "genuine"].is_unique
    assert (truth.loc[~in_reg, "kind"].isin(["namesake", "invented"])).all()


def test_list_namesakes_copy_registry_names(ru):
    reg, lst, truth = synth(3000, 1000, seed=4, genuine=0.2, namesakes=0.5, damage=0.0)
    full = set(reg["surname"] + " " + reg["first_name"] + " " + reg["patronymic"])
    ns = truth["kind"] == "namesake"
    assert ns.sum() == round(0.5 * 800)
    if "Фамилия" in lst.columns:
        names = lst["Фамилия"] + " " + lst["Имя"] + " " + lst["Отчество"]
    else:
        names = lst.iloc[:, 1]
    assert names[ns].isin(full).all()


def test_damage_zero_gives_registry_values():
    reg, lst, truth = synth(1000, 300, seed=8, genuine=1.0, duplicates=0.0, damage=0.0)
    assert (truth["damage"] == "").all()
    merged = truth.merge(reg, left_on="registry_id", right_on="id")
    dates = lst.filter(regex="Дата").iloc[:, 0]
    assert (dates.to_numpy() == merged["birth_date"].to_numpy()).all()


@pytest.mark.parametrize("kind", sorted(set(DAMAGE_RATES) - set(LATIN_ONLY)))
def test_every_damage_kind_occurs_cyrillic(ru, kind):
    tokens = ru[2]["damage"].str.split(";").explode()
    assert (tokens == kind).sum() > 0


@pytest.mark.parametrize("kind", sorted(set(DAMAGE_RATES) - set(CYRILLIC_ONLY)))
def test_every_damage_kind_occurs_latin(lat, kind):
    tokens = lat[2]["damage"].str.split(";").explode()
    assert (tokens == kind).sum() > 0


def test_latin_list_has_no_cyrillic_and_mixes_schemes(lat):
    _, lst, truth = lat
    assert not lst.apply(lambda c: c.str.contains(CYRILLIC).any()).any()
    assert not any(CYRILLIC.search(h) for h in lst.columns)
    schemes = truth["damage"].str.extract(r"(translit_\w+)")[0]
    assert schemes.nunique() == 8


def test_cyrillic_list_headers(ru):
    cols = list(ru[1].columns)
    assert cols[0] == "№"
    assert any(c in cols for c in ("ФИО", "Ф.И.О.", "Фамилия Имя Отчество", "Фамилия"))


def test_damage_rates_are_realistic(ru):
    truth = ru[2]
    tokens = truth["damage"].str.split(";").explode()
    share = tokens.value_counts() / len(truth)
    assert 0.2 < share["missing_number"] < 0.4
    assert share["typo"] < 0.15 and share["layout"] < 0.05


def test_deterministic_bytes(tmp_path):
    for run in ("a", "b"):
        write_synth(tmp_path / run, *synth(500, 200, seed=9, latin=True))
    for name in ("registry.csv", "list.csv", "truth.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    other = tmp_path / "c"
    write_synth(other, *synth(500, 200, seed=10, latin=True))
    assert (other / "list.csv").read_bytes() != (tmp_path / "a" / "list.csv").read_bytes()


@pytest.mark.parametrize("kwargs,message", [
    ({"genuine": 1.5}, "genuine=1.5"), ({"damage": -1}, "damage=-1"), ({"registry": 0}, "registry=0"),
    ({"registry": 10, "list_size": 100}, "87 distinct genuine entries asked of a registry of 10"),
], ids=["share", "damage", "empty-registry", "registry-too-small"])
def test_bad_arguments(kwargs, message):
    args = {"registry": 100, "list_size": 10} | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        synth(args.pop("registry"), args.pop("list_size"), **args)


def test_layout_and_promotion():
    assert layout("Иванов") == "Bdfyjd"
    assert layout("Сергей") == "Cthutq"
    assert RANKS[promote(RANKS.index("сержант"), 2)] == "старшина"
    assert RANKS[promote(RANKS.index("старшина"), 1)] == "старшина"      # no jump into warrant officers
    assert RANKS[promote(RANKS.index("капитан"), 1)] == "майор"


@settings(max_examples=50, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1960-01-01").date(), max_value=pd.Timestamp("2010-12-31").date()))
def test_format_dates_round_trip(d):
    y, m, dd = np.array([d.year]), np.array([d.month]), np.array([d.day])
    for code, fmt in (("dmy", "%d.%m.%Y"), ("iso", "%Y-%m-%d"), ("slash", "%d/%m/%Y")):
        assert pd.to_datetime(format_dates(y, m, dd, np.array([code]))[0], format=fmt).date() == d


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"a": ["1", "x"], "b": ["", "y z"]}),
    pd.DataFrame({"a": ["1", "x,y"], "b": ['say "hi"', ""]}),
    pd.DataFrame({"a": [], "b": []}, dtype=object),
    pd.DataFrame({"only": ["", "v"]}),
    pd.DataFrame({"a,b": ["1"], "c": ["2"]}),
], ids=["plain", "needs-quotes", "empty", "one-column", "comma-in-header"])
def test_csv_bytes_equals_pandas(frame):
    assert csv_bytes(frame) == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def test_csv_bytes_equals_pandas_on_synth(lat):
    for df in lat:
        assert csv_bytes(df) == df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def test_empty_list():
    reg, lst, truth = synth(10, 0, seed=1)
    assert len(reg) == 10 and len(lst) == 0 and list(truth.columns) == ["list_id", "registry_id", "damage", "kind"]
