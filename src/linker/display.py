"""What a reader sees of each row (name parts, parsed from a full name if needed, and the other fields as
written), and the exact fixed-point text of numbers for the CSV outputs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .standardize import display_names

DISPLAY_FIELDS = ("surname", "first_name", "patronymic", "birth_date", "personal_number", "rank", "category", "unit",
                  "sex")


def fixed(x: np.ndarray, digits: int) -> np.ndarray:
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
    from .columns import text_column

    if rows is None and getattr(side, "display_cache", None) is not None:
        return side.display_cache
    raw = side.raw if rows is None else side.raw.iloc[rows]
    out = display_names(side.raw, side.mapping, rows, parsed=side.names, lexicon=side.lexicon) \
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


def take(values: np.ndarray, at: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``values[at]`` where ``where`` holds, "" elsewhere (object array); only the rows shown are gathered."""
    out = np.full(len(at), "", dtype=object)
    out[where] = values[at[where]]
    return out
