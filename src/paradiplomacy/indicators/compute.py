"""Compute indicators per region for one year, and write them as COINr's iData and iMeta tables.

:func:`compute_indicators` evaluates every definition of a :class:`~.definitions.Catalogue`
(formulas in :mod:`paradiplomacy.indicators.definitions`; MODEL.md section 3) on the ledger's
records and statistics and on the region registry, vectorised: the records are encoded once as
integer arrays, and each ledger indicator is one boolean mask and one weighted ``bincount`` (or
one ``groupby`` for distinct partners), so about 50,000 records and 40 indicators take well under
a second.

:func:`indicator_tables` turns the values into COINr's two input tables (OECD/JRC Handbook on
Constructing Composite Indicators, 2008, step 2 "data"; COINr ``new_coin``): ``iData`` with one
row per region and ``iMeta`` describing the indicators and the aggregates of one or more index
hierarchies (the ``hierarchy`` of each index configuration), so that one iMeta table can describe
both indices when their indicator sets are disjoint.

:func:`provenance` and :func:`evidence` say which records and statistics are behind each value
("every number traceable to its evidence").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paradiplomacy.ledger.taxonomy import Taxonomy

from .definitions import (
    GRP,
    POPULATION,
    Catalogue,
    CatalogueError,
    EventIndicator,
    LedgerIndicator,
    StatisticIndicator,
    StructuralIndicator,
    instrument_ids,
)
from .events import region_event_indicators

__all__ = [
    "compute_indicators",
    "data_origin",
    "denominators",
    "evidence",
    "indicator_tables",
    "provenance",
]

REGISTRY_POPULATION = "population_2021"
"""Registry column used for ``per: capita`` when no population statistic is loaded."""

GROUP_COLUMNS: dict[str, str] = {"District_group": "federal_district", "Type_group": "type"}
"""iData group columns (COINr Type ``Group``) and the registry column each comes from."""


# ---------------------------------------------------------------------------- small helpers
def _scoped(regions: pd.DataFrame, scope_codes: Sequence[str] | None) -> pd.DataFrame:
    """The registry rows of ``scope_codes`` (all rows if None), in registry order."""
    if "code" in regions.columns and regions.index.name != "code":
        regions = regions.set_index("code", drop=False)
    if scope_codes is None:
        return regions
    wanted = set(scope_codes)
    unknown = sorted(wanted.difference(regions.index))
    if unknown:
        raise ValueError(f"scope_codes: expected region codes of the registry, got {unknown}")
    return regions[regions.index.isin(wanted)]


@dataclass(frozen=True)
class _Stats:
    """The statistics of the scoped regions as arrays (built once per call)."""

    index: pd.Index
    pos: np.ndarray  # region position in ``index``
    year: np.ndarray  # int
    indicator: np.ndarray  # object
    value: np.ndarray  # float
    source: np.ndarray  # object

    @classmethod
    def of(cls, statistics: pd.DataFrame | None, index: pd.Index) -> _Stats:
        if statistics is None or len(statistics) == 0:
            empty = np.zeros(0)
            return cls(index, empty.astype(np.intp), empty.astype(np.int64), empty, empty, empty)
        pos = index.get_indexer(statistics["region"].astype(str))
        value = pd.to_numeric(statistics["value"], errors="coerce").to_numpy(float)
        keep = (pos >= 0) & ~np.isnan(value)
        return cls(
            index=index,
            pos=pos[keep],
            year=pd.to_numeric(statistics["year"]).to_numpy(np.int64)[keep],
            indicator=statistics["indicator"].astype(str).to_numpy(dtype=object)[keep],
            value=value[keep],
            source=statistics["source"].astype(str).to_numpy(dtype=object)[keep],
        )

    def latest(
        self, name: str, target_year: int, max_age: int | None = None, latest: bool = True
    ) -> pd.DataFrame:
        """Per region: ``value``, ``year`` and ``source`` of statistic ``name`` for
        ``target_year`` or, with ``latest``, the latest year up to it (no older than
        ``target_year - max_age``). Regions without one get NaN / None."""
        n = len(self.index)
        value = np.full(n, np.nan)
        year = np.full(n, np.nan)
        source = np.full(n, None, dtype=object)
        keep = self.indicator == name
        keep &= (self.year <= target_year) if latest else (self.year == target_year)
        if latest and max_age is not None:
            keep &= self.year >= target_year - max_age
        if keep.any():
            pos, years = self.pos[keep], self.year[keep]
            order = np.lexsort((years, pos))  # by region, then year: the last of a region wins
            pos = pos[order]
            last = np.append(pos[1:] != pos[:-1], True)
            at = pos[last]
            value[at] = self.value[keep][order][last]
            year[at] = years[order][last]
            source[at] = self.source[keep][order][last]
        return pd.DataFrame({"value": value, "year": year, "source": source}, index=self.index)


def denominators(
    statistics: pd.DataFrame | None,
    regions: pd.DataFrame,
    year: int,
    scope_codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per region: ``Population`` (thousand persons) and ``GRP`` (billion RUB) for ``year``.

    Population: statistic ``population``, the latest value up to ``year``, else the registry's
    ``population_2021`` (a zero is treated as missing). GRP: statistic ``grp``, latest up to
    ``year``, else missing. Also ``population_source`` / ``grp_source`` (the statistic's source,
    or ``registry:population_2021``), for provenance.
    """
    regions = _scoped(regions, scope_codes)
    return _denominators(_Stats.of(statistics, regions.index), regions, year)


