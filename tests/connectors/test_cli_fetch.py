"""`paradiplomacy fetch ...`: replay, dry run, re-run, failures; a temporary SQLite ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
import respx
from typer.testing import CliRunner

from paradiplomacy.cli.fetch import fetch_app
from paradiplomacy.connectors import emiss, wikidata
from paradiplomacy.connectors.http import HttpClient
from paradiplomacy.ledger.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
TWINNING = FIXTURES / "wikidata" / "twinning.json"
CONSULATES = FIXTURES / "wikidata" / "consulates.json"
LIFE = FIXTURES / "emiss" / "indicator_31293.xml"

runner = CliRunner()


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> str:
    path = tmp_path / "ledger.sqlite"
    shutil.copy(template_db, path)
    return str(path)


def _counts(db: str) -> dict[str, int]:
    with Store(db) as store:
        return store.counts()


def _run(*args: str):
    return runner.invoke(fetch_app, list(args))


def test_wikidata_twinning_from_file_then_rerun_adds_nothing(db):
    result = _run("wikidata", "twinning", "--from-file", str(TWINNING), "--db", db)
    assert result.exit_code == 0, result.output
    assert "read 9, kept 4, skipped 5" in result.output
    assert "1 region not in the registry" in result.output
    assert "added 4 records" in result.output
    again = _run("wikidata", "twinning", "--from-file", str(TWINNING), "--db", db)
    assert again.exit_code == 0 and "nothing added" in again.output
    assert _counts(db)["records"] == 4


def test_wikidata_consulates_dry_run_writes_nothing(db):
    result = _run("wikidata", "consulates", "--from-file", str(CONSULATES), "--db", db, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would add 3 records" in result.output and "Dry run" in result.output
    assert _counts(db)["records"] == 0


def test_emiss_from_file_with_a_name(db):
    args = ["emiss", "--indicator", "31293", "--from-file", str(LIFE), "--db", db]
    result = _run(*args, "--name", "life_expectancy")
    assert result.exit_code == 0, result.output
    assert "3 not a region (federation or federal district)" in result.output
    assert "added 4 statistics" in result.output
    with Store(db) as store:
        stats = store.statistics()
    assert set(stats["indicator"]) == {"life_expectancy"}
    assert _run(*args, "--name", "life_expectancy").exit_code == 0
    assert _counts(db)["statistics"] == 4


def test_emiss_bad_select_is_a_usage_error(db):
    result = _run(
        "emiss", "--indicator", "31293", "--from-file", str(LIFE), "--db", db, "--select", "x"
    )
    assert result.exit_code == 2 and "CONCEPT=CODE" in result.output


@respx.mock
def test_network_failures_exit_1_with_one_message_and_write_nothing(db, tmp_path):
    respx.get(wikidata.ENDPOINT).mock(side_effect=httpx.ConnectTimeout("slow"))
    respx.post(emiss.DATA_URL).mock(return_value=httpx.Response(500))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "paradiplomacy.cli.fetch._client",
            lambda cache, timeout: HttpClient(cache=cache, sleep=lambda _s: None),
        )
        cache = tmp_path / "cache"
        result = _run("wikidata", "twinning", "--db", db, "--cache", str(cache))
        assert result.exit_code == 1
        assert "error: could not fetch https://query.wikidata.org/sparql: timed out" in (
            result.output
        )
        result = _run("emiss", "--indicator", "31293", "--db", db)
        assert result.exit_code == 1 and "HTTP 500" in result.output
    assert _counts(db)["batches"] == 0
    assert not cache.exists() or not any(cache.iterdir())


@respx.mock
def test_wikidata_network_path_through_the_cli(db, tmp_path):
    respx.get(wikidata.ENDPOINT).mock(
        return_value=httpx.Response(200, content=CONSULATES.read_bytes())
    )
    cache = tmp_path / "cache"
    result = _run("wikidata", "consulates", "--db", db, "--cache", str(cache))
    assert result.exit_code == 0, result.output
    assert "added 3 records" in result.output
    assert len(list(cache.iterdir())) == 2
