"""The profile by hand for three real regions (and one without activity)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from paradiplomacy.assess.profile import ProfileConfig, profile, structural_types
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry import PartnerRegistry, RegionRegistry

# (region, partner, instrument, year, status); instruments' nature from the default taxonomy:
# agreement, official_visit, representation_abroad are state; the others non-state.
ROWS = [
    # St Petersburg: 4 counted records, 3 state-like; partners FI, DE (Europe), CN (Asia-Pacific).
    ("RU-SPE", "FI", "agreement", 2024, "active"),
    ("RU-SPE", "DE", "official_visit", 2021, "active"),
    ("RU-SPE", "FI", "representation_abroad", 2020, "suspended"),
    ("RU-SPE", "CN", "twinning", 2022, "active"),
    ("RU-SPE", "US", "agreement", 2019, "active"),  # before the window 2020-2024
    ("RU-SPE", "US", "agreement", 2025, "active"),  # after the assessment year
    ("RU-SPE", "JP", "agreement", 2023, "planned"),  # status not counted
    ("RU-SPE", "EG", "agreement", 2023, "terminated"),  # status not counted
    # Kaliningrad: 5 records, 1 state-like; PL, DE Europe; CN; KZ Eurasia/CIS; EG MENA.
    ("RU-KGD", "PL", "twinning", 2023, "active"),
    ("RU-KGD", "DE", "cultural_event", 2023, "active"),
    ("RU-KGD", "CN", "agreement", 2022, "active"),
    ("RU-KGD", "KZ", "education", 2021, "active"),
    ("RU-KGD", "EG", "tourism", 2020, "active"),
    # Tatarstan: 4 records, 2 state-like; TR (Europe in the partner registry) and KZ.
    ("RU-TA", "TR", "agreement", 2024, "active"),
    ("RU-TA", "TR", "twinning", 2024, "active"),
    ("RU-TA", "KZ", "official_visit", 2023, "active"),
    ("RU-TA", "KZ", "cultural_event", 2022, "active"),
    # A region outside the frame is ignored.
    ("RU-NEN", "NO", "agreement", 2024, "active"),
]


@pytest.fixture(scope="module")
def inputs():
    records = pd.DataFrame(ROWS, columns=["region", "partner_country", "instrument", "year",
                                          "status"])  # fmt: skip
    regions = RegionRegistry.load().to_frame()
    regions = regions[regions["code"].isin(["RU-SPE", "RU-KGD", "RU-TA", "RU-MOW"])]
    return records, regions, PartnerRegistry.load(), Taxonomy.load()


def test_profile_by_hand(inputs):
    records, regions, partners, taxonomy = inputs
    p = profile(records, regions, partners, taxonomy, 2024, ProfileConfig()).set_index("code")
    assert list(p.index) == list(regions["code"])

    spe = p.loc["RU-SPE"]
    assert spe["n_records"] == 4
    assert spe["state_share"] == 3 / 4 and spe["balance"] == "institutional"  # 0.75 > 0.6
    assert spe["share_europe"] == 3 / 4 and spe["share_asia_pacific"] == 1 / 4
    assert spe["hhi"] == pytest.approx(0.75**2 + 0.25**2)  # 0.625 >= 0.5
    assert spe["orientation"] == "focused on Europe" and spe["dominant_macro_region"] == "europe"
    assert spe["n_partner_countries"] == 3 and spe["n_macro_regions"] == 2
    assert spe["structural_type"] == "coastal|federal_city"

    kgd = p.loc["RU-KGD"]
    assert kgd["state_share"] == 1 / 5 and kgd["balance"] == "societal"  # 0.2 < 0.4
    shares = kgd[["share_europe", "share_eurasia_cis", "share_asia_pacific", "share_mena",
                  "share_americas", "share_sub_saharan_africa"]]  # fmt: skip
    np.testing.assert_allclose(shares.to_numpy(float), [0.4, 0.2, 0.2, 0.2, 0, 0])
    assert kgd["hhi"] == pytest.approx(0.4**2 + 3 * 0.2**2)  # 0.28 < 0.5
    assert kgd["orientation"] == "diversified" and kgd["dominant_macro_region"] == "europe"
    assert kgd["n_partner_countries"] == 5 and kgd["n_macro_regions"] == 4
    assert kgd["structural_type"] == "border|coastal"

    ta = p.loc["RU-TA"]
    assert ta["state_share"] == 0.5 and ta["balance"] == "balanced"
    # Europe 0.5, Eurasia/CIS 0.5: HHI 0.5 reaches the threshold; the tie goes to the first
    # macro-region in MACRO_REGIONS order (Europe).
    assert ta["hhi"] == pytest.approx(0.5)
    assert ta["orientation"] == "focused on Europe"
    assert ta["structural_type"] == "kin_state_republic"

    mow = p.loc["RU-MOW"]
    assert mow["n_records"] == 0 and np.isnan(mow["state_share"]) and mow["balance"] == "none"
    assert np.isnan(mow["hhi"]) and mow["orientation"] == "no recorded activity"
    assert mow["dominant_macro_region"] == "" and mow["share_europe"] == 0
    assert mow["n_partner_countries"] == 0 and mow["n_macro_regions"] == 0
    assert mow["structural_type"] == "federal_city"


def test_options_change_the_profile(inputs):
    records, regions, partners, taxonomy = inputs
    cfg = ProfileConfig(shares_of="partner_countries", statuses=("active",), window_years=3)
    p = profile(records, regions, partners, taxonomy, 2024, cfg).set_index("code")
    # Window 2022-2024, active only: St Petersburg keeps FI agreement and CN twinning.
    spe = p.loc["RU-SPE"]
    assert spe["n_records"] == 2 and spe["state_share"] == 0.5
    # Kaliningrad's partner countries in 2022-2024: PL, DE (Europe), CN: shares 2/3, 1/3.
    kgd = p.loc["RU-KGD"]
    assert kgd["share_europe"] == pytest.approx(2 / 3)
    assert kgd["hhi"] == pytest.approx(4 / 9 + 1 / 9)  # 0.556: focused
    assert kgd["orientation"] == "focused on Europe"
    # Tatarstan by partner countries: TR and KZ, 1/2 each (two TR records count once).
    assert p.loc["RU-TA", "share_eurasia_cis"] == 0.5


def test_border_by_sea_is_configurable():
    regions = RegionRegistry.load().to_frame()
    sak = regions[regions["code"] == "RU-SAK"]  # a sea border with Japan, no land border
    assert structural_types(sak).iloc[0] == "border|coastal"
    assert structural_types(sak, border_includes_sea=False).iloc[0] == "coastal"


def test_profile_config_is_checked():
    with pytest.raises(ValidationError, match="must not exceed"):
        ProfileConfig(institutional_above=0.3, societal_below=0.4)
    with pytest.raises(ValidationError):
        ProfileConfig(statuses=("cancelled",))
    with pytest.raises(ValidationError):
        ProfileConfig(window=3)
