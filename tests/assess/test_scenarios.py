"""Scenarios and normalisation capacity (MODEL.md section 7): the worked example of
test_channels, partner FI, level 3 (A = political .1, economic .3, humanitarian .6,
education .5, image .4)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.assess.channels import AssessConfigError
from paradiplomacy.assess.frameworks import FrameworkConfig, suitability
from paradiplomacy.assess.scenarios import (
    AvailabilityTable,
    Scenario,
    capacity,
    country_totals,
    p_top,
    replay,
    shipped_scenarios,
)
from paradiplomacy.ledger.taxonomy import Taxonomy
from tests.assess.test_channels import (
    POL_A_FI,
    partners_frame,
    record,
    regions_frame,
    worked_table,
)
from tests.assess.test_frameworks import IAI, RES, SPPI

P_A = math.log1p(POL_A_FI) / math.log(4)
RUPTURE = Scenario(name="rupture_fi", partner="FI", level=3)


def test_worked_capacity_with_suitability():
    t = worked_table()
    s = suitability(t, "FI", SPPI, IAI, RES)  # RU-A both, RU-B and RU-C culture_image
    cap = capacity(t, RUPTURE, FrameworkConfig.load(), s).set_index("region")
    # RU-A: culture .6 * 1 (hum) * .4 = .24; political .1 * P_A * .7; both -> the larger
    assert cap.loc["RU-A", "nc_culture_image"] == pytest.approx(0.24)
    assert cap.loc["RU-A", "nc_political_plus"] == pytest.approx(0.07 * P_A)
    assert cap.loc["RU-A", "capacity"] == pytest.approx(0.24)
    assert cap.loc["RU-A", "contrib_humanitarian"] == pytest.approx(0.24)
    # RU-B only has the economic channel (border): culture_image gives it nothing
    assert cap.loc["RU-B", "capacity"] == 0.0
    assert cap.loc["RU-B", "nc_political_plus"] == pytest.approx(0.3 * 0.3)
    assert list(cap["rank"]) == [1, 2, 2]
    assert cap.loc["RU-A", "records"].split(";")[0] == "e3"  # the humanitarian record
    tot = country_totals(t, RUPTURE, FrameworkConfig.load(), s)
    # level 0, nothing closed: RU-A max(.4, .7 * P_A), RU-B 0, RU-C 0
    assert tot["total"] == pytest.approx(0.24)
    assert tot["resilience"] == pytest.approx(0.24 / max(0.4, 0.7 * P_A))
    assert tot["redundancy"] == pytest.approx(1.0)


def test_worked_capacity_without_suitability_takes_the_larger():
    t = worked_table()
    cap = capacity(t, RUPTURE).set_index("region")
    assert cap.loc["RU-B", "framework"] == "political_plus"
    assert cap.loc["RU-B", "capacity"] == pytest.approx(0.09)
    assert cap.loc["RU-C", "framework"] == "none"
    tot = country_totals(t, RUPTURE)
    assert tot["total"] == pytest.approx(0.33)
    assert tot["redundancy"] == pytest.approx(1 / ((0.24 / 0.33) ** 2 + (0.09 / 0.33) ** 2))


def test_overrides_and_closed_instruments():
    t = worked_table()
    sc = Scenario(
        name="x", partner="FI", level=3, availability={"humanitarian": 0.0},
        closed_instruments=["official_visit"],
    )  # fmt: skip
    cap = capacity(t, sc).set_index("region")
    assert cap.loc["RU-A", "capacity"] == 0.0  # humanitarian shut, visits closed
    assert cap.loc["RU-B", "capacity"] == pytest.approx(0.09)


def test_p_top_bounds_and_seed():
    t = worked_table()
    a = p_top(t, RUPTURE, k=1, n_runs=200, seed=3)
    b = p_top(t, RUPTURE, k=1, n_runs=200, seed=3)
    pd.testing.assert_series_equal(a, b)
    assert a.between(0, 1).all()
    assert a["RU-A"] == 1.0 and a["RU-C"] == 0.0  # 0.24 vs 0.09 is beyond the noise


def test_availability_table_validation(tmp_path):
    table = AvailabilityTable.load()
    arr = table.array(tuple(Taxonomy.load().channels))
    assert np.all(np.diff(arr, axis=0) <= 0) and np.all(arr[0] == 1)
    assert table.availability[3] == {
        "political": 0.1, "economic": 0.3, "humanitarian": 0.6, "education": 0.5, "image": 0.4
    }  # fmt: skip
    bad = tmp_path / "availability.yaml"
    rows = {lv: dict(table.availability[lv]) for lv in range(4)}
    rows[3]["image"] = 0.9
    import yaml

    bad.write_text(yaml.safe_dump({"availability": rows}), encoding="utf-8")
    with pytest.raises(AssessConfigError, match=r"availability.yaml.*availability.3.image"):
        AvailabilityTable.load(bad)


def test_shipped_scenarios_load_and_bad_scenario(tmp_path):
    files = shipped_scenarios()
    assert {"rupture_us", "sanctions_de", "tension_jp", "replay_fi_2022"} <= set(files)
    for name in files:
        assert Scenario.shipped(name).name == name
    bad = tmp_path / "s.yaml"
    bad.write_text("name: s\npartner: FI\nlevel: 4\n", encoding="utf-8")
    with pytest.raises(AssessConfigError, match=r"s.yaml.*'level'"):
        Scenario.load(bad)


def _replay_records(after_counts: dict[str, int]) -> pd.DataFrame:
    rows = []
    before = {"RU-A": 1, "RU-B": 3, "RU-C": 6}
    for region, n in before.items():
        for i in range(n):
            rows.append(
                record(f"b{region}{i}", region, "FI", "cultural_event", dt.date(2021, 3, 1 + i))
            )
    for region, n in after_counts.items():
        for i in range(n):
            rows.append(
                record(f"a{region}{i}", region, "FI", "cultural_event", dt.date(2022, 6, 1 + i))
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("after", "sign"),
    [({"RU-A": 1, "RU-B": 2, "RU-C": 4}, 1.0), ({"RU-A": 4, "RU-B": 2, "RU-C": 1}, -1.0)],
)
def test_replay_correlation_sign(after, sign):
    sc = Scenario(name="r", partner="FI", level=3, date=dt.date(2022, 2, 24))
    frame, rho = replay(
        _replay_records(after), regions_frame(), partners_frame(), Taxonomy.load(), sc
    )
    assert rho == pytest.approx(sign)
    assert frame.set_index("region").loc["RU-C", "after_humanitarian"] == pytest.approx(
        after["RU-C"]
    )
