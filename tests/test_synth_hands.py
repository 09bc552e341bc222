"""`linker synth --style hands`: a second compiler's roster (other headers, name orders, romanizations)."""

from __future__ import annotations

from linker.synthetic.hands import REGISTRY_HEADERS, _romanize, synth_hands


def test_headers_ids_and_truth():
    reg, lst, truth = synth_hands(2000, 200, seed=3)
    assert list(reg.columns) == REGISTRY_HEADERS
    assert reg["Код"].is_unique and not (reg["Код"] == [str(i + 1) for i in range(len(reg))]).any()
    assert list(lst.columns)[:2] == ["№", "ФИО военнослужащего"]
    gen = truth[truth["kind"] == "genuine"]
    assert len(gen) == 180 and set(gen["registry_id"]) <= set(reg["Код"])
    assert (truth.loc[truth["kind"] != "genuine", "registry_id"] == "").all()
    assert {"gps", "initials", "rank", "exact_unit"} <= set(gen["form"])
    rank_cells = lst.loc[truth["form"].eq("rank").to_numpy(), "ФИО военнослужащего"]
    assert rank_cells.str.contains("рядовой|сержант|ефрейтор|лейтенант|капитан|майор|полковник|прапорщик|старшина").all()


def test_same_seed_same_roster():
    a = synth_hands(500, 50, seed=7, latin=True)
    b = synth_hands(500, 50, seed=7, latin=True)
    assert all(x.equals(y) for x, y in zip(a, b))
    assert not a[1].equals(synth_hands(500, 50, seed=8, latin=True)[1])


def test_romanizations():
    assert _romanize("Дмитрий", "ua_given", True) == "Dmytro"
    assert _romanize("Евгений", "ua_given", True) == "Yevhen"
    assert _romanize("Александр", "ua_given", True) == "Oleksandr"
    assert _romanize("Ковальский", "ua", False) == "Kovalskyi"
    assert _romanize("Клюев", "ua", False) == "Kliuev"
    assert _romanize("Дмитрий", "by_given", True) == "Dzmitry"
    assert _romanize("Щукин", "icao", False) == "Shchukin"
