"""report.html: the self-contained verification report a journalist publishes from.

One file, no request leaves the machine when it opens: the CSS and the JavaScript are inlined, a
Content-Security-Policy forbids anything else, and the report dict is embedded as JSON in
``<script type="application/json" id="data">`` with every character that could end the block or be
read as markup escaped. Server-side text (headline, method) goes through Jinja2 autoescape; the
browser builds the charts and the entries table from the JSON with ``textContent`` and
``createElement`` only, never ``innerHTML`` with data.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from .entries import count as entry_count
from .entries import decisions, to_columns

__all__ = ["render_html", "embed_json", "report_hash", "verdict_sentence"]

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

# Characters that may not appear raw inside an inline <script> block (or that break old JS parsers).
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}

VERDICTS = {
    "genuine": (
        "This list is shown to be genuine: it matches the registry far more often than a fabricated "
        "list of the same kind would."
    ),
    "not_shown": (
        "This list is not shown to be genuine: a fabricated list of the same kind would match about "
        "as often."
    ),
    "inconclusive": (
        "The test cannot tell: this list matches more often than a fabricated list of the same kind "
        "would, but not by enough to rule out chance."
    ),
}

_COUNT_KEYS = ("total", "match", "review", "no_match", "duplicate_listings", "labelled", "confirmed_people")


def _json_default(obj: Any) -> Any:
    """numpy scalars and arrays, sets and anything with ``item()``/``tolist()`` become plain JSON."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"report value of type {type(obj).__name__} cannot be written as JSON")


