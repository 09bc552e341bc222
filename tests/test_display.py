"""matches.csv number formatting: the vectorized `display.fixed` writes exactly what Python's f-string writes."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from linker.display import fixed as _fmt


def python_fmt(x, digits: int) -> np.ndarray:
    return np.array([f"{v:.{digits}f}" for v in np.asarray(x, float)], dtype=object)


def check(x, digits: int) -> None:
    got, want = _fmt(x, digits), python_fmt(x, digits)
    assert got.dtype == object and got.shape == want.shape
    assert all(type(s) is str for s in got)
    assert got.tolist() == want.tolist()


EDGES = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, 0.5, -1e-9, 1e-9, 5e-7, 0.0000005, 0.0005, -0.0005,
                  1.0005, 2.675, 1 / 128, 3 / 128, 0.1 + 0.2, 999999.9999996, 9.9999995, 99999.5, 2147.4836475,
                  4.5e15, 9e15, 1e16, 1e300, -1e300, 1.7976931348623157e308, 5e-324, -5e-324])


@pytest.mark.parametrize("digits", [0, 1, 3, 6, 9])
def test_edges(digits):
    check(EDGES, digits)
    check(np.zeros(0), digits)
    check(np.array([-0.0]), digits)


@pytest.mark.parametrize("digits", [3, 6])
def test_near_ties_and_grids(digits):
    rng = np.random.default_rng(0)
    grid = np.round(rng.random(20000), digits) + 0.5 * 10.0 ** -digits      # ties of the decimal, as floats
    check(grid, digits)
    check(np.nextafter(grid, 2), digits)
    check(np.nextafter(grid, -2), digits)
    check(np.arange(-4, 4, 1 / 4096), digits)                            # binary fractions: exact ties
    check(rng.normal(0, 1, 20000) * 10.0 ** rng.integers(-10, 17, 20000), digits)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50), st.integers(0, 9))
def test_any_floats(values, digits):
    check(np.array(values, float), digits)
