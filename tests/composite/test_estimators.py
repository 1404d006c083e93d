"""Estimators of uncertainty and sensitivity analysis (COMPOSITE-METHODS.md 1.3, 11.4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.estimators import (
    class_probabilities,
    mean_abs_rank_change,
    quantile7,
    rank_statistics,
    score_summary,
    sobol_estimate,
    sobol_indices,
)
from paradiplomacy.composite.sampling import uniform_design

# --- the Ishigami function and its analytic indices --------------------------------------------

A_ISH, B_ISH = 7.0, 0.1


def ishigami(u: np.ndarray) -> np.ndarray:
    """Ishigami and Homma (1990) on [-pi, pi]^3, from uniforms on [0, 1]^3."""
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + A_ISH * np.sin(x[:, 1]) ** 2 + B_ISH * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    """Closed-form first-order and total indices (Saltelli et al. 2008, section 4.9)."""
    a, b, pi = A_ISH, B_ISH, math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13  # = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
    assert math.isclose(v, a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5)
    s = np.array([v1, v2, 0.0]) / v
    st_ = np.array([v1 + v13, v2, v13]) / v
    return s, st_


def test_analytic_values_match_the_literature() -> None:
    s, st_ = ishigami_indices()
    np.testing.assert_allclose(s, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(st_, [0.5576, 0.4424, 0.2437], atol=1e-4)


def _standard_errors(y: np.ndarray, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo standard errors of S_i and ST_i from the spread of the per-sample terms."""
    ya, yb = y[:n], y[n : 2 * n]
    yab = y[2 * n :].reshape(d, n)
    v = np.var(np.r_[ya, yb], ddof=1)
    t = yb * (yab - ya)
    e2 = (ya - yab) ** 2 / 2
    return t.std(axis=1, ddof=1) / math.sqrt(n) / v, e2.std(axis=1, ddof=1) / math.sqrt(n) / v


@pytest.mark.parametrize("sampler", ["sobol", "random"])
def test_ishigami_matches_analytic_indices(sampler: str) -> None:
    n, d = 2**13, 3
    y = ishigami(uniform_design(n, d, "sa", sampler, seed=2024))
    est = sobol_estimate(y, n, d)
    s, st_ = ishigami_indices()
    # Tolerance: 4 Monte Carlo standard errors of each estimator (the per-sample terms are
    # averages of N i.i.d. terms); a scrambled Sobol' design is at least as accurate as
    # random sampling, so the same bound holds for it. At N = 2^13 these are 0.02-0.07.
    se_s, se_t = _standard_errors(y, n, d)
    assert np.all(np.abs(est.si[:, 0] - s) <= 4 * se_s)
    assert np.all(np.abs(est.sti[:, 0] - st_) <= 4 * se_t)
    assert np.all(4 * se_s < 0.08) and np.all(4 * se_t < 0.08)
    if sampler == "sobol":
        # the quasi-random design is far more accurate than the Monte Carlo bound
        np.testing.assert_allclose(est.si[:, 0], s, atol=0.01)
        np.testing.assert_allclose(est.sti[:, 0], st_, atol=0.01)


def test_ishigami_agrees_with_salib() -> None:
    salib_sample = pytest.importorskip("SALib.sample.sobol")
    salib_analyze = pytest.importorskip("SALib.analyze.sobol")
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    n, d = 2**13, 3
    x = salib_sample.sample(problem, n, calc_second_order=False, seed=7)
    u = (x + math.pi) / (2 * math.pi)
    y_salib = ishigami(u)
    res = salib_analyze.analyze(problem, y_salib, calc_second_order=False, num_resamples=10, seed=1)
    # SALib orders the runs per base point: A_j, AB_1j, ..., AB_dj, B_j. Reorder to
    # [A; B; A_B1; ...; A_Bd].
    blocks = y_salib.reshape(n, d + 2)
    y = np.concatenate([blocks[:, 0], blocks[:, d + 1], blocks[:, 1 : d + 1].T.ravel()])
    est = sobol_estimate(y, n, d)
    # SALib uses the same two estimators but (i) divides by var(ddof=0) and (ii) first
    # standardises all N(d+2) outputs by their mean m and sd. (ii) leaves ST unchanged and
    # changes S_i by -m mean(yABi - yA) / V. Both effects are exact, so on the same runs:
    ratio = (2 * n) / (2 * n - 1)
    np.testing.assert_allclose(est.sti[:, 0] * ratio, res["ST"], rtol=1e-10)
    centred = sobol_estimate(y - y.mean(), n, d)
    np.testing.assert_allclose(centred.si[:, 0] * ratio, res["S1"], rtol=1e-9, atol=1e-12)
    # As plain numbers the two estimates differ by at most m |mean(yABi - yA)| / V plus the
    # ddof factor; mean(yABi - yA) has standard error sd(yABi - yA) / sqrt(N) <= sqrt(2V / N),
    # so with m = 3.5 the difference is < 4 * 3.5 * sqrt(2 / (N V)) ~ 0.06 at N = 2^13.
    v = est.variance[0]
    tol = 4 * 3.5 * math.sqrt(2 / (n * v))
    np.testing.assert_allclose(est.si[:, 0], res["S1"], atol=tol)
    np.testing.assert_allclose(est.sti[:, 0], res["ST"], atol=1e-3)


