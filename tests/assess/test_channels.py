"""Channel strengths (MODEL.md section 5): a worked example by hand.

Three regions (RU-A, RU-B, RU-C), two partners (CN, FI), as_of 2024-01-01, half-life 5 years,
window 10 years, land border RU-B/FI feeding economic 2, consulate ties feeding political 3.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.assess.channels import AssessConfigError, ChannelConfig, channel_strengths
from paradiplomacy.ledger.taxonomy import Taxonomy

AS_OF = dt.date(2024, 1, 1)
TAX = Taxonomy.load()


def regions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["RU-A", "RU-B", "RU-C"],
            "name_en": ["A", "B", "C"],
            "land_borders": ["", "FI", ""],
            "sea_borders": ["", "", ""],
            "kin_states": ["", "", ""],
        }
    ).set_index("code", drop=False)


def partners_frame() -> pd.DataFrame:
    return pd.DataFrame({"name_en": ["China", "Finland"]}, index=pd.Index(["CN", "FI"]))


def config(**update) -> ChannelConfig:
    base = dict(
        half_life=5.0,
        window=10.0,
        structural={
            "land_border": {"source": "land_borders", "feeds": {"economic": 2.0}},
            "consulate": {"source": "consulate_hosted", "feeds": {"political": 3.0}},
        },
    )
    base.update(update)
    return ChannelConfig.model_validate(base)


def record(uid, region, partner, instrument, date=None, year=None, status="active",
           confidence=1.0, magnitude=1.0, partner_name=""):  # fmt: skip
    return {
        "uid": uid,
        "region": region,
        "partner_country": partner,
        "partner_name": partner_name,
        "instrument": instrument,
        "date": date,
        "year": year if year is not None else date.year,
        "status": status,
        "magnitude": magnitude,
        "unit": "count",
        "source": "hand:test",
        "confidence": confidence,
        "note": "",
    }


def worked_records() -> pd.DataFrame:
    d = dt.date
    return pd.DataFrame(
        [
            record("e1", "RU-A", "FI", "official_visit", d(2024, 1, 1)),
            record("e2", "RU-A", "FI", "official_visit", d(2019, 1, 1), confidence=0.8),
            record(
                "e3",
                "RU-A",
                "FI",
                "cultural_event",
                d(2023, 1, 1),
                status="suspended",
                confidence=0.5,
            ),
            record(
                "e4",
                "RU-B",
                "FI",
                "twinning",
                d(2022, 1, 1),
                status="terminated",
                partner_name="Town",
            ),
            record("e5", "RU-B", "FI", "twinning", d(2020, 1, 1), partner_name="Town"),
            record("e6", "RU-C", "CN", "trade", None, year=2023, magnitude=100.0),
            record("e7", "RU-A", "FI", "official_visit", d(2010, 1, 1)),
            record("e8", "RU-B", "CN", "consulate_hosted", d(2005, 1, 1)),
            record("e9", "RU-C", "FI", "official_visit", d(2023, 6, 1), status="planned"),
        ]
    )


def worked_table(**update):
    return channel_strengths(
        worked_records(), regions_frame(), partners_frame(), TAX, AS_OF, config(**update)
    )


# Hand arithmetic (ages in days / 365.25):
# e1: age 0 -> 1.0
# e2: 2019-01-01 -> 2024-01-01 is 1826 days: 0.8 * 2 ** (-1826 / 365.25 / 5)
# e3: 365 days, suspended 0.5, confidence 0.5: 0.25 * 2 ** (-365 / 365.25 / 5)
# e4 terminated, e5 ended by e4 (same tie, earlier), e7 outside the window, e9 planned (0)
# e6: year only, dated 2023-07-01, 184 days: 2 ** (-184 / 365.25 / 5) (count, not magnitude)
# e8: too old for evidence, but makes the consulate tie RU-B/CN: political + 3
# land border RU-B/FI: economic + 2
POL_A_FI = 1.0 + 0.8 * 2 ** (-1826 / 365.25 / 5)
HUM_A_FI = 0.25 * 2 ** (-365 / 365.25 / 5)
ECO_C_CN = 2 ** (-184 / 365.25 / 5)


def test_worked_raw_values():
    t = worked_table()
    k = {c: n for n, c in enumerate(t.channels)}
    raw = t.raw()
    a, b, c = 0, 1, 2
    cn, fi = 0, 1
    assert raw[a, fi, k["political"]] == pytest.approx(POL_A_FI)
    assert raw[a, fi, k["humanitarian"]] == pytest.approx(HUM_A_FI)
    assert raw[b, fi, k["humanitarian"]] == 0.0  # e4 removed, e5 ended by e4
    assert raw[b, fi, k["economic"]] == pytest.approx(2.0)  # land border only
    assert raw[b, cn, k["political"]] == pytest.approx(3.0)  # consulate tie only
    assert raw[c, cn, k["economic"]] == pytest.approx(ECO_C_CN)
    assert raw[c, fi].sum() == 0.0  # planned visit counts 0
    assert raw.sum() == pytest.approx(POL_A_FI + HUM_A_FI + 2.0 + 3.0 + ECO_C_CN)


def test_worked_scaling():
    t = worked_table()
    k = {c: n for n, c in enumerate(t.channels)}
    b = t.strengths()
    # political: max log1p is log1p(3) = ln 4 (RU-B/CN), min 0
    assert b[0, 1, k["political"]] == pytest.approx(math.log1p(POL_A_FI) / math.log(4))
    assert b[1, 0, k["political"]] == pytest.approx(1.0)
    # economic: max log1p(2) = ln 3
    assert b[2, 0, k["economic"]] == pytest.approx(math.log1p(ECO_C_CN) / math.log(3))
    assert b[0, 1, k["humanitarian"]] == pytest.approx(1.0)
    assert b[:, :, k["education"]].max() == 0.0  # no spread: 0
    # bilateral intensity: equal weights 1/5
    inten = t.bilateral_intensity()
    assert inten.loc["RU-A", "FI"] == pytest.approx((math.log1p(POL_A_FI) / math.log(4) + 1.0) / 5)


def test_closing_uses_the_same_constants():
    t = worked_table()
    k = t.channels.index("political")
    closed = t.strengths(("consulate_hosted",))
    assert closed[1, 0, k] == 0.0  # the consulate tie goes with its instrument
    # RU-A/FI is not rescaled upwards although it is now the political maximum
    assert closed[0, 1, k] == pytest.approx(math.log1p(POL_A_FI) / math.log(4))
    no_visits = t.strengths(("official_visit",))
    assert no_visits[0, 1, k] == 0.0
    assert np.all(no_visits <= t.strengths() + 1e-15)


def test_no_confidence_weighting_and_log1p_magnitude():
    t = worked_table(confidence_weighting=False, magnitude={"instruments": {"trade": "log1p"}})
    k = {c: n for n, c in enumerate(t.channels)}
    raw = t.raw()
    assert raw[0, 1, k["political"]] == pytest.approx(1.0 + 2 ** (-1826 / 365.25 / 5))
    assert raw[2, 0, k["economic"]] == pytest.approx(math.log1p(100.0) * ECO_C_CN)


def test_views_and_records_behind():
    t = worked_table()
    view = t.partner_view("FI")
    assert list(view["region"]) == ["RU-A", "RU-B"]  # RU-C has nothing with FI
    assert view.loc[0, "main_channel"] == "humanitarian"
    assert list(t.region_view("RU-B")["partner"]) == ["CN", "FI"]
    behind = t.records_behind("RU-A", "FI")
    assert list(behind["uid"]) == ["e1", "e2", "e3"]  # by weight
    assert set(behind["source"]) == {"hand:test"}
    long = t.to_frame()
    assert len(long) == 5 and long["strength"].between(0, 1).all()
    assert t.synthetic is False


def test_bad_configuration_names_the_key(tmp_path):
    bad = tmp_path / "channels.yaml"
    bad.write_text("half_life: -1\nwidnow: 3\n", encoding="utf-8")
    with pytest.raises(AssessConfigError, match=r"channels.yaml.*half_life"):
        ChannelConfig.load(bad)
    with pytest.raises(AssessConfigError, match="widnow"):
        ChannelConfig.load(bad)
    unknown = config(channel_weights={"politics": 1.0})
    with pytest.raises(AssessConfigError, match=r"channel_weights.*politics"):
        channel_strengths(worked_records(), regions_frame(), partners_frame(), TAX, AS_OF, unknown)


def test_shipped_default_loads():
    cfg = ChannelConfig.load()
    assert cfg.half_life == 5.0 and cfg.status_weights["suspended"] == 0.5
    cfg.check(TAX)
