"""The two frameworks of joint federal-regional action and their suitability (MODEL.md section 6).

For partner ``c`` and region ``r`` (configuration :class:`FrameworkConfig`, default
``data/assess/frameworks.yaml``; term weights ``a`` and channel weights ``w`` are normalised to
sum 1 within each framework)::

    culture_image(r)  = a_sppi * mm(SPPI)(r) + a_ch * sum_k w_ci,k B(r, c, k)
                        + a_ev * mm(log1p(sum_c' sum_{i in events} E(r, c', i)))(r)
    political_plus(r) = a_iai * mm(IAI_political)(r) + a_ch * sum_k w_pp,k B(r, c, k)
                        + a_res * resilience(r, c)

``mm`` is min-max scaling to [0, 1] across the regions of the table (a constant column gives
0; a missing score counts 0); ``B`` are the channel strengths and ``E`` the evidence of
:mod:`paradiplomacy.assess.channels` (section 5). Both suitabilities are in [0, 1]. The
recommended framework is the larger one, or ``both`` when they differ by at most ``margin``.

**Resilience** (ties that survived an earlier crisis): with ``d_c`` the crisis date of ``c``
(per partner, else the default), a *tie* is a (region, partner, instrument) with a live record
(``live`` in :mod:`paradiplomacy.ledger.aggregates`) of status ``active`` dated in
``[d_c - before_years, d_c)``; resilience is the share of those ties with an ``active`` record
in ``[d_c, d_c + after_years]`` (and on or before ``as_of``), 0 without ties before the crisis.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from paradiplomacy.assess.channels import (
    AssessConfigError,
    ChannelConfig,
    ChannelTable,
    cube_spec,
    load_config,
)
from paradiplomacy.assess.engine import (
    FRAMEWORKS,
    FrameworkArrays,
    minmax,
    recommend,
    term_weights,
)
from paradiplomacy.ledger.aggregates import cube_from_records
from paradiplomacy.resources import data_path

__all__ = [
    "FRAMEWORKS",
    "FrameworkConfig",
    "minmax",
    "recommend",
    "resilience",
    "suitability",
    "suitability_runs",
    "suitability_uncertainty",
]


def _non_negative(v: dict[str, float]) -> dict[str, float]:
    if any(x < 0 for x in v.values()):
        raise ValueError("weights must be >= 0")
    if sum(v.values()) <= 0:
        raise ValueError("weights must not all be 0")
    return v


class CultureWeights(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sppi: float = Field(0.4, ge=0)
    channels: float = Field(0.4, ge=0)
    events: float = Field(0.2, ge=0)


class PoliticalWeights(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    iai_political: float = Field(0.4, ge=0)
    channels: float = Field(0.4, ge=0)
    resilience: float = Field(0.2, ge=0)


class CultureImage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    weights: CultureWeights = Field(default_factory=CultureWeights)
    channels: dict[str, float] = Field(
        default_factory=lambda: {"humanitarian": 0.4, "education": 0.3, "image": 0.3}
    )
    event_instruments: list[str] = Field(default_factory=lambda: ["cultural_event"])

    @field_validator("channels")
    @classmethod
    def _check(cls, v: dict[str, float]) -> dict[str, float]:
        return _non_negative(v)


class PoliticalPlus(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    weights: PoliticalWeights = Field(default_factory=PoliticalWeights)
    channels: dict[str, float] = Field(default_factory=lambda: {"political": 0.7, "economic": 0.3})

    @field_validator("channels")
    @classmethod
    def _check(cls, v: dict[str, float]) -> dict[str, float]:
        return _non_negative(v)


class ResilienceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    default_crisis_date: dt.date = dt.date(2014, 3, 18)
    crisis_dates: dict[str, dt.date] = Field(default_factory=dict)
    before_years: float = Field(3.0, gt=0)
    after_years: float = Field(3.0, gt=0)
    instruments: list[str] | None = None


class FrameworkConfig(BaseModel):
    """Configuration of the two frameworks; defaults in ``data/assess/frameworks.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    culture_image: CultureImage = Field(default_factory=CultureImage)
    political_plus: PoliticalPlus = Field(default_factory=PoliticalPlus)
    margin: float = Field(0.05, ge=0, le=1)
    resilience: ResilienceConfig = Field(default_factory=ResilienceConfig)

    @classmethod
    def load(cls, path: str | Path | None = None) -> FrameworkConfig:
        """Load a framework configuration; without ``path``, the default in the package."""
        return load_config(cls, path, data_path("assess", "frameworks.yaml"))

    def channel_weights(self, channels: tuple[str, ...]) -> np.ndarray:
        """(F, K) channel weights of each framework (order :data:`FRAMEWORKS`), rows sum 1.

        Raises :class:`AssessConfigError` for a channel not in ``channels``.
        """
        out = np.zeros((len(FRAMEWORKS), len(channels)))
        for f, name in enumerate(FRAMEWORKS):
            spec = getattr(self, name).channels
            for k, v in spec.items():
                if k not in channels:
                    raise AssessConfigError(
                        f"framework configuration: key '{name}.channels': unknown channel "
                        f"{k!r}; expected one of {list(channels)}"
                    )
                out[f, channels.index(k)] = v
        return out / out.sum(axis=1, keepdims=True)


