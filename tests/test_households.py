"""Households are not people: generic and address-like columns stay weak evidence, a given name that
disagrees outright weighs against, and clusters do not chain across members that do not fit each other."""
from __future__ import annotations

import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linker import model as fs
from linker.cli import main
from linker.columns import address_like
from linker.compare import Comparison, text_comparison
from linker.deduplication import cluster_links, household_guards, pairs_within
from linker.errors import ConfigError
from linker.evaluation.clusters import evaluate_clusters
from linker.standardize import _blank_placeholders

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("header,expected", [
    ("street", True), ("Street Address", True), ("address_1", True), ("house_number", True), ("City", True),
    ("town", True), ("zip", True), ("ZIP Code", True), ("postcode", True), ("state", True), ("Apt", True),
    ("apartment", True), ("unit number", True), ("suburb", True), ("Улица", True), ("Адрес", True),
    ("Город", True), ("Почтовый индекс", True), ("Дом", True), ("Квартира", True),
    ("employer", False), ("statement", False), ("status", False), ("first_name", False), ("soc_sec_id", False),
    ("notes", False), ("Должность", False),
], ids=lambda v: str(v))
def test_address_like_headers(header, expected):
    assert address_like(header) is expected


def _comp(i: int, header: str) -> Comparison:
    return text_comparison(i, header)


def test_generic_and_address_weights_are_bounded():
    street, note = _comp(0, "street"), _comp(1, "employer")
    m = np.array([1e-6, 1e-6, 1 - 2e-6])
    u = np.array([1 - 2e-9, 1e-9, 1e-9])          # EM found a household: -20 / +30 bits unbounded
    for c, (lo, hi) in ((street, fs.ADDRESS_CAP), (note, fs.GENERIC_CAP)):
        w = fs.level_weights(c, m, u)
        assert w.min() == lo and w.max() == hi
    known = Comparison("surname", ("else", "fuzzy", "close", "gendered form / ё", "exact"), "surname")
    assert fs.level_weights(known, np.array([1e-6, .1, .1, .1, .7]), np.full(5, .2)).min() < -10


def test_address_columns_together_weigh_at_most_the_household_cap():
    comps = tuple(_comp(i, h) for i, h in enumerate(("street", "city", "zip", "state")))
    m = {c.name: np.array([0.01, 0.01, 0.98]) for c in comps}
    u = {c.name: np.array([0.98, 0.01, 0.01]) for c in comps}
    frame = pd.DataFrame({f"gamma_{c.name}": [2, 0, -1] for c in comps})
    w = fs.pattern_weights(frame, comps, m, u)
    assert w[0] == pytest.approx(fs.HOUSEHOLD_CAP[1]) and w[1] == pytest.approx(fs.HOUSEHOLD_CAP[0]) and w[2] == 0
    model = fs.Model(comps, m, u, 0.01)
    per = fs.field_weights(model, frame)
    assert sum(per[c.name][0] for c in comps) == pytest.approx(fs.HOUSEHOLD_CAP[1])


def test_contradicting_given_name_mass_is_bounded():
    c = fs.COMPARISONS["first_name"]
    assert len(c.labels) == 7
    m = fs.bound_person_level(c, np.array([0.4, 0.05, 0.05, 0.05, 0.05, 0.05, 0.35]))
    assert m[0] == pytest.approx(fs.PERSON_LEVEL["first_name"][1]) and m.sum() == pytest.approx(1.0)
    assert m[6] / m[1] == pytest.approx(7.0)                 # the other levels keep their proportions
    low = np.array([0.01, 0.05, 0.05, 0.05, 0.05, 0.05, 0.74])
    assert np.array_equal(fs.bound_person_level(c, low), low)


def _levels(name, *labels):
    return [fs.level_codes(name, (lab,))[0] if lab is not None else -1 for lab in labels]


