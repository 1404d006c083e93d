"""Summaries of the ledger by region, instrument, partner and year.

These are descriptive counts of current records (superseded records excluded), the first look at
a ledger before any index is built.
"""

from __future__ import annotations

import pandas as pd

from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry import PartnerRegistry, RegionRegistry


def data_origin(records: pd.DataFrame) -> str:
    """``synthetic``, ``real`` or ``mixed (synthetic and real)``, judged from the sources."""
    flags = records["source"].astype(str).str.startswith("synthetic:")
    if len(flags) and flags.all():
        return "synthetic"
    return "mixed (synthetic and real)" if flags.any() else "real"


def summarise(
    records: pd.DataFrame,
    regions: RegionRegistry,
    partners: PartnerRegistry,
    taxonomy: Taxonomy,
    scope: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Tables ``by_region``, ``by_instrument``, ``by_partner`` and ``by_year``.

    Counts are numbers of records; ``state_share`` is the share of records whose instrument is
    of state nature (MODEL.md section 4, instrument balance); ``partners`` counts distinct
    partner countries.
    """
    origin = data_origin(records) if len(records) else "none"
    reg = regions.to_frame(scope)
    recs = records[records["region"].isin(reg.index)].copy()
    nature = {k: v.nature for k, v in taxonomy.instruments.items()}
    channel = {k: v.channel for k, v in taxonomy.instruments.items()}
    recs["state"] = recs["instrument"].map(nature).eq("state")
    recs["macro_region"] = recs["partner_country"].map(partners.to_frame()["macro_region"])

    grouped = recs.groupby("region")
    by_region = pd.DataFrame(
        {
            "records": grouped.size(),
            "partners": grouped["partner_country"].nunique(),
            "instruments": grouped["instrument"].nunique(),
            "state_share": grouped["state"].mean().round(3),
            "first_year": grouped["year"].min(),
            "last_year": grouped["year"].max(),
        }
    )
    by_region = (
        reg[["code", "name_en", "name_ru"]]
        .reset_index(drop=True)
        .merge(by_region, left_on="code", right_index=True, how="left")
        .fillna({"records": 0, "partners": 0, "instruments": 0})
        .astype(
            {
                "records": int,
                "partners": int,
                "instruments": int,
                "first_year": "Int64",
                "last_year": "Int64",
            }
        )
        .sort_values(["records", "code"], ascending=[False, True])
        .reset_index(drop=True)
    )

    grouped = recs.groupby("instrument")
    by_instrument = pd.DataFrame(
        {
            "records": grouped.size(),
            "regions": grouped["region"].nunique(),
            "partners": grouped["partner_country"].nunique(),
        }
    ).reindex(list(taxonomy.instruments), fill_value=0)
    by_instrument.insert(0, "nature", by_instrument.index.map(nature))
    by_instrument.insert(1, "channel", by_instrument.index.map(channel))
    by_instrument = by_instrument.rename_axis("instrument").reset_index()

    grouped = recs.groupby("partner_country")
    by_partner = pd.DataFrame(
        {
            "records": grouped.size(),
            "regions": grouped["region"].nunique(),
            "first_year": grouped["year"].min(),
            "last_year": grouped["year"].max(),
        }
    )
    table = partners.to_frame()
    by_partner.insert(0, "name_en", table["name_en"].reindex(by_partner.index))
    by_partner.insert(1, "name_ru", table["name_ru"].reindex(by_partner.index))
    by_partner.insert(2, "macro_region", table["macro_region"].reindex(by_partner.index))
    by_partner = (
        by_partner.rename_axis("partner_country")
        .reset_index()
        .sort_values(["records", "partner_country"], ascending=[False, True])
        .reset_index(drop=True)
    )

    by_year = (
        recs.pivot_table(
            index="year", columns="macro_region", values="region", aggfunc="size", fill_value=0
        )
        .rename_axis(columns=None)
        .reset_index()
    )
    by_year.insert(1, "all", by_year.drop(columns="year").sum(axis=1))

    tables = {
        "by_region": by_region,
        "by_instrument": by_instrument,
        "by_partner": by_partner,
        "by_year": by_year,
    }
    for frame in tables.values():
        frame.insert(0, "data_origin", origin)
    return tables
