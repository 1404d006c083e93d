"""Sample designs and their mapping to parameter values (COMPOSITE-METHODS.md 10.1, 11.1, 11.2)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.sampling import (
    Design,
    continuous_values,
    discrete_index,
    noisy_weights,
    uniform_design,
)

# --- uniform_design ---------------------------------------------------------------------------


@pytest.mark.parametrize("sampler", ["random", "sobol"])
def test_ua_design_shape_range_and_seed(sampler: str) -> None:
    u = uniform_design(16, 3, "ua", sampler, seed=5)
    assert u.shape == (16, 3)
    assert np.all((u >= 0) & (u < 1))
    np.testing.assert_array_equal(u, uniform_design(16, 3, "ua", sampler, seed=5))
    assert not np.array_equal(u, uniform_design(16, 3, "ua", sampler, seed=6))


@pytest.mark.parametrize("sampler", ["random", "sobol"])
def test_sa_design_blocks(sampler: str) -> None:
    n, d = 8, 4
    u = uniform_design(n, d, "sa", sampler, seed=11)
    assert u.shape == (n * (d + 2), d)
    a, b = u[:n], u[n : 2 * n]
    assert not np.any(a == b)
    for i in range(d):
        block = u[(2 + i) * n : (3 + i) * n]
        expected = a.copy()
        expected[:, i] = b[:, i]
        np.testing.assert_array_equal(block, expected)


def test_sa_base_matrix_is_the_ua_matrix_of_twice_the_columns() -> None:
    # A and B are the two halves of one N x 2d base matrix (section 11.1).
    base = uniform_design(8, 6, "ua", "sobol", seed=3)
    u = uniform_design(8, 3, "sa", "sobol", seed=3)
    np.testing.assert_array_equal(u[:8], base[:, :3])
    np.testing.assert_array_equal(u[8:16], base[:, 3:])


def test_random_design_fills_column_major() -> None:
    draws = np.random.default_rng(9).random(12)
    np.testing.assert_array_equal(uniform_design(4, 3, "ua", "random", 9), draws.reshape(3, 4).T)


def test_sobol_not_power_of_two_warns_but_works() -> None:
    with pytest.warns(UserWarning, match="power of 2"):
        u = uniform_design(10, 2, "sa", "sobol", seed=0)
    assert u.shape == (40, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        uniform_design(16, 2, "sa", "sobol", seed=0)
        uniform_design(10, 2, "sa", "random", seed=0)


@pytest.mark.parametrize(
    ("n", "d", "kind", "sampler", "seed"),
    [
        (2, 2, "ua", "random", 0),
        (10, 0, "ua", "random", 0),
        (10, 1, "sa", "random", 0),
        (10, 2, "xx", "random", 0),
        (10, 2, "ua", "lhs", 0),
        (10.0, 2, "ua", "random", 0),
        (10, 2, "ua", "random", -1),
    ],
)
def test_uniform_design_rejects_bad_parameters(n, d, kind, sampler, seed) -> None:
    with pytest.raises(CompositeError):
        uniform_design(n, d, kind, sampler, seed)


def test_design_dataclass() -> None:
    sa = Design.build(8, 3, "sa", "random", 1)
    assert sa.n_runs == 40
    assert sa.uncertainty_runs == slice(0, 16)
    np.testing.assert_array_equal(sa.u, uniform_design(8, 3, "sa", "random", 1))
    assert not sa.u.flags.writeable
    ua = Design.build(8, 3, "ua", "random", 1)
    assert ua.n_runs == 8
    assert ua.uncertainty_runs == slice(0, 8)


# --- discrete_index: R's cut(u, n) --------------------------------------------------------------


def test_cut_breakpoints_are_right_closed() -> None:
    # range [0, 1], n = 4: breaks -0.001, 0.25, 0.5, 0.75, 1.001; a tie takes the lower bin.
    # R: cut(c(0, .25, .5, .75, 1), 4, labels = FALSE) -> 1 1 2 3 4
    u = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_array_equal(discrete_index(u, 4), [0, 0, 1, 2, 3])


def test_cut_uses_the_observed_range_not_unit_interval() -> None:
    # range [0.2, 0.8], n = 3: breaks 0.1994, 0.4, 0.6, 0.8006 (not 1/3, 2/3).
    u = np.array([0.2, 0.35, 0.45, 0.61, 0.8])
    np.testing.assert_array_equal(discrete_index(u, 3), [0, 0, 1, 2, 2])
    # ties in the data are just equal values: both 0.2s go to the first alternative
    np.testing.assert_array_equal(discrete_index(np.array([0.2, 0.2, 0.8]), 3), [0, 0, 2])
    # a breakpoint computed as lo + k * (D / n): 0.2 + 2 * (0.6000000000000001 / 3) =
    # 0.6000000000000001 >= 0.6, so 0.6 is in bin 2 (right-closed), index 1
    np.testing.assert_array_equal(discrete_index(np.array([0.2, 0.6, 0.8]), 3), [0, 1, 2])


def test_cut_constant_column() -> None:
    # D = 0: breaks spread over lo +- |lo|/1000; n = 3 puts every value in the middle bin
    np.testing.assert_array_equal(discrete_index(np.full(4, 0.5), 3), [1, 1, 1, 1])
    # lo = 0: breaks -0.001, 0, 0.001 for n = 2; 0 <= 0 selects the first bin
    np.testing.assert_array_equal(discrete_index(np.zeros(3), 2), [0, 0, 0])
    # a single value is a constant column
    np.testing.assert_array_equal(discrete_index(np.array([0.7]), 5), [2])


def test_cut_rejects_bad_input() -> None:
    with pytest.raises(CompositeError):
        discrete_index(np.array([0.1, 0.2]), 1)  # R: "invalid number of intervals"
    with pytest.raises(CompositeError):
        discrete_index(np.array([]), 2)
    with pytest.raises(CompositeError):
        discrete_index(np.array([0.1, np.nan]), 2)
    with pytest.raises(CompositeError):
        discrete_index(np.ones((2, 2)), 2)


def test_cut_splits_a_large_uniform_sample_evenly() -> None:
    u = uniform_design(4096, 1, "ua", "sobol", seed=4)[:, 0]
    counts = np.bincount(discrete_index(u, 5), minlength=5)
    assert counts.min() >= 4096 / 5 - 5 and counts.max() <= 4096 / 5 + 5


unit_columns = hnp.arrays(
    float,
    st.integers(1, 60),
    elements=st.floats(0, 1, allow_nan=False, allow_subnormal=False),
)


@settings(max_examples=200, deadline=None)
@given(u=unit_columns, n=st.integers(2, 12))
def test_cut_in_range_and_monotone(u: np.ndarray, n: int) -> None:
    idx = discrete_index(u, n)
    assert idx.shape == u.shape
    assert np.all((idx >= 0) & (idx < n))
    order = np.argsort(u, kind="stable")
    assert np.all(np.diff(idx[order]) >= 0)
    if u.max() > u.min():
        assert idx[np.argmin(u)] == 0
        assert idx[np.argmax(u)] == n - 1


# --- continuous_values -------------------------------------------------------------------------


def test_continuous_values() -> None:
    u = np.array([0.0, 0.25, 1.0])
    np.testing.assert_allclose(continuous_values(u, 5, 10), [5.0, 6.25, 10.0])
    for low, high in [(1, 1), (2, 1), (0, np.inf)]:
        with pytest.raises(CompositeError):
            continuous_values(u, low, high)


# --- noisy_weights -----------------------------------------------------------------------------


@pytest.fixture
def weights() -> tuple[pd.Series, pd.Series]:
    codes = ["a", "b", "c", "P1", "P2", "Index"]
    w = pd.Series([1.0, 2.0, 0.5, 1.0, 3.0, 1.0], index=codes)
    lev = pd.Series([1, 1, 1, 2, 2, 3], index=codes)
    return w, lev


def test_noisy_weights_bounds_levels_and_seed(weights) -> None:
    w, lev = weights
    out = noisy_weights(w, lev, {2: 0.25, 1: 0.1}, n_rep=500, seed=3)
    assert out.shape == (500, 6)
    wv = w.to_numpy()
    f = np.array([0.1, 0.1, 0.1, 0.25, 0.25, 0.0])
    assert np.all(out >= wv * (1 - f)) and np.all(out <= wv * (1 + f))
    np.testing.assert_array_equal(out[:, 5], 1.0)  # level 3 untouched, exactly
    # noisy columns really vary, and cover most of their range
    spread = (out.max(axis=0) - out.min(axis=0))[:5] / (2 * f[:5] * wv[:5])
    assert np.all(spread > 0.9)
    np.testing.assert_array_equal(out, noisy_weights(w, lev, {2: 0.25, 1: 0.1}, 500, seed=3))
    assert not np.array_equal(out, noisy_weights(w, lev, {2: 0.25, 1: 0.1}, 500, seed=4))


def test_noisy_weights_consumption_order(weights) -> None:
    # replicate, then level in noise order, then code in weight order (section 10.1)
    w, lev = weights
    out = noisy_weights(w, lev, {2: 0.25, 1: 0.1}, n_rep=3, seed=8)
    u = np.random.default_rng(8).random((3, 5))
    cols = [3, 4, 0, 1, 2]
    f = np.array([0.25, 0.25, 0.1, 0.1, 0.1])
    base = w.to_numpy()[cols]
    np.testing.assert_array_equal(out[:, cols], base + (u * 2 - 1) * f * base)


def test_noisy_weights_no_noise_and_errors(weights) -> None:
    w, lev = weights
    np.testing.assert_array_equal(noisy_weights(w, lev, {}, 2, 0), np.tile(w.to_numpy(), (2, 1)))
    with pytest.raises(CompositeError):
        noisy_weights(w, lev, {4: 0.1}, 2, 0)
    with pytest.raises(CompositeError):
        noisy_weights(w, lev, {1: -0.1}, 2, 0)
    with pytest.raises(CompositeError):
        noisy_weights(w.iloc[::-1], lev, {1: 0.1}, 2, 0)
    with pytest.raises(CompositeError):
        noisy_weights(w.where(w != 2.0), lev, {1: 0.1}, 2, 0)
    with pytest.raises(CompositeError):
        noisy_weights(w, lev, {1: 0.1}, 0, 0)