def test_a_different_given_name_is_two_people_unless_the_birth_date_or_the_identifier_vouches():
    # the identifier vouches (damage can replace a name); whether a borrowed number is one person is left to
    # the weight, and a match never confirms it where the data show borrowing (identifier_conflict)
    gam = pd.DataFrame({
        "gamma_first_name": _levels("first_name", "else", "else", "exact", None, "else", "else", "else", "else"),
        "gamma_birth_date": _levels("birth_date", "far apart", "one digit off / day-month swapped", "else",
                                    "far apart", "else", None, "partial date agrees", None),
        "gamma_personal_number": _levels("personal_number", "else", "else", "else", "else",
                                         "agrees, given name disagrees", None, None, "agrees, given name disagrees")})
    assert fs.person_conflict(gam).tolist() == [True, False, False, False, False, True, False, False]
    assert fs.person_conflict(gam[["gamma_first_name"]]).tolist() == [True] * 2 + [False] * 2 + [True] * 4
    # a number that agrees beside a given name that disagrees: an identifier conflict, unless the date vouches
    assert fs.identifier_conflict(gam).tolist() == [False, False, False, False, True, False, False, True]
    vouched = gam.assign(gamma_birth_date=_levels("birth_date", *["exact"] * 8))
    assert not fs.identifier_conflict(vouched).any()
    assert not fs.identifier_conflict(gam[["gamma_first_name", "gamma_birth_date"]]).any()


def _frame(rows):
    """A pattern frame (first_name, birth_date, personal_number by label) and its counts."""
    cols = ("first_name", "birth_date", "personal_number")
    frame = pd.DataFrame({f"gamma_{c}": [fs.level_codes(c, (r[i],))[0] if r[i] else -1 for r in rows]
                          for i, c in enumerate(cols)})
    return frame, np.array([r[3] for r in rows], float)


COMPS = tuple(fs.COMPARISONS[c] for c in ("first_name", "birth_date", "personal_number"))
CONFLICT = "agrees, given name disagrees"


def test_borrowed_numbers_are_the_conflicts_one_persons_records_do_not_explain():
    # 1,000 pairs whose number agrees beside a given name; 130 of them beside a different given name
    frame, counts = _frame([("exact", None, "exact", 870.0), ("else", None, CONFLICT, 130.0),
                            ("exact", None, "else", 50.0)])
    q = fs.PERSON_LEVEL["first_name"][1]
    share = fs.conflict_share(frame, counts, COMPS)
    assert share == pytest.approx((130 - q * 1000) / (1 - q) / 130)
    assert fs.identifier_conflict(frame, share).tolist() == [False, True, False]
    # as often as one person's records show it: no borrowing, and the number vouches for the given name
    frame, counts = _frame([("exact", None, "exact", 970.0), ("else", None, CONFLICT, 30.0)])
    assert fs.conflict_share(frame, counts, COMPS) == 0.0
    assert not fs.identifier_conflict(frame, 0.0).any()
    assert fs.conflict_share(frame.iloc[:0], counts[:0], COMPS) == 0.0


def test_sure_pairs_show_how_often_one_persons_given_name_differs():
    # FEBRL-like: number and date of birth agree exactly, one given name in nine replaced
    frame, counts = _frame([("exact", "exact", "exact", 8000.0), ("else", "exact", CONFLICT, 1000.0),
                            ("else", "far apart", "else", 5000.0)])
    most, rate = fs.sure_pair_bounds(frame, counts, COMPS)["first_name"]
    q = fs.PERSON_LEVEL["first_name"][1]
    assert rate == pytest.approx((1000 + q * fs.SURE_PRIOR_PAIRS) / (9000 + fs.SURE_PRIOR_PAIRS)) and most == rate
    # then the conflicts are what one person's records show (but for the bound's pull), not borrowed numbers
    share = fs.conflict_share(frame, counts, COMPS)
    assert share < 0.01 and not fs.identifier_conflict(frame, share).any()
    # without a date of birth there are no sure pairs: the table's bound
    two = tuple(c for c in COMPS if c.name != "birth_date")
    assert fs.sure_pair_bounds(frame.drop(columns="gamma_birth_date"), counts, two)["first_name"] == (q, q)


@pytest.mark.parametrize("values,expected", [
    (["00000", "62704", "", "n a", "xxx", "11", "unknown", "12 main st"],
     ["", "62704", "", "", "", "11", "", "12 main st"]),
    (["a", "b"], ["a", "b"]),
], ids=["placeholders", "none"])
def test_placeholders_of_generic_columns_are_missing(values, expected):
    got = _blank_placeholders(pd.Series(values, dtype=object))
    assert got.tolist() == expected


def test_pairs_within_equals_the_naive_pairs():
    labels = np.array([3, 1, 3, 0, 3, 1, 2, 3])
    a, b = pairs_within(labels)
    got = sorted(tuple(sorted(p)) for p in zip(a.tolist(), b.tolist()))
    naive = sorted((i, j) for i, j in combinations(range(len(labels)), 2) if labels[i] == labels[j])
    assert got == naive


