"""Treat (COMPOSITE-METHODS.md section 6) against hand-worked cases and the ASEM facts."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.primitives import kurt2, skew2
from paradiplomacy.composite.treat import check_skew_kurt, treat, winsorise

BASE = [float(i) for i in range(1, 21)]  # 1..20: |skew| = 0, passes


def _frame(cols: dict) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    idx = pd.Index([f"U{i:02d}" for i in range(n)], name="uCode")
    return pd.DataFrame(cols, index=idx, dtype=np.float64)


def test_pass_rule_is_or_of_the_two_thresholds():
    x = np.array([*BASE, 1000.0])
    passing, sk, kt = check_skew_kurt(x)
    assert sk == skew2(x) and kt == kurt2(x)
    assert sk >= 2 and kt >= 3.5 and passing is False
    # Raising either threshold above the statistic makes it pass.
    assert check_skew_kurt(x, skew_thresh=sk + 1)[0] is True
    assert check_skew_kurt(x, kurt_thresh=kt + 1)[0] is True
    assert check_skew_kurt(np.array([1.0, 2.0]))[0] is None  # NA


def test_one_high_outlier_winsorised_once():
    # 1..20, 1000: the maximum 1000 becomes the next value down, 20; 1..20, 20 then passes.
    data = _frame({"a": [*BASE, 1000.0], "ok": [*BASE, 21.0]})
    r = treat(data)
    assert r.data["a"].tolist() == [*BASE, 20.0]
    assert r.data["ok"].tolist() == [*BASE, 21.0]
    d = r.details.set_index("iCode")
    assert list(r.details.columns) == [
        "iCode",
        "check_SkewKurt0.Pass",
        "check_SkewKurt0.Skew",
        "check_SkewKurt0.Kurt",
        "winsorise.nwin",
        "check_SkewKurt1.Pass",
        "check_SkewKurt1.Skew",
        "check_SkewKurt1.Kurt",
    ]
    assert d.loc["a", "winsorise.nwin"] == 1 and bool(d.loc["a", "check_SkewKurt1.Pass"])
    assert bool(d.loc["ok", "check_SkewKurt0.Pass"]) and pd.isna(d.loc["ok", "winsorise.nwin"])
    assert r.points["a"].tolist() == [""] * 20 + ["winhi"]
    assert (r.points["ok"] == "").all()
    assert data["a"].iloc[-1] == 1000.0  # input not mutated


def test_ties_replaced_together_nwin_can_exceed_winmax():
    # Three tied maxima replaced at once by 20: nwin = 3 although winmax = 2.
    x, nwin, marks = winsorise(np.array([*BASE, 1000.0, 1000.0, 1000.0]), winmax=2)
    assert nwin == 3
    assert x.tolist() == [*BASE, 20.0, 20.0, 20.0]
    assert marks == [""] * 20 + ["winhi"] * 3


def test_low_side_when_skew_negative():
    x, nwin, marks = winsorise(np.array([-1000.0, *BASE]))
    assert nwin == 1 and x[0] == 1.0 and marks[0] == "winlo"


def test_log_ct_on_the_original_column_when_winsorisation_fails():
    # winmax 1: 2000 → 1000, still failing; log_CT is applied to the ORIGINAL column:
    # ln(x − 1 + 0.01·(2000 − 1)).
    orig = [*BASE, 1000.0, 2000.0]
    r = treat(_frame({"a": orig}), winmax=1)
    expected = np.log(np.array(orig) - 1.0 + 0.01 * (2000.0 - 1.0))
    assert np.array_equal(r.data["a"].to_numpy(), expected)
    d = r.details.iloc[0]
    assert d["winsorise.nwin"] == 1 and not d["check_SkewKurt1.Pass"]
    assert "check_SkewKurt2.Pass" in r.details.columns
    assert r.points["a"].tolist() == ["+log_CT"] * 21 + ["winhi+log_CT"]


def test_combine_applies_f2_to_winsorised_column():
    orig = [*BASE, 1000.0, 2000.0]
    r = treat(_frame({"a": orig}), winmax=1, combine=True)
    wins = np.array([*BASE, 1000.0, 1000.0])
    assert np.array_equal(r.data["a"].to_numpy(), np.log(wins - 1.0 + 0.01 * 999.0))


def test_f2_none_keeps_failing_winsorised_column():
    r = treat(_frame({"a": [*BASE, 1000.0, 2000.0]}), winmax=1, f2=None)
    assert r.data["a"].tolist() == [*BASE, 1000.0, 1000.0]
    assert r.points["a"].iloc[-1] == "winhi"
    assert "check_SkewKurt2.Pass" not in r.details.columns


def test_other_transforms():
    orig = np.array([*BASE, 1000.0, 2000.0])
    rng = 2000.0 - 1.0
    r = treat(_frame({"a": orig}), winmax=0, f2="log_CT_orig")
    assert np.array_equal(r.data["a"].to_numpy(), np.log(orig - 1.0 + 1))
    r = treat(_frame({"a": orig}), winmax=0, f2="log_CT_plus")  # skew > 0
    assert np.array_equal(r.data["a"].to_numpy(), np.log(orig - 1.0 + 0.01 * rng))
    r = treat(_frame({"a": orig}), winmax=0, f2="boxcox", boxcox_lambda=2)
    y = orig - 1.0 + 1
    assert np.array_equal(r.data["a"].to_numpy(), (y * y - 1) / 2)
    assert (r.points["a"] == "").all()  # quirk: boxcox marks nothing
    r = treat(_frame({"a": orig}), winmax=0, f2="log_GII")
    assert np.array_equal(r.data["a"].to_numpy(), orig)  # quirk: no-op


def test_missing_check_and_errors_leave_column_untreated_without_row():
    # two values: check 0 is NA; [0]*20 + [1]: winsorising makes it constant, the loop
    # condition becomes NA, R stops: untreated, no details row.
    few = _frame({"few": [1.0, 5.0] + [math.nan] * 19, "const": [0.0] * 20 + [1.0]})
    r = treat(few)
    pd.testing.assert_frame_equal(r.data, few)
    assert r.details.empty and list(r.details.columns) == ["iCode"]
    assert len(r.warnings) == 2
    assert list(r.points.columns) == []


def test_individual_and_disable():
    data = _frame({"a": [*BASE, 1000.0], "b": [*BASE, 1000.0]})
    r = treat(data, individual={"a": "none", "b": {"winmax": 0, "f2": None}})
    assert r.data["a"].iloc[-1] == 1000.0 and "a" not in r.details["iCode"].tolist()
    assert r.data["b"].iloc[-1] == 1000.0 and r.details.iloc[0]["winsorise.nwin"] == 0
    off = treat(data, method="none")
    pd.testing.assert_frame_equal(off.data, data)
    assert off.details.empty


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "off"},
        {"f2": "sqrt"},
        {"f2": "boxcox"},
        {"winmax": -1},
        {"skew": "2"},
        {"individual": {"zz": "none"}},
        {"individual": {"a": {"speed": 1}}},
        {"individual": {"a": "off"}},
    ],
)
def test_bad_parameters(kwargs):
    with pytest.raises(CompositeError):
        treat(_frame({"a": BASE}), **kwargs)


ASEM = Path("/work/shared/data/coinr-asem")


@pytest.mark.skipif(not (ASEM / "iData.csv").exists(), reason="ASEM example data not available")
def test_asem_example_facts():
    from paradiplomacy.composite.collation import collate
    from paradiplomacy.composite.denominate import denominate
    from paradiplomacy.composite.impute import impute
    from paradiplomacy.composite.screen import screen

    idata = pd.read_csv(ASEM / "iData.csv").set_index("uCode")
    imeta = pd.read_csv(ASEM / "iMeta.csv")
    idata = idata.loc[collate(idata.index)]
    codes = imeta.loc[imeta["Type"] == "Indicator", "iCode"].tolist()
    spec = imeta.dropna(subset=["Denominator"]).set_index("iCode")["Denominator"].to_dict()
    den = denominate(idata[codes].astype(float), idata, spec)
    assert int(den.isna().sum().sum()) == 65
    imp = impute(den, method="mean_group", groups=idata["EurAsia_group"])
    assert imp.n_imputed == 65 and not imp.data.isna().any().any()
    scr = screen(imp.data, by="byNA", dat_thresh=0.9)
    assert scr.removed == []
    r = treat(scr.data, winmax=5)
    failed = r.details[~r.details["check_SkewKurt0.Pass"].astype(bool)]
    nwin = dict(zip(failed["iCode"], failed["winsorise.nwin"], strict=True))
    assert nwin == {
        "Flights": 1, "Bord": 3, "Gas": 3, "Services": 4, "FDI": 2, "ForPort": 3,
        "CostImpEx": 1, "Tariff": 3, "StMob": 2, "CultServ": 3, "Forest": 2, "Poverty": 3,
        "NGOs": 3, "FemLab": 1, "PubDebt": 1,
    }  # fmt: skip
    assert failed["check_SkewKurt1.Pass"].all()
    assert len(r.details.columns) == 8
    assert (r.points["FemLab"] == "winlo").sum() == 1
    assert not r.points["FemLab"].eq("winhi").any()
