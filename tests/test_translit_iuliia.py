"""name_key against the transliteration schemes of the iuliia package (test data only, not a runtime
dependency of linker.names): every scheme's spelling of a real Russian name must get the key of the
Cyrillic original, and distinct names must rarely share a key."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from linker.names import name_key

iuliia = pytest.importorskip("iuliia")

SCHEMES = ["ICAO_DOC_9303", "GOST_52535", "MVD_310", "MVD_310_FR", "BGN_PCGN", "WIKIPEDIA",
           "GOST_779_ALT", "SCIENTIFIC", "GOST_16876", "ALA_LC", "TELEGRAM", "YANDEX_MAPS"]
OWN = [ln.strip() for ln in (Path(__file__).parent / "data" / "ru_names.txt").read_text("utf-8").splitlines()
       if ln.strip() and not ln.startswith("#")]


def _synth_names() -> list[str]:
    """The synthetic-data generator's name frequency lists (src/linker/data), when present: an
    independent list, with feminine forms of the surnames."""
    root = Path(__file__).parent.parent / "src" / "linker" / "data"
    out: list[str] = []
    for fname in ("surnames.csv", "given_names.csv"):
        path = root / fname
        if path.exists():
            rows = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
            out += [r.split(",")[0].strip() for r in rows[1:]]
    fem = []
    for n in out:
        for m, f in (("ский", "ская"), ("цкий", "цкая"), ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"), ("ин", "ина")):
            if n.endswith(m):
                fem.append(n[: -len(m)] + f)
                break
    return out + fem


NAMES = list(dict.fromkeys(OWN + _synth_names()))


def test_name_list_is_big_and_mixed() -> None:
    assert len(OWN) >= 2000 and len(NAMES) >= len(OWN)
    assert any(n.endswith("вич") for n in NAMES) and any(n.endswith("ова") for n in NAMES)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_keys_like_the_cyrillic(scheme: str) -> None:
    schema = getattr(iuliia, scheme)
    misses = [(n, schema.translate(n)) for n in NAMES if name_key(schema.translate(n)) != name_key(n)]
    rate = 1 - len(misses) / len(NAMES)
    assert rate >= 0.99, f"{scheme}: {rate:.4f}, e.g. {misses[:10]}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_upper_case_transliterations_key_alike(scheme: str) -> None:
    schema = getattr(iuliia, scheme)
    sample = NAMES[::7]
    same = sum(name_key(schema.translate(n).upper()) == name_key(n) for n in sample) / len(sample)
    assert same >= 0.99


def test_distinct_names_rarely_collide() -> None:
    by_key: dict[str, set[str]] = defaultdict(set)
    for n in NAMES:
        by_key[name_key(n)].add(n.replace("ё", "е"))
    colliding = sum(len(v) for v in by_key.values() if len(v) > 1)
    assert colliding / len(NAMES) < 0.01, [v for v in by_key.values() if len(v) > 1][:20]


def test_keys_are_idempotent_on_every_scheme_output() -> None:
    for scheme in SCHEMES:
        schema = getattr(iuliia, scheme)
        for n in NAMES[::5]:
            k = name_key(schema.translate(n))
            assert name_key(k) == k, (scheme, n, k)
