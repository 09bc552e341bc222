"""Candidate pairs from the union of blocking rules on standardized keys.

A rule is a tuple of key names; a pair is a candidate under the rule when every key is non-empty and
equal on both sides. A rule may also name a different key for the list side with ``list_key>registry_key``
(e.g. ``fn_canon>sn_stem`` meets a list that swapped surname and given name). Two keys select rows
instead of comparing values: ``no_<key>`` holds on a row that lacks ``<key>`` and ``any`` on every row, so
``no_by>any`` limits a rule to the list rows that give no birth year. Pair counts are computed per rule
from key frequencies before a single pair is built, and a rule that would explode is refused with a
suggestion.
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
    "pt": ("pt",), "pt_init": ("pt_init",), "fn_is_init": ("fn_is_init",),
    "by": ("by",), "bm": ("bm",), "bd": ("bd",), "dob": ("by", "bm", "bd"), "dob_swapped": ("by", "bd", "bm"),
    "pnum": ("pnum",), "pnum_t": ("pnum_t",), "pnum_d": ("pnum_d",), "unit": ("unit",), "cat": ("cat",),
}


def key_columns(key: str) -> tuple[tuple[str, str], ...]:
    """(column of the standardized table, kind) of each part of a key: kind ``value`` compares the column,
    ``missing`` holds where the column is empty, ``any`` always holds (column ``""``)."""
    if key == "any":
        return (("", "any"),)
    if key.startswith("no_") and key[3:] in KEYS:
        return tuple((c, "missing") for c in KEYS[key[3:]][:1])
    return tuple((c, "value") for c in KEYS.get(key, (key,)))


def _known(key: str) -> bool:
    return key in KEYS or key.startswith("t_") or key == "any" or (key.startswith("no_") and key[3:] in KEYS)


#: a loose rule (one strong key alone) proposes at most this many pairs per list entry on average, or it is
#: left to the tight rules: on a large registry its blocks are mostly namesakes
LOOSE_PAIRS_PER_ENTRY = 10


#: registry records of one surname and given-name initial above which an entry that gives only those (no
#: patronymic, no date) is not blocked on them: among more than this many namesakes nothing it gives can
#: single one out, and each would be a pair (`Rule.max_block` of that rule)
INITIAL_BLOCK = 20


@dataclass(frozen=True)
class Rule:
    list_keys: tuple[str, ...]
    registry_keys: tuple[str, ...]
    loose: bool = False
    #: this rule's own cap on the registry records of one key (below the run's ``max_block``), or None
    max_block: int | None = None

    def block_cap(self, max_block: int | None) -> int | None:
        """The cap on the registry records of one key under this rule: the run's and the rule's, the lower."""
        caps = [c for c in (max_block, self.max_block) if c]
        return min(caps) if caps else None

    @property
    def name(self) -> str:
        if self.list_keys == self.registry_keys:
            return "+".join(self.list_keys)
        return "+".join(f"{a}>{b}" if a != b else a for a, b in zip(self.list_keys, self.registry_keys))

    @classmethod
    def parse(cls, keys: tuple[str, ...] | list[str], *, loose: bool = False, max_block: int | None = None) -> Rule:
        lk, rk = [], []
        for k in keys:
            a, _, b = k.partition(">")
            b = b or a
            for part in (a, b):
                if not _known(part):
                    raise BlockingError(
                        f"blocking rule {list(keys)}: unknown key {part!r}; use keys among "
                        f"{', '.join(KEYS)} (or no_<key>, any), e.g. rules = [[\"sn_stem\", \"fn_canon\"], [\"pnum\"]]"
                    )
            if len(key_columns(a)) != len(key_columns(b)):
                raise BlockingError(f"blocking rule {list(keys)}: {a!r} and {b!r} have different parts; "
                                    "pair keys of the same kind, e.g. dob_swapped>dob or no_by>any")
            lk.append(a)
            rk.append(b)
        return cls(tuple(lk), tuple(rk), loose, max_block)


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


def _present(col: pd.Series | np.ndarray) -> np.ndarray:
    a = np.asarray(col)
    return a != "" if a.dtype == object else a > 0


def held(std: pd.DataFrame, col: str, kind: str, memo: dict | None = None) -> np.ndarray:
    """The rows a key part holds on as a row selector: ``any`` every row; ``missing`` the rows without the
    column's value ("" or a number <= 0); ``value`` the rows with it. ``memo`` keeps each column's answer."""
    if kind == "any":
        return np.ones(len(std), bool)
    memo = {} if memo is None else memo
    if ("present", id(std), col) not in memo:
        memo["present", id(std), col] = _present(std[col]) if col in std else np.zeros(len(std), bool)
    has = memo["present", id(std), col]
    return has if kind == "value" else ~has


def rule_parts(rule: Rule) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """The (list part, registry part) pairs of a rule's keys (see `key_columns`)."""
    return list(zip([p for k in rule.list_keys for p in key_columns(k)],
                    [p for k in rule.registry_keys for p in key_columns(k)]))


