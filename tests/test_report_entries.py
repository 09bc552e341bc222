"""report.json's entries, written in the column layout for the shown pairs only, are the exact text of
`entries.to_columns` of the dict-per-entry encoding they replace, and read back to those dicts; report.html written in the same pass is the page `write_html`
makes from that file."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from linker.engines.local import LocalEngine
from linker.pipeline import run_match
from linker.model import field_weights
from linker.decide import entry_table, matches_frame
from linker.display import display_table, registry_display
from linker.report.entries import to_columns, to_dicts
from linker.report.html import write_html, write_json_and_html
from linker.report.entries_json import MAX_CANDIDATES, _jfloats, _str_column, entries_json_pieces, shown_pairs
from linker.report.summary import _r, build_report
from linker.settings import make_settings

sys.path.insert(0, str(Path(__file__).parent))
from report_sample import HOSTILE  # noqa: E402
from report_sample import build_report as sample_report  # noqa: E402

FIX = Path(__file__).resolve().parents[1] / "fixtures"
ENC = dict(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def reference_entries(run, entries, matches, fields) -> list[dict]:
    """The entries as the report built them before: every pair sorted, a dict per entry."""
    sc = run.scored
    comps = run.model.comparisons
    disp_l = display_table(run.list)
    ids_r = run.registry.ids.to_numpy(object)
    order = np.lexsort((sc.right, -sc.pair_p, sc.left)) if len(sc.left) else np.zeros(0, np.int64)
    e_sorted = sc.left[order]
    starts = np.searchsorted(e_sorted, np.arange(len(entries)), side="left")
    ends = np.searchsorted(e_sorted, np.arange(len(entries)), side="right")
    rank_in_entry = np.arange(len(order)) - starts[e_sorted] if len(order) else np.zeros(0, np.int64)
    shown = np.zeros(len(sc.left), bool)
    shown[order[rank_in_entry < MAX_CANDIDATES]] = True
    idx = np.flatnonzero(shown)
    pos = np.full(len(sc.left), -1, np.int64)
    pos[idx] = np.arange(len(idx))
    sub = sc.gammas.iloc[idx]
    gam = {c.name: sub[f"gamma_{c.name}"].to_numpy() for c in comps}
    mw = field_weights(run.model, sub)
    disp_r, rpos = registry_display(run.registry, sc.right[idx])
    lvals = {f: disp_l[f].astype(str).tolist() for f in fields if f in disp_l}
    rvals = {f: disp_r[f].astype(str).tolist() for f in fields if f in disp_r}
    labels = {c.name: c.labels for c in comps}
    level_text = {c: [("missing" if g < 0 else labels[c][g]) for g in gam[c].tolist()] for c in gam}
    mw_list = {c: np.round(v, 3).tolist() for c, v in mw.items()}
    mw_tf, w, p = sc.weights["mw_tf"].tolist(), sc.weights["match_weight"].tolist(), sc.pair_p.tolist()
    m = matches
    out = []
    for i in range(len(entries)):
        cands = []
        for k in order[starts[i]:min(ends[i], starts[i] + MAX_CANDIDATES)].tolist():
            j, q = int(sc.right[k]), int(pos[k])
            weights = {c: mw_list[c][q] for c in mw_list}
            weights["term_frequency"] = _r(mw_tf[k], 3)
            cands.append({"registry_id": str(ids_r[j]), "probability": _r(p[k]), "weight": _r(w[k], 3),
                          "registry": {f: v[rpos[j]] for f, v in rvals.items()},
                          "levels": {c: level_text[c][q] for c in level_text}, "weights": weights})
        dec = str(m["decision"].iloc[i])
        flags = str(m["flags"].iloc[i])
        out.append({
            "list_id": str(m["list_id"].iloc[i]), "row": i + 1, "decision": dec,
            "probability": _r(float(entries["p_best"].iloc[i])),
            "genuine_probability": _r(float(entries["p_genuine"].iloc[i])),
            "weight": _r(float(entries["weight"].iloc[i]), 3), "flags": [f for f in flags.split(";") if f],
            "label": dec if m["labelled"].iloc[i] == "yes" else None,
            "duplicate_of": str(m["duplicate_of"].iloc[i]) or None,
            "list": {f: v[i] for f, v in lvals.items()}, "candidates": cands,
        })
    return out


@pytest.fixture(scope="module")
def matched():
    settings = make_settings(None, quiet=True)
    run = run_match(str(FIX / "ru" / "list.csv"), str(FIX / "ru" / "registry.csv"), settings, LocalEngine())
    entries = entry_table(run, settings)
    matches = matches_frame(run, entries, np.zeros(len(entries), bool))
    report = build_report(run, entries, matches, settings, None, with_entries=False)
    return run, entries, matches, report


def hostile(run, entries, matches):
    """The run with markup, quotes, control and separator characters in every shown text, pairs out of
    entry order, probability ties, a missing weight, a negative zero, labels and duplicate listings."""
    rng = np.random.default_rng(3)
    sc = run.scored
    n = len(sc.left)
    perm = rng.permutation(n)
    p = np.round(sc.pair_p, 1)[perm]                    # many ties: the registry row decides
    w = sc.weights.iloc[perm].reset_index(drop=True).copy()
    w.loc[0, "match_weight"] = np.nan
    w.loc[1, "mw_tf"] = -0.0
    w.loc[2, "mw_tf"] = -0.0001
    scored = dataclasses.replace(sc, left=sc.left[perm], right=sc.right[perm], pair_p=p, weights=w,
                                 gammas=sc.gammas.iloc[perm].reset_index(drop=True))
    odd = [*HOSTILE, 'a"b\\c', "tab\tnew\nline\x00\x1f", "%s {} 😀", "", "  "]
    disp = display_table(run.list).copy()
    for k, col in enumerate(disp.columns):
        disp[col] = [odd[(i + k) % len(odd)] if i % 3 == 0 else v for i, v in enumerate(disp[col])]
    raw = run.registry.raw.copy()
    for k, col in enumerate(raw.columns[1:]):
        raw[col] = [odd[(i + k) % len(odd)] if i % 4 == 0 else v for i, v in enumerate(raw[col])]
    registry = dataclasses.replace(run.registry, raw=raw, display_cache=None)
    lst = dataclasses.replace(run.list, display_cache=disp)
    m = matches.copy()
    m["labelled"] = np.where(np.arange(len(m)) % 5 == 0, "yes", "")
    m["duplicate_of"] = np.where(np.arange(len(m)) % 7 == 3, "<" + m["list_id"] + "&>", "")
    m["flags"] = np.where(np.arange(len(m)) % 6 == 1, "namesakes;;duplicate_listing", m["flags"])
    e = entries.copy()
    e.loc[0, "weight"] = np.nan
    e.loc[1, "p_best"] = 2.675e-7
    return dataclasses.replace(run, list=lst, registry=registry, scored=scored), e, m


@pytest.mark.parametrize("perturbed", [False, True])
def test_entries_text_is_the_dict_encoding(matched, perturbed):
    run, entries, matches, report = matched
    if perturbed:
        run, entries, matches = hostile(run, entries, matches)
    ref = reference_entries(run, entries, matches, report["fields"])
    assert any(len(e["candidates"]) == MAX_CANDIDATES for e in ref)
    text = "".join(entries_json_pieces(run, entries, matches, report["fields"]))
    assert text == json.dumps(to_columns(ref), **ENC)
    assert to_dicts(json.loads(text)) == ref


def test_build_report_with_entries(matched):
    run, entries, matches, report = matched
    settings = make_settings(None, quiet=True)
    full = build_report(run, entries, matches, settings, None, with_entries=True)
    assert full["entries"] == reference_entries(run, entries, matches, report["fields"])


def test_entries_of_an_empty_run(matched):
    run, entries, matches, report = matched
    sc = run.scored
    none = dataclasses.replace(sc, left=sc.left[:0], right=sc.right[:0], pair_p=sc.pair_p[:0],
                               gammas=sc.gammas.iloc[:0], weights=sc.weights.iloc[:0])
    run0 = dataclasses.replace(run, scored=none)
    text = "".join(entries_json_pieces(run0, entries, matches, report["fields"]))
    ref = reference_entries(run0, entries, matches, report["fields"])
    assert text == json.dumps(to_columns(ref), **ENC) and to_dicts(json.loads(text)) == ref


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_shown_pairs_are_the_first_of_a_full_sort(seed, k):
    rng = np.random.default_rng(seed)
    n, entries = int(rng.integers(1, 400)), int(rng.integers(1, 60))
    left = rng.integers(0, entries, n).astype(np.int32)
    if seed % 2:
        left = np.sort(left)
    right = rng.permutation(n * 3)[:n].astype(np.int32)
    p = np.round(rng.random(n), int(rng.integers(0, 3)))   # ties at every scale
    if seed == 4:
        p[rng.integers(0, n, 5)] = np.nan
    order = np.lexsort((right, -p, left))
    le = left[order]
    first = np.searchsorted(le, le, side="left")
    expect = order[np.arange(n) - first < k]
    got = shown_pairs(left, right, p, k, chunk=int(rng.integers(1, 50)))
    assert got.tolist() == expect.tolist()


def test_json_floats_are_the_encoders():
    rng = np.random.default_rng(0)
    tricky = [0.0, -0.0, 1.0, -1.0, 0.0005, 0.0015, 2.675, 1.0005, -0.0004, 0.00049999999999999,
              1e-7, 5e-5, 123456789.0005, 1e17, -1e-300, 2.5e-6, 0.9999995, math.nan, math.inf, -math.inf]
    values = np.r_[tricky, rng.random(2000), rng.normal(0, 30, 2000), np.round(rng.random(500), 4) + 5e-7,
                   np.repeat(rng.random(20), 5)]
    for digits in (3, 6):
        want = [json.dumps(_r(v, digits)) for v in values.tolist()]
        assert _jfloats(values, digits).tolist() == want


def test_json_and_html_in_one_pass_match_write_html(tmp_path):
    report = sample_report(40, seed=5, hostile=True)
    entries = report.pop("entries")
    head = json.dumps(report, **ENC)
    body = json.dumps(entries, **ENC)
    chunks = [head[:-1] + ',"entries":', body[:1000], body[1000:1001], body[1001:], "}"]
    write_json_and_html(tmp_path / "a.json", tmp_path / "a.html", report, iter(chunks))
    (tmp_path / "b.json").write_bytes((tmp_path / "a.json").read_bytes())
    write_html(tmp_path / "b.html", report, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "".join(chunks) + "\n"
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert "\u2028" in body and "\u2028" not in (tmp_path / "a.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("values", [["", ""], ["Иван", "", "в/ч 1"], ['a"b', "x"], ["back\\slash"], ["bell\x07"],
                                    ["\u2028<&>"], []])
def test_text_columns_are_quoted_values_or_their_json(values):
    arr, plain = _str_column(np.array(values, dtype=object))
    texts = [('"' + v + '"') if plain else v for v in arr.to_pylist()]
    assert texts == [json.dumps(v, ensure_ascii=False) for v in values]
    assert plain == all(json.dumps(v, ensure_ascii=False) == '"' + v + '"' for v in values)


def test_column_layout_reads_back_every_shape():
    """Entries without candidates, records with different keys, a term-frequency weight present, null or
    absent, a key no entry has: `to_dicts(to_columns(x)) == x`, through JSON too."""
    from linker.report.entries import count, decisions

    entries = sample_report(30, seed=12, hostile=True)["entries"]
    entries[0]["candidates"] = []
    entries[1]["list"] = {"surname": entries[1]["list"]["surname"]}
    for e in entries[2:6]:
        for c in e["candidates"]:
            c["weights"] = {**c["weights"], "term_frequency": 1.25}
    if entries[6]["candidates"]:
        entries[6]["candidates"][0]["weights"]["term_frequency"] = None
    cols = to_columns(entries)
    assert cols["layout"] == "columns" and "genuine_probability" not in cols      # no entry has it
    assert to_dicts(cols) == entries
    assert to_dicts(json.loads(json.dumps(cols, **ENC))) == entries
    assert count(cols) == len(entries) and decisions(cols) == [e["decision"] for e in entries]
    assert len(cols["list"]["rank"]["values"]) < len(entries)                      # few distinct ranks, once each
    assert to_dicts(entries) == entries and to_dicts(to_columns([])) == []
