"""The assessment of the shipped real starter ledger: it runs, says what it rests on, and its
scenarios are what a regional specialist would recognise (issue 11, parts 5 and 7).

The expectations are geography and well-known ties, not numbers of ours: the regions on a
country's border, and the federal cities, carry relations with it. Borders are those of the
region registry (``land_borders``/``sea_borders``, from the official lists of Russia's border
subjects).
"""

from __future__ import annotations

import json

import pytest

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.store import Store


@pytest.fixture(scope="module")
def real(real_store: Store) -> Assessment:
    return Assessment.from_store(real_store, runs=60)


def _top(real: Assessment, partner: str, n: int) -> list[str]:
    return list(real.scenario(partner, 0).capacity["code"].head(n))


def _bordering(real: Assessment, partner: str) -> set[str]:
    regions = real.regions
    text = regions["land_borders"].fillna("") + "|" + regions["sea_borders"].fillna("")
    return {code for code, t in text.items() if partner in t.split("|")}


def test_labels_say_real_and_incomplete(real):
    assert not real.synthetic and real.origin == "real"
    label = real.data_label()
    assert label.startswith("real public data, incomplete: 2 of 19 instruments covered")
    assert set(real.coverage.covered) == {"consulate_hosted", "twinning"}
    out = real.to_dict()
    json.dumps(out, allow_nan=False, default=str)
    assert out["synthetic"] is False and out["notice"] == ""
    assert (real.regions_table()["data"] == "real").all()


def test_two_instruments_are_not_enough_for_a_class(real):
    """Two instruments of nineteen carry about a tenth of the IAI's weight: no region is
    classed Leader or Low on so little; each is 'insufficient evidence' with its coverage."""
    table = real.regions_table()
    assert (table["evidence"] == "insufficient").all()
    assert table["coverage"].between(0.05, 0.2).all()
    assert table["iai"].notna().all()  # the score is still there, with its coverage
    used = real.coverage.indices["IAI"].used
    assert set(used) == {"pol_presence", "hum_twinning"}


def test_saint_petersburg_leads_the_iai_on_consulates_and_twin_towns(real):
    """Saint Petersburg hosts most foreign consulates-general in Russia (Moscow has the
    embassies, counted apart) and has the most twin towns."""
    assert real.regions_table()["code"].iloc[0] == "RU-SPE"


def test_toward_china_the_far_east_and_the_federal_cities_lead(real):
    top = _top(real, "CN", 10)
    border = _bordering(real, "CN")
    assert border >= {"RU-PRI", "RU-KHA", "RU-AMU", "RU-YEV", "RU-ZAB"}
    assert top[0] == "RU-PRI"  # Primorye: China's consulate-general in Vladivostok
    assert len(border.intersection(top)) >= 4
    assert "RU-SPE" in top


def test_toward_kazakhstan_its_border_regions_carry_the_ties(real):
    top = _top(real, "KZ", 5)
    border = _bordering(real, "KZ")
    assert {"RU-ORE", "RU-OMS", "RU-AST"} <= border
    assert len(border.intersection(top)) >= 3


def test_toward_finland_karelia_leningrad_oblast_and_saint_petersburg_lead(real):
    assert set(_top(real, "FI", 4)) >= {"RU-KR", "RU-LEN", "RU-SPE"}


def test_toward_japan_sakhalin_primorye_and_khabarovsk_lead(real):
    assert set(_top(real, "JP", 3)) == {"RU-SAK", "RU-PRI", "RU-KHA"}


def test_toward_mongolia_buryatia_leads(real):
    top = _top(real, "MN", 5)
    assert top[0] == "RU-BU"
    assert {"RU-TY", "RU-ZAB"} <= set(top)


def test_scenarios_name_what_they_cannot_see(real):
    summary = real.scenario("DE", 2).summary
    assert "economic" in summary["channels_not_covered"]
    assert "education" in summary["channels_without_evidence"]
    view = real.partner_view("KZ")
    assert view["economic"].isna().all()  # no trade records: no evidence, not zero
    assert view["humanitarian"].notna().all()
