"""The ledger's records aggregated by the database: the **record cube** the assessment reads.

The assessment never needs the records one by one: every indicator, the profile, the coverage,
the channel evidence and the resilience of ties are sums, counts and maxima over records
grouped by region, partner country, instrument, status and year. :func:`record_cube` computes
these aggregates with one SQL ``GROUP BY`` over the current (not superseded) records, in
SQLite or PostgreSQL, and reads back a frame whose size grows with regions x partners x
instruments x statuses x years, not with records (issue 13; docs/stored.md). SQLite walks the
index ``ix_activity_records_cube`` on exactly these columns, so the grouping needs no sort.

One row per ``(region, partner_country, instrument, status, year)`` with records, columns:

================  =========================================================================
``n``             records
``conf``          sum of confidence (a missing confidence counts 1)
``mag``           sum of magnitude (a missing magnitude counts 1)
``conf_mag``      sum of confidence x magnitude
``conf_max``      largest confidence
``synthetic``     records whose source starts with ``synthetic:`` (invented data)
``live``          records *live* at ``as_of``: dated on or before it (a record with only a year
                  is dated 1 July of it), not terminated, and not ended by a later
                  termination of their tie (same region, partner, tie instrument and partner
                  name; MODEL.md section 5)
``chan``          sum over live records in the channel window with confidence at least
                  ``min_confidence`` of ``conf^cw * 2 ** (-age / half_life) * m`` (``age`` in
                  years of 365.25 days before ``as_of``; ``m`` is ``log1p(max(magnitude, 0))``
                  for ``log_instruments``, else 1): the channel evidence before the status
                  weight, which is constant within the group
``res_before``    live active records of the resilience instruments dated in the
                  ``before_years`` before the partner's crisis date
``res_after``     the same in the ``after_years`` from the crisis date on
================  =========================================================================

:func:`cube_from_records` computes the same frame from records in memory (pandas), for
assessments built from a frame (tests, notebooks); a property test checks that both agree.
:func:`channel_records` reads the records behind a channel value by key (region and/or
partner) through the same index, with their weights, for explanations and scenario tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

__all__ = [
    "CUBE_COLUMNS",
    "CUBE_KEYS",
    "CubeSpec",
    "channel_records",
    "cube_from_records",
    "empty_cube",
    "frame_channel_records",
    "latest_year",
    "record_cube",
    "record_weights",
    "source_cube",
    "source_cube_of_records",
]

DAYS_PER_YEAR: float = 365.25
"""Days in a year of record age (the channel half-life and window are in these years)."""

CUBE_KEYS: tuple[str, ...] = ("region", "partner_country", "instrument", "status", "year")
"""The cube's grouping columns."""

CUBE_VALUES: tuple[str, ...] = ("n", "conf", "mag", "conf_mag", "conf_max", "synthetic", "live",
                                "chan", "res_before", "res_after")  # fmt: skip
CUBE_COLUMNS: tuple[str, ...] = CUBE_KEYS + CUBE_VALUES

READ_CACHE_KIB = 16_384
"""SQLite page cache (KiB) while the cube is read."""

_INTEGER_VALUES = ("n", "synthetic", "live", "res_before", "res_after")


@dataclass(frozen=True)
class CubeSpec:
    """The parameters of the date-dependent columns of the cube (``live``, ``chan``,
    ``res_*``): the channel configuration and the resilience settings of one ``as_of``
    (:mod:`paradiplomacy.assess.channels`, :mod:`paradiplomacy.assess.frameworks`).

    Plain values, so the ledger layer needs nothing from the assessment's configuration
    classes. Units: years of 365.25 days.
    """

    as_of: dt.date
    half_life: float = 5.0
    window: float | None = 10.0
    confidence_weighting: bool = True
    min_confidence: float = 0.0
    end_ties: bool = True
    tie_instruments: tuple[str, ...] = ()
    log_instruments: tuple[str, ...] = ()
    crisis_dates: Mapping[str, dt.date] = field(default_factory=dict)
    default_crisis_date: dt.date = dt.date(2014, 3, 18)
    before_years: float = 3.0
    after_years: float = 3.0
    resilience_instruments: tuple[str, ...] | None = None
    """None: every instrument."""


