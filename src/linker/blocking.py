"""Candidate pairs from the union of blocking rules on standardized keys.

A rule is a tuple of key names; a pair is a candidate under the rule when every key is non-empty and
equal on both sides. A rule may also name a different key for the list side with ``list_key>registry_key``
(e.g. ``fn_canon>sn_stem`` meets a list that swapped surname and given name). Pair counts are computed
per rule from key frequencies before a single pair is built, and a rule that would explode is refused
with a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import BlockingError

#: Derived keys a rule may use: name -> columns of the standardized table (joined into one key).
KEYS: dict[str, tuple[str, ...]] = {
    "sn": ("sn",), "sn_stem": ("sn_stem",), "sn_phon": ("sn_phon",), "sn_init": ("sn_init",),
    "fn": ("fn",), "fn_canon": ("fn_canon",), "fn_phon": ("fn_phon",), "fn_init": ("fn_init",),
    "pt": ("pt",), "pt_init": ("pt_init",),
    "by": ("by",), "bm": ("bm",), "bd": ("bd",), "dob": ("by", "bm", "bd"), "dob_swapped": ("by", "bd", "bm"),
    "pnum": ("pnum",), "pnum_t": ("pnum_t",), "pnum_d": ("pnum_d",), "unit": ("unit",), "cat": ("cat",),
}


@dataclass(frozen=True)
class Rule:
    list_keys: tuple[str, ...]
    registry_keys: tuple[str, ...]

    @property
    def name(self) -> str:
        if self.list_keys == self.registry_keys:
            return "+".join(self.list_keys)
        return "+".join(f"{a}>{b}" if a != b else a for a, b in zip(self.list_keys, self.registry_keys))

    @classmethod
    def parse(cls, keys: tuple[str, ...] | list[str]) -> Rule:
        lk, rk = [], []
        for k in keys:
            a, _, b = k.partition(">")
            b = b or a
            for part in (a, b):
                if part not in KEYS and not part.startswith("t_"):
                    raise BlockingError(
                        f"blocking rule {list(keys)}: unknown key {part!r}; use keys among "
                        f"{', '.join(KEYS)}, e.g. rules = [[\"sn_stem\", \"fn_canon\"], [\"pnum\"]]"
                    )
            lk.append(a)
            rk.append(b)
        return cls(tuple(lk), tuple(rk))


@dataclass(frozen=True)
class BlockingResult:
    left: np.ndarray          # int32 row positions in the list
    right: np.ndarray         # int32 row positions in the registry
    rule_pairs: tuple[tuple[str, int], ...]   # pairs each rule proposes (before the union)

    @property
    def n_pairs(self) -> int:
        return int(len(self.left))

    def to_dict(self) -> dict:
        return {"rules": [{"name": n, "pairs": p} for n, p in self.rule_pairs], "total_pairs": self.n_pairs}


def _available(std: pd.DataFrame, key: str) -> bool:
    cols = KEYS[key]
    for c in cols:
        col = std[c]
        if col.dtype == object:
            if not (col != "").any():
                return False
        elif not (col > 0).any():
            return False
    return True


def default_rules(std_l: pd.DataFrame, std_r: pd.DataFrame) -> list[Rule]:
    """Rules chosen from the fields both sides have."""
    def has(*keys: str) -> bool:
        return all(_available(std_l, k) and _available(std_r, k) for k in keys)

    rules: list[Rule] = []
    candidates = [
        ("sn_stem", "fn_canon"),            # the name
        ("sn_phon", "by"),                  # damaged surname, same birth year
        ("pnum",),                          # personal number
        ("pnum_d",),                        # its digits (letters transliterated or damaged)
        ("dob", "sn_init"),                 # date of birth with a name letter
        ("dob", "fn_init"),                 # initials with date of birth (surname damaged)
        ("fn_canon", "pt", "by"),           # given name + patronymic + year (surname damaged)
        ("fn_canon", "pt", "bm", "bd"),     # ... + day and month (surname damaged and a year digit wrong)
        ("fn_phon", "sn_phon"),             # both names damaged a little
        ("dob_swapped>dob", "sn_init"),     # day and month swapped
        ("fn_canon>sn_stem", "sn_stem>fn_canon"),  # surname and given name swapped
    ]
    for keys in candidates:
        rule = Rule.parse(keys)
        if has(*rule.list_keys) and has(*rule.registry_keys):
            rules.append(rule)
    # generic columns both sides share (addresses, postcodes...): pairs of the three most distinctive
    text = [c for c in std_r.columns if c.startswith("t_") and c in std_l.columns
            and (std_l[c] != "").any() and (std_r[c] != "").any()]
    text.sort(key=lambda c: (-std_r[c].nunique(), c))
    top = text[:3]
    for a in range(len(top)):
        for b in range(a + 1, len(top)):
            rules.append(Rule((top[a], top[b]), (top[a], top[b])))
    if not rules:
        raise BlockingError(
            "no blocking rule can be built: the list and the registry share no usable name, date or number; "
            "map the columns with --map (e.g. --map surname=COLUMN --map birth_date=COLUMN)"
        )
    return rules


def choose_rules(blocking_rules, std_l: pd.DataFrame, std_r: pd.DataFrame) -> list[Rule]:
    """The user's rules (``[blocking] rules`` of the config) when given, else `default_rules`."""
    if blocking_rules:
        return [Rule.parse(r) for r in blocking_rules]
    return default_rules(std_l, std_r)


