"""The same ledger on PostgreSQL: the store uses no SQLite-only SQL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text, update

from paradiplomacy.ledger.importer import LedgerImportError, import_file
from paradiplomacy.ledger.models import ActivityRecord, Base
from paradiplomacy.ledger.store import AppendOnlyError, Store

CSV = """region,partner_country,instrument,date,year,source,magnitude,note
Татарстан,Турция,agreement,2021-03-04,,https://example.org/a,1,=HYPERLINK("x")
Приморье,CHN,trade,,2019,https://example.org/b,"125,5",
СПб,Finland,twinning,,2015,https://example.org/c,1,sister city
"""


@pytest.fixture
def pg(postgres_url: str) -> Store:
    store = Store(postgres_url)
    store.reset()
    yield store
    store.close()


def test_migrations_and_registries_on_postgres(pg: Store) -> None:
    with pg.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert pg.counts()["regions"] == 89 and pg.counts()["partners"] == 249


def test_import_query_and_correct_on_postgres(pg: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    report = import_file(pg, path, "records")
    assert report.ok and report.rows_added == 3
    assert import_file(pg, path, "records").previous_batch == report.batch_id
    records = pg.records()
    assert list(records["region"]) == ["RU-TA", "RU-PRI", "RU-SPE"]
    assert records["note"].iloc[0] == '=HYPERLINK("x")'
    assert list(pg.records(partner="China")["magnitude"]) == [125.5]
    old = records["uid"].iloc[0]
    fix = tmp_path / "fix.csv"
    fix.write_text(
        "region,partner_country,instrument,date,source,status,supersedes\n"
        f"RU-TA,TR,agreement,2021-03-04,https://example.org/a,terminated,{old}\n",
        encoding="utf-8",
    )
    assert import_file(pg, fix, "records").rows_superseding == 1
    assert old not in set(pg.records()["uid"]) and len(pg.records(current=False)) == 4
    with pytest.raises(AppendOnlyError), pg.engine.begin() as conn:
        conn.execute(update(ActivityRecord).values(source="x"))


def test_bulk_import_and_rollback_on_postgres(pg: Store, tmp_path: Path) -> None:
    from paradiplomacy.ledger import importer

    rows = ["region,partner_country,instrument,year,source"]
    rows += [f"RU-TA,TR,agreement,2020,https://example.org/{i}" for i in range(300)]
    path = tmp_path / "bulk.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    original = importer.BULK
    importer.BULK = 100  # exercise the drop-and-rebuild index path
    try:
        assert import_file(pg, path, "records").rows_added == 300
    finally:
        importer.BULK = original
    assert pg.counts()["records"] == 300
    bad = tmp_path / "bad.csv"
    bad.write_text(
        rows[0] + "\nRU-TA,TR,agreement,2020,s\nNowhere,TR,agreement,2020,s\n", encoding="utf-8"
    )
    with pytest.raises(LedgerImportError):
        import_file(pg, bad, "records")
    assert pg.counts()["records"] == 300 and pg.counts()["batches"] == 1


@pytest.mark.parametrize("bulk", [1, 10**9], ids=["bulk", "lookup"])
def test_copy_in_chunks_on_postgres(
    pg: Store, ledger: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: int
) -> None:
    """Chunks go through COPY; the rows are those of the same import into SQLite."""
    from paradiplomacy.ledger import importer

    monkeypatch.setattr(importer, "BULK", bulk)
    copied: list[int] = []
    copy = importer._copy
    monkeypatch.setattr(
        importer,
        "_copy",
        lambda conn, table, rows: (copied.append(len(rows)), copy(conn, table, rows)),
    )
    path = tmp_path / "r.csv"
    lines = CSV.splitlines() + [
        f"RU-TA,TR,agreement,,2020,https://example.org/{i},1," for i in range(4)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(pg, path, "records", chunk_rows=2)
    assert report.ok and report.rows_added == 7 and copied == [2, 2, 2, 1]
    assert import_file(ledger, path, "records", chunk_rows=2).rows_added == 7
    on_pg, on_sqlite = pg.records(), ledger.records()
    pd.testing.assert_frame_equal(on_pg, on_sqlite, check_dtype=False)
    with pg.engine.connect() as conn:  # indexes dropped for the load are rebuilt
        names = set(conn.scalars(text("SELECT indexname FROM pg_indexes")))
    assert {"ix_activity_records_uid", "ix_activity_records_cube"} <= names

    again = tmp_path / "again.csv"
    dupes = [
        lines[0],
        *(f"RU-TA,TR,agreement,,2020,https://example.org/new{i},1," for i in range(3)),
    ]
    again.write_text("\n".join([*dupes, dupes[1], lines[1]]) + "\n", encoding="utf-8")
    failed = import_file(pg, again, "records", chunk_rows=2, raise_on_error=False)
    assert failed.problems.lines() == [
        "again.csv:5:-: expected each record once (add repeated events up in 'magnitude'), "
        "got a duplicate of row 2"
    ]
    assert pg.counts()["records"] == 7 and pg.counts()["batches"] == 1


def test_duplicates_across_chunks_on_an_empty_ledger_on_postgres(
    pg: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk path finds them when the unique index is rebuilt (in a savepoint)."""
    from paradiplomacy.ledger import importer

    monkeypatch.setattr(importer, "BULK", 1)
    rows = ["region,partner_country,instrument,year,source"]
    rows += [f"RU-TA,TR,agreement,2020,https://example.org/{i % 5}" for i in range(8)]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = import_file(pg, path, "records", chunk_rows=3, raise_on_error=False)
    assert [(p.row, p.got) for p in report.errors] == [
        (7, "a duplicate of row 2"),
        (8, "a duplicate of row 3"),
        (9, "a duplicate of row 4"),
    ]
    assert pg.counts()["records"] == 0 and pg.counts()["batches"] == 0
    with pg.engine.connect() as conn:
        names = set(conn.scalars(text("SELECT indexname FROM pg_indexes")))
    assert "ix_activity_records_uid" in names


def test_statistics_in_chunks_on_postgres(pg: Store, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text(
        "region,year,indicator,value,unit,source\n"
        + "".join(
            f"RU-TA,{y},population,{y - 2000},thousand persons,s\n" for y in range(2015, 2021)
        ),
        encoding="utf-8",
    )
    assert import_file(pg, first, "stats", chunk_rows=4).rows_added == 6
    second = tmp_path / "b.csv"
    second.write_text(
        "region;indicator;unit;source;2019;2020;2021\n"
        "RU-TA;population;thousand persons;s;19;20.5;21\n",
        encoding="utf-8",
    )
    report = import_file(pg, second, "stats", chunk_rows=1)
    assert (report.rows_added, report.rows_duplicate, report.rows_superseding) == (2, 1, 1)
    assert pg.statistics().set_index("year")["value"][2020] == 20.5
