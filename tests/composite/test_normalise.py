"""Normalise (COMPOSITE-METHODS.md section 7) against hand-worked values."""

import math

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.normalise import normalise

NAN = math.nan
UNITS = pd.Index(["U1", "U2", "U3", "U4"], name="uCode")


def _data() -> pd.DataFrame:
    return pd.DataFrame({"x": [1.0, 2.0, 4.0, NAN]}, index=UNITS)


def _run(method, params=None, direction=1, **kw):
    out = normalise(_data(), pd.Series({"x": direction}), method=method, params=params, **kw)
    return out["x"].tolist()


def _eq(a, b):
    return np.array_equal(np.array(a), np.array(b), equal_nan=True)


def test_minmax_default_and_direction():
    # (x − 1)/(4 − 1)·100: 0, 33.33…, 100
    assert _eq(_run("minmax"), [0.0, 1 / 3 * 100, 100.0, NAN])
    # direction −1: x = −1 −2 −4, min −4, max −1: (−1 + 4)/3·100 = 100, (−2 + 4)/3·100, 0
    assert _eq(_run("minmax", direction=-1), [100.0, 2 / 3 * 100, 0.0, NAN])
    assert _eq(_run("n_minmax", {"range": [1, 2]}), [1.0, 1 / 3 + 1, 2.0, NAN])


def test_zscore():
    # mean 7/3, deviations −4/3 −1/3 5/3, Σd² = 42/9, var = 42/9/2 = 7/3
    m, sd = 7 / 3, math.sqrt(7 / 3)
    out = _run("zscore", {"mean": 10, "sd": 2})
    assert out[:3] == pytest.approx([(v - m) / sd * 2 + 10 for v in (1, 2, 4)], rel=1e-15)
    with pytest.raises(CompositeError, match="positive"):
        _run("zscore", {"sd": 0})


def test_scaled_dist2max_fracmax():
    assert _eq(_run("scaled", {"lower": 0, "upper": 10}), [10.0, 20.0, 40.0, NAN])
    assert _eq(_run("dist2max"), [0.0, 1 - 2 / 3, 1.0, NAN])  # 1 − (4 − x)/3
    assert _eq(_run("fracmax"), [0.25, 0.5, 1.0, NAN])


def test_dist2ref_by_unit_code():
    # reference U2 (x = 2): 1 − (2 − x)/(2 − 1) = 0, 1, 3
    assert _eq(_run("dist2ref", {"ref": "U2"}), [0.0, 1.0, 3.0, NAN])
    assert _eq(_run("dist2ref", {"ref": "U2", "cap_max": True}), [0.0, 1.0, 1.0, NAN])
    with pytest.raises(CompositeError, match="uCode"):
        _run("dist2ref", {"ref": "ZZ"})


def test_dist2targ():
    # direction 1: (x − 1)/(3 − 1) = 0, 0.5, 1.5; direction −1: (4 − x)/(4 − 3) = 3, 2, 0
    assert _eq(_run("dist2targ", {"target": 3}), [0.0, 0.5, 1.5, NAN])
    assert _eq(_run("dist2targ", {"target": 3, "cap_max": True}), [0.0, 0.5, 1.0, NAN])
    assert _eq(_run("dist2targ", {"target": 3, "direction": -1}), [3.0, 2.0, 0.0, NAN])


def test_rank_borda_prank_with_ties():
    data = pd.DataFrame({"x": [5.0, 5.0, 9.0, NAN], "y": [3.0, 1.0, 2.0, 0.0]}, index=UNITS)
    dirs = pd.Series({"x": 1, "y": -1})
    r = normalise(data, dirs, method="rank")
    assert _eq(r["x"], [1.0, 1.0, 3.0, NAN])
    assert _eq(r["y"], [1.0, 3.0, 2.0, 4.0])  # −3 < −2 < −1 < 0
    assert _eq(normalise(data, dirs, method="borda")["x"], [0.0, 0.0, 2.0, NAN])
    # prank: (rank − 1)/(3 non-missing − 1)
    assert _eq(normalise(data, dirs, method="prank")["x"], [0.0, 0.0, 1.0, NAN])


def test_goalposts():
    p = {"lower": 0, "upper": 2, "scale": 10}
    # (x − 0)/2 = 0.5, 1, 2 → truncated to 1, times 10
    assert _eq(_run("goalposts", p), [5.0, 10.0, 10.0, NAN])
    assert _eq(_run("goalposts", {**p, "trunc": False}), [5.0, 10.0, 20.0, NAN])
    # direction −1: (x − 2)/(0 − 2) = 0.5, 0, −1 → 0
    assert _eq(_run("goalposts", {**p, "direction": -1}), [5.0, 0.0, 0.0, NAN])
    with pytest.raises(CompositeError, match="needs"):
        _run("goalposts", {"lower": 0})


