"""Hand-worked values for the R-exact primitives (COMPOSITE-METHODS.md sections 1.2-1.5, 6.2)."""

import math

import numpy as np
import pytest

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.primitives import (
    kurt2,
    quantile7,
    r_mean,
    r_median,
    r_round,
    r_sd,
    r_sum,
    r_var,
    rank_min,
    rank_min_rows,
    skew2,
)


def test_r_sum_is_exactly_rounded():
    # Ten times 0.1 is exactly 1.0000000000000000555...; rounded once that is 1.0,
    # whereas left-to-right double addition gives 0.9999999999999999.
    assert r_sum([0.1] * 10) == 1.0
    assert sum([0.1] * 10) != 1.0
    # 1e16 + 1 - 1e16 = 1 exactly; naive addition loses the 1.
    assert r_sum([1e16, 1.0, -1e16, math.nan]) == 1.0


def test_r_mean_two_pass_and_missing_removed():
    assert r_mean([1.0, 2.0, 3.0, math.nan]) == 2.0
    # Σx = 1 exactly, so the mean is 1/3 (a naive double sum gives 0 and mean 0).
    assert r_mean([1e16, 1.0, -1e16]) == 1 / 3
    assert math.isnan(r_mean([math.nan]))


def test_r_var_and_sd():
    # mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; 5 / (4 - 1) = 5/3.
    assert r_var([1.0, 2.0, 3.0, 4.0, math.nan]) == 5 / 3
    assert r_sd([1.0, 2.0, 3.0, 4.0]) == math.sqrt(5 / 3)
    assert math.isnan(r_var([1.0])) and math.isnan(r_sd([1.0]))


def test_r_median():
    assert r_median([3.0, 1.0, 2.0]) == 2.0  # odd: middle value
    assert r_median([4.0, 1.0, 3.0, 2.0, math.nan]) == 2.5  # even: mean of 2 and 3
    assert math.isnan(r_median([]))


def test_quantile7_hand_values():
    x = [10.0, 1.0, 5.0, 2.0, 3.0, 4.0]  # sorted 1 2 3 4 5 10, n = 6
    # p = 0.25: index = 1 + 5·0.25 = 2.25, lo 2 (x=2), hi 3 (x=3), h = 0.25: 0.75·2 + 0.25·3
    # p = 0.9: index = 5.5: 0.5·5 + 0.5·10 = 7.5
    q = quantile7(x, [0.0, 0.25, 0.9, 1.0])
    assert q.tolist() == [1.0, 2.25, 7.5, 10.0]
    assert quantile7([1.0, 2.0], 0.5) == 1.5
    # Tied neighbours: x_(lo) = x_(hi) = 1, so q is x_(lo) without interpolation.
    assert quantile7([1.0, 1.0, 2.0], 0.25) == 1.0
    with pytest.raises(CompositeError):
        quantile7(x, 1.5)


def test_quantile7_uses_the_one_minus_h_form():
    # x = 0.1 0.2 0.2, p = 0.1: index = 1 + 2·0.1 = 1.2, h = 0.2 (as a double: index − 1).
    # (1 − h)·0.1 + h·0.2 = 0.12000000000000001, whereas 0.1 + h·(0.2 − 0.1) = 0.12.
    index = 1 + 2 * 0.1
    h = index - 1
    assert (1 - h) * 0.1 + h * 0.2 == 0.12000000000000001
    assert 0.1 + h * (0.2 - 0.1) == 0.12
    assert quantile7([0.2, 0.1, 0.2], 0.1) == 0.12000000000000001


def test_rank_min_ties_and_missing():
    # values 3 1 NA 3 2: 1 → 1, 2 → 2, both 3s share rank 3; NA stays NA
    r = rank_min([3.0, 1.0, math.nan, 3.0, 2.0])
    assert np.array_equal(r, [3.0, 1.0, math.nan, 3.0, 2.0], equal_nan=True)
    assert r.dtype == np.float64
    m = rank_min_rows([[3.0, 1.0, math.nan, 3.0, 2.0], [1.0, 1.0, 1.0, 0.0, math.nan]])
    assert np.array_equal(m[1], [2.0, 2.0, 2.0, 1.0, math.nan], equal_nan=True)
    assert np.array_equal(m[0], r, equal_nan=True)


def test_r_round_half_even_on_binary_value():
    # 0.125 is exact: a tie, floor(12.5) = 12 is even, so down to 0.12.
    # 0.375 is exact: a tie, floor(37.5) = 37 is odd, so up to 0.38.
    # 0.285 is stored as 0.28499999999999998…: below the tie, so 0.28.
    out = r_round(np.array([0.125, 0.375, 0.285, -0.125, math.nan, math.inf, 0.0]), 2)
    assert np.array_equal(out, [0.12, 0.38, 0.28, -0.12, math.nan, math.inf, 0.0], equal_nan=True)
    assert r_round(2.5) == 2.0 and r_round(3.5) == 4.0 and r_round(-2.5) == -2.0
    assert r_round(1234.5, -1) == 1230.0
    assert r_round(1e300, 2) == 1e300  # log10(x) + d > 15: unchanged
    with pytest.raises(CompositeError):
        r_round(1.0, 1.5)


def test_skew_and_kurt_type2_hand_values():
    # x = 1 2 3 10: mean 4, d = -3 -2 -1 6; S2 = 50, S3 = 180, S4 = 1394, n = 4
    n, s2, s3, s4 = 4, 50.0, 180.0, 1394.0
    skew = math.sqrt(n) * s3 / s2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)  # ≈ 1.7636
    r = n * s4 / s2**2  # 2.2304
    kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))  # 3.228
    x = [1.0, 2.0, 3.0, 10.0, math.nan]
    assert skew2(x) == pytest.approx(skew, rel=1e-15)
    assert kurt2(x) == pytest.approx(kurt, rel=1e-15)
    assert kurt2(x) == pytest.approx(3.228, rel=1e-12)


def test_skew_and_kurt_missing_cases():
    assert math.isnan(skew2([1.0, 2.0]))  # n < 3
    assert math.isnan(kurt2([1.0, 2.0, 3.0]))  # n < 4
    assert math.isnan(skew2([2.0, 2.0, 2.0, 2.0]))  # constant: 0/0
    assert math.isnan(kurt2([2.0, 2.0, 2.0, 2.0]))
    assert skew2([1.0, 2.0, 3.0]) == 0.0
