"""Vectorized comparison shortcuts give exactly what the string scorers give."""
from __future__ import annotations

import random

import numpy as np
import pytest
from rapidfuzz.distance import OSA

from linker import compare as cmp, compare_strings as cs


def _edits(v: str, rng: random.Random, alphabet: str) -> str:
    """A random value one or two edits away from v (substitution, insertion, deletion, transposition)."""
    for _ in range(rng.choice((1, 1, 2))):
        op = rng.choice("sidt")
        i = rng.randrange(len(v) + 1)
        if op == "s" and v:
            i = min(i, len(v) - 1)
            v = v[:i] + rng.choice(alphabet) + v[i + 1:]
        elif op == "i":
            v = v[:i] + rng.choice(alphabet) + v[i:]
        elif op == "d" and v:
            i = min(i, len(v) - 1)
            v = v[:i] + v[i + 1:]
        elif op == "t" and len(v) > 1:
            i = min(i, len(v) - 2)
            v = v[:i] + v[i + 1] + v[i] + v[i + 2:]
    return v


@pytest.mark.parametrize("width", [4, 8, 16])
@pytest.mark.parametrize("alphabet", ["AB12", "АБВ0123456789-", "Ж\u0301q"])
def test_within_one_edit_is_osa_at_most_one(width, alphabet):
    rng = random.Random(width * 7 + len(alphabet))
    base = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(400)]
    base += ["X" * 20, "X" * 19 + "Y"]                 # longer than the matrix: the rapidfuzz path
    pairs = [(v, _edits(v, rng, alphabet)) for v in base for _ in range(3)]
    values = set(base) | {w for _v, w in pairs}
    vocab = np.array([""] + sorted(v for v in values if v), dtype=object)
    enc = cmp.Encoded({}, {}, {"v": vocab}, ())
    nprng = np.random.default_rng(width)
    index = {v: k for k, v in enumerate(vocab)}
    near = [(index[v], index[w]) for v, w in pairs]
    a = np.concatenate([nprng.integers(0, len(vocab), 5000), [p for p, _q in near]])
    b = np.concatenate([nprng.integers(0, len(vocab), 5000), [q for _p, q in near]])
    got = cs.within_one_edit(enc, "v", a, b, workers=1, width=width)
    want = np.array([OSA.distance(vocab[x], vocab[y]) <= 1 for x, y in zip(a, b)])
    assert want.sum() > 100
    assert np.array_equal(got, want)


def test_pair_similarity_per_pair_equals_per_distinct_pair():
    from rapidfuzz.distance import JaroWinkler
    vocab = np.array(["", "Иванов", "Иваново", "Петров", "Петрова", "Ivanov"], dtype=object)
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, len(vocab), 300), rng.integers(0, len(vocab), 300)
    jw = JaroWinkler.normalized_similarity
    one = cs.pair_similarity(vocab, a, b, jw, 1)
    each = cs.pair_similarity(vocab, a, b, jw, 1, distinct=False)
    want = np.array([jw(vocab[x], vocab[y]) for x, y in zip(a, b)], np.float32)
    assert np.array_equal(one, want) and np.array_equal(each, want)


def _given_levels(list_rows, registry_rows):
    """first_name and personal_number level labels of (list row i, registry row i) pairs (a last pair with
    every field given is added, so that each comparison is made)."""
    import pandas as pd

    from linker.columns import Mapping
    from linker.standardize import standardize

    m = Mapping((("surname", "s"), ("first_name", "f"), ("patronymic", "p"), ("personal_number", "n")))
    frame = lambda rows: standardize(pd.DataFrame(rows, columns=["s", "f", "p", "n"]), m)  # noqa: E731
    full = ("SMITH", "ANNA", "MAE", "111-22-3333")
    list_rows, registry_rows, n = [*list_rows, full], [*registry_rows, full], len(list_rows)
    g = cmp.compare(cmp.encode(frame(list_rows), frame(registry_rows)), np.arange(n), np.arange(n), workers=1)
    lab = lambda name: [cmp.COMPARISONS[name].labels[v] if v >= 0 else "missing"  # noqa: E731
                        for v in g[f"gamma_{name}"][:n]]
    return lab("first_name"), lab("personal_number")


@pytest.mark.parametrize("list_row,registry_row,given,number", [
    (("DUNN", "ENRY", "", "123-45-6789"), ("DUNN", "HENRY", "", "123456789"), "fuzzy", "exact"),
    (("DUNN", "JAMES", "D", "123-45-6789"), ("DUNN", "DARRYL", "JAMES", "123456789"),
     "middle name in its place", "exact"),
    (("DUNN", "TRACEY", "L", "123-45-6789"), ("DUNN", "JOHNNY", "EDGAR", "123456789"),
     "else", "agrees, given name disagrees"),
    (("DUNN", "TRACEY", "L", "123-45-6780"), ("DUNN", "JOHNNY", "EDGAR", "123456789"),
     "else", "agrees, given name disagrees"),
    (("DUNN", "TRACEY", "L", "987-65-4321"), ("DUNN", "JOHNNY", "EDGAR", "123456789"), "else", "else"),
    (("DUNN", "", "L", "123-45-6789"), ("DUNN", "JOHNNY", "EDGAR", "123456789"), "missing", "exact"),
    # an initial is no outright disagreement (Y. may be another script's Е.)
    (("DUNN", "T", "L", "123-45-6789"), ("DUNN", "JOHNNY", "EDGAR", "123456789"), "else", "exact"),
    (("Иванов", "Сергей", "Петрович", "АБ-123456"), ("Иванов", "Пётр", "Петрович", "АБ123456"),
     "else", "agrees, given name disagrees"),
], ids=["typo-of-a-short-form", "goes-by-middle", "borrowed", "borrowed-one-off", "different", "blank-given",
        "initial", "ru-borrowed"])
def test_given_name_and_identifier_levels(list_row, registry_row, given, number):
    assert _given_levels([list_row], [registry_row]) == ([given], [number])
