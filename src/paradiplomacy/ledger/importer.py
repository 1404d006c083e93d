"""Import activity records and statistics into the ledger, all or nothing.

An import reads the file (:mod:`~paradiplomacy.ledger.readers`), validates every row
(:mod:`~paradiplomacy.ledger.validation`) and, only when no problem was found, writes the batch
and its rows in one transaction. Rows already in the ledger (same content, hence same uid) are
skipped, and a file whose SHA-256 was imported before adds nothing at all. Statistics with a new
value for a region, year and indicator that the ledger already holds supersede the old value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Dialect, select
from sqlalchemy.types import TypeEngine

from paradiplomacy import __version__
from paradiplomacy.ledger.models import ActivityRecord, ImportBatch, Statistic
from paradiplomacy.ledger.problems import Problem, ProblemList
from paradiplomacy.ledger.readers import ReadError, Table, read_table, table_from_frame
from paradiplomacy.ledger.store import Store, check_references
from paradiplomacy.ledger.validation import Validated, Validator, is_all_text

SYNTHETIC_PREFIX = "synthetic:"
CHUNK = 50_000
BULK = 100_000
"""Loads of at least this many rows (and at least as many as the table holds) rebuild indexes."""

Progress = Callable[[int, int], None]
"""Called as ``progress(rows_written, rows_total)`` while rows are written."""


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
            return f"{self.file}: {n:,} problem{'s' if n != 1 else ''}; nothing was written"
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
) -> ImportReport:
    """Import a CSV, XLSX or JSON file of ``kind`` ``"records"`` or ``"stats"``."""
    file = Path(path)
    sha = hashlib.sha256(file.read_bytes()).hexdigest()
    report = ImportReport(file=file.name, kind=kind, sha256=sha, dry_run=dry_run)
    report.problems = ProblemList(max_errors)
    try:
        table = read_table(file)
    except ReadError as error:
        report.problems.add(error.problem)
        return _finish(report, raise_on_error)
    return _import_table(store, table, report, progress, raise_on_error)


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
) -> ImportReport:
    """Import a DataFrame with the columns of an import file, through the same checks."""
    csv_bytes = frame.to_csv(index=False).encode("utf-8")
    sha = hashlib.sha256(csv_bytes).hexdigest()
    report = ImportReport(file=name, kind=kind, sha256=sha, dry_run=dry_run)
    report.problems = ProblemList(max_errors)
    try:
        table = table_from_frame(frame, name)
    except ReadError as error:
        report.problems.add(error.problem)
        return _finish(report, raise_on_error)
    return _import_table(store, table, report, progress, raise_on_error)


def _finish(report: ImportReport, raise_on_error: bool) -> ImportReport:
    if raise_on_error and not report.ok:
        raise LedgerImportError(report)
    return report


def _import_table(
    store: Store,
    table: Table,
    report: ImportReport,
    progress: Progress | None,
    raise_on_error: bool,
) -> ImportReport:
    if report.kind not in ("records", "stats"):
        raise ValueError(f"kind must be 'records' or 'stats', not {report.kind!r}")
    store.ensure()
    validator = Validator(store.regions, store.partners, store.taxonomy)
    limit = report.problems.limit
    if report.kind == "records":
        checked = validator.records(table, limit)
    else:
        checked = validator.statistics(table, limit)
    report.problems = checked.problems
    report.rows_read = checked.rows_read
    report.layout = table.layout
    if not checked.ok:
        return _finish(report, raise_on_error)

    with store.transaction(row_checks=False) as conn:
        previous = conn.scalar(
            select(ImportBatch.id)
            .where(ImportBatch.sha256 == report.sha256, ImportBatch.kind == report.kind)
            .order_by(ImportBatch.id)
            .limit(1)
        )
        if previous is not None:
            report.previous_batch = previous
            return report
        if report.kind == "records":
            rows = _new_records(conn, checked, report, table.name)
        else:
            rows = _new_statistics(conn, checked, report)
        if not report.ok:
            conn.rollback()
            return _finish(report, raise_on_error)
        report.rows_added = len(rows)
        if report.dry_run:
            conn.rollback()
            return report
        synthetic = bool(len(rows)) and bool(
            rows["source"].astype(str).str.startswith(SYNTHETIC_PREFIX).any()
        )
        batch_id = conn.execute(
            ImportBatch.__table__.insert().returning(ImportBatch.id),
            {
                "kind": report.kind,
                "file_name": report.file,
                "sha256": report.sha256,
                "imported_at": dt.datetime.now(dt.UTC),
                "rows_read": report.rows_read,
                "rows_added": report.rows_added,
                "rows_duplicate": report.rows_duplicate,
                "rows_superseding": report.rows_superseding,
                "tool_version": __version__,
                "registry_version": store.registry_label,
                "synthetic": synthetic,
            },
        ).scalar_one()
        report.batch_id = batch_id
        model = ActivityRecord if report.kind == "records" else Statistic
        _insert(conn, model, rows.assign(batch_id=batch_id), progress, existing=report.rows_before)
    return report


def _new_records(
    conn: Connection, checked: Validated, report: ImportReport, name: str
) -> pd.DataFrame:
    frame = checked.frame
    existing = set(conn.scalars(select(ActivityRecord.uid)))
    report.rows_before = len(existing)
    seen = frame["uid"].isin(existing).to_numpy()
    report.rows_duplicate = int(seen.sum())
    fresh = frame.loc[~seen].copy()
    wanted = fresh["supersedes"].dropna()
    fresh["supersedes_id"] = None
    if len(wanted):
        ids = dict(
            conn.execute(
                select(ActivityRecord.uid, ActivityRecord.id).where(
                    ActivityRecord.uid.in_(list(set(wanted)))
                )
            ).all()
        )
        taken = set(
            conn.scalars(
                select(ActivityRecord.supersedes_id).where(
                    ActivityRecord.supersedes_id.in_(list(ids.values()))
                )
            )
        )
        counts = wanted.value_counts()
        for index, uid in wanted.items():
            row = int(fresh.at[index, "source_row"])
            if uid not in ids:
                got = f"{uid!r}, which is not in the ledger"
            elif ids[uid] in taken:
                got = f"{uid!r}, which another record already supersedes"
            elif counts[uid] > 1:
                got = f"{uid!r}, which other rows of this file also supersede"
            else:
                fresh.at[index, "supersedes_id"] = ids[uid]
                continue
            report.problems.add(
                Problem(name, row, "supersedes", "the uid of a current record", got)
            )
        report.rows_superseding = int(fresh["supersedes_id"].notna().sum())
    return fresh.drop(columns=["supersedes"])


def _new_statistics(conn: Connection, checked: Validated, report: ImportReport) -> pd.DataFrame:
    frame = checked.frame
    s = Statistic
    superseded = select(s.supersedes_id).where(s.supersedes_id.is_not(None))
    current = pd.DataFrame(
        conn.execute(
            select(s.id, s.uid, s.region, s.year, s.indicator).where(s.id.not_in(superseded))
        ).all(),
        columns=["id", "uid", "region", "year", "indicator"],
    )
    all_uids = set(conn.scalars(select(s.uid)))
    report.rows_before = len(all_uids)
    seen = frame["uid"].isin(all_uids).to_numpy()
    report.rows_duplicate = int(seen.sum())
    fresh = frame.loc[~seen].copy()
    if len(current) and len(fresh):
        keyed = fresh.merge(
            current[["id", "region", "year", "indicator"]],
            on=["region", "year", "indicator"],
            how="left",
        )
        fresh["supersedes_id"] = keyed["id"].to_numpy()
    else:
        fresh["supersedes_id"] = np.nan
    fresh["supersedes_id"] = (
        fresh["supersedes_id"].astype(object).where(fresh["supersedes_id"].notna(), None)
    )
    report.rows_superseding = int(fresh["supersedes_id"].notna().sum())
    return fresh


def _insert(
    conn: Connection,
    model: type[ActivityRecord] | type[Statistic],
    rows: pd.DataFrame,
    progress: Progress | None,
    existing: int = 0,
) -> None:
    """Bulk insert through the driver's ``executemany``.

    The INSERT statement is compiled by SQLAlchemy for the connection's dialect (so it is
    portable), and each column goes through its type's bind processor (see
    :func:`_driver_values`); bypassing per-row statement processing makes bulk loads several
    times faster; columns that are empty in every row are left out of the statement (they
    default to NULL). The driver's cursor runs in the same transaction, one chunk at a time, and
    takes each chunk's rows straight from an iterator over the columns (no list of rows is
    built). A load at least as large as :data:`BULK` and as the ``existing`` rows drops the
    table's indexes and rebuilds them in the same transaction, which is faster than updating
    them row by row; rebuilding a unique index checks uniqueness again. Foreign keys are checked
    once per distinct value (:func:`~paradiplomacy.ledger.store.check_references`), as the
    import's transaction does not check them row by row.
    """
    table = model.__table__
    columns = [
        c
        for c in table.columns
        if c.name != "id" and not (c.nullable and rows[c.name].isna().all())
    ]
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=[c.name for c in columns])
    order = list(compiled.positiontup) if compiled.positional else [c.name for c in columns]
    by_name = {c.name: c for c in columns}
    values = [_driver_values(rows[name], by_name[name].type, conn.dialect) for name in order]
    check_references(conn, table, rows)
    total = len(rows)
    rebuild = list(table.indexes) if total >= max(BULK, existing) else []
    for index in rebuild:
        index.drop(conn)
    cursor = conn.connection.cursor()
    try:
        for start in range(0, total, CHUNK):
            chunk = zip(*(v[start : start + CHUNK].tolist() for v in values), strict=True)
            if not compiled.positional:
                chunk = (dict(zip(order, p, strict=True)) for p in chunk)
            cursor.executemany(compiled.string, chunk)
            if progress:
                progress(min(start + CHUNK, total), total)
    finally:
        cursor.close()
    for index in rebuild:
        index.create(conn)


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
    if process is not None:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object))
        values = np.array([process(u) for u in uniques] + [None], dtype=object)[codes]
    return values
