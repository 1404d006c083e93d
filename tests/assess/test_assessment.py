"""The whole assessment on a small synthetic ledger: tables, determinism, scopes, scenarios, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from paradiplomacy.assess.assessment import Assessment, write_scenario
from paradiplomacy.cli import app
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill

RUNS = 40
REGION_COLUMNS = [
    "code", "name_en", "name_ru", "iai", "iai_rank", "iai_rank_q5", "iai_rank_q95", "sppi",
    "sppi_rank", "level", "p_level_1", "p_level_2", "p_level_3", "p_level_4", "balance",
    "orientation", "structural_type",
]  # fmt: skip
runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("assess")
    path = folder / "demo.sqlite"
    shutil.copy(template_db, path)
    url = f"sqlite:///{path}"
    store = Store(url)
    fill(store, seed=3, target_records=6000)
    store.close()
    return url


@pytest.fixture(scope="module")
def assessment(demo_db: str) -> Assessment:
    return Assessment.from_store(Store(demo_db), runs=RUNS, seed=5)


def test_regions_table(assessment):
    table = assessment.regions_table()
    assert [c for c in table.columns if c in REGION_COLUMNS] == REGION_COLUMNS
    assert len(table) == 85 and table["code"].is_unique
    probs = table[["p_level_1", "p_level_2", "p_level_3", "p_level_4"]]
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert set(table["level"]) <= {1, 2, 3, 4}
    assert (table["iai_rank_q5"] <= table["iai_rank_q95"]).all()
    assert table["iai"].is_monotonic_decreasing
    assert (table["data"] == "synthetic").all()
    assert assessment.year == 2024 and assessment.runs == RUNS


def test_explanations_name_indicators_and_records(assessment):
    top = assessment.regions_table()["code"].iloc[0]
    explanation = assessment.explain(top)
    assert explanation["code"] == top
    assert explanation["indicators"] and explanation["records"]
    assert all(r["source"].startswith("synthetic:") for r in explanation["records"])


def test_same_seed_same_results(demo_db, assessment):
    again = Assessment.from_store(Store(demo_db), runs=RUNS, seed=5)
    pd.testing.assert_frame_equal(again.regions_table(), assessment.regions_table())
    a = assessment.scenario("DE", 2).capacity
    b = again.scenario("DE", 2).capacity
    pd.testing.assert_frame_equal(a, b)


def test_scope_changes_which_regions_appear_and_nothing_else(demo_db, assessment):
    iso = Assessment.from_store(Store(demo_db), runs=RUNS, seed=5, scope="iso")
    codes = set(iso.regions_table()["code"])
    assert codes == set(Store(demo_db).regions.to_frame("iso")["code"])
    assert len(codes) == 83
    common = sorted(codes)
    # The evidence behind each region (its indicator values) does not depend on the scope.
    pd.testing.assert_frame_equal(
        iso.indicators.loc[common], assessment.indicators.loc[common], check_like=True
    )
    assert iso.configuration()["files"] == assessment.configuration()["files"]


def test_scenario_capacity_and_totals(assessment):
    result = assessment.scenario("DE", 2)
    table = result.capacity
    for column in ("code", "capacity", "rank", "framework", "p_top10"):
        assert column in table.columns
    contributions = table.filter(like="contrib_")
    np.testing.assert_allclose(contributions.sum(axis=1), table["capacity"], atol=1e-12)
    assert table["capacity"].is_monotonic_decreasing
    assert ((table["p_top10"] >= 0) & (table["p_top10"] <= 1)).all()
    summary = result.summary
    assert {"total", "resilience", "redundancy", "synthetic"} <= set(summary)
    assert summary["synthetic"] is True
    assert summary["total"] == pytest.approx(table["capacity"].sum())


def test_raising_the_level_or_closing_never_raises_capacity(assessment):
    previous = None
    for level in range(4):
        cap = assessment.scenario("DE", level).capacity.set_index("code")["capacity"]
        if previous is not None:
            assert (cap <= previous.reindex(cap.index) + 1e-12).all()
        previous = cap
    closed = assessment.scenario("DE", 2, closed_instruments=("education", "twinning"))
    base = assessment.scenario("DE", 2)
    c = closed.capacity.set_index("code")["capacity"]
    b = base.capacity.set_index("code")["capacity"].reindex(c.index)
    assert (c <= b + 1e-12).all()


def test_shipped_scenario_and_errors(assessment, tmp_path):
    result = assessment.scenario(scenario="tension_jp")
    assert result.summary["partner"] == "JP" and result.summary["level"] == 1
    paths = write_scenario(result, tmp_path)
    assert [p.name for p in paths] == ["capacity.csv", "summary.json", "frameworks.csv"]
    frameworks = result.frameworks
    assert {"culture_image", "political_plus", "recommended"} <= set(frameworks.columns)
    assert (frameworks["culture_image_q5"] <= frameworks["culture_image_q95"]).all()
    assert frameworks[["p_culture_image", "p_political_plus"]].le(1).all().all()
    assert (pd.read_csv(tmp_path / "capacity.csv")["data"] == "synthetic").all()
    with pytest.raises(KeyError, match="unknown partner country 'XX'"):
        assessment.scenario("XX", 1)
    with pytest.raises(ValueError, match="needs a partner and a crisis level"):
        assessment.scenario("DE")


def test_cli_assess_scenario_and_indicators(demo_db, tmp_path):
    result = runner.invoke(
        app, ["assess", "--db", demo_db, "--runs", "20", "--out", str(tmp_path / "a")]
    )
    assert result.exit_code == 0, result.output
    regions = pd.read_csv(tmp_path / "a" / "regions.csv")
    assert [c for c in regions.columns if c in REGION_COLUMNS] == REGION_COLUMNS
    data = json.loads((tmp_path / "a" / "assessment.json").read_text())
    assert data["synthetic"] is True and "SYNTHETIC" in data["notice"]
    assert data["configuration"]["runs"] == 20
    assert {"paradiplomacy", "numpy"} <= set(data["versions"])
    assert set(data["configuration"]["files"]) >= {"iai", "sppi", "classification"}
    assert len(data["explanations"]) == 85
    assert "SYNTHETIC DATA" in result.output

    result = runner.invoke(
        app,
        ["scenario", "--db", demo_db, "--runs", "20", "--partner", "DE", "--level", "3",
         "--out", str(tmp_path / "s")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    capacity = pd.read_csv(tmp_path / "s" / "capacity.csv")
    assert list(capacity.columns[:4]) == ["code", "name_en", "capacity", "rank"]
    summary = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert summary["partner"] == "DE" and summary["level"] == 3

    result = runner.invoke(
        app, ["indicators", "--db", demo_db, "--year", "2023", "--out", str(tmp_path / "i.csv")]
    )
    assert result.exit_code == 0, result.output
    idata = pd.read_csv(tmp_path / "i.csv")
    imeta = pd.read_csv(tmp_path / "i_iMeta.csv")
    assert len(idata) == 85 and set(imeta["iCode"]) >= {"IAI", "SPPI"}


def test_cli_channels_views(demo_db):
    result = runner.invoke(app, ["channels", "--db", demo_db, "--partner", "kz", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("region,name_en,intensity,political,economic")
    assert lines[1].endswith(",synthetic")
    result = runner.invoke(
        app, ["channels", "--db", demo_db, "--region", "Татарстан", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and {"partner", "intensity", "main_channel"} <= set(rows[0])
    result = runner.invoke(app, ["channels", "--db", demo_db, "--region", "Atlantis"])
    assert result.exit_code == 1 and "unknown region 'Atlantis'" in result.output


def test_cli_errors(demo_db, tmp_path):
    result = runner.invoke(
        app,
        ["scenario", "--db", demo_db, "--partner", "XX", "--level", "1", "--out", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert "unknown partner country 'XX'" in result.output
    result = runner.invoke(app, ["scenario", "--db", demo_db, "--out", str(tmp_path)])
    assert result.exit_code == 2
    result = runner.invoke(
        app, ["assess", "--db", f"sqlite:///{tmp_path / 'empty.sqlite'}", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "no ledger yet" in result.output


def test_cli_report_and_excel_export(demo_db, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(
        app,
        ["report", "--db", demo_db, "--runs", "20", "--partners", "de,JP", "--lang", "ru",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert 'id="partner-DE"' in html and 'id="partner-JP"' in html
    assert 'lang="ru"' in html
    bad = runner.invoke(
        app, ["report", "--db", demo_db, "--partners", "QQ", "--out", str(tmp_path / "x.html")]
    )
    assert bad.exit_code == 1 and "unknown country code(s) QQ" in bad.output
    xlsx = tmp_path / "assessment.xlsx"
    result = runner.invoke(
        app, ["export", "assessment", "--db", demo_db, "--runs", "20", "--to", str(xlsx)]
    )
    assert result.exit_code == 0, result.output
    import openpyxl

    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert {"README", "regions", "columns"} <= set(book.sheetnames)
    bad = runner.invoke(
        app, ["export", "assessment", "--db", demo_db, "--to", str(tmp_path / "a.csv")]
    )
    assert bad.exit_code == 2
