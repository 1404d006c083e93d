"""The dashboard's snapshot: prepared once, kept in the ledger, served the same as before.

A dashboard read back from the ledger (its records listed by SQL, its assessment loaded only
for scenarios) must answer every page and API endpoint exactly as the dashboard made directly
from the assessment with its records in memory; the prepared ties must be the assessment's own
channel views; the SQL listing must keep the order the dashboard always had; and ``serve
--workers 2`` must serve.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger import stored as rows
from paradiplomacy.ledger.listing import ordered_ids, records_by_id, region_record_page
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill
from paradiplomacy.web import Dashboard, create_app
from paradiplomacy.web.board import frame_rows
from paradiplomacy.web.snapshot import _revision, decode, encode, prepare

RUNS, SEED = 30, 5
SAMPLE_REGIONS = ("RU-TA", "RU-MOW", "RU-PRI", "RU-KGD", "RU-SA")
SAMPLE_PARTNERS = ("DE", "CN", "TR", "US", "ZW")


@pytest.fixture(scope="module")
def ledger_url(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("snapshot") / "ledger.sqlite"
    shutil.copy(template_db, path)
    with Store(path) as store:
        fill(store, seed=11, target_records=4000)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def in_memory(ledger_url: str) -> Assessment:
    """The assessment built with its records in memory (the dashboard's old source)."""
    with Store(ledger_url) as store:
        return Assessment.from_store(store, runs=RUNS, seed=SEED)


@pytest.fixture(scope="module")
def prepared(ledger_url: str):
    """``prepare`` twice: the first builds and stores the snapshot, the second reads it."""
    first = prepare(ledger_url, runs=RUNS, seed=SEED)
    second = prepare(ledger_url, runs=RUNS, seed=SEED)
    return first, second


def urls(codes: list[str]) -> list[str]:
    out = ["/", "/?level=2", "/?district=central&lang=ru", "/scenario", "/methods?lang=ru"]
    out += ["/api/regions?lang=ru", "/api/partners", "/api/coverage?lang=ru", "/api/methods"]
    out += ["/scenario?partner=CN&level=3&close=trade&close=twinning&lang=ru"]
    out += ["/api/scenario?partner=TR&level=1&close=education", "/api/scenario?partner=DE&level=0"]
    for code in codes:
        for lang in ("en", "ru"):
            out += [f"/region/{code}?lang={lang}", f"/api/regions/{code}?lang={lang}",
                    f"/api/regions/{code}/channels?lang={lang}",
                    f"/region/{code}?page=2&per_page=7&lang={lang}",
                    f"/api/regions/{code}/records?page=3&per_page=11&lang={lang}"]  # fmt: skip
    for alpha2 in SAMPLE_PARTNERS:
        out += [f"/partner/{alpha2}?lang=ru", f"/api/partners/{alpha2}"]
    return out


def test_the_snapshot_is_built_once_then_read(prepared):
    first, second = prepared
    assert first.message.startswith("dashboard snapshot built and stored")
    assert second.message.startswith("dashboard snapshot read")
    assert second.board._assessment is None  # the assessment waits for a scenario
    state, arrays = decode(encode(second.board.state, second.board.arrays))
    assert state == second.board.state
    assert set(arrays) == set(second.board.arrays)


def test_a_stored_snapshot_serves_what_the_assessment_served(prepared, in_memory):
    """Every sampled page and answer is byte for byte (HTML) or value for value (JSON) what the
    dashboard made directly from the in-memory assessment gives."""
    read = prepared[1].board
    old = TestClient(create_app(in_memory, cache=False))
    new = TestClient(create_app(read, cache=False))
    codes = [c for c in SAMPLE_REGIONS if c in read.by_code]
    assert len(codes) >= 3
    for url in urls(codes):
        a, b = old.get(url), new.get(url)
        assert a.status_code == b.status_code == 200, url
        if url.startswith("/api"):
            assert a.json() == b.json(), url
        else:
            assert a.text == b.text, url
    assert read._assessment is not None  # the scenarios loaded it


def test_prepared_ties_are_the_assessment_channel_views(in_memory):
    board = Dashboard(in_memory)
    channels = list(in_memory.channels.channels)
    for code in SAMPLE_REGIONS:
        view = in_memory.region_view(code)
        ties = board.region_channels(code)
        assert [t["partner"] for t in ties] == list(view["partner"])
        for tie, row in zip(ties, view.to_dict("records"), strict=True):
            assert tie["intensity"] == pytest.approx(row["intensity"], abs=1e-12)
            for k in channels:
                value = row[k]
                expected = None if isinstance(value, float) and math.isnan(value) else value
                assert tie["channels"][k] == pytest.approx(expected, abs=1e-12)
            assert tie["main_channel"] == row["main_channel"]
            assert "|".join(tie["no_evidence"]) == row["no_evidence"]
    for alpha2 in SAMPLE_PARTNERS:
        view = in_memory.partner_view(alpha2)
        ties = board.partner_regions(alpha2)
        assert [t["code"] for t in ties] == list(view["region"])
        for tie, row in zip(ties, view.to_dict("records"), strict=True):
            assert tie["intensity"] == pytest.approx(row["intensity"], abs=1e-12)
            assert tie["main_channel"] == row["main_channel"]
        assert board.no_evidence(alpha2) == view.attrs["no_evidence"]


def test_the_sql_listing_keeps_the_dashboards_order(ledger_url):
    """Newest first, undated last, then uid: as the dashboard sorted the records in memory."""
    with Store(ledger_url) as store:
        records = store.records()
        engine = store.engine
        records["_when"] = pd.to_datetime(records["date"], errors="coerce")
        records = records.sort_values(
            ["region", "_when", "uid"], ascending=[True, False, True], na_position="last"
        )
        regions, starts, ids = ordered_ids(engine)
        assert regions == sorted(records["region"].unique())
        assert starts[-1] == len(ids) == len(records)
        columns = ["uid", "partner_country", "partner_name", "instrument", "date", "year",
                   "status", "magnitude", "unit", "source", "confidence"]  # fmt: skip
        for code in SAMPLE_REGIONS:
            expected = frame_rows(records[records["region"] == code][columns])
            i = regions.index(code)
            listed = records_by_id(engine, ids[starts[i] : starts[i + 1]])
            assert [r["uid"] for r in listed] == [r["uid"] for r in expected]
            page = region_record_page(engine, code, 10, 15)
            assert [r["uid"] for r in page] == [r["uid"] for r in expected[10:25]]
            assert {k: str(v) for k, v in page[0].items()} == {
                k: str(v) for k, v in expected[10].items()
            }


def test_a_changed_ledger_makes_the_snapshot_stale(ledger_url, prepared, tmp_path):
    path = tmp_path / "copy.sqlite"
    shutil.copy(ledger_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    assert prepare(url, runs=RUNS, seed=SEED).message.startswith("dashboard snapshot built")
    with Store(url) as store:
        fill(store, seed=12, target_records=200)  # a new import batch
    again = prepare(url, runs=RUNS, seed=SEED)
    assert again.message.startswith("dashboard snapshot built")
    with Store(url) as store:
        with store.engine.connect() as conn:
            parameters = conn.exec_driver_sql(
                "SELECT parameters, count(*) FROM stored_assessments GROUP BY parameters"
            ).all()
        assert all(n == 1 for _p, n in parameters)  # the stale snapshot row was replaced
        # the start of serve reads the revision without the ORM, as the stored rows write it
        assert _revision(store.engine) == rows.ledger_revision(store)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers_serves(ledger_url, prepared):
    """``paradiplomacy serve --workers 2``: two forked workers answer pages, the API and a
    scenario; Ctrl+C (SIGINT) stops them all."""
    port = _free_port()
    command = [sys.executable, "-m", "paradiplomacy.cli", "serve", "--db", ledger_url,
               "--runs", str(RUNS), "--seed", str(SEED), "--port", str(port),
               "--workers", "2"]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""
        except OSError:
            return 0, b""

    try:
        deadline = time.monotonic() + 120
        while get("/healthz")[0] != 200:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 2
        paths = (
            "/",
            "/region/RU-TA?lang=ru",
            "/api/partners/DE",
            "/api/scenario?partner=DE&level=2",
        )
        for path in paths:
            status, body = get(path)
            assert status == 200 and body, path
        assert get("/api/regions/RU-XX")[0] == 404
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output = process.communicate(timeout=30)[0].decode()
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert process.returncode == 0, output
    assert "dashboard snapshot read" in output and "2 worker(s)" in output


def test_starting_from_a_snapshot_imports_no_heavy_library(ledger_url, prepared):
    """The start of ``serve`` (the command, the app, reading the snapshot) loads neither
    pandas, SciPy, pyarrow nor SQLAlchemy's ORM: the workers load them afterwards, in the
    background, for scenarios."""
    probe = (
        "import sys, json\n"
        "from paradiplomacy.cli import report\n"
        "from paradiplomacy.web.app import create_app, serve_board\n"
        "from paradiplomacy.web.snapshot import prepare\n"
        f"p = prepare({ledger_url!r}, runs={RUNS}, seed={SEED})\n"
        "create_app(p.board)\n"
        "heavy = {'pandas', 'scipy', 'pyarrow', 'sqlalchemy.orm', 'duckdb'}\n"
        "print(json.dumps([p.message, sorted(heavy & set(sys.modules))]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    message, heavy = json.loads(out.strip().splitlines()[-1])
    assert message.startswith("dashboard snapshot read")
    assert heavy == []
