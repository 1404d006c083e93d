"""The ledger's tables (SQLAlchemy 2 declarative models).

Activity records and statistics are append-only: a correction is a new row whose
``supersedes_id`` points at the row it replaces; the replaced row is never updated or deleted.
The *current* ledger is the rows that no other row supersedes. Uniqueness of ``uid`` and of
``supersedes_id`` is enforced by unique indexes (not inline constraints), so that bulk imports
can rebuild them after loading. Every row keeps its provenance:
source, confidence (records), the import batch and the row of the imported file.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _superseded_once(table: str) -> Index:
    """Partial unique index: a row is superseded at most once (NULLs are not indexed)."""
    where = text("supersedes_id IS NOT NULL")
    return Index(
        f"ix_{table}_supersedes_id",
        "supersedes_id",
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RegionRow(Base):
    """A region of the registry the ledger was initialised with."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    iso_code: Mapped[str | None] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    federal_district: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))


class PartnerRow(Base):
    """A foreign country (ISO 3166-1)."""

    __tablename__ = "partners"

    alpha2: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3))
    name_en: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    macro_region: Mapped[str] = mapped_column(String(40))


class ImportBatch(Base):
    """One import of one file: what was read, what was added, what was already there."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_added: Mapped[int] = mapped_column(Integer)
    rows_duplicate: Mapped[int] = mapped_column(Integer)
    rows_superseding: Mapped[int] = mapped_column(Integer, default=0)
    tool_version: Mapped[str] = mapped_column(String(40))
    registry_version: Mapped[str] = mapped_column(String(60))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (CheckConstraint("kind IN ('records', 'stats')", name="kind"),)


class ActivityRecord(Base):
    """One piece of evidence of a region's international activity (MODEL.md section 2)."""

    __tablename__ = "activity_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    partner_country: Mapped[str] = mapped_column(ForeignKey("partners.alpha2"))
    partner_name: Mapped[str | None] = mapped_column(String(500))
    instrument: Mapped[str] = mapped_column(String(60))
    date: Mapped[dt.date | None] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    magnitude: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    source_row: Mapped[int | None] = mapped_column(Integer)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("activity_records.id"))

    # The value rules (status, magnitude >= 0, 0 <= confidence <= 1) are enforced by the
    # importer's validation, the only writer; as CHECK constraints they halve bulk-load speed.
    __table_args__ = (
        Index("ix_activity_records_uid", "uid", unique=True),
        _superseded_once("activity_records"),
        Index(
            "ix_activity_records_cube", "region", "partner_country", "instrument", "status", "year"
        ),
    )


class Statistic(Base):
    """One value of a regional statistic (population, GRP, foreign students ...)."""

    __tablename__ = "statistics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(200), index=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    source_row: Mapped[int | None] = mapped_column(Integer)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("statistics.id"))

    __table_args__ = (
        Index("ix_statistics_uid", "uid", unique=True),
        _superseded_once("statistics"),
        Index("ix_statistics_key", "region", "year", "indicator"),
    )


class Event(Base):
    """One GDELT 2.0 event in a region of the registry, once per partner country.

    Kept by the default rule of :mod:`paradiplomacy.connectors.gdelt`; ``(global_event_id,
    partner)`` is unique (a re-run adds nothing). Provenance: the file the row came from, when it
    was retrieved, and the connector's name and version.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    global_event_id: Mapped[int] = mapped_column(BigInteger)
    date: Mapped[dt.date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    partner: Mapped[str] = mapped_column(ForeignKey("partners.alpha2"))
    event_code: Mapped[str] = mapped_column(String(8))
    event_root_code: Mapped[str] = mapped_column(String(4))
    quad_class: Mapped[int] = mapped_column(Integer)
    goldstein: Mapped[float] = mapped_column(Float)
    num_mentions: Mapped[int] = mapped_column(Integer)
    num_sources: Mapped[int] = mapped_column(Integer)
    num_articles: Mapped[int] = mapped_column(Integer)
    avg_tone: Mapped[float] = mapped_column(Float)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(String(500))
    retrieved: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    connector: Mapped[str] = mapped_column(String(60))

    __table_args__ = (
        Index("ix_events_key", "global_event_id", "partner", unique=True),
        Index("ix_events_region_partner", "region", "partner"),
        Index("ix_events_date", "date"),
    )


class StoredAssessment(Base):
    """A built assessment kept in the ledger (``paradiplomacy.assess.stored``).

    ``key`` is the SHA-256 of everything that made it (the ledger revision, the configuration
    files, the parameters and the software versions), so a stored assessment is only ever read
    for exactly the inputs that made it. ``payload`` is a ZIP archive of Parquet tables, NumPy
    arrays and a JSON manifest (docs/stored.md); ``sha256`` is the digest of the manifest, which
    holds the digest of every member: each is checked as it is read, so that a damaged row is
    rebuilt, never used.
    """

    __tablename__ = "stored_assessments"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    parameters: Mapped[str] = mapped_column(String(64))
    ledger_revision: Mapped[str] = mapped_column(String(200))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    format: Mapped[int] = mapped_column(Integer)
    software: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_stored_assessments_parameters", "parameters"),)
