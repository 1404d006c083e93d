"""The events table: insert GDELT events all-or-nothing, deduplicated, and query them.

:func:`insert_events` writes a batch in one transaction: either every new row is written or
none is (any error rolls the whole batch back). A row whose ``(global_event_id, partner)`` is
already in the table, or earlier in the same batch, is a duplicate and is not written, so
re-running a fetch adds nothing new. :func:`query_events` lists them, filtered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from .models import Event
from .store import Store, check_references

_LOOKUP = 5_000
"""Keys looked up per query when finding duplicates."""

EVENT_COLUMNS: tuple[str, ...] = (
    "global_event_id",
    "date",
    "region",
    "partner",
    "event_code",
    "event_root_code",
    "quad_class",
    "goldstein",
    "num_mentions",
    "num_sources",
    "num_articles",
    "avg_tone",
    "source_url",
    "source_file",
)
"""The columns of an events frame: one row per kept event and partner (what a connector
gives :func:`insert_events`)."""

COLUMNS: tuple[str, ...] = (*EVENT_COLUMNS, "retrieved", "connector")
"""The columns :func:`query_events` returns, in order: the event columns and provenance."""


@dataclass(frozen=True)
class InsertReport:
    """What :func:`insert_events` did: rows given, added, and duplicates not written."""

    rows: int
    added: int
    duplicate: int

    def summary(self) -> str:
        return (
            f"events: {self.added:,} added, {self.duplicate:,} already in the ledger "
            f"(of {self.rows:,} event-partner rows)"
        )


def _parse_time(value: str | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def insert_events(
    store: Store, events: pd.DataFrame, *, retrieved: str | dt.datetime, connector: str
) -> InsertReport:
    """Insert an events frame (the columns of :data:`EVENT_COLUMNS`)
    in one transaction, skipping ``(global_event_id, partner)`` keys already present.

    Raises on any problem (unknown region or partner, a database error) after rolling back:
    nothing of the batch is written.
    """
    store.ensure()
    rows = len(events)
    if rows == 0:
        return InsertReport(0, 0, 0)
    frame = events.drop_duplicates(["global_event_id", "partner"]).copy()
    frame["global_event_id"] = frame["global_event_id"].astype("int64")
    frame["retrieved"] = _parse_time(retrieved)
    frame["connector"] = connector
    frame["source_url"] = frame["source_url"].where(frame["source_url"].notna(), None)
    table = Event.__table__
    with store.transaction() as conn:
        ids = pd.unique(frame["global_event_id"]).tolist()
        existing: set[tuple[int, str]] = set()
        for start in range(0, len(ids), _LOOKUP):
            part = ids[start : start + _LOOKUP]
            query = select(Event.global_event_id, Event.partner).where(
                Event.global_event_id.in_(part)
            )
            existing.update((int(a), str(b)) for a, b in conn.execute(query))
        if existing:
            keys = list(
                zip(frame["global_event_id"].tolist(), frame["partner"].tolist(), strict=True)
            )
            frame = frame[np.array([k not in existing for k in keys], dtype=bool)]
        if len(frame):
            check_references(conn, table, frame)
            records = frame.loc[:, list(COLUMNS)].to_dict("records")
            for record in records:
                record["global_event_id"] = int(record["global_event_id"])
                for key in ("quad_class", "num_mentions", "num_sources", "num_articles"):
                    record[key] = int(record[key])
                for key in ("goldstein", "avg_tone"):
                    record[key] = float(record[key])
            conn.execute(table.insert(), records)
    return InsertReport(rows=rows, added=len(frame), duplicate=rows - len(frame))


def query_events(
    store: Store,
    *,
    region: str | None = None,
    partner: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Events, one row per event and partner, ordered by date, GlobalEventID and partner.

    ``region`` and ``partner`` accept any name or code the registries resolve; ``since`` and
    ``until`` bound the event date (inclusive). Raises ``KeyError`` for an unknown partner.
    """
    store.ensure()
    e = Event
    query = select(*(getattr(e, c) for c in COLUMNS)).order_by(e.date, e.global_event_id, e.partner)
    if region:
        query = query.where(e.region == store.regions.get(region).code)
    if partner:
        query = query.where(e.partner == store.partners.get(partner))
    if since:
        query = query.where(e.date >= since)
    if until:
        query = query.where(e.date <= until)
    if limit:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def count_events(store: Store) -> int:
    """Rows in the events table."""
    store.ensure()
    with store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Event)) or 0)


__all__ = ["COLUMNS", "InsertReport", "count_events", "insert_events", "query_events"]
