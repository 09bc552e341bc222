"""The decide step: each list entry's decision after the registry's claims and the list's own duplicates
are resolved, and matches.csv (exactly one row per list row, in input order)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .assign import resolve_claims
from .model import identifier_conflict
from .display import display_table, fixed, registry_display, take
from .settings import Settings


def _link_list_duplicates(run, settings: Settings, decision: np.ndarray, claim_flag: np.ndarray,
                          dup_of: np.ndarray) -> None:
    """Entries of the list that are the same person as an earlier entry, in or out of the registry."""
    from .listdupes import list_duplicate_pairs

    a, b, _p = list_duplicate_pairs(run.list.std, run.model, threshold=settings.match_threshold,
                                    max_pairs=settings.max_pairs, chunk=settings.chunk_pairs, workers=settings.workers,
                                    enc=run.enc)
    for x, y in sorted(zip(a.tolist(), b.tolist())):
        if decision[y] == "match" and decision[x] != "match":
            x, y = y, x                       # the confirmed entry is the one the other duplicates
        if claim_flag[y] or claim_flag[x] == "duplicate_listing" and dup_of[x] == y:
            continue
        primary = dup_of[x] if claim_flag[x] == "duplicate_listing" else x
        claim_flag[y] = "duplicate_listing"
        dup_of[y] = primary


def entry_table(run, settings: Settings) -> pd.DataFrame:
    """One row per list entry: decision, probabilities, best candidate and runner-up (registry rows)."""
    sc = run.scored
    e = sc.entries
    best_pair = e["best_pair"].to_numpy()
    runner_pair = e["runner_pair"].to_numpy()
    best_right = np.where(best_pair >= 0, sc.right[np.clip(best_pair, 0, None)] if len(sc.right) else -1, -1)
    runner_right = np.where(runner_pair >= 0, sc.right[np.clip(runner_pair, 0, None)] if len(sc.right) else -1, -1)
    decision = e["decision"].to_numpy(object)
    # a number that agrees beside a given name that disagrees is never confirmed (`model.identifier_conflict`)
    id_conflict = np.zeros(len(decision), bool)
    has = np.flatnonzero(best_pair >= 0)
    id_conflict[has] = identifier_conflict(sc.gammas.iloc[best_pair[has]], run.model.conflict_share,
                                           1.0 - settings.match_threshold)
    decision = np.where(id_conflict & (decision == "match"), "review", decision).astype(object)
    decision, claim_flag, dup_of = resolve_claims(best_right, e["p_best"].to_numpy(), decision)
    _link_list_duplicates(run, settings, decision, claim_flag, dup_of)
    w = sc.weights["match_weight"].to_numpy()
    best_w = np.where(best_pair >= 0, w[np.clip(best_pair, 0, None)] if len(w) else np.nan, np.nan)
    flags = run.list.std["flags"].to_numpy(object).copy()
    # namesakes: another candidate nearly as probable as the best one
    ambiguous = (runner_right >= 0) & (e["p_runner"].to_numpy() >= 0.5 * e["p_best"].to_numpy()) & \
        (e["p_best"].to_numpy() + e["p_runner"].to_numpy() >= settings.review_threshold)
    for mask, name in ((id_conflict, "identifier_conflict"), (ambiguous, "namesakes"),
                       (claim_flag == "duplicate_listing", "duplicate_listing"), (claim_flag == "claimed", "claimed")):
        flags = np.where(mask, np.where(flags == "", name, flags + ";" + name), flags)
    return pd.DataFrame({
        "best_right": best_right, "runner_right": runner_right, "decision": decision,
        "p_best": e["p_best"].to_numpy(), "p_runner": e["p_runner"].to_numpy(),
        "p_genuine": e["p_genuine"].to_numpy(), "weight": best_w, "n_candidates": e["n_candidates"].to_numpy(),
        "flags": flags, "dup_of": dup_of, "best_pair": best_pair,
    })


def matches_frame(run, entries: pd.DataFrame, labelled: np.ndarray) -> pd.DataFrame:
    """matches.csv: exactly one row per list row, in input order."""
    ids_l = run.list.ids.to_numpy(object)
    ids_r = run.registry.ids.to_numpy(object)
    br, rr = entries["best_right"].to_numpy(), entries["runner_right"].to_numpy()
    has = br >= 0
    dec = entries["decision"].to_numpy(object)
    # the registry id is given for match and review (the candidate to look at); empty for no_match
    show = has & (dec != "no_match")
    dup = entries["dup_of"].to_numpy()
    p_best, p_runner = entries["p_best"].to_numpy(), entries["p_runner"].to_numpy()
    out = pd.DataFrame({
        "list_id": ids_l,
        "registry_id": take(ids_r, br, show),
        "decision": dec,
        "match_probability": fixed(p_best, 6),
        "match_weight": np.where(has, fixed(np.nan_to_num(entries["weight"].to_numpy()), 3), ""),
        "genuine_probability": fixed(entries["p_genuine"], 6),
        "runner_up_id": take(ids_r, rr, rr >= 0),
        "runner_up_probability": np.where(rr >= 0, fixed(p_runner, 6), ""),
        "margin": np.where(has, fixed(p_best - p_runner, 6), ""),
        "candidates": entries["n_candidates"].to_numpy(),
        "flags": entries["flags"].to_numpy(object),
        "duplicate_of": take(ids_l, dup, dup >= 0),
        "labelled": np.where(labelled, "yes", ""),
    })
    disp_l = display_table(run.list)
    disp_r, rpos = registry_display(run.registry, np.where(show, br, -1))
    for col in disp_l.columns:
        out[f"list_{col}"] = disp_l[col].to_numpy(object)
    at = rpos[np.clip(br, 0, None)] if len(rpos) else np.zeros(len(br), np.int64)
    for col in disp_r.columns:
        out[f"registry_{col}"] = take(disp_r[col].to_numpy(object), at, show & (at >= 0))
    return out


def decide(run, settings: Settings) -> None:
    """Set ``run.entries`` (`entry_table`) and ``run.matches`` (`matches_frame`, labelled entries marked)."""
    entries = entry_table(run, settings)
    labelled = np.zeros(len(entries), bool)
    if run.labels is not None and len(run.labels):
        labelled = run.list.ids.isin(set(run.labels["list_id"].astype(str).str.strip())).to_numpy()
    run.entries = entries
    run.matches = matches_frame(run, entries, labelled)
