"""The published count: the expected number of genuine entries and an interval that says what it covers.

The point estimate is sum_i P(entry i is a registry person). Its 95% interval adds up four things:

* **which entries are genuine, given the model**: the entries are independent Bernoulli draws with those
  probabilities (the variance sum p(1-p));
* **the fit**: the model (m of every comparison, the genuine share, the blocking miss rate) was estimated
  from this very list. A bootstrap over list entries (Poisson weights, a fixed number of replicates seeded by
  ``--seed``) refits it, warm-started from the fit (EM runs on the pattern-count table and a pass over the
  pairs, so a refit is cheap), and the spread of the count over the refits is added;
* **the blocking miss rate** is estimated from the data, not fixed: a genuine entry whose record no rule
  caught looks like nobody. The identifier rules (personal number) and the other rules (names, dates) catch
  a person through independent fields; among the confident matches, how often one group missed what the
  other caught gives each group's miss rate, and their product the union's (capture-recapture). Without an
  identifier on both sides there is nothing to recapture with, so the rate is measured instead
  (`linker.probe`: a sample of the entries that found nobody is blocked again on single loose keys and
  scored), with that sample's error added to the variance; it is a lower bound (records the loose keys
  miss too stay unseen), and the report says so;
* **the model being off** on the doubtful entries: each entry adds min(p, 1-p) to the variance (the count
  it would move by going to its nearer certainty);
* **the model being off in one direction** on all of them together (the same misdescribed damage, the same
  kind of namesake): a standard deviation of `SYSTEMATIC_SHARE` (0.35) times their total doubt
  D = sum min(p, 1-p). It grows with D itself, not its square root, so a long list's interval does not
  shrink below the model's own error. Sized by the coverage study (`scripts/coverage.py --json`, then the
  interval recomputed for each share): on the development seeds of every style (1-40 with a 10,000-entry
  roster, and 1-24 of the US census, US tax-form and two "other hands" styles; 65 rosters) the interval
  covered the truth on 60 of 65 without it, 61 with a share of 0.3 and 63 (97%) with 0.35.

What it does not cover: a model wrong in one direction by more than that share of the doubt (lists damaged
in ways the comparisons do not describe), a registry that is not the population the list claims to come
from, and genuine entries whose record blocking missed beyond what the two groups of rules reveal (both
groups failing on the same entry more often than independence says).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import blocking, model as fs

#: replicates of the bootstrap; above this many candidate pairs it refits on a seeded sample of the entries
#: (the fit's variance of the count scales with the number of entries, so the sample's is scaled up)
BOOTSTRAP_REPLICATES = 40
BOOTSTRAP_MAX_PAIRS = 250_000
BOOTSTRAP_MIN_ENTRIES = 1000
PRIOR_MISS_RATE = 0.01
#: the share of the doubtful entries' total doubt (sum of min(p, 1-p)) by which their probabilities may all be
#: off in one direction: one standard deviation of the count's systematic part (`count_interval`)
SYSTEMATIC_SHARE = 0.35
#: fewer confident matches than this in either group of rules: the miss rate is not read from the data
MIN_CAUGHT = 20.0


def is_identifier_rule(rule: blocking.Rule) -> bool:
    return any(k.startswith("pnum") for k in (*rule.list_keys, *rule.registry_keys))


def miss_rate(hits: np.ndarray, ident: np.ndarray, weight: np.ndarray) -> tuple[float, dict]:
    """The blocking miss rate by capture-recapture between the identifier rules and the others.

    ``hits``: per best pair (pairs x rules) which rules propose it; ``ident``: which rules are identifier
    rules; ``weight``: P(the pair is right), so that doubtful pairs count as little as they are worth.
    Each group's miss rate is a proportion among what the other group caught: its posterior mean under
    Jeffreys' prior (Beta(1/2, 1/2): half a miss and half a catch added), which is never 0, so a group that
    happens to miss none of the other's catches (one more rule closing the last gap) does not make the
    union's rate, and with it the interval's allowance for missed people, vanish."""
    if not ident.any() or ident.all() or not len(hits):
        return PRIOR_MISS_RATE, {"method": "prior", "reason": "no identifier rule beside the name and date rules"
                                 if not ident.any() else "only identifier rules"}
    a = hits[:, ident].any(axis=1)
    b = hits[:, ~ident].any(axis=1)
    n_a, n_b, n_ab = float(weight[a].sum()), float(weight[b].sum()), float(weight[a & b].sum())
    if min(n_a, n_b) < MIN_CAUGHT:
        return PRIOR_MISS_RATE, {"method": "prior", "reason": "too few confident matches to read it from"}
    q_a = (n_b - n_ab + 0.5) / (n_b + 1.0)   # identifier rules' miss rate, among what the others caught
    q_b = (n_a - n_ab + 0.5) / (n_a + 1.0)   # the others' miss rate, among what the identifier caught
    rate = float(np.clip(q_a * q_b, 1e-4, 0.5))
    return rate, {"method": "capture-recapture", "identifier_rules_miss": round(q_a, 4),
                  "other_rules_miss": round(q_b, 4)}


def best_pair_hits(run_std_l, run_std_r, rules, left, right, best, *, max_block, enc, key_codes=None) -> np.ndarray:
    """`blocking.rule_hits` of each entry's best pair (rows of entries without one are all False)."""
    has = best >= 0
    out = np.zeros((len(best), len(rules)), bool)
    if has.any() and rules:
        out[has] = blocking.rule_hits(run_std_l, run_std_r, rules, left[best[has]], right[best[has]],
                                      max_block=max_block, enc=enc, key_codes=key_codes)
    return out