# --- helpers ------------------------------------------------------------------------------


def _align(values: pd.Series | pd.DataFrame | np.ndarray, regions: pd.Index, what: str):
    if isinstance(values, (pd.Series, pd.DataFrame)):
        return values.reindex(regions).to_numpy(dtype=float)
    arr = np.asarray(values, dtype=float)
    if arr.shape[0] != len(regions):
        raise ValueError(f"{what}: expected {len(regions)} rows (the table's regions)")
    return arr


def _terms(table: ChannelTable, partner: str, config: FrameworkConfig, closed=()):
    """Channel terms (R, F) and the events term (R,) for ``partner``."""
    b = table.strengths(closed, partner=partner)
    w = config.channel_weights(table.channels)
    channel_terms = b @ w.T
    events = set(config.culture_image.event_instruments)
    unknown = events - set(table.instruments)
    if unknown:
        raise AssessConfigError(
            f"framework configuration: key 'culture_image.event_instruments': unknown "
            f"instruments {sorted(unknown)}"
        )
    mask = np.array([i in events for i in table.instruments], dtype=float)
    ev = minmax(np.log1p(table.evidence.sum(axis=1) @ mask))
    return b, channel_terms, ev


def _weights(config: FrameworkConfig) -> tuple[np.ndarray, np.ndarray]:
    return term_weights(config)


# --- suitability --------------------------------------------------------------------------


def suitability(
    table: ChannelTable,
    partner: str,
    sppi: pd.Series,
    iai_political: pd.Series,
    resilience: pd.Series,
    config: FrameworkConfig | None = None,
) -> pd.DataFrame:
    """Suitability of every region of ``table`` for both frameworks towards ``partner``.

    ``sppi`` and ``iai_political`` are scores indexed by region code (any scale: min-max
    scaled here); ``resilience`` is in [0, 1] indexed by region code (see
    :func:`resilience`). Returns columns region, culture_image, political_plus (both in
    [0, 1]), recommended, explanation, and each term (sppi, ci_channels, events,
    iai_political, pp_channels, resilience), in the table's region order.
    """
    config = config if config is not None else FrameworkConfig.load()
    regions = table.regions
    _, ch, ev = _terms(table, partner, config)
    s = minmax(_align(sppi, regions, "sppi"))
    p = minmax(_align(iai_political, regions, "iai_political"))
    res = np.clip(np.nan_to_num(_align(resilience, regions, "resilience"), nan=0.0), 0, 1)
    a, q = _weights(config)
    culture = a[0] * s + a[1] * ch[:, 0] + a[2] * ev
    political = q[0] * p + q[1] * ch[:, 1] + q[2] * res
    rec = recommend(culture, political, config.margin)
    explanation = FrameworkArrays(
        culture, political, rec, s, ch[:, 0], ev, p, ch[:, 1], res
    ).explanation(a, q)
    frame = pd.DataFrame(
        {
            "region": regions.to_numpy(),
            "culture_image": culture,
            "political_plus": political,
            "recommended": rec,
            "explanation": explanation,
            "sppi": s,
            "ci_channels": ch[:, 0],
            "events": ev,
            "iai_political": p,
            "pp_channels": ch[:, 1],
            "resilience": res,
        }
    )
    frame.attrs["synthetic"] = table.synthetic
    frame.attrs["partner"] = partner
    return frame


