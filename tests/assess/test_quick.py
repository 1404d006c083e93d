"""The ``scenario`` command answered from the stored assessment alone (assess/quick.py): the
same answer and files as the full path, never from a stale or damaged store, and without
pandas, SQLAlchemy, SciPy or pyarrow in the process."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from paradiplomacy.assess import stored
from paradiplomacy.assess.archive import HeadReader, Reader
from paradiplomacy.assess.assessment import write_scenario
from paradiplomacy.assess.quick import scenario_from_store
from paradiplomacy.cli import app
from paradiplomacy.ledger.importer import import_frame
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill

RUNS = 20


@pytest.fixture(scope="module")
def source_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick") / "ledger.sqlite"
    shutil.copy(template_db, path)
    with Store(path) as store:
        fill(store, seed=11, target_records=4000)
    return path


@pytest.fixture
def db(source_db: Path, tmp_path: Path) -> Path:
    """A ledger with its assessment stored (the key holds the ledger's URL: built here)."""
    path = tmp_path / "ledger.sqlite"
    shutil.copy(source_db, path)
    with Store(path) as store:
        stored.load_or_build(store, runs=RUNS)
    return path


def _payload(db: Path) -> tuple[int, bytes, str]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT rowid, payload, sha256 FROM stored_assessments").fetchone()


def _damage(db: Path, member: str) -> None:
    """Flip one byte in the middle of ``member``'s data, in place."""
    rowid, payload, digest = _payload(db)
    reader = HeadReader(__import__("io").BytesIO(payload), digest)
    offset = reader.base + reader.offsets[member] + 30 + len(member) + 200
    damaged = bytearray(payload)
    damaged[offset] ^= 0xFF
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stored_assessments SET payload = ? WHERE rowid = ?",
                     (bytes(damaged), rowid))  # fmt: skip


@pytest.mark.parametrize(
    ("partner", "level", "closed"),
    [("DE", 2, ()), ("cn", 0, ("twinning", "agreement")), ("US", 3, ("investment",))],
)
def test_the_same_answer_and_files_as_the_full_path(db, tmp_path, partner, level, closed):
    quick = scenario_from_store(str(db), partner, level, closed, runs=RUNS)
    assert quick is not None and quick.status.startswith("stored assessment read")
    assessment, status = stored.load_or_build(Store(db), runs=RUNS)
    assert status.action == "read"
    full = assessment.scenario(partner, level, closed_instruments=closed)
    frame = full.capacity
    assert list(quick.capacity) == list(frame.columns)
    for column in frame.columns:
        want = frame[column].to_numpy()
        got = quick.capacity[column]
        if want.dtype.kind == "f":
            np.testing.assert_array_equal(got, want)
        else:
            assert [str(v) for v in got] == [str(v) for v in want], column
    assert quick.summary == json.loads(json.dumps(full.summary, default=str))
    pd.testing.assert_frame_equal(pd.DataFrame(quick.frameworks), full.frameworks)
    for a, b in zip(quick.write(tmp_path / "quick"), write_scenario(full, tmp_path / "full"),
                    strict=True):  # fmt: skip
        assert a.read_bytes() == b.read_bytes(), a.name


def test_no_answer_without_a_stored_assessment_for_these_inputs(db):
    assert scenario_from_store(str(db), "DE", 2) is None  # default runs: another question
    assert scenario_from_store(str(db.with_name("missing.sqlite")), "DE", 2, runs=RUNS) is None
    assert scenario_from_store("postgresql://nobody@localhost/x", "DE", 2, runs=RUNS) is None
    store = Store(db)
    records = store.records().head(2)
    extra = records[["region", "partner_country", "instrument", "year"]].assign(source="later")
    import_frame(store, extra, "records", name="later.csv")
    assert scenario_from_store(str(db), "DE", 2, runs=RUNS) is None  # the ledger changed


def test_unknown_partner_or_instrument_is_left_to_the_full_path(db):
    assert scenario_from_store(str(db), "XX", 2, runs=RUNS) is None
    assert scenario_from_store(str(db), "DE", 2, ("no_such",), runs=RUNS) is None


def test_a_damaged_member_the_scenario_reads_is_never_used(db):
    _damage(db, "channels/evidence.npy")
    assert scenario_from_store(str(db), "DE", 2, runs=RUNS) is None
    _, status = stored.load_or_build(Store(db), runs=RUNS)
    assert status.action == "built" and "damaged" in status.reason
    assert scenario_from_store(str(db), "DE", 2, runs=RUNS) is not None


def test_a_damaged_member_the_scenario_does_not_read_is_found_by_the_full_read(db):
    _damage(db, "profile.parquet")
    assert scenario_from_store(str(db), "DE", 2, runs=RUNS) is not None  # its members check
    _, status = stored.load_or_build(Store(db), runs=RUNS)
    assert status.action == "built" and "damaged" in status.reason


def test_a_wrong_manifest_digest_is_never_used(db):
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stored_assessments SET sha256 = ?", ("0" * 64,))
    assert scenario_from_store(str(db), "DE", 2, runs=RUNS) is None
    _, status = stored.load_or_build(Store(db), runs=RUNS)
    assert status.action == "built" and "damaged" in status.reason


def test_the_payload_is_a_zip_whose_members_check(db):
    _, payload, digest = _payload(db)
    reader = Reader(payload, digest)
    reader.check_all()
    assert reader.zip.namelist()[0] == "manifest.json"
    head = HeadReader(__import__("io").BytesIO(payload), digest)
    for name in ("channels/evidence.npy", "scenario/sppi_runs.npy"):
        assert head.member(name) == reader.member(name)


def test_the_command_reads_the_store_and_loads_no_heavy_library(db, tmp_path):
    runner = CliRunner()
    args = ["scenario", "--partner", "DE", "--level", "2", "--runs", str(RUNS), "--db", str(db)]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert "stored assessment read" in result.output
    probe = (
        "import sys\nfrom paradiplomacy.cli import app\n"
        f"sys.argv = ['paradiplomacy', *{[*args, '--out', str(tmp_path / 'b')]!r}]\n"
        "try:\n    app()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = ('pandas', 'sqlalchemy', 'scipy', 'pyarrow', 'yaml', 'sklearn')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    for name in ("capacity.csv", "summary.json", "frameworks.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_without_out_the_command_prints_the_table_and_writes_nothing(db, tmp_path, monkeypatch):
    """``scenario`` without ``--out`` (issue 12 point 10): the ten regions and the totals on
    the terminal, no file, on the stored path and on the full path alike."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    runner = CliRunner()
    args = ["scenario", "--partner", "DE", "--level", "2", "--runs", str(RUNS), "--db", str(db)]
    quick = runner.invoke(app, args)
    assert quick.exit_code == 0, quick.output
    assert "Normalisation capacity towards Germany at crisis level 2" in quick.output
    assert "country total" in quick.output and "wrote" not in quick.output
    shipped = runner.invoke(app, ["scenario", "--scenario", "sanctions_de", "--runs", str(RUNS),
                                  "--db", str(db)])  # fmt: skip
    assert shipped.exit_code == 0, shipped.output
    assert "country total" in shipped.output and "wrote" not in shipped.output
    assert list(work.iterdir()) == []
