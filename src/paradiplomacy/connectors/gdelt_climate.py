"""Monthly relations climate between the home country and each partner, from GDELT events.

**Climate.** For partner ``c`` and month ``m``, the climate is the mean Goldstein scale of the
stored events with ``c`` (events in the home country's regions, one per event and partner)
dated in ``m``::

    climate(c, m) = sum_e w_e * G_e / sum_e w_e,

with ``w_e = 1`` (``weight: none``, the default) or ``w_e = NumMentions_e`` (``weight:
mentions``). Months with fewer than ``min_events`` events get no suggestion.

**Suggested crisis level** (0 normal, 1 tension, 2 sanctions or partial freeze, 3 rupture; the
levels of :mod:`paradiplomacy.assess.scenarios`): with thresholds ``t1 > t2 > t3`` from
``data/gdelt.yaml``, the level is 3 when ``climate < t3``, else 2 when ``climate < t2``, else 1
when ``climate < t1``, else 0. :func:`suggested_level` pools the events of the last
``window_months`` months (the same formula over the pooled events).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..resources import data_path

CLIMATE_COLUMNS = ("partner", "month", "events", "climate", "level")


class ClimateConfig(BaseModel):
    """The thresholds of ``data/gdelt.yaml`` (validated)."""

    model_config = ConfigDict(extra="forbid")

    version: str = "default"
    weight: Literal["none", "mentions"] = "none"
    min_events: int = Field(5, ge=1)
    window_months: int = Field(3, ge=1)
    levels: dict[int, float]

    @model_validator(mode="after")
    def _ordered(self) -> ClimateConfig:
        if set(self.levels) != {1, 2, 3}:
            raise ValueError(
                f"levels: expected thresholds for levels 1, 2 and 3, got {sorted(self.levels)}"
            )
        t = self.levels
        if not (t[1] > t[2] > t[3]):
            raise ValueError(
                "levels: expected thresholds falling with the level (1 > 2 > 3), got "
                f"{t[1]}, {t[2]}, {t[3]}"
            )
        if not all(-10.0 <= v <= 10.0 for v in t.values()):
            raise ValueError("levels: thresholds are on the Goldstein scale, -10 .. 10")
        return self

    @classmethod
    def load(cls, path: str | Path | None = None) -> ClimateConfig:
        """The configuration in ``path``, or the shipped ``data/gdelt.yaml``."""
        file = Path(path) if path else data_path("gdelt.yaml")
        with open(file, encoding="utf-8") as handle:
            return cls.model_validate(yaml.safe_load(handle) or {})

    def level_of(self, climate: np.ndarray) -> np.ndarray:
        """Crisis level per climate value (vectorised; NaN stays NaN)."""
        c = np.asarray(climate, dtype=float)
        level = np.select(
            [c < self.levels[3], c < self.levels[2], c < self.levels[1]], [3.0, 2.0, 1.0], 0.0
        )
        return np.where(np.isnan(c), np.nan, level)


def _weighted(events: pd.DataFrame, config: ClimateConfig) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "partner": events["partner"].astype(str),
            "date": pd.to_datetime(events["date"]),
            "g": events["goldstein"].astype(float),
            "w": events["num_mentions"].astype(float) if config.weight == "mentions" else 1.0,
        }
    )
    frame["wg"] = frame["w"] * frame["g"]
    return frame


def monthly_climate(events: pd.DataFrame, config: ClimateConfig | None = None) -> pd.DataFrame:
    """Per partner and month: events, climate (mean Goldstein) and suggested level.

    ``events`` has at least ``partner``, ``date``, ``goldstein`` (and ``num_mentions`` for
    ``weight: mentions``), e.g. :func:`paradiplomacy.ledger.events.query_events`. ``month`` is
    ``YYYY-MM``; ``level`` is empty (NA) for months with fewer than ``min_events`` events.
    """
    config = config or ClimateConfig.load()
    if len(events) == 0:
        return pd.DataFrame({c: [] for c in CLIMATE_COLUMNS})
    frame = _weighted(events, config)
    frame["month"] = frame["date"].dt.strftime("%Y-%m")
    grouped = frame.groupby(["partner", "month"], sort=True).agg(
        events=("g", "size"), wg=("wg", "sum"), w=("w", "sum")
    )
    out = grouped.reset_index()
    out["climate"] = out["wg"] / out["w"]
    level = config.level_of(out["climate"].to_numpy())
    level[out["events"].to_numpy() < config.min_events] = np.nan
    out["level"] = pd.array(np.where(np.isnan(level), pd.NA, level), dtype="Int64")
    return out.loc[:, list(CLIMATE_COLUMNS)]


def suggested_level(
    events: pd.DataFrame,
    partner: str,
    config: ClimateConfig | None = None,
    until: pd.Timestamp | str | None = None,
) -> tuple[int | None, float | None, int]:
    """The suggested crisis level with ``partner`` (alpha-2) over the last ``window_months``
    months up to ``until`` (default: the month of the latest event with the partner).

    Returns ``(level, climate, events)``; level and climate are None with fewer than
    ``min_events`` events in the window.
    """
    config = config or ClimateConfig.load()
    chosen = events[events["partner"].astype(str) == partner]
    if len(chosen) == 0:
        return None, None, 0
    frame = _weighted(chosen, config)
    last = pd.Timestamp(until) if until is not None else frame["date"].max()
    end = last.to_period("M")
    start = end - (config.window_months - 1)
    months = frame["date"].dt.to_period("M")
    window = frame[(months >= start) & (months <= end)]
    n = len(window)
    if n < config.min_events:
        return None, None, n
    climate = float(window["wg"].sum() / window["w"].sum())
    return int(config.level_of(np.array([climate]))[0]), climate, n


__all__ = ["CLIMATE_COLUMNS", "ClimateConfig", "monthly_climate", "suggested_level"]
