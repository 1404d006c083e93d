"""Event indicators from GDELT events: per region, partner and year, and per region for a year.

From the events table (one row per event and partner, :mod:`paradiplomacy.ledger.events`), for
region ``r``, partner ``c`` and year ``y``, with ``E(r, c, y)`` the events dated in ``y``:

- ``events`` = ``|E|``; ``quad1`` .. ``quad4`` = events with QuadClass 1 (verbal cooperation),
  2 (material cooperation), 3 (verbal conflict), 4 (material conflict);
- ``mean_goldstein`` = mean of GoldsteinScale over ``E`` (-10 .. +10);
- ``mean_tone`` = mean of AvgTone over ``E``.

:func:`region_event_indicators` gives the catalogue's shape (one value per region for year ``y``,
codes :data:`REGION_CODES`): events, distinct partner countries, cooperative share
``(quad1 + quad2) / events``, mean Goldstein and mean tone over all the region's events of ``y``
(regions without events: 0 for counts, NaN for means and the share).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

PAIR_COLUMNS = (
    "region",
    "partner",
    "year",
    "events",
    "quad1",
    "quad2",
    "quad3",
    "quad4",
    "mean_goldstein",
    "mean_tone",
)

REGION_CODES: dict[str, str] = {
    "evt_events": "GDELT events in the region with foreign partners (event-partner rows)",
    "evt_partners": "Distinct partner countries of the region's GDELT events",
    "evt_coop_share": "Share of cooperative events (QuadClass 1 or 2)",
    "evt_goldstein": "Mean Goldstein scale of the region's events",
    "evt_tone": "Mean tone of the region's events",
}
"""Per-region indicator codes (COINr codes) and their meaning."""


def _prepared(events: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": events["region"].astype(str).to_numpy(),
            "partner": events["partner"].astype(str).to_numpy(),
            "year": pd.to_datetime(events["date"]).dt.year.to_numpy(),
            "quad": pd.to_numeric(events["quad_class"]).to_numpy(),
            "goldstein": pd.to_numeric(events["goldstein"]).to_numpy(float),
            "tone": pd.to_numeric(events["avg_tone"]).to_numpy(float),
        }
    )


def event_indicators(events: pd.DataFrame) -> pd.DataFrame:
    """Per region, partner and year: counts by QuadClass, mean Goldstein, mean tone
    (:data:`PAIR_COLUMNS`, sorted by region, partner and year)."""
    if len(events) == 0:
        return pd.DataFrame({c: [] for c in PAIR_COLUMNS})
    frame = _prepared(events)
    for q in (1, 2, 3, 4):
        frame[f"quad{q}"] = (frame["quad"] == q).astype(np.int64)
    out = (
        frame.groupby(["region", "partner", "year"], sort=True)
        .agg(
            events=("quad", "size"),
            quad1=("quad1", "sum"),
            quad2=("quad2", "sum"),
            quad3=("quad3", "sum"),
            quad4=("quad4", "sum"),
            mean_goldstein=("goldstein", "mean"),
            mean_tone=("tone", "mean"),
        )
        .reset_index()
    )
    return out.loc[:, list(PAIR_COLUMNS)]


def region_event_indicators(
    events: pd.DataFrame, year: int, regions: Sequence[str]
) -> pd.DataFrame:
    """One row per region of ``regions`` (in that order) for ``year``, columns
    :data:`REGION_CODES`, ready to join the catalogue's region-by-indicator table."""
    index = pd.Index(list(regions), name="region")
    out = pd.DataFrame(index=index, columns=list(REGION_CODES), dtype=float)
    out["evt_events"] = 0.0
    out["evt_partners"] = 0.0
    if len(events):
        frame = _prepared(events)
        frame = frame[frame["year"] == year]
        frame["coop"] = frame["quad"].isin([1, 2]).astype(float)
        grouped = frame.groupby("region").agg(
            evt_events=("quad", "size"),
            evt_partners=("partner", "nunique"),
            evt_coop_share=("coop", "mean"),
            evt_goldstein=("goldstein", "mean"),
            evt_tone=("tone", "mean"),
        )
        grouped = grouped[grouped.index.isin(index)]
        out.loc[grouped.index, list(REGION_CODES)] = grouped[list(REGION_CODES)].astype(float)
    return out


__all__ = ["PAIR_COLUMNS", "REGION_CODES", "event_indicators", "region_event_indicators"]
