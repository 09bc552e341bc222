"""A registry prepared once (`linker index`): what a run derives from the registry alone, kept as Parquet.

``linker index REGISTRY --out REG.linker`` writes a directory holding

- ``raw.parquet``: the table as `linker.io.read_table` read it (every cell a string), and ``lines.parquet``
  the source line of each row (the ``line_numbers`` messages name);
- ``std.parquet``: the standardized columns (`linker.standardize.standardize`) of the registry's fields, and
  ``text.parquet`` the normalized text of every other column, by column name: which of those a run compares
  (the generic columns the list shares) depends on the list's headers, so the run picks them then;
- ``ids.parquet``: the registry's ids;
- the registry's side of encoding and blocking (`linker.prepared_keys`): each text group's sorted values
  (``vocab_<k>``), each text column's rank in them (``own``), their code-point matrices (``cp_<k>``,
  ``cplen_<k>``), and the key codes of every rule blocking could choose (``rule_<k>``, ``rulekeys_<k>``,
  read only for the rules a run blocks on);
- ``index.json``: the format version, the linker version, the registry file's name, size and sha256 and
  where it lies relative to the index, the mapping the standardized columns were made with, and the table's
  attributes (encoding, delimiter).

A run from the index (``linker match LIST REG.linker``) redoes the cheap column mapping with the list's
headers, exactly as a run from the file does, and takes the standardized columns from the index when the
registry's mapping is the one they were made with (else it standardizes the stored table again, with a
note): its outputs are byte-identical to a run from the registry file. The index is refused, naming the fix
(``linker index`` again), when it was made by another linker or format version, or when the registry file
beside it changed or is gone (the report's provenance is that file's sha256).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import abc
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from . import __version__
from .columns import Mapping, ids_of, map_columns, text_column
from .errors import InputError
from .io import LineNumbers, read_table
from .settings import Settings

FORMAT_VERSION = 2
INDEX_FILE = "index.json"
_KIND = "linker registry index"


def is_index(src: object) -> bool:
    """Whether ``src`` is the path of a directory `build_index` wrote."""
    return isinstance(src, (str, os.PathLike)) and (Path(src) / INDEX_FILE).is_file()


def fingerprint(path: str | os.PathLike[str]) -> tuple[int, str]:
    """(size in bytes, sha256) of a file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


# ------------------------------------------------------------------------------------- Parquet I/O
def _write_part(table, path: Path) -> None:
    """One Parquet file as a run reads it fastest: uncompressed, plain-encoded, one row group, so that reading
    a column is a copy out of the memory-mapped pages, with no dictionary or decompression step (larger
    files, read in about half the time)."""
    import pyarrow.parquet as pq

    pq.write_table(table, path, compression="none", use_dictionary=False, row_group_size=max(table.num_rows, 1),
                   write_statistics=False)


