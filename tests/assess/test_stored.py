"""Build once (issue 13): the stored assessment is read back identical, rebuilt when stale,
damaged or of another version, one per question even when two processes build at once."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select, update

from paradiplomacy.assess import stored
from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.importer import import_frame
from paradiplomacy.ledger.models import StoredAssessment
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill

RUNS = 20


@pytest.fixture(scope="module")
def source_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stored") / "ledger.sqlite"
    shutil.copy(template_db, path)
    with Store(path) as store:
        fill(store, seed=5, target_records=4000)
    return path


@pytest.fixture
def db(source_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    shutil.copy(source_db, path)
    return path


def _rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(StoredAssessment)))


def _comparable(a: Assessment) -> dict:
    out = a.to_dict()
    out.pop("generated")
    out.pop("timings_s")
    return json.loads(json.dumps(out, default=str))


def test_read_back_is_the_same_assessment(db):
    store = Store(db)
    built, status = stored.load_or_build(store, runs=RUNS)
    assert status.action == "built" and status.reason == "no stored assessment yet"
    read, status = stored.load_or_build(store, runs=RUNS)
    assert status.action == "read"
    assert read.records is None  # the records stay in the ledger until a question needs them
    pd.testing.assert_frame_equal(read.regions_table(), built.regions_table())
    for partner, level in (("DE", 2), ("US", 3), ("CN", 0)):
        a, b = built.scenario(partner, level), read.scenario(partner, level)
        pd.testing.assert_frame_equal(a.capacity, b.capacity)
        pd.testing.assert_frame_equal(a.frameworks, b.frameworks)
        assert a.summary == b.summary
    assert (
        read.scenario("DE", 1, closed_instruments=("twinning",)).summary
        == built.scenario("DE", 1, closed_instruments=("twinning",)).summary
    )
    assert _comparable(read) == _comparable(built)  # explanations read the records on demand
    assert _rows(store) == 1


def test_importing_a_batch_makes_it_stale(db):
    store = Store(db)
    stored.load_or_build(store, runs=RUNS)
    records = store.records()
    extra = records.loc[records["instrument"] == "agreement"].head(3)
    extra = extra[["region", "partner_country", "instrument", "year", "confidence"]].assign(
        source="a correction, 2026", year=2024
    )
    import_frame(store, extra, "records", name="more.csv")
    again, status = stored.load_or_build(store, runs=RUNS)
    assert status.action == "built"
    assert status.reason.startswith("the ledger changed since it was stored")
    assert _rows(store) == 1  # the stale one is replaced, not kept beside
    fresh = Assessment.from_store(store, runs=RUNS)
    pd.testing.assert_frame_equal(again.regions_table(), fresh.regions_table())


def test_changing_a_configuration_file_makes_it_stale(db, tmp_path):
    store = Store(db)
    stored.load_or_build(store, runs=RUNS)
    config = tmp_path / "config"
    (config / "assess").mkdir(parents=True)
    shipped = Path(stored.config_paths(None)["classification"]).read_text(encoding="utf-8")
    (config / "assess" / "classification.yaml").write_text(shipped, encoding="utf-8")
    _, status = stored.load_or_build(store, runs=RUNS, config_dir=config)
    assert status.action == "built"  # another configuration is another question
    _, status = stored.load_or_build(store, runs=RUNS, config_dir=config)
    assert status.action == "read"
    (config / "assess" / "classification.yaml").write_text(
        shipped.replace("min_coverage: 0.5", "min_coverage: 0.4"), encoding="utf-8"
    )
    _, status = stored.load_or_build(store, runs=RUNS, config_dir=config)
    assert status.action == "built"
    assert status.reason == "the configuration or the software changed since it was stored"


def test_another_version_is_rebuilt_never_read(db, monkeypatch):
    store = Store(db)
    stored.load_or_build(store, runs=RUNS)
    monkeypatch.setattr(stored, "FORMAT", stored.FORMAT + 1)
    _, status = stored.load_or_build(store, runs=RUNS)
    assert status.action == "built"


@pytest.mark.parametrize("damage", ["digest", "payload"])
def test_a_damaged_store_is_rebuilt_and_says_so(db, damage):
    store = Store(db)
    built, status = stored.load_or_build(store, runs=RUNS)
    with store.engine.begin() as conn:
        if damage == "digest":
            conn.execute(update(StoredAssessment).values(sha256="0" * 64))
        else:
            payload = conn.scalar(select(StoredAssessment.payload))
            conn.execute(
                update(StoredAssessment).values(
                    payload=b"PK" + bytes(len(payload) - 2),
                    sha256=__import__("hashlib")
                    .sha256(b"PK" + bytes(len(payload) - 2))
                    .hexdigest(),
                )
            )
    again, status = stored.load_or_build(store, runs=RUNS)
    assert status.action == "built"
    assert "damaged" in status.reason or "could not be read" in status.reason
    pd.testing.assert_frame_equal(again.regions_table(), built.regions_table())
    _, status = stored.load_or_build(store, runs=RUNS)
    assert status.action == "read"


def test_a_failed_build_leaves_the_previous_one(db, monkeypatch):
    store = Store(db)
    _, first = stored.load_or_build(store, runs=RUNS)
    records = store.records()
    extra = records[["region", "partner_country", "instrument", "year", "source"]].head(2)
    import_frame(store, extra.assign(source="late evidence"), "records", name="late.csv")

    def broken(*_args, **_kwargs):
        raise ValueError("the build failed")

    monkeypatch.setattr(Assessment, "from_store", broken)
    with pytest.raises(ValueError, match="the build failed"):
        stored.load_or_build(store, runs=RUNS)
    with store.engine.connect() as conn:
        assert conn.scalar(select(StoredAssessment.key)) == first.key


def _build_in_child(path: str, queue) -> None:
    from paradiplomacy.assess.stored import load_or_build

    a, status = load_or_build(Store(path), runs=RUNS)
    queue.put((status.action, a.regions_table()["iai"].round(12).tolist()))


def test_two_processes_building_at_once_store_one(db):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    children = [context.Process(target=_build_in_child, args=(str(db), queue)) for _ in range(2)]
    for child in children:
        child.start()
    results = [queue.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    assert results[0][1] == results[1][1]
    store = Store(db)
    assert _rows(store) == 1
    _, status = stored.load_or_build(store, runs=RUNS)
    assert status.action == "read"


def test_a_row_replaces_rows_of_another_format_of_its_kind_only(tmp_path) -> None:
    """An assessment row deletes assessment rows of an older format (never read again), but
    not the dashboard snapshot kept in the same table, and a snapshot row likewise."""
    from paradiplomacy.ledger import stored as rows
    from paradiplomacy.ledger.store import Store

    store = Store(tmp_path / "l.sqlite")
    store.init()
    rows.write_row(store, "old", "p-old", "r", 1, "x", b"old assessment")
    rows.write_row(store, "snap", "p-snap", "r", rows.SNAPSHOT_FAMILY + 1, "x", b"snapshot")
    rows.write_row(store, "new", "p-new", "r", 2, "x", b"new assessment")
    assert rows.read_row(store, "old") is None
    assert rows.read_row(store, "snap") is not None and rows.read_row(store, "new") is not None
    rows.write_row(store, "snap2", "p-snap2", "r", rows.SNAPSHOT_FAMILY + 2, "x", b"snapshot 2")
    assert rows.read_row(store, "snap") is None and rows.read_row(store, "new") is not None
