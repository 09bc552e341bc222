"""The chance test's shortcuts give exactly what encoding and blocking the decoys from their strings give."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from linker import blocking, compare as cmp
from linker.compare import compare_in_chunks
from linker.engines.local import LocalEngine
from linker.pipeline import run_match, score_entries
from linker.errors import BlockingError
from linker.model import TermFrequencies
from linker.report import decoy
from linker.interval import wilson
from linker.settings import Settings

FIX = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def run():
    return run_match(str(FIX / "ru" / "list.csv"), str(FIX / "ru" / "registry.csv"), Settings(quiet=True), LocalEngine())


def decoys_of(run, n: int, seed: int):
    picks = decoy._picks(run.list.std, n, seed)
    return picks, decoy.make_decoys(run.list.std, n, seed, picks)


def assert_same_encoding(a: cmp.Encoded, b: cmp.Encoded) -> None:
    assert a.left.keys() == b.left.keys() and a.right.keys() == b.right.keys() and a.vocab.keys() == b.vocab.keys()
    for side_a, side_b in ((a.left, b.left), (a.right, b.right), (a.vocab, b.vocab)):
        for c in side_b:
            assert side_a[c].dtype == side_b[c].dtype, c
            assert np.array_equal(side_a[c], side_b[c]), c


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_decoys_encoded_from_run_codes_equal_encode(run, seed):
    picks, decoys = decoys_of(run, 500, seed)
    assert_same_encoding(decoy._encode_decoys(run, picks, decoys), cmp.encode(decoys, run.registry.std))


def test_make_decoys_draws_groups_together(run):
    _picks, dec = decoys_of(run, 300, 5)
    std = run.list.std
    assert list(dec.columns) == [c for c in std.columns if c in dec.columns]
    # a field group comes from one list entry: the surname and its stem travel together
    rows = {(a, b) for a, b in zip(std["sn"], std["sn_stem"])}
    assert all((a, b) in rows for a, b in zip(dec["sn"], dec["sn_stem"]))


RULES = [
    None,                                                       # the run's own
    [("sn_stem", "fn_canon"), ("dob", "sn_init"), ("dob_swapped>dob", "fn_init"), ("pnum_d",)],
    [("fn_canon>sn_stem", "sn_stem>fn_canon"), ("fn_phon", "sn_phon", "by"), ("fn_canon", "pt", "bm", "bd")],
    [("by",), ("unit", "cat")],                                # large blocks: caps at work
]
IDS = ["run", "dates", "swapped", "coarse"]
if hasattr(blocking, "key_columns"):                           # row selectors
    RULES.append([("sn_stem", "fn_canon", "no_by>any"), ("fn_phon", "no_pnum>any"), ("any", "by>no_by")])
    IDS.append("selectors")


@pytest.mark.parametrize("rules", RULES, ids=IDS)
@pytest.mark.parametrize("max_block", [500, 7, 0])
def test_block_decoys_equals_block(run, rules, max_block):
    picks, decoys = decoys_of(run, 2000, 11)
    enc = decoy._encode_decoys(run, picks, decoys)
    parsed = [blocking.Rule.parse(name.split("+")) for name, _n in run.blocking.rule_pairs] if rules is None \
        else [blocking.Rule.parse(r) for r in rules]
    left, right = decoy._block_decoys(decoys, run.registry.std, parsed, enc, max_pairs=50_000_000, max_block=max_block)
    want = blocking.block(decoys, run.registry.std, parsed, max_pairs=50_000_000, max_block=max_block)
    assert left.dtype == want.left.dtype and right.dtype == want.right.dtype
    assert np.array_equal(left, want.left) and np.array_equal(right, want.right)
    assert len(left)


def test_block_decoys_refuses_as_block_does(run):
    picks, decoys = decoys_of(run, 2000, 3)
    enc = decoy._encode_decoys(run, picks, decoys)
    rules = [blocking.Rule.parse(["by"])]
    with pytest.raises(BlockingError) as ours:
        decoy._block_decoys(decoys, run.registry.std, rules, enc, max_pairs=1000, max_block=0)
    with pytest.raises(BlockingError) as theirs:
        blocking.block(decoys, run.registry.std, rules, max_pairs=1000, max_block=0)
    assert str(ours.value) == str(theirs.value)


def test_chance_test_equals_the_test_on_strings(run):
    """The whole test against encoding, blocking, comparing and scoring the decoys from their strings."""
    settings = Settings(quiet=True, decoys=1500, seed=4)
    got = decoy.chance_test(run, settings, 250, len(run.list.std))
    n = settings.decoys
    dec = decoy.make_decoys(run.list.std, n, settings.seed + 7919)
    enc = cmp.restrict(cmp.encode(dec, run.registry.std), run.model.comparisons, source="model")
    rules = [blocking.Rule.parse(name.split("+")) for name, _n in run.blocking.rule_pairs]
    b = blocking.block(dec, run.registry.std, rules, max_pairs=settings.max_pairs, max_block=settings.max_block)
    gam = compare_in_chunks(enc, b.left, b.right, settings.chunk_pairs, settings.workers)
    sc = score_entries(run.model, enc, TermFrequencies.from_encoded(enc), b.left, b.right, gam, n,
                       len(run.registry.std), settings, fit_share=False)
    k = int((sc.entries["decision"] == "match").sum())
    assert got.decoys == n and got.decoy_matches == k and (got.low, got.high) == wilson(k, n)


def test_decoys_that_copy_the_list_score_as_the_list(run, monkeypatch):
    """Decoys drawn whole from one entry each are the list itself: they must get the run's own decisions
    (same pairs, levels, term frequencies and share), whatever vocabulary their encoding uses."""
    n = len(run.list.std) // 2        # half the list: the decoys' vocabulary is not the run's
    monkeypatch.setattr(decoy, "_picks", lambda std, k, seed: {c: np.arange(n) for c in std.columns if c != "flags"})
    got = decoy.chance_test(run, Settings(quiet=True, decoys=n), 0, n)
    assert got.decoy_matches == int((run.scored.entries["decision"].to_numpy()[:n] == "match").sum())


def test_the_chance_test_blocks_with_the_runs_own_rules(run):
    settings = Settings(quiet=True)
    rules = decoy.run_rules(run, settings)
    assert [r.name for r in rules] == [name for name, _n in run.blocking.rule_pairs]
    chosen = {r.name: r for r in blocking.choose_rules(None, run.list.std, run.registry.std)}
    assert all(r.loose == chosen[r.name].loose for r in rules)          # loose rules stay loose
    assert any(r.loose for r in chosen.values())