class _Writer:
    """Parquet files whose text columns are int32 codes into one vocabulary of every distinct string of the
    index (``vocab.parquet``): a run makes each distinct string a Python object once, and a column of them
    is a gather of references."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.parts: dict[str, dict[str, np.ndarray]] = {}

    def add(self, part: str, columns: dict[str, np.ndarray]) -> None:
        self.parts[part] = {k: np.asarray(v) for k, v in columns.items()}

    def write(self) -> dict:
        """Write every part and the vocabulary; what `_Reader` needs to know (the text columns, the encoding
        of the vocabulary)."""
        import pyarrow as pa

        text = [(p, c) for p, cols in self.parts.items() for c, v in cols.items() if v.dtype == object]
        allv = np.concatenate([self.parts[p][c] for p, c in text]) if text else np.zeros(0, object)
        codes, uniq = pd.factorize(allv, sort=False)
        if len(codes) and (codes < 0).any():
            raise InputError(f"{self.root}: a column holds a missing value, not text; report this as a bug")
        uniq = np.asarray(uniq, dtype=object)
        try:
            vocab, as_bytes = pa.array(uniq, type=pa.large_string()), False
        except (UnicodeError, pa.ArrowException):      # a lone surrogate: kept as its bytes
            vocab = pa.array([v.encode("utf-8", "surrogatepass") for v in uniq], type=pa.large_binary())
            as_bytes = True
        _write_part(pa.table({"value": vocab}), self.root / "vocab.parquet")
        at, coded = 0, {}
        for p, c in text:
            n = len(self.parts[p][c])
            coded[p, c] = codes[at:at + n].astype(np.int32)
            at += n
        for part, cols in self.parts.items():
            arrays = {c: pa.array(coded[part, c] if (part, c) in coded else v) for c, v in cols.items()}
            _write_part(pa.table(arrays) if arrays else pa.table({}), self.root / f"{part}.parquet")
        return {"text": {p: [c for q, c in text if q == p] for p in self.parts}, "vocab_as_bytes": as_bytes}


class _Reader:
    def __init__(self, root: Path, layout: dict) -> None:
        self.root = root
        self.layout = layout
        self._vocab: np.ndarray | None = None
        self._tables: dict = {}          # part -> its memory-mapped Arrow table, read once

    def vocab(self) -> np.ndarray:
        if self._vocab is None:
            import pyarrow.parquet as pq

            table = pq.read_table(self.root / "vocab.parquet", memory_map=True)
            values = table.column("value").to_numpy(zero_copy_only=False)
            if self.layout["vocab_as_bytes"]:
                values = np.array([v.decode("utf-8", "surrogatepass") for v in values], dtype=object)
            self._vocab = values.astype(object, copy=False)
        return self._vocab

    def read(self, part: str) -> dict[str, np.ndarray]:
        """The columns of a part, text columns gathered from `vocab`."""
        import pyarrow.parquet as pq

        tables = self._tables
        if part not in tables:
            tables[part] = pq.read_table(self.root / f"{part}.parquet", memory_map=True)
        table = tables[part]
        text = set(self.layout["text"].get(part, ()))
        out = {}
        for name in table.column_names:
            values = table.column(name).to_numpy()
            out[name] = self.vocab()[values] if name in text else values
        return out


# ------------------------------------------------------------------------------------------ build
def registry_mapping(raw: pd.DataFrame, settings: Settings, *, path: str) -> Mapping:
    """The registry's mapping with every column no field uses as a generic text column (the mapping a run
    gives it when the list shares all those columns): standardizing with it normalizes each such column."""
    _same, mapping = map_columns(raw, raw, list_path=path, registry_path=path, list_overrides=settings.registry_map,
                                 registry_overrides=settings.registry_map, list_id=settings.registry_id,
                                 registry_id=settings.registry_id)
    return mapping


def build_index(registry: str | os.PathLike[str], out: str | os.PathLike[str], settings: Settings, *,
                force: bool = False, log: Callable[[str], None] | None = None) -> Path:
    """Read, map and standardize ``registry`` and write the index into ``out`` (atomically, `linker.outdir`)."""
    from .outdir import OutputDir
    from .standardize import standardize

    say = log or (lambda _m: None)
    if isinstance(registry, pd.DataFrame) or not isinstance(registry, (str, os.PathLike)):
        raise InputError("linker.index: the registry must be a file path (the index records the file's sha256); "
                         "write the DataFrame to a CSV or Parquet file first")
    path = os.fspath(registry)
    with OutputDir(os.fspath(out), command="index", force=force, inputs=(path,)) as target:
        size, sha = fingerprint(path)
        raw = read_table(path)
        say(f"registry {path}: {len(raw):,} rows")
        mapping = registry_mapping(raw, settings, path=path)
        ids = ids_of(raw, mapping, path=path, side="registry")
        std = standardize(raw, mapping)
        texts = {text_column(mapping, name): std[f"t_{i}"].to_numpy(object) for i, name in enumerate(mapping.text)}
        own = {c: std[c].to_numpy() for c in std.columns if not c.startswith("t_")}
        attrs = {k: v for k, v in raw.attrs.items() if k != "line_numbers"}
        try:
            json.dumps(attrs)
        except TypeError:
            raise InputError(f"{path}: the table carries attributes linker cannot store ({sorted(attrs)}); "
                             "convert the file to CSV and index that") from None
        with target.staging() as tmp:
            files = _Writer(tmp)
            files.add("raw", {c: raw[c].to_numpy(object) for c in raw.columns})
            files.add("std", own)
            files.add("text", texts)
            same_ids = mapping.get("id") is not None and np.array_equal(ids.to_numpy(object),
                                                                         raw[mapping.get("id")].to_numpy(object))
            if not same_ids:            # else the ids are the id column's cells, read with the table
                files.add("ids", {"id": ids.to_numpy(object)})
            lines = raw.attrs.get("line_numbers")
            if lines is not None:
                files.add("lines", {"line": np.asarray(lines)})
            keys = _registry_keys(std, files)
            layout = files.write()
            where = Path(out).absolute()
            manifest = {
                "kind": _KIND, "format_version": FORMAT_VERSION, "linker_version": __version__,
                "registry": {"path": path, "file": Path(path).name, "bytes": size, "sha256": sha,
                             "relative": os.path.relpath(Path(path).absolute(), where)},
                "rows": int(len(raw)), "columns": list(map(str, raw.columns)), "attrs": attrs,
                "mapping": {"fields": [list(f) for f in mapping.fields], "date_order": mapping.date_order,
                            "date_other": int(mapping.date_other)},
                "id_field": mapping.get("id"), "text_columns": list(texts), "layout": layout, "keys": keys,
                "settings": {"registry_map": [list(m) for m in settings.registry_map],
                             "registry_id": settings.registry_id},
            }
            (tmp / INDEX_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    say(f"index {out}: {len(raw):,} rows, {len(mapping.fields)} fields, {len(texts)} other columns")
    return Path(out)


def _registry_keys(std: pd.DataFrame, files: _Writer) -> dict:
    """The registry's side of encoding and blocking (`linker.prepared_keys`) added to ``files``: each text
    group's sorted values, and the key codes of every rule blocking could choose for this registry."""
    from . import blocking
    from .prepared_keys import RegistryKeys, probe_rows, registry_code_points, sorted_distinct, text_groups

    groups = text_groups(std)
    vocab = {g: sorted_distinct([std[c].to_numpy(object) for c in cols]) for g, cols in groups.items()}
    nul_free = not any("\x00" in v for values in vocab.values() for v in values)
    own = {}
    for g, cols in groups.items():
        index = pd.Index(vocab[g])
        for c in cols:
            own[c] = (index.get_indexer(std[c].to_numpy(object)) + 1).astype(np.int32)   # "" is not in it: 0
    for i, g in enumerate(groups):
        files.add(f"vocab_{i}", {"value": vocab[g]})
    files.add("own", own)
    files.add("probe", {"row": probe_rows(std[[c for c in std.columns if not c.startswith("t_")]])})
    code_points = {}
    for i, g in enumerate(groups):
        got = registry_code_points(vocab[g]) if nul_free else None
        if got is not None:
            files.add(f"cp_{i}", {"cp": got[0].ravel()})
            files.add(f"cplen_{i}", {"len": got[1].astype(np.int32)})
            code_points[g] = {"part": f"cp_{i}", "lengths": f"cplen_{i}", "width": int(got[0].shape[1]),
                              "chars": got[2]}
    keys = RegistryKeys(std, vocab, own, {}, nul_free)
    rules = []
    # the rules blocking could choose against any list: a two-row stand-in list on which every key holds on
    # one row and is missing on the other
    stand_in = {}
    for c in std.columns:
        a = std[c].to_numpy()
        has = np.flatnonzero(blocking.held(std, c, "value"))
        blank = "" if a.dtype == object else np.zeros(1, a.dtype)[0]
        stand_in[c] = np.array([a[has[0]] if len(has) else blank, blank], dtype=a.dtype)
    for rule in blocking.default_rules(pd.DataFrame(stand_in), std):
        rk = tuple(rule.registry_keys)
        if rk in {tuple(r) for r in rules} or any(k.startswith("t_") for k in rk):
            continue
        got = keys.registry_codes(rk)
        if got is None:
            continue
        files.add(f"rule_{len(rules)}", {"code": got[0]})
        files.add(f"rulekeys_{len(rules)}", {"key": got[1]})
        rules.append(list(rk))
    return {"groups": {g: cols for g, cols in groups.items()}, "nul_free": nul_free, "rules": rules,
            "code_points": code_points}