def available(std: pd.DataFrame, key: str, memo: dict | None = None) -> bool:
    """Whether some row of ``std`` can carry ``key`` (its columns exist and a part holds somewhere)."""
    for c, kind in key_columns(key):
        if kind == "any":
            continue
        if c not in std or not held(std, c, kind, memo).any():
            return False
    return True


def default_rules(std_l: pd.DataFrame, std_r: pd.DataFrame) -> list[Rule]:
    """Rules chosen from the fields both sides have."""
    rules: list[Rule] = []
    memo: dict = {}         # which rows have each column, computed once
    # Each rule pairs a strong key with a second, independent piece of evidence, so that the namesakes a
    # large registry holds (Иванов Александр a hundred times over) are not all proposed: the name alone
    # only for an entry that gives no birth year. Measured on the 1M x 200k synth roster: 10.4M pairs
    # instead of 20.0M, and more true pairs found (179,522 of 180,000 against 179,254: smaller blocks
    # escape max_block).
    candidates = [
        ("pnum",),                          # personal number
        ("pnum_d",),                        # its digits (letters transliterated or damaged)
        ("sn_stem", "fn_canon", "by"),      # the name and the birth year
        ("sn_stem", "fn_canon", "bm"),      # ... and the birth month (a year digit wrong)
        ("sn_stem", "fn_canon", "pt_init"),  # ... and the patronymic's initial (date damaged)
        ("sn_stem", "fn_canon", "no_by>any"),  # the name alone, for an entry with no birth year
        ("sn_stem", "fn_init", "by"),       # surname, first initial and birth year (initials, damaged given name)
        ("sn_stem", "by", "no_fn>any"),     # surname and birth year, for an entry with no given name
        # initials and no birth year ("Сахаров И.К."): surname + both initials
        ("sn_stem", "fn_init", "pt_init", "fn_is_init>any", "no_by>any"),
        # ... and a lone initial ("Ilichevskiy S."): surname + initial where few registry people share them
        ("sn_stem", "fn_init", "fn_is_init>any", "no_pt_init>any", "no_by>any"),
        ("dob", "sn_init"),                 # date of birth with a name letter
        ("dob", "fn_init"),                 # initials with date of birth (surname damaged)
        ("fn_canon", "pt", "by", "sn_init"),  # given name + patronymic + year (surname damaged)
        ("fn_canon", "pt", "bm", "bd"),     # ... + day and month (surname damaged and a year digit wrong)
        ("fn_phon", "sn_phon", "by"),       # both names damaged a little
        ("fn_phon", "sn_phon", "no_by>any"),  # ... in an entry with no birth year
        ("dob_swapped>dob", "sn_init"),     # day and month swapped
        ("dob", "fn_init>sn_init"),         # names swapped between the columns, and damaged
        ("dob", "no_sn>any"),               # the date alone, for an entry with no surname
        ("fn_canon>sn_stem", "sn_stem>fn_canon"),  # surname and given name swapped
    ]
    # looser rules catch a little more (a damaged surname with the birth year, the name with a wrong date)
    # where the registry is small enough for them; `block` leaves each out when it is too large
    loose = [
        ("sn_stem", "fn_canon"),            # the name alone
        ("sn_phon", "by"),                  # damaged surname, same birth year
        ("fn_canon", "pt", "by"),           # given name + patronymic + year (surname damaged)
        ("fn_phon", "sn_phon"),             # both names damaged a little
        ("fn_canon", "sn_init", "no_by>any"),  # given name and surname initial, for an entry with no birth year
    ]
    capped = {("sn_stem", "fn_init", "fn_is_init>any", "no_pt_init>any", "no_by>any"): INITIAL_BLOCK}
    for keys, is_loose in [*((k, False) for k in candidates), *((k, True) for k in loose)]:
        rule = Rule.parse(keys, loose=is_loose, max_block=capped.get(keys))
        if all(available(std_l, a, memo) and available(std_r, b, memo)
               for a, b in zip(rule.list_keys, rule.registry_keys)):
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