def _key_codes(std_l: pd.DataFrame, std_r: pd.DataFrame, lkeys: tuple[str, ...], rkeys: tuple[str, ...]
               ) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a composite key on both sides (shared vocabulary); -1 where a part is empty."""
    nl = len(std_l)
    code_l = np.zeros(nl, np.int64)
    code_r = np.zeros(len(std_r), np.int64)
    valid_l = np.ones(nl, bool)
    valid_r = np.ones(len(std_r), bool)
    lcols = [c for k in lkeys for c in KEYS.get(k, (k,))]
    rcols = [c for k in rkeys for c in KEYS.get(k, (k,))]
    for cl, cr in zip(lcols, rcols):
        a, b = std_l[cl].to_numpy(), std_r[cr].to_numpy()
        if a.dtype == object or b.dtype == object:
            both = pd.concat([pd.Series(a, dtype=object), pd.Series(b, dtype=object)], ignore_index=True)
            valid_l &= a != ""
            valid_r &= b != ""
        else:
            both = pd.Series(np.concatenate([a, b]).astype(np.int64))
            valid_l &= a > 0
            valid_r &= b > 0
        codes, uniq = pd.factorize(both, sort=False)
        card = max(len(uniq), 1)
        code_l = code_l * card + codes[:nl]
        code_r = code_r * card + codes[nl:]
        # keep the combined codes small
        comb, _ = pd.factorize(np.concatenate([code_l, code_r]), sort=False)
        code_l, code_r = comb[:nl].astype(np.int64), comb[nl:].astype(np.int64)
    code_l[~valid_l] = -1
    code_r[~valid_r] = -2
    return code_l, code_r


def _count_pairs(code_l: np.ndarray, code_r: np.ndarray) -> int:
    cl = pd.Series(code_l[code_l >= 0]).value_counts()
    cr = pd.Series(code_r[code_r >= 0]).value_counts()
    common = cl.index.intersection(cr.index)
    return int((cl[common].to_numpy(np.int64) * cr[common].to_numpy(np.int64)).sum())


def _join(code_l: np.ndarray, code_r: np.ndarray, dedupe: bool) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with code_l[i] == code_r[j] >= 0, by a sort-merge on the codes."""
    order_r = np.argsort(code_r, kind="stable")
    sorted_r = code_r[order_r]
    li = np.flatnonzero(code_l >= 0)
    start = np.searchsorted(sorted_r, code_l[li], side="left")
    end = np.searchsorted(sorted_r, code_l[li], side="right")
    counts = end - start
    keep = counts > 0
    li, start, counts = li[keep], start[keep], counts[keep]
    total = int(counts.sum())
    left = np.repeat(li, counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    right = order_r[np.repeat(start, counts) + offsets]
    if dedupe:  # one table against itself: each unordered pair once, never a row with itself
        left, right = np.minimum(left, right), np.maximum(left, right)
        keep = left != right
        left, right = left[keep], right[keep]
    return left.astype(np.int32), right.astype(np.int32)


def _cap_blocks(code_l: np.ndarray, code_r: np.ndarray, max_block: int) -> tuple[np.ndarray, int]:
    """List codes with the keys that more than ``max_block`` registry records share taken out (-1), and
    how many keys that was: a very common key (Иванов Александр in a million) proves little and costs much;
    the entries that carry it still meet their records through the rules that add a date or a number."""
    counts = pd.Series(code_r[code_r >= 0]).value_counts()
    big = counts.index[counts.to_numpy() > max_block]
    if not len(big):
        return code_l, 0
    out = code_l.copy()
    out[np.isin(out, big.to_numpy())] = -1
    return out, int(len(big))


def check_total(counted: list[tuple[Rule, int]], max_pairs: int) -> None:
    """Refuse, with the rule to tighten, when the rules together would propose over ``max_pairs``."""
    total = sum(n for _rule, n in counted)
    if total > max_pairs:
        worst, n = max(counted, key=lambda t: t[1])
        raise BlockingError(
            f"blocking would compare {total:,} pairs, over the limit of {max_pairs:,} "
            f"(rule {worst.name} alone gives {n:,}); make that rule stricter, e.g. add \"by\" "
            f"to it in [blocking] rules, or raise [blocking] max_pairs"
        )


def block(std_l: pd.DataFrame, std_r: pd.DataFrame, rules: list[Rule], *, max_pairs: int,
          dedupe: bool = False, log=None, automatic: bool = False, max_block: int | None = None) -> BlockingResult:
    """The union of the pairs of every rule, sorted by (list row, registry row).

    With ``automatic`` (rules linker chose itself), a rule that alone would take more than a quarter of
    ``max_pairs`` is left out with a note instead of failing the run; rules the user wrote are never
    dropped."""
    counted = []
    for rule in rules:
        cl, cr = _key_codes(std_l, std_r, rule.list_keys, rule.registry_keys)
        capped = 0
        if max_block:
            cl, capped = _cap_blocks(cl, cr, max_block)
            if dedupe and capped:
                cr = np.where(cl >= 0, cr, -2)
        n = _count_pairs(cl, cr)
        if dedupe:
            n = n // 2
        if automatic and n > max_pairs // 4 and len(rules) > 1:
            if log:
                log(f"  blocking rule {rule.name}: {n:,} pairs, too many: left out")
            continue
        counted.append((rule, cl, cr, n))
        if log:
            note = f" ({capped:,} keys shared by over {max_block:,} records left to other rules)" if capped else ""
            log(f"  blocking rule {rule.name}: {n:,} pairs{note}")
    check_total([(rule, n) for rule, _cl, _cr, n in counted], max_pairs)
    parts_l, parts_r = [], []
    n_r = max(len(std_r), 1)
    for rule, cl, cr, _n in counted:
        l, r = _join(cl, cr, dedupe)
        parts_l.append(l)
        parts_r.append(r)
    if parts_l:
        code = np.concatenate(parts_l).astype(np.int64) * n_r + np.concatenate(parts_r)
        code = np.sort(pd.unique(code))      # hash out the duplicates first, then sort what is left
        left = (code // n_r).astype(np.int32)
        right = (code % n_r).astype(np.int32)
    else:
        left = right = np.zeros(0, np.int32)
    return BlockingResult(left, right, tuple((r.name, n) for r, _a, _b, n in counted))
