"""The registry's side of encoding and blocking, kept in a prepared index (`linker.prepared`).

A run against a registry encodes both sides' strings in one sorted vocabulary (`linker.compare.encode`) and
codes every blocking rule's composite key over both tables (`linker.blocking`). Both are whole-registry
work redone per list. The index keeps, for each text column of the registry (the name columns as one
group, as `compare` codes them), its distinct non-empty values sorted as `compare` sorts them, and for each
rule the registry would block on, the code of every row's composite key and the sorted distinct keys. A run
then looks up only the list's values:

- `encode` merges the list's new values into the registry's sorted vocabulary (code of a registry value =
  its rank there + the list values sorted before it), giving the `Encoded` `compare.encode` gives;
- `KeyCodes` gives `blocking.block` (and `blocking.rule_hits`) each rule's key codes, numbered by the
  registry's distinct keys: a list row gets the code of the registry key equal to its own, or one no
  registry row has. Blocking depends on which rows share a key, never on how keys are numbered, so the
  candidate pairs are the same.

Anything the index does not hold (a generic column the list shares, a rule on it, strings whose order numpy
and Python disagree on) falls back to the ordinary whole-table path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import blocking, compare as cmp

#: the vocabulary group of a registry text column: the name columns share one, as `compare.encode` codes them
NAME_GROUP = "name"


def group_of(col: str) -> str:
    return NAME_GROUP if col in cmp.NAME_COLS else col


def sorted_distinct(columns: list[np.ndarray]) -> np.ndarray:
    """The distinct non-empty strings of the columns, in the order `compare.encode` gives them codes."""
    uniq = pd.unique(np.concatenate(columns)) if columns else np.zeros(0, object)
    uniq = np.asarray(uniq, dtype=object)
    uniq = uniq[uniq != ""]
    return uniq[np.argsort(uniq.astype(str), kind="stable")]


def text_groups(std: pd.DataFrame) -> dict[str, list[str]]:
    """Vocabulary group -> the standardized text columns in it (generic t_ columns excluded: the run picks those)."""
    groups: dict[str, list[str]] = {}
    for c in std.columns:
        if std[c].dtype == object and c != "flags" and not c.startswith("t_"):
            groups.setdefault(group_of(c), []).append(c)
    return groups


def composite(parts: list[tuple[np.ndarray, int]]) -> np.ndarray | None:
    """Mixed-radix int64 of the parts' codes (each below its cardinality), or None if it would overflow."""
    span = 1
    out = np.zeros(len(parts[0][0]), np.int64) if parts else np.zeros(0, np.int64)
    for codes, card in parts:
        if span * card >= 1 << 62:
            return None
        out = out * card + codes.astype(np.int64, copy=False)
        span *= card
    return out


