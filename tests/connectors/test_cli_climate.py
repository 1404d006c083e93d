"""`paradiplomacy climate`: the monthly relations climate and the suggested crisis level."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from paradiplomacy.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "gdelt"
runner = CliRunner()


def test_climate_after_a_fetch(template_db: Path, tmp_path: Path):
    db = tmp_path / "ledger.sqlite"
    shutil.copy(template_db, db)
    url = f"sqlite:///{db}"
    files = str(FIXTURES / "*.CSV.zip")
    fetched = runner.invoke(app, ["fetch", "gdelt", "--files", files, "--db", url])
    assert fetched.exit_code == 0, fetched.output
    result = runner.invoke(app, ["climate", "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows, "the fixtures hold events with foreign partners"
    assert {"partner", "month", "events", "climate", "level"} <= set(rows[0])
    assert all(-10 <= r["climate"] <= 10 for r in rows)
    partner = rows[0]["partner"]
    table = runner.invoke(app, ["climate", "--db", url, "--partner", partner])
    assert table.exit_code == 0, table.output
    assert f"{partner}:" in table.output
    bad = runner.invoke(app, ["climate", "--db", url, "--format", "xml"])
    assert bad.exit_code == 2
