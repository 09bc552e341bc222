from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linker.errors import InputError
from linker.evaluation import Evaluation, evaluate, read_matches, read_truth


def _matches(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["list_id", "registry_id", "decision"], dtype=object)
    df["match_probability"] = "0.5"
    return df


def _truth(rows: list[tuple[str, str]], columns: tuple[str, str] = ("list_id", "registry_id")) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


TRUTH = _truth([("1", "a"), ("2", "b"), ("3", ""), ("4", "d")])

# (matches rows, truth, expected (tp, fp, fn, review, genuine, entries, matched), with review (tp, fp, fn))
CASES = [
    pytest.param(
        [("1", "a", "match"), ("2", "b", "match"), ("3", "", "no_match"), ("4", "d", "match")],
        TRUTH, (3, 0, 0, 0, 3, 4, 3), (3, 0, 0), id="perfect",
    ),
    pytest.param([], TRUTH, (0, 0, 3, 0, 3, 4, 0), (0, 0, 3), id="empty-matches"),
    pytest.param(
        [("1", "", "no_match"), ("2", "", "no_match"), ("3", "", "no_match"), ("4", "", "no_match")],
        TRUTH, (0, 0, 3, 0, 3, 4, 0), (0, 0, 3), id="all-no-match",
    ),
    pytest.param(
        [("1", "b", "match"), ("2", "b", "review"), ("3", "x", "match"), ("4", "d", "review")],
        TRUTH, (0, 2, 3, 2, 3, 4, 2), (2, 2, 1), id="wrong-and-review",
    ),
    pytest.param(
        [(" 1 ", "a ", "MATCH"), ("2", "b", "match")],
        TRUTH, (2, 0, 1, 0, 3, 4, 2), (2, 0, 1), id="ids-stripped-decision-case-folded",
    ),
    pytest.param(
        [("1", "a", "match"), ("1", "a", "match"), ("2", "b", "match")],
        TRUTH, (2, 0, 1, 0, 3, 4, 2), (2, 0, 1), id="repeated-row-counted-once",
    ),
    pytest.param(
        [("1", "a", "match"), ("2", "a", "match")],
        _truth([("1", "a"), ("2", "a")]), (2, 0, 0, 0, 2, 2, 2), (2, 0, 0), id="duplicate-listing-both-true",
    ),
    pytest.param(
        [("1", "a", "match"), ("2", "a", "match")],
        _truth([("1", "a"), ("2", "")]), (1, 1, 0, 0, 1, 2, 2), (1, 1, 0), id="duplicate-listing-one-true",
    ),
    pytest.param(
        [("1", "a", "match"), ("1", "z", "match")],
        _truth([("1", "a")]), (1, 1, 0, 0, 1, 1, 2), (1, 1, 0), id="two-claims-one-entry",
    ),
    pytest.param(
        [("1", "", "review"), ("2", "b", "no_match")],
        _truth([("1", "a"), ("2", "b")]), (0, 0, 2, 1, 2, 2, 0), (0, 0, 2), id="review-without-id-claims-nothing",
    ),
    pytest.param(
        [("x1", "y1", "match"), ("x2", "y9", "match"), ("x3", "", "no_match")],
        _truth([("x1", "y1"), ("x2", "y2"), ("x3", "y3")], ("rec_id_1", "rec_id_2")),
        (1, 1, 2, 0, 3, 3, 2), (1, 1, 2), id="febrl-pairs",
    ),
    pytest.param(
        [("x1", "y1", "match"), ("x2", "y2", "match")],
        _truth([("y1", "x1"), ("y2", "x2")], ("left", "right")),
        (2, 0, 0, 0, 2, 2, 2), (2, 0, 0), id="pairs-any-two-columns-swapped",
    ),
    pytest.param(
        # dedupe: pairs in either order, an entry may have several true partners
        [("a", "b", "match"), ("b", "c", "match"), ("c", "a", "review"), ("d", "", "no_match"), ("e", "a", "match")],
        _truth([("a", "b"), ("c", "b"), ("a", "c")], ("rec_id_1", "rec_id_2")),
        (2, 1, 1, 1, 3, 5, 3), (3, 1, 0), id="dedupe-pairs-either-order",
    ),
    pytest.param(
        [("1", "", "no_match"), ("2", "", "no_match")],
        _truth([("1", ""), ("2", "")]), (0, 0, 0, 0, 0, 2, 0), (0, 0, 0), id="fabricated-list-nothing-claimed",
    ),
]


