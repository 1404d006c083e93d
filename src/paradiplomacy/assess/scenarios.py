"""Crisis scenarios and normalisation capacity (MODEL.md section 7).

A :class:`Scenario` names a partner ``c``, a crisis level ``L`` (0 normal, 1 tension,
2 sanctions or partial freeze, 3 rupture of official contacts), optional availability overrides
at that level, closed instruments and, for a replay, a date. The channel-availability table
``A[L, k]`` in [0, 1] is :class:`AvailabilityTable` (default ``data/scenarios/availability.yaml``;
non-increasing in the level).

**Normalisation capacity** of region ``r`` towards ``c`` under framework ``f``::

    NC_f(r, c, L) = sum_k A[L, k] * B'(r, c, k) * w_f,k

``B'`` are the channel strengths of :class:`~paradiplomacy.assess.channels.ChannelTable` with the
scenario's instruments closed (same scaling constants, so ``B' <= B``), ``w_f`` the framework's
channel weights (:meth:`FrameworkConfig.channel_weights`, summing 1), so ``NC`` is in [0, 1].
A region's **capacity** is ``NC`` of its recommended framework (from the suitability table when
given, else the framework with the larger ``NC``), the larger of the two when ``both``. Closing
an instrument, setting a channel's availability to 0 or raising the level (with the monotone
default table) never raises any region's capacity.

**Country totals**: total = ``sum_r capacity(r)``; resilience = total at the scenario /
total at level 0 with nothing closed; redundancy = ``1 / sum_r s_r**2`` with
``s_r = capacity(r) / total`` (the effective number of regions carrying the capacity).

**Uncertainty** (:func:`p_top`): in each of ``N`` seeded runs the availability row is multiplied
by ``1 + U(-a, a)`` (clipped to [0, 1]; a closed channel stays closed), each framework's channel
weights by ``1 + U(-b, b)`` (renormalised), and, when suitability runs are given (from the
indices' uncertainty runs, :func:`paradiplomacy.assess.frameworks.suitability_runs`), the
recommended framework is re-chosen per run. ``p_top(r)`` is the share of runs in which ``r``
has positive capacity and fewer than ``k`` regions have a strictly larger one.

**Replay** (:func:`replay`): capacity from the ledger as of the day before the scenario's date
beside the activity recorded in ``[date, date + replay_years]`` with the same partner (evidence
by channel without age discount, same status, confidence and closed instruments), summed as
``observed(r) = sum over channels with A[L, k] > 0 of log1p(activity(r, c, k))``, and their
Spearman rank correlation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from paradiplomacy.assess import engine
from paradiplomacy.assess.channels import (
    DAYS_PER_YEAR,
    AssessConfigError,
    ChannelConfig,
    ChannelTable,
    channel_strengths,
    cube_spec,
    load_config,
)
from paradiplomacy.assess.frameworks import FrameworkConfig
from paradiplomacy.ledger.aggregates import CubeSpec
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.resources import data_path

LEVELS: tuple[int, ...] = (0, 1, 2, 3)
AVAILABILITY_FILE: str = "availability.yaml"


class AvailabilityTable(BaseModel):
    """Channel availability A[level, channel]; levels 0..3, values in [0, 1], each channel
    non-increasing in the level, level 0 all 1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: dict[int, str] = Field(
        default_factory=lambda: {
            0: "normal",
            1: "tension",
            2: "sanctions or partial freeze",
            3: "rupture of official contacts",
        }
    )
    availability: dict[int, dict[str, float]]

    @model_validator(mode="after")
    def _check(self) -> AvailabilityTable:
        if set(self.availability) != set(LEVELS):
            raise ValueError(f"availability: expected the levels {list(LEVELS)}")
        channels = set(self.availability[0])
        for level in LEVELS:
            row = self.availability[level]
            if set(row) != channels:
                raise ValueError(f"availability.{level}: expected the channels {sorted(channels)}")
            for k, v in row.items():
                if not 0 <= v <= 1:
                    raise ValueError(f"availability.{level}.{k}: expected a value in [0, 1]")
        if any(v != 1 for v in self.availability[0].values()):
            raise ValueError("availability.0: level 0 (normal) must be 1 for every channel")
        for level in LEVELS[1:]:
            for k in channels:
                if self.availability[level][k] > self.availability[level - 1][k]:
                    raise ValueError(
                        f"availability.{level}.{k}: expected at most the value at level "
                        f"{level - 1} ({self.availability[level - 1][k]}): availability "
                        "must not rise with the crisis level"
                    )
        return self

    @classmethod
    def load(cls, path: str | Path | None = None) -> AvailabilityTable:
        """Load an availability table; without ``path``, the default shipped in the package."""
        return load_config(cls, path, data_path("scenarios", AVAILABILITY_FILE))

    def array(self, channels: tuple[str, ...]) -> np.ndarray:
        """(4, K) array in the order of ``channels``."""
        missing = set(channels) - set(self.availability[0])
        if missing:
            raise AssessConfigError(
                f"availability table: key 'availability': missing channels {sorted(missing)}"
            )
        return np.array([[self.availability[lv][k] for k in channels] for lv in LEVELS])


