"""Channels of influence: channel strengths B(r, c, k) and bilateral intensity (MODEL.md section 5).

For region ``r``, partner country ``c``, instrument ``i`` and channel ``k`` (the instrument's
channel in the taxonomy), with configuration :class:`ChannelConfig` (default
``data/assess/channels.yaml``):

1. **Evidence** (event-equivalents)::

       E(r, c, i) = sum over records e of (r, c, i) in the window
                    s(status_e) * conf_e * 2 ** (-age_e / half_life) * m_e

   ``age_e`` is ``(as_of - date_e)`` in years of 365.25 days (a record with only a year is
   dated 1 July of it); records after ``as_of`` or older than ``window`` years are out;
   ``s`` is the status weight (terminated records are always removed, and with ``end_ties`` a
   terminated record of a tie instrument also removes the earlier records of that tie);
   ``conf_e`` is the confidence (1 when ``confidence_weighting`` is off); ``m_e`` is 1
   (``count``) or ``log1p(magnitude)`` (``log1p``, per instrument).
2. **Structural ties** (event-equivalents, not discounted)::

       S(r, c, k) = sum over ties t  T(r, c, t) * F(t, k)

   ``T`` is 1 for a registry tie (shared land or sea border, kin state) and the highest status
   weight of the pair's live records of the tie's instrument (consulate of c in r,
   representation of r in c); ``F`` is the configured ``feeds`` table.
3. **Strength**: ``X = sum_{i in k} E(r, c, i) + S(r, c, k)``, ``B = clip((g(X) - lo_k) /
   (hi_k - lo_k), 0, 1)`` with ``g = log1p`` and ``lo_k``, ``hi_k`` the minimum and maximum of
   ``g(X)`` over all region-partner pairs of the nominal table (``minmax``; ``max`` uses
   ``lo_k = 0``). The constants are fixed once: re-aggregating with instruments closed
   (:meth:`ChannelTable.strengths`) uses the same constants, so closing never raises a strength.
4. **Bilateral intensity** ``B(r, c) = sum_k w_k B(r, c, k) / sum_k w_k``.
5. **No evidence**: a channel on which no region has a positive raw value toward ``c``
   (no record and no structural tie) is *unobserved* for ``c``; the views report its strength
   as missing ("no evidence") and name it, since an empty ledger column is not a zero
   (:meth:`ChannelTable.observed`, docs/coverage.md). It adds nothing to the intensity.
   Structural ties feed only the channels the ledger covers (``covered_channels``), so a
   channel with no record at all is unobserved toward every partner.

All arrays are dense NumPy arrays indexed (region, partner, channel or instrument or tie).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from paradiplomacy.ledger.aggregates import (
    DAYS_PER_YEAR,
    CubeSpec,
    cube_from_records,
    frame_channel_records,
)
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.resources import data_path, load_yaml

REGISTRY_TIE_FIELDS: tuple[str, ...] = ("land_borders", "sea_borders", "kin_states")
"""Region registry fields (``|``-joined alpha-2 codes) that a structural tie can come from."""

__all__ = ["DAYS_PER_YEAR"]  # re-exported: the unit of record age (ledger.aggregates)


class AssessConfigError(ValueError):
    """An assessment configuration file that cannot be used; the message names the file, the
    key and what was expected."""


def _format_validation(path: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        key = ".".join(str(x) for x in err["loc"]) or "(top level)"
        parts.append(f"{path}: key {key!r}: {err['msg']}")
    return "; ".join(parts)


def load_config(model: type[BaseModel], path: str | Path | None, default: Path) -> Any:
    """Validate a YAML file (``default`` when ``path`` is None) against ``model``.

    Raises :class:`AssessConfigError` naming the file, the key and what was expected.
    """
    file = Path(path) if path is not None else default
    try:
        data = load_yaml(file)
    except (OSError, ValueError) as exc:
        raise AssessConfigError(f"{file}: cannot read the file ({exc})") from exc
    if not isinstance(data, dict):
        raise AssessConfigError(f"{file}: expected a mapping of keys at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise AssessConfigError(_format_validation(str(file), exc)) from None


class StructuralTie(BaseModel):
    """One kind of structural tie and the channels it feeds (event-equivalents)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(description="a registry field (land_borders, ...) or an instrument id")
    feeds: dict[str, float] = Field(min_length=1)

    @field_validator("feeds")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        if any(x < 0 for x in v.values()):
            raise ValueError("tie weights must be >= 0")
        return v


