"""Explanations on the toy coin (tests/composite/toy): contributions by hand, top records."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.assess.explain import (
    explain_class,
    indicator_contributions,
    ordinal,
    top_records,
)
from paradiplomacy.composite.coin import build
from paradiplomacy.composite.framework import load_framework
from paradiplomacy.composite.pipeline import load_pipeline

TOY = Path(__file__).parents[1] / "composite" / "toy"


@pytest.fixture(scope="module")
def coin():
    return build(load_framework(TOY / "iData.csv", TOY / "iMeta.csv"),
                 load_pipeline(TOY / "pipeline.yaml"))  # fmt: skip


RECORDS = pd.DataFrame(
    {
        "uid": ["u1", "u2", "u3", "u4", "u5", "u6"],
        "region": ["UA", "UA", "UA", "UA", "UA", "UB"],
        "partner_country": ["FI", "FI", "CN", "DE", "FI", "FI"],
        "partner_name": [None] * 6,
        "instrument": ["twinning", "twinning", "agreement", "media", "agreement", "agreement"],
        "date": [pd.Timestamp("2021-05-01").date(), pd.Timestamp("2023-01-01").date(), None,
                 None, None, None],
        "year": [2021, 2023, 2022, 2020, 2024, 2024],
        "status": ["active"] * 6,
        "source": ["s1", "s2", "s3", "s4", "s5", "s6"],
        "confidence": [0.9, 0.9, 0.8, 0.5, 0.95, 1.0],
    }
)  # fmt: skip


def test_contributions_by_hand(coin):
    c = indicator_contributions(coin, "UA").set_index("indicator")
    # Effective weights: S1 2/3 x P1 1/2 x (i1 2/3, i2 1/3) = 2/9, 1/9; S1 2/3 x P2 1/2 x 1/2 =
    # 1/6 for i3, i4; S2 1/3 x P3 1 x 1/2 = 1/6 for i5, i6.
    np.testing.assert_allclose(
        c.loc[["i1", "i2", "i3", "i5"], "weight"], [2 / 9, 1 / 9, 1 / 6, 1 / 6]
    )
    # i1 normalised (min-max 0-100 of denominated 2, 1, 1.5, 1.6, 1): UA 100; over units
    # 100, 100, 50, 60, 0 -> contributions x 2/9, median 60 x 2/9 = 13.33; difference 8.89.
    assert c.loc["i1", "value"] == 100
    assert c.loc["i1", "contribution"] == pytest.approx(200 / 9)
    assert c.loc["i1", "median_contribution"] == pytest.approx(120 / 9)
    assert c.loc["i1", "difference"] == pytest.approx(80 / 9)
    # i3: UA has the lowest raw value (10 of 10..50): 0; median of 0, 50, 25, 75, 100 is 50.
    assert c.loc["i3", "difference"] == pytest.approx(-50 / 6)
    assert c.loc["i3", "rank"] == 5 and c.loc["i3", "raw"] == 10
    assert c.loc["i3", "tied"] == 1 and c.loc["i3", "n_units"] == 5
    # i1 is ranked on its denominated value, the value in its unit: UA's 2 is the largest,
    # shared with another unit (both normalise to 100), so a joint first place
    assert c.loc["i1", "rank"] == 1 and c.loc["i1", "raw"] == 2 and c.loc["i1", "tied"] == 2
    # The contributions add up to the arithmetic index score.
    assert c["contribution"].sum() == pytest.approx(coin.scores().loc["UA"])
    # Sorted by |difference|: i1 8.89, i3 8.33 and i4 8.33 (i4: 100 x 1/6 vs median 50 x 1/6),
    # i5 5.56, i6 4.17, i2 3.70.
    assert list(c.index) == ["i1", "i3", "i4", "i5", "i6", "i2"]


def test_top_records_prefers_reliable_recent_and_distinct():
    top = top_records(RECORDS, "UA", top_n=3)
    # u5 (0.95) first; u1 and u2 tie on 0.9, u2 is more recent; u1 repeats (FI, twinning);
    # then u3 (0.8). UB's record is not the region's.
    assert list(top["uid"]) == ["u5", "u2", "u3"]
    assert list(top.columns[:6]) == ["uid", "date", "year", "partner_country", "partner_name",
                                     "instrument"]  # fmt: skip
    assert list(top_records(RECORDS, "UA", 5, instruments=["media"])["uid"]) == ["u4"]


def test_explain_class_picks_the_largest_contributions(coin):
    contributions = indicator_contributions(coin, "UA")
    row = {"code": "UA", "level": 2, "level_name": "Active", "p_nominal": 0.82, "guard_notes": ""}
    out = explain_class("UA", row, contributions, RECORDS, top_n=2)
    assert [d["indicator"] for d in out["indicators"]] == ["i1", "i3"]
    assert out["probability"] == 0.82 and out["level"] == 2
    assert out["text"] == (
        "Active with probability 0.82. Above the median region: Indicator one (2 count, joint "
        "1st of 5); below the median region: Indicator three (10 share, 5th of 5)."
    )
    assert [r["uid"] for r in out["records"]] == ["u5", "u2"]
    assert out["records"][1]["date"] == "2023-01-01" and out["records"][1]["source"] == "s2"
    guarded = explain_class(
        "UA", {**row, "p_nominal": np.nan, "guard_notes": "Leader needs x"}, contributions,
        RECORDS, top_n=1,
    )  # fmt: skip
    assert guarded["probability"] is None
    assert guarded["text"] == (
        "Active (nominal level 2; no uncertainty runs). Above the median region: "
        "Indicator one (2 count, joint 1st of 5). Guards: Leader needs x."
    )


def test_ordinal():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip


def test_unknown_unit(coin):
    with pytest.raises(KeyError, match="UZ"):
        indicator_contributions(coin, "UZ")