class Scenario(BaseModel):
    """A crisis scenario with one partner country (MODEL.md section 7)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    partner: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    level: int = Field(ge=0, le=3)
    availability: dict[str, float] = Field(
        default_factory=dict, description="overrides of A[level, channel] at this level"
    )
    closed_instruments: list[str] = Field(default_factory=list)
    date: dt.date | None = Field(None, description="crisis date for replay")
    replay_years: float = Field(2.0, gt=0, description="years after the date for replay")
    description: str = ""

    @field_validator("availability")
    @classmethod
    def _range(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not 0 <= x <= 1:
                raise ValueError(f"{k}: expected a value in [0, 1]")
        return v

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Load a scenario YAML file; :class:`AssessConfigError` names file and key."""
        return load_config(cls, path, Path(path))

    @classmethod
    def shipped(cls, name: str) -> Scenario:
        """A scenario shipped in ``data/scenarios`` by file stem (see :func:`shipped_scenarios`)."""
        files = shipped_scenarios()
        if name not in files:
            raise KeyError(f"unknown scenario {name!r}; shipped: {sorted(files)}")
        return cls.load(files[name])

    def availability_row(
        self, table: AvailabilityTable, channels: tuple[str, ...], level: int | None = None
    ) -> np.ndarray:
        """A[level, :] (the scenario's level by default); the overrides apply at its level."""
        lv = self.level if level is None else level
        row = table.array(channels)[lv].copy()
        if lv == self.level:
            for k, v in self.availability.items():
                if k not in channels:
                    raise AssessConfigError(
                        f"scenario {self.name!r}: key 'availability': unknown channel {k!r}; "
                        f"expected one of {list(channels)}"
                    )
                row[channels.index(k)] = v
        return row


def shipped_scenarios() -> dict[str, Path]:
    """Scenario files shipped in ``data/scenarios`` (file stem -> path), without the table."""
    folder = data_path("scenarios")
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.name != AVAILABILITY_FILE}


# --- capacity -----------------------------------------------------------------------------


def _chosen(table: ChannelTable, suitability: pd.DataFrame | None):
    """Recommended framework per region: from the suitability table, else (a function of NC)
    the larger NC."""
    if suitability is not None:
        rec = suitability.set_index("region")["recommended"].reindex(table.regions)
        if rec.isna().any():
            missing = list(rec.index[rec.isna()][:5])
            raise ValueError(f"suitability lacks regions of the table, e.g. {missing}")
        return rec.to_numpy(dtype=object)

    def larger(nc: np.ndarray) -> np.ndarray:
        return np.where(
            nc[0] > nc[1],
            "culture_image",
            np.where(nc[1] > nc[0], "political_plus", np.where(nc[0] > 0, "both", "none")),
        ).astype(object)

    return larger