def test_a_cluster_whose_members_do_not_fit_is_split_at_its_weakest_link():
    # 0-1 one person, 2-3 another of the same household; 1-2 linked (a shared SSN); 0 and 3 never proposed
    left, right = np.array([0, 1, 2]), np.array([1, 2, 3])
    prob = np.array([0.99, 0.95, 0.99])
    weight = np.array([20.0, 9.0, 18.0])
    assert cluster_links(4, left, right, prob, 0.9, strength=weight).tolist() == [0, 0, 0, 0]
    conflict = lambda a, b: (np.minimum(a, b) == 0) & (np.maximum(a, b) == 3)     # noqa: E731
    cl = cluster_links(4, left, right, prob, 0.9, strength=weight, member_conflict=conflict)
    assert cl.tolist() == [0, 0, 2, 2]
    # a proposed pair flagged as two people is never inside one cluster
    cl = cluster_links(2, np.array([0]), np.array([1]), np.array([0.99]), 0.9, conflict=np.array([True]))
    assert cl.tolist() == [0, 1]


def _households(forms: int, seed: int):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import households
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return households.household_roster(forms, seed)


def test_household_generator_is_deterministic_and_has_households():
    a, ta = _households(600, 7)
    b, tb = _households(600, 7)
    assert a.equals(b) and ta.equals(tb)
    shared = a.groupby(["street", "zip"])["first_name"].nunique()
    assert (shared >= 2).sum() >= 30                  # many addresses hold two or more given names


def test_dedupe_of_a_household_roster_finds_people_not_households(tmp_path):
    roster, truth = _households(2500, 3)
    roster.to_csv(tmp_path / "roster.csv", index=False)
    res = CliRunner().invoke(main, ["dedupe", str(tmp_path / "roster.csv"), "--id", "form_id", "--out",
                                    str(tmp_path / "o"), "-q"])
    assert res.exit_code == 0, res.output
    clusters = pd.read_csv(tmp_path / "o" / "clusters.csv", dtype=str, keep_default_na=False)
    score = evaluate_clusters(clusters, truth)
    assert score.precision >= 0.97 and score.recall >= 0.97, score
    import json
    report = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    # no person has more than 5 forms: a household merged whole would make clusters of 10 and more
    assert report["largest_cluster"]["size"] == int(clusters["cluster_size"].astype(int).max()) <= 8
    weights = {c["field"]: c["weight"] for c in report["model"]["comparisons"]}
    assert weights["first_name"][0] <= -4                 # a different given name is strong evidence against
    assert max(abs(w) for f, ws in weights.items() if f.startswith("text:") for w in ws) <= 4
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert f"{report['largest_cluster']['size']}</b>rows in the largest group" in html
    # the report says the chaining guards held, and why; model.json keeps the share they were decided on
    guards = report["household_guards"]
    assert guards["on"] and guards["conflicting_household_share"] > guards["tolerance"] == pytest.approx(0.1)
    assert guards["note"].startswith("household guards on") and guards["note"] in html
    model = json.loads((tmp_path / "o" / "model.json").read_text(encoding="utf-8"))
    assert model["conflicting_household_share"] == guards["conflicting_household_share"]


def test_person_level_tables_name_levels_that_exist() -> None:
    """The bounds and vouchers name levels by label; each must be a level of its comparison (a level added
    to a comparison once moved what positional numbers meant, and FEBRL1 dedupe lost recall)."""
    for name, (labels, _most) in fs.PERSON_LEVEL.items():
        assert fs.level_codes(name, labels)
    for name, vouchers in fs.CONFLICTS.items():
        for other, labels in vouchers.items():
            assert fs.level_codes(other, labels)
    assert fs.level_codes("birth_date", ("exact",)) == [len(fs.COMPARISONS["birth_date"].labels) - 1]


def test_a_witness_tells_borrowed_numbers_from_damaged_names():
    # middle initials agree in 90% of one person's pairs, 7% of two people's; at the conflict level 30% do:
    # (0.3 - 0.07) / (0.9 - 0.07) of those pairs are one person
    comps = tuple(fs.COMPARISONS[c] for c in ("first_name", "patronymic", "personal_number"))
    lv = lambda c, lab: fs.level_codes(c, (lab,))[0]  # noqa: E731
    rows = [("exact", "initial agrees", "exact", 900.0), ("exact", "else", "exact", 100.0),
            ("else", "initial agrees", CONFLICT, 30.0), ("else", "else", CONFLICT, 70.0)]
    frame = pd.DataFrame({"gamma_first_name": [lv("first_name", r[0]) for r in rows],
                          "gamma_patronymic": [lv("patronymic", r[1]) for r in rows],
                          "gamma_personal_number": [lv("personal_number", r[2]) for r in rows]})
    counts = np.array([r[3] for r in rows])
    u = {"patronymic": np.array([0.93, 0.0, 0.07, 0.0, 0.0])}
    assert fs.conflict_share(frame, counts, comps, u) == pytest.approx(1 - (0.3 - 0.07) / (0.9 - 0.07))