class RegistryKeys:
    """What the index holds of the registry's keys, and the lookups a run makes in it."""

    def __init__(self, std_r: pd.DataFrame, vocab: dict[str, np.ndarray], own: dict[str, np.ndarray],
                 rules: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]], nul_free: bool,
                 probe: np.ndarray | None = None, code_points: dict | None = None) -> None:
        self.std_r = std_r               # the registry's standardized table (this run's)
        self.vocab = vocab               # group -> sorted distinct non-empty values
        self.own = own                   # text column -> rank of each row's value in its group (0: "")
        self.rules = rules               # registry keys -> (code of each row's key (-2: not held), sorted keys)
        self.nul_free = nul_free         # no value holds a NUL (numpy's and Python's string order agree)
        self.probe = probe               # `probe_rows` of the registry's own columns, made at index time
        self.code_points = code_points or {}   # group -> `registry_code_points` of its vocabulary
        self._parts: dict = {}           # value part -> (registry codes, cardinality), made once

    def probe_rows(self) -> np.ndarray:
        """Registry rows holding every value of each non-text column, and an empty and a non-empty value of
        each text column where there is one: on them every column is present or missing as on the whole
        registry (what `compare.encode` and `blocking.default_rules` ask of it)."""
        if self.probe is None:
            return probe_rows(self.std_r)
        generic = [c for c in self.std_r.columns if c.startswith("t_")]
        return np.union1d(self.probe, probe_rows(self.std_r[generic])) if generic else self.probe

    # ------------------------------------------------------------------------------- per part
    def _part_codes(self, col: str) -> tuple[np.ndarray, int] | None:
        """(registry codes of a value part, cardinality) in the index's numbering: a text column's value by
        its rank in its group (0: ""), a small non-negative number as itself."""
        memo = self._parts
        if col not in memo:
            if col in self.own:          # (int32: `composite` widens as it multiplies)
                memo[col] = self.own[col], len(self.vocab[group_of(col)]) + 1
            elif col not in self.std_r or self.std_r[col].dtype == object:
                memo[col] = None
            else:
                a = self.std_r[col].to_numpy()
                memo[col] = None if len(a) and a.min() < 0 else (a, int(a.max(initial=0)) + 1)
        return memo[col]

    def _list_part(self, std_l: pd.DataFrame, col: str, reg_col: str, card: int) -> tuple[np.ndarray, np.ndarray]:
        """(list codes of a value part in the registry's numbering of ``reg_col``, whether a registry value is
        equal); rows without one get code 0."""
        a = std_l[col].to_numpy()
        if reg_col in self.own:
            v = self.vocab[group_of(reg_col)]
            a = a.astype(object)
            if not len(v):
                return np.zeros(len(a), np.int64), np.zeros(len(a), bool)
            pos = np.searchsorted(v, a)
            hit = (pos < len(v)) & (v[np.clip(pos, 0, len(v) - 1)] == a)
            return np.where(hit, pos + 1, 0).astype(np.int64), hit
        a = a.astype(np.int64)
        hit = (a >= 0) & (a < card)
        return np.where(hit, a, 0), hit

    # ------------------------------------------------------------------------------- per rule
    def registry_codes(self, keys: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray] | None:
        """(code of each registry row's composite key, -2 where the rule does not hold; the sorted distinct
        composite keys, whose positions the codes are) of a rule's registry keys."""
        parts, valid = [], np.ones(len(self.std_r), bool)
        for key in keys:
            for col, kind in blocking.key_columns(key):
                valid &= blocking.held(self.std_r, col, kind)
                if kind != "value":
                    continue
                got = self._part_codes(col)
                if got is None:
                    return None
                parts.append(got)
        key = composite(parts)
        if key is None:
            return None
        uniq, codes = np.unique(key[valid], return_inverse=True)
        out = np.full(len(self.std_r), -2, np.int32)
        out[valid] = codes
        return out, uniq

    def key_codes(self, rule: blocking.Rule, std_l: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
        """(list codes, registry codes) of a rule for `blocking.block`: -1 / -2 where it does not hold, a list
        row's code that of the registry key equal to its own (or one no registry row has); None when the
        index does not hold this rule's keys (blocking codes them itself then)."""
        got = self.rules.get(tuple(rule.registry_keys))
        if got is None:
            return None
        code_r, uniq = got
        parts, valid, matched = [], np.ones(len(std_l), bool), np.ones(len(std_l), bool)
        for (cl, kl), (cr, kr) in blocking.rule_parts(rule):
            valid &= blocking.held(std_l, cl, kl)
            if kr == "value" and kl != "value":      # the registry's codes were built with this part
                return None
            if kl != "value" or kr != "value":       # a row selector (``no_by>any``, ``fn_is_init>any``)
                continue
            reg = self._part_codes(cr)
            if cl not in std_l or reg is None or (cr in self.own) != (std_l[cl].dtype == object):
                return None
            codes, hit = self._list_part(std_l, cl, cr, reg[1])
            matched &= hit
            parts.append((codes, reg[1]))
        key = composite(parts)
        if key is None:
            return None
        if len(uniq):
            pos = np.searchsorted(uniq, key)
            found = matched & (pos < len(uniq)) & (uniq[np.clip(pos, 0, len(uniq) - 1)] == key)
        else:
            pos, found = np.zeros(len(std_l), np.int64), np.zeros(len(std_l), bool)
        code_l = np.where(found, pos, len(uniq)).astype(np.int64)
        code_l[~valid] = -1
        return code_l, code_r


# ------------------------------------------------------------------------------------------ encode
def encode(std_l: pd.DataFrame, std_r: pd.DataFrame, keys: RegistryKeys) -> cmp.Encoded:
    """`compare.encode(std_l, std_r)`, the registry's side taken from the index."""
    if not keys.nul_free:
        return cmp.encode(std_l, std_r)
    # the comparisons both sides support, the list's non-text codes: from the list against a registry sample
    # that has every value of each non-text column and a non-empty value of each text column wherever one exists
    small = cmp.encode(std_l, std_r.iloc[keys.probe_rows()])
    left, right, vocab, code_points = dict(small.left), {}, {}, {}
    for c, arr in small.right.items():
        if not any(c in cols for cols in _groups(small).values()):
            right[c] = std_r[c].to_numpy(arr.dtype)
    for group, cols in _groups(small).items():
        if group.startswith("t_"):       # a generic column the list shares: coded as compare codes it
            (a,), (b,), vocab[group] = cmp._encode_strings([std_l[group]], [std_r[group]])
            left[group], right[group] = a, b
            continue
        if group not in keys.vocab or not all(c in keys.own for c in cols):
            return cmp.encode(std_l, std_r)
        lvals = [std_l[c].to_numpy(object) for c in cols]
        merged = _merge(keys.vocab[group], lvals)
        if merged is None:
            return cmp.encode(std_l, std_r)
        full, reg_map, lcodes, new, at = merged
        vocab[group] = full
        if group in keys.code_points:
            got = _joint_code_points(keys.code_points[group], new, at)
            if got is not None:
                code_points[group] = got
        for c, lc in zip(cols, lcodes):
            left[c] = lc
            right[c] = reg_map[keys.own[c]]
    # `Encoded.code_points` of these vocabularies (width 16)
    return cmp.Encoded(left, right, vocab, small.comparisons, code_point_cache=code_points)


#: the width `compare` cuts its code-point matrices at (`Encoded.code_points`' default)
CODE_POINT_WIDTH = 16


def registry_code_points(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The code-point matrix of "" + ``values`` cut at `CODE_POINT_WIDTH`, as ranks (from 1) of the sorted
    characters, their lengths and those characters; None for 255 characters or more (`compare` keeps the
    code points themselves then)."""
    values = np.concatenate([np.array([""], dtype=object), values])
    cut = [v[:CODE_POINT_WIDTH] for v in values]
    chars = sorted(set("".join(cut)))
    if len(chars) >= 255:
        return None
    raw = np.array(cut, dtype=f"<U{CODE_POINT_WIDTH}").view(np.uint32).reshape(len(values), CODE_POINT_WIDTH)
    table = np.zeros(int(raw.max(initial=0)) + 1, np.uint8)
    table[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1, dtype=np.uint8)
    return table[raw], np.fromiter(map(len, values), np.int64, len(values)), "".join(chars)


def _joint_code_points(reg: tuple[np.ndarray, np.ndarray, str], new: np.ndarray, at: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray] | None:
    """`compare._code_point_matrix` of the joint vocabulary ("" + registry values with ``new`` inserted at
    ``at``), from the registry's matrix in its own character ranks: the ranks renumbered over the joint
    characters, the list's rows inserted, the columns cut to the longest value."""
    mat_r, len_r, chars_r = reg
    cut = [v[:CODE_POINT_WIDTH] for v in new]
    chars = sorted(set(chars_r) | set("".join(cut)))
    if len(chars) >= 256:
        return None
    rank = {c: k + 1 for k, c in enumerate(chars)}
    remap = np.array([0] + [rank[c] for c in chars_r], np.uint8)
    mat = remap[mat_r]
    lengths = len_r
    if len(new):
        raw = np.array(cut, dtype=f"<U{CODE_POINT_WIDTH}").view(np.uint32).reshape(len(new), CODE_POINT_WIDTH)
        table = np.zeros(int(raw.max(initial=0)) + 1, np.uint8)
        known = [c for c in chars if ord(c) < len(table)]
        table[[ord(c) for c in known]] = [rank[c] for c in known]
        mat = np.insert(mat, at + 1, table[raw], axis=0)
        lengths = np.insert(len_r, at + 1, np.fromiter(map(len, new), np.int64, len(new)))
    width = int(min(CODE_POINT_WIDTH, max(lengths.max(initial=1), 1)))
    return np.ascontiguousarray(mat[:, :width]), lengths


def _groups(enc: cmp.Encoded) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {NAME_GROUP: list(cmp.NAME_COLS)}
    for c in enc.vocab:
        if c != NAME_GROUP:
            out[c] = [c]
    return out


def probe_rows(std_r: pd.DataFrame) -> np.ndarray:
    """See `RegistryKeys.probe_rows` (always row 0)."""
    rows = [np.zeros(1, np.int64)] if len(std_r) else []
    for c in std_r.columns:
        a = std_r[c].to_numpy()
        if a.dtype == object:
            rows.append(np.flatnonzero(a != "")[:1])
            rows.append(np.flatnonzero(a == "")[:1])
        else:
            rows.append(np.unique(a, return_index=True)[1])
    return np.unique(np.concatenate(rows)).astype(np.int64) if rows else np.zeros(0, np.int64)


def _merge(reg: np.ndarray, lvals: list[np.ndarray]) -> tuple | None:
    """(the joint vocabulary "" + sorted(registry values | list values), the joint code of each registry rank
    (0 for ""), the list columns' joint codes, the list's new values (sorted), where each goes among the
    registry's), or None for values this merge cannot order as numpy does."""
    allv = np.concatenate(lvals) if lvals else np.zeros(0, object)
    uniq = pd.unique(allv)
    if pd.api.types.infer_dtype(uniq, skipna=False) not in ("string", "empty") \
            or any("\x00" in v for v in uniq):
        return None
    uniq = np.asarray(uniq, dtype=object)
    uniq = uniq[uniq != ""]
    pos = np.searchsorted(reg, uniq) if len(reg) else np.zeros(len(uniq), np.int64)
    known = (pos < len(reg)) & (reg[np.clip(pos, 0, max(len(reg) - 1, 0))] == uniq) if len(reg) \
        else np.zeros(len(uniq), bool)
    new = uniq[~known]
    new = new[np.argsort(new.astype(str), kind="stable")] if len(new) else new
    at = np.searchsorted(reg, new) if len(reg) else np.zeros(len(new), np.int64)
    before = np.cumsum(np.bincount(at, minlength=len(reg) + 1))[:len(reg)]   # new values sorted before each
    reg_map = np.zeros(len(reg) + 1, np.int32)
    reg_map[1:] = np.arange(1, len(reg) + 1) + before
    full = np.concatenate([np.array([""], dtype=object), np.insert(reg, at, new) if len(new) else reg])
    codes = []
    for a in lvals:
        p = np.searchsorted(full, a.astype(object)) if len(full) else np.zeros(len(a), np.int64)
        codes.append(np.where(a == "", 0, p).astype(np.int32))
    return full, reg_map, codes, new, at