def _capacity_arrays(
    table: ChannelTable,
    scenario: Scenario,
    framework_config: FrameworkConfig,
    suitability: pd.DataFrame | None,
    availability: AvailabilityTable,
    level: int | None = None,
    closed: tuple[str, ...] | None = None,
) -> engine.CapacityArrays:
    """NC (F, R), contributions, chosen framework, capacity (R,) and A row (K,) of a scenario."""
    closed = tuple(scenario.closed_instruments) if closed is None else closed
    arrays = engine.ChannelArrays.of(table)
    raw = arrays.raw(closed, scenario.partner)
    a = scenario.availability_row(availability, table.channels, level)
    w = framework_config.channel_weights(table.channels)
    return engine.capacity_from(raw, arrays.scale(raw), a, w, _chosen(table, suitability))


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 = largest; ties share the best rank."""
    return engine.ranks_descending(values)


def capacity_frame(
    regions: np.ndarray,
    names: np.ndarray,
    channels: tuple[str, ...],
    arrays: engine.CapacityArrays,
    p_top: np.ndarray | None,
    records: np.ndarray,
    p_top_column: str = "p_top",
    region_column: str = "region",
) -> pd.DataFrame:
    """The capacity table (see :func:`capacity`) from the scenario's arrays, sorted."""
    data: dict[str, Any] = {
        region_column: regions,
        "name_en": names,
        "capacity": arrays.capacity,
        "rank": arrays.rank,
        "framework": arrays.chosen,
        "nc_culture_image": arrays.nc[0],
        "nc_political_plus": arrays.nc[1],
    }
    for j, k in enumerate(channels):
        data[f"contrib_{k}"] = arrays.contributions[:, j]
    if p_top is not None:
        data[p_top_column] = p_top
    data["records"] = records
    order = np.lexsort((np.asarray(regions, dtype=str), -arrays.capacity))
    frame = pd.DataFrame(data)
    return frame.take(order).reset_index(drop=True)


def capacity(
    table: ChannelTable,
    scenario: Scenario,
    framework_config: FrameworkConfig | None = None,
    suitability: pd.DataFrame | None = None,
    *,
    availability: AvailabilityTable | None = None,
    p_top: pd.Series | None = None,
    n_records: int = 3,
) -> pd.DataFrame:
    """Regions ranked by normalisation capacity towards the scenario's partner.

    Columns: region, name_en, capacity (0..1), rank (1 = largest), framework (the recommended
    one: culture_image, political_plus, both, or none without capacity), nc_culture_image,
    nc_political_plus, ``contrib_<channel>`` (A * B' * w of the framework used; they sum to
    capacity), p_top (when given), records (the ``n_records`` uids contributing most, ``;``
    joined). ``attrs``: synthetic, scenario, partner, level.
    """
    framework_config = framework_config or FrameworkConfig.load()
    availability = availability or AvailabilityTable.load()
    arrays = _capacity_arrays(table, scenario, framework_config, suitability, availability)
    named = _records_behind(table, scenario, arrays.availability, framework_config,
                            arrays.used, n_records)  # fmt: skip
    frame = capacity_frame(
        table.regions.to_numpy(),
        table.region_names.reindex(table.regions).to_numpy(),
        table.channels,
        arrays,
        None if p_top is None else p_top.reindex(table.regions).to_numpy(),
        named,
    )
    frame.attrs.update(
        synthetic=table.synthetic,
        scenario=scenario.name,
        partner=scenario.partner,
        level=scenario.level,
    )
    return frame


