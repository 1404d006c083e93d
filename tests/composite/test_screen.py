"""Screen (COMPOSITE-METHODS.md section 5) against hand-worked values."""

import math

import pandas as pd
import pytest

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.screen import screen

NAN = math.nan


def _data() -> pd.DataFrame:
    idx = pd.Index(["U1", "U2", "U3", "U4"], name="uCode")
    return pd.DataFrame(
        {
            "a": [1.0, 0.0, NAN, 1.0],
            "b": [NAN, 0.0, NAN, 2.0],
            "c": [NAN, 0.0, NAN, 3.0],
            "d": [0.0, 0.0, NAN, 0.0],
        },
        index=idx,
    )


def test_summary_table_by_hand():
    s = screen(_data(), by="na").summary
    assert list(s.columns) == [
        "N_missing",
        "N_zero",
        "N_miss_or_zero",
        "Dat_Avail",
        "Non_Zero",
        "LowData",
        "LowNonZero",
        "LowDatOrZeroFlag",
        "Included",
    ]
    # U1: 2 missing, 1 zero of 2 available: Dat_Avail 1 - 2/4 = 0.5, Non_Zero 1 - 1/2 = 0.5
    assert s.loc["U1", ["N_missing", "N_zero", "N_miss_or_zero"]].tolist() == [2, 1, 3]
    assert s.loc["U1", "Dat_Avail"] == 0.5 and s.loc["U1", "Non_Zero"] == 0.5
    # U2: all zeros: Non_Zero 1 - 4/4 = 0
    assert s.loc["U2", "Non_Zero"] == 0.0 and s.loc["U2", "Dat_Avail"] == 1.0
    # U3: nothing available: Dat_Avail 0, Non_Zero 0/0 = NaN, LowNonZero missing
    assert s.loc["U3", "Dat_Avail"] == 0.0 and math.isnan(s.loc["U3", "Non_Zero"])
    assert s["LowNonZero"].isna().tolist() == [False, False, True, False]
    # U4: 1 zero of 4: Non_Zero 0.75
    assert s.loc["U4", "Non_Zero"] == 0.75
    # LowData: 0.5 < 2/3 and 0 < 2/3; LowDatOrZeroFlag: TRUE OR NA = TRUE for U3
    assert s["LowData"].tolist() == [True, False, True, False]
    assert s["LowDatOrZeroFlag"].tolist() == [True, True, True, False]


def test_by_na_removes_low_data_units():
    r = screen(_data(), by="byNA")
    assert list(r.data.index) == ["U2", "U4"]
    assert r.removed == ["U1", "U3"]
    assert screen(_data(), by="na", dat_thresh=0.5).removed == ["U3"]  # 0.5 < 0.5 is false


def test_by_na_and_zeros():
    r = screen(_data(), by="na_and_zeros")
    assert r.removed == ["U1", "U2", "U3"]


def test_by_zeros_missing_flag_quirk():
    # U3 has no available value: Included is missing and R's x[NA, ] yields an all-missing row
    # with a missing code in its place; removed lists a missing code.
    r = screen(_data(), by="byzeros")
    assert r.summary["Included"].isna().tolist() == [False, False, True, False]
    assert len(r.data) == 3
    assert r.data.index[0] == "U1" and r.data.index[2] == "U4"
    assert pd.isna(r.data.index[1]) and r.data.iloc[1].isna().all()
    assert r.removed == ["U2", None]


def test_force_include_then_exclude():
    r = screen(_data(), by="na", force={"U1": True, "U4": False, "U3": True})
    # by NA alone: U1 and U3 out, U2 and U4 in; forcing turns U1, U3 in and U4 out.
    assert list(r.data.index) == ["U1", "U2", "U3"]
    assert r.removed == ["U4"]
    assert r.summary["Included"].tolist() == [True, True, True, False]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"by": "rows"},
        {"dat_thresh": 1.5},
        {"nonzero_thresh": -0.1},
        {"force": {"ZZ": True}},
        {"force": {"U1": "yes"}},
    ],
)
def test_errors(kwargs):
    with pytest.raises(CompositeError):
        screen(_data(), **kwargs)
