"""What the evidence covers, what is left out of the indices, and what each result rests on.

Real ledgers are sparse: a researcher brings one instrument for ten years, an analyst the visits
of one region. The assessment therefore distinguishes *missing* from *zero* (docs/coverage.md):

* An **instrument is covered** when the ledger holds evidence of it: at least one current
  activity record of it, or data of a statistic declared for it in the indicator catalogue
  (``statistics.<name>.instrument``, e.g. ``trade_turnover`` for ``trade``). For a covered
  instrument a region without records has zero activity; for an instrument that is not covered
  nothing is known.
* An **indicator is used** by its index when its evidence exists and is informative:

  - a ``ledger`` indicator needs at least one covered instrument among those it selects;
  - a ``statistic`` indicator needs its statistic (and, with ``per``, its denominator);
  - an ``events`` indicator needs GDELT events;
  - a ``structural`` indicator (registry facts) is always evidenced;

  and then passes the data-availability screen: the share of regions with a value
  (``Dat_Avail`` of COINr's ``Screen()``, applied to indicators: ``1 - N_missing / N_regions``)
  is at least ``min_availability`` (default 2/3, COINr's ``dat_thresh`` default), and the values
  vary (an indicator on which every region has the same value carries no information and cannot
  be min-max normalised).
* Screened-out indicators are removed from the hierarchy; an aggregate (pillar, sub-index) left
  with no children is dropped too; the weights of the remaining siblings are renormalised to sum
  to 1 within each parent. For arithmetic aggregation this is exactly what COINr's ``a_amean``
  does for a unit whose children are missing (weights re-normalised over the non-missing
  children; COMPOSITE-METHODS.md section 8), applied to every region at once.
* A region's **coverage** in an index is the share of the *full* model's weight that its value
  rests on: ``coverage(r) = sum_i W_i * used_i * available(r, i)``, with ``W_i`` the effective
  weight of indicator ``i`` in the full hierarchy (the product of its own and its ancestors'
  normalised weights, so ``sum_i W_i = 1``). Imputed values are not evidence, so they do not
  count. Coverage is in [0, 1] and can only fall when an instrument is dropped from the ledger.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ..indicators.definitions import (
    Catalogue,
    EventIndicator,
    LedgerIndicator,
    StatisticIndicator,
    instrument_ids,
)
from ..ledger.taxonomy import Taxonomy

__all__ = [
    "DEFAULT_MIN_AVAILABILITY",
    "IndexCoverage",
    "LedgerCoverage",
    "Screening",
    "index_coverage",
    "instrument_coverage",
    "leaf_weights",
    "ledger_coverage",
    "reduce_hierarchy",
]

DEFAULT_MIN_AVAILABILITY = 2 / 3
"""Default share of regions with a value below which an indicator is screened out (COINr
``Screen(dat_thresh = 2/3)``)."""


class Screening(BaseModel):
    """The data-availability screen of one index (key ``screening`` of an index configuration)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_availability: float = Field(
        DEFAULT_MIN_AVAILABILITY,
        ge=0.0,
        le=1.0,
        description="least share of regions with a value for an indicator to be used",
    )
    drop_constant: bool = Field(
        True, description="leave out an indicator on which every region has the same value"
    )


# ---------------------------------------------------------------------------- instruments
def instrument_coverage(
    record_counts: Mapping[str, int] | pd.Series,
    statistic_names: Iterable[str],
    catalogue: Catalogue,
    taxonomy: Taxonomy,
) -> pd.DataFrame:
    """Which instruments of the taxonomy the evidence covers.

    Args:
        record_counts: current activity records per instrument id (absent = 0).
        statistic_names: the statistics that have at least one value in the ledger.
        catalogue: the indicator catalogue (its declared statistics say which instrument each
            one measures).
        taxonomy: the instruments, with their nature and channel.

    Returns:
        One row per instrument (taxonomy order), index ``instrument``: ``nature``, ``channel``,
        ``records`` (int), ``statistics`` (names of the statistics with data, ``|``-joined),
        ``covered`` (bool).
    """
    counts = pd.Series(record_counts, dtype="float64") if len(record_counts) else pd.Series()
    present = set(statistic_names)
    rows = []
    for inst in taxonomy.instruments:
        stats = sorted(
            name
            for name, stat in catalogue.statistics.items()
            if stat.instrument == inst and name in present
        )
        n = int(counts.get(inst, 0) or 0)
        rows.append(
            {
                "instrument": inst,
                "nature": taxonomy.nature(inst),
                "channel": taxonomy.channel(inst),
                "records": n,
                "statistics": "|".join(stats),
                "covered": n > 0 or bool(stats),
            }
        )
    return pd.DataFrame(rows).set_index("instrument")


