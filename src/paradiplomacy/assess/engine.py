"""The array core of frameworks and scenarios (MODEL.md sections 6-7), NumPy only.

Everything a crisis scenario needs is a handful of arrays over regions x channels (and runs):
:class:`ChannelArrays` (the channel evidence and structural ties of
:class:`~paradiplomacy.assess.channels.ChannelTable`, without its records), the framework and
availability parameters (:class:`ScenarioParameters`, parsed once from the configuration), the
index scores and their uncertainty runs, the resilience of ties and an index of the records
behind each (region, partner, instrument) (:class:`RecordIndex`). :class:`ScenarioEngine`
answers frameworks and scenarios on them with whole-array operations: no loop over regions or
runs, and the per-partner parts (suitability and its runs, the frameworks table) are computed
once per partner and kept.

The formulas and the order of every floating-point operation are those of
:mod:`paradiplomacy.assess.frameworks` and :mod:`paradiplomacy.assess.scenarios` (which call
this module), so results are identical to the pandas code they replaced
(``tests/assess/test_scenario_golden.py``). This module imports no pandas, SciPy or pydantic:
the ``scenario`` command answers from a stored assessment with it alone
(:mod:`paradiplomacy.assess.quick`).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FRAMEWORKS: tuple[str, ...] = ("culture_image", "political_plus")
LEVELS: tuple[int, ...] = (0, 1, 2, 3)
N_RECORDS = 3
"""Records named per region in a capacity table (the ``records`` column)."""
P_TOP_RUNS = 1000
AVAILABILITY_NOISE = 0.1
WEIGHT_NOISE = 0.25
_NEAR = 1e-9
"""Relative distance under which two record weights may compare equal once multiplied by an
availability and a framework weight (two roundings move a product by at most ~4.4e-16)."""


def minmax(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Min-max scaling to [0, 1] along ``axis``; NaN counts 0; a constant slice gives 0."""
    x = np.nan_to_num(np.asarray(x, dtype=float), nan=0.0)
    lo = x.min(axis=axis, keepdims=True)
    span = x.max(axis=axis, keepdims=True) - lo
    return np.where(span > 0, (x - lo) / np.where(span > 0, span, 1.0), 0.0)


def recommend(culture: np.ndarray, political: np.ndarray, margin: float) -> np.ndarray:
    """``culture_image``, ``political_plus`` or ``both`` (|difference| <= margin), elementwise."""
    diff = np.asarray(culture) - np.asarray(political)
    return np.where(
        np.abs(diff) <= margin + 1e-12,
        "both",
        np.where(diff > 0, "culture_image", "political_plus"),
    ).astype(object)


def quantiles(x: np.ndarray, qs: Sequence[float], axis: int) -> np.ndarray:
    """``np.quantile(x, qs, axis=axis)`` (method ``linear``), bitwise, by a sort: the same
    neighbours and the same interpolation, without the import of ``numpy.ma`` that
    ``np.quantile`` costs on first use (25 ms of the ``scenario`` command)."""
    x = np.moveaxis(np.asarray(x, dtype=float), axis, 0)
    n = x.shape[0]
    virtual = (n - 1) * np.asarray(qs, dtype=float)
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1
    previous[above] = -1
    following[above] = -1
    below = virtual < 0
    previous[below] = 0
    following[below] = 0
    previous = previous.astype(np.intp)
    following = following.astype(np.intp)
    gamma = (virtual - previous).reshape(virtual.shape + (1,) * (x.ndim - 1))
    ordered = np.sort(x, axis=0)
    a, b = ordered[previous], ordered[following]
    diff = np.subtract(b, a)
    out = np.asanyarray(np.add(a, diff * gamma))
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe",
                dtype=out.dtype)  # fmt: skip
    nan = np.isnan(ordered[-1])
    if nan.any():
        out[..., nan] = np.nan
    return out


def ranks_descending(values: np.ndarray) -> np.ndarray:
    """Rank 1 = largest; ties share the best rank (pandas ``rank(ascending=False,
    method="min")``)."""
    values = np.asarray(values, dtype=float)
    ordered = np.sort(-values)
    return np.searchsorted(ordered, -values, side="left").astype(int) + 1