def test_none_returns_direction_adjusted():
    assert _eq(_run("none", direction=-1), [-1.0, -2.0, -4.0, NAN])


def test_individual_replaces_without_merging():
    data = pd.DataFrame({"x": [1.0, 2.0, 4.0], "y": [1.0, 2.0, 4.0]}, index=UNITS[:3])
    dirs = pd.Series({"x": 1, "y": 1})
    out = normalise(
        data,
        dirs,
        method="minmax",
        params={"range": [0, 10]},
        individual={"y": {"method": "minmax"}},
    )
    assert out["x"].iloc[2] == 10.0
    assert out["y"].iloc[2] == 100.0  # the default range, not the global [0, 10]


def _imeta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iCode": ["x", "y"],
            "Type": ["Indicator", "Indicator"],
            "Direction": [1, -1],
            "Target": [3.0, 1.5],
            "goalpost_lower": [0.0, 1.0],
            "goalpost_upper": [2.0, 4.0],
            "goalpost_scale": [10.0, 10.0],
            "goalpost_trunc2posts": [False, False],
            "scaled_lower": [0.0, 1.0],
            "scaled_upper": [10.0, 3.0],
            "scale_factor": [100.0, 1.0],
        }
    )


def test_use_imeta_flips_parameters_for_negative_direction():
    raw = pd.DataFrame({"x": [1.0, 2.0, 4.0], "y": [1.0, 2.0, 4.0]}, index=UNITS[:3])
    dirs = pd.Series({"x": 1, "y": -1})
    with pytest.warns(UserWarning, match="dist2targ_cap_max"):
        t = normalise(raw, dirs, method="dist2targ", params={"use_imeta": True}, imeta=_imeta())
    # y (D = −1): (raw_max − raw)/(raw_max − Target) = (4 − raw)/(4 − 1.5) = 1.2, 0.8, 0
    assert _eq(t["y"], [3 / 2.5, 2 / 2.5, 0.0])
    assert _eq(t["x"], [0.0, 0.5, 1.5])
    g = normalise(raw, dirs, method="goalposts", params={"use_imeta": True}, imeta=_imeta())
    # y: gposts (−4, −1, 10): (−raw + 4)/(−1 + 4)·10 = (upper − raw)/(upper − lower)·10
    assert _eq(g["y"], [(-1 + 4) / 3 * 10, (-2 + 4) / 3 * 10, 0.0])
    s = normalise(raw, dirs, method="scaled", params={"use_imeta": True}, imeta=_imeta())
    # y: npara (−3, −1): (−raw + 3)/(−1 + 3)·1 = 1, 0.5, −0.5
    assert _eq(s["y"], [1.0, 0.5, -0.5])
    # dist2targ without a target takes Target·D from iMeta, as use_imeta does.
    assert _eq(normalise(raw, dirs, method="dist2targ", imeta=_imeta())["y"], t["y"])


def test_errors():
    data = _data()
    with pytest.raises(CompositeError, match="expected one of"):
        normalise(data, pd.Series({"x": 1}), method="softmax")
    with pytest.raises(CompositeError, match="takes"):
        normalise(data, pd.Series({"x": 1}), params={"lower": 1})
    with pytest.raises(CompositeError, match="every column needs a direction"):
        normalise(data, pd.Series({"y": 1}))
    with pytest.raises(CompositeError, match="-1 or 1"):
        normalise(data, pd.Series({"x": 2}))
    with pytest.raises(CompositeError, match="only parameter"):
        normalise(data, pd.Series({"x": 1}), params={"use_imeta": True, "range": [0, 1]})
    with pytest.raises(CompositeError, match="supported for"):
        normalise(
            data, pd.Series({"x": 1}), method="rank", params={"use_imeta": True}, imeta=_imeta()
        )
    with pytest.raises(CompositeError, match="target"):
        normalise(data, pd.Series({"x": 1}), method="dist2targ")


def test_zero_range_warns_and_gives_nan():
    data = pd.DataFrame({"x": [2.0, 2.0]}, index=UNITS[:2])
    with pytest.warns(UserWarning, match="range"):
        out = normalise(data, pd.Series({"x": 1}))
    assert out["x"].isna().all()
