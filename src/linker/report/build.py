"""matches.csv and report.json from a finished run (report.html renders the latter)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..assign import resolve_claims
from ..model import identifier_conflict
from ..settings import Settings
from ..standardize import display_names

DISPLAY_FIELDS = ("surname", "first_name", "patronymic", "birth_date", "personal_number", "rank", "category", "unit",
                  "sex")


def _fmt(x: np.ndarray, digits: int) -> np.ndarray:
    """``f"{v:.{digits}f}"`` of every value (an object array of str) without a Python call per value: the
    characters of all values are laid out in one byte matrix, the padding dropped, and the text split.

    Exact: the value is scaled by 10**digits and rounded to an integer, which is Python's (correctly rounded)
    result unless the scaled value is within its own rounding error of a .5 tie, or too large for an
    integer, or not finite; those few values are formatted by Python. The sign is the sign bit, as Python
    writes it (-0.0 and negatives rounding to zero keep their "-")."""
    v = np.asarray(x, float).ravel()
    n = len(v)
    with np.errstate(over="ignore", invalid="ignore"):
        a = np.abs(v) * 10.0 ** digits
        fast = np.isfinite(a) & (a < 2.0 ** 52) & (np.abs(a - np.floor(a) - 0.5) > a * 2.0 ** -50 + 1e-12)
    k = np.rint(np.where(fast, a, 0.0)).astype(np.int64)
    ip = k // 10 ** digits
    nd = np.ones(n, np.int64)                       # digits of the integer part
    maxd = 1
    while n and (ip >= 10 ** maxd).any():
        nd += ip >= 10 ** maxd
        maxd += 1
    point = 1 if digits else 0
    width = 1 + maxd + point + digits + 1           # sign, integer digits, point, decimals, newline
    mat = np.empty((n, width), np.uint8)
    keep = np.ones((n, width), bool)
    mat[:, 0] = ord("-")
    keep[:, 0] = np.signbit(v) & fast
    mat[:, -1] = ord("\n")
    q = k.astype(np.int32) if n and k.max() < 2 ** 31 else k
    col = width - 2                                 # digits from the last: q % 10, then q // 10 ...
    for p in range(maxd + digits):
        if p == digits and point:
            mat[:, col] = ord(".")
            col -= 1
        q10 = q // 10
        mat[:, col] = q - q10 * 10 + ord("0")
        if p > digits:                              # a leading zero of the integer part is left out
            keep[:, col] = nd > p - digits
        q = q10
        col -= 1
    text = mat[keep].tobytes().decode("ascii")
    out = np.array(text.split("\n")[:-1], dtype=object) if n else np.zeros(0, dtype=object)
    for i in np.flatnonzero(~fast):
        out[i] = f"{v[i]:.{digits}f}"
    return out


def display_table(side, rows: np.ndarray | None = None) -> pd.DataFrame:
    """What a reader should see of each row (or of ``rows`` only): name parts, parsed from a full name if
    needed, and the other mapped fields, as written."""
    from ..columns import text_column

    if rows is None and getattr(side, "display_cache", None) is not None:
        return side.display_cache
    raw = side.raw if rows is None else side.raw.iloc[rows]
    out = display_names(side.raw, side.mapping, rows) \
        if (side.mapping.get("surname") or side.mapping.get("full_name")) else pd.DataFrame(index=raw.index)
    for f in DISPLAY_FIELDS[3:]:
        col = side.mapping.get(f)
        if col:
            out[f] = raw[col]
    for name in side.mapping.text:
        out[name] = raw[text_column(side.mapping, name)]
    if rows is None:
        side.display_cache = out
    return out


def registry_display(side, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """display_table of the registry rows a report shows, and each row's position in it (-1 elsewhere)."""
    shown = np.zeros(len(side.raw), bool)
    shown[rows[rows >= 0]] = True
    uniq = np.flatnonzero(shown)                     # sorted distinct rows, without a sort
    pos = np.full(len(side.raw), -1, np.int64)
    pos[uniq] = np.arange(len(uniq))
    return display_table(side, uniq).reset_index(drop=True), pos


def _link_list_duplicates(run, settings: Settings, decision: np.ndarray, claim_flag: np.ndarray,
                          dup_of: np.ndarray) -> None:
    """Entries of the list that are the same person as an earlier entry, in or out of the registry."""
    from ..listdupes import list_duplicate_pairs

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
    for mask, name in ((id_conflict, "identifier_conflict"), (ambiguous, "namesakes"), (claim_flag == "duplicate_listing", "duplicate_listing"),
                       (claim_flag == "claimed", "claimed")):
        flags = np.where(mask, np.where(flags == "", name, flags + ";" + name), flags)
    return pd.DataFrame({
        "best_right": best_right, "runner_right": runner_right, "decision": decision,
        "p_best": e["p_best"].to_numpy(), "p_runner": e["p_runner"].to_numpy(),
        "p_genuine": e["p_genuine"].to_numpy(), "weight": best_w, "n_candidates": e["n_candidates"].to_numpy(),
        "flags": flags, "dup_of": dup_of, "best_pair": best_pair,
    })


def _take(values: np.ndarray, at: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``values[at]`` where ``where`` holds, "" elsewhere (object array); only the rows shown are gathered."""
    out = np.full(len(at), "", dtype=object)
    out[where] = values[at[where]]
    return out


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
        "registry_id": _take(ids_r, br, show),
        "decision": dec,
        "match_probability": _fmt(p_best, 6),
        "match_weight": np.where(has, _fmt(np.nan_to_num(entries["weight"].to_numpy()), 3), ""),
        "genuine_probability": _fmt(entries["p_genuine"], 6),
        "runner_up_id": _take(ids_r, rr, rr >= 0),
        "runner_up_probability": np.where(rr >= 0, _fmt(p_runner, 6), ""),
        "margin": np.where(has, _fmt(p_best - p_runner, 6), ""),
        "candidates": entries["n_candidates"].to_numpy(),
        "flags": entries["flags"].to_numpy(object),
        "duplicate_of": _take(ids_l, dup, dup >= 0),
        "labelled": np.where(labelled, "yes", ""),
    })
    disp_l = display_table(run.list)
    disp_r, rpos = registry_display(run.registry, np.where(show, br, -1))
    for col in disp_l.columns:
        out[f"list_{col}"] = disp_l[col].to_numpy(object)
    at = rpos[np.clip(br, 0, None)] if len(rpos) else np.zeros(len(br), np.int64)
    for col in disp_r.columns:
        out[f"registry_{col}"] = _take(disp_r[col].to_numpy(object), at, show & (at >= 0))
    return out


def wilson(k: float, n: int, z: float = 1.96) -> tuple[float, float]:
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)
