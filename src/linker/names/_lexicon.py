"""What a registry says about name words: how often each one stands in its own surname, given-name and
patronymic columns.

A list that writes the whole name in one cell does not say which word is which; the registry it is checked
against does. "Гаврилович" ends like a patronymic but the registry holds it only as a surname; "Петрович" is
both, a patronymic far more often. `NameLexicon` keeps those counts (by the keys the comparison uses, so a
Latin word is looked up in a Cyrillic registry) and scores a word in each role; `names._parse` reads a cell
in the order whose words the registry makes likelier, when it makes that order far likelier than the order
the spelling rules chose (`MARGIN`).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._eastslavic import h_as_g
from ._given import canonical_given, surname_stem
from ._key import name_key

__all__ = ["NameLexicon", "MARGIN", "ROLES"]

#: the roles in score order: surname, given name, patronymic
ROLES = ("surname", "first_name", "patronymic")
#: pseudo-count of a word never seen in a column (every role's unseen word scores 0)
PSEUDO = 0.5
#: how much likelier (natural log) another reading of a cell must be than the one the rules chose: 100 times
MARGIN = math.log(100.0)


def _hashes(values: np.ndarray) -> np.ndarray:
    return pd.util.hash_array(values.astype(object), categorize=False)


class NameLexicon:
    """Counts of name keys in a registry's surname (stem), given-name (canonical) and patronymic columns.

    ``score(word)`` is, for each role, ``log((count + PSEUDO) / PSEUDO)``: the word's likelihood in that
    column against a word the column never holds. Comparing two readings of one cell by the sum of their
    words' scores is comparing their likelihoods when every column's unseen words are equally likely; a
    column the registry leaves empty scores every word 0 in its role, so it argues for no reading.
    Equality and hashing are by identity (a lexicon is built once per run)."""

    __slots__ = ("counts", "initials", "crowded", "_memo", "__weakref__")

    def __init__(self, surnames: dict[str, int], given: dict[str, int], patronymics: dict[str, int],
                 initials: np.ndarray | None = None, crowded: np.ndarray | None = None) -> None:
        self.counts = (surnames, given, patronymics)
        #: sorted 64-bit hashes of "stem\x1f" + given-name initial (+ patronymic initial) of every registry
        #: person (`holds_initials`): a few bytes a person, whatever the registry's size
        self.initials = np.zeros(0, np.uint64) if initials is None else initials
        #: the same hashes of the surname stems and given-name initials that more registry people share than
        #: blocking meets an entry of initials among (`linker.blocking.INITIAL_BLOCK`; `is_crowded`)
        self.crowded = np.zeros(0, np.uint64) if crowded is None else crowded
        self._memo: dict[str, tuple[float, float, float]] = {}

    def __getstate__(self) -> dict:
        return {"counts": self.counts, "initials": self.initials, "crowded": self.crowded}

    def __setstate__(self, state: dict) -> None:
        self.counts = state["counts"]
        self.initials = state["initials"]
        self.crowded = state.get("crowded", np.zeros(0, np.uint64))
        self._memo = {}

    @classmethod
    def of(cls, std: pd.DataFrame) -> NameLexicon | None:
        """The lexicon of a standardized registry (its ``sn_stem``, ``fn_canon``, ``pt`` columns; initials
        and blanks left out), or None when it holds no name."""
        def counts(col: str, init: str | None) -> dict[str, int]:
            if col not in std:
                return {}
            values = std[col].to_numpy(object)
            keep = values != ""
            if init is not None and init in std:
                keep &= ~std[init].to_numpy(bool)
            vc = pd.Series(values[keep], dtype=object).value_counts(sort=False)
            return dict(zip(vc.index.tolist(), vc.to_numpy(np.int64).tolist()))

        from ..blocking import INITIAL_BLOCK

        initials = crowded = np.zeros(0, np.uint64)
        if all(c in std for c in ("sn_stem", "fn_init", "pt_init")):
            stem, fi, pi = (std[c].to_numpy(object) for c in ("sn_stem", "fn_init", "pt_init"))
            keep = (stem != "") & (fi != "")
            one = stem[keep] + "\x1f" + fi[keep]
            initials = np.unique(_hashes(np.concatenate([one, one + pi[keep]])))
            h, n = np.unique(_hashes(one), return_counts=True)
            crowded = h[n > INITIAL_BLOCK]
        out = cls(counts("sn_stem", None), counts("fn_canon", "fn_is_init"), counts("pt", "pt_is_init"), initials,
                  crowded)
        return out if any(out.counts) else None

    def surname_key(self, key: str) -> str:
        """The key of a Latin surname, with an ``o`` after a consonant read as ё where only that reading is a
        registry surname: the Ukrainian scheme writes the ьо of Шевельов, Соловьёв as o (Shevelov, Solovov),
        which the key cannot fold (o is o). A surname the registry holds as written stays as it is."""
        table = self.counts[0]
        if not key or surname_stem(key) in table:
            return key
        best, top = key, 0
        for i in range(1, len(key)):
            if key[i] == "o" and key[i - 1] not in "aeiou":
                cand = key[:i] + "e" + key[i + 1:]
                n = table.get(surname_stem(cand), 0)
                if n > top:
                    best, top = cand, n
        return best

    def holds_initials(self, stem: str, given: str, patronymic: str = "") -> bool:
        """Whether a registry person has this surname stem and these initials (a given-name initial alone
        matches any patronymic)."""
        h = _hashes(np.array([f"{stem}\x1f{given}{patronymic}"], dtype=object))[0]
        at = int(np.searchsorted(self.initials, h))
        return at < len(self.initials) and self.initials[at] == h

    def is_crowded(self, stem: str, given: str) -> bool:
        """Whether more registry people share this surname stem and given-name initial than blocking meets an
        entry of initials among (`linker.blocking.INITIAL_BLOCK`)."""
        h = _hashes(np.array([f"{stem}\x1f{given}"], dtype=object))[0]
        at = int(np.searchsorted(self.crowded, h))
        return at < len(self.crowded) and self.crowded[at] == h

    def score(self, word: str) -> tuple[float, float, float]:
        """(surname, given name, patronymic) score of one word of a name cell (see the class). A lone Latin
        ``h`` may write г (the Ukrainian and Belarusian schemes): the word counts as either spelling."""
        got = self._memo.get(word)
        if got is None:
            forms = {word, h_as_g(word)} if word.isascii() else {word}
            best = [0, 0, 0]
            for form in forms:
                key = name_key(form)
                flat = key.replace(" ", "")
                keys = (surname_stem(flat), canonical_given(flat) if len(flat) > 1 else flat, key)
                for r, (table, k) in enumerate(zip(self.counts, keys)):
                    best[r] = max(best[r], table.get(k, 0))
            got = tuple(math.log((c + PSEUDO) / PSEUDO) for c in best)
            self._memo[word] = got  # type: ignore[assignment]
        return got  # type: ignore[return-value]

    def scores(self, words: list[str]) -> np.ndarray:
        """`score` of each word as a (len(words), 3) float array."""
        return np.array([self.score(w) for w in words], dtype=np.float64).reshape(len(words), 3)
