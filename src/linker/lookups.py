"""One person looked up in a prepared registry (`linker lookup`, `linker.Lookup`): the ranked candidates
with probabilities and each field's evidence, in well under a second once the index is loaded.

The model is a saved ``model.json`` of an earlier `linker match` against this registry (its m, u and
genuine share): a single query has no list to fit one on. A query is standardized as a list row is, its
candidates are the registry rows that share a blocking key with it (the index's key codes, looked up through
a sorted copy of each rule's codes; a key that more than ``max_block`` registry rows share is left to the other
rules, as in a run), and each candidate is compared and weighed as in a run, with the registry's term
frequencies. The probabilities are the pair posteriors of one entry under the model's genuine share (a run
fits that share on its list instead, so a run's figures for the same person may differ slightly).
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import numpy as np
import pandas as pd

from . import assign, blocking, compare as cmp, model as fs
from .columns import map_columns
from .errors import BlockingError, InputError
from .prepared import open_index
from .settings import Settings
from .standardize import standardize

#: the fields a query may give (the list's canonical fields)
QUERY_FIELDS = ("surname", "first_name", "patronymic", "full_name", "birth_date", "personal_number", "rank",
                "category", "unit")


def evidence(model: fs.Model, gam: pd.DataFrame, pair_p: np.ndarray, match_weight: np.ndarray,
             tf_weight: np.ndarray, registry_ids: np.ndarray) -> pd.DataFrame:
    """Candidates most probable first: registry id, probability, weight, and per field its level
    (``<field>_level``) and evidence in bits (``<field>_weight``), as the report's waterfall shows them."""
    order = np.lexsort((np.arange(len(pair_p)), -np.asarray(pair_p)))
    out = pd.DataFrame({"registry_id": np.asarray(registry_ids, dtype=object)[order],
                        "probability": np.asarray(pair_p)[order],
                        "match_weight": np.asarray(match_weight)[order]})
    gam = gam.iloc[order]
    weights = fs.field_weights(model, gam)
    for c in model.comparisons:
        g = gam[f"gamma_{c.name}"].to_numpy()
        labels = np.array([*c.labels, "missing"], dtype=object)
        out[f"{c.field}_level"] = labels[np.where(g < 0, len(c.labels), g)]
        out[f"{c.field}_weight"] = weights[c.name]
    out["term_frequency_weight"] = np.asarray(tf_weight)[order]
    return out