def _finite(obj: Any) -> Any:
    """A copy of ``obj`` with NaN and infinities as ``None`` (JSON has no NaN)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if hasattr(obj, "tolist"):
        return _finite(obj.tolist())
    return obj


def _dumps(report: dict) -> str:
    kwargs: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":"), "default": _json_default}
    try:
        return json.dumps(report, allow_nan=False, **kwargs)
    except ValueError:  # NaN or infinity somewhere: the slow path only then
        return json.dumps(_finite(report), allow_nan=False, **kwargs)


def _escape_script(text: str) -> str:
    for raw, esc in _JSON_ESCAPES.items():
        if raw in text:
            text = text.replace(raw, esc)
    return text


def embed_json(report: dict) -> str:
    """The report as JSON safe to place inside ``<script type="application/json">``.

    ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\uXXXX`` escapes, which JSON.parse reads
    back to the same characters, so no value can close the block or open a comment. Entries given as dicts
    are written in report.json's column layout, the only one the page reads.
    """
    if isinstance(report.get("entries"), list):
        report = {**report, "entries": to_columns(report["entries"])}
    return _escape_script(_dumps(report))


def report_hash(payload: str) -> str:
    """A short stable hash of the embedded JSON; keys the reviewer's decisions in localStorage."""
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def verdict_sentence(verdict: str | None) -> str:
    """The chance test's verdict in plain words."""
    return VERDICTS.get(verdict or "", "The chance test was not run for this report.")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("linker.report", "templates"),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _fmt_num
    env.filters["pct"] = _fmt_pct
    env.filters["prob"] = _fmt_prob
    return env


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    text = resources.files("linker.report").joinpath("templates", name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise RuntimeError(f"templates/{name} must not contain a closing </script> or </style> tag")
    return text


def _fmt_num(value: Any, digits: int = 0) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "–"
    return f"{value:,.{digits}f}"


def _fmt_pct(value: Any, digits: int = 1) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "–"
    return f"{100 * value:.{digits}f}%"


def _fmt_prob(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "–"
    return f"{value:.4g}"


def _counts(report: dict) -> dict[str, int | None]:
    counts = report.get("counts") or {}
    out: dict[str, int | None] = {k: counts.get(k) for k in _COUNT_KEYS}
    entries = report.get("entries") or []
    if out["total"] is None and entries:
        out["total"] = entry_count(entries)
    if entries and any(out[key] is None for key in ("match", "review", "no_match")):
        decided = decisions(entries)
        for key in ("match", "review", "no_match"):
            if out[key] is None:
                out[key] = decided.count(key)
    return out


def render_html(report: dict, *, report_json: str | None = None, payload_hash: str | None = None) -> str:
    """The whole self-contained report page for ``report`` (the dict also written as report.json).

    ``report_json``, when given, is that report already serialized as JSON (report.json's text, whose
    entries may be absent from the ``report`` dict): it is embedded, escaped, instead of encoding again.
    ``payload_hash`` overrides the hash of the embedded text (for `write_html`, which streams it)."""
    payload = _escape_script(report_json) if report_json is not None else embed_json(report)
    chance = report.get("chance_test") or {}
    context = {
        "r": report,
        "title": report.get("title") or "Verification report",
        "version": report.get("linker_version") or "",
        "counts": _counts(report),
        "expected": report.get("expected_genuine") or {},
        "chance": chance,
        "verdict": chance.get("verdict") or "",
        "verdict_text": verdict_sentence(chance.get("verdict")),
        "thresholds": report.get("thresholds") or {},
        "inputs": report.get("inputs") or {},
        "mapping": report.get("mapping") or {},
        "blocking": report.get("blocking") or {},
        "model": report.get("model") or {},
        "provenance": report.get("provenance") or {},
        "trail": report.get("review_trail") or {},
        "redacted": bool(report.get("redacted")),
        "csp": Markup(CSP),  # a constant: literal quotes, as browsers and auditors read it
        "report_hash": payload_hash or report_hash(payload),
        "data_json": Markup(payload),
        "css": Markup(_asset("report.css")),
        "js": Markup(_asset("entries.js") + "\n" + _asset("report.js")),
    }
    return _environment().get_template("report.html.j2").render(**context)


_BYTE_ESCAPES = tuple((raw.encode("utf-8"), esc.encode("ascii")) for raw, esc in _JSON_ESCAPES.items())


def _escape_script_bytes(data: bytes) -> bytes:
    """`_escape_script` on UTF-8 text (each escaped character's bytes occur nowhere else in UTF-8). A
    one-byte search goes first: looking for a 3-byte sequence costs 20 times more."""
    for raw, esc in _BYTE_ESCAPES:
        if raw[:1] in data and raw in data:
            data = data.replace(raw, esc)
    return data


def write_json_and_html(json_path, html_path, report: dict, chunks: Iterable[str | bytes]) -> None:
    """Write report.json, the concatenation of ``chunks`` (text, or UTF-8 bytes of whole characters) and a
    newline, and report.html for ``report`` embedding that text (escaped), in one pass: each chunk is
    encoded once and written to both files; the page's hash of the embedded text, known only at the end,
    is written over a placeholder of its length."""
    import uuid

    digest = hashlib.sha256()
    data_mark = "LINKERDATA" + uuid.uuid4().hex
    hash_mark = uuid.uuid4().hex[:16]
    page = render_html(report, report_json=data_mark, payload_hash=hash_mark)
    before, after = (part.encode("utf-8") for part in page.split(data_mark))
    if before.count(hash_mark.encode()) + after.count(hash_mark.encode()) != page.count(hash_mark):
        raise RuntimeError("report.html: the hash placeholder is not where the page was rendered")
    with open(json_path, "wb") as js, open(html_path, "wb") as out:
        out.write(before)
        for chunk in chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            js.write(data)
            data = _escape_script_bytes(data)
            digest.update(data)
            out.write(data)
        js.write(b"\n")
        size = out.tell()
        out.write(after)
        real = digest.hexdigest()[:16].encode()
        mark = hash_mark.encode()
        for base, part in ((0, before), (size, after)):
            at = part.find(mark)
            while at >= 0:
                out.seek(base + at)
                out.write(real)
                at = part.find(mark, at + len(mark))


def write_html(path, report: dict, json_path) -> None:
    """Write report.html for ``report`` whose full JSON text is already in the file ``json_path``,
    streaming that text into the page's data block (escaped) instead of holding it in memory twice.
    The file holds compact JSON (no raw newline inside) and a final newline, which is left out."""
    import uuid

    digest = hashlib.sha256()
    with open(json_path, encoding="utf-8") as src:
        for piece in iter(lambda: src.read(1 << 22), ""):
            digest.update(_escape_script(piece.replace("\n", "")).encode("utf-8"))
    sentinel = "LINKERDATA" + uuid.uuid4().hex
    page = render_html(report, report_json=sentinel, payload_hash=digest.hexdigest()[:16])
    before, after = page.split(sentinel)
    with open(path, "w", encoding="utf-8") as out, open(json_path, encoding="utf-8") as src:
        out.write(before)
        for piece in iter(lambda: src.read(1 << 22), ""):
            out.write(_escape_script(piece.replace("\n", "")))  # compact JSON has no raw newline but the last
        out.write(after)