# --- channel arrays -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ChannelArrays:
    """The arrays of a :class:`~paradiplomacy.assess.channels.ChannelTable` that frameworks and
    scenarios use (its records are not among them)."""

    regions: tuple[str, ...]
    partners: tuple[str, ...]
    channels: tuple[str, ...]
    instruments: tuple[str, ...]
    tie_instrument: tuple[str | None, ...]
    evidence: np.ndarray
    """(R, C, I) discounted evidence, event-equivalents."""
    tie_values: np.ndarray
    """(R, C, T)."""
    tie_feeds: np.ndarray
    """(T, K)."""
    instrument_channel: np.ndarray
    """(I, K)."""
    lo: np.ndarray
    hi: np.ndarray
    transform: str
    """``log1p`` or ``none`` (the channel configuration's ``scaling.transform``)."""
    partner_position: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "partner_position", {p: n for n, p in enumerate(self.partners)})

    @classmethod
    def of(cls, table: Any) -> ChannelArrays:
        """The arrays of a ``ChannelTable``."""
        return cls(
            regions=tuple(table.regions),
            partners=tuple(table.partners),
            channels=tuple(table.channels),
            instruments=tuple(table.instruments),
            tie_instrument=tuple(table.tie_instrument),
            evidence=table.evidence,
            tie_values=table.tie_values,
            tie_feeds=table.tie_feeds,
            instrument_channel=table.instrument_channel,
            lo=table.lo,
            hi=table.hi,
            transform=table.config.scaling.transform,
        )

    def partner_index(self, partner: str) -> int:
        try:
            return self.partner_position[partner]
        except KeyError:
            raise KeyError(f"unknown partner {partner!r}") from None

    def open_masks(self, closed: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        closed_set = set(closed)
        unknown = closed_set - set(self.instruments)
        if unknown:
            raise KeyError(f"unknown instruments {sorted(unknown)}; expected taxonomy ids")
        inst_open = np.array([i not in closed_set for i in self.instruments], dtype=float)
        tie_open = np.array([t not in closed_set for t in self.tie_instrument], dtype=float)
        return inst_open, tie_open

    def raw(self, closed: Sequence[str], partner: str) -> np.ndarray:
        """(R, K) raw channel values toward ``partner`` (``ChannelTable.raw``)."""
        inst_open, tie_open = self.open_masks(closed)
        membership = self.instrument_channel * inst_open[:, None]
        feeds = self.tie_feeds * tie_open[:, None]
        j = self.partner_index(partner)
        return self.evidence[:, j, :] @ membership + self.tie_values[:, j, :] @ feeds

    def scale(self, x: np.ndarray) -> np.ndarray:
        """Strengths of raw values with the nominal constants (``ChannelTable._scale``)."""
        g = np.log1p(x) if self.transform == "log1p" else x
        span = self.hi - self.lo
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(span > 0, (g - self.lo) / np.where(span > 0, span, 1.0), 0.0)
        return np.clip(b, 0.0, 1.0)

    def event_evidence(self, event_instruments: Sequence[str]) -> np.ndarray:
        """(R,) the events term of culture and image-building, min-max scaled."""
        events = set(event_instruments)
        mask = np.array([i in events for i in self.instruments], dtype=float)
        return minmax(np.log1p(self.evidence.sum(axis=1) @ mask))


def term_weights(config: Any) -> tuple[np.ndarray, np.ndarray]:
    """The term weights of both frameworks (a ``FrameworkConfig``), each normalised to sum 1."""
    ci = config.culture_image.weights
    pp = config.political_plus.weights
    a = np.array([ci.sppi, ci.channels, ci.events], dtype=float)
    p = np.array([pp.iai_political, pp.channels, pp.resilience], dtype=float)
    if a.sum() <= 0 or p.sum() <= 0:
        from .channels import AssessConfigError

        raise AssessConfigError("framework configuration: key 'weights': must not all be 0")
    return a / a.sum(), p / p.sum()


# --- parameters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioParameters:
    """The numbers the framework and availability configuration files give a scenario."""

    channel_weights: np.ndarray
    """(F, K) channel weights of each framework, rows summing 1."""
    culture_terms: np.ndarray
    """(3,) SPPI, channels, events; summing 1."""
    political_terms: np.ndarray
    """(3,) IAI political, channels, resilience; summing 1."""
    margin: float
    event_instruments: tuple[str, ...]
    availability: np.ndarray
    """(4, K) A[level, channel]."""

    @classmethod
    def of(cls, framework_config: Any, availability: Any, channels: tuple[str, ...]):
        """From a ``FrameworkConfig`` and an ``AvailabilityTable``."""
        culture, political = term_weights(framework_config)
        return cls(
            channel_weights=framework_config.channel_weights(channels),
            culture_terms=culture,
            political_terms=political,
            margin=float(framework_config.margin),
            event_instruments=tuple(framework_config.culture_image.event_instruments),
            availability=availability.array(channels),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "channel_weights": self.channel_weights.tolist(),
            "culture_terms": self.culture_terms.tolist(),
            "political_terms": self.political_terms.tolist(),
            "margin": self.margin,
            "event_instruments": list(self.event_instruments),
            "availability": self.availability.tolist(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScenarioParameters:
        return cls(
            channel_weights=np.array(data["channel_weights"], dtype=float),
            culture_terms=np.array(data["culture_terms"], dtype=float),
            political_terms=np.array(data["political_terms"], dtype=float),
            margin=float(data["margin"]),
            event_instruments=tuple(data["event_instruments"]),
            availability=np.array(data["availability"], dtype=float),
        )

    def availability_row(
        self,
        channels: tuple[str, ...],
        scenario_level: int,
        overrides: Mapping[str, float],
        level: int | None = None,
        name: str = "",
    ) -> np.ndarray:
        """A[level, :] (the scenario's level by default); overrides apply at its level."""
        lv = scenario_level if level is None else level
        row = self.availability[lv].copy()
        if lv == scenario_level:
            for k, v in overrides.items():
                if k not in channels:
                    from .channels import AssessConfigError

                    raise AssessConfigError(
                        f"scenario {name!r}: key 'availability': unknown channel {k!r}; "
                        f"expected one of {list(channels)}"
                    )
                row[channels.index(k)] = v
        return row


# --- records behind -----------------------------------------------------------------------

RECORD_DTYPE_FIELDS = (("region", "<i2"), ("instrument", "<i2"), ("position", "<i8"),
                       ("weight", "<f8"))  # fmt: skip


def record_index(
    uid: np.ndarray | Callable[[np.ndarray], np.ndarray],
    region: np.ndarray,
    partner: np.ndarray,
    instrument: np.ndarray,
    weight: np.ndarray,
    n_partners: int,
    n: int = N_RECORDS,
) -> dict[int, np.ndarray]:
    """The records that can be among the ``n`` named per region in any scenario, per partner.

    Inputs are one entry per contributing record, in the order of the channel table's
    contributions (``region``, ``partner``, ``instrument`` as positions in the table's axes;
    ``uid`` the records' ids, or a function giving those of some entries, by position).
    A region's named records are those with the largest effective weight ``weight * A[k] *
    w[f, k]`` (ties: earlier record first); within one (region, partner, instrument) that order
    is the order of ``weight``, so the first ``n`` by weight suffice, plus, where two distinct
    weights of the group are close enough to become equal once multiplied, every record that
    close to the ``n``-th. Returns partner position -> a structured array (region, instrument,
    position, weight, uid) sorted by region, instrument, weight (descending), position.
    """
    count = len(weight)
    if count == 0:
        return {}
    regions = int(region.max()) + 1
    instruments = int(instrument.max()) + 1
    position = np.arange(count, dtype=np.int64)
    group = (partner.astype(np.int64) * regions + region) * instruments + instrument
    order = np.lexsort((-weight, group))  # stable: ties stay in record order
    g, w = group[order], weight[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, count])
    first = np.repeat(starts, sizes)
    rank = np.arange(count) - first
    nth = np.where(sizes > n, w[np.minimum(starts + n - 1, count - 1)], -np.inf)
    zone_floor = np.repeat(nth * (1 - _NEAR), sizes)
    in_zone = w >= zone_floor
    previous = np.r_[np.inf, w[:-1]]
    close = (rank > 0) & (previous != w) & (w >= previous * (1 - _NEAR)) & in_zone
    fragile = np.repeat(np.add.reduceat(close.astype(np.int64), starts) > 0, sizes)
    keep = (rank < n) | (fragile & in_zone)
    chosen = order[keep]
    names = uid(chosen) if callable(uid) else np.asarray(uid)[chosen]
    names = np.asarray(names, dtype=str)
    width = max(1, names.dtype.itemsize // 4)
    with contextlib.suppress(UnicodeEncodeError):  # ASCII hashes: a byte a character, not 4
        names = names.astype(f"S{width}")
    dtype = np.dtype([*RECORD_DTYPE_FIELDS, ("uid", names.dtype)])
    table = np.empty(len(chosen), dtype=dtype)
    table["region"] = region[chosen]
    table["instrument"] = instrument[chosen]
    table["position"] = position[chosen]
    table["weight"] = weight[chosen]
    table["uid"] = names
    owners = partner[chosen]
    out = {}
    bounds = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1], True])
    for a, b in itertools.pairwise(bounds):  # one slice per partner
        out[int(owners[a])] = table[a:b]
    return out