class Magnitude(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Literal["count", "log1p"] = "count"
    instruments: dict[str, Literal["count", "log1p"]] = Field(default_factory=dict)


class Scaling(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    transform: Literal["log1p", "none"] = "log1p"
    method: Literal["minmax", "max"] = "minmax"


class ChannelConfig(BaseModel):
    """Configuration of channel strengths; defaults in ``data/assess/channels.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    half_life: float = Field(5.0, gt=0, description="years")
    window: float | None = Field(10.0, gt=0, description="years before as_of; None = no limit")
    status_weights: dict[Literal["active", "suspended", "planned"], float] = Field(
        default_factory=lambda: {"active": 1.0, "suspended": 0.5, "planned": 0.0}
    )
    confidence_weighting: bool = True
    min_confidence: float = Field(0.0, ge=0, le=1)
    end_ties: bool = True
    tie_instruments: list[str] = Field(
        default_factory=lambda: [
            "agreement",
            "association_membership",
            "consulate_hosted",
            "intergovernmental_commission",
            "representation_abroad",
            "twinning",
        ]
    )
    magnitude: Magnitude = Field(default_factory=Magnitude)
    structural: dict[str, StructuralTie] = Field(default_factory=dict)
    scaling: Scaling = Field(default_factory=Scaling)
    channel_weights: dict[str, float] = Field(default_factory=dict)

    @field_validator("status_weights")
    @classmethod
    def _status_range(cls, v: dict[str, float]) -> dict[str, float]:
        if any(not 0 <= x <= 1 for x in v.values()):
            raise ValueError("status weights must be in [0, 1]")
        return v

    @field_validator("channel_weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        if any(x < 0 for x in v.values()):
            raise ValueError("channel weights must be >= 0")
        if v and sum(v.values()) <= 0:
            raise ValueError("channel weights must not all be 0")
        return v

    @classmethod
    def load(cls, path: str | Path | None = None) -> ChannelConfig:
        """Load a channel configuration; without ``path``, the default shipped in the package."""
        return load_config(cls, path, data_path("assess", "channels.yaml"))

    def check(self, taxonomy: Taxonomy, where: str = "channel configuration") -> None:
        """Check names against the taxonomy; :class:`AssessConfigError` naming the key."""
        channels = set(taxonomy.channels)
        instruments = set(taxonomy.instruments)
        for name in self.tie_instruments:
            if name not in instruments:
                raise AssessConfigError(
                    f"{where}: key 'tie_instruments': unknown instrument {name!r}; "
                    f"expected one of {sorted(instruments)}"
                )
        for name in self.magnitude.instruments:
            if name not in instruments:
                raise AssessConfigError(
                    f"{where}: key 'magnitude.instruments': unknown instrument {name!r}"
                )
        for tie, spec in self.structural.items():
            if spec.source not in REGISTRY_TIE_FIELDS and spec.source not in instruments:
                raise AssessConfigError(
                    f"{where}: key 'structural.{tie}.source': {spec.source!r} is neither a "
                    f"registry field {list(REGISTRY_TIE_FIELDS)} nor an instrument id"
                )
            for k in spec.feeds:
                if k not in channels:
                    raise AssessConfigError(
                        f"{where}: key 'structural.{tie}.feeds': unknown channel {k!r}; "
                        f"expected one of {sorted(channels)}"
                    )
        for k in self.channel_weights:
            if k not in channels:
                raise AssessConfigError(
                    f"{where}: key 'channel_weights': unknown channel {k!r}; "
                    f"expected one of {sorted(channels)}"
                )


# --- the table ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ChannelTable:
    """Channel evidence, structural ties and the fixed scaling constants of one ``as_of``.

    Axes: ``regions`` (R codes), ``partners`` (C alpha-2 codes), ``channels`` (K),
    ``instruments`` (I), ``ties`` (T structural tie kinds).
    """

    regions: pd.Index
    partners: pd.Index
    channels: tuple[str, ...]
    instruments: tuple[str, ...]
    ties: tuple[str, ...]
    evidence: np.ndarray
    """(R, C, I) age-, status- and confidence-discounted evidence, event-equivalents."""
    tie_values: np.ndarray
    """(R, C, T) tie indicators in [0, 1]."""
    tie_feeds: np.ndarray
    """(T, K) event-equivalents each tie adds to each channel."""
    tie_instrument: tuple[str | None, ...]
    """The instrument each tie comes from (None for registry ties): closing it removes the tie."""
    instrument_channel: np.ndarray
    """(I, K) 0/1 membership of instruments in channels."""
    lo: np.ndarray
    """(K,) scaling constant: transformed raw value that maps to 0."""
    hi: np.ndarray
    """(K,) scaling constant: transformed raw value that maps to 1."""
    channel_weights: np.ndarray
    """(K,) weights of bilateral intensity, summing to 1."""
    as_of: dt.date
    config: ChannelConfig
    region_names: pd.Series
    """English region names indexed by code."""
    synthetic: bool
    """True when a (region, partner, instrument, status, year) group with evidence holds a
    record from a synthetic source."""
    records_of: Callable[..., pd.DataFrame] | None = field(default=None, repr=False)
    """Reads the records behind a value by key, with their weights:
    ``records_of(spec, region=..., partner=..., regions=...)``
    (:func:`paradiplomacy.ledger.aggregates.channel_records` on a ledger); the records are
    read when asked for, not held."""
    cache: dict = field(default_factory=dict, repr=False)
    """The last questions' :meth:`contributions`, by (region, partner)."""

    # --- aggregation ------------------------------------------------------------------------

    def _open_masks(self, closed_instruments: tuple[str, ...] | list[str] | set[str]):
        closed = set(closed_instruments)
        unknown = closed - set(self.instruments)
        if unknown:
            raise KeyError(f"unknown instruments {sorted(unknown)}; expected taxonomy ids")
        inst_open = np.array([i not in closed for i in self.instruments], dtype=float)
        tie_open = np.array([t not in closed for t in self.tie_instrument], dtype=float)
        return inst_open, tie_open

    def raw(self, closed_instruments=(), partner: str | None = None) -> np.ndarray:
        """Raw channel values X (event-equivalents): (R, C, K), or (R, K) for one partner."""
        inst_open, tie_open = self._open_masks(closed_instruments)
        membership = self.instrument_channel * inst_open[:, None]
        feeds = self.tie_feeds * tie_open[:, None]
        if partner is None:
            return self.evidence @ membership + self.tie_values @ feeds
        j = self.partner_index(partner)
        return self.evidence[:, j, :] @ membership + self.tie_values[:, j, :] @ feeds

    def _scale(self, x: np.ndarray) -> np.ndarray:
        g = np.log1p(x) if self.config.scaling.transform == "log1p" else x
        span = self.hi - self.lo
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(span > 0, (g - self.lo) / np.where(span > 0, span, 1.0), 0.0)
        return np.clip(b, 0.0, 1.0)

    def strengths(self, closed_instruments=(), partner: str | None = None) -> np.ndarray:
        """Channel strengths B in [0, 1]: (R, C, K), or (R, K) for one ``partner``.

        With ``closed_instruments`` the evidence of those instruments (and the structural ties
        that come from them) is removed and the result scaled with the nominal constants, so
        no strength rises.
        """
        return self._scale(self.raw(closed_instruments, partner))

    def partner_index(self, partner: str) -> int:
        try:
            return int(self.partners.get_loc(partner))
        except KeyError:
            raise KeyError(f"unknown partner {partner!r}") from None

    def region_index(self, region: str) -> int:
        try:
            return int(self.regions.get_loc(region))
        except KeyError:
            raise KeyError(f"unknown region {region!r}") from None

    @property
    def structural(self) -> np.ndarray:
        """(R, C, K) structural ties in event-equivalents, S = T @ F."""
        return self.tie_values @ self.tie_feeds

    def channel_evidence(self) -> np.ndarray:
        """(R, C, K) evidence summed per channel, event-equivalents."""
        return self.evidence @ self.instrument_channel

    def observed(self, partner: str | None = None, closed_instruments=()) -> np.ndarray:
        """Whether each channel has any evidence toward each partner: (C, K) booleans, or (K,)
        for one ``partner``.

        A channel is *observed* toward ``c`` when some region has a positive raw value on it
        (records, or a structural tie). An unobserved channel is reported as "no evidence", not
        as zero strength: the ledger says nothing about it (docs/coverage.md).
        """
        raw = self.raw(closed_instruments, partner)
        return (raw > 0).any(axis=0)

    def no_evidence(self, partner: str, closed_instruments=()) -> list[str]:
        """The channels without evidence toward ``partner`` (see :meth:`observed`)."""
        seen = self.observed(partner, closed_instruments)
        return [k for k, ok in zip(self.channels, seen, strict=True) if not ok]

    # --- views ----------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """Long table of every (region, partner, channel) with positive raw value:
        region, partner, channel, evidence, structural (event-equivalents), strength (0..1)."""
        ev = self.channel_evidence()
        st = self.structural
        b = self._scale(ev + st)
        r, c, k = np.nonzero(ev + st)
        return pd.DataFrame(
            {
                "region": self.regions.to_numpy()[r],
                "partner": self.partners.to_numpy()[c],
                "channel": np.asarray(self.channels, dtype=object)[k],
                "evidence": ev[r, c, k],
                "structural": st[r, c, k],
                "strength": b[r, c, k],
            }
        )

    def intensity(self, strengths: np.ndarray | None = None) -> np.ndarray:
        """Bilateral intensity array (R, C) (or (R,) for a per-partner strengths array)."""
        b = self.strengths() if strengths is None else strengths
        return b @ self.channel_weights

    def bilateral_intensity(self) -> pd.DataFrame:
        """B(r, c) = sum_k w_k B(r, c, k), regions x partners, in [0, 1]."""
        return pd.DataFrame(self.intensity(), index=self.regions, columns=self.partners)

    def partner_view(self, partner: str) -> pd.DataFrame:
        """Regions that carry relations with ``partner``: code, name_en, intensity, the
        strength of each channel and the main channel, sorted by intensity (descending)."""
        b = self.strengths(partner=partner)
        inten = b @ self.channel_weights
        seen = self.observed(partner)
        frame = pd.DataFrame(np.where(seen[None, :], b, np.nan), columns=list(self.channels))
        frame.insert(0, "intensity", inten)
        frame.insert(0, "name_en", self.region_names.reindex(self.regions).to_numpy())
        frame.insert(0, "region", self.regions.to_numpy())
        frame["main_channel"] = np.asarray(self.channels, dtype=object)[b.argmax(axis=1)]
        frame["no_evidence"] = "|".join(
            k for k, ok in zip(self.channels, seen, strict=True) if not ok
        )
        frame = frame[inten > 0]
        frame = frame.sort_values(["intensity", "region"], ascending=[False, True])
        frame = frame.reset_index(drop=True)
        frame.attrs["no_evidence"] = self.no_evidence(partner)
        return frame

    def region_view(self, region: str) -> pd.DataFrame:
        """Partners of ``region``: partner, intensity, each channel's strength, main channel,
        sorted by intensity (descending)."""
        i = self.region_index(region)
        raw = self.raw()
        b = self._scale(raw[i])
        inten = b @ self.channel_weights
        seen = (raw > 0).any(axis=0)  # (C, K): the channel has evidence toward the partner
        frame = pd.DataFrame(np.where(seen, b, np.nan), columns=list(self.channels))
        frame.insert(0, "intensity", inten)
        frame.insert(0, "partner", self.partners.to_numpy())
        frame["main_channel"] = np.asarray(self.channels, dtype=object)[b.argmax(axis=1)]
        names = np.asarray(self.channels, dtype=object)
        frame["no_evidence"] = ["|".join(names[~row]) for row in seen]
        frame = frame[inten > 0]
        return frame.sort_values(["intensity", "partner"], ascending=[False, True]).reset_index(
            drop=True
        )

    def contributions(
        self, region: str | None = None, partner: str | None = None, top: int | None = None
    ) -> pd.DataFrame:
        """The records with a positive contribution to the evidence of ``region`` and/or
        ``partner``, read by key from the ledger (and kept for the next question): uid,
        region, partner_country, instrument, channel, date, year, status, source, confidence,
        weight (event-equivalents: status weight x the record weight of the module
        docstring). ``top``: only the ``top`` heaviest per region, partner, instrument and
        status (:data:`paradiplomacy.ledger.aggregates.TOP_PARTITION`), which hold the
        ``top`` heaviest behind any channel value or scenario."""
        key = (region, partner, top)
        if key in self.cache:
            return self.cache[key]
        columns = ["uid", "region", "partner_country", "instrument", "channel", "date", "year",
                   "status", "source", "confidence", "weight"]  # fmt: skip
        if self.records_of is None:
            raise ValueError("this channel table has no ledger to read its records from")
        spec = cube_spec(self.as_of, self.config, self.instruments)
        records = self.records_of(
            spec, region=region, partner=partner, regions=list(self.regions), top=top
        )
        status_w = records["status"].map(self.config.status_weights).fillna(0.0)
        w = status_w.to_numpy(dtype=float) * records["weight"].to_numpy(dtype=float)
        ok = (
            (self.regions.get_indexer(records["region"].to_numpy()) >= 0)
            & (self.partners.get_indexer(records["partner_country"].to_numpy()) >= 0)
            & (pd.Index(self.instruments).get_indexer(records["instrument"].to_numpy()) >= 0)
            & (w > 0)
        )
        channel_of = dict(zip(self.instruments, np.asarray(self.channels, dtype=object)[
            self.instrument_channel.argmax(axis=1)], strict=True))  # fmt: skip
        out = records.loc[ok].assign(weight=w[ok])
        out["channel"] = out["instrument"].map(channel_of)
        out = out.reindex(columns=columns).reset_index(drop=True)
        if len(self.cache) >= 64:
            self.cache.clear()
        self.cache[key] = out
        return out

    def records_behind(
        self,
        region: str | None = None,
        partner: str | None = None,
        channel: str | None = None,
        n: int = 5,
        closed_instruments=(),
    ) -> pd.DataFrame:
        """The ``n`` records contributing most to (region, partner, channel) (each None = any),
        with uid, instrument, date, year, status, source, confidence and weight; ties by
        uid."""
        rec = self.contributions(region=region, partner=partner, top=n)
        mask = np.ones(len(rec), dtype=bool)
        if channel is not None:
            mask &= (rec["channel"] == channel).to_numpy()
        if closed_instruments:
            mask &= ~rec["instrument"].isin(list(closed_instruments)).to_numpy()
        out = rec[mask].sort_values(["weight", "uid"], ascending=[False, True], kind="mergesort")
        return out.head(n).reset_index(drop=True)


def cube_spec(
    as_of: dt.date,
    config: ChannelConfig,
    instruments: Sequence[str],
    resilience: Any = None,
) -> CubeSpec:
    """The :class:`~paradiplomacy.ledger.aggregates.CubeSpec` of channel evidence at
    ``as_of`` under ``config`` (``instruments``: the taxonomy's ids), with the resilience
    settings ``resilience`` (a :class:`~paradiplomacy.assess.frameworks.ResilienceConfig`) when
    given."""
    magnitude = config.magnitude
    log_instruments = [
        i for i in instruments if magnitude.instruments.get(i, magnitude.default) == "log1p"
    ]
    extra: dict[str, Any] = {}
    if resilience is not None:
        extra = {
            "crisis_dates": dict(resilience.crisis_dates),
            "default_crisis_date": resilience.default_crisis_date,
            "before_years": resilience.before_years,
            "after_years": resilience.after_years,
            "resilience_instruments": None
            if resilience.instruments is None
            else tuple(resilience.instruments),
        }
    return CubeSpec(
        as_of=as_of,
        half_life=config.half_life,
        window=config.window,
        confidence_weighting=config.confidence_weighting,
        min_confidence=config.min_confidence,
        end_ties=config.end_ties,
        tie_instruments=tuple(config.tie_instruments),
        log_instruments=tuple(log_instruments),
        **extra,
    )


# --- building -----------------------------------------------------------------------------


def _labels(values: pd.Series, index: pd.Index) -> np.ndarray:
    return index.get_indexer(values.to_numpy())


def channel_strengths(
    records: pd.DataFrame,
    regions: pd.DataFrame,
    partners: pd.DataFrame,
    taxonomy: Taxonomy,
    as_of: dt.date,
    config: ChannelConfig | None = None,
    covered_channels: Sequence[str] | None = None,
    records_of: Callable[..., pd.DataFrame] | None = None,
) -> ChannelTable:
    """Build the :class:`ChannelTable` of ``as_of`` (see the module docstring for formulas).

    ``records``: current records, or their record cube computed for ``as_of`` and ``config``
    (:func:`paradiplomacy.ledger.aggregates.record_cube` with :func:`cube_spec`), which is how
    the assessment reads a ledger of any size. ``records_of`` reads the records behind a value
    by key (see :class:`ChannelTable`); with a records frame it defaults to the frame's.

    ``covered_channels``: the channels the ledger covers (some instrument of theirs has
    evidence; :meth:`paradiplomacy.assess.coverage.LedgerCoverage.channels`). Structural ties
    feed only these: a tie is a potential on a channel, not activity on it, and on a channel
    without any record a tie alone would be scaled to full strength. None: every channel.

    ``regions``: the region registry frame (``RegionRegistry.to_frame(scope)``; code index or
    column, land_borders, sea_borders, kin_states); ``partners``: the partner frame indexed by
    alpha-2. Records of regions or partners not in these frames are ignored.
    """
    config = config if config is not None else ChannelConfig.load()
    config.check(taxonomy)
    codes = pd.Index(
        regions["code"].to_numpy() if "code" in regions.columns else regions.index.to_numpy(),
        name="region",
    )
    region_frame = regions.set_axis(codes, axis=0)
    part = pd.Index(partners.index.to_numpy(), name="partner")
    channels = tuple(taxonomy.channels)
    instruments = tuple(taxonomy.instruments)
    R, C, K, I = len(codes), len(part), len(channels), len(instruments)  # noqa: E741
    chan_idx = {k: n for n, k in enumerate(channels)}
    membership = np.zeros((I, K))
    for n, i in enumerate(instruments):
        membership[n, chan_idx[taxonomy.channel(i)]] = 1.0

    # evidence ---------------------------------------------------------------------------
    if "chan" in records.columns:
        cube = records
    else:
        cube = cube_from_records(records, cube_spec(as_of, config, instruments))
        records_of = records_of or functools.partial(frame_channel_records, records)
    status_w = cube["status"].map(config.status_weights).fillna(0.0).to_numpy(dtype=float)
    w = status_w * cube["chan"].to_numpy(dtype=float)
    ri = _labels(cube["region"], codes)
    ci = _labels(cube["partner_country"], part)
    ii = _labels(cube["instrument"], pd.Index(instruments))
    known = (ri >= 0) & (ci >= 0) & (ii >= 0)
    keep = known & (w > 0)
    flat = (ri[keep] * C + ci[keep]) * I + ii[keep]
    evidence = np.bincount(flat, weights=w[keep], minlength=R * C * I).reshape(R, C, I)
    synthetic = bool((cube["synthetic"].to_numpy()[keep] > 0).any())

    # structural ties -------------------------------------------------------------------
    ties = tuple(config.structural)
    T = len(ties)
    tie_values = np.zeros((R, C, T))
    tie_feeds = np.zeros((T, K))
    tie_instrument: list[str | None] = []
    fed = set(channels if covered_channels is None else covered_channels)
    for t, name in enumerate(ties):
        spec = config.structural[name]
        for k, v in spec.feeds.items():
            if k in fed:
                tie_feeds[t, chan_idx[k]] = v
        if spec.source in REGISTRY_TIE_FIELDS:
            tie_instrument.append(None)
            lists = region_frame[spec.source].fillna("").astype(str).str.split("|")
            pairs = lists.explode()
            pairs = pairs[pairs.astype(bool)]
            r_ = codes.get_indexer(pairs.index)
            c_ = part.get_indexer(pairs.to_numpy())
            ok = (r_ >= 0) & (c_ >= 0)
            tie_values[r_[ok], c_[ok], t] = 1.0
        else:
            tie_instrument.append(spec.source)
            sel = (cube["instrument"] == spec.source).to_numpy() & (cube["live"].to_numpy() > 0)
            ok = sel & (ri >= 0) & (ci >= 0)
            np.maximum.at(tie_values[:, :, t], (ri[ok], ci[ok]), status_w[ok])

    # scaling constants -----------------------------------------------------------------
    raw = evidence @ membership + tie_values @ tie_feeds
    g = np.log1p(raw) if config.scaling.transform == "log1p" else raw
    flat_g = g.reshape(-1, K)
    hi = flat_g.max(axis=0) if flat_g.size else np.zeros(K)
    lo = flat_g.min(axis=0) if config.scaling.method == "minmax" and flat_g.size else np.zeros(K)

    weights = np.array([config.channel_weights.get(k, 1.0) for k in channels], dtype=float)
    if not config.channel_weights:
        weights = np.ones(K)
    weights = weights / weights.sum()

    names = (
        region_frame["name_en"]
        if "name_en" in region_frame.columns
        else pd.Series(codes.to_numpy(), index=codes)
    )
    return ChannelTable(
        regions=codes,
        partners=part,
        channels=channels,
        instruments=instruments,
        ties=ties,
        evidence=evidence,
        tie_values=tie_values,
        tie_feeds=tie_feeds,
        tie_instrument=tuple(tie_instrument),
        instrument_channel=membership,
        lo=lo,
        hi=hi,
        channel_weights=weights,
        as_of=as_of,
        config=config,
        region_names=names,
        synthetic=synthetic,
        records_of=records_of,
    )
