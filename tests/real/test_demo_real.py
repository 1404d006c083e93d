"""``paradiplomacy demo --real`` up to the ledger and its summaries, and the honest labels.

The assessment step (the synthetic demo's own function) is replaced by a stub here: these tests
are about the real ledger, its summaries and labels, not the indices.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from paradiplomacy.cli import app, demo_real
from paradiplomacy.ledger.importer import import_frame
from paradiplomacy.ledger.store import Store
from paradiplomacy.ledger.summary import summarise
from paradiplomacy.starter import coverage, real_label

runner = CliRunner()
LABEL = "REAL public data, incomplete: 2 of 19 instruments covered"


@pytest.fixture
def assessed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Store, Path, str]]:
    calls: list[tuple[Store, Path, str]] = []
    monkeypatch.setattr(
        demo_real, "_assess", lambda store, out, url: calls.append((store, out, url))
    )
    return calls


def test_demo_real_builds_the_ledger_writes_real_summaries_and_assesses(
    tmp_path: Path, assessed: list
) -> None:
    out = tmp_path / "real"
    result = runner.invoke(app, ["demo", "--real", "--out", str(out), "--fresh"])
    assert result.exit_code == 0, result.output
    assert LABEL in result.output
    assert "absent: agreement, official_visit" in result.output
    assert "Wikidata" in result.output and "Rosstat" in result.output and "GDELT" in result.output
    assert "SYNTHETIC" not in result.output
    assert (out / "real.sqlite").exists()  # the default database, beside the outputs
    for name in ("by_region", "by_instrument", "by_partner", "by_year"):
        table = pd.read_csv(out / f"summary_{name}.csv", encoding="utf-8-sig")
        assert set(table["data_origin"]) == {"real"}, name
    by_instrument = pd.read_csv(out / "summary_by_instrument.csv", encoding="utf-8-sig")
    covered = by_instrument.loc[by_instrument["records"] > 0, "instrument"].tolist()
    assert covered == ["consulate_hosted", "twinning"]
    about = (out / "DATA_ORIGIN.txt").read_text(encoding="utf-8")
    assert about.startswith(LABEL) and "CC0" in about and "CC BY-SA 4.0" in about
    assert len(assessed) == 1 and assessed[0][1] == out
    assert assessed[0][0].counts()["records"] > 1000


def test_a_second_run_adds_nothing(tmp_path: Path, assessed: list) -> None:
    args = ["demo", "--real", "--out", str(tmp_path), "--db", str(tmp_path / "r.sqlite")]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "events_gdelt.csv: 0 events added" in again.output
    assert ", 0 added (batch" in again.output


def test_fresh_refuses_a_ledger_with_other_data(tmp_path: Path, assessed: list) -> None:
    db = tmp_path / "mine.sqlite"
    with Store(db) as store:
        store.init()
        frame = pd.DataFrame(
            {
                "region": ["RU-TA"],
                "partner_country": ["TR"],
                "instrument": ["agreement"],
                "year": [2020],
                "source": ["https://example.org/agreement"],
            }
        )
        import_frame(store, frame, "records", name="mine.csv")
    result = runner.invoke(
        app, ["demo", "--real", "--out", str(tmp_path), "--db", str(db), "--fresh"]
    )
    assert result.exit_code == 1
    assert "holds data besides the real starter ledger" in result.output
    with Store(db) as store:
        assert store.counts()["records"] == 1  # nothing deleted
    assert assessed == []


def test_demo_real_refuses_a_synthetic_ledger(tmp_path: Path, assessed: list) -> None:
    db = tmp_path / "demo.sqlite"
    with Store(db) as store:
        store.init()
        frame = pd.DataFrame(
            {
                "region": ["RU-TA"],
                "partner_country": ["TR"],
                "instrument": ["agreement"],
                "year": [2020],
                "source": ["synthetic:test"],
            }
        )
        import_frame(store, frame, "records", name="synthetic.csv")
    result = runner.invoke(app, ["demo", "--real", "--out", str(tmp_path), "--db", str(db)])
    assert result.exit_code == 1 and "holds synthetic data" in result.output
    with Store(db) as store:
        assert store.counts()["records"] == 1


def test_a_failing_assessment_is_an_error_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(store: Store, out: Path, url: str) -> None:
        raise ValueError("indicator 'eco_trade_pc' has no data")

    monkeypatch.setattr(demo_real, "_assess", fail)
    result = runner.invoke(app, ["demo", "--real", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "the assessment of the real starter ledger could not run" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "summary_by_region.csv").exists()  # the ledger and summaries stand


def test_labels_tell_real_from_synthetic(real_store: Store) -> None:
    records = real_store.records()
    covered, absent = coverage(records, real_store.taxonomy)
    assert covered == ["consulate_hosted", "twinning"]
    assert len(absent) == len(real_store.taxonomy.instruments) - 2 and "trade" in absent
    label = real_label(records, real_store.taxonomy)
    assert label.startswith(LABEL) and "absent: " in label and "media" in label
    tables = summarise(records, real_store.regions, real_store.partners, real_store.taxonomy)
    assert set(tables["by_region"]["data_origin"]) == {"real"}
    fake = records.head(5).assign(source="synthetic:2026.1")
    fake_tables = summarise(fake, real_store.regions, real_store.partners, real_store.taxonomy)
    assert set(fake_tables["by_region"]["data_origin"]) == {"synthetic"}
    mixed = pd.concat([records.head(5), fake])
    mixed_tables = summarise(mixed, real_store.regions, real_store.partners, real_store.taxonomy)
    assert set(mixed_tables["by_region"]["data_origin"]) == {"mixed (synthetic and real)"}
