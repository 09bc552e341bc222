"""What a report was made from, so that a reader holding the files can confirm it (`linker verify`).

report.json's ``provenance`` records, for the list and the registry, the file name, size and sha256 and the
rows read; the linker version, the engine, the seed and every setting that shapes the result; and the
sha256 of the model.json and matches.csv written beside it. Nothing in it depends on the clock or the
machine, so a re-run on the same files stays byte-identical (times stay in timings.json).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import __version__
from ..errors import InputError

# options that change how a run goes, never what it finds
_EXECUTION_ONLY = ("quiet", "workers", "chunk_pairs")


def file_fingerprint(path: str | os.PathLike[str]) -> dict:
    """The file's name (without its folders), size in bytes and sha256."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except OSError as exc:
        raise InputError(f"{os.fspath(path)}: cannot read the file ({exc.strerror or exc}); check the path") from None
    return {"file": Path(path).name, "bytes": size, "sha256": digest.hexdigest()}


def table_fingerprint(table) -> dict:
    """The sha256 of a table's text as linker reads it (header and every cell, in order): what a report made
    from a DataFrame given in Python records, since there is no file to fingerprint. `linker verify` reads a
    file and compares the same fingerprint of its table."""
    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, table.columns)).encode("utf-8") + b"\x1e")
    for start in range(0, len(table), 100_000):
        part = table.iloc[start:start + 100_000]
        rows = ["\x1f".join(r) for r in zip(*(part[c].astype(str).tolist() for c in part.columns))]
        digest.update(("\x1e".join(rows) + "\x1e").encode("utf-8", "surrogatepass"))
    return {"file": None, "source": "DataFrame", "table_sha256": digest.hexdigest()}


def _fingerprint(path: str, table) -> dict:
    return table_fingerprint(table) if table is not None else file_fingerprint(path)


def settings_record(settings) -> dict:
    """Every setting of the run that shapes its result, as JSON values."""
    d = asdict(settings)
    for k in _EXECUTION_ONLY:
        d.pop(k, None)
    return json.loads(json.dumps(d))       # tuples as lists: what report.json reads back


def provenance(*, list_path: str, registry_path: str, list_rows: int, registry_rows: int, settings, engine: str,
               outputs: dict[str, bytes], redacted: bool = False, list_table=None, registry_table=None) -> dict:
    """The ``provenance`` record of report.json; ``outputs`` maps file names written beside it to their bytes;
    ``list_table`` / ``registry_table``: the table of a side given as a DataFrame (fingerprinted instead)."""
    return {
        "list": {**_fingerprint(list_path, list_table), "rows": int(list_rows)},
        "registry": {**_fingerprint(registry_path, registry_table), "rows": int(registry_rows)},
        "linker_version": __version__,
        "engine": engine,
        "seed": settings.seed,
        "settings": settings_record(settings),
        "redacted": redacted,
        "outputs": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(outputs.items())},
    }


@dataclass(frozen=True)
class Check:
    """One line of `linker verify`: what was compared, whether it agrees, and what was seen."""

    what: str
    ok: bool
    detail: str


def verify(report_dir: str | os.PathLike[str], list_path: str, registry_path: str) -> list[Check]:
    """Compare the files with what DIR/report.json says the report was made from (and its outputs with theirs)."""
    rj = Path(report_dir) / "report.json"
    try:
        report = json.loads(rj.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{rj}: not found; give the --out directory of a linker match run") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{rj}: not a linker report ({exc}); give the --out directory of a linker match run") from None
    prov = report.get("provenance") if isinstance(report, dict) else None
    if not isinstance(prov, dict):
        raise InputError(f"{rj}: records no provenance (made by a linker older than this one); re-run the match")
    checks = []
    for role, path in (("list", list_path), ("registry", registry_path)):
        want = prov.get(role) or {}
        if "table_sha256" in want:          # made from a DataFrame: compare the table the file reads as
            from ..io import read_table

            got_t = table_fingerprint(read_table(path))["table_sha256"]
            checks.append(Check(role, got_t == want["table_sha256"], f"{path}: table sha256 {got_t[:16]}…" + (
                "" if got_t == want["table_sha256"] else
                f"; the report was made from a DataFrame whose table is {want['table_sha256'][:16]}…")))
            continue
        got = file_fingerprint(path)
        same = got["sha256"] == want.get("sha256") and got["bytes"] == want.get("bytes")
        detail = (f"{path}: sha256 {got['sha256'][:16]}…, {got['bytes']:,} bytes" + (
            "" if same else f"; the report was made from {want.get('file')}: sha256 "
                            f"{str(want.get('sha256'))[:16]}…, {want.get('bytes', 0):,} bytes"))
        checks.append(Check(role, same, detail))
    for name, want in (prov.get("outputs") or {}).items():
        p = Path(report_dir) / name
        if not p.is_file():
            checks.append(Check(name, False, f"{p}: missing"))
            continue
        got = hashlib.sha256(p.read_bytes()).hexdigest()
        checks.append(Check(name, got == want, f"{p}: sha256 {got[:16]}…" + (
            "" if got == want else f"; the report records {want[:16]}…")))
    return checks