def records_behind(
    index: np.ndarray | None,
    closed_mask: np.ndarray,
    instrument_channel: np.ndarray,
    a: np.ndarray,
    w: np.ndarray,
    used: np.ndarray,
    n_regions: int,
    n: int = N_RECORDS,
) -> np.ndarray:
    """(R,) the ``n`` records with the largest effective weight per region, ``;``-joined
    (as :func:`paradiplomacy.assess.scenarios.capacity`'s ``records``)."""
    out = np.full(n_regions, "", dtype=object)
    if index is None or len(index) == 0:
        return out
    sub = index[~closed_mask[index["instrument"]]]
    if len(sub) == 0:
        return out
    ri = sub["region"]
    ki = instrument_channel.argmax(axis=1)[sub["instrument"]]
    eff = sub["weight"] * a[ki] * w[used[ri], ki]
    positive = eff > 0
    ri, eff, position, uid = (
        ri[positive],
        eff[positive],
        sub["position"][positive],
        sub["uid"][positive],
    )
    if len(ri) == 0:
        return out
    order = np.lexsort((position, -eff, ri))
    ri, uid = ri[order], uid[order]
    starts = np.flatnonzero(np.r_[True, ri[1:] != ri[:-1]])
    sizes = np.diff(np.r_[starts, len(ri)])
    rank = np.arange(len(ri)) - np.repeat(starts, sizes)
    take = rank < n
    ri, uid, rank = ri[take], uid[take], rank[take]
    uid = uid.astype(str) if uid.dtype.kind == "S" else uid
    grid = np.full((n_regions, n), "", dtype=uid.dtype)
    grid[ri, rank] = uid
    joined = grid[:, 0]
    for j in range(1, n):  # n columns (3), not regions
        more = grid[:, j] != ""
        joined = np.where(more, np.char.add(np.char.add(joined, ";"), grid[:, j]), joined)
    out[:] = joined.astype(object)
    return out