def partner_record_index(
    table: ChannelTable, partner: str | None = None, n: int = engine.N_RECORDS
) -> dict[int, np.ndarray]:
    """:func:`paradiplomacy.assess.engine.record_index` of the table's contributions (of one
    ``partner``, or all), keyed by partner position. The contributions are read from the
    ledger by key, only the ``n`` heaviest of each region, partner, instrument and status
    (:meth:`~paradiplomacy.assess.channels.ChannelTable.contributions`)."""
    rec = table.contributions(partner=partner, top=n)

    def positions(column: str, axis: pd.Index) -> np.ndarray:
        codes, uniques = pd.factorize(rec[column], use_na_sentinel=True)
        where = axis.get_indexer(uniques)
        return np.where(codes >= 0, where[np.maximum(codes, 0)], -1)

    ri = positions("region", table.regions)
    ci = positions("partner_country", table.partners)
    ii = positions("instrument", pd.Index(table.instruments))
    ok = (ri >= 0) & (ci >= 0) & (ii >= 0)
    rows = np.flatnonzero(ok)
    uid = rec["uid"]

    def uids(chosen: np.ndarray) -> np.ndarray:  # only the chosen few are converted
        return uid.iloc[rows[chosen]].to_numpy(dtype=str)

    return engine.record_index(
        uids,
        ri[ok],
        ci[ok],
        ii[ok],
        rec["weight"].to_numpy(dtype=float)[ok],
        len(table.partners),
        n,
    )


def _records_behind(
    table: ChannelTable,
    scenario: Scenario,
    a: np.ndarray,
    framework_config: FrameworkConfig,
    used: np.ndarray,
    n: int,
) -> np.ndarray:
    """The ``n`` records with the largest weighted contribution, per region, ``;``-joined."""
    index = partner_record_index(table, scenario.partner, n).get(
        table.partner_index(scenario.partner)
    )
    closed = np.array([i in set(scenario.closed_instruments) for i in table.instruments])
    w = framework_config.channel_weights(table.channels)
    return engine.records_behind(
        index, closed, table.instrument_channel, a, w, used, len(table.regions), n
    )


def p_top(
    table: ChannelTable,
    scenario: Scenario,
    framework_config: FrameworkConfig | None = None,
    suitability_runs: np.ndarray | None = None,
    *,
    k: int = 10,
    n_runs: int = 1000,
    availability_noise: float = 0.1,
    weight_noise: float = 0.25,
    seed: int = 1,
    availability: AvailabilityTable | None = None,
) -> pd.Series:
    """Probability (0..1) of each region being in the top ``k`` by capacity under uncertainty
    (see the module docstring); ``suitability_runs`` is (F, R, N) from
    :func:`~paradiplomacy.assess.frameworks.suitability_runs` (then ``N`` runs). Same seed,
    same result."""
    framework_config = framework_config or FrameworkConfig.load()
    availability = availability or AvailabilityTable.load()
    if not 0 <= availability_noise <= 1 or not 0 <= weight_noise <= 1:
        raise ValueError("availability_noise and weight_noise must be in [0, 1]")
    if k < 1:
        raise ValueError("k must be >= 1")
    b = table.strengths(tuple(scenario.closed_instruments), partner=scenario.partner)
    a = scenario.availability_row(availability, table.channels)
    w = framework_config.channel_weights(table.channels)
    top = engine.p_top_arrays(
        b,
        a,
        w,
        suitability_runs,
        framework_config.margin,
        k=k,
        n_runs=n_runs,
        availability_noise=availability_noise,
        weight_noise=weight_noise,
        seed=seed,
    )
    return pd.Series(top, index=table.regions, name=f"p_top{k}")


