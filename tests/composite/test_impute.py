"""Impute (COMPOSITE-METHODS.md section 4) against hand-worked values."""

import math

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.impute import impute

NAN = math.nan


def _frame(cols: dict, units: list[str] | None = None) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    units = units or [f"U{i + 1}" for i in range(n)]
    return pd.DataFrame(cols, index=pd.Index(units, name="uCode"), dtype=np.float64)


def test_column_mean_and_median():
    data = _frame({"a": [1.0, NAN, 3.0, 5.0], "b": [1.0, NAN, 3.0, 10.0]})
    out = impute(data, method="mean")
    assert out.data["a"].tolist() == [1.0, 3.0, 3.0, 5.0]  # (1 + 3 + 5) / 3 = 3
    assert out.data["b"].iloc[1] == 14.0 / 3  # (1 + 3 + 10) / 3
    assert out.n_imputed == 2 and out.warnings == []
    med = impute(data, method="median")
    assert med.data["b"].iloc[1] == 3.0  # median of 1 3 10
    assert math.isnan(data["a"].iloc[1])  # input not mutated


def test_short_cut_without_missing_values():
    data = _frame({"a": [1.0, 2.0]})
    out = impute(data, method="mean")
    pd.testing.assert_frame_equal(out.data, data)
    assert out.n_imputed == 0 and out.warnings == []


def test_all_missing_column_left_with_warning():
    data = _frame({"a": [1.0, NAN], "b": [NAN, NAN]})
    out = impute(data, method="mean")
    assert out.data["a"].tolist() == [1.0, 1.0]
    assert out.data["b"].isna().all()
    assert any("column b is entirely missing" in w for w in out.warnings)
    assert any("2 missing value(s) remain" in w for w in out.warnings)


def test_none_leaves_data():
    data = _frame({"a": [1.0, NAN]})
    out = impute(data, method="none")
    assert math.isnan(out.data["a"].iloc[1]) and out.n_imputed == 0


def test_group_mean_and_median():
    data = _frame({"a": [1.0, NAN, 3.0, 10.0, NAN, NAN, 7.0]})
    groups = pd.Series(["A", "A", "A", "B", "B", None, "B"], index=data.index)
    out = impute(data, method="mean_group", groups=groups)
    # A: mean(1, 3) = 2; B: mean(10, 7) = 8.5; U6 has no group: left missing.
    assert out.data["a"].iloc[1] == 2.0 and out.data["a"].iloc[4] == 8.5
    assert math.isnan(out.data["a"].iloc[5])
    assert out.n_imputed == 2
    med = impute(data, method="median_group", groups=groups)
    assert med.data["a"].iloc[4] == 8.5  # median of 10 and 7


def test_group_entirely_missing_gives_nan_not_overall_mean():
    data = _frame({"a": [1.0, 3.0, NAN, NAN]})
    groups = pd.Series(["A", "A", "B", "B"], index=data.index)
    out = impute(data, method="mean_group", groups=groups)
    assert out.data["a"].iloc[2:].isna().all()
    assert any("remain" in w for w in out.warnings)


def test_group_errors():
    data = _frame({"a": [1.0, NAN]})
    with pytest.raises(CompositeError, match="needs groups"):
        impute(data, method="mean_group")
    with pytest.raises(CompositeError, match="all missing"):
        impute(data, method="mean_group", groups=pd.Series([None, None], index=data.index))
    with pytest.raises(CompositeError, match="absent"):
        impute(data, method="mean_group", groups=pd.Series(["A"], index=["U1"]))
    with pytest.raises(CompositeError, match="by column only"):
        impute(data, method="mean_group", by="row", groups=pd.Series(["A", "B"], index=data.index))


def test_row_mean_normalised_first():
    # a (direction 1) = 0 10 5 → z = 0 1 0.5; b (direction -1) → -100 -200 NA, min -200,
    # max -100 → z = 1 0 NA. Unit U3: row mean of (0.5) = 0.5; back: 0.5·(−100 − (−200)) +
    # (−200) = −150, times direction −1 = 150.
    data = _frame({"a": [0.0, 10.0, 5.0], "b": [100.0, 200.0, NAN]})
    dirs = pd.Series({"a": 1, "b": -1})
    out = impute(data, method="mean", by="row", directions=dirs)
    assert out.data["b"].iloc[2] == 150.0
    assert out.data["a"].tolist() == [0.0, 10.0, 5.0]


def test_row_mean_raw_values():
    data = _frame({"a": [0.0, 10.0, 5.0], "b": [100.0, 200.0, NAN], "c": [1.0, 2.0, 7.0]})
    out = impute(data, method="mean", by="row", normalise_first=False)
    assert out.data["b"].iloc[2] == 6.0  # mean of 5 and 7
    with pytest.raises(CompositeError, match="directions"):
        impute(data, method="mean", by="row")


def test_blocks_impute_separately():
    data = _frame({"a": [1.0, 3.0], "b": [NAN, 5.0], "c": [100.0, 200.0], "d": [NAN, 300.0]})
    out = impute(
        data, method="mean", by="row", normalise_first=False, blocks=[["a", "b"], ["c", "d"]]
    )
    assert out.data.loc["U1", "b"] == 1.0  # mean of its block (a): 1
    assert out.data.loc["U1", "d"] == 100.0  # mean of its block (c): 100
    with pytest.raises(CompositeError, match="not covered"):
        impute(data, blocks=[["a", "b"]])
    with pytest.raises(CompositeError, match="more than one block"):
        impute(data, blocks=[["a", "b"], ["b", "c", "d"]])


def test_zero_range_column_normalised_first_is_an_error():
    # b has range 0, so its normalised values are all NaN; back-transforming cannot restore
    # the non-missing values when the row has nothing else (COINr stops here too).
    data = _frame({"a": [NAN, NAN], "b": [4.0, 4.0]})
    with pytest.raises(CompositeError, match="became missing"):
        impute(data, method="mean", by="row", directions=pd.Series({"a": 1, "b": 1}))


def test_bad_parameters():
    data = _frame({"a": [1.0, NAN]})
    with pytest.raises(CompositeError, match="method"):
        impute(data, method="knn")
    with pytest.raises(CompositeError, match="by"):
        impute(data, by="df")
    with pytest.raises(CompositeError, match="only by mean_group"):
        impute(data, method="mean", groups=pd.Series(["A", "B"], index=data.index))