# --- exact properties --------------------------------------------------------------------------


def test_hand_computed_indices() -> None:
    # N = 3, d = 2; y = [yA | yB | yAB1 | yAB2]
    ya, yb = np.array([1.0, 2.0, 3.0]), np.array([2.0, 0.0, 4.0])
    yab1, yab2 = np.array([2.0, 2.0, 5.0]), np.array([1.0, 3.0, 3.0])
    y = np.concatenate([ya, yb, yab1, yab2])
    v = np.var(np.r_[ya, yb], ddof=1)  # 2.0
    res = sobol_estimate(y, 3, 2)
    si = [np.mean(yb * (yab1 - ya)) / v, np.mean(yb * (yab2 - ya)) / v]
    sti = [np.sum((ya - yab1) ** 2) / (6 * v), np.sum((ya - yab2) ** 2) / (6 * v)]
    np.testing.assert_allclose(res.si[:, 0], si)
    np.testing.assert_allclose(res.sti[:, 0], sti)
    np.testing.assert_allclose(res.si[:, 0], [(2 + 0 + 8) / 3 / 2, (0 + 0 + 0) / 3 / 2])
    np.testing.assert_allclose(res.sti[:, 0], [(1 + 0 + 4) / 12, (0 + 1 + 0) / 12])
    assert res.variance[0] == pytest.approx(2.0)


def test_inputs_without_effect_get_exact_zeros() -> None:
    n, d = 64, 3
    u = uniform_design(n, d, "sa", "random", seed=1)
    y = np.exp(u[:, 1])  # only input 2 matters
    res = sobol_estimate(y, n, d)
    assert res.si[0, 0] == 0 and res.si[2, 0] == 0
    assert res.sti[0, 0] == 0 and res.sti[2, 0] == 0
    assert res.sti[1, 0] > 0.8


def test_indices_are_not_clipped() -> None:
    # yA = yB = [1, 0, 1, 0], V = 2/7; yAB1 = 0 gives mean(yB (yAB1 - yA)) = -1/2, so
    # S_1 = -7/4; yAB2 = [0, 1, 0, 1] gives sum((yA - yAB2)^2) = 4, so ST_2 = 4 / (8 V) = 7/4.
    y = np.array([1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1], dtype=float)
    res = sobol_estimate(y, 4, 2)
    assert res.si[0, 0] == pytest.approx(-1.75)
    assert res.sti[1, 0] == pytest.approx(1.75)


def test_two_dimensional_output_equals_column_by_column() -> None:
    n, d = 128, 3
    u = uniform_design(n, d, "sa", "random", seed=3)
    y = np.column_stack([ishigami(u), u[:, 0] + 2 * u[:, 1] * u[:, 2], np.round(5 * u[:, 2])])
    both = sobol_estimate(y, n, d, n_boot=50, seed=9)
    for j in range(y.shape[1]):
        one = sobol_estimate(y[:, j], n, d, n_boot=50, seed=9)
        for name in ("si", "sti", "si_low", "si_high", "sti_low", "sti_high"):
            np.testing.assert_allclose(getattr(both, name)[:, j], getattr(one, name)[:, 0])
        assert both.variance[j] == pytest.approx(one.variance[0])