# --- the engine ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkArrays:
    """Suitability of every region for both frameworks toward one partner (section 6)."""

    culture: np.ndarray
    political: np.ndarray
    recommended: np.ndarray
    sppi: np.ndarray
    ci_channels: np.ndarray
    events: np.ndarray
    iai_political: np.ndarray
    pp_channels: np.ndarray
    resilience: np.ndarray
    runs: np.ndarray | None = None
    """(F, R, N) suitability in every uncertainty run."""

    def explanation(self, culture_terms: np.ndarray, political_terms: np.ndarray) -> np.ndarray:
        """The explanation column of the suitability table, one string per region."""
        a, q = culture_terms, political_terms

        def f2(x: Any) -> np.ndarray:
            return np.char.mod("%.2f", np.asarray(x, dtype=float))

        parts = [
            "culture_image ", f2(self.culture), f" = {a[0]:.2f}*SPPI ", f2(self.sppi),
            f" + {a[1]:.2f}*channels ", f2(self.ci_channels), f" + {a[2]:.2f}*events ",
            f2(self.events), "; political_plus ", f2(self.political),
            f" = {q[0]:.2f}*IAI political ", f2(self.iai_political),
            f" + {q[1]:.2f}*channels ", f2(self.pp_channels), f" + {q[2]:.2f}*resilience ",
            f2(self.resilience), "; ", self.recommended.astype(str),
        ]  # fmt: skip
        out = np.asarray(parts[0])
        for part in parts[1:]:
            out = np.char.add(out, part)
        return np.broadcast_to(out, self.culture.shape).astype(object)

    def uncertainty(self, margin: float) -> dict[str, np.ndarray]:
        """q5, median, q95 of each framework and the share of runs recommending it."""
        q = quantiles(self.runs, [0.05, 0.5, 0.95], axis=2)
        diff = self.runs[0] - self.runs[1]
        both = np.abs(diff) <= margin + 1e-12
        out: dict[str, np.ndarray] = {}
        for f, name in enumerate(FRAMEWORKS):
            out[f"{name}_q5"] = q[0, f]
            out[f"{name}_median"] = q[1, f]
            out[f"{name}_q95"] = q[2, f]
        out["p_culture_image"] = ((diff > 0) | both).mean(axis=1)
        out["p_political_plus"] = ((diff < 0) | both).mean(axis=1)
        return out