def test_another_sex_is_two_people_unless_the_birth_date_agrees_exactly():
    gam = pd.DataFrame({"gamma_sex": _levels("sex", "else", "else", "exact", None),
                        "gamma_birth_date": _levels("birth_date", "same year", "exact", "far apart", "exact")})
    assert fs.person_conflict(gam).tolist() == [True, False, False, False]
    assert fs.PERSON_LEVEL["sex"] == fs.COMPARISONS["sex"].person_level


def test_each_comparison_is_described_once():
    from linker.report.decoy import GROUPS
    # the model's anchors and bounds and the chance test's groups are the descriptions' own
    assert fs.ANCHORS == {c.name: c.anchor for c in fs.COMPARISONS.values() if c.anchor}
    assert set(fs.PERSON_LEVEL) == {"first_name", "birth_date", "personal_number", "sex"}
    assert GROUPS[:4] == tuple(fs.COMPARISONS[n].group for n in ("surname", "first_name", "patronymic", "birth_date"))
    for c in fs.COMPARISONS.values():
        assert c.anchor is None or len(c.anchor[0]) == len(c.labels)
        assert c.person_level is None or fs.level_codes(c.name, c.person_level[0])


def test_the_household_cap_follows_the_share_of_shared_addresses_that_are_two_people():
    addr = tuple(Comparison(f"t_{i}", ("else", "fuzzy", "exact"), f"text:{n}")
                 for i, n in enumerate(("street_address", "city", "zip")))
    comps = (fs.COMPARISONS["first_name"], *addr)
    fn = lambda lab: fs.level_codes("first_name", (lab,))[0]  # noqa: E731
    frame = pd.DataFrame({"gamma_first_name": [fn("exact"), fn("else"), fn("exact")],
                          **{f"gamma_{c.name}": [2, 2, 0] for c in addr}})
    u = {"first_name": np.array([0.99, 0.002, 0.002, 0.002, 0.002, 0.001, 0.001])}
    q = fs.PERSON_LEVEL["first_name"][1]
    # 600 of 1,000 pairs at one address give the same given name: (0.6 - 0.01) / (1 - q - 0.01) one person
    share = fs.household_share(frame, np.array([600.0, 400.0, 50.0]), comps, u)
    assert share == pytest.approx(1 - (0.6 - 0.01) / (1 - q - 0.01))
    assert fs.household_cap(share) == fs.HOUSEHOLD_CAP
    # nearly every pair at one address is one person (FEBRL): the address may say more
    few = fs.household_share(frame, np.array([968.0, 32.0, 50.0]), comps, u)
    assert few < 0.01 and fs.household_cap(few)[1] > 6.0
    assert fs.household_share(frame[["gamma_first_name"]], np.ones(3), comps[:1], u) == 1.0


def test_a_replaced_given_name_beside_its_birth_date_is_not_a_household():
    # 1,000 pairs at one address: 800 give the same given name; 200 another. Where those 200 give the same
    # date of birth they are one person's damaged records (FEBRL), where another date two people
    addr = tuple(Comparison(f"t_{i}", ("else", "fuzzy", "exact"), f"text:{n}")
                 for i, n in enumerate(("street_address", "city", "zip")))
    comps = (fs.COMPARISONS["first_name"], fs.COMPARISONS["birth_date"], *addr)
    frame = pd.DataFrame({"gamma_first_name": _levels("first_name", "exact", "else", "exact"),
                          "gamma_birth_date": _levels("birth_date", "exact", "exact", "exact"),
                          **{f"gamma_{c.name}": [2, 2, 0] for c in addr}})
    u = {"first_name": np.array([0.99, 0.002, 0.002, 0.002, 0.002, 0.001, 0.001]),
         "birth_date": np.array([0.5, 0.45, 0.04, 0.005, 0.004, 0.001])}
    counts = np.array([800.0, 200.0, 50.0])
    damaged = fs.household_share(frame, counts, comps, u)
    assert damaged == 0.0 and fs.household_cap(damaged)[1] > 10.0
    # the same counts with another date beside the other given name: a household's members
    frame["gamma_birth_date"] = _levels("birth_date", "exact", "far apart", "exact")
    two = fs.household_share(frame, counts, comps, u)
    # one person's records fail at q (given name) times the date's rate, two people's at u's rates
    bounds = fs.sure_pair_bounds(frame, counts, comps)
    r1 = 1 - bounds["first_name"][1] * bounds["birth_date"][1]
    r0 = 1 - 0.99 * (1 - 0.01)
    assert two == pytest.approx(1 - (0.8 - r0) / (r1 - r0))
    assert 0.15 < two < 0.25 and fs.household_cap(two) == fs.HOUSEHOLD_CAP