def _denominators(stats: _Stats, regions: pd.DataFrame, year: int) -> pd.DataFrame:
    index = regions.index
    pop = stats.latest(POPULATION, year)
    fallback = pd.to_numeric(regions[REGISTRY_POPULATION], errors="coerce").astype(float)
    use_registry = pop["value"].isna()
    population = pop["value"].where(~use_registry, fallback)
    pop_source = pop["source"].where(~use_registry, f"registry:{REGISTRY_POPULATION}")
    pop_source = pop_source.where(population.notna(), None)
    grp = stats.latest(GRP, year)
    out = pd.DataFrame(
        {
            "Population": population.replace(0.0, np.nan),
            "GRP": grp["value"].replace(0.0, np.nan),
            "population_source": pop_source.astype(object),
            "grp_source": grp["source"].astype(object),
        },
        index=index,
    )
    out.index.name = "code"
    return out


def data_origin(records: pd.DataFrame | None, statistics: pd.DataFrame | None = None) -> str:
    """``synthetic``, ``real``, ``mixed (synthetic and real)`` or ``none`` (no data), judged from
    the sources of the records (or a record cube's ``synthetic`` counts) and statistics
    (``synthetic:<version>`` marks invented data)."""
    total = synthetic = 0
    if records is not None and len(records) and is_cube(records):
        total += int(records["n"].sum())
        synthetic += int(records["synthetic"].sum())
        records = None
    sources = [
        frame[["source"]]
        for frame in (records, statistics)
        if frame is not None and len(frame) and "source" in frame.columns
    ]
    if sources:
        flags = pd.concat(sources, ignore_index=True)["source"].astype(str)
        marked = flags.str.startswith("synthetic:")
        total += len(flags)
        synthetic += int(marked.sum())
    if total == 0:
        return "none"
    if synthetic == total:
        return "synthetic"
    return "mixed (synthetic and real)" if synthetic else "real"


# ---------------------------------------------------------------------------- the ledger, encoded
def is_cube(frame: pd.DataFrame) -> bool:
    """True when ``frame`` is a record cube (:mod:`paradiplomacy.ledger.aggregates`): records
    aggregated by region, partner, instrument, status and year, not records one by one."""
    return "n" in frame.columns and "conf_max" in frame.columns


