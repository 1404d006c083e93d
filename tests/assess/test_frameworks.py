"""Suitability of the two frameworks (MODEL.md section 6): the worked example of
test_channels (three regions, partners CN and FI), partner FI, default weights."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.assess.channels import AssessConfigError
from paradiplomacy.assess.frameworks import (
    FrameworkConfig,
    resilience,
    suitability,
    suitability_uncertainty,
)
from tests.assess.test_channels import POL_A_FI, record, worked_records, worked_table

REGIONS = pd.Index(["RU-A", "RU-B", "RU-C"])
SPPI = pd.Series([10.0, 20.0, 30.0], index=REGIONS)  # min-max: 0, 0.5, 1
IAI = pd.Series([5.0, 5.0, 5.0], index=REGIONS)  # constant: 0 for all
RES = pd.Series([1.0, 0.0, 0.5], index=REGIONS)
P_A = math.log1p(POL_A_FI) / math.log(4)  # political strength of RU-A with FI


def test_worked_suitability():
    s = suitability(worked_table(), "FI", SPPI, IAI, RES, FrameworkConfig.load())
    # channels with FI: RU-A humanitarian 1, political P_A; RU-B economic 1; RU-C none.
    # events (cultural_event evidence with any partner, log1p, min-max): RU-A 1, others 0.
    # culture = .4 * SPPI + .4 * (.4 hum + .3 edu + .3 img) + .2 * events
    assert list(s["culture_image"]) == pytest.approx([0.4 * 0.4 + 0.2, 0.4 * 0.5, 0.4])
    # political = .4 * IAI + .4 * (.7 pol + .3 eco) + .2 * resilience
    assert list(s["political_plus"]) == pytest.approx([0.4 * 0.7 * P_A + 0.2, 0.4 * 0.3, 0.2 * 0.5])
    # RU-A: 0.36 vs 0.3768, within the margin 0.05 -> both; RU-B 0.2 vs 0.12; RU-C 0.4 vs 0.1
    assert list(s["recommended"]) == ["both", "culture_image", "culture_image"]
    assert "SPPI 0.50" in s.loc[1, "explanation"]


def test_uncertainty_quantiles_and_recommendation_shares():
    t = worked_table()
    runs = np.array([[10.0, 10.0], [20.0, 20.0], [30.0, 30.0]])  # two identical runs
    u = suitability_uncertainty(t, "FI", runs, np.ones((3, 2)), RES, FrameworkConfig.load())
    nominal = suitability(t, "FI", SPPI, IAI, RES)
    ci = u[u["framework"] == "culture_image"]
    assert list(ci["median"]) == pytest.approx(list(nominal["culture_image"]))
    assert list(ci["q5"]) == pytest.approx(list(ci["q95"]))
    assert list(ci["p_recommended"]) == [1.0, 1.0, 1.0]
    pp = u[u["framework"] == "political_plus"]
    assert list(pp["p_recommended"]) == [1.0, 0.0, 0.0]  # RU-A is "both"


def test_resilience_share_of_surviving_ties():
    d = dt.date
    recs = pd.concat(
        [
            worked_records(),
            pd.DataFrame(
                [
                    # RU-C/FI: two ties active before the 2014-03-18 crisis, one after
                    record("r1", "RU-C", "FI", "twinning", d(2013, 5, 1)),
                    record("r2", "RU-C", "FI", "science", d(2012, 5, 1)),
                    record("r3", "RU-C", "FI", "twinning", d(2015, 5, 1)),
                    record("r4", "RU-C", "FI", "media", d(2015, 5, 1)),  # new, not a survivor
                ]
            ),
        ],
        ignore_index=True,
    )
    res = resilience(recs, worked_table(), FrameworkConfig.load())
    assert res.loc["RU-C", "FI"] == pytest.approx(0.5)
    assert res.loc["RU-A", "FI"] == 0.0  # no ties before the crisis


def test_bad_framework_configuration(tmp_path):
    bad = tmp_path / "frameworks.yaml"
    bad.write_text("political_plus:\n  channels: {political: -1}\n", encoding="utf-8")
    with pytest.raises(AssessConfigError, match=r"frameworks.yaml.*political_plus.channels"):
        FrameworkConfig.load(bad)
    cfg = FrameworkConfig.model_validate({"culture_image": {"channels": {"culture": 1.0}}})
    with pytest.raises(AssessConfigError, match=r"culture_image.channels.*culture"):
        suitability(worked_table(), "FI", SPPI, IAI, RES, cfg)
