"""Denominate (COMPOSITE-METHODS.md section 3) against hand-worked values."""

import math

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.composite.denominate import denominate
from paradiplomacy.composite.errors import CompositeError


def _data() -> pd.DataFrame:
    idx = pd.Index(["AA", "BB", "CC"], name="uCode")
    return pd.DataFrame({"a": [10.0, 20.0, math.nan], "b": [1.0, 2.0, 3.0]}, index=idx)


def _meta() -> pd.DataFrame:
    # Extra unit DD and a different row order: lookup is by uCode.
    idx = pd.Index(["DD", "CC", "BB", "AA"], name="uCode")
    return pd.DataFrame(
        {"pop": [9.0, 5.0, 0.0, 2.0], "area": [1.0, 4.0, 8.0, 0.5], "name": ["d", "c", "b", "a"]},
        index=idx,
    )


def test_divides_by_denominator_over_scale_factor():
    data = _data()
    out = denominate(data, _meta(), {"a": "pop", "b": "area"}, {"a": 1000.0})
    # a: 10 / (2 / 1000) = 5000; 20 / (0 / 1000) = +Inf; NaN stays NaN.
    assert out["a"].iloc[0] == 10.0 / (2.0 / 1000.0) == 5000.0
    assert out["a"].iloc[1] == math.inf
    assert math.isnan(out["a"].iloc[2])
    # b: scale factor 1: 1/0.5 = 2, 2/8 = 0.25, 3/4 = 0.75.
    assert out["b"].tolist() == [2.0, 0.25, 0.75]
    assert list(out.index) == ["AA", "BB", "CC"] and list(out.columns) == ["a", "b"]
    assert data["a"].iloc[0] == 10.0  # input not mutated


def test_division_by_scale_happens_first():
    # x / (d / s) with x = 3, d = 0.1... rounds differently from x·s/d; we reproduce x / (d/s).
    data = pd.DataFrame({"a": [3.0]}, index=pd.Index(["AA"], name="uCode"))
    meta = pd.DataFrame({"d": [0.7]}, index=pd.Index(["AA"], name="uCode"))
    out = denominate(data, meta, {"a": "d"}, {"a": 0.3})
    assert out["a"].iloc[0] == 3.0 / (0.7 / 0.3)


def test_unspecified_columns_unchanged_and_empty_spec():
    out = denominate(_data(), _meta(), {"a": "pop"})
    pd.testing.assert_series_equal(out["b"], _data()["b"])
    pd.testing.assert_frame_equal(denominate(_data(), _meta(), {}), _data())


@pytest.mark.parametrize(
    ("spec", "scale", "message"),
    [
        ({"zz": "pop"}, None, "unknown: zz"),
        ({"a": "gdp"}, None, "'gdp'"),
        ({"a": "name"}, None, "must be numeric"),
        ({"a": "pop"}, {"b": 2.0}, "scale_factors"),
    ],
)
def test_errors(spec, scale, message):
    with pytest.raises(CompositeError, match=message):
        denominate(_data(), _meta(), spec, scale)


def test_unit_missing_from_denominators():
    meta = _meta().drop(index="BB")
    with pytest.raises(CompositeError, match="BB"):
        denominate(_data(), meta, {"a": "pop"})
    assert np.isfinite(denominate(_data(), _meta(), {"a": "area"})["a"].iloc[0])