def country_totals(
    table: ChannelTable,
    scenario: Scenario,
    framework_config: FrameworkConfig | None = None,
    suitability: pd.DataFrame | None = None,
    *,
    availability: AvailabilityTable | None = None,
) -> dict:
    """Total capacity, resilience (total / total at level 0 with nothing closed; None when
    that is 0) and redundancy (1 / sum of squared shares; 0 without capacity), with the
    scenario, the number of regions with capacity and ``synthetic``."""
    framework_config = framework_config or FrameworkConfig.load()
    availability = availability or AvailabilityTable.load()
    cap = _capacity_arrays(table, scenario, framework_config, suitability, availability).capacity
    cap0 = _capacity_arrays(
        table, scenario, framework_config, suitability, availability, level=0, closed=()
    ).capacity
    return scenario_totals(scenario.name, scenario.partner, scenario.level, cap, cap0,
                           table.synthetic)  # fmt: skip


def scenario_totals(
    name: str, partner: str, level: int, cap: np.ndarray, cap0: np.ndarray, synthetic: bool
) -> dict[str, Any]:
    """The country totals dict of :func:`country_totals`."""
    return {
        "scenario": name,
        "partner": partner,
        "level": level,
        **engine.totals(cap, cap0),
        "synthetic": synthetic,
    }


def replay(
    records: pd.DataFrame | Callable[[CubeSpec], pd.DataFrame],
    regions: pd.DataFrame,
    partners: pd.DataFrame,
    taxonomy: Taxonomy,
    scenario: Scenario,
    config: ChannelConfig | None = None,
    framework_config: FrameworkConfig | None = None,
    suitability: pd.DataFrame | None = None,
    *,
    availability: AvailabilityTable | None = None,
    records_of: Callable[..., pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, float]:
    """Capacity from the ledger before ``scenario.date`` beside activity recorded after it.

    Returns the frame (region, name_en, capacity, rank, framework, observed, observed_rank,
    ``after_<channel>`` activity in event-equivalents) and the Spearman rank correlation of
    capacity and observed (NaN when either is constant). ``records``: current records, or a
    function that returns their record cube for a :class:`CubeSpec` (e.g.
    ``functools.partial(record_cube, store)``: the database aggregates the ledger), and then
    ``records_of`` reads the records behind the capacity (:class:`ChannelTable`).
    """
    if scenario.date is None:
        raise AssessConfigError(f"scenario {scenario.name!r}: key 'date': replay needs a date")
    config = config if config is not None else ChannelConfig.load()
    availability = availability or AvailabilityTable.load()

    def evidence(as_of: dt.date, cfg: ChannelConfig) -> ChannelTable:
        if not callable(records):
            return channel_strengths(records, regions, partners, taxonomy, as_of, cfg)
        cube = records(cube_spec(as_of, cfg, list(taxonomy.instruments)))
        return channel_strengths(
            cube, regions, partners, taxonomy, as_of, cfg, records_of=records_of
        )

    before = evidence(scenario.date - dt.timedelta(days=1), config)
    cap = capacity(before, scenario, framework_config, suitability, availability=availability)
    days = round(scenario.replay_years * DAYS_PER_YEAR)
    end = scenario.date + dt.timedelta(days=days)
    after_config = config.model_copy(
        update={"half_life": float("inf"), "window": (days + 0.5) / DAYS_PER_YEAR, "structural": {}}
    )
    after = evidence(end, after_config)
    activity = after.raw(tuple(scenario.closed_instruments), partner=scenario.partner)
    a = scenario.availability_row(availability, before.channels)
    observed = np.log1p(activity) @ (a > 0).astype(float)
    obs = pd.DataFrame(
        activity, index=after.regions, columns=[f"after_{k}" for k in after.channels]
    )
    obs["observed"] = observed
    frame = cap[["region", "name_en", "capacity", "rank", "framework"]].join(obs, on="region")
    frame["observed_rank"] = _ranks(frame["observed"].to_numpy())
    if frame["capacity"].nunique() < 2 or frame["observed"].nunique() < 2:
        rho = float("nan")
    else:
        from scipy.stats import spearmanr

        rho = float(spearmanr(frame["capacity"], frame["observed"]).statistic)
    frame.attrs.update(cap.attrs, replay_date=scenario.date.isoformat(), replay_end=end.isoformat())
    return frame, rho
