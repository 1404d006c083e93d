"""The ledger store: one database, reached by an SQLAlchemy URL.

The default is an SQLite file; any URL SQLAlchemy understands (e.g. ``postgresql+psycopg://...``)
works without code changes, since the store uses only portable SQLAlchemy constructs. The schema
is created and upgraded by Alembic migrations. Activity records and statistics are append-only:
the store refuses any UPDATE or DELETE of them, and corrections are new rows that supersede old
ones (see :mod:`paradiplomacy.ledger.models`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import (
    Connection,
    Delete,
    Engine,
    Table,
    Update,
    create_engine,
    event,
    func,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased

from paradiplomacy.ledger.constants import DEFAULT_DB as DEFAULT_DB  # re-exported
from paradiplomacy.ledger.constants import ENV_VAR as ENV_VAR  # re-exported
from paradiplomacy.ledger.constants import resolve_url as resolve_url  # re-exported
from paradiplomacy.ledger.models import (
    ActivityRecord,
    Base,
    Event,
    ImportBatch,
    PartnerRow,
    RegionRow,
    Statistic,
)
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry import PartnerRegistry, RegionRegistry

if TYPE_CHECKING:
    from alembic.config import Config

APPEND_ONLY = frozenset({"activity_records", "statistics"})
_LOOKUP = 10_000
"""Values looked up per query by :func:`check_references` (SQLite allows 32,766)."""


class AppendOnlyError(RuntimeError):
    """An UPDATE or DELETE of append-only ledger rows was attempted."""


class LedgerError(RuntimeError):
    """The database is not a ledger this registry can use."""


class Store:
    """The ledger in one database, with the registries and taxonomy it is checked against."""

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        regions: RegionRegistry | None = None,
        partners: PartnerRegistry | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> None:
        self.url = resolve_url(db)
        self.regions = regions or RegionRegistry.load()
        self.partners = partners or PartnerRegistry.load()
        self.taxonomy = taxonomy or Taxonomy.load()
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url)
        if url.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        event.listen(self.engine, "before_execute", _refuse_changes, retval=False)
        self._current = False

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"

    @property
    def registry_label(self) -> str:
        return f"{self.regions.country}@{self.regions.version}"

    # ------------------------------------------------------------- schema
    def _alembic(self, connection: Connection) -> Config:
        from alembic.config import Config  # Alembic loads only when the schema is touched

        config = Config()
        config.set_main_option("script_location", "paradiplomacy:migrations")
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        config.attributes["connection"] = connection
        return config

    def init(self) -> None:
        """Create or upgrade the schema and load the registries (idempotent)."""
        with self.engine.begin() as conn:
            from alembic import command

            command.upgrade(self._alembic(conn), "head")
        with self.engine.begin() as conn:
            self._sync_registries(conn)

    def close(self) -> None:
        """Close the store's connections (an SQLite file is then complete on disk)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def is_initialised(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def ensure(self) -> Store:
        """Initialise the database when it is new, and upgrade it when its schema is older than
        this version's (checked once per store)."""
        if self._current:
            return self
        if not self.is_initialised() or not self._at_head():
            self.init()
        self._current = True
        return self

    def _at_head(self) -> bool:
        with self.engine.connect() as conn:
            revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
        return revision == _head_revision()

    def reset(self) -> None:
        """Drop every ledger table (for a fresh demo database), then initialise."""
        with self.engine.begin() as conn:
            Base.metadata.drop_all(conn)
            if inspect(conn).has_table("alembic_version"):
                conn.exec_driver_sql("DROP TABLE alembic_version")
        self.init()

    def _sync_registries(self, conn: Connection) -> None:
        countries = set(conn.scalars(select(RegionRow.country).distinct()))
        if countries - {self.regions.country}:
            raise LedgerError(
                f"{self!r} holds regions of {sorted(countries)}, not of {self.regions.country}"
            )
        have = set(conn.scalars(select(RegionRow.code)))
        rows = [
            {
                "code": r.code,
                "iso_code": r.iso_code,
                "name_en": r.name_en,
                "name_ru": r.name_ru,
                "type": r.type,
                "federal_district": r.federal_district,
                "status": r.status,
                "country": self.regions.country,
            }
            for r in self.regions.regions("all")
            if r.code not in have
        ]
        if rows:
            conn.execute(RegionRow.__table__.insert(), rows)
        have = set(conn.scalars(select(PartnerRow.alpha2)))
        table = self.partners.to_frame()
        rows = [
            {
                "alpha2": p.alpha2,
                "alpha3": p.alpha3,
                "name_en": p.name_en,
                "name_ru": p.name_ru,
                "macro_region": p.macro_region,
            }
            for p in table.itertuples(index=False)
            if p.alpha2 not in have
        ]
        if rows:
            conn.execute(PartnerRow.__table__.insert(), rows)

    @contextmanager
    def transaction(self, *, row_checks: bool = True) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on any error.

        With ``row_checks=False`` (bulk loads), SQLite does not check foreign keys row by row in
        this transaction, which makes bulk loads faster; the caller checks the references itself
        (once per distinct value, see :func:`check_references`). PostgreSQL checks them anyway.
        SQLite then also keeps temporary tables and the sorts of index builds in files rather
        than in memory, so that a load's memory does not grow with its size.
        """
        self.ensure()
        with self.engine.connect() as conn:
            relaxed = not row_checks and conn.dialect.name == "sqlite"
            if relaxed:
                _sqlite_bulk(conn, True)
            try:
                with conn.begin():
                    yield conn
            finally:
                if relaxed and not conn.invalidated:
                    _sqlite_bulk(conn, False)

    # ------------------------------------------------------------- queries
    def records(
        self,
        *,
        region: str | None = None,
        partner: str | None = None,
        instrument: str | None = None,
        status: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        scope: str | None = "all",
        current: bool = True,
        limit: int | None = None,
        regions: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Activity records as a DataFrame, filtered; only current (not superseded) by default.

        ``region`` and ``partner`` accept any name or code the registries resolve; ``regions``
        (codes) keeps those regions only (with ``partner``, the database then finds the
        partner's records through the index on region and partner). A record with
        a date is in ``[since, until]`` when its date is; a record with only a year when its year
        is within the years of the window.
        """
        self.ensure()
        r = ActivityRecord
        previous = aliased(ActivityRecord)
        query = (
            select(
                r.uid,
                r.region,
                r.partner_country,
                r.partner_name,
                r.instrument,
                r.date,
                r.year,
                r.status,
                r.magnitude,
                r.unit,
                r.source,
                r.confidence,
                r.note,
                r.batch_id,
                r.source_row,
                previous.uid.label("supersedes"),
            )
            .outerjoin(previous, r.supersedes_id == previous.id)
            .order_by(r.batch_id, r.source_row)
        )
        if region:
            query = query.where(r.region == self.regions.get(region).code)
        if partner:
            query = query.where(r.partner_country == self.partners.get(partner))
        if instrument:
            code = self.taxonomy.index().get(instrument)
            if code is None:
                raise KeyError(f"unknown instrument {instrument!r}")
            query = query.where(r.instrument == code)
        if status:
            query = query.where(r.status == status)
        if since:
            query = query.where(or_(r.date >= since, (r.date.is_(None)) & (r.year >= since.year)))
        if until:
            query = query.where(or_(r.date <= until, (r.date.is_(None)) & (r.year <= until.year)))
        if scope != "all":
            query = query.where(r.region.in_([x.code for x in self.regions.regions(scope)]))
        if regions is not None:
            query = query.where(r.region.in_(list(regions)))
        if current:
            superseded = select(r.supersedes_id).where(r.supersedes_id.is_not(None))
            query = query.where(r.id.not_in(superseded))
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
        return frame

    def statistics(
        self,
        *,
        region: str | None = None,
        indicator: str | None = None,
        year: int | None = None,
        current: bool = True,
    ) -> pd.DataFrame:
        """Statistics in long form; only current (latest) values by default."""
        self.ensure()
        s = Statistic
        previous = aliased(Statistic)
        query = select(
            s.uid,
            s.region,
            s.year,
            s.indicator,
            s.value,
            s.unit,
            s.source,
            s.batch_id,
            s.source_row,
            previous.uid.label("supersedes"),
        ).outerjoin(previous, s.supersedes_id == previous.id)
        query = query.order_by(s.region, s.indicator, s.year, s.batch_id, s.source_row)
        if region:
            query = query.where(s.region == self.regions.get(region).code)
        if indicator:
            query = query.where(s.indicator == indicator)
        if year:
            query = query.where(s.year == year)
        if current:
            superseded = select(s.supersedes_id).where(s.supersedes_id.is_not(None))
            query = query.where(s.id.not_in(superseded))
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        return frame

    def batches(self) -> pd.DataFrame:
        """The import batches, oldest first."""
        self.ensure()
        with self.engine.connect() as conn:
            return pd.read_sql(select(ImportBatch).order_by(ImportBatch.id), conn)

    def counts(self) -> dict[str, int]:
        """Rows per table (all rows, superseded included)."""
        self.ensure()
        with self.engine.connect() as conn:
            return {
                name: conn.scalar(select(func.count()).select_from(model)) or 0
                for name, model in (
                    ("regions", RegionRow),
                    ("partners", PartnerRow),
                    ("batches", ImportBatch),
                    ("records", ActivityRecord),
                    ("statistics", Statistic),
                    ("events", Event),
                )
            }

    def has_real_data(self) -> bool:
        """True when any import batch holds data that is not synthetic."""
        self.ensure()
        with self.engine.connect() as conn:
            query = select(func.count()).where(ImportBatch.synthetic.is_(False))
            return bool(conn.scalar(query))

    def is_synthetic(self) -> bool:
        """True when any imported batch holds synthetic data."""
        self.ensure()
        with self.engine.connect() as conn:
            return bool(conn.scalar(select(func.count()).where(ImportBatch.synthetic.is_(True))))