@dataclass(frozen=True)
class CapacityArrays:
    """A scenario's answer as arrays in the table's region order (section 7)."""

    nc: np.ndarray
    """(F, R) normalisation capacity under each framework."""
    contributions: np.ndarray
    """(R, K) A * B' * w of the framework used."""
    chosen: np.ndarray
    capacity: np.ndarray
    rank: np.ndarray
    used: np.ndarray
    availability: np.ndarray
    raw: np.ndarray
    """(R, K) raw channel values with the scenario's instruments closed."""


class ScenarioEngine:
    """Frameworks and scenarios of one assessment, on arrays (see the module docstring).

    ``sppi``, ``iai_political`` (R,) are nominal scores, ``sppi_runs``, ``iai_runs`` (R, N)
    their uncertainty runs (NaN: left out), ``resilience`` (R, C') with ``resilience_partners``
    its columns, ``records`` a function of a partner giving its :func:`record_index` slice (or
    None), ``seed`` the seed of the capacity runs.
    """

    def __init__(
        self,
        arrays: ChannelArrays,
        parameters: ScenarioParameters,
        *,
        sppi: np.ndarray,
        iai_political: np.ndarray,
        sppi_runs: np.ndarray,
        iai_runs: np.ndarray,
        resilience: np.ndarray | None,
        resilience_partners: Sequence[str],
        records: Callable[[str], np.ndarray | None] | None = None,
        seed: int = 1,
        cache_size: int = 32,
    ) -> None:
        self.arrays = arrays
        self.parameters = parameters
        self.seed = seed
        self.records = records
        self._resilience = resilience
        self._resilience_partners = {p: n for n, p in enumerate(resilience_partners)}
        self._s = minmax(sppi)
        self._p = minmax(iai_political)
        self._s_runs = minmax(sppi_runs, axis=0)
        self._p_runs = minmax(iai_runs, axis=0)
        if self._s_runs.shape != self._p_runs.shape:
            raise ValueError("sppi_runs and iai_runs must have the same shape (regions x runs)")
        unknown = set(parameters.event_instruments) - set(arrays.instruments)
        if unknown:
            from .channels import AssessConfigError

            raise AssessConfigError(
                f"framework configuration: key 'culture_image.event_instruments': unknown "
                f"instruments {sorted(unknown)}"
            )
        self._events = arrays.event_evidence(parameters.event_instruments)
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._frameworks: OrderedDict[str, FrameworkArrays] = OrderedDict()
        self._strengths: OrderedDict[tuple[str, tuple[str, ...]], tuple[np.ndarray, ...]] = (
            OrderedDict()
        )
        self._draws: dict[tuple[int, int, float, float], tuple[np.ndarray, np.ndarray]] = {}

    # --- caches -------------------------------------------------------------------------

    def _remember(self, cache: OrderedDict, key: Any, value: Any) -> Any:
        with self._lock:
            cache[key] = value
            while len(cache) > self._cache_size:
                cache.popitem(last=False)
        return value

    def strengths(self, partner: str, closed: Sequence[str] = ()) -> tuple[np.ndarray, ...]:
        """(raw, strengths), both (R, K), toward ``partner`` with ``closed`` instruments."""
        key = (partner, tuple(sorted(set(closed))))
        found = self._strengths.get(key)
        if found is None:
            raw = self.arrays.raw(closed, partner)
            found = self._remember(self._strengths, key, (raw, self.arrays.scale(raw)))
        return found

    def resilience(self, partner: str) -> np.ndarray:
        """(R,) resilience of ties toward ``partner`` in [0, 1] (0 without ties)."""
        j = self._resilience_partners.get(partner)
        if self._resilience is None or j is None:
            values = np.zeros(len(self.arrays.regions))
        else:
            values = self._resilience[:, j]
        return np.clip(np.nan_to_num(np.asarray(values, dtype=float), nan=0.0), 0, 1)

    # --- frameworks (section 6) ---------------------------------------------------------

    def frameworks(self, partner: str) -> FrameworkArrays:
        """Suitability toward ``partner`` (computed once per partner)."""
        found = self._frameworks.get(partner)
        if found is not None:
            return found
        _, b = self.strengths(partner)
        ch = b @ self.parameters.channel_weights.T
        res = self.resilience(partner)
        a, q = self.parameters.culture_terms, self.parameters.political_terms
        s, p, ev = self._s, self._p, self._events
        culture = a[0] * s + a[1] * ch[:, 0] + a[2] * ev
        political = q[0] * p + q[1] * ch[:, 1] + q[2] * res
        culture_runs = a[0] * self._s_runs + (a[1] * ch[:, 0] + a[2] * ev)[:, None]
        political_runs = q[0] * self._p_runs + (q[1] * ch[:, 1] + q[2] * res)[:, None]
        found = FrameworkArrays(
            culture=culture,
            political=political,
            recommended=recommend(culture, political, self.parameters.margin),
            sppi=s,
            ci_channels=ch[:, 0],
            events=ev,
            iai_political=p,
            pp_channels=ch[:, 1],
            resilience=res,
            runs=np.stack([culture_runs, political_runs]),
        )
        return self._remember(self._frameworks, partner, found)

    def framework_columns(self, partner: str) -> dict[str, np.ndarray]:
        """The columns of the frameworks table toward ``partner`` (``Assessment.frameworks``):
        code, both suitabilities, recommended, explanation, the terms, and from the runs each
        framework's q5, median, q95 and the share of runs recommending it."""
        key = ("columns", partner)
        found = self._frameworks.get(key)
        if found is not None:
            return found
        fw = self.frameworks(partner)
        columns = {
            "code": np.asarray(self.arrays.regions, dtype=object),
            "culture_image": fw.culture,
            "political_plus": fw.political,
            "recommended": fw.recommended,
            "explanation": fw.explanation(
                self.parameters.culture_terms, self.parameters.political_terms
            ),
            "sppi": fw.sppi,
            "ci_channels": fw.ci_channels,
            "events": fw.events,
            "iai_political": fw.iai_political,
            "pp_channels": fw.pp_channels,
            "resilience": fw.resilience,
            **fw.uncertainty(self.parameters.margin),
        }
        return self._remember(self._frameworks, key, columns)

    # --- capacity (section 7) -----------------------------------------------------------

    def capacity(
        self,
        partner: str,
        level: int,
        closed: Sequence[str] = (),
        overrides: Mapping[str, float] | None = None,
        *,
        chosen: np.ndarray | None = None,
        at_level: int | None = None,
        name: str = "",
    ) -> CapacityArrays:
        """Capacity arrays of the scenario (``at_level`` replaces the level of the availability
        row, as for the country's level-0 total). ``chosen``: the recommended framework per
        region (default: the suitability's)."""
        raw, b = self.strengths(partner, closed)
        a = self.parameters.availability_row(
            self.arrays.channels, level, overrides or {}, at_level, name
        )
        if chosen is None:
            chosen = self.frameworks(partner).recommended
        return capacity_from(raw, b, a, self.parameters.channel_weights, chosen)

    def _draw(self, n: int, availability_noise: float, weight_noise: float):
        """The seeded noise of the capacity runs: (1 + U) factors of availability (n, K) and
        renormalised framework weights (n, F, K); the same for every scenario."""
        key = (n, self.seed, availability_noise, weight_noise)
        found = self._draws.get(key)
        if found is None:
            K = len(self.arrays.channels)
            F = len(FRAMEWORKS)
            rng = np.random.default_rng(self.seed)
            a_factor = 1 + rng.uniform(-availability_noise, availability_noise, (n, K))
            w_runs = self.parameters.channel_weights[None] * (
                1 + rng.uniform(-weight_noise, weight_noise, (n, F, K))
            )
            w_runs /= np.maximum(w_runs.sum(axis=2, keepdims=True), 1e-300)
            found = (a_factor, w_runs)
            with self._lock:
                self._draws[key] = found
        return found

    def p_top(
        self,
        partner: str,
        b: np.ndarray,
        a: np.ndarray,
        suitability_runs: np.ndarray | None,
        *,
        k: int = 10,
        n_runs: int = P_TOP_RUNS,
        availability_noise: float = AVAILABILITY_NOISE,
        weight_noise: float = WEIGHT_NOISE,
    ) -> np.ndarray:
        """(R,) probability of being among the top ``k`` by capacity (see
        :func:`p_top_arrays`)."""
        return p_top_arrays(
            b,
            a,
            self.parameters.channel_weights,
            suitability_runs,
            self.parameters.margin,
            k=k,
            n_runs=n_runs,
            availability_noise=availability_noise,
            weight_noise=weight_noise,
            seed=self.seed,
            draws=lambda n: self._draw(n, availability_noise, weight_noise),
        )

    def scenario(
        self,
        partner: str,
        level: int,
        closed: Sequence[str] = (),
        overrides: Mapping[str, float] | None = None,
        *,
        top: int = 10,
        name: str = "",
    ) -> dict[str, Any]:
        """Everything a scenario answers, as arrays in the table's region order and the
        country totals (section 7)."""
        fw = self.frameworks(partner)
        cap = self.capacity(partner, level, closed, overrides, chosen=fw.recommended, name=name)
        base = self.capacity(
            partner, level, (), overrides, chosen=fw.recommended, at_level=0, name=name
        )
        _, b = self.strengths(partner, closed)
        probabilities = self.p_top(partner, b, cap.availability, fw.runs, k=top)
        closed_mask = np.zeros(len(self.arrays.instruments), dtype=bool)
        closed_set = set(closed)
        closed_mask[
            np.array([n for n, i in enumerate(self.arrays.instruments) if i in closed_set], int)
        ] = True
        index = self.records(partner) if self.records is not None else None
        named = records_behind(
            index,
            closed_mask,
            self.arrays.instrument_channel,
            cap.availability,
            self.parameters.channel_weights,
            cap.used,
            len(self.arrays.regions),
        )
        return {
            "capacity": cap,
            "base": base,
            "p_top": probabilities,
            "records": named,
            "no_evidence": [
                k for k, seen in zip(self.arrays.channels, (cap.raw > 0).any(axis=0), strict=True)
                if not seen
            ],
        }  # fmt: skip