# ------------------------------------------------------------------------------------------- open
@dataclass
class Prepared:
    """An opened index: the registry's table, and what a run takes from the index instead of recomputing."""

    index: str                      # the index directory as given
    path: str                       # the registry file, as messages and the report name it
    raw: pd.DataFrame
    manifest: dict

    files: _Reader

    def _columns(self, name: str) -> dict[str, np.ndarray]:
        return self.files.read(name)

    def _same_mapping(self, mapping: Mapping) -> bool:
        m = self.manifest["mapping"]
        return (tuple(tuple(f) for f in m["fields"]) == mapping.fields and m["date_order"] == mapping.date_order
                and m["date_other"] == mapping.date_other)

    def ids(self, mapping: Mapping) -> pd.Series:
        """The ids under the run's mapping (stored when its id field is the index's)."""
        if self._same_mapping(mapping):
            col = mapping.get("id")        # ids_of names the series after the id column
            if "ids" not in self.manifest["layout"]["text"]:
                return pd.Series(self.raw[col].to_numpy(object), index=self.raw.index, dtype=object, name=col)
            return pd.Series(self._columns("ids")["id"], index=self.raw.index, dtype=object, name=col)
        return ids_of(self.raw, mapping, path=self.path, side="registry")

    def std(self, mapping: Mapping) -> pd.DataFrame | None:
        """`linker.standardize.standardize` of the registry under the run's mapping, from the stored columns;
        None when the run maps the registry otherwise than the index did (the engine standardizes then)."""
        if not self._same_mapping(mapping):
            return None
        texts = self._columns("text")
        wanted = [text_column(mapping, name) for name in mapping.text]
        if any(c not in texts for c in wanted):
            return None
        own = self._columns("std")
        data = {k: v for k, v in own.items() if k != "flags"}
        data.update({f"t_{i}": texts[c] for i, c in enumerate(wanted)})
        data["flags"] = own["flags"]
        idx = self.raw.index
        out = pd.concat([pd.Series(v, index=idx, name=k, copy=False) for k, v in data.items()], axis=1, copy=False)
        out.attrs["text_names"] = {f"t_{i}": name for i, name in enumerate(mapping.text)}
        return out

    def keys(self, std: pd.DataFrame):
        """The registry's side of encoding and blocking (`linker.prepared_keys.RegistryKeys`) for ``std``, the
        standardized table `std` gave."""
        from .prepared_keys import RegistryKeys

        meta = self.manifest["keys"]
        vocab = {g: self.files.read(f"vocab_{i}")["value"] for i, g in enumerate(meta["groups"])}
        own = self.files.read("own")
        rules = _RuleKeys(self.files, meta["rules"])
        code_points = {}
        for g, cp in meta["code_points"].items():
            flat = self.files.read(cp["part"])["cp"]
            lengths = self.files.read(cp["lengths"])["len"].astype(np.int64)
            code_points[g] = (flat.reshape(-1, int(cp["width"])), lengths, cp["chars"])
        return RegistryKeys(std, vocab, own, rules, bool(meta["nul_free"]), self.files.read("probe")["row"],
                            code_points)