def suitability_runs(
    table: ChannelTable,
    partner: str,
    sppi_runs: pd.DataFrame | np.ndarray,
    iai_runs: pd.DataFrame | np.ndarray,
    resilience: pd.Series,
    config: FrameworkConfig | None = None,
) -> np.ndarray:
    """(F, R, N) suitability of both frameworks in every run (order :data:`FRAMEWORKS`).

    ``sppi_runs`` and ``iai_runs`` are region x run scores (e.g. the composite engine's
    uncertainty runs), each run min-max scaled across regions; the channel, events and
    resilience terms are the nominal ones (they come from the ledger, not the indices).
    """
    config = config if config is not None else FrameworkConfig.load()
    regions = table.regions
    s = minmax(_align(sppi_runs, regions, "sppi_runs"), axis=0)
    p = minmax(_align(iai_runs, regions, "iai_runs"), axis=0)
    if s.shape != p.shape:
        raise ValueError("sppi_runs and iai_runs must have the same shape (regions x runs)")
    _, ch, ev = _terms(table, partner, config)
    res = np.clip(np.nan_to_num(_align(resilience, regions, "resilience"), nan=0.0), 0, 1)
    a, q = _weights(config)
    culture = a[0] * s + (a[1] * ch[:, 0] + a[2] * ev)[:, None]
    political = q[0] * p + (q[1] * ch[:, 1] + q[2] * res)[:, None]
    return np.stack([culture, political])


def suitability_uncertainty(
    table: ChannelTable,
    partner: str,
    sppi_runs: pd.DataFrame | np.ndarray,
    iai_runs: pd.DataFrame | np.ndarray,
    resilience: pd.Series,
    config: FrameworkConfig | None = None,
) -> pd.DataFrame:
    """q5, median and q95 of each framework's suitability per region over the runs, and
    ``p_recommended``: the share of runs in which the framework is recommended (alone or as
    ``both``). Long frame: region, framework, q5, median, q95, p_recommended."""
    config = config if config is not None else FrameworkConfig.load()
    runs = suitability_runs(table, partner, sppi_runs, iai_runs, resilience, config)
    q = np.quantile(runs, [0.05, 0.5, 0.95], axis=2)  # (3, F, R)
    diff = runs[0] - runs[1]
    both = np.abs(diff) <= config.margin + 1e-12
    p_rec = np.stack([((diff > 0) | both).mean(axis=1), ((diff < 0) | both).mean(axis=1)])
    F, R = runs.shape[0], runs.shape[1]
    frame = pd.DataFrame(
        {
            "region": np.tile(table.regions.to_numpy(), F),
            "framework": np.repeat(np.array(FRAMEWORKS, dtype=object), R),
            "q5": q[0].reshape(-1),
            "median": q[1].reshape(-1),
            "q95": q[2].reshape(-1),
            "p_recommended": p_rec.reshape(-1),
        }
    )
    frame.attrs["synthetic"] = table.synthetic
    return frame


# --- resilience ---------------------------------------------------------------------------


def resilience(
    records: pd.DataFrame,
    table: ChannelTable,
    config: FrameworkConfig | None = None,
    as_of: dt.date | None = None,
    channel_config: ChannelConfig | None = None,
) -> pd.DataFrame:
    """Resilience(r, c) in [0, 1], regions x partners of ``table`` (see the module docstring).

    ``records``: current records, or their record cube computed with this configuration's
    resilience settings (:func:`~paradiplomacy.assess.channels.cube_spec`); ``as_of``
    defaults to the table's; ``channel_config`` (for terminated and ended ties) to the
    table's.
    """
    config = config if config is not None else FrameworkConfig.load()
    rc = config.resilience
    as_of = as_of or table.as_of
    if "res_before" in records.columns:
        cube = records
    else:
        spec = cube_spec(as_of, channel_config or table.config, table.instruments, resilience=rc)
        cube = cube_from_records(records, spec)
    R, C, I = len(table.regions), len(table.partners), len(table.instruments)  # noqa: E741
    ri = table.regions.get_indexer(cube["region"].to_numpy())
    ci = table.partners.get_indexer(cube["partner_country"].to_numpy())
    ii = pd.Index(table.instruments).get_indexer(cube["instrument"].to_numpy())
    ok = (ri >= 0) & (ci >= 0) & (ii >= 0)
    flat = (ri * C + ci) * I + ii
    before = cube["res_before"].to_numpy() > 0
    after = cube["res_after"].to_numpy() > 0
    had = np.bincount(flat[ok & before], minlength=R * C * I) > 0
    kept = np.bincount(flat[ok & after], minlength=R * C * I) > 0
    n_before = had.reshape(R, C, I).sum(axis=2)
    n_kept = (had & kept).reshape(R, C, I).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n_before > 0, n_kept / np.maximum(n_before, 1), 0.0)
    return pd.DataFrame(share, index=table.regions, columns=table.partners)