def empty_cube() -> pd.DataFrame:
    """A cube with no rows and the cube's columns and types."""
    frame = pd.DataFrame({k: pd.Series(dtype=object) for k in CUBE_KEYS})
    frame["year"] = frame["year"].astype("int64")
    for name in CUBE_VALUES:
        frame[name] = pd.Series(dtype="int64" if name in _INTEGER_VALUES else float)
    return frame


# ---------------------------------------------------------------------------- in SQL
def _sql_parts(dialect: str) -> dict[str, str]:
    """Dialect fragments: a record's date (1 July of its year without one) as a value that
    compares like a date, and the days from it to a bound date."""
    if dialect == "sqlite":
        return {
            "when": "COALESCE(r.date, printf('%04d-07-01', r.year))",
            "days_to": "(julianday({}) - julianday({}))",
        }
    if dialect == "postgresql":
        return {
            "when": "COALESCE(r.date, make_date(r.year, 7, 1))",
            "days_to": "CAST(CAST({} AS DATE) - {} AS DOUBLE PRECISION)",
        }
    raise ValueError(f"the record cube is computed in SQLite or PostgreSQL, not {dialect!r}")


def _in_list(name: str, values: Sequence[str], params: dict[str, Any]) -> str:
    """``(:name0, :name1, ...)`` with the values bound; ``(NULL)`` when empty (matches none)."""
    if not values:
        return "(NULL)"
    keys = []
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
        keys.append(f":{name}{i}")
    return "(" + ", ".join(keys) + ")"


def _first_day(test: Any, guess: float) -> dt.date:
    """The first date whose day number ``d`` (days since 1970-01-01) passes ``test(d)``, for a
    ``test`` that is false before some day and true from it on, evaluated in floating point
    exactly as the in-memory code does (so a threshold on dates in SQL selects the same
    records)."""
    day = int(np.floor(guess)) - 3
    while test(day):
        day -= 1
    while not test(day):
        day += 1
    return dt.date(1970, 1, 1) + dt.timedelta(days=day)


