"""The same ledger on PostgreSQL: the store uses no SQLite-only SQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import update

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