def test_constant_output_column_gives_nan() -> None:
    n, d = 16, 2
    u = uniform_design(n, d, "sa", "random", seed=0)
    y = np.column_stack([u[:, 0], np.full(len(u), 3.0), u[:, 1]])
    y[2 * n :, 1] = 4.0  # constant in A and B: V = 0 even though the A_B blocks differ
    res = sobol_estimate(y, n, d, n_boot=20, seed=1)
    for name in ("si", "sti", "si_low", "si_high", "sti_low", "sti_high"):
        arr = getattr(res, name)
        assert np.all(np.isnan(arr[:, 1]))
        assert np.all(np.isfinite(arr[:, [0, 2]]))
    assert res.variance[1] == 0


def test_missing_output_gives_nan() -> None:
    n, d = 16, 2
    y = uniform_design(n, d, "sa", "random", seed=0)[:, 0].copy()
    y[5] = np.nan
    res = sobol_estimate(y, n, d, n_boot=10)
    assert np.all(np.isnan(res.si)) and np.all(np.isnan(res.sti_high))


# --- bootstrap ---------------------------------------------------------------------------------


def test_bootstrap_contains_estimate_and_narrows() -> None:
    d = 3
    widths = []
    for n in (2**9, 2**13):
        y = ishigami(uniform_design(n, d, "sa", "random", seed=12))
        res = sobol_estimate(y, n, d, n_boot=300, seed=4)
        assert np.all(res.si_low <= res.si) and np.all(res.si <= res.si_high)
        assert np.all(res.sti_low <= res.sti) and np.all(res.sti <= res.sti_high)
        widths.append(np.r_[res.si_high - res.si_low, res.sti_high - res.sti_low])
    # the width shrinks like 1/sqrt(N): a factor 4 for 16 times N; ask for at least 2.5
    assert np.all(widths[1] < widths[0] / 2.5)


def test_bootstrap_is_reproducible_and_seeded() -> None:
    n, d = 64, 2
    y = uniform_design(n, d, "sa", "random", seed=0) @ np.array([1.0, 2.0])
    a = sobol_indices(y, n, d, n_boot=40, seed=3)
    pd.testing.assert_frame_equal(a, sobol_indices(y, n, d, n_boot=40, seed=3))
    assert not a.equals(sobol_indices(y, n, d, n_boot=40, seed=4))


def test_bootstrap_agrees_with_a_plain_resampling_loop() -> None:
    # COINr's algorithm written literally: per replicate, per input, sample() the terms.
    n, d, n_boot = 200, 3, 2000
    y = ishigami(uniform_design(n, d, "sa", "random", seed=5))
    ya, yb, yab = y[:n], y[n : 2 * n], y[2 * n :].reshape(d, n)
    v = np.var(np.r_[ya, yb], ddof=1)
    rng = np.random.default_rng(77)
    si_b = np.empty((n_boot, d))
    st_b = np.empty((n_boot, d))
    for b in range(n_boot):
        for i in range(d):
            si_b[b, i] = np.mean(rng.choice(yb * (yab[i] - ya), n)) / v
        for i in range(d):
            st_b[b, i] = np.sum(rng.choice(ya - yab[i], n) ** 2) / (2 * n * v)
    res = sobol_estimate(y, n, d, n_boot=n_boot, seed=1)
    # two independent bootstraps of 2000 replicates: their 5% and 95% quantiles differ by
    # Monte Carlo error only, well under a fifth of the interval width
    width_s = res.si_high - res.si_low
    width_t = res.sti_high - res.sti_low
    np.testing.assert_array_less(
        np.abs(np.quantile(si_b, 0.05, axis=0) - res.si_low[:, 0]), 0.2 * width_s[:, 0]
    )
    np.testing.assert_array_less(
        np.abs(np.quantile(si_b, 0.95, axis=0) - res.si_high[:, 0]), 0.2 * width_s[:, 0]
    )
    np.testing.assert_array_less(
        np.abs(np.quantile(st_b, 0.05, axis=0) - res.sti_low[:, 0]), 0.2 * width_t[:, 0]
    )
    np.testing.assert_array_less(
        np.abs(np.quantile(st_b, 0.95, axis=0) - res.sti_high[:, 0]), 0.2 * width_t[:, 0]
    )


