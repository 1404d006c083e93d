"""Import activity records and statistics into the ledger, all or nothing, in chunks.

An import reads the file in chunks of rows (:mod:`~paradiplomacy.ledger.readers`), validates
each chunk (:mod:`~paradiplomacy.ledger.validation`), checks it against the ledger and writes it
through the database's bulk path (``executemany`` of one prepared INSERT on SQLite, ``COPY`` on
PostgreSQL), all in one transaction: when any problem was found anywhere in the file, the
transaction is rolled back at the end and nothing is written. What is held in memory is one
chunk, whatever the size of the file; row numbers are those of the file across chunks.

Rows already in the ledger (same content, hence same uid) are skipped, and a file whose SHA-256
was imported before adds nothing at all. Statistics with a new value for a region, year and
indicator that the ledger already holds supersede the old value. Duplicates within the file are
found across chunks by the database, not by holding the file's uids: by the ledger's unique
index on ``uid`` (rows of earlier chunks are already in the table, in this transaction), by a
temporary table of the rows skipped as already in the ledger, and for statistics by a temporary
table of the file's region, year and indicator keys.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    and_,
    exists,
    func,
    select,
    update,
)
from sqlalchemy import Table as SqlTable
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.types import TypeEngine

from paradiplomacy import __version__
from paradiplomacy.ledger.models import ActivityRecord, ImportBatch, Statistic
from paradiplomacy.ledger.problems import Problem, ProblemList
from paradiplomacy.ledger.readers import (
    CHUNK_ROWS,
    ReadError,
    Table,
    frame_tables,
    inspect_source,
    iter_tables,
)
from paradiplomacy.ledger.store import Store, check_references
from paradiplomacy.ledger.validation import (
    DUPLICATE_RECORD,
    Validated,
    Validator,
    duplicate_of,
    is_all_text,
    second_value,
)

SYNTHETIC_PREFIX = "synthetic:"
BULK = 100_000
"""Loads of at least this many rows (and at least as many as the table holds) drop the indexes
that the import does not look rows up by, and rebuild them at the end."""
BULK_CACHE_KIB = 32 << 10
"""SQLite's page cache during a bulk load (KiB): it bounds the sorts of the index rebuilds
too, so that a load's memory does not grow with its size."""
LOOKUP = 10_000
"""Values looked up per query (SQLite allows 32,766 parameters)."""
SUPERSEDES = "the uid of a current record"

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each chunk: bytes read of a CSV file, rows read of
other files and of DataFrames (``total`` is 0 when unknown)."""


@dataclass
class ImportReport:
    """What an import read, found and wrote."""

    file: str
    kind: str
    sha256: str
    rows_read: int = 0
    rows_added: int = 0
    rows_duplicate: int = 0
    rows_superseding: int = 0
    batch_id: int | None = None
    previous_batch: int | None = None
    rows_before: int = 0
    dry_run: bool = False
    layout: str = "rows"
    problems: ProblemList = field(default_factory=ProblemList)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> list[Problem]:
        return self.problems.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.problems.warnings

    def _noun(self, n: int) -> str:
        if self.kind == "records":
            return "record" if n == 1 else "records"
        return "statistic" if n == 1 else "statistics"

    def summary(self) -> str:
        if not self.ok:
            n = len(self.problems)
            text = f"{self.file}: {n:,} problem{'s' if n != 1 else ''}"
            if self.problems.stopped_after is not None:
                text += f" in rows up to {self.problems.stopped_after:,}"
            return f"{text}; nothing was written"
        if self.previous_batch is not None:
            return (
                f"{self.file}: already imported as batch {self.previous_batch} "
                "(same SHA-256); nothing added"
            )
        verb = "would add" if self.dry_run else "added"
        text = (
            f"{self.file}: read {self.rows_read:,} row{'s' if self.rows_read != 1 else ''}; "
            f"{verb} {self.rows_added:,} {self._noun(self.rows_added)}"
            f", {self.rows_duplicate:,} already in the ledger"
        )
        if self.rows_superseding:
            text += f", {self.rows_superseding:,} superseding older values"
        if self.batch_id is not None:
            text += f" (batch {self.batch_id})"
        return text


class LedgerImportError(ValueError):
    """An import found problems and wrote nothing; ``report`` holds them."""

    def __init__(self, report: ImportReport) -> None:
        lines = "\n".join(report.problems.lines())
        super().__init__(f"{report.summary()}\n{lines}")
        self.report = report


def import_file(
    store: Store,
    path: str | Path,
    kind: str,
    *,
    dry_run: bool = False,
    max_errors: int = 100,
    progress: Progress | None = None,
    raise_on_error: bool = True,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Import a CSV, XLSX or JSON file of ``kind`` ``"records"`` or ``"stats"``.

    The file is read, checked and written ``chunk_rows`` rows at a time, in one transaction.
    Checking stops after the chunk in which ``max_errors`` errors were reached.
    """
    _check_kind(kind)
    source = inspect_source(path)
    report = ImportReport(file=source.name, kind=kind, sha256=source.sha256, dry_run=dry_run)
    report.problems = ProblemList(max_errors)
    return _import(store, iter_tables(source, chunk_rows), report, progress, raise_on_error)