@pytest.mark.parametrize(("rows", "truth", "expected", "with_review"), CASES)
def test_evaluate_counts(rows, truth, expected, with_review) -> None:
    ev = evaluate(_matches(rows), truth)
    assert (ev.tp, ev.fp, ev.fn, ev.review, ev.genuine, ev.entries, ev.matched) == expected
    assert (ev.tp_with_review, ev.fp_with_review, ev.fn_with_review) == with_review
    assert ev.tp + ev.fn == ev.genuine


RATIOS = [
    pytest.param([("1", "a", "match"), ("2", "x", "match")], _truth([("1", "a"), ("2", "b"), ("3", "c")]),
                 (0.5, 1 / 3, 0.4), id="mixed"),
    pytest.param([], _truth([("1", "a")]), (1.0, 0.0, 0.0), id="nothing-claimed-something-to-find"),
    pytest.param([("1", "a", "match")], _truth([("1", "")]), (0.0, 1.0, 0.0), id="claim-on-fabricated"),
    pytest.param([("1", "", "no_match")], _truth([("1", "")]), (1.0, 1.0, 1.0), id="nothing-to-find"),
]


@pytest.mark.parametrize(("rows", "truth", "prf"), RATIOS)
def test_evaluate_ratios(rows, truth, prf) -> None:
    ev = evaluate(_matches(rows), truth)
    assert (ev.precision, ev.recall, ev.f1) == pytest.approx(prf)


def test_to_dict_is_json_and_ordered() -> None:
    ev = evaluate(_matches([("1", "a", "match"), ("2", "x", "match")]), _truth([("1", "a"), ("2", "b"), ("3", "c")]))
    d = ev.to_dict()
    assert list(d)[:6] == ["tp", "fp", "fn", "precision", "recall", "f1"]
    assert d["recall"] == 0.333333 and d["truth_format"] == "entries"
    assert json.loads(json.dumps(d)) == d
    assert isinstance(ev, Evaluation)


def test_order_of_rows_does_not_matter() -> None:
    rows = [("1", "a", "match"), ("2", "x", "match"), ("3", "c", "review"), ("4", "", "no_match")]
    truth = _truth([("1", "a"), ("2", "b"), ("3", "c"), ("4", "")])
    assert evaluate(_matches(rows), truth) == evaluate(_matches(rows[::-1]), truth.iloc[::-1])


@settings(max_examples=60, deadline=None)
@given(
    truth_ids=st.lists(st.sampled_from(["", "a", "b", "c", "d"]), min_size=1, max_size=12),
    guesses=st.lists(st.tuples(st.sampled_from(["", "a", "b", "c", "d"]),
                               st.sampled_from(["match", "review", "no_match"])),
                     min_size=12, max_size=12),
)
def test_property_against_naive_count(truth_ids, guesses) -> None:
    truth = _truth([(str(i), r) for i, r in enumerate(truth_ids)])
    rows = []
    for i in range(len(truth_ids)):
        reg, dec = guesses[i]
        if dec == "match" and not reg:
            dec = "no_match"
        rows.append((str(i), reg if dec != "no_match" else "", dec))
    ev = evaluate(_matches(rows), truth)
    tp = sum(1 for (i, r, d) in rows if d == "match" and r == truth_ids[int(i)])
    fp = sum(1 for (i, r, d) in rows if d == "match" and r != truth_ids[int(i)])
    genuine = sum(1 for r in truth_ids if r)
    assert (ev.tp, ev.fp, ev.fn, ev.genuine) == (tp, fp, genuine - tp, genuine)
    assert 0.0 <= ev.f1 <= 1.0
    assert ev.f1 == 1.0 or (tp, fp) != (genuine, 0)


# ---------------------------------------------------------------- files