def test_conf_changes_the_interval() -> None:
    n, d = 128, 2
    y = uniform_design(n, d, "sa", "random", seed=0) @ np.array([1.0, 0.5])
    narrow = sobol_estimate(y, n, d, n_boot=200, seed=1, conf=0.5)
    wide = sobol_estimate(y, n, d, n_boot=200, seed=1, conf=0.99)
    assert np.all(wide.si_high - wide.si_low > narrow.si_high - narrow.si_low)


# --- long table --------------------------------------------------------------------------------


def test_long_frame_layout_and_names() -> None:
    n, d = 16, 2
    y = np.column_stack([np.arange(64.0), np.arange(64.0) ** 2])
    df = sobol_indices(y, n, d, variables=["Winmax", "Weights"], outputs=["AUT", "BEL"])
    assert list(df.columns) == [
        "output",
        "variable",
        "Si",
        "STi",
        "Si_q5",
        "Si_q95",
        "STi_q5",
        "STi_q95",
    ]
    assert list(df["output"]) == ["AUT", "AUT", "BEL", "BEL"]
    assert list(df["variable"]) == ["Winmax", "Weights"] * 2
    assert df[["Si_q5", "STi_q95"]].isna().all().all()
    est = sobol_estimate(y, n, d)
    np.testing.assert_allclose(df["STi"], est.sti.T.ravel())
    one = sobol_indices(y[:, 0], n, d)
    assert list(one["output"]) == ["y", "y"] and list(one["variable"]) == ["V1", "V2"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 2, "d": 2},
        {"n": 16, "d": 1},
        {"n": 16, "d": 3},
        {"n": 16, "d": 2, "n_boot": -1},
        {"n": 16, "d": 2, "conf": 1.0},
        {"n": 16, "d": 2, "variables": ["a"]},
        {"n": 16, "d": 2, "variables": ["a", "a"]},
        {"n": 16, "d": 2, "seed": -3},
    ],
)
def test_sobol_rejects_bad_parameters(kwargs) -> None:
    with pytest.raises(CompositeError):
        sobol_indices(np.zeros(64), **kwargs)


# --- ranks and scores --------------------------------------------------------------------------

RANKS = np.array(
    [
        [1, 2, 1, 1, np.nan],
        [2, 1, 3, 2, 2],
        [3, 3, 2, 4, 1],
        [4, 4, 4, 3, 3],
    ]
)
NOMINAL = np.array([1.0, 2.0, 3.0, 4.0])


def test_mean_abs_rank_change() -> None:
    # run 1: no change; run 2: |2-1|+|1-2| = 2 over 4; run 3: 0+1+1+0 over 4;
    # run 4: 0+0+1+1 over 4; run 5: unit 1 missing, |2-2|+|1-3|+|3-4| = 3 over 3
    np.testing.assert_allclose(mean_abs_rank_change(RANKS, NOMINAL), [0, 0.5, 0.5, 0.5, 1.0])
    all_missing = np.full((4, 1), np.nan)
    assert np.isnan(mean_abs_rank_change(all_missing, NOMINAL)[0])
    with pytest.raises(CompositeError):
        mean_abs_rank_change(RANKS, NOMINAL[:3])


def test_rank_statistics_by_hand() -> None:
    df = rank_statistics(RANKS, NOMINAL, ["A", "B", "C", "D"])
    assert list(df.columns) == ["uCode", "nominal", "mean", "median", "q5", "q95"]
    assert list(df["uCode"]) == ["A", "B", "C", "D"]
    # unit A: ranks 1, 2, 1, 1 (one missing): mean 1.25, sorted 1 1 1 2
    # q5: index 1 + 3 * 0.05 = 1.15 -> 1; q95: index 3.85 -> 0.15 * 1 + 0.85 * 2 = 1.85
    a = df.iloc[0]
    assert (a["mean"], a["median"], a["q5"]) == (1.25, 1.0, 1.0)
    assert a["q95"] == pytest.approx(1.85)
    # unit C: 3 3 2 4 1 -> sorted 1 2 3 3 4; mean 2.6, median 3
    # q5: index 1.2 -> 0.8 * 1 + 0.2 * 2 = 1.2; q95: index 4.8 -> 0.2 * 3 + 0.8 * 4 = 3.8
    c = df.iloc[2]
    assert c["mean"] == pytest.approx(2.6) and c["median"] == 3.0
    assert c["q5"] == pytest.approx(1.2) and c["q95"] == pytest.approx(3.8)
    with pytest.raises(CompositeError):
        rank_statistics(RANKS, NOMINAL, ["A", "B"])