def _encoded(enc, cl: str, cr: str):
    """(list codes, registry codes, vocabulary size, list present, registry present) of a column pair from
    `linker.compare.Encoded` when both columns are coded in one vocabulary (code 0 is ""), else None."""
    got = enc.pair_codes(cl, cr) if enc is not None else None
    if got is None:
        return None
    a, b, size = got
    return a.astype(np.int64), b.astype(np.int64), size, a > 0, b > 0


def _key_codes(std_l: pd.DataFrame, std_r: pd.DataFrame, lkeys: tuple[str, ...], rkeys: tuple[str, ...],
               cache: dict | None = None, enc=None) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a composite key on both sides (shared vocabulary); -1 (list) and -2 (registry)
    where a part is absent. ``cache`` keeps each column pair's codes across the rules of one blocking;
    ``enc`` (the run's `linker.compare.Encoded` of these tables) gives the string columns it codes
    without hashing them again."""
    nl, nr = len(std_l), len(std_r)
    code_l = np.zeros(nl, np.int64)
    code_r = np.zeros(nr, np.int64)
    valid_l = np.ones(nl, bool)
    valid_r = np.ones(nr, bool)
    cache = {} if cache is None else cache
    span = 1
    for (cl, kl), (cr, kr) in rule_parts(Rule(tuple(lkeys), tuple(rkeys))):
        if kl == "value" and kr == "value":
            if (cl, cr) not in cache:
                cache[(cl, cr)] = _encoded(enc, cl, cr)
            if cache[(cl, cr)] is None:
                a, b = std_l[cl].to_numpy(), std_r[cr].to_numpy()
                if a.dtype != object and b.dtype != object and len(a) + len(b) and \
                        min(a.min(initial=0), b.min(initial=0)) >= 0 and \
                        max(a.max(initial=0), b.max(initial=0)) < 1 << 20:
                    # small non-negative integers (date parts) are their own codes
                    card = int(max(a.max(initial=0), b.max(initial=0))) + 1
                    cache[(cl, cr)] = (a.astype(np.int64), b.astype(np.int64), card, _present(a), _present(b))
                else:
                    if a.dtype == object or b.dtype == object:
                        both = pd.concat([pd.Series(a, dtype=object), pd.Series(b, dtype=object)],
                                         ignore_index=True)
                    else:
                        both = pd.Series(np.concatenate([a, b]).astype(np.int64))
                    codes, uniq = pd.factorize(both, sort=False)
                    cache[(cl, cr)] = (codes[:nl].astype(np.int64), codes[nl:].astype(np.int64),
                                       max(len(uniq), 1), _present(a), _present(b))
            a_codes, b_codes, card, has_a, has_b = cache[(cl, cr)]
            valid_l &= has_a
            valid_r &= has_b
        else:       # a row selector: no_<key> (the key is missing) or any; one code for the rows it holds on
            valid_l &= held(std_l, cl, kl, cache)
            valid_r &= held(std_r, cr, kr, cache)
            continue
        if span * card >= 1 << 62:          # renumber the key so far before it overflows
            code_l, code_r, span = _renumber(code_l, code_r, valid_l, valid_r)
        code_l = code_l * card + a_codes
        code_r = code_r * card + b_codes
        span *= card
    # dense codes for the rows the rule holds on (counting, capping and joining index by them)
    code_l, code_r, _span = _renumber(code_l, code_r, valid_l, valid_r)
    code_l[~valid_l] = -1
    code_r[~valid_r] = -2
    return code_l, code_r


def _renumber(code_l: np.ndarray, code_r: np.ndarray, valid_l: np.ndarray, valid_r: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, int]:
    """The codes of the valid rows numbered 0.. by first appearance (others 0), and how many there are."""
    il, ir = np.flatnonzero(valid_l), np.flatnonzero(valid_r)
    comb, uniq = pd.factorize(np.concatenate([code_l[il], code_r[ir]]), sort=False)
    out_l = np.zeros(len(code_l), np.int64)
    out_r = np.zeros(len(code_r), np.int64)
    out_l[il] = comb[:len(il)]
    out_r[ir] = comb[len(il):]
    return out_l, out_r, max(len(uniq), 1)


def _dense(code_l: np.ndarray, code_r: np.ndarray) -> int | None:
    """1 + the largest code when the codes are small enough to count with np.bincount, else None."""
    top = int(max(code_l.max(initial=-1), code_r.max(initial=-1))) + 1
    return top if top <= 4 * (len(code_l) + len(code_r)) + 16 else None


def _count_pairs(code_l: np.ndarray, code_r: np.ndarray) -> int:
    top = _dense(code_l, code_r)
    if top is not None:
        nl = np.bincount(code_l[code_l >= 0], minlength=top)
        nr = np.bincount(code_r[code_r >= 0], minlength=top)
        return int((nl.astype(np.int64) * nr).sum())
    cl = pd.Series(code_l[code_l >= 0]).value_counts()
    cr = pd.Series(code_r[code_r >= 0]).value_counts()
    common = cl.index.intersection(cr.index)
    return int((cl[common].to_numpy(np.int64) * cr[common].to_numpy(np.int64)).sum())


def _join(code_l: np.ndarray, code_r: np.ndarray, dedupe: bool) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with code_l[i] == code_r[j] >= 0, by a sort-merge on the codes (only the registry rows
    whose code some list row has are sorted)."""
    top = _dense(code_l, code_r)
    if top is not None:
        wanted = np.zeros(top + 1, bool)
        wanted[code_l[code_l >= 0]] = True
        rows_r = np.flatnonzero(wanted[np.where(code_r >= 0, code_r, top)])
    else:
        rows_r = np.flatnonzero(np.isin(code_r, code_l[code_l >= 0]))
    order_r = rows_r[np.argsort(code_r[rows_r], kind="stable")]
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
    top = _dense(code_l, code_r)
    if top is not None:
        big_code = np.bincount(code_r[code_r >= 0], minlength=top) > max_block
        n_big = int(big_code.sum())
        if not n_big:
            return code_l, 0
        out = code_l.copy()
        out[(code_l >= 0) & big_code[np.clip(code_l, 0, None)]] = -1
        return out, n_big
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


def too_many(rule: Rule, n: int, max_pairs: int, n_list: int) -> bool:
    """Whether an automatic rule proposing ``n`` pairs is left out (see `block`)."""
    return n > max_pairs // 4 or (rule.loose and n > LOOSE_PAIRS_PER_ENTRY * max(n_list, 1))


def block(std_l: pd.DataFrame, std_r: pd.DataFrame, rules: list[Rule], *, max_pairs: int,
          dedupe: bool = False, log=None, automatic: bool = False, max_block: int | None = None,
          enc=None, key_codes=None) -> BlockingResult:
    """The union of the pairs of every rule, sorted by (list row, registry row).

    With ``automatic`` (rules linker chose itself), a rule that alone would take more than a quarter of
    ``max_pairs``, and a loose rule over `LOOSE_PAIRS_PER_ENTRY` pairs per list entry, are left out with a
    note instead of failing the run; rules the user wrote are never dropped. ``enc``: `linker.compare.encode`
    of the same two tables, whose string codes are reused. ``key_codes(rule)``: a rule's (list, registry) key
    codes as `_key_codes` numbers them up to relabeling, or None (a prepared registry, `linker.prepared_keys`)."""
    cache: dict = {}
    keyed = []
    for rule in rules:
        got = key_codes(rule) if key_codes is not None else None
        cl, cr = got if got is not None else _key_codes(std_l, std_r, rule.list_keys, rule.registry_keys, cache, enc)
        keyed.append((rule, cl, cr, None))
    return union_pairs(keyed, n_left=len(std_l), n_right=len(std_r), max_pairs=max_pairs, dedupe=dedupe,
                       log=log, automatic=automatic, max_block=max_block)


def union_pairs(keyed: list[tuple[Rule, np.ndarray, np.ndarray, np.ndarray | None]], *, n_left: int,
                n_right: int, max_pairs: int, dedupe: bool = False, log=None, automatic: bool = False,
                max_block: int | None = None) -> BlockingResult:
    """The steps of `block` after the keys: each rule's blocks capped at ``max_block`` registry records,
    its pairs counted (and, with ``automatic``, a rule with too many left out), the total checked against
    ``max_pairs``, the pairs joined and their union sorted. ``keyed`` holds per rule (rule, list keys,
    registry keys, registry row of each registry key or None when there is one key per registry row): the
    chance test passes only the registry rows that share a key with some decoy."""
    counted = []
    for rule, cl, cr, rows_r in keyed:
        capped = 0
        cap = rule.block_cap(max_block)
        if cap:
            cl, capped = _cap_blocks(cl, cr, cap)
            if dedupe and capped:
                cr = np.where(cl >= 0, cr, -2)
        n = _count_pairs(cl, cr)
        if dedupe:
            n = n // 2
        if automatic and len(keyed) > 1 and too_many(rule, n, max_pairs, n_left):
            if log:
                log(f"  blocking rule {rule.name}: {n:,} pairs, too many: left out")
            continue
        counted.append((rule, cl, cr, rows_r, n))
        if log:
            note = f" ({capped:,} keys shared by over {cap:,} records left to other rules)" if capped else ""
            log(f"  blocking rule {rule.name}: {n:,} pairs{note}")
    check_total([(rule, n) for rule, _cl, _cr, _rows, n in counted], max_pairs)
    parts_l, parts_r = [], []
    n_r = max(n_right, 1)
    for _rule, cl, cr, rows_r, _n in counted:
        l, r = _join(cl, cr, dedupe)
        parts_l.append(l)
        parts_r.append(r if rows_r is None else rows_r[r])
    if parts_l:
        code = np.concatenate(parts_l).astype(np.int64) * n_r + np.concatenate(parts_r)
        # each rule's pairs come out of `_join` already sorted: a merge sort (timsort) only merges the runs
        code.sort(kind="stable")
        if len(code):
            code = code[np.r_[True, code[1:] != code[:-1]]]
        left = (code // n_r).astype(np.int32)
        right = (code % n_r).astype(np.int32)
    else:
        left = right = np.zeros(0, np.int32)
    return BlockingResult(left, right, tuple((r.name, n) for r, _a, _b, _rows, n in counted))


def rule_hits(std_l: pd.DataFrame, std_r: pd.DataFrame, rules: list[Rule], left: np.ndarray, right: np.ndarray,
              *, max_block: int | None = None, enc=None, key_codes=None) -> np.ndarray:
    """Which of ``rules`` propose each given (list row, registry row) pair: bool, pairs x rules, with the
    same keys and block caps as `block` (the union's pairs do not say which rule found them)."""
    out = np.zeros((len(left), len(rules)), bool)
    cache: dict = {}
    for k, rule in enumerate(rules):
        got = key_codes(rule) if key_codes is not None else None
        cl, cr = got if got is not None else _key_codes(std_l, std_r, rule.list_keys, rule.registry_keys, cache, enc)
        cap = rule.block_cap(max_block)
        if cap:
            cl, _capped = _cap_blocks(cl, cr, cap)
        a = cl[left]
        out[:, k] = (a >= 0) & (a == cr[right])
    return out