def capacity_from(
    raw: np.ndarray,
    b: np.ndarray,
    a: np.ndarray,
    w: np.ndarray,
    chosen: np.ndarray | Callable[[np.ndarray], np.ndarray],
) -> CapacityArrays:
    """NC of both frameworks, the capacity of the chosen one (the larger when ``both``), its
    per-channel contributions and ranks, from strengths ``b`` (R, K), the availability row
    ``a`` (K,) and framework weights ``w`` (F, K). ``chosen``: the recommended framework per
    region, or a function of NC (F, R) giving it."""
    contrib = (b * a)[None, :, :] * w[:, None, :]
    nc = contrib.sum(axis=2)
    if callable(chosen):
        chosen = chosen(nc)
    cap = np.where(
        chosen == "culture_image",
        nc[0],
        np.where(chosen == "political_plus", nc[1], nc.max(axis=0)),
    ).astype(float)
    used = np.where((chosen == "political_plus") | ((chosen == "both") & (nc[1] > nc[0])), 1, 0)
    per_channel = contrib[used, np.arange(len(cap)), :]
    return CapacityArrays(
        nc=nc,
        contributions=per_channel,
        chosen=chosen,
        capacity=cap,
        rank=ranks_descending(cap),
        used=used,
        availability=a,
        raw=raw,
    )