@dataclass(frozen=True)
class _Encoded:
    """Records, or the record cube's rows (groups of records), as integer and float arrays
    (built once per call). For records, each row is a group of one."""

    n_regions: int
    pos: np.ndarray  # region position in the scoped registry, -1 outside it
    year: np.ndarray  # int
    instrument: np.ndarray  # codes into ``instruments``
    instruments: np.ndarray
    status: np.ndarray  # codes into ``statuses``
    statuses: np.ndarray
    partner: np.ndarray  # codes into ``partner_codes``
    partner_codes: np.ndarray
    macro: np.ndarray  # codes into ``macro_codes``, -1 unknown
    macro_codes: np.ndarray
    n: np.ndarray  # records in the row
    conf: np.ndarray  # sum of confidence
    mag: np.ndarray  # sum of magnitude
    conf_mag: np.ndarray  # sum of confidence x magnitude
    conf_max: np.ndarray  # largest confidence

    @classmethod
    def of(cls, frame: pd.DataFrame, index: pd.Index, partners: pd.DataFrame) -> _Encoded:
        """Encode records (``Store.records()`` columns) or a record cube."""
        pos = pd.Index(index).get_indexer(frame["region"].astype(str))
        instrument, instruments = pd.factorize(frame["instrument"].astype(str))
        status, statuses = pd.factorize(frame["status"].fillna("active").astype(str))
        partner, partner_codes = pd.factorize(frame["partner_country"].astype(str))
        macro_by_partner = _macro_table(partners)
        macro_names = macro_by_partner.reindex(np.asarray(partner_codes)).to_numpy()
        macro_of_code, macro_codes = pd.factorize(pd.Series(macro_names, dtype=object))
        macro = macro_of_code[partner] if len(partner) else np.zeros(0, dtype=np.intp)
        if is_cube(frame):
            n = frame["n"].to_numpy(dtype=float)
            conf = frame["conf"].to_numpy(dtype=float)
            mag = frame["mag"].to_numpy(dtype=float)
            conf_mag = frame["conf_mag"].to_numpy(dtype=float)
            conf_max = frame["conf_max"].to_numpy(dtype=float)
        else:
            confidence = pd.to_numeric(frame["confidence"], errors="coerce").to_numpy(float)
            magnitude = pd.to_numeric(frame["magnitude"], errors="coerce").to_numpy(float)
            conf = np.where(np.isnan(confidence), 1.0, confidence)
            mag = np.where(np.isnan(magnitude), 1.0, magnitude)
            n = np.ones(len(frame))
            conf_mag = conf * mag
            conf_max = conf
        return cls(
            n_regions=len(index),
            pos=np.asarray(pos),
            year=pd.to_numeric(frame["year"], errors="coerce").fillna(-1).to_numpy(np.int64),
            instrument=np.asarray(instrument),
            instruments=np.asarray(instruments, dtype=object),
            status=np.asarray(status),
            statuses=np.asarray(statuses, dtype=object),
            partner=np.asarray(partner),
            partner_codes=np.asarray(partner_codes, dtype=object),
            macro=np.asarray(macro),
            macro_codes=np.asarray(macro_codes, dtype=object),
            n=n,
            conf=conf,
            mag=mag,
            conf_mag=conf_mag,
            conf_max=conf_max,
        )

    def mask(self, ind: LedgerIndicator, taxonomy: Taxonomy, year: int) -> np.ndarray:
        """Rows selected by ``ind`` for indicator year ``year``."""
        keep = (self.pos >= 0) & (self.year <= year)
        first = ind.first_year(year)
        if first is not None:
            keep &= self.year >= first
        chosen = set(instrument_ids(ind, taxonomy))
        if chosen != set(taxonomy.instruments):
            keep &= np.isin(self.instruments, list(chosen))[self.instrument]
        if ind.exclude_statuses:
            keep &= ~np.isin(self.statuses, ind.exclude_statuses)[self.status]
        if ind.partners is not None:
            keep &= np.isin(self.partner_codes, ind.partners)[self.partner]
        if ind.macro_regions is not None:
            ok = np.append(np.isin(self.macro_codes, ind.macro_regions), False)
            keep &= ok[self.macro]  # -1 (unknown) reads the appended False
        return keep

    def decay(self, ind: LedgerIndicator, year: int) -> np.ndarray:
        """``0.5 ** ((Y - year_j) / half_life)`` per row (1 without a half-life)."""
        if ind.half_life is None:
            return np.ones(len(self.year))
        return np.power(0.5, (year - self.year) / ind.half_life)

    def weights(self, ind: LedgerIndicator, year: int) -> np.ndarray:
        """Per row, the sum of ``w_j = c_j^[confidence_weighted] * 0.5 ** ((Y - year_j) /
        half_life)`` over its records (for records: each record's ``w_j``)."""
        base = self.conf if ind.confidence_weighted else self.n
        if ind.half_life is None:
            return base.copy()
        return base * self.decay(ind, year)

    def measure(self, ind: LedgerIndicator, taxonomy: Taxonomy, year: int) -> np.ndarray:
        """The indicator's raw value per region (before any ``per``)."""
        m = self.mask(ind, taxonomy, year)
        pos = self.pos[m]
        n = self.n_regions
        if ind.measure == "count":
            return np.bincount(pos, weights=self.weights(ind, year)[m], minlength=n).astype(float)
        if ind.measure == "sum_magnitude":
            base = self.conf_mag if ind.confidence_weighted else self.mag
            w = base[m] if ind.half_life is None else base[m] * self.decay(ind, year)[m]
            return np.bincount(pos, weights=w, minlength=n).astype(float)
        # the heaviest record of each (region, partner or macro-region) counts
        heaviest = self.conf_max if ind.confidence_weighted else np.ones(len(self.n))
        w = heaviest[m] if ind.half_life is None else heaviest[m] * self.decay(ind, year)[m]
        if ind.measure == "distinct_partners":
            other = self.partner[m]
            width = max(len(self.partner_codes), 1)
        else:  # distinct_macro_regions
            other = self.macro[m]
            known = other >= 0
            pos, other, w = pos[known], other[known], w[known]
            width = max(len(self.macro_codes), 1)
        if len(pos) == 0:
            return np.zeros(n)
        key = pos.astype(np.int64) * width + other
        best = pd.Series(w).groupby(key, sort=False).max()
        owner = (best.index.to_numpy() // width).astype(np.intp)
        return np.bincount(owner, weights=best.to_numpy(), minlength=n).astype(float)


def _macro_table(partners: pd.DataFrame) -> pd.Series:
    """Partner alpha-2 -> macro-region id."""
    table = partners
    if "alpha2" in table.columns:
        table = table.set_index("alpha2")
    return table["macro_region"].astype(object)


def _structural(ind: StructuralIndicator, regions: pd.DataFrame) -> np.ndarray:
    fact = ind.structural
    if fact in ("land_border_countries", "sea_border_countries", "kin_states"):
        column = {"land_border_countries": "land_borders", "sea_border_countries": "sea_borders"}
        text = regions[column.get(fact, fact)].fillna("").astype(str)
        return np.where(text.str.len() > 0, text.str.count(r"\|") + 1, 0).astype(float)
    if fact == "federal_city":
        return (regions["type"].astype(str) == "federal_city").to_numpy(float)
    return regions[fact].fillna(False).astype(bool).to_numpy(float)


# ---------------------------------------------------------------------------- main entry
def compute_indicators(
    records: pd.DataFrame,
    statistics: pd.DataFrame | None,
    regions: pd.DataFrame,
    partners: pd.DataFrame,
    taxonomy: Taxonomy,
    year: int,
    catalogue: Catalogue,
    scope_codes: Sequence[str] | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every indicator of ``catalogue`` for every region, for indicator year ``year``.

    Args:
        records: ledger records (``Store.records()`` columns; at least region, partner_country,
            instrument, year, status, magnitude, confidence, source). Pass current records (the
            store's default); superseded ones would be counted too.
        statistics: long-form statistics (region, year, indicator, value, source) or None.
        regions: the region registry frame (``RegionRegistry.to_frame(scope)``), indexed by
            code; its rows and their order are the result's rows.
        partners: the partner registry frame (``PartnerRegistry.to_frame()``).
        taxonomy: instruments with their nature and channel.
        year: the indicator year ``Y``.
        catalogue: the definitions (formulas: :mod:`paradiplomacy.indicators.definitions`).
        scope_codes: keep only these regions (registry order kept).
        events: GDELT events (``paradiplomacy.ledger.events.query_events``) for ``events``
            indicators; without them those indicators are NaN.

    Returns:
        One float column per indicator (catalogue order), index = region code (registry
        order). Ledger indicators are 0 for a region without matching records; a statistic
        indicator is NaN where the statistic is missing, and a ``per`` indicator where its
        denominator is. ``attrs``: ``year``, ``data_origin`` (``synthetic``, ``real``,
        ``mixed (synthetic and real)`` or ``none``, from the sources of the records and
        statistics of the regions), ``catalogue`` (its file).
    """
    regions = _scoped(regions, scope_codes)
    index = regions.index
    statistics = _empty_statistics() if statistics is None else statistics
    encoded = _Encoded.of(records, index, partners)
    stats = _Stats.of(statistics, index)
    dens = _denominators(stats, regions, year)
    columns: dict[str, np.ndarray] = {}
    event_values = None
    for ind in catalogue.indicators:
        if isinstance(ind, LedgerIndicator):
            value = encoded.measure(ind, taxonomy, year)
        elif isinstance(ind, StatisticIndicator):
            value = _statistic(stats, ind, year)["value"].to_numpy(float)
        elif isinstance(ind, EventIndicator):
            if events is None:
                value = np.full(len(index), np.nan)
            else:
                if event_values is None:
                    event_values = region_event_indicators(events, year, list(index))
                value = event_values[ind.event].to_numpy(float)
        else:
            value = _structural(ind, regions)
        if ind.per == "capita":
            value = value / dens["Population"].to_numpy(float)
        elif ind.per == "grp":
            value = value / dens["GRP"].to_numpy(float)
        columns[ind.code] = value
    out = pd.DataFrame(columns, index=index, dtype=float)
    out.index.name = "code"
    in_scope_records = records[records["region"].isin(index)]
    in_scope_stats = statistics[statistics["region"].isin(index)]
    out.attrs = {
        "year": int(year),
        "data_origin": data_origin(in_scope_records, in_scope_stats),
        "catalogue": catalogue.source,
    }
    return out


def _empty_statistics() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": pd.Series(dtype=object),
            "year": pd.Series(dtype=int),
            "indicator": pd.Series(dtype=object),
            "value": pd.Series(dtype=float),
            "source": pd.Series(dtype=object),
        }
    )


def _statistic(stats: _Stats, ind: StatisticIndicator, year: int) -> pd.DataFrame:
    return stats.latest(ind.statistic, year + ind.year_offset, ind.max_age, ind.latest)


# ---------------------------------------------------------------------------- COINr tables
def indicator_tables(
    values: pd.DataFrame,
    regions: pd.DataFrame,
    catalogue: Catalogue,
    hierarchies: Sequence[Mapping[str, Any]],
    denominators: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr's ``iData`` and ``iMeta`` for ``values`` and the index ``hierarchies``.

    ``iData``: ``uCode`` (region code), ``uName`` (English name), ``Time`` (the indicator year,
    from ``values.attrs``), the groups ``District_group`` (federal district) and ``Type_group``
    (constitutional type), the denominators ``Population`` (thousand persons) and ``GRP``
    (billion RUB; only when ``denominators`` is given; without it Population is the registry's
    ``population_2021``), ``Data_origin`` (synthetic / real / mixed, type Other) when known, then
    the indicators used by the hierarchies, in the order written.

    ``iMeta``: one row per indicator (name, unit and direction from its definition, weight from
    the hierarchy), then the aggregates of every hierarchy (levels counted from the indicators,
    level 1, up), then the unit columns. Codes must not repeat across hierarchies (the two
    default indices use disjoint indicator sets). Raises :class:`CatalogueError` (a
    ``ValueError``) naming the hierarchy and key.
    """
    rows: list[dict[str, Any]] = []
    leaves: list[str] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for h, hierarchy in enumerate(hierarchies):
        label = f"hierarchies[{h}]"
        resolved = catalogue.resolve_hierarchy(hierarchy, label)
        for row in _meta_rows(resolved):
            code = row["iCode"]
            if code in seen:
                problems.append(
                    f"{label}: code {code!r} is already used by {seen[code]}; expected disjoint "
                    "codes so that one iMeta can describe every index"
                )
                continue
            seen[code] = label
            rows.append(row)
            if row["Type"] == "Indicator":
                leaves.append(code)
        for k, column in enumerate(hierarchy.get("unit_columns") or []):
            name = column.get("code") if isinstance(column, Mapping) else column
            if name not in (*GROUP_COLUMNS, "Population", "GRP", "Data_origin"):
                problems.append(
                    f"{label}: unit_columns[{k}]: expected one of the iData columns "
                    f"{', '.join([*GROUP_COLUMNS, 'Population', 'GRP', 'Data_origin'])}, "
                    f"got {name!r}"
                )
    missing = [c for c in leaves if c not in values.columns]
    if missing:
        problems.append(
            f"values: expected a column for every indicator of the hierarchies; missing "
            f"{', '.join(missing)}"
        )
    if problems:
        raise CatalogueError(problems)

    regions = _scoped(regions, list(values.index))
    regions = regions.loc[values.index]
    idata = pd.DataFrame({"uCode": values.index.astype(str), "uName": regions["name_en"]})
    if "year" in values.attrs:
        idata["Time"] = int(values.attrs["year"])
    for column, source in GROUP_COLUMNS.items():
        idata[column] = regions[source].astype(str).to_numpy()
    if denominators is not None:
        dens = denominators.reindex(values.index)
        idata["Population"] = dens["Population"].to_numpy(float)
        idata["GRP"] = dens["GRP"].to_numpy(float)
    else:
        idata["Population"] = pd.to_numeric(regions[REGISTRY_POPULATION], errors="coerce")
    origin = values.attrs.get("data_origin")
    if origin:
        idata["Data_origin"] = origin
    for code in leaves:
        idata[code] = values[code].to_numpy(float)
    idata = idata.reset_index(drop=True)

    units = [{"iCode": c, "iName": c, "Type": "Group"} for c in GROUP_COLUMNS]
    units.append({"iCode": "Population", "iName": "Population (thousand persons)"})
    units[-1]["Type"] = "Denominator"
    if "GRP" in idata.columns:
        units.append(
            {"iCode": "GRP", "iName": "Gross regional product (billion RUB)", "Type": "Denominator"}
        )
    if "Data_origin" in idata.columns:
        units.append({"iCode": "Data_origin", "iName": "Data origin", "Type": "Other"})
    meta = pd.DataFrame(rows)
    meta = pd.concat(
        [meta[meta["Type"] == "Indicator"], meta[meta["Type"] != "Indicator"]], ignore_index=True
    )
    unit_rows = pd.DataFrame(units)
    unit_rows["Level"] = np.nan
    unit_rows["Direction"] = np.nan
    unit_rows["Weight"] = np.nan
    unit_rows["Parent"] = None
    unit_rows["Unit"] = None
    imeta = pd.concat([meta, unit_rows], ignore_index=True)
    imeta = imeta[["Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type", "Unit"]]
    return idata, imeta


def _meta_rows(hierarchy: Mapping[str, Any]) -> list[dict[str, Any]]:
    """iMeta rows of a resolved hierarchy, nodes in the order written (leaves are level 1)."""

    def depth(node: Mapping[str, Any]) -> int:
        kids = node.get("children") or []
        return 1 if not kids else 1 + max(depth(k) for k in kids)

    rows: list[dict[str, Any]] = []

    def walk(node: Mapping[str, Any], parent: str | None, level: int) -> None:
        kids = node.get("children") or []
        rows.append(
            {
                "Level": level,
                "iCode": str(node["code"]),
                "iName": str(node.get("name", node["code"])),
                "Direction": int(node.get("direction", 1)),
                "Weight": float(node.get("weight", 1)),
                "Parent": parent,
                "Type": "Aggregate" if kids else "Indicator",
                "Unit": node.get("unit"),
            }
        )
        for child in kids:
            walk(child, str(node["code"]), level - 1)

    tops = hierarchy["index"]
    tops = [tops] if isinstance(tops, Mapping) else list(tops)
    top = max(depth(t) for t in tops)
    for t in tops:
        walk(t, None, top)
    return rows


# ---------------------------------------------------------------------------- provenance
def evidence(
    records: pd.DataFrame,
    regions: pd.DataFrame,
    partners: pd.DataFrame,
    taxonomy: Taxonomy,
    year: int,
    indicator: LedgerIndicator,
    region: str | None = None,
) -> pd.DataFrame:
    """The records behind a ledger indicator's value (all regions, or one ``region``), with the
    ``weight`` each record has in it (``w_j`` of the definitions module); heaviest first."""
    encoded = _Encoded.of(records, _scoped(regions, None).index, partners)
    keep = encoded.mask(indicator, taxonomy, year)
    if region is not None:
        keep &= records["region"].astype(str).to_numpy() == region
    out = records[keep].copy()
    out["weight"] = encoded.weights(indicator, year)[keep]
    if indicator.measure == "sum_magnitude":
        out["contribution"] = out["weight"] * encoded.mag[keep]
    return out.sort_values(["region", "weight"], ascending=[True, False], kind="stable")


def provenance(
    records: pd.DataFrame,  # or their source cube (paradiplomacy.ledger.aggregates)
    statistics: pd.DataFrame | None,
    regions: pd.DataFrame,
    partners: pd.DataFrame,
    taxonomy: Taxonomy,
    year: int,
    catalogue: Catalogue,
    scope_codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per region and indicator, the evidence behind the value of :func:`compute_indicators`.

    Long form: ``region, indicator, kind, records`` (records or statistic values used),
    ``weight`` (sum of record weights; 1 for a statistic found), ``first_year, last_year``
    (years of the evidence), ``sources`` (distinct sources, sorted, joined by ``" | "``; a
    ``per`` indicator adds its denominator's source; structural facts say
    ``registry:<field>``). A region with no evidence for an indicator has ``records`` 0.
    """
    regions = _scoped(regions, scope_codes)
    index = regions.index
    statistics = _empty_statistics() if statistics is None else statistics
    encoded = _Encoded.of(records, index, partners)
    sources = records["source"].astype(str).to_numpy()
    counts = encoded.n
    stats = _Stats.of(statistics, index)
    dens = _denominators(stats, regions, year)
    parts: list[pd.DataFrame] = []
    for ind in catalogue.indicators:
        frame = pd.DataFrame(
            {
                "region": index,
                "indicator": ind.code,
                "kind": ind.kind,
                "records": 0,
                "weight": 0.0,
                "first_year": np.nan,
                "last_year": np.nan,
                "sources": "",
            }
        )
        if isinstance(ind, LedgerIndicator):
            m = encoded.mask(ind, taxonomy, year)
            pos, years = encoded.pos[m], encoded.year[m].astype(float)
            n = len(index)
            first = np.full(n, np.inf)
            last = np.full(n, -np.inf)
            np.minimum.at(first, pos, years)
            np.maximum.at(last, pos, years)
            frame["records"] = np.bincount(pos, weights=counts[m], minlength=n).astype(int)
            frame["weight"] = np.bincount(pos, weights=encoded.weights(ind, year)[m], minlength=n)
            frame["first_year"] = np.where(np.isfinite(first), first, np.nan)
            frame["last_year"] = np.where(np.isfinite(last), last, np.nan)
            src = (
                pd.DataFrame({"pos": pos, "source": sources[m]})
                .drop_duplicates()
                .sort_values(["pos", "source"])
                .groupby("pos")["source"]
                .agg(" | ".join)
            )
            frame.loc[src.index.to_numpy(), "sources"] = src.to_numpy()
        elif isinstance(ind, StatisticIndicator):
            found = _statistic(stats, ind, year)
            has = found["value"].notna().to_numpy()
            frame["records"] = has.astype(int)
            frame["weight"] = has.astype(float)
            frame["first_year"] = found["year"].to_numpy(float)
            frame["last_year"] = found["year"].to_numpy(float)
            frame["sources"] = found["source"].fillna("").astype(str).to_numpy()
        elif isinstance(ind, EventIndicator):
            frame["records"] = 0
            frame["weight"] = 0.0
            frame["sources"] = "GDELT events table (paradiplomacy events)"
        else:
            frame["records"] = 1
            frame["weight"] = 1.0
            frame["sources"] = f"registry:{_registry_field(ind)}"
        if ind.per is not None:
            column = "population_source" if ind.per == "capita" else "grp_source"
            extra = dens[column].fillna("").astype(str).to_numpy()
            frame["sources"] = [
                " | ".join(s for s in (a, b) if s) if b not in a.split(" | ") else a
                for a, b in zip(frame["sources"].to_numpy(), extra, strict=True)
            ]
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out["records"] = out["records"].astype(int)
    return out


def _registry_field(ind: StructuralIndicator) -> str:
    return {
        "land_border_countries": "land_borders",
        "sea_border_countries": "sea_borders",
        "federal_city": "type",
    }.get(ind.structural, ind.structural)
