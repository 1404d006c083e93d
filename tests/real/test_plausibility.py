"""Plausibility of the shipped real starter ledger to a regional specialist.

Each expectation rests on a fact stated in its docstring (geography from the region registry,
or public knowledge about the posts), and is checked on the ledger's own records through
:func:`paradiplomacy.assess.channels.channel_strengths` (its record evidence, without the
registry's structural border ties, so that the borders cannot make the result by themselves).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.assess.channels import ChannelTable, channel_strengths
from paradiplomacy.ledger.store import Store

AS_OF = dt.date(2026, 3, 1)
"""After both snapshot dates (2022-11-16 and 2026-02-08), so that every record is live."""


@pytest.fixture(scope="module")
def table(real_store: Store) -> ChannelTable:
    return channel_strengths(
        real_store.records(),
        real_store.regions.to_frame(),
        real_store.partners.to_frame(),
        real_store.taxonomy,
        AS_OF,
    )


@pytest.fixture(scope="module")
def regions(real_store: Store) -> pd.DataFrame:
    return real_store.regions.to_frame()


def evidence(table: ChannelTable) -> np.ndarray:
    """(regions, partners) record evidence, event-equivalents, summed over channels."""
    return table.channel_evidence().sum(axis=2)


def borders(regions: pd.DataFrame, table: ChannelTable, partner: str) -> np.ndarray:
    frame = regions.loc[table.regions]
    return (
        frame["land_borders"].str.split("|").map(lambda c: partner in c)
        | frame["sea_borders"].str.split("|").map(lambda c: partner in c)
    ).to_numpy()


def share(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].sum() / values.sum())


def test_china_ties_concentrate_in_the_far_east_and_siberia(table, regions) -> None:
    """The Far Eastern and Siberian federal districts hold Russia's border with China (Amur,
    Jewish AO, Khabarovsk, Primorsky, Zabaykalsky; the Altai Republic) and its Chinese trade:
    their share of the ties with China is at least twice their share of all ties."""
    ev = evidence(table)
    east = (
        regions.loc[table.regions, "federal_district"].isin(["far_eastern", "siberian"]).to_numpy()
    )
    china = ev[:, table.partner_index("CN")]
    assert share(china, east) >= 2 * share(ev.sum(axis=1), east)


def test_regions_on_the_chinese_border_have_ties_with_china(table, regions) -> None:
    """Five of the six regions on the Chinese border (all but the Altai Republic, whose border
    is some 55 km of high mountains) are twinned with Chinese cities or host China's
    consulate-general (Vladivostok)."""
    china = evidence(table)[:, table.partner_index("CN")]
    border = borders(regions, table, "CN")
    assert border.sum() == 6
    assert (china[border] > 0).sum() >= 5


def test_primorsky_and_saint_petersburg_lead_toward_china(table) -> None:
    """Vladivostok hosts China's consulate-general and Primorsky's towns are twinned with
    Harbin, Dalian and other cities of China's north-east; Saint Petersburg, the federal city,
    has partner cities such as Shanghai and Qingdao: both are among the four regions with the
    most evidence of ties with China."""
    china = evidence(table)[:, table.partner_index("CN")]
    top = set(table.regions[np.argsort(-china, kind="stable")[:4]])
    assert {"RU-PRI", "RU-SPE"} <= top


def test_kazakhstan_ties_concentrate_on_its_border(table, regions) -> None:
    """Twelve regions border Kazakhstan (Russia's longest land border): their share of the ties
    with Kazakhstan is at least three times their share of all ties."""
    ev = evidence(table)
    border = borders(regions, table, "KZ")
    assert border.sum() == 12
    kazakhstan = ev[:, table.partner_index("KZ")]
    assert share(kazakhstan, border) >= 3 * share(ev.sum(axis=1), border)


def test_finland_ties_lead_in_the_regions_on_its_border(table, regions) -> None:
    """Finland borders Leningrad Oblast, Karelia and Murmansk Oblast: the two regions with the
    most ties to Finland are on that border."""
    finland = evidence(table)[:, table.partner_index("FI")]
    border = borders(regions, table, "FI")
    top = np.argsort(-finland, kind="stable")[:2]
    assert border[top].all()


def test_buryatia_leads_toward_mongolia(table, regions) -> None:
    """Buryatia borders Mongolia and its titular people speak a Mongolic language (the registry
    lists Mongolia as its kin state): no region has more ties with Mongolia."""
    assert "MN" in regions.loc["RU-BU", "kin_states"].split("|")
    mongolia = evidence(table)[:, table.partner_index("MN")]
    assert mongolia[table.region_index("RU-BU")] == mongolia.max() > 0


def consular(real_store: Store) -> pd.DataFrame:
    records = real_store.records(instrument="consulate_hosted")
    return records


def test_china_consulates_general_are_in_their_real_cities(real_store: Store) -> None:
    """China's consulates-general in Russia are in Saint Petersburg, Yekaterinburg, Kazan,
    Irkutsk, Khabarovsk and Vladivostok; this Wikidata extract lists Vladivostok's only."""
    china = consular(real_store).query("partner_country == 'CN'")
    assert len(china) >= 1
    assert set(china["region"]) <= {"RU-SPE", "RU-SVE", "RU-TA", "RU-IRK", "RU-KHA", "RU-PRI"}
    assert (
        china["partner_name"].str.contains("Vladivostok") == (china["region"] == "RU-PRI")
    ).all()


def test_japan_consulates_general_are_in_their_real_cities(real_store: Store) -> None:
    """Japan's consulates-general in Russia are in Saint Petersburg, Vladivostok, Khabarovsk
    and Yuzhno-Sakhalinsk (Sakhalin Oblast)."""
    japan = consular(real_store).query("partner_country == 'JP'")
    assert set(japan["region"]) == {"RU-SPE", "RU-PRI", "RU-KHA", "RU-SAK"}


def test_saint_petersburg_hosts_most_consulates_and_moscow_only_embassies(
    real_store: Store,
) -> None:
    """Saint Petersburg is Russia's consular capital (most foreign consulates-general outside
    Moscow, where states keep embassies, not consulates). The embassies are a statistic apart,
    not consular presence: Moscow has no consulate_hosted record."""
    posts = consular(real_store)["region"].value_counts()
    assert posts.idxmax() == "RU-SPE" and posts["RU-SPE"] > posts.drop("RU-SPE").max()
    assert "RU-MOW" not in posts.index
    embassies = real_store.statistics(indicator="foreign_embassies")
    assert embassies["region"].tolist() == ["RU-MOW"] and embassies["value"].iat[0] >= 140
