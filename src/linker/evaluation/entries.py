"""Score a ``matches.csv`` against ground truth: precision, recall and F1 of the match decisions.

Two truth formats, told apart by the header:

- **entries** (``truth.csv`` of ``linker synth``): columns ``list_id,registry_id`` (any others, such as
  ``damage``, are ignored); one row per list entry, ``registry_id`` empty when the entry is not in the
  registry. Several rows per ``list_id`` are allowed: any of them is accepted.
- **pairs** (FEBRL and other benchmarks): columns ``rec_id_1,rec_id_2``, or any file of exactly two
  columns, one true pair per row. Which side is the list is found from the matches: if the list ids of
  the matches appear on both sides (deduplication, e.g. febrl3, whose pairs come in either order), the
  pairs count both ways; if only on the second side, the columns are swapped; otherwise the first column
  is the list side.

Counting is per list entry (the unit ``matches.csv`` is written in), so that ``tp + fn == genuine``:

- ``tp``: entries with a ``match`` decision whose registry id is one of the entry's true ids;
- ``fp``: ``match`` pairs (list_id, registry_id) that are not true;
- ``fn``: genuine entries (at least one true registry id) without a correct ``match``.

With one row per entry, as the contract of ``matches.csv`` says, this is the usual pairwise count. The
same numbers are given counting every ``review`` as accepted (``*_with_review``; a review row
without a registry id claims nothing). Where a ratio has a
zero denominator it takes its vacuous value: precision 1.0 when nothing was matched, recall 1.0 when
nothing was there to find; F1 is then 0.0 unless both are 1.0. F1 is 1.0 only for a perfect result.
Ids are compared as stripped strings.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from linker.errors import InputError

DECISIONS = ("match", "review", "no_match")
ENTRY_COLUMNS = ("list_id", "registry_id")
PAIR_COLUMNS = ("rec_id_1", "rec_id_2")
ENTRIES, PAIRS = "entries", "pairs"


@dataclass(frozen=True)
class Evaluation:
    """Quality of the decisions in one ``matches.csv`` against its truth."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    review: int
    entries: int
    genuine: int
    matched: int
    tp_with_review: int
    fp_with_review: int
    fn_with_review: int
    precision_with_review: float
    recall_with_review: float
    f1_with_review: float
    truth_format: str

    def to_dict(self) -> dict[str, int | float | str]:
        """Plain JSON-ready dict, ratios rounded to six decimals, keys in a fixed order."""
        return {k: round(v, 6) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _clean(s: pd.Series) -> pd.Series:
    """Ids as stripped strings, missing as ``""``."""
    return s.fillna("").astype(str).str.strip()


def _norm_header(columns: pd.Index) -> list[str]:
    return [str(c).replace("\ufeff", "").strip().lower() for c in columns]


def normalize_truth(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """Truth of either format as ``list_id,registry_id``; ``attrs['truth_format']`` says which."""
    header = _norm_header(df.columns)
    fmt = df.attrs.get("truth_format")
    if all(c in header for c in ENTRY_COLUMNS):
        cols = [header.index(c) for c in ENTRY_COLUMNS]
        fmt = fmt or ENTRIES
    elif all(c in header for c in PAIR_COLUMNS):
        cols, fmt = [header.index(c) for c in PAIR_COLUMNS], PAIRS
    elif len(header) == 2:
        cols, fmt = [0, 1], PAIRS
    else:
        seen = ", ".join(str(c) for c in df.columns) or "none"
        raise InputError(
            f"{source}: columns seen: {seen}; a truth file needs the columns list_id,registry_id "
            "(one row per list entry) or two columns of true id pairs (rec_id_1,rec_id_2)"
        )
    out = pd.DataFrame({"list_id": _clean(df.iloc[:, cols[0]]), "registry_id": _clean(df.iloc[:, cols[1]])})
    empty = out.index[out["list_id"].eq("")]
    if len(empty):
        side = "list_id" if fmt == ENTRIES else str(df.columns[cols[0]])
        raise InputError(
            f"{source}:row {int(empty[0]) + 2}: empty {side}; every row of a truth file needs a list id"
        )
    if fmt == PAIRS and out["registry_id"].eq("").any():
        row = int(out.index[out["registry_id"].eq("")][0]) + 2
        raise InputError(f"{source}:row {row}: empty {df.columns[cols[1]]}; a pair needs both ids")
    out = out.reset_index(drop=True)
    out.attrs["truth_format"] = fmt
    return out


def _sniff_delimiter(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        head = fh.readline()
    counts = {d: head.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: str | Path, what: str) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file; give the path of the {what} CSV")
    try:
        return pd.read_csv(
            p, sep=_sniff_delimiter(p), dtype=str, keep_default_na=False, encoding="utf-8-sig",
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError:
        raise InputError(f"{p}: the file is empty; a {what} file needs a header row") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot be read as CSV ({exc}); save it as UTF-8 CSV") from None


def read_truth(path: str | Path) -> pd.DataFrame:
    """Read a truth file of either format into ``list_id,registry_id`` (str, ``""`` = not in registry).

    The format found is in ``df.attrs['truth_format']`` (``"entries"`` or ``"pairs"``). Raises
    ``InputError`` naming the columns seen when the header fits neither format.
    """
    return normalize_truth(_read_csv(path, "truth"), str(path))


def read_matches(path: str | Path) -> pd.DataFrame:
    """Read a ``matches.csv`` (all columns as text); ``evaluate`` checks the columns it needs."""
    return _read_csv(path, "matches")


def _normalize_matches(matches: pd.DataFrame, source: str) -> pd.DataFrame:
    header = _norm_header(matches.columns)
    missing = [c for c in ("list_id", "registry_id", "decision") if c not in header]
    if missing:
        seen = ", ".join(str(c) for c in matches.columns) or "none"
        raise InputError(
            f"{source}: column {', '.join(missing)} missing (columns seen: {seen}); "
            "give the matches.csv written by linker (list_id, registry_id, decision)"
        )
    out = pd.DataFrame(
        {c: _clean(matches.iloc[:, header.index(c)]) for c in ("list_id", "registry_id", "decision")}
    )
    out["decision"] = out["decision"].str.lower()
    bad = sorted(set(out["decision"]) - set(DECISIONS))
    if bad:
        raise InputError(
            f"{source}:decision: unknown value(s) {', '.join(repr(b) for b in bad[:5])}; "
            f"a decision is one of {', '.join(DECISIONS)}"
        )
    claimed = out["decision"].eq("match") & out["registry_id"].eq("")
    if claimed.any():
        raise InputError(
            f"{source}:row {int(out.index[claimed][0]) + 2}: decision match without a registry_id; "
            "a match needs the registry id it claims"
        )
    return out.reset_index(drop=True)


def _orient(truth: pd.DataFrame, list_ids: pd.Index) -> pd.DataFrame:
    """Pairs truth turned so that ``list_id`` is the list side (both ways for deduplication)."""
    on_left = truth["list_id"].isin(list_ids).any()
    on_right = truth["registry_id"].isin(list_ids).any()
    swapped = truth.rename(columns={"list_id": "registry_id", "registry_id": "list_id"})[list(ENTRY_COLUMNS)]
    if on_left and on_right:
        return pd.concat([truth, swapped], ignore_index=True)
    if on_right:
        return swapped
    return truth


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def _count(pairs: pd.DataFrame, true_pairs: pd.MultiIndex, genuine: int) -> tuple[int, int, int]:
    """(tp, fp, fn) of the claimed (list_id, registry_id) pairs, per entry as in the module doc."""
    key = pd.MultiIndex.from_frame(pairs[list(ENTRY_COLUMNS)])
    correct = key.isin(true_pairs)
    tp = int(pairs.loc[correct, "list_id"].nunique())
    fp = int((~correct).sum())
    return tp, fp, genuine - tp


def evaluate(matches: pd.DataFrame, truth: pd.DataFrame, *, source: str = "matches") -> Evaluation:
    """Precision, recall and F1 of the ``match`` decisions in ``matches`` against ``truth``.

    ``truth`` is what ``read_truth`` returns, or a raw frame of either truth format. ``source`` names
    the matches in error messages. Raises ``InputError`` when the matches lack a column or hold an
    unknown decision, and when no list id of a non-empty matches table is in a non-empty truth (the
    truth of another list).
    """
    m = _normalize_matches(matches, source)
    t = truth if truth.attrs.get("truth_format") and list(truth.columns[:2]) == list(ENTRY_COLUMNS) \
        else normalize_truth(truth, "truth")
    fmt = t.attrs.get("truth_format", ENTRIES)
    list_ids = pd.Index(m["list_id"].unique())
    if fmt == PAIRS:
        t = _orient(t, list_ids)
    if len(m) and len(t):
        known = t["list_id"].isin(list_ids).any() or (fmt == PAIRS and t["registry_id"].isin(list_ids).any())
        if not known:
            raise InputError(
                f"{source}: none of its list ids is in the truth file (e.g. {list_ids[0]!r} vs "
                f"{t['list_id'].iloc[0]!r}); give the truth of this list"
            )
    true = t[t["registry_id"].ne("")].drop_duplicates()
    true_pairs = pd.MultiIndex.from_frame(true[list(ENTRY_COLUMNS)])
    genuine = int(true["list_id"].nunique())
    entries = int(pd.Index(m["list_id"]).append(pd.Index(t["list_id"])).nunique()) if fmt == ENTRIES \
        else len(list_ids)

    claims = m[m["decision"].ne("no_match") & m["registry_id"].ne("")].drop_duplicates(subset=list(ENTRY_COLUMNS) + ["decision"])
    matched = claims[claims["decision"].eq("match")]
    accepted = claims.drop_duplicates(subset=list(ENTRY_COLUMNS))
    tp, fp, fn = _count(matched, true_pairs, genuine)
    tpr, fpr, fnr = _count(accepted, true_pairs, genuine)
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    pr, rr = _ratio(tpr, tpr + fpr), _ratio(tpr, tpr + fnr)
    return Evaluation(
        tp=tp, fp=fp, fn=fn, precision=p, recall=r, f1=_f1(p, r),
        review=int(m.loc[m["decision"].eq("review"), "list_id"].nunique()),
        entries=entries, genuine=genuine, matched=len(matched),
        tp_with_review=tpr, fp_with_review=fpr, fn_with_review=fnr,
        precision_with_review=pr, recall_with_review=rr, f1_with_review=_f1(pr, rr),
        truth_format=fmt,
    )


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
