"""The real starter loader: counts, idempotence, provenance, origin, all or nothing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from paradiplomacy.ledger.events import count_events, query_events
from paradiplomacy.ledger.importer import LedgerImportError
from paradiplomacy.ledger.store import Store
from paradiplomacy.ledger.summary import data_origin
from paradiplomacy.starter import (
    EVENTS_FILE,
    RECORD_FILES,
    STAT_FILES,
    load_real_starter,
    real_dir,
)


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_loader_imports_every_shipped_row(ledger: Store) -> None:
    summary = load_real_starter(ledger)
    records = sum(data_rows(real_dir() / f) for f in RECORD_FILES)
    statistics = sum(data_rows(real_dir() / f) for f in STAT_FILES)
    events = data_rows(real_dir() / EVENTS_FILE)
    assert summary["added"] == {"records": records, "statistics": statistics, "events": events}
    counts = ledger.counts()
    assert (counts["records"], counts["statistics"], counts["events"]) == (
        records,
        statistics,
        events,
    )
    assert counts["batches"] == len(RECORD_FILES) + len(STAT_FILES)
    by_instrument = ledger.records()["instrument"].value_counts().to_dict()
    assert by_instrument == {
        "twinning": data_rows(real_dir() / "records_twinning.csv"),
        "consulate_hosted": data_rows(real_dir() / "records_consulates.csv"),
    }


def test_a_second_load_adds_nothing(ledger: Store) -> None:
    first = load_real_starter(ledger)
    before = ledger.counts()
    second = load_real_starter(ledger)
    assert second["added"] == {"records": 0, "statistics": 0, "events": 0}
    assert second["already"]["records"] == first["added"]["records"]
    assert second["already"]["events"] == first["added"]["events"]
    assert ledger.counts() == before
    assert [b["batch_id"] for b in second["batches"]] == [b["batch_id"] for b in first["batches"]]


def test_records_carry_provenance_and_are_real(real_store: Store) -> None:
    records = real_store.records()
    assert data_origin(records) == "real"
    assert not records["source"].str.startswith("synthetic:").any()
    assert records["batch_id"].notna().all() and (records["source_row"] >= 2).all()
    assert records["source"].str.contains(r" row \d+$", regex=True).all()
    consulates = records[records["instrument"] == "consulate_hosted"]
    assert consulates["source"].str.contains("http://www.wikidata.org/entity/Q").all()
    batches = real_store.batches()
    assert set(batches["file_name"]) == {*RECORD_FILES, *STAT_FILES}
    assert not batches["synthetic"].any() and batches["sha256"].str.len().eq(64).all()
    assert real_store.has_real_data() and not real_store.is_synthetic()
    stats = real_store.statistics()
    assert not stats["source"].str.startswith("synthetic:").any()
    assert set(stats.groupby("indicator")["unit"].first().items()) == {
        ("population", "thousand persons"),
        ("grp", "billion RUB"),
        ("fixed_investment", "billion RUB"),
        ("foreign_embassies", "posts"),
    }
    events = query_events(real_store)
    assert len(events) == count_events(real_store) > 0
    assert set(events["connector"]) == {"gdelt-events@1.0"}


def test_a_bad_file_writes_nothing(ledger: Store, tmp_path: Path) -> None:
    folder = tmp_path / "real"
    shutil.copytree(real_dir(), folder)
    path = folder / STAT_FILES[-1]
    text = path.read_text(encoding="utf-8").replace(",posts,", ",,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerImportError, match="unit"):
        load_real_starter(ledger, folder)
    counts = ledger.counts()
    assert (counts["records"], counts["statistics"], counts["events"], counts["batches"]) == (
        0,
        0,
        0,
        0,
    )