def import_frame(
    store: Store,
    frame: pd.DataFrame,
    kind: str,
    *,
    name: str = "<DataFrame>",
    dry_run: bool = False,
    max_errors: int = 100,
    progress: Progress | None = None,
    raise_on_error: bool = True,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Import a DataFrame with the columns of an import file, through the same checks.

    Its SHA-256 is that of ``frame.to_csv(index=False)`` in UTF-8, computed chunk by chunk.
    """
    _check_kind(kind)
    report = ImportReport(file=name, kind=kind, sha256=_frame_sha256(frame, chunk_rows))
    report.dry_run = dry_run
    report.problems = ProblemList(max_errors)
    return _import(store, frame_tables(frame, name, chunk_rows), report, progress, raise_on_error)


def _check_kind(kind: str) -> None:
    if kind not in ("records", "stats"):
        raise ValueError(f"kind must be 'records' or 'stats', not {kind!r}")


def _frame_sha256(frame: pd.DataFrame, rows: int) -> str:
    digest = hashlib.sha256()
    rows = max(1, int(rows))
    for start in range(0, max(len(frame), 1), rows):
        part = frame.iloc[start : start + rows]
        digest.update(part.to_csv(index=False, header=start == 0).encode("utf-8"))
    return digest.hexdigest()


def _finish(report: ImportReport, raise_on_error: bool) -> ImportReport:
    if raise_on_error and not report.ok:
        raise LedgerImportError(report)
    return report


def _import(
    store: Store,
    tables: Iterator[Table],
    report: ImportReport,
    progress: Progress | None,
    raise_on_error: bool,
) -> ImportReport:
    problems = report.problems
    try:
        chunk: Table | None = next(tables)
    except ReadError as error:
        problems.add(error.problem)
        return _finish(report, raise_on_error)
    store.ensure()
    validator = Validator(store.regions, store.partners, store.taxonomy)
    check = validator.records if report.kind == "records" else validator.statistics
    with store.transaction(row_checks=False) as conn:
        previous = conn.scalar(
            select(ImportBatch.id)
            .where(ImportBatch.sha256 == report.sha256, ImportBatch.kind == report.kind)
            .order_by(ImportBatch.id)
            .limit(1)
        )
        loader: _Loader | None = None
        try:
            while chunk is not None:
                checked = check(chunk, problems.limit, problems)
                report.rows_read += checked.rows_read
                report.layout = chunk.layout
                if previous is None and len(checked.frame):
                    if loader is None:
                        loader = _loader(conn, store, report, _estimate(chunk))
                    loader.add(checked)
                problems.trim()
                if progress:
                    progress(chunk.position, chunk.extent)
                if _file_problem(problems):
                    break  # the other rows cannot be checked against a wrong header
                if problems.total >= problems.limit:
                    if _more(tables):
                        problems.stopped_after = int(chunk.frame.index[-1])
                    break
                try:
                    last, chunk = chunk, next(tables, None)
                except ReadError as error:
                    problems.add(error.problem)
                    break
                if chunk is None and progress and last.position < last.extent:
                    progress(last.extent, last.extent)
            if loader is not None:
                loader.finish()
        finally:
            if loader is not None:
                loader.close()
        if problems or previous is not None or report.dry_run:
            conn.rollback()
            if problems:
                report.rows_added = 0
            elif previous is not None:
                report.previous_batch = previous
            return _finish(report, raise_on_error)
        report.batch_id = loader.batch_id if loader is not None else None
    return report


def _more(tables: Iterator[Table]) -> bool:
    """True when the file has rows after those read (one more chunk is read to tell)."""
    try:
        return next(tables, None) is not None
    except ReadError:
        return True


def _file_problem(problems: ProblemList) -> bool:
    """True when a problem is about the whole file (its header): later chunks would repeat it."""
    return any(p.row == 1 for p in problems.errors)


def _estimate(chunk: Table) -> int:
    """How many rows the whole file holds, judged from its first chunk."""
    rows = len(chunk.frame)
    if chunk.extent and 0 < chunk.position < chunk.extent:
        return int(rows * chunk.extent / chunk.position)
    return rows


def _loader(conn: Connection, store: Store, report: ImportReport, estimate: int) -> _Loader:
    kind = _RecordLoader if report.kind == "records" else _StatisticLoader
    return kind(conn, store, report, estimate)


# -------------------------------------------------------------------------------- loaders
class _Loader:
    """Writes the chunks of one import into one table, in the import's transaction.

    The batch is inserted first (its counts are filled in at the end). Loads of at least
    :data:`BULK` rows, and at least as many as the table holds, drop the table's indexes that
    the import does not look rows up by (all of them but the partial index on
    ``supersedes_id`` when the table is empty) and rebuild them in :meth:`finish`, which is
    faster than updating them row by row; rebuilding a unique index checks uniqueness again.
    """

    model: type[ActivityRecord] | type[Statistic]
    lookups: tuple[str, ...] = ()
    """Indexes the import looks rows up by, kept while the table holds rows."""

    def __init__(self, conn: Connection, store: Store, report: ImportReport, estimate: int):
        self.conn = conn
        self.report = report
        self.problems = report.problems
        self.name = report.file
        self.table = self.model.__table__
        self.chunks = 0
        self.synthetic = False
        self.existing = conn.scalar(select(func.count()).select_from(self.table)) or 0
        report.rows_before = self.existing
        self.batch_id = conn.execute(
            ImportBatch.__table__.insert().returning(ImportBatch.id),
            {
                "kind": report.kind,
                "file_name": report.file,
                "sha256": report.sha256,
                "imported_at": dt.datetime.now(dt.UTC),
                "rows_read": 0,
                "rows_added": 0,
                "rows_duplicate": 0,
                "rows_superseding": 0,
                "tool_version": __version__,
                "registry_version": store.registry_label,
                "synthetic": False,
            },
        ).scalar_one()
        self.dropped: list[Index] = []
        self.cache: object = None
        if estimate >= max(BULK, self.existing):
            if conn.dialect.name == "sqlite":  # appends need little cache; sorts use as much
                self.cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
                conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
            keep = set(self.lookups) if self.existing else set()
            for index in sorted(self.table.indexes, key=lambda i: i.name):
                if index.name not in keep and index.dialect_kwargs.get("sqlite_where") is None:
                    index.drop(conn)
                    self.dropped.append(index)
        self.unique_dropped = any(i.unique for i in self.dropped)
        self._statements: dict[tuple[str, ...], tuple[str, list[str], bool]] = {}
        self._scratch: list[SqlTable] = []

    def add(self, checked: Validated) -> None:
        """Check one validated chunk against the ledger and write its new rows."""
        self.chunks += 1
        rows = self._new_rows(checked.frame)
        if not len(rows):
            return
        self.report.rows_added += len(rows)
        if not self.synthetic:
            self.synthetic = any(
                str(source).startswith(SYNTHETIC_PREFIX) for source in rows["source"].tolist()
            )
        self._write(rows.assign(batch_id=self.batch_id))

    def _new_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of a validated chunk to write; problems found go to the report."""
        raise NotImplementedError

    def finish(self) -> None:
        """Rebuild the indexes dropped (finding duplicates across chunks), fill in the batch.

        With problems found already, only the unique indexes are rebuilt, for the duplicates.
        """
        for index in self.dropped:
            if index.unique:
                if self.problems.total >= self.problems.limit:
                    return
                try:
                    with self.conn.begin_nested():
                        index.create(self.conn)
                except IntegrityError:
                    self._duplicates_across_chunks()
        if self.problems:
            return
        for index in self.dropped:
            if not index.unique:
                index.create(self.conn)
        report = self.report
        self.conn.execute(
            update(ImportBatch)
            .where(ImportBatch.id == self.batch_id)
            .values(
                imported_at=dt.datetime.now(dt.UTC),
                rows_read=report.rows_read,
                rows_added=report.rows_added,
                rows_duplicate=report.rows_duplicate,
                rows_superseding=report.rows_superseding,
                synthetic=self.synthetic,
            )
        )

    def close(self) -> None:
        """Drop the temporary tables.

        Errors are ignored: after a failed statement, PostgreSQL refuses any statement until
        the transaction is rolled back, which drops them anyway.
        """
        with contextlib.suppress(SQLAlchemyError):
            for scratch in self._scratch:
                scratch.drop(self.conn, checkfirst=True)
            if self.cache is not None:
                self.conn.exec_driver_sql(f"PRAGMA cache_size={int(self.cache)}")

    def _duplicates_across_chunks(self) -> None:
        """Report rows whose uid an earlier row of this file has (the unique index failed)."""
        c = self.table.c
        mine = c.batch_id == self.batch_id
        first = (
            select(c.uid, func.min(c.source_row).label("first"))
            .where(mine)
            .group_by(c.uid)
            .having(func.count() > 1)
            .subquery()
        )
        later = (
            select(c.source_row, first.c.first)
            .join(first, c.uid == first.c.uid)
            .where(mine, c.source_row > first.c.first)
        )
        total = self.conn.scalar(select(func.count()).select_from(later.subquery())) or 0
        limit = self.problems.limit
        for row, original in self.conn.execute(later.order_by(c.source_row).limit(limit)):
            self.problems.add(
                Problem(self.name, int(row), "-", DUPLICATE_RECORD, duplicate_of(original))
            )
        self.problems.count_more(max(0, total - limit))

    def _scratch_table(self, name: str, *columns: Column, index: tuple[str, ...]) -> SqlTable:
        """A temporary table for this import (dropped by :meth:`close`)."""
        table = SqlTable(name, MetaData(), *columns, prefixes=["TEMPORARY"])
        Index(f"ix_{name}", *index, _table=table)
        table.drop(self.conn, checkfirst=True)
        table.create(self.conn)
        self._scratch.append(table)
        return table

    def _lookup(self, query, column, values: list) -> list:
        """Rows of ``query`` where ``column`` is one of ``values``, :data:`LOOKUP` at a time."""
        found = []
        for start in range(0, len(values), LOOKUP):
            part = values[start : start + LOOKUP]
            found.extend(self.conn.execute(query.where(column.in_(part))).all())
        return found

    def _report_rows(self, rows: list[tuple[int, str, str, str]]) -> None:
        """Add ``(row, column, expected, got)`` problems: the first ``limit``, counting all."""
        rows.sort()
        limit = self.problems.limit
        for row, column, expected, got in rows[:limit]:
            self.problems.add(Problem(self.name, int(row), column, expected, got))
        self.problems.count_more(max(0, len(rows) - limit))

    # ---------------------------------------------------------------- bulk write
    def _write(self, rows: pd.DataFrame) -> None:
        check_references(self.conn, self.table, rows)
        if self.conn.dialect.name == "postgresql":
            _copy(self.conn, self.table, rows)
        else:
            self._insert(rows)

    def _insert(self, rows: pd.DataFrame) -> None:
        """Bulk insert through the driver's ``executemany`` of one prepared statement.

        The INSERT statement is compiled by SQLAlchemy for the connection's dialect (so it is
        portable), and each column goes through its type's bind processor (see
        :func:`_driver_values`); bypassing per-row statement processing makes bulk loads several
        times faster; columns that are empty in every row of the chunk are left out of the
        statement (they default to NULL). The driver's cursor runs in the import's transaction
        and takes the rows straight from an iterator over the columns (no list of rows is
        built). Foreign keys are checked once per distinct value
        (:func:`~paradiplomacy.ledger.store.check_references`), as the import's transaction
        does not check them row by row.
        """
        conn = self.conn
        columns = tuple(
            c.name
            for c in self.table.columns
            if c.name != "id" and not (c.nullable and rows[c.name].isna().all())
        )
        if columns not in self._statements:
            compiled = self.table.insert().compile(dialect=conn.dialect, column_keys=list(columns))
            order = list(compiled.positiontup) if compiled.positional else list(columns)
            self._statements[columns] = (compiled.string, order, compiled.positional)
        statement, order, positional = self._statements[columns]
        types = {c.name: c.type for c in self.table.columns}
        values = [_driver_values(rows[name], types[name], conn.dialect).tolist() for name in order]
        params = zip(*values, strict=True)
        if not positional:
            params = (dict(zip(order, p, strict=True)) for p in params)
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(statement, params)
        finally:
            cursor.close()


class _RecordLoader(_Loader):
    model = ActivityRecord
    lookups = ("ix_activity_records_uid",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skipped: SqlTable | None = None

    def _new_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        if not self.unique_dropped:  # else the unique index finds duplicates in finish()
            frame = self._skip_known(frame)
        return self._supersedes(frame)

    def _skip_known(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Report rows that repeat an earlier row of the file; skip rows already in the ledger."""
        c = self.table.c
        uids = frame["uid"].tolist()
        found = self._lookup(select(c.uid, c.batch_id, c.source_row), c.uid, uids)
        earlier = {uid: row for uid, batch, row in found if batch == self.batch_id}
        if self.skipped is not None:
            s = self.skipped.c
            earlier.update(
                (uid, row) for uid, row in self._lookup(select(s.uid, s.source_row), s.uid, uids)
            )
        if earlier:
            repeated = frame["uid"].isin(earlier).to_numpy()
            self._report_rows(
                [
                    (row, "-", DUPLICATE_RECORD, duplicate_of(earlier[uid]))
                    for uid, row in zip(
                        frame["uid"].to_numpy()[repeated],
                        frame["source_row"].to_numpy()[repeated],
                        strict=True,
                    )
                ]
            )
            frame = frame.loc[~repeated]
        ledger = {uid for uid, batch, _ in found if batch != self.batch_id}
        if ledger:
            seen = frame["uid"].isin(ledger).to_numpy()
            self.report.rows_duplicate += int(seen.sum())
            self._remember_skipped(frame.loc[seen])
            frame = frame.loc[~seen]
        return frame

    def _remember_skipped(self, rows: pd.DataFrame) -> None:
        """Keep the uids of rows skipped as already in the ledger, for later chunks' checks."""
        if not len(rows):
            return
        if self.skipped is None:
            self.skipped = self._scratch_table(
                "import_skipped_uids",
                Column("uid", String(32)),
                Column("source_row", Integer),
                index=("uid",),
            )
        self.conn.execute(
            self.skipped.insert(),
            [
                {"uid": u, "source_row": r}
                for u, r in zip(rows["uid"].tolist(), rows["source_row"].tolist(), strict=True)
            ],
        )

    def _supersedes(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Resolve ``supersedes`` uids to the ids of current records of earlier batches.

        A record is superseded once: by no record of another batch, and by one row of the file.
        """
        wanted = frame["supersedes"].dropna()
        if not len(wanted):  # no copy of the chunk
            return frame.drop(columns=["supersedes"]).assign(supersedes_id=None)
        fresh = frame.copy()
        fresh["supersedes_id"] = None
        c = self.table.c
        ids: dict[str, int] = {}
        taken: dict[int, tuple[int, int]] = {}
        if self.existing:
            query = select(c.uid, c.id, c.batch_id)
            for uid, id_, batch in self._lookup(query, c.uid, list(set(wanted))):
                if batch != self.batch_id:
                    ids[uid] = id_
            query = select(c.supersedes_id, c.batch_id, c.source_row)
            for id_, batch, row in self._lookup(query, c.supersedes_id, list(ids.values())):
                taken[id_] = (batch, row)
        counts = wanted.value_counts()
        problems: list[tuple[int, str, str, str]] = []
        for index, uid in wanted.items():
            row = int(fresh.at[index, "source_row"])
            id_ = ids.get(uid)
            if id_ is None:
                got = f"{uid!r}, which is not in the ledger"
            elif id_ in taken and taken[id_][0] not in (self.batch_id, None):
                got = f"{uid!r}, which another record already supersedes"
            elif id_ in taken or counts[uid] > 1:
                got = f"{uid!r}, which other rows of this file also supersede"
                if id_ in taken and taken[id_][0] is not None:  # the earlier row, once
                    problems.append((taken[id_][1], "supersedes", SUPERSEDES, got))
                    taken[id_] = (None, taken[id_][1])
            else:
                fresh.at[index, "supersedes_id"] = id_
                continue
            problems.append((row, "supersedes", SUPERSEDES, got))
        if problems:
            self._report_rows(problems)
            flagged = {row for row, *_ in problems}
            fresh = fresh.loc[~fresh["source_row"].isin(flagged).to_numpy()]
        self.report.rows_superseding += int(fresh["supersedes_id"].notna().sum())
        return fresh.drop(columns=["supersedes"])


class _StatisticLoader(_Loader):
    model = Statistic
    lookups = ("ix_statistics_uid", "ix_statistics_key")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.keys = self._scratch_table(
            "import_statistic_keys",
            Column("region", String(16)),
            Column("year", Integer),
            Column("indicator", String(200)),
            Column("value_column", Text),
            Column("source_row", Integer),
            Column("chunk", Integer),
            index=("region", "year", "indicator"),
        )

    def _new_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Report second values for a key that an earlier chunk has; skip values already in the
        ledger; the others supersede the current value of their key, if any."""
        k = self.keys.c
        self.conn.execute(
            self.keys.insert(),
            frame[["region", "year", "indicator", "value_column", "source_row"]]
            .assign(chunk=self.chunks)
            .to_dict("records"),
        )
        earlier = self.keys.alias("earlier")
        e = earlier.c
        clashes = self.conn.execute(
            select(k.source_row, k.value_column, k.region, k.year, k.indicator, e.source_row)
            .join(earlier, and_(k.region == e.region, k.year == e.year, k.indicator == e.indicator))
            .where(k.chunk == self.chunks, e.chunk < self.chunks)
        ).all()
        fresh = frame.drop(columns=["value_column"])
        if clashes:
            clashes.sort()
            for row, column, region, year, indicator, first in clashes[: self.problems.limit]:
                self.problems.add(
                    second_value(self.name, row, column, region, year, indicator, first)
                )
            self.problems.count_more(max(0, len(clashes) - self.problems.limit))
            repeated = {(region, year, indicator) for _, _, region, year, indicator, _ in clashes}
            fresh = fresh.loc[[key not in repeated for key in _keys(fresh)]]
        fresh["supersedes_id"] = None
        if not self.existing:
            return fresh
        s = self.table.c
        ledger = {uid for (uid,) in self._lookup(select(s.uid), s.uid, fresh["uid"].tolist())}
        if ledger:
            seen = fresh["uid"].isin(ledger).to_numpy()
            self.report.rows_duplicate += int(seen.sum())
            fresh = fresh.loc[~seen].copy()
        newer = self.table.alias("newer")
        current = (
            select(k.region, k.year, k.indicator, s.id)
            .join(
                self.table, and_(s.region == k.region, s.year == k.year, s.indicator == k.indicator)
            )
            .where(
                k.chunk == self.chunks,
                s.batch_id != self.batch_id,
                ~exists().where(newer.c.supersedes_id == s.id),
            )
            .order_by(k.source_row, s.id)
        )
        ids = {
            (region, year, indicator): id_
            for region, year, indicator, id_ in self.conn.execute(current)
        }
        supersedes = [ids.get(key) for key in _keys(fresh)]
        fresh["supersedes_id"] = pd.Series(supersedes, index=fresh.index, dtype=object)
        self.report.rows_superseding += sum(id_ is not None for id_ in supersedes)
        return fresh


def _keys(frame: pd.DataFrame) -> Iterator[tuple[str, int, str]]:
    """The region, year and indicator of each statistic."""
    return zip(
        frame["region"].tolist(), frame["year"].tolist(), frame["indicator"].tolist(), strict=True
    )


# ------------------------------------------------------------------------- driver values
def _copy(conn: Connection, table: SqlTable, rows: pd.DataFrame) -> None:
    """Bulk load through PostgreSQL's ``COPY ... FROM STDIN`` (psycopg 3), in the transaction."""
    columns = [c.name for c in table.columns if c.name != "id"]
    quote = conn.dialect.identifier_preparer.quote
    values = [_python_values(rows[name]) for name in columns]
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    cursor = conn.connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)
    finally:
        cursor.close()


def _python_values(cells: pd.Series) -> list:
    """A column's cells as Python objects, ``None`` where missing."""
    values = cells.to_numpy()
    if values.dtype.kind in "iub":
        return values.tolist()
    values = values.astype(object)
    missing = pd.isna(values)
    if missing.any():
        values[missing] = None
    return values.tolist()


def _driver_values(cells: pd.Series, kind: TypeEngine, dialect: Dialect) -> np.ndarray:
    """A column's cells as the driver takes them.

    Missing cells become ``None``; each distinct value goes once through the type's bind
    processor, when the dialect has one.
    """
    values = cells.to_numpy()
    if values.dtype.kind not in "iufb" and not is_all_text(values):
        values = values.astype(object)
        missing = pd.isna(values)
        if missing.any():
            values[missing] = None
    process = kind._cached_bind_processor(dialect)
    if values.dtype.kind == "f" and isinstance(kind, Float) and not kind.asdecimal:
        process = None  # its processor is float(): tolist() gives Python floats already
    if process is not None:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object))
        values = np.array([process(u) for u in uniques] + [None], dtype=object)[codes]
    return values