def store_cache_kib() -> int:
    """The SQLite page cache of a store's connections, in KiB (128 MiB, for bulk imports)."""
    return 131_072


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{store_cache_kib()}")  # page cache for bulk imports
    cursor.execute("PRAGMA temp_store=MEMORY")  # sort in memory when indexes are rebuilt
    cursor.execute("PRAGMA threads=2")  # and with a helper thread
    cursor.close()


def _sqlite_bulk(conn: Connection, bulk: bool) -> None:
    """Turn SQLite's foreign-key checks off and temporary data to files for a bulk load, or
    back (outside a transaction: inside, SQLite ignores the one and refuses the other)."""
    conn.exec_driver_sql(f"PRAGMA foreign_keys={'OFF' if bulk else 'ON'}")
    conn.exec_driver_sql(f"PRAGMA temp_store={'FILE' if bulk else 'MEMORY'}")
    conn.commit()


def check_references(conn: Connection, table: Table, rows: pd.DataFrame) -> None:
    """Check that every foreign key of ``rows`` (to be inserted into ``table``) exists.

    Each distinct value is looked up once, which is what SQLite would otherwise do row by row.
    Raises :class:`LedgerError` naming the first missing value (for a region or a partner: the
    ledger was initialised with other registries than the ones the rows were checked against).
    """
    for key in sorted(table.foreign_keys, key=lambda k: k.parent.name):
        column = key.parent.name
        wanted = pd.unique(rows[column].to_numpy())  # then the few missing ones dropped
        wanted = wanted[~pd.isna(wanted)] if len(wanted) else wanted
        for start in range(0, len(wanted), _LOOKUP):
            part = wanted[start : start + _LOOKUP].tolist()
            found = set(conn.scalars(select(key.column).where(key.column.in_(part))))
            missing = [value for value in part if value not in found]
            if missing:
                raise LedgerError(
                    f"{table.name}.{column} {missing[0]!r} is not in {key.column.table.name}"
                )


def _refuse_changes(_conn, clauseelement, *_args) -> None:
    if isinstance(clauseelement, Update | Delete) and clauseelement.table.name in APPEND_ONLY:
        raise AppendOnlyError(
            f"{clauseelement.table.name} is append-only: add a correcting row that supersedes "
            "the old one instead of changing it"
        )


@functools.cache
def _head_revision() -> str | None:
    """The newest schema revision this version of the package ships."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "paradiplomacy:migrations")
    return ScriptDirectory.from_config(config).get_current_head()
