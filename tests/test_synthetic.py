"""Tests of the synthetic (invented) demo-data generator, paradiplomacy.synthetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.ledger.taxonomy import STATUSES, Taxonomy
from paradiplomacy.registry import PartnerRegistry, Region, RegionRegistry, RegistryFile
from paradiplomacy.resources import data_path
from paradiplomacy.synthetic import (
    DEFAULT_SHOCK_PARTNERS,
    GENERATOR_VERSION,
    RECORD_COLUMNS,
    SOURCE,
    STATISTIC_COLUMNS,
    STATISTIC_UNITS,
    SyntheticLedger,
    generate,
)
from paradiplomacy.synthetic import generator as synthetic

ANNUAL = {"trade", "investment", "education", "tourism"}


# --- fixtures -------------------------------------------------------------------------------


def _region(code: str, **kw: object) -> Region:
    fields: dict[str, object] = {
        "code": code,
        "name_en": code,
        "name_ru": code,
        "type": "oblast",
        "federal_district": "central",
        "capital": "Capital",
        "population_2021": 1000,
        "scopes": ["all-test"],
    }
    fields.update(kw)
    return Region(**fields)


def small_regions() -> RegionRegistry:
    regions = [
        _region("RU-MOW", iso_code="RU-MOW", type="federal_city", population_2021=13010),
        _region(
            "RU-TA",
            iso_code="RU-TA",
            type="republic",
            federal_district="volga",
            population_2021=4005,
            titular_groups=["Tatars"],
            kin_states=["TR", "KZ"],
        ),
        _region(
            "RU-PSK",
            iso_code="RU-PSK",
            federal_district="northwestern",
            population_2021=599,
            land_borders=["EE", "LV", "BY"],
        ),
        _region(
            "RU-MUR",
            iso_code="RU-MUR",
            federal_district="northwestern",
            population_2021=668,
            coastal=True,
            land_borders=["NO", "FI"],
            sea_borders=["NO"],
            arctic_zone=True,
        ),
        _region(
            "RU-PRI",
            iso_code="RU-PRI",
            type="krai",
            federal_district="far_eastern",
            population_2021=1845,
            coastal=True,
            land_borders=["CN", "KP"],
            sea_borders=["KP"],
        ),
        _region("RU-KOS", iso_code="RU-KOS", population_2021=581),
        _region(
            "RU-CR",
            type="republic",
            federal_district="southern",
            population_2021=1935,
            coastal=True,
            status="disputed",
        ),
        _region(
            "RU-ZAP",
            federal_district="southern",
            population_2021=None,
            land_borders=["UA"],
            status="disputed",
        ),
    ]
    spec = RegistryFile(
        country="RU",
        name_en="Test federation",
        version="test",
        sources=["written for the tests"],
        scopes={"all-test": {"description": "every test region", "default": True}},
        regions=regions,
    )
    return RegionRegistry(spec)


_PARTNERS = [
    ("RU", "RUS", "643", "Russia", "europe"),
    ("BY", "BLR", "112", "Belarus", "eurasia_cis"),
    ("CN", "CHN", "156", "China", "asia_pacific"),
    ("DE", "DEU", "276", "Germany", "europe"),
    ("EE", "EST", "233", "Estonia", "europe"),
    ("FI", "FIN", "246", "Finland", "europe"),
    ("FR", "FRA", "250", "France", "europe"),
    ("IN", "IND", "356", "India", "asia_pacific"),
    ("JP", "JPN", "392", "Japan", "asia_pacific"),
    ("KP", "PRK", "408", "North Korea", "asia_pacific"),
    ("KR", "KOR", "410", "South Korea", "asia_pacific"),
    ("KZ", "KAZ", "398", "Kazakhstan", "eurasia_cis"),
    ("LV", "LVA", "428", "Latvia", "europe"),
    ("NG", "NGA", "566", "Nigeria", "sub_saharan_africa"),
    ("NO", "NOR", "578", "Norway", "europe"),
    ("TR", "TUR", "792", "Turkey", "mena"),
    ("UA", "UKR", "804", "Ukraine", "eurasia_cis"),
    ("US", "USA", "840", "United States", "americas"),
    ("AQ", "ATA", "010", "Antarctica", "americas"),
]


def small_partners() -> PartnerRegistry:
    table = pd.DataFrame(
        [(a2, a3, num, name, name, macro, "") for a2, a3, num, name, macro in _PARTNERS],
        columns=["alpha2", "alpha3", "numeric", "name_en", "name_ru", "macro_region", "aliases"],
    )
    return PartnerRegistry(table)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


@pytest.fixture(scope="module")
def small(taxonomy: Taxonomy) -> tuple[RegionRegistry, PartnerRegistry, SyntheticLedger]:
    regions, partners = small_regions(), small_partners()
    return regions, partners, generate(regions, partners, taxonomy, target_records=5000)


def _real_registries() -> tuple[RegionRegistry, PartnerRegistry]:
    missing = [
        str(path)
        for path in (data_path("registries", "ru.yaml"), data_path("partners.csv"))
        if not path.exists()
    ]
    if missing:
        pytest.skip(f"real registry data files not written yet: {', '.join(missing)}")
    return RegionRegistry.load(), PartnerRegistry.load()


@pytest.fixture(scope="module")
def real(taxonomy: Taxonomy) -> tuple[RegionRegistry, PartnerRegistry, SyntheticLedger]:
    regions, partners = _real_registries()
    return regions, partners, generate(regions, partners, taxonomy, seed=42)


# --- helpers --------------------------------------------------------------------------------


def check_invariants(
    ledger: SyntheticLedger,
    regions: RegionRegistry,
    partners: PartnerRegistry,
    taxonomy: Taxonomy,
    start_year: int = 2012,
    end_year: int = 2024,
) -> None:
    rec = ledger.records
    assert list(rec.columns) == list(RECORD_COLUMNS)
    assert len(rec) > 0
    assert (rec["source"] == SOURCE).all()
    assert f"synthetic:{GENERATOR_VERSION}" == SOURCE
    assert not rec.duplicated().any()
    assert set(rec["region"]) <= {r.code for r in regions.regions("all")}
    assert set(rec["partner_country"]) <= set(partners.to_frame()["alpha2"])
    assert regions.country not in set(rec["partner_country"])
    assert set(rec["instrument"]) <= set(taxonomy.instruments)
    assert rec["year"].between(start_year, end_year).all()
    assert pd.api.types.is_integer_dtype(rec["year"])
    assert set(rec["status"]) <= set(STATUSES)
    assert (rec["magnitude"] >= 0).all() and np.isfinite(rec["magnitude"]).all()
    assert rec["confidence"].between(0.5, 1.0).all()
    assert not rec.isna().any().any()
    # dates: "" for annual instruments, a valid ISO date in the record's year for events
    annual = rec["instrument"].isin(ANNUAL)
    assert (rec.loc[annual, "date"] == "").all()
    events = rec.loc[~annual]
    parsed = pd.to_datetime(events["date"], format="%Y-%m-%d", errors="raise")
    assert (parsed.dt.year.to_numpy() == events["year"].to_numpy()).all()
    assert (events["unit"] == "count").all()
    assert (events["magnitude"] >= 1).all()
    assert set(rec.loc[rec["instrument"] == "trade", "unit"]) <= {"million USD"}
    assert set(rec.loc[rec["instrument"] == "education", "unit"]) <= {"students"}
    # statistics
    st = ledger.statistics
    assert list(st.columns) == list(STATISTIC_COLUMNS)
    assert not st.isna().any().any()
    assert (st["source"] == SOURCE).all()
    assert set(st["indicator"]) == set(STATISTIC_UNITS)
    assert (st["unit"] == st["indicator"].map(STATISTIC_UNITS)).all()
    assert (st["value"] >= 0).all() and np.isfinite(st["value"]).all()
    assert not st.duplicated(["region", "year", "indicator"]).any()
    assert st["year"].between(start_year, end_year).all()
    # every region-year with records has statistics
    rec_keys = set(zip(rec["region"], rec["year"], strict=True))
    stat_keys = set(zip(st["region"], st["year"], strict=True))
    assert rec_keys <= stat_keys


def per_year(rec: pd.DataFrame, mask: pd.Series, years: range) -> pd.Series:
    return rec[mask].groupby("year").size().reindex(years, fill_value=0)


# --- small registry (always runs) -----------------------------------------------------------


def test_small_invariants(small, taxonomy) -> None:
    regions, partners, ledger = small
    check_invariants(ledger, regions, partners, taxonomy)
    assert 4500 <= len(ledger.records) <= 5500
    assert "AQ" in set(partners.to_frame()["alpha2"])
    assert (ledger.records["partner_country"] == "AQ").sum() < 5  # tiny territory: near zero


def test_small_deterministic_and_seed_dependent(small, taxonomy) -> None:
    regions, partners, ledger = small
    again = generate(regions, partners, taxonomy, target_records=5000)
    pd.testing.assert_frame_equal(ledger.records, again.records)
    pd.testing.assert_frame_equal(ledger.statistics, again.statistics)
    assert ledger.params == again.params
    other = generate(regions, partners, taxonomy, target_records=5000, seed=7)
    assert other.seed == 7 and ledger.seed == 42
    assert not ledger.records.equals(other.records)
    assert not ledger.statistics.equals(other.statistics)


def test_small_registry_order_does_not_matter(small, taxonomy) -> None:
    regions, partners, ledger = small
    shuffled = RegionRegistry(
        regions.spec.model_copy(update={"regions": regions.regions("all")[::-1]})
    )
    again = generate(shuffled, partners, taxonomy, target_records=5000)
    pd.testing.assert_frame_equal(ledger.records, again.records)


@pytest.mark.parametrize("target", [800, 20_000])
def test_target_records_within_ten_percent(taxonomy, target: int) -> None:
    ledger = generate(small_regions(), small_partners(), taxonomy, target_records=target, seed=3)
    assert abs(len(ledger.records) - target) <= 0.1 * target


def test_year_range_and_params(taxonomy) -> None:
    ledger = generate(
        small_regions(),
        small_partners(),
        taxonomy,
        seed=5,
        start_year=2016,
        end_year=2020,
        target_records=3000,
        shock_year=2018,
        shock_partners=["CN", "DE"],
        shock_factor=0.1,
    )
    check_invariants(ledger, small_regions(), small_partners(), taxonomy, 2016, 2020)
    p = ledger.params
    assert p["seed"] == 5 and p["start_year"] == 2016 and p["end_year"] == 2020
    assert p["target_records"] == 3000 and p["shock_year"] == 2018
    assert p["shock_partners"] == ["CN", "DE"] and p["shock_factor"] == 0.1
    assert p["generator_version"] == GENERATOR_VERSION and p["source"] == SOURCE
    assert p["n_records"] == len(ledger.records)
    rec = ledger.records
    # planned only in the last year
    assert set(rec.loc[rec["status"] == "planned", "year"]) <= {2020}
    # shocked statuses only with shock partners from the shock year
    shocked = rec[rec["status"] == "suspended"]
    assert set(shocked["partner_country"]) <= {"CN", "DE"}
    assert (shocked["year"] >= 2018).all()


def test_explicit_shock_partners_and_factor(taxonomy) -> None:
    regions, partners = small_regions(), small_partners()
    ledger = generate(
        regions, partners, taxonomy, target_records=8000, shock_partners=["CN"], shock_factor=0.1
    )
    rec = ledger.records
    cn = per_year(rec, rec["partner_country"] == "CN", range(2012, 2025))
    assert cn.loc[2022:].max() < 0.4 * cn.loc[2017:2019].mean()
    # Germany is not shocked here
    de = per_year(rec, rec["partner_country"] == "DE", range(2012, 2025))
    assert de.loc[2022:].mean() > 0.7 * de.loc[2017:2019].mean()
    # no shock at all with a factor of 1
    flat = generate(regions, partners, taxonomy, target_records=8000, shock_factor=1.0).records
    west = per_year(flat, flat["partner_country"].isin(["DE", "FR", "US"]), range(2012, 2025))
    assert west.loc[2022:].mean() > 0.8 * west.loc[2017:2019].mean()


def test_invalid_arguments(taxonomy) -> None:
    regions, partners = small_regions(), small_partners()
    with pytest.raises(ValueError, match="shock partners"):
        generate(regions, partners, taxonomy, shock_partners=["XX"])
    with pytest.raises(ValueError, match="end_year"):
        generate(regions, partners, taxonomy, start_year=2020, end_year=2019)
    with pytest.raises(ValueError, match="target_records"):
        generate(regions, partners, taxonomy, target_records=0)
    with pytest.raises(ValueError, match="shock_factor"):
        generate(regions, partners, taxonomy, shock_factor=-1)


def test_small_disputed_regions(small) -> None:
    _, _, ledger = small
    rec, st = ledger.records, ledger.statistics
    assert rec.loc[rec["region"] == "RU-CR", "year"].min() >= 2014
    assert rec.loc[rec["region"] == "RU-ZAP", "year"].min() >= 2022
    assert st.loc[st["region"] == "RU-CR", "year"].min() == 2014
    assert st.loc[st["region"] == "RU-ZAP", "year"].min() == 2022
    disputed = rec[rec["region"].isin(["RU-CR", "RU-ZAP"])]
    western = disputed["partner_country"].isin(DEFAULT_SHOCK_PARTNERS)
    assert western.mean() < 0.05
    # RU-ZAP has no population: the documented fallback (median of known populations)
    pop = st[(st["indicator"] == "population") & (st["year"] == 2022)].set_index("region")
    assert pop.at["RU-ZAP", "value"] == pytest.approx(ledger.params["fallback_population"], rel=0.1)


def test_small_statistics_plausible(small) -> None:
    regions, _, ledger = small
    st = ledger.statistics
    pop = st[(st["indicator"] == "population") & (st["year"] == 2021)].set_index("region")["value"]
    for region in regions.regions("all"):
        if region.population_2021:
            assert pop[region.code] == pytest.approx(region.population_2021, rel=0.05)
    wide = st.pivot_table(index=["region", "year"], columns="indicator", values="value")
    grp_per_capita = wide["grp"] / wide["population"] * 1000  # thousand RUB per person
    assert grp_per_capita.between(50, 10_000).all()
    # trade statistics cover at least the ledger's trade records
    rec = ledger.records
    trade = rec[rec["instrument"] == "trade"].groupby(["region", "year"])["magnitude"].sum()
    assert (wide.loc[trade.index, "trade_turnover"] >= trade - 0.05).all()
    # Moscow is the largest
    assert wide.xs(2021, level="year")["grp"].idxmax() == "RU-MOW"


# --- real registries ------------------------------------------------------------------------


def test_real_invariants(real, taxonomy) -> None:
    regions, partners, ledger = real
    check_invariants(ledger, regions, partners, taxonomy)
    assert abs(len(ledger.records) - 50_000) <= 5_000
    # every recognised region takes part
    recognised = {r.code for r in regions.regions("all") if r.status != "disputed"}
    assert recognised <= set(ledger.records["region"])


def test_real_deterministic(real, taxonomy) -> None:
    # seed dependence is checked on the small registry (test_small_deterministic_...)
    regions, partners, ledger = real
    again = generate(regions, partners, taxonomy, seed=42)
    pd.testing.assert_frame_equal(ledger.records, again.records)
    pd.testing.assert_frame_equal(ledger.statistics, again.statistics)
    assert ledger.params == again.params


def test_real_shock(real) -> None:
    """(a) Shock partners fall below half their 2019-2021 mean; other partners do not."""
    _, _, ledger = real
    rec = ledger.records
    years = range(2012, 2025)
    shock = rec["partner_country"].isin(DEFAULT_SHOCK_PARTNERS)
    hit, rest = per_year(rec, shock, years), per_year(rec, ~shock, years)
    for year in range(2022, 2025):
        assert hit[year] < 0.5 * hit.loc[2019:2021].mean()
        assert rest[year] >= 0.5 * rest.loc[2019:2021].mean()
    assert rest[2023] > rest[2019]  # the pivot to other partners
    # a share of ties with shock partners is suspended or terminated after the shock
    after = rec[shock & (rec["year"] >= 2022) & ~rec["instrument"].isin(ANNUAL)]
    assert 0.2 < after["status"].isin(["suspended", "terminated"]).mean() < 0.7
    before = rec[rec["year"] < 2022]
    assert (before["status"] == "suspended").sum() == 0


def test_real_border_regions(real) -> None:
    """(b) Border regions have more records with their land neighbours than the average
    non-border region has with the same countries."""
    regions, _, ledger = real
    rec = ledger.records
    counts = rec.groupby(["region", "partner_country"]).size()
    recognised = [r for r in regions.regions("all") if r.status != "disputed"]
    inland = [r.code for r in recognised if not r.is_border]
    assert len(inland) > 20
    checked = passed = 0
    for region in recognised:
        if not region.land_borders:
            continue
        own = sum(counts.get((region.code, c), 0) for c in region.land_borders)
        others = np.mean(
            [sum(counts.get((code, c), 0) for c in region.land_borders) for code in inland]
        )
        checked += 1
        passed += own > others
    assert checked >= 20
    assert passed >= 0.9 * checked
    for code in ("RU-KR", "RU-PSK", "RU-ORE", "RU-AMU"):
        region = regions[code]
        own = sum(counts.get((code, c), 0) for c in region.land_borders)
        others = np.mean([sum(counts.get((o, c), 0) for c in region.land_borders) for o in inland])
        assert own > 1.5 * others, code


def test_real_federal_cities_lead(real) -> None:
    """(c) Moscow and St Petersburg are in the top 5 by record count."""
    regions, _, ledger = real
    top5 = ledger.records["region"].value_counts().sort_index().sort_values(ascending=False)
    top5 = set(top5.index[:5])
    leaders = {
        r.code
        for r in regions.regions("all")
        if r.type == "federal_city" and r.status != "disputed"
    }
    assert len(leaders) == 2
    assert leaders <= top5


def test_real_kin_states_give_diaspora(real) -> None:
    """(d) Kin-state ties produce diaspora records, more than other ties do."""
    regions, _, ledger = real
    rec = ledger.records
    kin_pairs = {
        (r.code, c) for r in regions.regions("all") if r.status != "disputed" for c in r.kin_states
    }
    assert len(kin_pairs) >= 10
    pair = pd.Series(list(zip(rec["region"], rec["partner_country"], strict=True)), index=rec.index)
    is_kin = pair.isin(kin_pairs)
    diaspora = rec["instrument"] == "diaspora"
    assert diaspora[is_kin].sum() > 0
    assert diaspora[is_kin].mean() > 3 * diaspora[~is_kin].mean()
    with_diaspora = set(pair[is_kin & diaspora])
    assert len(with_diaspora) >= 0.5 * len(kin_pairs)


def test_real_structural_ties(real) -> None:
    regions, _, ledger = real
    rec = ledger.records
    # Arctic regions: a larger share of activity with Arctic states than other regions
    arctic = {r.code for r in regions.regions("all") if r.arctic_zone}
    states = list(synthetic.ARCTIC_STATES)
    before = rec[rec["year"] < 2022]
    share = before["partner_country"].isin(states).groupby(before["region"].isin(arctic)).mean()
    assert share[True] > 1.3 * share[False]
    # coastal Far-Eastern regions: a larger share with China, Japan and Korea
    far_east = {
        r.code for r in regions.regions("all") if r.coastal and r.federal_district == "far_eastern"
    }
    assert far_east
    asia = before["partner_country"].isin(["CN", "JP", "KR"])
    share = asia.groupby(before["region"].isin(far_east)).mean()
    assert share[True] > 1.5 * share[False]
    # disputed regions: only from 2014 (Crimea, Sevastopol) or 2022, and few Western partners
    for region in regions.regions("all"):
        if region.status == "disputed":
            years = rec.loc[rec["region"] == region.code, "year"]
            first = 2014 if region.code in ("RU-CR", "RU-SEV") else 2022
            assert years.empty or years.min() >= first, region.code
    disputed = rec[rec["region"].isin(
        [r.code for r in regions.regions("all") if r.status == "disputed"]
    )]  # fmt: skip
    assert disputed["partner_country"].isin(DEFAULT_SHOCK_PARTNERS).mean() < 0.05


def test_real_statistics(real) -> None:
    regions, _, ledger = real
    st = ledger.statistics
    assert set(st["region"]) == {r.code for r in regions.regions("all")}
    wide = st.pivot_table(index=["region", "year"], columns="indicator", values="value")
    y2021 = wide.xs(2021, level="year")
    assert y2021["population"].sum() == pytest.approx(146_000, rel=0.1)
    assert y2021["grp"].idxmax() == "RU-MOW"
    assert "RU-MOW" in set(y2021["trade_turnover"].nlargest(3).index)
    # size-scaled: correlation of log population with log GRP is strong
    corr = np.corrcoef(np.log(y2021["population"]), np.log(y2021["grp"]))[0, 1]
    assert corr > 0.8