class _RuleKeys(abc.Mapping):
    """The stored key codes of each blocking rule (`RegistryKeys.rules`), read when a run's blocking asks for
    that rule: a list blocks on a few of the rules the index holds."""

    def __init__(self, files: _Reader, rules: list) -> None:
        self._files = files
        self._at = {tuple(rk): i for i, rk in enumerate(rules)}
        self._read: dict = {}

    def __getitem__(self, keys: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        i = self._at[keys]
        if i not in self._read:
            self._read[i] = (self._files.read(f"rule_{i}")["code"], self._files.read(f"rulekeys_{i}")["key"])
        return self._read[i]

    def __iter__(self):
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


def _refuse(index: str, why: str, registry: str) -> InputError:
    return InputError(f"{index}: {why}; make it again with `linker index {registry} --out {index} --force`")


def _manifest(index: str | os.PathLike[str]) -> dict:
    shown = os.fspath(index)
    try:
        manifest = json.loads((Path(index) / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{shown}: not a readable linker index ({exc}); make one with "
                         f"`linker index REGISTRY --out {shown}`") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("registry"), dict) \
            or manifest.get("kind") != _KIND:
        raise InputError(f"{shown}: {INDEX_FILE} is not a linker index manifest; make one with "
                         f"`linker index REGISTRY --out {shown}`")
    return manifest


def registry_file_of(index: str | os.PathLike[str]) -> str:
    """Where the registry file an index was made from lies (beside the index, as recorded), unchecked."""
    reg = _manifest(index)["registry"]
    return os.path.relpath(os.path.normpath(Path(index).absolute() / str(reg.get("relative"))))


def open_index(index: str | os.PathLike[str]) -> Prepared:
    """The index at ``index``, checked against this linker and the registry file it was made from."""
    shown = os.fspath(index)
    where = Path(index)
    manifest = _manifest(index)
    reg = manifest["registry"]
    given = str(reg.get("path"))
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("linker_version") != __version__:
        raise _refuse(shown, f"made by linker {manifest.get('linker_version')} (index format "
                             f"{manifest.get('format_version')}), this is linker {__version__} (format "
                             f"{FORMAT_VERSION})", given)
    located = os.path.normpath(where.absolute() / str(reg.get("relative")))
    if not os.path.isfile(located):
        raise _refuse(shown, f"the registry it was made from, {reg.get('file')}, is no longer at {located} (the "
                             "report records that file's sha256); put it back", given)
    # the path as given at index time when it is the same file (the report names it so), else where it lies
    path = given if os.path.isfile(given) and os.path.samefile(given, located) else os.path.relpath(located)
    size, sha = fingerprint(located)
    if (size, sha) != (reg.get("bytes"), reg.get("sha256")):
        raise _refuse(shown, f"{path} changed since the index was made ({reg.get('bytes'):,} bytes, sha256 "
                             f"{str(reg.get('sha256'))[:12]}… then; {size:,} bytes, {sha[:12]}… now)", path)
    files = _Reader(where, manifest["layout"])
    raw_cols = files.read("raw")
    n = int(manifest["rows"])
    raw = pd.DataFrame({c: raw_cols[c] for c in manifest["columns"]}, index=pd.RangeIndex(n), dtype=object)
    if "lines" in manifest["layout"]["text"]:
        raw.attrs["line_numbers"] = LineNumbers(files.read("lines")["line"])
    raw.attrs.update(manifest.get("attrs") or {})
    return Prepared(shown, path, raw, manifest, files)