def p_top_arrays(
    b: np.ndarray,
    a: np.ndarray,
    w: np.ndarray,
    suitability_runs: np.ndarray | None,
    margin: float,
    *,
    k: int = 10,
    n_runs: int = P_TOP_RUNS,
    availability_noise: float = AVAILABILITY_NOISE,
    weight_noise: float = WEIGHT_NOISE,
    seed: int = 1,
    draws: Callable[[int], tuple[np.ndarray, np.ndarray]] | None = None,
) -> np.ndarray:
    """(R,) share of seeded runs in which each region has positive capacity and fewer than
    ``k`` regions have a strictly larger one, all runs at once (section 7 and
    :func:`paradiplomacy.assess.scenarios.p_top`). ``b`` (R, K) strengths, ``a`` (K,) the
    availability row, ``w`` (F, K) framework channel weights, ``suitability_runs`` (F, R, N)."""
    if not 0 <= availability_noise <= 1 or not 0 <= weight_noise <= 1:
        raise ValueError("availability_noise and weight_noise must be in [0, 1]")
    if k < 1:
        raise ValueError("k must be >= 1")
    R, K = b.shape
    F = len(FRAMEWORKS)
    n = suitability_runs.shape[2] if suitability_runs is not None else n_runs
    if draws is None:
        rng = np.random.default_rng(seed)
        a_factor = 1 + rng.uniform(-availability_noise, availability_noise, (n, K))
        w_runs = w[None] * (1 + rng.uniform(-weight_noise, weight_noise, (n, F, K)))
        w_runs /= np.maximum(w_runs.sum(axis=2, keepdims=True), 1e-300)
    else:
        a_factor, w_runs = draws(n)
    a_runs = np.clip(a * a_factor, 0, 1)
    # NC (F, N, R) = sum_k (b * a_run) * w_run, accumulated channel by channel: the same
    # products in the same order as ``einsum("rk,nk,nfk->frn")`` (bitwise; tested), a quarter
    # of its time; runs x regions so that the top-k partition runs along contiguous rows.
    ab = a_runs[:, None, :] * b[None, :, :]
    nc = np.empty((F, n, R))
    for f in range(F):  # 2 frameworks x K channels, each over all runs and regions
        acc = ab[:, :, 0] * w_runs[:, f, 0][:, None]
        for j in range(1, K):
            acc = acc + ab[:, :, j] * w_runs[:, f, j][:, None]
        nc[f] = acc
    if suitability_runs is not None:
        if suitability_runs.shape[:2] != (F, R):
            raise ValueError(f"suitability_runs: expected shape ({F}, {R}, runs)")
        diff = (suitability_runs[0] - suitability_runs[1]).T
        m = margin + 1e-12
        cap = np.where(diff > m, nc[0], np.where(diff < -m, nc[1], nc.max(axis=0)))
    else:
        cap = nc.max(axis=0)
    if k < R:
        threshold = -np.partition(-cap, k - 1, axis=1)[:, k - 1]
        top = (cap >= threshold[:, None]) & (cap > 0)
    else:
        top = cap > 0
    return top.mean(axis=0)


def totals(cap: np.ndarray, cap0: np.ndarray) -> dict[str, Any]:
    """Country totals of a capacity vector beside its level-0, nothing-closed one."""
    total = float(cap.sum())
    total0 = float(cap0.sum())
    shares = cap / total if total > 0 else np.zeros_like(cap)
    return {
        "total": total,
        "total_level0": total0,
        "resilience": total / total0 if total0 > 0 else None,
        "redundancy": float(1 / np.sum(shares**2)) if total > 0 else 0.0,
        "regions_with_capacity": int((cap > 0).sum()),
    }