def test_quantile7_rules() -> None:
    x = np.array([[3.0, 1.0, 2.0, np.nan], [5.0, 5.0, 5.0, 5.0], [np.nan] * 4])
    q = quantile7(x, 0.25, axis=1)
    # n = 3, index 1.5: 0.5 * 1 + 0.5 * 2; equal neighbours return the value itself
    np.testing.assert_allclose(q[:2], [1.5, 5.0])
    assert np.isnan(q[2])
    with pytest.raises(CompositeError):
        quantile7(x, 1.5)


@settings(max_examples=100, deadline=None)
@given(
    x=hnp.arrays(float, st.integers(1, 40), elements=st.floats(-1e6, 1e6, allow_nan=False)),
    p=st.floats(0, 1),
)
def test_quantile7_agrees_with_numpy_linear(x: np.ndarray, p: float) -> None:
    expected = np.quantile(x, p, method="linear")
    assert quantile7(x, p) == pytest.approx(expected, rel=1e-12, abs=1e-9)
    assert x.min() <= quantile7(x, p) <= x.max()


def test_score_summary() -> None:
    scores = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, np.nan, 5.0, 5.0], [np.nan] * 4])
    df = score_summary(scores, ["A", "B", "C"])
    assert list(df.columns) == ["uCode", "mean", "sd", "q5", "median", "q95"]
    np.testing.assert_allclose(
        df.loc[0, ["mean", "sd", "median"]], [2.5, np.std([1, 2, 3, 4], ddof=1), 2.5]
    )
    np.testing.assert_allclose(df.loc[0, ["q5", "q95"]], [1.15, 3.85])
    np.testing.assert_allclose(df.loc[1, ["mean", "sd", "q5", "median", "q95"]], [5, 0, 5, 5, 5])
    assert df.iloc[2, 1:].isna().all()


def test_class_probabilities() -> None:
    scores = np.array(
        [
            [10.0, 20.0, 50.0, 100.0, np.nan],  # 100 = top edge -> last class (closed)
            [-1.0, 0.0, 49.999, 60.0, 101.0],  # -1 and 101 fall outside
        ]
    )
    df = class_probabilities(scores, [0, 50, 100], ["low", "high"], ["A", "B"])
    assert list(df.columns) == ["uCode", "low", "high", "outside", "n_valid", "n_missing"]
    np.testing.assert_allclose(df.loc[0, ["low", "high", "outside"]], [0.5, 0.5, 0.0])
    assert (df.loc[0, "n_valid"], df.loc[0, "n_missing"]) == (4, 1)
    np.testing.assert_allclose(df.loc[1, ["low", "high", "outside"]], [0.4, 0.2, 0.4])
    assert (df.loc[1, "n_valid"], df.loc[1, "n_missing"]) == (5, 0)
    # 50 is the lower edge of "high": [50, 100]
    one = class_probabilities(np.array([[50.0]]), [0, 50, 100], ["low", "high"])
    assert one.loc[0, "uCode"] == "0" and one.loc[0, "high"] == 1.0
    none = class_probabilities(np.array([[np.nan]]), [0, 1], ["all"])
    assert np.isnan(none.loc[0, "all"]) and none.loc[0, "n_missing"] == 1
    with pytest.raises(CompositeError):
        class_probabilities(scores, [0, 50, 50], ["a", "b"])
    with pytest.raises(CompositeError):
        class_probabilities(scores, [0, 50, 100], ["a"])
    with pytest.raises(CompositeError):
        class_probabilities(scores, [0, 50, 100], ["a", "a"])


@settings(max_examples=60, deadline=None)
@given(
    scores=hnp.arrays(
        float,
        st.tuples(st.integers(1, 5), st.integers(1, 20)),
        elements=st.one_of(st.floats(-10, 110, allow_nan=False), st.just(np.nan)),
    )
)
def test_class_shares_sum_to_one(scores: np.ndarray) -> None:
    df = class_probabilities(scores, [-np.inf, 0, 50, 100], ["neg", "low", "high"])
    total = df[["neg", "low", "high", "outside"]].sum(axis=1, skipna=False)
    valid = df["n_valid"] > 0
    np.testing.assert_allclose(total[valid], 1.0)
    assert (df["n_valid"] + df["n_missing"] == scores.shape[1]).all()