class Lookup:
    """A prepared registry and a model, loaded once; `query` looks up one person, `queries` many."""

    def __init__(self, index: str | os.PathLike[str], model: str | os.PathLike[str], *,
                 settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.model_path = os.fspath(model)
        self.model = fs.Model.load(self.model_path)
        self.prep = open_index(index)
        self._mappings: dict[tuple[str, ...], Any] = {}
        reg_mapping = self._mapping(tuple(f for f in QUERY_FIELDS if f != "full_name"))[1]
        std = self.prep.std(reg_mapping)
        if std is None:
            raise InputError(f"{self.prep.index}: the index was made with another mapping of the registry; make "
                             f"it again with `linker index {self.prep.path} --out {self.prep.index} --force`")
        self.std = std
        self.ids = self.prep.ids(reg_mapping).to_numpy(object)
        self.keys = self.prep.keys(std)
        self.probe = self.keys.probe_rows()
        self.n = len(std)
        self._sorted = {}           # registry keys -> (registry rows by key code, their codes): the blocks
        for key, (code_r, _uniq) in self.keys.rules.items():
            order = np.argsort(code_r, kind="stable")
            self._sorted[key] = (order, code_r[order])
        self._tf = self._registry_frequencies()

    @property
    def source(self) -> str:
        """Where the model comes from, as the output says."""
        return (f"model {self.model_path} (an earlier run's fit; genuine share {self.model.genuine_share:.3f}), "
                f"registry {self.prep.path} ({self.n:,} rows, index {self.prep.index})")

    def _mapping(self, columns: tuple[str, ...]):
        """(query mapping, registry mapping) of a query with these columns (computed once per column set)."""
        if columns not in self._mappings:
            template = pd.DataFrame({f: [""] for f in columns}, dtype=object)
            self._mappings[columns] = map_columns(
                template, self.prep.raw, list_path="query", registry_path=self.prep.path,
                registry_overrides=self.settings.registry_map, registry_id=self.settings.registry_id)
        return self._mappings[columns]

    # --------------------------------------------------------------------------------- per registry
    def _registry_frequencies(self) -> dict[str, Any]:
        """Registry frequency of each name value (by rank in the index's name vocabulary) and of whole names."""
        own, n = self.keys.own, max(self.n, 1)
        size = len(self.keys.vocab["name"]) + 1
        freq = {c: np.bincount(own[c], minlength=size) / n for c in ("sn_stem", "fn_canon", "pt")}
        whole = (own["sn_stem"].astype(np.int64) * size + own["fn_canon"]) * size + own["pt"]
        codes, uniq = pd.factorize(whole, sort=False)
        freq["whole_freq"] = np.bincount(codes, minlength=len(uniq)) / n
        freq["whole_codes"] = np.where((own["sn_stem"] > 0) & (own["fn_canon"] > 0), codes, -1).astype(np.int64)
        return freq

    def _rows_of(self, rule: blocking.Rule, std_q: pd.DataFrame) -> np.ndarray:
        got = self.keys.key_codes(rule, std_q)
        if got is None:
            return np.zeros(0, np.int64)
        code_l = got[0]
        order, sorted_codes = self._sorted[tuple(rule.registry_keys)]
        out = []
        for code in code_l[code_l >= 0]:
            lo, hi = np.searchsorted(sorted_codes, code, "left"), np.searchsorted(sorted_codes, code, "right")
            if 0 < hi - lo <= (rule.block_cap(self.settings.max_block) or hi - lo):
                out.append(order[lo:hi])
        return np.concatenate(out) if out else np.zeros(0, np.int64)

    def _frequencies(self, enc: cmp.Encoded, rows: np.ndarray) -> fs.TermFrequencies:
        """`model.TermFrequencies` of the whole registry, indexed by this query's small encoding."""
        reg_vocab = self.keys.vocab["name"]
        mini = enc.vocab["name"].astype(object)
        pos = np.searchsorted(reg_vocab, mini) if len(reg_vocab) else np.zeros(len(mini), np.int64)
        hit = (pos < len(reg_vocab)) & (reg_vocab[np.clip(pos, 0, max(len(reg_vocab) - 1, 0))] == mini) \
            if len(reg_vocab) else np.zeros(len(mini), bool)
        rank = np.where(hit, pos + 1, 0)

        def by_code(col: str) -> np.ndarray:
            return np.where(rank > 0, self._tf[col][rank], 0.0)

        whole_rows = np.full(len(enc.right["sn"]), -1, np.int64)
        whole_rows[:len(rows)] = self._tf["whole_codes"][rows]
        return fs.TermFrequencies(self.n, by_code("sn_stem"), by_code("fn_canon"), by_code("pt"), whole_rows,
                                  self._tf["whole_freq"], {})

    # ------------------------------------------------------------------------------------ queries
    def _query_frame(self, fields: dict[str, Any]) -> pd.DataFrame:
        unknown = sorted(set(fields) - set(QUERY_FIELDS))
        if unknown:
            raise InputError(f"lookup: unknown field {unknown[0]!r}; give {', '.join(QUERY_FIELDS)}")
        def text(v: Any) -> str:
            return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()

        whole = text(fields.get("full_name")) and not text(fields.get("surname"))
        names = ("full_name",) if whole else ("surname", "first_name", "patronymic")
        cols = names + tuple(f for f in QUERY_FIELDS if f not in ("surname", "first_name", "patronymic",
                                                                 "full_name"))
        row = {f: [text(fields.get(f))] for f in cols}
        if not row[names[0]][0]:
            raise InputError("lookup: a query needs a surname (or a full name); give --surname or --full-name")
        return pd.DataFrame(row, dtype=object)

    def query(self, **fields: Any) -> pd.DataFrame:
        """The candidates of one person (``surname=``, ``first_name=``, ``patronymic=``, ``birth_date=``,
        ``personal_number=`` ...), most probable first (`evidence`'s columns); ``attrs``: the probability that
        the person is in the registry, and where the model comes from."""
        frame = self._query_frame(fields)
        std_q = standardize(frame, self._mapping(tuple(frame.columns))[0])
        probe = self.std.iloc[self.probe]
        try:
            rules = blocking.choose_rules(self.settings.blocking_rules, std_q, probe)
        except BlockingError:       # nothing in the query to meet a record by (a name that standardizes to "")
            rules = []
        rows = np.unique(np.concatenate([self._rows_of(r, std_q) for r in rules] or [np.zeros(0, np.int64)]))
        # the candidates, then registry rows that hold every field somewhere (the comparisons of the run)
        sub = self.std.iloc[np.concatenate([rows, self.probe])]
        enc = cmp.restrict(cmp.encode(std_q, sub), self.model.comparisons, source=self.model_path)
        il, ir = np.zeros(len(rows), np.int32), np.arange(len(rows), dtype=np.int32)
        gam = cmp.compare(enc, il, ir, workers=self.settings.workers)
        tf = self._frequencies(enc, rows) if self.model.tf else None
        weights = fs.score(self.model, enc, gam, il, ir, tf)
        w = weights["match_weight"].to_numpy()
        pair_p, genuine = assign.entry_posteriors(il, w, 1, self.n, genuine_share=self.model.genuine_share,
                                                  miss_rate=self.model.miss_rate)
        out = evidence(self.model, gam, pair_p, w, weights["mw_tf"].to_numpy(), self.ids[rows])
        out.attrs.update(genuine_probability=float(genuine[0]) if len(genuine) else 0.0, source=self.source)
        return out

    def queries(self, table: pd.DataFrame, *, top: int = 5, path: str = "queries") -> Iterator[pd.DataFrame]:
        """The `query` of each row of ``table``, its ``top`` candidates each, with the row's number (``query``,
        from 1) and the probability the person is in the registry. The columns are recognised by their headers
        as a list's are (``Фамилия``, ``Surname``, ``DOB``...)."""
        from .columns import detect_fields

        found = {f: c for f, c in detect_fields(list(table.columns), (), path=path).items() if f in QUERY_FIELDS}
        if not ({"surname", "full_name"} & found.keys()):
            raise InputError(f"{path}: no name column found (headers seen: {', '.join(map(str, table.columns))}); "
                             "name one surname or full_name")
        fields, cols = list(found), list(found.values())
        for k, row in enumerate(table[cols].itertuples(index=False), start=1):
            got = self.query(**dict(zip(fields, row))).head(top)
            got.insert(0, "genuine_probability", got.attrs["genuine_probability"])
            got.insert(0, "query", k)
            yield got