def _cube_sql(
    spec: CubeSpec,
    dialect: str,
    regions: Sequence[str] | None,
    region: str | None = None,
    partner: str | None = None,
) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The cube query, its parameters and its parts (``from``, ``where``, ``weight``: the SQL
    of the records' join, filter and channel weight). Date conditions are comparisons with
    dates computed here (:func:`_first_day`), so the database computes a record's age only
    for the weight."""
    p = _sql_parts(dialect)
    when = p["when"]
    cutoff = _days(spec.as_of)
    params: dict[str, Any] = {"as_of": spec.as_of}
    where = ["r." + _CURRENT]
    if regions is not None:
        where.append(f"r.region IN {_in_list('rg', list(regions), params)}")
    if region is not None:
        params["region"] = region
        where.append("r.region = :region")
    if partner is not None:
        params["partner"] = partner
        where.append("r.partner_country = :partner")
    ends, ended = "", "0 = 1"
    if spec.end_ties and spec.tie_instruments:
        ties = _in_list("tie", spec.tie_instruments, params)
        ends = (
            f" LEFT JOIN (SELECT r.region, r.partner_country, r.instrument, "
            f"COALESCE(r.partner_name, '') AS pn, MAX({when}) AS ended "
            f"FROM activity_records r WHERE {' AND '.join(where)} AND r.status = 'terminated' "
            f"AND r.instrument IN {ties} AND {when} <= :as_of "
            f"GROUP BY r.region, r.partner_country, r.instrument, COALESCE(r.partner_name, '')) e "
            f"ON e.region = r.region AND e.partner_country = r.partner_country "
            f"AND e.instrument = r.instrument AND e.pn = COALESCE(r.partner_name, '')"
        )
        ended = f"(e.ended IS NOT NULL AND {when} <= e.ended)"
    live = f"({when} <= :as_of AND r.status <> 'terminated' AND NOT {ended})"
    window = ""
    if spec.window is not None:
        params["window_from"] = _first_day(
            lambda d: (cutoff - d) / DAYS_PER_YEAR < spec.window, cutoff - spec.window * 365.25
        )
        window = f" AND {when} >= :window_from"
    params["min_conf"] = float(spec.min_confidence)
    params["half_life"] = float(spec.half_life)
    age = f"({p['days_to'].format(':as_of', when)} / {DAYS_PER_YEAR!r})"
    conf = " * r.confidence" if spec.confidence_weighting else ""
    logs = _in_list("lg", spec.log_instruments, params)
    magnitude = (
        f" * (CASE WHEN r.instrument IN {logs} THEN "
        f"ln(1.0 + (CASE WHEN r.magnitude > 0.0 THEN r.magnitude ELSE 0.0 END)) ELSE 1.0 END)"
    )
    two = "CAST(2.0 AS DOUBLE PRECISION)" if dialect == "postgresql" else "2.0"
    weight = (
        f"(CASE WHEN {live}{window} AND r.confidence >= :min_conf THEN "
        f"power({two}, -{age} / :half_life){conf}{magnitude} ELSE 0.0 END)"
    )
    # resilience windows as dates: before = [crisis - before_years, crisis),
    # after = [crisis, crisis + after_years], per partner's crisis date
    dates = dict(spec.crisis_dates)
    bounds: dict[str, tuple[dt.date, dt.date, dt.date]] = {}
    for key, crisis in [*dates.items(), ("", spec.default_crisis_date)]:
        c = _days(crisis)
        first = _first_day(lambda d, c=c: (d - c) / DAYS_PER_YEAR >= -spec.before_years,
                           c - spec.before_years * 365.25)  # fmt: skip
        past = _first_day(lambda d, c=c: (d - c) / DAYS_PER_YEAR > spec.after_years,
                          c + spec.after_years * 365.25)  # fmt: skip
        bounds[key] = (first, crisis, past)

    def per_partner(j: int, name: str) -> str:
        default = f":{name}_d"
        params[f"{name}_d"] = bounds[""][j]
        if not dates:
            return default
        cases = []
        for i, key in enumerate(sorted(dates)):
            params[f"{name}_p{i}"] = key
            params[f"{name}_v{i}"] = bounds[key][j]
            cases.append(f"WHEN :{name}_p{i} THEN :{name}_v{i}")
        return f"(CASE r.partner_country {' '.join(cases)} ELSE {default} END)"

    before_from, crisis_on, after_past = (per_partner(j, n) for j, n in
                                          enumerate(("rb", "rc", "ra")))  # fmt: skip
    res_instruments = ""
    if spec.resilience_instruments is not None:
        res_instruments = (
            f" AND r.instrument IN {_in_list('ri', spec.resilience_instruments, params)}"
        )
    resilient = f"{live} AND r.status = 'active'{res_instruments}"
    sql = f"""
        SELECT r.region, r.partner_country, r.instrument, r.status, r.year,
               COUNT(*) AS n,
               SUM(COALESCE(r.confidence, 1.0)) AS conf,
               SUM(COALESCE(r.magnitude, 1.0)) AS mag,
               SUM(COALESCE(r.confidence, 1.0) * COALESCE(r.magnitude, 1.0)) AS conf_mag,
               MAX(COALESCE(r.confidence, 1.0)) AS conf_max,
               SUM(CASE WHEN substr(r.source, 1, 10) = 'synthetic:' THEN 1 ELSE 0 END)
                   AS synthetic,
               SUM(CASE WHEN {live} THEN 1 ELSE 0 END) AS live,
               SUM({weight}) AS chan,
               SUM(CASE WHEN {resilient} AND {when} >= {before_from} AND {when} < {crisis_on}
                        THEN 1 ELSE 0 END) AS res_before,
               SUM(CASE WHEN {resilient} AND {when} >= {crisis_on} AND {when} < {after_past}
                        THEN 1 ELSE 0 END) AS res_after
        FROM activity_records r{ends}
        WHERE {" AND ".join(where)}
        GROUP BY r.region, r.partner_country, r.instrument, r.status, r.year
    """
    if dialect == "sqlite":  # dates are stored as ISO text
        params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
    parts = {"from": f"activity_records r{ends}", "where": " AND ".join(where), "weight": weight}
    return sql, params, parts


_CURRENT = "id NOT IN (SELECT supersedes_id FROM activity_records WHERE supersedes_id IS NOT NULL)"


def latest_year(store: Any) -> int | None:
    """The latest year of the ledger's current records (None without records)."""
    from sqlalchemy import text

    store.ensure()
    with store.engine.connect() as conn:
        value = conn.execute(text(f"SELECT MAX(year) FROM activity_records WHERE {_CURRENT}"))
        latest = value.scalar()
    return None if latest is None else int(latest)


def record_cube(
    store: Any,
    spec: CubeSpec,
    regions: Sequence[str] | None = None,
    *,
    chunk_rows: int = 10_000,
) -> pd.DataFrame:
    """The record cube of ``store``'s current records (see the module docstring), computed by
    the database; ``regions``: only these regions (None: all). Rows are fetched through the
    driver's cursor in chunks of ``chunk_rows`` and turned into columns per chunk, so memory
    follows the cube, not the ledger."""

    store.ensure()
    engine = store.engine
    sql, params, _ = _cube_sql(spec, engine.dialect.name, regions)
    parts = [
        _categorical(_typed(pd.DataFrame.from_records(rows, columns=list(CUBE_COLUMNS))))
        for rows in _fetch(engine, _statement(sql, params), chunk_rows)
    ]
    if not parts:
        return empty_cube()
    columns = {
        name: union_categoricals([part[name] for part in parts])
        if name in CUBE_KEYS[:4]
        else np.concatenate([part[name].to_numpy() for part in parts])
        for name in CUBE_COLUMNS
    }
    return pd.DataFrame(columns)


def _statement(sql: str, params: Mapping[str, Any]) -> Any:
    """``sql`` as a SQLAlchemy text clause with those of ``params`` it uses bound."""
    from sqlalchemy import text

    clause = text(sql)
    used = clause._bindparams  # the names that the text refers to
    return clause.bindparams(**{k: v for k, v in params.items() if k in used})


def _fetch(engine: Any, statement: Any, chunk_rows: int) -> Iterator[list[tuple]]:
    """The rows of ``statement`` in chunks, through the driver's own cursor (no row objects;
    a server-side cursor on PostgreSQL, so the rows stream)."""
    compiled = statement.compile(dialect=engine.dialect)
    if compiled.positiontup is not None:
        args: Any = tuple(compiled.params[name] for name in compiled.positiontup)
    else:
        args = compiled.params
    from paradiplomacy.ledger.store import store_cache_kib

    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        if sqlite:  # one pass over the ledger: a bulk import's large page cache is no help
            conn.exec_driver_sql(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
        cursor = dbapi.cursor() if sqlite else dbapi.cursor(name="paradiplomacy_aggregate")
        try:
            cursor.execute(compiled.string, args)
            while rows := cursor.fetchmany(chunk_rows):
                yield rows
        finally:
            cursor.close()
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA cache_size=-{store_cache_kib()}")


def _categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """The cube's text keys as categoricals: memory follows the distinct codes, not rows."""
    for name in CUBE_KEYS[:4]:
        frame[name] = frame[name].astype("category")
    return frame


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for name in CUBE_KEYS[:4]:
        frame[name] = frame[name].astype(object)
    frame["year"] = frame["year"].astype("int64")
    for name in CUBE_VALUES:
        if name in _INTEGER_VALUES:
            frame[name] = pd.to_numeric(frame[name]).fillna(0).astype("int64")
        else:
            frame[name] = pd.to_numeric(frame[name]).astype(float)
    return frame


# ---------------------------------------------------------------------------- in memory
def _day_numbers(records: pd.DataFrame) -> np.ndarray:
    """Each record's date (1 July of its year without one) as days since 1970-01-01."""
    dates = pd.to_datetime(records["date"], errors="coerce")
    years = pd.to_numeric(records["year"], errors="coerce").fillna(1970).astype("int64")
    mid = pd.to_datetime(
        pd.DataFrame({"year": years.to_numpy(), "month": 7, "day": 1}), errors="coerce"
    ).set_axis(records.index)
    when = dates.fillna(mid)
    return ((when - pd.Timestamp("1970-01-01")).dt.days).to_numpy(dtype=float)


def _days(value: dt.date) -> float:
    return float((value - dt.date(1970, 1, 1)).days)


def record_weights(records: pd.DataFrame, spec: CubeSpec) -> pd.DataFrame:
    """Per record: ``live`` (bool), ``weight`` (channel weight before the status weight, 0 when
    not counted) and ``day`` (days since 1970-01-01), with the formulas of the module
    docstring; the frame's index is kept."""
    day = _day_numbers(records)
    cutoff = _days(spec.as_of)
    status = records["status"].fillna("active").astype(str).to_numpy()
    terminated = status == "terminated"
    dated = day <= cutoff
    ended = np.zeros(len(records), dtype=bool)
    if spec.end_ties and spec.tie_instruments and len(records):
        name = records["partner_name"].fillna("").astype(str).to_numpy()
        key = pd.MultiIndex.from_arrays(
            [
                records["region"].astype(str).to_numpy(),
                records["partner_country"].astype(str).to_numpy(),
                records["instrument"].astype(str).to_numpy(),
                name,
            ]
        )
        ties = records["instrument"].isin(spec.tie_instruments).to_numpy()
        ending = terminated & ties & dated
        if ending.any():
            ends = pd.Series(day[ending], index=key[ending]).groupby(level=[0, 1, 2, 3]).max()
            last = ends.reindex(key).to_numpy()
            ended = ~np.isnan(last) & (day <= np.nan_to_num(last, nan=-np.inf))
    live = dated & ~terminated & ~ended
    age = (cutoff - day) / DAYS_PER_YEAR
    conf = pd.to_numeric(records["confidence"], errors="coerce").to_numpy(dtype=float)
    keep = live & (conf >= spec.min_confidence)
    if spec.window is not None:
        keep &= age < spec.window
    w = np.power(2.0, -age / spec.half_life)
    if spec.confidence_weighting:
        w = w * conf
    mag = pd.to_numeric(records["magnitude"], errors="coerce").to_numpy(dtype=float)
    logs = records["instrument"].isin(spec.log_instruments).to_numpy()
    w = np.where(logs, w * np.log1p(np.maximum(np.nan_to_num(mag, nan=0.0), 0.0)), w)
    w = np.where(keep, w, 0.0)
    return pd.DataFrame({"live": live, "weight": w, "day": day}, index=records.index)


def cube_from_records(records: pd.DataFrame, spec: CubeSpec) -> pd.DataFrame:
    """The record cube of ``records`` (current records, ``Store.records()`` columns), computed
    in memory with the same definitions as :func:`record_cube`."""
    if records is None or len(records) == 0:
        return empty_cube()
    rec = records
    weights = record_weights(rec, spec)
    conf = pd.to_numeric(rec["confidence"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
    mag = pd.to_numeric(rec["magnitude"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
    source = rec["source"].astype(str)
    status = rec["status"].fillna("active").astype(str)
    live = weights["live"].to_numpy()
    w = weights["weight"].to_numpy()
    crisis = rec["partner_country"].map({k: _days(v) for k, v in spec.crisis_dates.items()})
    crisis = crisis.fillna(_days(spec.default_crisis_date)).to_numpy(dtype=float)
    years = (weights["day"].to_numpy() - crisis) / DAYS_PER_YEAR
    resilient = live & (status.to_numpy() == "active")
    if spec.resilience_instruments is not None:
        resilient &= rec["instrument"].isin(spec.resilience_instruments).to_numpy()
    frame = pd.DataFrame(
        {
            "region": rec["region"].astype(str).to_numpy(),
            "partner_country": rec["partner_country"].astype(str).to_numpy(),
            "instrument": rec["instrument"].astype(str).to_numpy(),
            "status": status.to_numpy(),
            "year": pd.to_numeric(rec["year"], errors="coerce").fillna(-1).to_numpy(np.int64),
            "n": 1,
            "conf": conf,
            "mag": mag,
            "conf_mag": conf * mag,
            "conf_max": conf,
            "synthetic": source.str.startswith("synthetic:").to_numpy(dtype=np.int64),
            "live": live.astype(np.int64),
            "chan": w,
            "res_before": (resilient & (years < 0) & (years >= -spec.before_years)).astype(
                np.int64
            ),
            "res_after": (resilient & (years >= 0) & (years <= spec.after_years)).astype(np.int64),
        }
    )
    sums = {name: "sum" for name in CUBE_VALUES}
    sums["conf_max"] = "max"
    out = frame.groupby(list(CUBE_KEYS), sort=True, as_index=False).agg(sums)
    return _typed(out)


# ---------------------------------------------------------------------------- by source
SOURCE_KEYS: tuple[str, ...] = (*CUBE_KEYS, "source")
SOURCE_VALUES: tuple[str, ...] = ("n", "conf", "mag", "conf_mag", "conf_max")


def source_cube(store: Any, *, chunk_rows: int = 50_000) -> pd.DataFrame:
    """The current records grouped by the cube's keys and their ``source``, with ``n``,
    ``conf``, ``mag``, ``conf_mag`` and ``conf_max`` (module docstring): the provenance of
    every indicator value and the counts by source, computed by the database. Its size grows
    with the distinct sources (one per record where every record cites its own page)."""
    store.ensure()
    keys = ", ".join(f"r.{k}" for k in SOURCE_KEYS)
    sql = (
        f"SELECT {keys}, COUNT(*) AS n, SUM(COALESCE(r.confidence, 1.0)) AS conf, "
        f"SUM(COALESCE(r.magnitude, 1.0)) AS mag, "
        f"SUM(COALESCE(r.confidence, 1.0) * COALESCE(r.magnitude, 1.0)) AS conf_mag, "
        f"MAX(COALESCE(r.confidence, 1.0)) AS conf_max "
        f"FROM activity_records r WHERE r.{_CURRENT} GROUP BY {keys}"
    )
    columns = [*SOURCE_KEYS, *SOURCE_VALUES]
    parts = [
        pd.DataFrame.from_records(rows, columns=columns)
        for rows in _fetch(store.engine, _statement(sql, {}), chunk_rows)
    ]
    if not parts:
        return source_cube_of_records(pd.DataFrame(columns=[*CUBE_KEYS, "source"]))
    return _source_typed(pd.concat(parts, ignore_index=True))


def source_cube_of_records(records: pd.DataFrame) -> pd.DataFrame:
    """:func:`source_cube` of a records frame in memory."""
    conf = pd.to_numeric(records["confidence"], errors="coerce") if len(records) else None
    mag = pd.to_numeric(records["magnitude"], errors="coerce") if len(records) else None
    frame = pd.DataFrame({k: records[k].astype(str) for k in SOURCE_KEYS if k != "year"})
    frame["year"] = pd.to_numeric(records["year"], errors="coerce").fillna(-1).astype("int64")
    frame["n"] = 1
    frame["conf"] = conf.fillna(1.0) if conf is not None else pd.Series(dtype=float)
    frame["mag"] = mag.fillna(1.0) if mag is not None else pd.Series(dtype=float)
    frame["conf_mag"] = frame["conf"] * frame["mag"]
    frame["conf_max"] = frame["conf"]
    sums = {name: "sum" for name in SOURCE_VALUES}
    sums["conf_max"] = "max"
    out = frame.groupby(list(SOURCE_KEYS), sort=True, as_index=False).agg(sums)
    return _source_typed(out)


def _source_typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame["year"] = frame["year"].astype("int64")
    frame["n"] = frame["n"].astype("int64")
    for name in SOURCE_VALUES[1:]:
        frame[name] = frame[name].astype(float)
    return frame


# ---------------------------------------------------------------------------- by key
RECORD_COLUMNS: tuple[str, ...] = ("uid", "region", "partner_country", "partner_name",
                                   "instrument", "date", "year", "status", "source",
                                   "confidence", "magnitude")  # fmt: skip
"""The record columns :func:`channel_records` returns, with ``weight``."""


TOP_PARTITION: tuple[str, ...] = ("region", "partner_country", "instrument", "status")
"""``top`` records are kept per these columns: within one, a record's contribution to any
channel value or scenario is its weight times the same factor, so the heaviest ``top`` of every
partition hold the heaviest ``top`` of any value."""


def channel_records(
    store: Any,
    spec: CubeSpec,
    *,
    region: str | None = None,
    partner: str | None = None,
    regions: Sequence[str] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """The current records of ``region`` and/or ``partner`` with a positive channel weight
    (``weight``: before the status weight; module docstring), computed by the database, in
    ledger order. ``regions`` limits them to these regions (and lets SQLite find a partner's
    records through the cube index); ``top``: only the ``top`` heaviest of each
    :data:`TOP_PARTITION` (ties: the earlier record in ledger order). Read by key: only the
    records asked for are read."""
    store.ensure()
    engine = store.engine
    _, params, parts = _cube_sql(spec, engine.dialect.name, regions, region, partner)
    columns = ", ".join(f"r.{c}" for c in (*RECORD_COLUMNS, "batch_id", "source_row"))
    sql = (
        f"SELECT {columns}, {parts['weight']} AS weight FROM {parts['from']} "
        f"WHERE {parts['where']} AND {parts['weight']} > 0.0"
    )
    if top is not None:
        params["top"] = int(top)
        partition = ", ".join(TOP_PARTITION)
        sql = (
            f"SELECT * FROM (SELECT w.*, ROW_NUMBER() OVER (PARTITION BY {partition} "
            f"ORDER BY weight DESC, batch_id, source_row) AS rn FROM ({sql}) w) ranked "
            f"WHERE rn <= :top"
        )
    sql = f"SELECT {', '.join((*RECORD_COLUMNS, 'weight'))} FROM ({sql}) chosen " + (
        "ORDER BY batch_id, source_row"
    )
    rows = [row for chunk in _fetch(engine, _statement(sql, params), 50_000)
            for row in chunk]  # fmt: skip
    frame = pd.DataFrame.from_records(rows, columns=[*RECORD_COLUMNS, "weight"])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    frame["year"] = frame["year"].astype("int64")
    for name in ("confidence", "magnitude", "weight"):
        frame[name] = frame[name].astype(float)
    return frame


def frame_channel_records(
    records: pd.DataFrame,
    spec: CubeSpec,
    *,
    region: str | None = None,
    partner: str | None = None,
    regions: Sequence[str] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """:func:`channel_records` of a records frame in memory."""
    keep = np.ones(len(records), dtype=bool)
    if region is not None:
        keep &= (records["region"] == region).to_numpy()
    if partner is not None:
        keep &= (records["partner_country"] == partner).to_numpy()
    if regions is not None:
        keep &= records["region"].isin(list(regions)).to_numpy()
    # a tie's records (and its termination) share its region and partner: all are kept
    selected = records[keep]
    out = selected.assign(weight=record_weights(selected, spec)["weight"].to_numpy())
    columns = [c for c in RECORD_COLUMNS if c in out.columns]
    out = out.loc[out["weight"].to_numpy() > 0, [*columns, "weight"]]
    if top is not None:  # ties: the earlier record (ledger order) first
        ranked = out.sort_values("weight", ascending=False, kind="mergesort")
        chosen = ranked.groupby(list(TOP_PARTITION), sort=False).head(top).index
        out = out[out.index.isin(chosen)]
    return out
