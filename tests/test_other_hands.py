"""What a second compiler's list does differently (issue 21): a rank inside the name cell, entries of
initials without a date."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linker import blocking
from linker.columns import Mapping
from linker.names import parse_full_name
from linker.report.entries import to_dicts
from linker.standardize import standardize


@pytest.mark.parametrize("text, expected", [
    ("гв.рядовой ЕРМОЛАЕВ Иван Петрович", ("ЕРМОЛАЕВ", "Иван", "Петрович")),
    ("гвардии старший сержант Гусейнов Эльвин Мамед оглы", ("Гусейнов", "Эльвин", "Мамед оглы")),
    ("мл. с-т Иванов Иван Иванович", ("Иванов", "Иван", "Иванович")),
    ("ст. л-т ПЕТРОВ Петр Петрович", ("ПЕТРОВ", "Петр", "Петрович")),
    ("ml. serzhant IVANOV Ivan Ivanovich", ("IVANOV", "Ivan", "Ivanovich")),
    ("starshiy leytenant ALEKSEYEV Aleksandr Aleksandrovich", ("ALEKSEYEV", "Aleksandr", "Aleksandrovich")),
    ("к-н Сидоров С.С.", ("Сидоров", "С", "С")),
    # not a rank before a name
    ("Капитан Иван Петрович", ("Капитан", "Иван", "Петрович")),        # the surname Капитан
    ("Младший Иванов Иванов", ("Младший", "Иванов", "Иванов")),         # a qualifier alone
    ("Иванов Иван Иванович Младший", ("Иванов", "Иван", "Иванович Младший")),
    ("рядовой Иванов", ("рядовой", "Иванов", "")),                      # one word left: kept as it was
], ids=lambda v: v if isinstance(v, str) else None)
def test_rank_in_the_name_cell_is_not_a_name(text, expected):
    assert parse_full_name(text) == expected


def test_vectorized_parse_strips_the_rank_too():
    df = pd.DataFrame({"ФИО": ["гв.рядовой ЕРМОЛАЕВ Иван Петрович", "Ермолаев Иван Петрович"]})
    std = standardize(df, Mapping((("full_name", "ФИО"),)))
    assert std["sn"].tolist() == ["ermolaev", "ermolaev"] and std["fn"].tolist() == ["ivan", "ivan"]


def _sides():
    lst = pd.DataFrame({"ФИО": ["Сахаров И.К.", "Ilichevskiy S.", "Сахаров Иван Кузьмич", "Сахаров И.К."],
                        "Дата": ["", "", "", "1990"]})
    reg = pd.DataFrame({"surname": ["Сахаров", "Сахаров", "Ильичевский", "Сахаров"],
                        "first_name": ["Иван", "Игорь", "Сергей", "Олег"],
                        "patronymic": ["Кузьмич", "Петрович", "Петрович", "Кузьмич"],
                        "birth_date": ["01.02.1990", "03.04.1985", "05.06.1970", "07.08.1991"]})
    sl = standardize(lst, Mapping((("full_name", "ФИО"), ("birth_date", "Дата"))))
    sr = standardize(reg, Mapping((("surname", "surname"), ("first_name", "first_name"),
                                   ("patronymic", "patronymic"), ("birth_date", "birth_date"))))
    return sl, sr


def test_initials_without_a_date_reach_their_candidates():
    sl, sr = _sides()
    rules = blocking.default_rules(sl, sr)
    names = [r.name for r in rules]
    assert "sn_stem+fn_init+pt_init+fn_is_init>any+no_by>any" in names
    res = blocking.block(sl, sr, rules, max_pairs=10_000, max_block=500)
    pairs = set(zip(res.left.tolist(), res.right.tolist()))
    assert (0, 0) in pairs                               # Сахаров И.К. -> Сахаров Иван Кузьмич
    assert (0, 1) not in pairs and (0, 3) not in pairs   # another patronymic / given-name initial
    assert (1, 2) in pairs                               # Ilichevskiy S. -> Ильичевский Сергей Петрович
    assert "sn_stem+fn_init+fn_is_init>any+no_pt_init>any+no_by>any" in names
    only = [r for r in rules if "fn_is_init>any" in r.name]
    got = blocking.block(sl, sr, only, max_pairs=10_000, max_block=500)
    # the rules hold only on initials-only entries without a birth year
    assert set(got.left.tolist()) == {0, 1}


def test_a_lone_initial_is_not_blocked_among_a_crowd_of_namesakes():
    """Surname + one initial, nothing else: blocked only where few registry people share them (INITIAL_BLOCK),
    whatever the run's own max_block; the pairs the rule proposes are the ones rule_hits says it proposes."""
    n = blocking.INITIAL_BLOCK
    lst = pd.DataFrame({"ФИО": ["Сахаров И.", "Ильичевский С."]})
    reg = pd.DataFrame({"surname": ["Сахаров"] * (n + 1) + ["Ильичевский"] * n,
                        "first_name": ["Иван"] * (n + 1) + ["Сергей"] * n,
                        "patronymic": [f"Петрович{'а' * k}" for k in range(2 * n + 1)]})
    sl = standardize(lst, Mapping((("full_name", "ФИО"),)))
    sr = standardize(reg, Mapping((("surname", "surname"), ("first_name", "first_name"), ("patronymic", "patronymic"))))
    rule = next(r for r in blocking.default_rules(sl, sr) if r.name.endswith("no_pt_init>any+no_by>any"))
    assert rule.max_block == n and rule.block_cap(500) == n and rule.block_cap(None) == n and rule.block_cap(5) == 5
    got = blocking.block(sl, sr, [rule], max_pairs=10_000, max_block=500)
    assert set(got.left.tolist()) == {1} and len(got.left) == n      # Сахаров И. among n + 1: left out
    hits = blocking.rule_hits(sl, sr, [rule], np.array([0, 1]), np.array([0, n + 1]), max_block=500)
    assert hits[:, 0].tolist() == [False, True]


