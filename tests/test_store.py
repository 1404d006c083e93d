"""The ledger store: schema migrations, append-only rows, queries and database URLs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, update

from paradiplomacy.ledger.importer import import_file
from paradiplomacy.ledger.models import ActivityRecord, Base, Statistic
from paradiplomacy.ledger.store import AppendOnlyError, LedgerError, Store, resolve_url
from paradiplomacy.registry import RegionRegistry

RECORDS = """region,partner_country,instrument,date,year,source
RU-TA,TR,agreement,2019-12-31,,s1
RU-TA,TR,agreement,2020-01-01,,s2
RU-TA,DE,trade,,2020,s3
RU-SPE,FI,twinning,2021-06-30,,s4
RU-SPE,FI,twinning,,2022,s5
RU-CR,TR,cultural_event,,2021,s6
"""


@pytest.fixture
def filled(ledger: Store, tmp_path: Path) -> Store:
    path = tmp_path / "r.csv"
    path.write_text(RECORDS, encoding="utf-8")
    import_file(ledger, path, "records")
    return ledger


def test_migrations_build_exactly_the_models(ledger: Store) -> None:
    with ledger.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_init_is_idempotent_and_loads_the_registries(ledger: Store) -> None:
    ledger.init()
    ledger.init()
    counts = ledger.counts()
    assert counts["regions"] == 89 and counts["partners"] == 249
    assert counts["records"] == 0


@pytest.mark.parametrize("model", [ActivityRecord, Statistic])
def test_ledger_rows_are_append_only(filled: Store, model: type) -> None:
    with pytest.raises(AppendOnlyError, match="append-only"), filled.engine.begin() as conn:
        conn.execute(update(model).values(source="changed"))
    with pytest.raises(AppendOnlyError, match="append-only"), filled.engine.begin() as conn:
        conn.execute(delete(model))
    assert set(filled.records()["source"]) == {"s1", "s2", "s3", "s4", "s5", "s6"}


def test_records_filters(filled: Store) -> None:
    def sources(**filters: object) -> list[str]:
        return list(filled.records(**filters)["source"])

    assert sources(region="Татарстан") == ["s1", "s2", "s3"]
    assert sources(partner="Finland") == ["s4", "s5"]
    assert sources(instrument="Twinning") == ["s4", "s5"]
    assert sources(since=dt.date(2020, 1, 1), until=dt.date(2020, 12, 31)) == ["s2", "s3"]
    # a year-only record is in a window that overlaps its year
    assert sources(since=dt.date(2020, 6, 1), until=dt.date(2021, 6, 1)) == ["s3", "s6"]
    assert sources(scope="iso") == ["s1", "s2", "s3", "s4", "s5"]
    assert sources(limit=2) == ["s1", "s2"]
    with pytest.raises(KeyError, match="unknown country 'Atlantis'"):
        filled.records(partner="Atlantis")
    assert sources(region="Респ. Татарстан") == ["s1", "s2", "s3"]
    with pytest.raises(KeyError, match=r"country 'Korea' is ambiguous: did you mean .*\(KP\) or"):
        filled.records(partner="Korea")
    with pytest.raises(KeyError, match=r"region 'Altai' is ambiguous"):
        filled.records(region="Altai")


def test_url_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARADIPLOMACY_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'paradiplomacy.sqlite'}"
    assert resolve_url("data/x.sqlite") == f"sqlite:///{tmp_path / 'data' / 'x.sqlite'}"
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("PARADIPLOMACY_DB", "sqlite:////tmp/env.sqlite")
    assert resolve_url(None) == "sqlite:////tmp/env.sqlite"
    assert resolve_url("other.sqlite") == f"sqlite:///{tmp_path / 'other.sqlite'}"


def test_a_ledger_belongs_to_one_country(ledger: Store, tmp_path: Path) -> None:
    path = tmp_path / "de.yaml"
    path.write_text(
        'country: DE\nname_en: Germany\nversion: "1"\nsources: [t]\n'
        "scopes: {all-states: {default: true, description: x}}\n"
        "regions:\n  - {code: DE-BY, name_en: Bavaria, name_ru: Бавария, type: land,\n"
        "     federal_district: south, capital: Munich, scopes: [all-states]}\n",
        encoding="utf-8",
    )
    other = Store(ledger.url, regions=RegionRegistry.load(path))
    with pytest.raises(LedgerError, match=r"holds regions of \['RU'\], not of DE"):
        other.init()


def test_reset_empties_the_ledger(filled: Store) -> None:
    assert filled.counts()["records"] == 6
    filled.reset()
    assert filled.counts()["records"] == 0 and filled.counts()["regions"] == 89


def test_batches_record_provenance(filled: Store) -> None:
    batch = filled.batches().iloc[0]
    assert batch["file_name"] == "r.csv" and batch["kind"] == "records"
    assert len(batch["sha256"]) == 64 and batch["rows_added"] == 6
    assert batch["registry_version"].startswith("RU@")
    assert not batch["synthetic"]
    assert not filled.is_synthetic()
