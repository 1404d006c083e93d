"""Pages of a region's current activity records, read by SQL (the dashboard's record lists).

The dashboard lists a region's records newest first, a page at a time; on a large ledger it
asks the database for one page instead of holding every record in memory. The order is the one
the dashboard has always shown: by date, newest first, records without a date last, then by
``uid``. Only current records (not superseded) are listed, as :meth:`Store.records` does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from .models import ActivityRecord

COLUMNS = ("uid", "partner_country", "partner_name", "instrument", "date", "year", "status",
           "magnitude", "unit", "source", "confidence")  # fmt: skip
"""The columns of a listed record."""


def _current() -> Any:
    r = ActivityRecord
    superseded = select(r.supersedes_id).where(r.supersedes_id.is_not(None))
    return r.id.not_in(superseded)


def region_record_counts(engine: Engine) -> dict[str, int]:
    """The number of current records of every region that has any."""
    r = ActivityRecord
    query = select(r.region, func.count()).where(_current()).group_by(r.region)
    with engine.connect() as conn:
        return {str(region): int(n) for region, n in conn.execute(query)}


def ordered_ids(engine: Engine) -> tuple[list[str], list[int], list[int]]:
    """Every current record in the listing order (module docstring), region by region:
    ``(regions, starts, ids)``, where the records of ``regions[i]`` are
    ``ids[starts[i]:starts[i + 1]]`` (``starts`` has one more item than ``regions``)."""
    r = ActivityRecord
    query = (
        select(r.region, r.id)
        .where(_current())
        .order_by(r.region, r.date.is_(None), r.date.desc(), r.uid)
    )
    regions: list[str] = []
    starts: list[int] = []
    ids: list[int] = []
    with engine.connect() as conn:
        for region, record in conn.execute(query):
            if not regions or regions[-1] != region:
                regions.append(str(region))
                starts.append(len(ids))
            ids.append(int(record))
    starts.append(len(ids))
    return regions, starts, ids


def records_by_id(engine: Engine, ids: list[int]) -> list[dict]:
    """The records of ``ids`` (row ids of :func:`ordered_ids`), in that order, as dicts of
    :data:`COLUMNS`."""
    if not ids:
        return []
    r = ActivityRecord
    query = select(r.id, *(getattr(r, c) for c in COLUMNS)).where(r.id.in_(ids))
    with engine.connect() as conn:
        found = {row[0]: dict(row._mapping) for row in conn.execute(query)}
    out = []
    for i in ids:
        row = found[i]
        del row["id"]
        out.append(row)
    return out


def region_record_page(engine: Engine, region: str, offset: int, limit: int) -> list[dict]:
    """Current records of ``region``, newest first (module docstring): ``limit`` rows from
    ``offset``, as dicts of :data:`COLUMNS` (one query, sorting the region's records)."""
    r = ActivityRecord
    query = (
        select(*(getattr(r, c) for c in COLUMNS))
        .where(r.region == region, _current())
        .order_by(r.date.is_(None), r.date.desc(), r.uid)
        .offset(offset)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
