"""The published count: the blocking miss rate read from the data, the bootstrap interval, its words."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linker import assign, interval
from linker.blocking import Rule
from linker.run import match
from linker.settings import Settings
from linker.synthetic.ru import synth, write_synth

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"


def test_miss_rate_capture_recapture():
    # 1000 confident matches: the identifier rules catch 900 (missing 10%), the others 950 (missing 5%),
    # independently: both miss 0.5% of the people, who are not in the table
    rng = np.random.default_rng(0)
    a = rng.random(20000) < 0.90
    b = rng.random(20000) < 0.95
    seen = a | b
    hits = np.c_[a, a, b][seen]
    rate, detail = interval.miss_rate(hits, np.array([True, True, False]), np.ones(int(seen.sum())))
    assert detail["method"] == "capture-recapture"
    assert detail["identifier_rules_miss"] == pytest.approx(0.10, abs=0.01)
    assert detail["other_rules_miss"] == pytest.approx(0.05, abs=0.005)
    assert rate == pytest.approx(0.005, abs=0.001)


def test_a_group_that_missed_nothing_does_not_zero_the_miss_rate():
    """300 caught by both groups, 80 by the name rules alone, none by the identifier alone: the name rules'
    miss rate is not 0 but Jeffreys' posterior mean 0.5 / 301."""
    hits = np.r_[np.ones((300, 2), bool), np.c_[np.zeros(80, bool), np.ones(80, bool)]]
    ident = np.array([True, False])
    rate, detail = interval.miss_rate(hits, ident, np.ones(len(hits)))
    assert detail["other_rules_miss"] == pytest.approx(0.5 / 301, abs=1e-4)
    assert detail["identifier_rules_miss"] == pytest.approx(80.5 / 381, abs=1e-4)
    assert rate == pytest.approx(0.5 / 301 * 80.5 / 381, rel=1e-3) and rate > 1e-4
    # one more catch of the name rules moves the rate a little, not to nothing and back
    more = np.r_[hits, [[True, False]]]
    assert 0.5 * rate < interval.miss_rate(more, ident, np.ones(len(more)))[0] < 5 * rate


@pytest.mark.parametrize("ident, why", [([False, False], "no identifier"), ([True, True], "only identifier")])
def test_miss_rate_without_two_groups_keeps_the_prior(ident, why):
    hits = np.ones((100, 2), bool)
    rate, detail = interval.miss_rate(hits, np.array(ident), np.ones(100))
    assert rate == interval.PRIOR_MISS_RATE and detail["method"] == "prior" and why in detail["reason"]


def test_miss_rate_too_few_matches_keeps_the_prior():
    hits = np.ones((5, 2), bool)
    assert interval.miss_rate(hits, np.array([True, False]), np.ones(5))[1]["method"] == "prior"


def test_identifier_rule():
    assert interval.is_identifier_rule(Rule.parse(["pnum_d"]))
    assert not interval.is_identifier_rule(Rule.parse(["sn_stem", "fn_canon", "by"]))


def test_weighted_share_with_unit_weights_is_the_unweighted_share():
    rng = np.random.default_rng(1)
    entry = np.sort(rng.integers(0, 300, 900))
    w = rng.normal(5, 8, 900)
    plain = assign.fit_genuine_share(entry, w, 300, 5000, miss_rate=0.01)
    ones = assign.fit_genuine_share(entry, w, 300, 5000, miss_rate=0.01, entry_weight=np.ones(300))
    assert ones.genuine_share == pytest.approx(plain.genuine_share, abs=1e-9)
    # doubling the weight of the entries with no pair lowers the share
    none = np.setdiff1d(np.arange(300), entry)
    ew = np.ones(300)
    ew[none] = 3.0
    assert assign.fit_genuine_share(entry, w, 300, 5000, miss_rate=0.01, entry_weight=ew).genuine_share \
        < plain.genuine_share


@pytest.mark.parametrize("kind", ["ru", "latin"])
def test_fixture_count_covers_the_truth_and_says_what_it_covers(kind):
    d = FIX / kind
    out = match(str(d / "list.csv"), str(d / "registry.csv"), Settings(quiet=True, decoys=0))
    eg = out.report["expected_genuine"]
    truth = pd.read_csv(d / "truth.csv", dtype=str, keep_default_na=False)
    n_true = int((truth["registry_id"] != "").sum())
    assert eg["low"] <= n_true <= eg["high"], (eg, n_true)
    assert eg["high"] - eg["low"] <= 0.06 * len(truth)
    assert eg["bootstrap_replicates"] == interval.BOOTSTRAP_REPLICATES and eg["sd_fit"] > 0
    assert eg["miss_rate"]["method"] == "capture-recapture"
    assert "95% interval allows for" in eg["covers"] and "does not allow for" in eg["does_not_cover"]
    assert out.run.model.miss_rate == eg["miss_rate"]["rate"] or abs(out.run.model.miss_rate - eg["miss_rate"]["rate"]) < 1e-5


def test_fabricated_list_interval_includes_zero(tmp_path):
    reg, lst, truth = synth(3000, 300, seed=7, genuine=0.0, namesakes=0.7)
    write_synth(tmp_path, reg, lst, truth)
    eg = match(str(tmp_path / "list.csv"), str(tmp_path / "registry.csv"),
               Settings(quiet=True, decoys=0)).report["expected_genuine"]
    assert eg["low"] == 0.0 and eg["estimate"] < 3.0, eg


def test_large_list_bootstraps_on_a_sample(monkeypatch):
    d = FIX / "ru"
    full = match(str(d / "list.csv"), str(d / "registry.csv"), Settings(quiet=True, decoys=0)).report["expected_genuine"]
    monkeypatch.setattr(interval, "BOOTSTRAP_MAX_PAIRS", 200)
    monkeypatch.setattr(interval, "BOOTSTRAP_MIN_ENTRIES", 100)
    got = match(str(d / "list.csv"), str(d / "registry.csv"), Settings(quiet=True, decoys=0)).report["expected_genuine"]
    assert got["estimate"] == full["estimate"] and got["sd_entries"] == full["sd_entries"]
    assert 100 <= got["bootstrap_entries"] < 300 and full["bootstrap_entries"] == 300
    assert "on a sample of" in got["covers"]
    assert full["sd_fit"] / 3 < got["sd_fit"] < full["sd_fit"] * 3, (full, got)


def test_without_an_identifier_the_miss_rate_is_measured_by_a_second_look() -> None:
    """A census-style list has no SSN, so capture-recapture has nothing to recapture with: the rate comes
    from blocking a sample of the entries that found nobody again on loose keys (linker.probe)."""
    import linker
    from linker.probe import PROBE_ENTRIES

    s = linker.synth(4000, 600, style="us", form="census", seed=7, damage=2.0)
    r = linker.match(s.list, s.registry, decoys=0, seed=7)
    e = r.expected_genuine
    mr = e.detail["miss_rate"]
    assert mr["method"] == "probe" and mr["sampled"] == min(PROBE_ENTRIES, mr["pool"])
    p = r._out.run.scored.entries["p_genuine"].to_numpy()
    assert mr["missed"] > 0 and mr["rate"] > 0
    assert e.low <= e.estimate <= e.high and e.detail["sd_missed"] >= 0
    assert "measured by blocking" in e.covers and "those keys miss too" in e.covers
    truth = int((s.truth["registry_id"] != "").sum())
    assert abs(p.sum() - e.estimate) < 0.05 and abs(e.estimate - truth) < 0.1 * truth
