"""Fuzz target for the name layer: arbitrary text (any script, control characters, combining marks,
huge words) never raises and always gives strings; bounded so CI stays fast."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from linker import names as N

ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
text = st.one_of(st.text(ALPHABET, max_size=60),
                 st.text(st.sampled_from("Иванов Сергей Петрович.,-'’ИIVANOVabcЁё\u0301\u030c\t\n"), max_size=60))


@settings(max_examples=400, deadline=None)
@given(text)
def test_name_functions_never_raise(value: str) -> None:
    parts = N.parse_full_name(value)
    assert isinstance(parts, tuple) and len(parts) == 3 and all(isinstance(p, str) for p in parts)
    for f in (N.name_key, N.repair_layout, N.fold_lookalikes, N.canonical_given, N.surname_stem, N.phonetic):
        assert isinstance(f(value), str)
    key = N.name_key(value)
    assert key == key.strip() and N.name_key(key) == key
