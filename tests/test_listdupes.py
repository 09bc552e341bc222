"""Duplicate listings: the shortcuts (codes of the run's encoding, integer blocking keys) change nothing."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from linker import blocking, compare as cmp, listdupes, model as fs
from linker.compare import compare_in_chunks
from linker.engines.local import LocalEngine
from linker.pipeline import run_match
from linker.settings import Settings

FIX = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def run():
    return run_match(str(FIX / "ru" / "list.csv"), str(FIX / "ru" / "registry.csv"), Settings(quiet=True), LocalEngine())


def reference(std, model, threshold):
    """The list against itself from its strings (encode, block, compare, score), as it was done before."""
    n = len(std)
    enc = cmp.restrict(cmp.encode(std, std), model.comparisons, source="model")
    rules = [r for r in blocking.default_rules(std, std) if set(r.list_keys) & listdupes.DATE_OR_NUMBER]
    res = blocking.block(std, std, rules, max_pairs=50_000_000, dedupe=True, automatic=True, max_block=500)
    gam = compare_in_chunks(enc, res.left, res.right, 2_000_000, -1)
    w = fs.score(model, enc, gam, res.left, res.right, fs.TermFrequencies.from_encoded(enc))["match_weight"].to_numpy()
    prob = 1.0 / (1.0 + np.exp(-np.clip(w * np.log(2) - np.log(max(n - 1, 1)), -700, 700)))
    keep = prob >= threshold
    return res.left[keep].astype(np.int64), res.right[keep].astype(np.int64), prob[keep]


def test_recode_equals_encode(run):
    std = run.list.std
    got = listdupes.recode(run.enc, run.enc.left, run.enc.left)
    want = cmp.encode(std, std)
    for side_a, side_b in ((got.left, want.left), (got.right, want.right), (got.vocab, want.vocab)):
        assert side_a.keys() == side_b.keys()
        for c in side_b:
            assert side_a[c].dtype == side_b[c].dtype and np.array_equal(side_a[c], side_b[c]), c


def test_recode_refuses_a_missing_code(run):
    left = dict(run.enc.left)
    left["sn"] = left["sn"].copy()
    left["sn"][0] = -1
    assert listdupes.recode(run.enc, left, run.enc.right) is None


@pytest.mark.parametrize("with_enc", [True, False])
@pytest.mark.parametrize("threshold", [0.9, 0.2])
def test_pairs_equal_the_pairs_from_strings(run, with_enc, threshold):
    got = listdupes.list_duplicate_pairs(run.list.std, run.model, threshold=threshold, max_pairs=50_000_000,
                                         chunk=2_000_000, workers=-1, enc=run.enc if with_enc else None)
    want = reference(run.list.std, run.model, threshold)
    assert len(want[0])
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and np.array_equal(a, b)


@pytest.mark.parametrize("keys", [("sn_stem", "fn_canon"), ("dob", "sn_init"), ("dob_swapped>dob", "fn_init"),
                                  ("fn_canon>sn_stem", "sn_stem>fn_canon"), ("sn_phon", "by"), ("pnum",),
                                  ("pnum_d",), ("fn_phon", "pt_init"), ("unit", "cat"), ("pnum>unit",),
                                  ("sn_stem", "fn_canon", "no_by>any"), ("by", "no_pnum>any")])
@pytest.mark.parametrize("dedupe", [True, False])
def test_blocking_on_encoded_codes_blocks_as_strings(run, keys, dedupe):
    """`blocking.block` with the run's encoding (codes instead of strings, as the list's self-comparison and
    the engines use it) gives the pairs, counts and caps of blocking the strings, also across code spaces."""
    std_l, std_r = run.list.std, (run.list.std if dedupe else run.registry.std)
    enc = listdupes.recode(run.enc, run.enc.left, run.enc.left) if dedupe else run.enc
    rules = [blocking.Rule.parse(keys)]
    got = blocking.block(std_l, std_r, rules, max_pairs=50_000_000, dedupe=dedupe, max_block=3, enc=enc)
    want = blocking.block(std_l, std_r, rules, max_pairs=50_000_000, dedupe=dedupe, max_block=3)
    assert np.array_equal(got.left, want.left) and np.array_equal(got.right, want.right)
    assert got.rule_pairs == want.rule_pairs