def bootstrap_entries(n_list: int, n_pairs: int, seed: int) -> np.ndarray | None:
    """The entries the bootstrap refits on: None for all of them, else a seeded sample (sorted) whose pairs
    stay near `BOOTSTRAP_MAX_PAIRS`."""
    if n_pairs <= BOOTSTRAP_MAX_PAIRS or n_list < 2:
        return None
    k = int(min(n_list, max(BOOTSTRAP_MIN_ENTRIES, n_list * BOOTSTRAP_MAX_PAIRS // n_pairs)))
    if k >= n_list:
        return None
    return np.sort(np.random.default_rng([seed, 15, 1]).choice(n_list, k, replace=False))


def count_interval(scored, rate_detail: dict, replicates: list[float], n: int, *, sampled: int | None = None) -> dict:
    """The published count: estimate, 95% interval, and its parts (report.json ``expected_genuine``);
    ``sampled``: the replicates refitted on that many of the ``n`` entries (their variance scaled by n/k)."""
    p = scored.entries["p_genuine"].to_numpy(float)
    est = float(p.sum())
    var_draws = float((p * (1 - p)).sum())
    var_fit = float(np.var(replicates, ddof=1)) if len(replicates) > 1 else 0.0
    if sampled:
        var_fit *= n / sampled
    # the probabilities of the doubtful entries may themselves be off (damage the comparisons do not describe,
    # namesakes that copy a registry name): each entry adds min(p, 1-p), the count it would move by going to
    # its nearer certainty, to the variance
    doubt = float(np.minimum(p, 1 - p).sum())
    var_model = doubt
    # ... and off together, in one direction: the same misdescribed damage or the same kind of namesake moves
    # every doubtful entry alike, so this part grows with the doubt itself, not with its square root (a long
    # list's interval would otherwise shrink below the model's own error). SYSTEMATIC_SHARE is sized by
    # scripts/coverage.py on the development seeds of every style (README "The published count")
    var_sys = (SYSTEMATIC_SHARE * doubt) ** 2
    # a measured miss rate (`linker.probe`) carries the sampling error of its sample
    var_missed = float(rate_detail.get("sd", 0.0)) ** 2 if rate_detail.get("method") == "probe" else 0.0
    sd = float(np.sqrt(var_draws + var_fit + var_model + var_missed + var_sys))
    low, high = est - 1.96 * sd, est + 1.96 * sd
    if rate_detail.get("method") == "probe":
        missed = (f"genuine entries whose record no blocking rule caught (an estimated {rate_detail['rate']:.2%} of "
                  f"them, measured by blocking {rate_detail['sampled']} of the {rate_detail['pool']} entries that found "
                  "nobody again on single loose keys; records those keys miss too are not counted)")
    elif rate_detail.get("method") == "capture-recapture":
        missed = (f"genuine entries whose record no blocking rule caught (an estimated {rate_detail['rate']:.2%} of "
                  "them, read from how often the identifier rules and the name and date rules caught the same people)")
    else:
        missed = (f"genuine entries whose record no blocking rule caught, taken as {rate_detail.get('rate', PRIOR_MISS_RATE):.0%} "
                  f"of them ({rate_detail.get('reason', 'not read from the data')})")
    covers = ("The 95% interval allows for which entries are genuine given the model, for the uncertainty of the "
              f"model fitted on this list (a bootstrap over the list's entries, {len(replicates)} refits"
              f"{f' on a sample of {sampled:,} entries' if sampled else ''}), for "
              f"{missed}, and for the probabilities of the doubtful entries being off, each on its own and all "
              f"together in one direction (a standard deviation of {SYSTEMATIC_SHARE:.0%} of their total doubt; "
              f"both sized on rosters of several styles with known truth).")
    not_covered = ("It does not allow for a model wrong in one direction by more than that (damage the comparisons "
                   "do not describe, fields copied together, a list made of near-copies of registry people), for "
                   "a registry that is not the population the list claims to come from, or for misses of both "
                   "kinds of blocking rule on the same entries beyond what independence predicts.")
    return {"estimate": round(est, 2), "low": round(max(0.0, low), 2),
            "high": round(min(float(n), high), 2), "share": round(est / n if n else 0.0, 4),
            "sd_entries": round(float(np.sqrt(var_draws)), 3), "sd_fit": round(float(np.sqrt(var_fit)), 3),
            "sd_model": round(float(np.sqrt(var_model)), 3), "sd_missed": round(float(np.sqrt(var_missed)), 3),
            "sd_systematic": round(float(np.sqrt(var_sys)), 3),
            "bootstrap_replicates": len(replicates), "bootstrap_entries": sampled or n, "miss_rate": rate_detail,
            "covers": covers, "does_not_cover": not_covered}


def honest_count(model: fs.Model, scored, *, rescore, refit, hits: np.ndarray, ident: np.ndarray,
                 n_list: int, seed: int, fitted: bool, sample=None, probe=None
                 ) -> tuple[fs.Model, object, dict]:
    """Re-estimate the blocking miss rate from the data (refitting and rescoring once with it), then
    bootstrap the fit for the interval. ``rescore(model, fit_share, entry_weight)`` scores the list's pairs
    and returns a `Scored` (``fit_share``: refit the genuine share first, counting each entry
    ``entry_weight`` times); ``refit(miss_rate, entry_weight, start)`` returns the `Model` EM over entries
    fits from ``start`` (m, share). ``sample``: (entries, rescore, refit) of the same on a sample of the
    entries (`bootstrap_entries`), for the bootstrap of a large list."""
    p_best = scored.entries["p_best"].to_numpy(float)
    rate, detail = miss_rate(hits, ident, p_best)
    measured = None
    if detail["method"] == "prior" and probe is not None:      # nothing to recapture with: look again
        measured = probe(model, scored)
        if measured is not None:
            caught = float(scored.entries["p_genuine"].sum())
            rate = float(np.clip(measured["missed"] / max(caught + measured["missed"], 1e-9), 1e-4, 0.5))
            detail = {"method": "probe", "reason": detail["reason"], **{k: (round(v, 3) if isinstance(v, float)
                                                                            else v) for k, v in measured.items()}}
    if abs(rate - model.miss_rate) > 1e-6:
        model = dataclasses.replace(model, miss_rate=rate)
        if fitted:
            model = refit(rate, None, (model.m, model.genuine_share))
        scored = rescore(model, True, None)
        model.genuine_share = scored.genuine_share
    detail = {**detail, "rate": round(rate, 5)}
    boot_rows = np.arange(n_list)
    if sample is not None:
        boot_rows, rescore, refit = sample
    k = len(boot_rows)
    b_hits, b_p = hits[boot_rows], p_best[boot_rows]
    rng = np.random.default_rng([seed, 15])
    counts = []
    for _ in range(BOOTSTRAP_REPLICATES if k > 1 else 0):
        ew = rng.poisson(1.0, k).astype(float)
        rate_b = rate if measured is not None else miss_rate(b_hits, ident, b_p * ew)[0]
        if fitted:
            mb = refit(rate_b, ew, (model.m, model.genuine_share))
        else:
            mb = dataclasses.replace(model, miss_rate=rate_b)
        # the share refitted on the replicate, then the count of the (sampled) entries under the refit
        counts.append(float(rescore(mb, True, ew).entries["p_genuine"].sum()))
    return model, scored, count_interval(scored, detail, counts, n_list, sampled=k if sample is not None else None)


def wilson(k: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n (95% with the default z)."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)