def test_the_pairs_at_one_address_that_conflict_are_households_only_where_the_data_show_households():
    addr = tuple(Comparison(f"t_{i}", ("else", "fuzzy", "exact"), f"text:{n}")
                 for i, n in enumerate(("street_address", "city", "zip")))
    comps = (fs.COMPARISONS["first_name"], fs.COMPARISONS["birth_date"], *addr)
    u = {"first_name": np.array([0.99, 0.002, 0.002, 0.002, 0.002, 0.001, 0.001]),
         "birth_date": np.array([0.5, 0.45, 0.04, 0.005, 0.004, 0.001])}
    frame = pd.DataFrame({"gamma_first_name": _levels("first_name", "exact", "else", "else"),
                          "gamma_birth_date": _levels("birth_date", "exact", "exact", "far apart"),
                          **{f"gamma_{c.name}": [2, 2, 2] for c in addr}})
    # one person's records only: the few that fail the witness are damage, not households
    assert fs.conflicting_household_share(frame, np.array([900.0, 100.0, 1.0]), comps, u) == 0.0
    # a household roster: most pairs at one address that fail it are two people
    assert fs.conflicting_household_share(frame, np.array([600.0, 20.0, 400.0]), comps, u) > 0.95
    assert fs.conflicting_household_share(frame[["gamma_first_name"]], np.ones(3), comps[:1], u) == 1.0


def test_without_households_a_weak_pair_does_not_split_a_linked_cluster():
    # 0-1 and 1-2 linked; 0-2 proposed and confidently apart (one person's records damaged differently)
    left, right, prob = np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([0.99, 0.98, 0.02])
    assert cluster_links(3, left, right, prob, 0.9).tolist() == [0, 0, 2]
    assert cluster_links(3, left, right, prob, 0.9, apart=False).tolist() == [0, 0, 0]


def test_a_saved_model_keeps_the_data_shares():
    c = fs.COMPARISONS["surname"]
    m = fs.Model((c,), {"surname": np.full(5, 0.2)}, {"surname": np.full(5, 0.2)}, 0.01,
                 conflict_share=0.25, household_share=0.75)
    back = fs.Model.from_dict(m.to_dict())
    assert (back.conflict_share, back.household_share) == (0.25, 0.75)
    old = {k: v for k, v in m.to_dict().items() if k not in ("identifier_conflict_share", "household_share")}
    assert (fs.Model.from_dict(old).conflict_share, fs.Model.from_dict(old).household_share) == (1.0, 1.0)


def test_the_household_guards_say_whether_they_held_and_why():
    on, off, unread = household_guards(0.5, 0.9), household_guards(0.02, 0.9), household_guards(None, 0.9)
    assert (on["on"], off["on"], unread["on"]) == (True, False, True)
    assert "0.500 are two people, more than 1 - threshold = 0.1" in on["note"]
    assert "0.020 are two people, at most 1 - threshold = 0.1" in off["note"] and "connected components" in off["note"]
    assert "cannot show households" in unread["note"] and unread["conflicting_household_share"] is None
    assert household_guards(0.02, 0.99)["on"]          # a stricter threshold tolerates fewer households


def test_a_saved_model_keeps_the_share_the_guards_were_decided_on():
    c = fs.COMPARISONS["surname"]
    m = fs.Model((c,), {"surname": np.full(5, 0.2)}, {"surname": np.full(5, 0.2)}, 0.01,
                 conflicting_household_share=0.23)
    assert fs.Model.from_dict(m.to_dict()).conflicting_household_share == 0.23
    plain = fs.Model((c,), m.m, m.u, 0.01)          # a match reads no such share and writes none
    assert "conflicting_household_share" not in plain.to_dict()
    assert fs.Model.from_dict(plain.to_dict()).conflicting_household_share is None
    with pytest.raises(ConfigError):
        fs.Model.from_dict({**m.to_dict(), "conflicting_household_share": 1.5})
