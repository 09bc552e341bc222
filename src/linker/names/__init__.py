"""Name tokens: transliteration-proof keys, look-alike letters, keyboard layout, full-name parsing."""
from __future__ import annotations

from ._key import name_key
from ._script import fold_lookalikes

__all__ = ["name_key", "fold_lookalikes"]
