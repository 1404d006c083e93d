"""Indicator computation, worked by hand: three regions, two partners, a handful of records.

Indicator year Y = 2021. Partners: DE (europe), CN (asia_pacific). Regions (registry order R1,
R2, R3): R1 a border oblast (land borders DE|CN), R2 an Arctic coastal krai, R3 a federal city
with a kin state (CN). Records (region, instrument, partner, year, status, confidence,
magnitude):

    #1  R1 agreement       DE 2021 active      1.0    1
    #2  R1 agreement       DE 2020 active      0.5    1
    #3  R1 agreement       CN 2019 active      1.0    1
    #4  R1 agreement       CN 2018 active      1.0    1     outside the 3-year window 2019-2021
    #5  R1 agreement       DE 2021 terminated  1.0    1     terminated: left out by default
    #6  R1 agreement       CN 2022 active      1.0    1     after Y
    #7  R1 trade           DE 2021 active      0.8  100
    #8  R1 trade           CN 2020 active      1.0   50
    #9  R1 cultural_event  CN 2021 planned     1.0    1     planned: left out by default
    #10 R2 twinning        DE 2021 active      1.0    1
    #11 R2 official_visit  CN 2021 suspended   0.9    1     suspended: kept
    (R3 has no record.)
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.indicators.compute import (
    compute_indicators,
    data_origin,
    denominators,
    evidence,
    indicator_tables,
    provenance,
)
from paradiplomacy.indicators.definitions import Catalogue, CatalogueError
from paradiplomacy.ledger.taxonomy import Taxonomy

Y = 2021


def _regions() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "code": ["R1", "R2", "R3"],
            "name_en": ["Region one", "Region two", "City three"],
            "type": ["oblast", "krai", "federal_city"],
            "federal_district": ["central", "northwestern", "central"],
            "population_2021": [480, 210, 1000],
            "coastal": [False, True, False],
            "land_borders": ["DE|CN", "", ""],
            "sea_borders": ["", "DE", ""],
            "kin_states": ["", "", "CN"],
            "arctic_zone": [False, True, False],
        }
    )
    return frame.set_index("code", drop=False)


def _partners() -> pd.DataFrame:
    return pd.DataFrame(
        {"alpha2": ["CN", "DE"], "macro_region": ["asia_pacific", "europe"]}
    ).set_index("alpha2", drop=False)


def _records() -> pd.DataFrame:
    rows = [
        ("R1", "agreement", "DE", 2021, "active", 1.0, 1.0, "s1"),
        ("R1", "agreement", "DE", 2020, "active", 0.5, 1.0, "s2"),
        ("R1", "agreement", "CN", 2019, "active", 1.0, 1.0, "s1"),
        ("R1", "agreement", "CN", 2018, "active", 1.0, 1.0, "s3"),
        ("R1", "agreement", "DE", 2021, "terminated", 1.0, 1.0, "s4"),
        ("R1", "agreement", "CN", 2022, "active", 1.0, 1.0, "s5"),
        ("R1", "trade", "DE", 2021, "active", 0.8, 100.0, "customs"),
        ("R1", "trade", "CN", 2020, "active", 1.0, 50.0, "customs"),
        ("R1", "cultural_event", "CN", 2021, "planned", 1.0, 1.0, "s6"),
        ("R2", "twinning", "DE", 2021, "active", 1.0, 1.0, "s7"),
        ("R2", "official_visit", "CN", 2021, "suspended", 0.9, 1.0, "s8"),
    ]
    columns = [
        "region", "instrument", "partner_country", "year", "status", "confidence", "magnitude",
        "source",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["uid"] = [f"u{i}" for i in range(1, len(rows) + 1)]
    return frame


def _statistics() -> pd.DataFrame:
    rows = [
        ("R1", 2021, "population", 500.0, "rosstat"),
        ("R1", 2019, "population", 490.0, "rosstat"),
        ("R2", 2019, "population", 200.0, "rosstat"),
        ("R1", 2021, "grp", 260.0, "rosstat-grp"),
        ("R1", 2021, "foreign_students", 30.0, "minobr"),
        ("R1", 2020, "foreign_students", 25.0, "minobr"),
        ("R2", 2020, "foreign_students", 20.0, "minobr"),
        ("R3", 2022, "foreign_students", 99.0, "minobr"),  # after Y: never used
    ]
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "source"])


STATISTICS = {
    "population": {"unit": "thousand persons"},
    "grp": {"unit": "billion RUB"},
    "foreign_students": {"unit": "persons"},
}


def _ind(code: str, **spec) -> dict:
    base = {"code": code, "name_en": code, "name_ru": code, "unit": "u", "description": "test"}
    return {**base, "kind": "ledger", **spec}


def _catalogue(*indicators: dict) -> Catalogue:
    return Catalogue.from_mapping({"statistics": STATISTICS, "indicators": list(indicators)})


def _compute(*indicators: dict, scope_codes=None) -> pd.DataFrame:
    return compute_indicators(
        _records(),
        _statistics(),
        _regions(),
        _partners(),
        Taxonomy.load(),
        Y,
        _catalogue(*indicators),
        scope_codes=scope_codes,
    )


def test_count_window_status_and_confidence():
    out = _compute(
        _ind("agr", instruments=["agreement"]),
        _ind("agr_plain", instruments=["agreement"], confidence_weighted=False),
        _ind("agr_all_status", instruments=["agreement"], confidence_weighted=False,
             exclude_statuses=[]),
        _ind("agr_5y", instruments=["agreement"], confidence_weighted=False, window=5),
        _ind("agr_1y", instruments=["agreement"], confidence_weighted=False, window=1),
    )  # fmt: skip
    assert list(out.index) == ["R1", "R2", "R3"]
    # #1, #2, #3 in 2019-2021: confidence 1.0 + 0.5 + 1.0 = 2.5 (#4 too old, #5 terminated,
    # #6 after Y); regions without records get 0, not NaN.
    assert out["agr"].tolist() == [2.5, 0.0, 0.0]
    assert out["agr_plain"].tolist() == [3.0, 0.0, 0.0]
    # Without the status filter the terminated #5 counts: 4.
    assert out.at["R1", "agr_all_status"] == 4.0
    # A 5-year window (2017-2021) reaches #4: 4; a 1-year window only 2021: #1.
    assert out.at["R1", "agr_5y"] == 4.0
    assert out.at["R1", "agr_1y"] == 1.0
    assert out.dtypes.eq(float).all()


def test_half_life_discount():
    out = _compute(_ind("agr_hl", instruments=["agreement"], half_life=1.0))
    # 1.0 * 0.5**0 + 0.5 * 0.5**1 + 1.0 * 0.5**2 = 1 + 0.25 + 0.25
    assert out.at["R1", "agr_hl"] == pytest.approx(1.5)
    out = _compute(_ind("agr_hl", instruments=["agreement"], half_life=2.0))
    # 1 + 0.5 * 0.5**0.5 + 0.5**1
    assert out.at["R1", "agr_hl"] == pytest.approx(1 + 0.5 * 2**-0.5 + 0.5)


def test_sum_of_magnitudes():
    out = _compute(
        _ind("trade", instruments=["trade"], measure="sum_magnitude"),
        _ind("trade_plain", instruments=["trade"], measure="sum_magnitude",
             confidence_weighted=False),
    )  # fmt: skip
    assert out.at["R1", "trade"] == pytest.approx(0.8 * 100 + 1.0 * 50)  # 130
    assert out.at["R1", "trade_plain"] == 150.0
    assert out.at["R2", "trade"] == 0.0


def test_distinct_partners_and_macro_regions():
    out = _compute(
        _ind("partners_all", measure="distinct_partners"),
        _ind("partners_plain", measure="distinct_partners", confidence_weighted=False),
        _ind("state_macro", nature="state", measure="distinct_macro_regions"),
        _ind("agr_partners", instruments=["agreement"], measure="distinct_partners",
             half_life=1.0),
    )  # fmt: skip
    # R1 (active or suspended, 2019-2021): DE via #1 (1.0), #2 (0.5), #7 (0.8) -> max 1.0;
    # CN via #3 (1.0), #8 (1.0) -> 1.0. Sum 2.0. R2: DE 1.0 (#10), CN 0.9 (#11): 1.9.
    assert out["partners_all"].tolist() == pytest.approx([2.0, 1.9, 0.0])
    assert out["partners_plain"].tolist() == [2.0, 2.0, 0.0]
    # State-like instruments: R1 agreements with DE (europe) and CN (asia_pacific): 2; R2 only
    # the official visit to CN (confidence 0.9): 0.9 (twinning is non-state).
    assert out["state_macro"].tolist() == pytest.approx([2.0, 0.9, 0.0])
    # Each partner counts by its heaviest record: DE max(1.0 * 1, 0.5 * 0.5) = 1,
    # CN 1.0 * 0.5**2 = 0.25.
    assert out.at["R1", "agr_partners"] == pytest.approx(1.25)


def test_instrument_and_partner_filters():
    out = _compute(
        _ind("economic", channels=["economic"], confidence_weighted=False),
        _ind("agr_cn", instruments=["agreement"], partners=["CN"], confidence_weighted=False),
        _ind("europe", macro_regions=["europe"], confidence_weighted=False),
        _ind("state_political", channels=["political"], nature="state",
             confidence_weighted=False),
    )  # fmt: skip
    assert out["economic"].tolist() == [2.0, 0.0, 0.0]  # #7, #8
    assert out["agr_cn"].tolist() == [1.0, 0.0, 0.0]  # #3
    assert out["europe"].tolist() == [3.0, 1.0, 0.0]  # #1, #2, #7; #10
    assert out["state_political"].tolist() == [3.0, 1.0, 0.0]  # #1-#3; #11


def test_per_capita_and_per_grp():
    out = _compute(
        _ind("trade_pc", instruments=["trade"], measure="sum_magnitude", per="capita"),
        _ind("all_pc", confidence_weighted=False, per="capita"),
        _ind("trade_grp", instruments=["trade"], measure="sum_magnitude", per="grp"),
    )
    # Population in thousands: R1 the 2021 statistic 500; R2 the latest up to 2021 (2019: 200);
    # R3 none, so the registry's population_2021 (1000).
    assert out.at["R1", "trade_pc"] == pytest.approx(130 / 500)
    assert out.at["R2", "all_pc"] == pytest.approx(2 / 200)  # #10, #11
    assert out.at["R3", "all_pc"] == 0.0  # 0 / 1000
    assert out.at["R1", "trade_grp"] == pytest.approx(130 / 260)
    # No GRP for R2 and R3: the per-GRP value is missing, not 0.
    assert np.isnan(out.at["R2", "trade_grp"]) and np.isnan(out.at["R3", "trade_grp"])


def test_statistic_latest_offset_and_missing():
    stat = {"kind": "statistic", "statistic": "foreign_students"}
    out = _compute(
        {**_ind("students"), **stat},
        {**_ind("students_strict"), **stat, "max_age": 0},
        {**_ind("students_lag"), **stat, "year_offset": -1},
        {**_ind("students_exact"), **stat, "latest": False},
        {**_ind("students_pc"), **stat, "per": "capita"},
    )
    assert out.at["R1", "students"] == 30.0
    assert out.at["R2", "students"] == 20.0  # latest up to 2021 is 2020
    assert np.isnan(out.at["R3", "students"])  # only a 2022 value: truly missing
    assert np.isnan(out.at["R2", "students_strict"])  # max_age 0: only 2021
    assert out.at["R1", "students_lag"] == 25.0  # 2020
    assert np.isnan(out.at["R2", "students_exact"])  # latest: false and no 2021 value
    assert out.at["R1", "students_pc"] == pytest.approx(30 / 500)


def test_structural_facts():
    kinds = [
        "land_border_countries", "sea_border_countries", "kin_states", "arctic_zone", "coastal",
        "federal_city",
    ]  # fmt: skip
    out = _compute(*({**_ind(k), "kind": "structural", "structural": k} for k in kinds))
    assert out["land_border_countries"].tolist() == [2.0, 0.0, 0.0]  # DE|CN
    assert out["sea_border_countries"].tolist() == [0.0, 1.0, 0.0]
    assert out["kin_states"].tolist() == [0.0, 0.0, 1.0]
    assert out["arctic_zone"].tolist() == [0.0, 1.0, 0.0]
    assert out["coastal"].tolist() == [0.0, 1.0, 0.0]
    assert out["federal_city"].tolist() == [0.0, 0.0, 1.0]


def test_scope_codes_keep_registry_order_and_only_change_rows():
    full = _compute(_ind("agr", instruments=["agreement"]))
    part = _compute(_ind("agr", instruments=["agreement"]), scope_codes=["R3", "R1"])
    assert list(part.index) == ["R1", "R3"]
    assert part["agr"].tolist() == full.loc[["R1", "R3"], "agr"].tolist()
    with pytest.raises(ValueError, match="R9"):
        _compute(_ind("agr", instruments=["agreement"]), scope_codes=["R9"])


def test_attrs_say_where_the_data_come_from():
    out = _compute(_ind("agr", instruments=["agreement"]))
    assert out.attrs["year"] == Y
    assert out.attrs["data_origin"] == "real"
    synthetic = _records().assign(source="synthetic:1.0")
    assert data_origin(synthetic, None) == "synthetic"
    assert data_origin(synthetic, _statistics()) == "mixed (synthetic and real)"
    assert data_origin(synthetic.iloc[:0], None) == "none"


def test_denominators():
    dens = denominators(_statistics(), _regions(), Y)
    assert dens["Population"].tolist() == [500.0, 200.0, 1000.0]
    assert dens["population_source"].tolist() == [
        "rosstat", "rosstat", "registry:population_2021",
    ]  # fmt: skip
    assert dens.at["R1", "GRP"] == 260.0 and np.isnan(dens.at["R2", "GRP"])


def test_provenance_and_evidence():
    cat = _catalogue(
        _ind("agr", instruments=["agreement"]),
        _ind("trade_pc", instruments=["trade"], measure="sum_magnitude", per="capita"),
        {**_ind("students"), "kind": "statistic", "statistic": "foreign_students"},
        {**_ind("border"), "kind": "structural", "structural": "land_border_countries"},
    )
    prov = provenance(
        _records(), _statistics(), _regions(), _partners(), Taxonomy.load(), Y, cat
    ).set_index(["region", "indicator"])
    row = prov.loc[("R1", "agr")]
    assert row["records"] == 3 and row["weight"] == pytest.approx(2.5)
    assert (row["first_year"], row["last_year"]) == (2019, 2021)
    assert row["sources"] == "s1 | s2"  # #1 and #3 cite s1, #2 s2
    assert prov.loc[("R2", "agr"), "records"] == 0 and prov.loc[("R2", "agr"), "sources"] == ""
    assert prov.loc[("R1", "trade_pc"), "sources"] == "customs | rosstat"  # + population
    assert prov.loc[("R3", "trade_pc"), "sources"] == "registry:population_2021"
    assert prov.loc[("R2", "students"), "last_year"] == 2020
    assert prov.loc[("R2", "students"), "sources"] == "minobr"
    assert prov.loc[("R3", "students"), "records"] == 0
    assert prov.loc[("R1", "border"), "sources"] == "registry:land_borders"

    ev = evidence(_records(), _regions(), _partners(), Taxonomy.load(), Y, cat["agr"], region="R1")
    assert ev["uid"].tolist() == ["u1", "u3", "u2"]  # heaviest first
    assert ev["weight"].tolist() == [1.0, 1.0, 0.5]


def test_indicator_tables_describe_both_hierarchies():
    cat = _catalogue(
        _ind("agr", instruments=["agreement"]),
        _ind("trade", instruments=["trade"], measure="sum_magnitude", direction=1),
        _ind("partners", measure="distinct_partners"),
    )
    values = compute_indicators(
        _records(), _statistics(), _regions(), _partners(), Taxonomy.load(), Y, cat
    )
    first = {
        "level_names": ["Indicator", "Index"],
        "index": [{"code": "A", "children": [{"code": "agr", "weight": 2}, {"code": "trade"}]}],
        "unit_columns": [{"code": "District_group", "type": "Group"}],
    }
    second = {"index": [{"code": "B", "children": [{"code": "partners"}]}]}
    dens = denominators(_statistics(), _regions(), Y)
    idata, imeta = indicator_tables(values, _regions(), cat, [first, second], dens)
    assert idata.columns.tolist() == [
        "uCode", "uName", "Time", "District_group", "Type_group", "Population", "GRP",
        "Data_origin", "agr", "trade", "partners",
    ]  # fmt: skip
    assert idata["uCode"].tolist() == ["R1", "R2", "R3"]
    assert idata["Population"].tolist() == [500.0, 200.0, 1000.0]
    assert set(idata["Time"]) == {Y} and set(idata["Data_origin"]) == {"real"}
    meta = imeta.set_index("iCode")
    assert meta.loc["agr", "Weight"] == 2.0 and meta.loc["agr", "Parent"] == "A"
    assert meta.loc["agr", "Type"] == "Indicator" and meta.loc["agr", "Level"] == 1
    assert meta.loc["A", "Type"] == "Aggregate" and meta.loc["A", "Level"] == 2
    assert meta.loc["B", "Level"] == 2
    assert meta.loc["Population", "Type"] == "Denominator"
    assert meta.loc["District_group", "Type"] == "Group"

    with pytest.raises(CatalogueError, match="already used"):
        indicator_tables(values, _regions(), cat, [first, first])
    bad = {"index": [{"code": "C", "children": [{"code": "nope"}]}]}
    with pytest.raises(CatalogueError, match=r"hierarchies\[0\]: index\[0\].children\[0\].code"):
        indicator_tables(values, _regions(), cat, [bad])


def test_fast_on_demo_sized_data():
    rng = np.random.default_rng(0)
    n = 50_000
    tax = Taxonomy.load()
    records = pd.DataFrame(
        {
            "region": rng.choice(["R1", "R2", "R3"], n),
            "instrument": rng.choice(list(tax.instruments), n),
            "partner_country": rng.choice(["CN", "DE"], n),
            "year": rng.integers(2012, 2025, n),
            "status": rng.choice(["active", "terminated", "planned", "suspended"], n),
            "confidence": rng.uniform(0.5, 1, n),
            "magnitude": rng.uniform(0, 10, n),
            "source": "synthetic:1.0",
        }
    )
    cat = Catalogue.load()
    start = time.perf_counter()
    compute_indicators(records, _statistics(), _regions(), _partners(), tax, Y, cat)
    assert time.perf_counter() - start < 1.0


def test_event_indicators_from_gdelt_events():
    events = pd.DataFrame(
        {
            "region": ["R1", "R1", "R1", "R2", "R1"],
            "partner": ["DE", "CN", "DE", "DE", "DE"],
            "date": [f"{Y}-03-01", f"{Y}-04-01", f"{Y}-05-01", f"{Y}-06-01", f"{Y - 1}-06-01"],
            "quad_class": [1, 4, 2, 3, 1],
            "goldstein": [3.0, -9.0, 6.0, -2.0, 10.0],
            "avg_tone": [1.0, -5.0, 2.0, 0.0, 9.0],
        }
    )
    catalogue = _catalogue(
        *(
            {**_ind(code), "kind": "events", "event": code}
            for code in ("evt_events", "evt_partners", "evt_coop_share", "evt_goldstein")
        )
    )
    args = (_records(), _statistics(), _regions(), _partners(), Taxonomy.load(), Y, catalogue)
    out = compute_indicators(*args, events=events)
    # R1 in year Y: three events (the one of Y-1 is out), partners DE and CN; cooperative
    # (QuadClass 1-2): 2 of 3; mean Goldstein (3 - 9 + 6)/3 = 0.
    assert out.loc["R1"].tolist() == [3.0, 2.0, 2 / 3, 0.0]
    # R2: one conflictual event with DE; R3: no events (counts 0, means missing).
    assert out.loc["R2"].tolist() == [1.0, 1.0, 0.0, -2.0]
    assert out.loc["R3", "evt_events"] == 0.0 and np.isnan(out.loc["R3", "evt_goldstein"])
    # Without events (none fetched) the indicators are missing, not zero.
    assert compute_indicators(*args).isna().all().all()
