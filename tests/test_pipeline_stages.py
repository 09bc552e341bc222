"""Unit tests of blocking, comparison, the model and per-entry decisions on hand-made tables."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from linker import assign, blocking, compare as cmp, model as fs
from linker.errors import BlockingError

STD_COLS = dict(sn="", sn_stem="", sn_phon="", sn_init="", fn="", fn_canon="", fn_phon="", fn_init="",
                fn_is_init=False, pt="", pt_init="", pt_is_init=False, by=0, bm=0, bd=0, pnum="", pnum_t="", pnum_d="", rank=-1,
                cat="", unit="", flags="")


def std(rows: list[dict]) -> pd.DataFrame:
    out = []
    for r in rows:
        row = {**STD_COLS, **r}
        for k in ("sn", "fn", "pt"):
            row.setdefault(f"{k}_init", row[k][:1])
            if not row[f"{k}_init"]:
                row[f"{k}_init"] = row[k][:1]
        row["sn_stem"] = row["sn_stem"] or row["sn"]
        row["fn_canon"] = row["fn_canon"] or row["fn"]
        row["sn_phon"] = row["sn_phon"] or row["sn"][:3]
        row["fn_phon"] = row["fn_phon"] or row["fn"][:3]
        row["pnum_d"] = row["pnum_d"] or "".join(ch for ch in row["pnum"] if ch.isdigit())
        out.append(row)
    df = pd.DataFrame(out)
    for c in ("by", "bm", "bd"):
        df[c] = df[c].astype(np.int16)
    df["rank"] = df["rank"].astype(np.int8)
    return df


LEFT = std([
    dict(sn="ivanov", fn="sergei", pt="aleksandrovich", by=1990, bm=3, bd=12, pnum="АБ123456", pnum_t="ab123456"),
    dict(sn="petrov", fn="i", fn_is_init=True, by=1985, bm=1, bd=2),
    dict(sn="sergei", fn="ivanov", by=1990, bm=3, bd=12),           # swapped order
])
RIGHT = std([
    dict(sn="ivanov", fn="sergei", pt="aleksandrovich", by=1990, bm=3, bd=12, pnum="АБ123456", pnum_t="ab123456"),
    dict(sn="petrov", fn="ivan", pt="petrovich", by=1985, bm=2, bd=1),
    dict(sn="sidorov", fn="oleg", by=1970, bm=5, bd=5),
])


def naive_join(l, r, lk, rk):
    return {(i, j) for i in range(len(l)) for j in range(len(r))
            if all(l.loc[i, a] == r.loc[j, b] and l.loc[i, a] not in ("", 0) for a, b in zip(lk, rk))}


@pytest.mark.parametrize("keys", [("sn_stem", "fn_canon"), ("sn", "by"), ("pnum",), ("fn_canon>sn_stem", "sn_stem>fn_canon")],
                         ids=["name", "sn+year", "pnum", "swapped"])
def test_block_equals_naive_join(keys):
    rule = blocking.Rule.parse(keys)
    res = blocking.block(LEFT, RIGHT, [rule], max_pairs=100)
    lcols = [c for k in rule.list_keys for c in blocking.KEYS[k]]
    rcols = [c for k in rule.registry_keys for c in blocking.KEYS[k]]
    assert set(zip(res.left.tolist(), res.right.tolist())) == naive_join(LEFT, RIGHT, lcols, rcols)


def test_block_refuses_explosion_with_a_suggestion():
    many = std([dict(sn="ivanov", fn="a", by=1990)] * 50)
    with pytest.raises(BlockingError, match=r"blocking would compare 2,500 pairs, over the limit of 100 \(rule sn\+by"):
        blocking.block(many, many, [blocking.Rule.parse(("sn", "by"))], max_pairs=100)


def test_unknown_blocking_key_names_the_keys():
    with pytest.raises(BlockingError, match="unknown key 'surname'"):
        blocking.Rule.parse(("surname",))


def test_dedupe_blocking_has_each_pair_once():
    t = std([dict(sn="a", fn="b", by=1990)] * 4)
    res = blocking.block(t, t, [blocking.Rule.parse(("sn", "by"))], max_pairs=100, dedupe=True)
    assert sorted(zip(res.left.tolist(), res.right.tolist())) == list(itertools.combinations(range(4), 2))


def test_comparison_levels():
    enc = cmp.encode(LEFT, RIGHT)
    il = np.array([0, 1, 2, 0])
    ir = np.array([0, 1, 0, 2])
    g = cmp.compare(enc, il, ir, workers=1)
    assert g["gamma_surname"].tolist() == [4, 4, 4, 0]           # swapped order still agrees
    fn = cmp.COMPARISONS["first_name"].labels
    assert [fn[v] for v in g["gamma_first_name"].tolist()[:3]] == ["exact", "initial agrees", "exact"]
    assert g["gamma_birth_date"].tolist() == [5, 4, 5, 0]        # day/month swapped is "near"; 20 years apart: far
    pn = cmp.COMPARISONS["personal_number"].labels
    assert g["gamma_personal_number"].tolist()[1:] == [-1, -1, -1]  # missing is its own level
    assert pn[g["gamma_personal_number"].tolist()[0]] == "exact"
    assert g["gamma_patronymic"].tolist() == [4, -1, -1, -1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["ivanov", "ivanova", "petrov", "", "ivanof"]),
                          st.integers(1980, 1982), st.integers(1, 2), st.integers(1, 2)), min_size=1, max_size=6))
def test_comparisons_are_symmetric_for_symmetric_fields(rows):
    t = std([dict(sn=s, fn="x", by=y, bm=m, bd=d) for s, y, m, d in rows])
    enc = cmp.encode(t, t)
    il, ir = np.meshgrid(np.arange(len(t)), np.arange(len(t)))
    a = cmp.compare(enc, il.ravel(), ir.ravel(), workers=1)
    b = cmp.compare(enc, ir.ravel(), il.ravel(), workers=1)
    for col in ("gamma_surname", "gamma_birth_date"):
        assert a[col].tolist() == b[col].tolist()


def test_em_recovers_m_on_simulated_patterns():
    rng = np.random.default_rng(0)
    comps = (cmp.COMPARISONS["surname"], cmp.COMPARISONS["birth_date"])
    m_true = {"surname": np.array([0.02, 0.03, 0.05, 0.1, 0.8]), "birth_date": np.array([0.03, 0.03, 0.04, 0.1, 0.8])}
    u = {"surname": np.array([0.9, 0.06, 0.02, 0.01, 0.01]), "birth_date": np.array([0.9, 0.07, 0.01, 0.01, 0.01])}
    n_m, n_u = 2000, 20000
    g = pd.DataFrame({
        "gamma_surname": np.r_[rng.choice(5, n_m, p=m_true["surname"]), rng.choice(5, n_u, p=u["surname"])],
        "gamma_birth_date": np.r_[rng.choice(5, n_m, p=m_true["birth_date"]), rng.choice(5, n_u, p=u["birth_date"])],
    }).astype(np.int8)
    m, lam, _ = fs.fit_em(fs.pattern_counts([g]), comps, u, n_list=n_m)
    assert abs(lam - n_m / (n_m + n_u)) < 0.01
    assert abs(m["surname"][4] - 0.8) < 0.05


def test_model_json_round_trip_and_refusal(tmp_path):
    comps = (cmp.COMPARISONS["surname"],)
    mod = fs.Model(comps, {"surname": np.array([.1, .1, .1, .1, .6])}, {"surname": np.array([.6, .1, .1, .1, .1])}, 0.01)
    path = tmp_path / "model.json"
    mod.save(path)
    again = fs.Model.load(path)
    assert again.to_dict() == mod.to_dict()
    path.write_text('{"format": "pickle", "__reduce__": "os.system"}')
    from linker.errors import ConfigError
    with pytest.raises(ConfigError, match="not a linker model"):
        fs.Model.load(path)


def test_namesakes_split_probability_and_share_is_estimated():
    # entry 0: one strong candidate; entry 1: two identical candidates; entries 2-9: nothing
    entry = np.array([0, 1, 1])
    right = np.array([0, 1, 2])
    weight = np.array([30.0, 20.0, 20.0])
    fit = assign.fit_genuine_share(entry, weight, 10, 1000, miss_rate=0.01)
    assert 0.1 < fit.genuine_share < 0.3
    pair_p, genuine = assign.entry_posteriors(entry, weight, 10, 1000, genuine_share=fit.genuine_share, miss_rate=0.01)
    assert pair_p[0] > 0.99 and abs(pair_p[1] - pair_p[2]) < 1e-12 and pair_p[1] < 0.5
    d = assign.decide(entry, right, pair_p, genuine, 10, match_threshold=0.9, review_threshold=0.3)
    assert d["decision"].tolist()[:3] == ["match", "review", "no_match"]


def test_fabricated_list_share_goes_to_floor():
    entry = np.arange(100)
    weight = np.full(100, -5.0)
    fit = assign.fit_genuine_share(entry, weight, 100, 10000, miss_rate=0.01)
    assert fit.genuine_share < 0.02


def test_resolve_claims_duplicate_listing():
    best = np.array([5, 5, 7, -1])
    p = np.array([0.95, 0.99, 0.5, 0.0])
    dec = np.array(["match", "match", "review", "no_match"], dtype=object)
    _d, flag, dup = assign.resolve_claims(best, p, dec)
    assert flag.tolist() == ["duplicate_listing", "", "", ""] and dup.tolist() == [1, -1, -1, -1]


def test_personal_number_levels():
    l = std([dict(sn="a", pnum="АБ123456", pnum_t="ab123456"), dict(sn="a", pnum="ЦШ027514", pnum_t="cs027514"),
             dict(sn="a", pnum="АБ123465", pnum_t="ab123465"), dict(sn="a", pnum="ЖЖ123456", pnum_t="zz123456")])
    r = std([dict(sn="a", pnum="АБ123456", pnum_t="ab123456"), dict(sn="a", pnum="TSSH027514", pnum_t="cs027514")])
    enc = cmp.encode(l, r)
    g = cmp.compare(enc, np.array([0, 1, 2, 3]), np.array([0, 1, 0, 0]), workers=1)
    # exact; a transliteration; one swap; same digits, other letters
    pn = cmp.COMPARISONS["personal_number"].labels
    assert [pn[v] for v in g["gamma_personal_number"].tolist()] == [
        "exact", "exact", "one character off or swapped", "digits agree, letters differ"]


def test_keys_shared_by_too_many_records_are_left_out():
    reg = std([dict(sn="ivanov", fn="a", by=1990)] * 30 + [dict(sn="rare", fn="b", by=1990)])
    lst = std([dict(sn="ivanov", fn="a", by=1990), dict(sn="rare", fn="b", by=1990)])
    res = blocking.block(lst, reg, [blocking.Rule.parse(("sn",))], max_pairs=10**6, max_block=10)
    assert list(zip(res.left.tolist(), res.right.tolist())) == [(1, 30)]