# ---------------------------------------------------------------------------- hierarchies
def _tops(hierarchy: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    tops = hierarchy.get("index") or []
    return [tops] if isinstance(tops, Mapping) else list(tops)


def _weight(node: Mapping[str, Any]) -> float:
    w = node.get("weight", 1.0)
    return 1.0 if w is None else float(w)


def leaf_weights(hierarchy: Mapping[str, Any]) -> pd.Series:
    """Effective weight of every leaf: the product of the normalised weights on its path.

    ``W_i = prod_{a in path(i)} w_a / sum_{s in siblings(a)} w_s`` (the top node has weight 1),
    so the leaves' weights sum to 1 when every aggregate has a positive weight sum. Leaves in
    the order written.
    """
    out: dict[str, float] = {}

    def walk(node: Mapping[str, Any], share: float) -> None:
        kids = node.get("children") or []
        if not kids:
            out[str(node["code"])] = share
            return
        total = sum(_weight(k) for k in kids)
        for kid in kids:
            walk(kid, share * (_weight(kid) / total if total > 0 else 0.0))

    for top in _tops(hierarchy):
        walk(top, 1.0)
    return pd.Series(out, dtype=float, name="weight")


def reduce_hierarchy(
    hierarchy: Mapping[str, Any], keep: Iterable[str]
) -> tuple[dict[str, Any], list[str]]:
    """The hierarchy with only the leaves in ``keep``, its empty aggregates dropped and the
    weights of every aggregate's remaining children renormalised to sum to 1.

    Returns the new hierarchy (a deep copy; the top node is kept even when it is left empty)
    and the codes of the aggregates that were dropped (children before their parents).
    """
    wanted = set(keep)
    dropped: list[str] = []

    def prune(node: Mapping[str, Any], top: bool) -> dict[str, Any] | None:
        node = dict(node)
        kids = node.get("children") or []
        if not kids:
            return node if str(node["code"]) in wanted else None
        kept = [k for k in (prune(kid, False) for kid in kids) if k is not None]
        if not kept and not top:
            dropped.append(str(node["code"]))
            return None
        total = sum(_weight(k) for k in kept)
        for k in kept:
            k["weight"] = _weight(k) / total if total > 0 else 1.0 / len(kept)
        node["children"] = kept
        return node

    out = copy.deepcopy(dict(hierarchy))
    tops = [prune(t, True) for t in _tops(hierarchy)]
    out["index"] = tops
    return out, dropped


def _aggregates(hierarchy: Mapping[str, Any]) -> dict[str, list[str]]:
    """Aggregate code -> the leaves below it."""
    out: dict[str, list[str]] = {}

    def walk(node: Mapping[str, Any]) -> list[str]:
        kids = node.get("children") or []
        if not kids:
            return [str(node["code"])]
        leaves = [leaf for kid in kids for leaf in walk(kid)]
        out[str(node["code"])] = leaves
        return leaves

    for top in _tops(hierarchy):
        walk(top)
    return out


# ---------------------------------------------------------------------------- screening
@dataclass(frozen=True)
class IndexCoverage:
    """What one index rests on (see the module docstring).

    ``indicators``: one row per indicator of the full hierarchy: code, kind, instruments (the
    instruments it selects), covered_instruments, availability (share of regions with a value),
    weight_full (its effective weight in the full model), used (bool), weight_used (effective
    weight in the reduced hierarchy; 0 when left out), reason (why it was left out; empty when
    used). ``aggregates``: aggregate code -> used (bool) and the reason when dropped.
    ``regions``: coverage per region in [0, 1]. ``hierarchy``: the reduced hierarchy.
    """

    index: str
    indicators: pd.DataFrame
    aggregates: pd.DataFrame
    regions: pd.Series
    hierarchy: dict[str, Any]
    screening: Screening

    @property
    def used(self) -> list[str]:
        return list(self.indicators.loc[self.indicators["used"], "code"])

    @property
    def dropped_aggregates(self) -> list[str]:
        return list(self.aggregates.index[~self.aggregates["used"]])

    @property
    def complete(self) -> bool:
        """True when every indicator of the full model is used."""
        return bool(self.indicators["used"].all())

    @property
    def weight_used(self) -> float:
        """Share of the full model's weight carried by the indicators used."""
        frame = self.indicators
        return float(frame.loc[frame["used"], "weight_full"].sum())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (used and left-out indicators with reasons, dropped aggregates)."""
        frame = self.indicators
        left = frame[~frame["used"]]
        return {
            "index": self.index,
            "weight_used": self.weight_used,
            "min_availability": self.screening.min_availability,
            "indicators_used": list(frame.loc[frame["used"], "code"]),
            "indicators_left_out": [
                {"code": str(r.code), "reason": str(r.reason)} for r in left.itertuples()
            ],
            "aggregates_dropped": [
                {"code": str(code), "reason": str(row.reason)}
                for code, row in self.aggregates[~self.aggregates["used"]].iterrows()
            ],
            "weights": {
                str(r.code): float(r.weight_used) for r in frame[frame["used"]].itertuples()
            },
        }


def _evidence_gap(
    code: str,
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    covered: set[str],
    statistics: set[str],
    events: bool,
) -> tuple[list[str], list[str], str]:
    """(instruments selected, covered ones, reason when no evidence exists at all)."""
    ind = _definition(catalogue, code)
    if isinstance(ind, LedgerIndicator):
        selected = instrument_ids(ind, taxonomy)
        hit = [i for i in selected if i in covered]
        reason = "" if hit else f"instrument not covered: no records of {', '.join(selected)}"
        return selected, hit, reason
    if isinstance(ind, StatisticIndicator):
        stat = catalogue.statistics.get(ind.statistic)
        selected = [stat.instrument] if stat is not None and stat.instrument else []
        hit = [i for i in selected if i in covered]
        if ind.statistic not in statistics:
            return selected, hit, f"no data of the statistic {ind.statistic!r}"
        return selected, hit, ""
    if isinstance(ind, EventIndicator):
        return [], [], "" if events else "no GDELT events in the ledger"
    return [], [], ""


def index_coverage(
    index: str,
    hierarchy: Mapping[str, Any],
    values: pd.DataFrame,
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    instruments: pd.DataFrame,
    statistic_names: Iterable[str],
    events_present: bool,
    screening: Screening | None = None,
) -> IndexCoverage:
    """Screen the indicators of one index and measure what each region's value rests on.

    Args:
        index: the index code (e.g. ``IAI``).
        hierarchy: the index's full hierarchy mapping (``IndexConfig.hierarchy``).
        values: region-by-indicator values (``compute_indicators``), NaN where missing.
        catalogue, taxonomy: the indicator definitions and instruments.
        instruments: :func:`instrument_coverage`.
        statistic_names: statistics with at least one value.
        events_present: whether the ledger holds GDELT events.
        screening: thresholds (default :class:`Screening`).
    """
    screening = screening or Screening()
    covered = set(instruments.index[instruments["covered"]])
    stats = set(statistic_names)
    full = leaf_weights(hierarchy)
    n = len(values.index)
    rows = []
    for code, weight in full.items():
        selected, hit, reason = _evidence_gap(
            code, catalogue, taxonomy, covered, stats, bool(events_present)
        )
        column = (
            values[code].to_numpy(dtype=float) if code in values.columns else np.full(n, np.nan)
        )
        available = ~np.isnan(column)
        availability = float(available.mean()) if n else 0.0
        if not reason:
            if not available.any():
                reason = "no data: every region is missing"
            elif availability < screening.min_availability - 1e-12:
                reason = (
                    f"data availability {availability:.2f} below the threshold "
                    f"{screening.min_availability:.2f}"
                )
            elif screening.drop_constant and np.nanmax(column) == np.nanmin(column):
                reason = f"no variation: every region with a value has {float(np.nanmax(column)):g}"
        rows.append(
            {
                "code": code,
                "kind": getattr(_definition(catalogue, code), "kind", ""),
                "instruments": "|".join(selected),
                "covered_instruments": "|".join(hit),
                "availability": availability,
                "weight_full": float(weight),
                "used": not reason,
                "reason": reason,
            }
        )
    frame = pd.DataFrame(rows)
    used = set(frame.loc[frame["used"], "code"])
    reduced, _dropped = reduce_hierarchy(hierarchy, used)
    weights_used = leaf_weights(reduced)
    frame["weight_used"] = frame["code"].map(weights_used).fillna(0.0).astype(float)
    frame.loc[~frame["used"], "weight_used"] = 0.0
    aggregates = pd.DataFrame(
        [
            {
                "code": code,
                "used": bool(used.intersection(leaves)),
                "reason": ""
                if used.intersection(leaves)
                else "every indicator below it was left out",
            }
            for code, leaves in _aggregates(hierarchy).items()
        ]
    ).set_index("code")
    # evidence per region: used indicators with a (non-imputed) value
    if len(frame):
        present = values.reindex(columns=list(frame["code"])).notna().to_numpy(dtype=float)
        w = (frame["weight_full"] * frame["used"]).to_numpy(dtype=float)
        region_share = np.clip(present @ w, 0.0, 1.0)
    else:
        region_share = np.zeros(n)
    regions = pd.Series(region_share, index=values.index, name=f"{index.lower()}_coverage")
    return IndexCoverage(
        index=index,
        indicators=frame,
        aggregates=aggregates,
        regions=regions,
        hierarchy=reduced,
        screening=screening,
    )


def _definition(catalogue: Catalogue, code: str) -> Any:
    for ind in catalogue.indicators:
        if ind.code == code:
            return ind
    return None


def covered_channels(instruments: pd.DataFrame, channels: Sequence[str]) -> dict[str, bool]:
    """Channel -> whether any of its instruments is covered."""
    by_channel = instruments.groupby("channel")["covered"].any()
    return {k: bool(by_channel.get(k, False)) for k in channels}


# ---------------------------------------------------------------------------- the whole ledger
@dataclass
class LedgerCoverage:
    """What the evidence behind one assessment covers.

    ``instruments``: :func:`instrument_coverage`; ``indices``: index code ->
    :class:`IndexCoverage`; ``cut_method``: how the class cut points were found (set by the
    classification step).
    """

    instruments: pd.DataFrame
    indices: dict[str, IndexCoverage]
    cut_method: str = ""

    @property
    def covered(self) -> list[str]:
        """Covered instruments, in taxonomy order."""
        return list(self.instruments.index[self.instruments["covered"]])

    @property
    def not_covered(self) -> list[str]:
        return list(self.instruments.index[~self.instruments["covered"]])

    @property
    def complete(self) -> bool:
        """True when every instrument is covered and every indicator used."""
        return not self.not_covered and all(c.complete for c in self.indices.values())

    def channels(self) -> dict[str, bool]:
        """Channel -> whether any of its instruments is covered (taxonomy channel order)."""
        order = list(dict.fromkeys(self.instruments["channel"]))
        return covered_channels(self.instruments, order)

    def label(self) -> str:
        """One line for every output: ``N of M instruments covered`` and what is absent."""
        n, m = len(self.covered), len(self.instruments)
        if not self.not_covered:
            return f"{n} of {m} instruments covered"
        return f"{n} of {m} instruments covered; not covered: {', '.join(self.not_covered)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: instruments covered and not, and per index the indicators used and left
        out with the reason, the dropped aggregates and the weights used."""
        inst = self.instruments
        return {
            "summary": self.label(),
            "complete": self.complete,
            "instruments_covered": [
                {
                    "instrument": str(i),
                    "records": int(row.records),
                    "statistics": [s for s in str(row.statistics).split("|") if s],
                }
                for i, row in inst[inst["covered"]].iterrows()
            ],
            "instruments_not_covered": self.not_covered,
            "channels": self.channels(),
            "cut_method": self.cut_method,
            "indices": {code: c.to_dict() for code, c in self.indices.items()},
        }


def ledger_coverage(
    records: pd.DataFrame,
    statistics: pd.DataFrame | None,
    events: pd.DataFrame | None,
    regions: Sequence[str],
    year: int,
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    index_configs: Mapping[str, Any],
    values: pd.DataFrame,
) -> LedgerCoverage:
    """Coverage of the evidence of the regions ``regions`` up to ``year``, and the screen of
    every index of ``index_configs`` (code -> :class:`~.indices.IndexConfig`) on ``values``."""
    scope = set(regions)
    recs = records[records["region"].isin(scope)]
    if "year" in recs.columns:
        recs = recs[pd.to_numeric(recs["year"], errors="coerce") <= year]
    if not len(recs):
        counts = pd.Series(dtype=int)
    elif "n" in recs.columns:  # a record cube (paradiplomacy.ledger.aggregates)
        counts = recs.groupby("instrument")["n"].sum()
    else:
        counts = recs.groupby("instrument").size()
    stats = statistics if statistics is not None else pd.DataFrame()
    names: set[str] = set()
    if len(stats):
        keep = stats["region"].isin(scope) & pd.to_numeric(stats["value"], errors="coerce").notna()
        keep &= pd.to_numeric(stats["year"], errors="coerce") <= year
        names = set(stats.loc[keep, "indicator"].astype(str))
    has_events = events is not None and len(events) > 0
    if has_events and "region" in events.columns:
        has_events = bool(events["region"].isin(scope).any())
    instruments = instrument_coverage(counts, names, catalogue, taxonomy)
    indices = {
        code: index_coverage(
            code,
            config.hierarchy,
            values,
            catalogue,
            taxonomy,
            instruments,
            names,
            has_events,
            getattr(config, "screening", None),
        )
        for code, config in index_configs.items()
    }
    return LedgerCoverage(instruments=instruments, indices=indices)