@pytest.mark.parametrize("form, full", [
    ("Dmytro", "Дмитрий"), ("Yevhen", "Евгений"), ("Oleksandr", "Александр"), ("Serhii", "Сергей"),
    ("Ihor", "Игорь"), ("Oleh", "Олег"), ("Mykola", "Николай"), ("Dzmitry", "Дмитрий"), ("Siarhei", "Сергей"),
    ("Aliaksandr", "Александр"), ("Uladzimir", "Владимир"), ("Sasha", "Александр"),
])
def test_ukrainian_and_belarusian_given_names_key_to_the_russian_name(form, full):
    from linker.names import canonical_given, name_key
    assert canonical_given(name_key(form)) == canonical_given(name_key(full))


def _keys(names: list[str]) -> list[str]:
    std = standardize(pd.DataFrame({"ФИО": names}), Mapping((("full_name", "ФИО"),)))
    return std["sn_stem"].tolist()


def _given(names: list[str]) -> list[str]:
    return standardize(pd.DataFrame({"ФИО": names}), Mapping((("full_name", "ФИО"),)))["fn_canon"].tolist()


def test_lone_h_is_g_where_the_side_writes_the_national_schemes():
    ukrainian = ["Hlukhov Oleh Vasylevych", "Kovalskyi Ihor Petrovych", "Hnatiuk Serhii Ivanovych",
                 "Havrilov I.V.", "Shchukin Mykola Hryhorovych"]
    keys = _keys(ukrainian)
    assert keys[0] == _keys(["Глухов Олег Васильевич"])[0]
    assert keys[3] == _keys(["Гаврилов Игорь Викторович"])[0]      # an initials row of that side too
    assert keys[4] == _keys(["Щукин Николай Григорьевич"])[0]       # shch, kh, zh, ch are not lone
    # a side in the Russian schemes keeps h as х (press forms of Turkic names: Hasanov = Хасанов)
    # a given name not listed in its national form reads its h as г where only that is a known given name
    assert _given(ukrainian + ["Arkhipov Herman Ivanovych", "Aliiev Hasan Ivanovych"])[-2:] == \
        _given(["Архипов Герман Иванович", "Алиев Хасан Иванович"])
    russian = ["Hasanov Ahmed Rustamovich", "Ivanov Ivan Ivanovich", "Petrov Petr Petrovich", "Hlukhov Ivan Petrovich"]
    assert _keys(russian)[0] == _keys(["Хасанов Ахмед Рустамович"])[0]
    assert _keys(russian)[3] != keys[0]