def _write(tmp_path: Path, text: str, name: str = "truth.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


READ = [
    pytest.param("list_id,registry_id,damage\n1,a,typo\n2,,\n", "entries", [("1", "a"), ("2", "")], id="ours"),
    pytest.param("\ufeffList_ID;Registry_ID\n 1 ; a \n", "entries", [("1", "a")], id="bom-semicolon-case"),
    pytest.param("rec_id_1,rec_id_2\nrec-1-org,rec-1-dup-0\n", "pairs", [("rec-1-org", "rec-1-dup-0")],
                 id="febrl-pairs"),
    pytest.param("a\tb\nx\ty\n", "pairs", [("x", "y")], id="any-two-columns-tab"),
    pytest.param("registry_id,note,list_id\n7,n,3\n", "entries", [("3", "7")], id="entries-reordered"),
    pytest.param("list_id,registry_id\n", "entries", [], id="header-only"),
]


@pytest.mark.parametrize(("text", "fmt", "pairs"), READ)
def test_read_truth(tmp_path, text, fmt, pairs) -> None:
    df = read_truth(_write(tmp_path, text))
    assert list(df.columns) == ["list_id", "registry_id"]
    assert df.attrs["truth_format"] == fmt
    assert list(df.itertuples(index=False, name=None)) == pairs


BAD = [
    pytest.param(
        "id,surname,first_name\n1,x,y\n",
        "{p}: columns seen: id, surname, first_name; a truth file needs the columns list_id,registry_id "
        "(one row per list entry) or two columns of true id pairs (rec_id_1,rec_id_2)",
        id="wrong-columns",
    ),
    pytest.param(
        "only\n1\n",
        "{p}: columns seen: only; a truth file needs the columns list_id,registry_id "
        "(one row per list entry) or two columns of true id pairs (rec_id_1,rec_id_2)",
        id="one-column",
    ),
    pytest.param("", "{p}: the file is empty; a truth file needs a header row", id="empty-file"),
    pytest.param("list_id,registry_id\n1,a\n,b\n",
                 "{p}:row 3: empty list_id; every row of a truth file needs a list id", id="empty-list-id"),
    pytest.param("rec_id_1,rec_id_2\nx,\n", "{p}:row 2: empty rec_id_2; a pair needs both ids",
                 id="half-pair"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_read_truth_errors(tmp_path, text, message) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        read_truth(p)
    assert str(exc.value) == message.format(p=p)


def test_read_truth_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match=r"no such file; give the path of the truth CSV$"):
        read_truth(tmp_path / "nope.csv")


MATCH_ERRORS = [
    pytest.param(pd.DataFrame({"list_id": ["1"], "registry": ["a"]}),
                 "matches: column registry_id, decision missing (columns seen: list_id, registry); "
                 "give the matches.csv written by linker (list_id, registry_id, decision)", id="columns"),
    pytest.param(_matches([("1", "a", "maybe"), ("2", "a", "yes")]),
                 "matches:decision: unknown value(s) 'maybe', 'yes'; a decision is one of match, review, no_match",
                 id="decision"),
    pytest.param(_matches([("1", "a", "match"), ("2", "", "match")]),
                 "matches:row 3: decision match without a registry_id; a match needs the registry id it claims",
                 id="match-without-id"),
    pytest.param(_matches([("q", "a", "match")]),
                 "matches: none of its list ids is in the truth file (e.g. 'q' vs '1'); give the truth of this list",
                 id="truth-of-another-list"),
]


@pytest.mark.parametrize(("matches", "message"), MATCH_ERRORS)
def test_evaluate_errors(matches, message) -> None:
    with pytest.raises(InputError) as exc:
        evaluate(matches, TRUTH)
    assert str(exc.value) == message


def test_round_trip_files(tmp_path) -> None:
    m = _write(tmp_path, "list_id,registry_id,decision,match_probability\n1,a,match,0.99\n2,,no_match,0.1\n",
               "matches.csv")
    t = _write(tmp_path, "rec_id_1,rec_id_2\na,1\nb,2\n")
    ev = evaluate(read_matches(m), read_truth(t))
    assert (ev.tp, ev.fp, ev.fn, ev.truth_format) == (1, 0, 1, "pairs")
