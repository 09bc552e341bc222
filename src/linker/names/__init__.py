"""Name tokens: transliteration-proof keys, look-alike letters, keyboard layout, full-name parsing.

All functions take and return plain ``str`` (map them over the unique values of a column); results are
cached.  Data files in ``names/data/``: given_names.csv, surnames.csv, diminutives.csv, placeholders.csv,
given_equivalents.csv (Ukrainian and Belarusian forms of given names).
"""
from __future__ import annotations

from ._given import (canonical_given, gender_of, given_variants, is_placeholder, known_given_keys,
                     nickname_pairs, phonetic, surname_stem)
from ._key import name_key
from ._layout import repair_layout
from ._parse import parse_full_name, parse_full_names
from ._script import fold_lookalikes

__all__ = [
    "name_key", "fold_lookalikes", "repair_layout", "parse_full_name", "parse_full_names",
    "canonical_given", "given_variants", "surname_stem", "gender_of", "phonetic", "known_given_keys",
    "is_placeholder", "nickname_pairs",
]