def test_initials_are_not_repaired_as_keyboard_layout():
    from linker.names import repair_layout
    assert repair_layout("Guseynov N.R.") == "Guseynov N.R."
    assert repair_layout("Bdfyjd Cthutq") == "Иванов Сергей"


def test_two_full_dates_years_apart_are_far_apart():
    from linker import compare as cmp
    from linker.model import ANCHORS
    m = Mapping((("surname", "s"), ("birth_date", "d")))
    left = standardize(pd.DataFrame({"s": ["Иванов"] * 5, "d": ["21.04.79", "03.11.1977", "21.04.1979", "1979", ""]}), m)
    right = standardize(pd.DataFrame({"s": ["Иванов"], "d": ["05.12.1976"]}), m)
    g = cmp.compare(cmp.encode(left, right), np.arange(5), np.zeros(5, int), workers=1)["gamma_birth_date"]
    labels = cmp.COMPARISONS["birth_date"].labels
    assert [labels[v] if v >= 0 else "missing" for v in g] == [
        "far apart", "else", "far apart", "else", "missing"]   # a year alone is not a full date
    prior = ANCHORS["birth_date"][0]
    assert len(prior) == len(labels) and prior[0] < prior[1]    # rarer for a true match than any damage


def test_whole_name_weight_follows_the_registry_frequency(tmp_path):
    """The only person in the registry with a full name: the name weighs about log2(N) bits, whatever the
    rarity of its parts (rare parts used to lower it); a name shared by k people weighs less.
    (The namesake entry competes with k candidates; its best weighs about log2(N / k).)"""
    import json
    import math

    from click.testing import CliRunner

    from linker.cli import main
    from linker.synthetic.hands import synth_hands

    reg, lst, _ = synth_hands(3000, 300, seed=5)
    full = reg["Фамилия"] + " " + reg["Имя"] + " " + reg["Отчество"]
    counts = full.map(full.value_counts())
    rarity = sum(reg[c].map(reg[c].value_counts()) for c in ("Фамилия", "Имя", "Отчество"))
    unique = reg.loc[rarity[counts == 1].idxmin()]          # the rarest parts: where the weight was lost
    shared_name = full[counts >= 2].iloc[0]
    extra = pd.DataFrame({"№": ["9001", "9002"], "ФИО военнослужащего": [
        f"{unique['Фамилия']} {unique['Имя']} {unique['Отчество']}", shared_name]})
    lst = pd.concat([lst, extra], ignore_index=True).fillna("")
    lst.to_csv(tmp_path / "list.csv", index=False)
    reg.to_csv(tmp_path / "registry.csv", index=False)
    res = CliRunner().invoke(main, ["match", str(tmp_path / "list.csv"), str(tmp_path / "registry.csv"),
                                    "--out", str(tmp_path / "out"), "-q"])
    assert res.exit_code == 0, res.output
    entries = {e["list_id"]: e for e in to_dicts(json.loads((tmp_path / "out" / "report.json").read_text())["entries"])}

    def name_bits(entry) -> float:
        w = entry["candidates"][0]["weights"]
        return w["surname"] + w["first_name"] + w["patronymic"] + w["term_frequency"]

    n = len(reg)
    assert name_bits(entries["9001"]) > math.log2(n) - 2
    assert name_bits(entries["9002"]) <= name_bits(entries["9001"]) - 0.9      # log2(2) less
