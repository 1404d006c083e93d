"""Excel export: every sheet, the columns sheet describing every column, the synthetic banner,
and values only (no formulas, formula-like text kept as text)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.store import Store
from paradiplomacy.report import excel
from paradiplomacy.report.excel import SYNTHETIC_NOTICE, export_assessment
from paradiplomacy.synthetic import fill

SHEETS = [
    "README", "regions", "indicators", "iMeta", "classes", "profile", "pillars_IAI",
    "pillars_SPPI", "rank_statistics", "channels", "top_pairs", "provenance", "configuration",
    "coverage_instruments", "coverage_indicators", "coverage_aggregates",
    "scenario_DE", "scenario_DE_totals", "columns",
]  # fmt: skip


@pytest.fixture(scope="module")
def assessment(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    path = tmp_path_factory.mktemp("excel") / "demo.sqlite"
    shutil.copy(template_db, path)
    store = Store(f"sqlite:///{path}")
    fill(store, seed=4, target_records=6000)
    built = Assessment.from_store(store, runs=50, seed=5)
    store.close()
    return built


@pytest.fixture(scope="module")
def workbook(assessment: Assessment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "assessment.xlsx"
    return export_assessment(assessment, out, partners=["de"])


def test_sheets(workbook):
    book = load_workbook(workbook, read_only=True)
    assert book.sheetnames == SHEETS


def _frame(path: Path, sheet: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet, header=1)  # row 1 is the synthetic banner


def test_synthetic_banner_everywhere(workbook):
    book = load_workbook(workbook, read_only=True)
    for name in book.sheetnames:
        first = next(book[name].iter_rows(min_row=1, max_row=1, values_only=True))
        assert first[0] == SYNTHETIC_NOTICE, name
        assert str(first[0]).startswith("SYNTHETIC DATA")


def test_columns_sheet_describes_every_column(workbook):
    columns = _frame(workbook, "columns")
    assert list(columns.columns) == ["sheet", "column", "description", "unit"]
    described = set(zip(columns["sheet"], columns["column"], strict=True))
    for sheet in SHEETS[1:]:
        frame = _frame(workbook, sheet)
        for column in frame.columns:
            assert (sheet, str(column)) in described, (sheet, column)
    assert columns["description"].notna().all()
    units = columns.set_index(["sheet", "column"])["unit"]
    assert units[("regions", "iai")] == "score 0-100"
    assert units[("indicators", "pol_agreements")] == "records"


def test_tables_match_the_assessment(assessment, workbook):
    regions = _frame(workbook, "regions")
    assert list(regions["code"]) == list(assessment.regions_table()["code"])
    channels = _frame(workbook, "channels")
    assert (channels["strength"] > 0).all()
    scenario = _frame(workbook, "scenario_DE")
    assert sorted(scenario["level"].unique()) == [0, 1, 2, 3]
    assert len(scenario) == 4 * len(regions)
    totals = _frame(workbook, "scenario_DE_totals")
    assert list(totals["level"]) == [0, 1, 2, 3]
    pillars = _frame(workbook, "pillars_IAI")
    assert list(pillars.columns[1:]) == list(assessment.coins["IAI"].framework.codes_at(2))
    top = _frame(workbook, "top_pairs")
    assert top["intensity"].is_monotonic_decreasing


def test_no_formulas_and_formula_like_text_stays_text(tmp_path, monkeypatch):
    class Fake:
        synthetic = False
        year, scope, runs, seed, origin = 2024, "test", 1, 1, "evidence"
        imeta = pd.DataFrame({"iCode": [], "iName": []})

    tables = {"evil": pd.DataFrame({"text": ["=1+1", "+7", "-x", "@SUM(A1)", "ok"], "n": range(5)})}
    monkeypatch.setattr(excel, "assessment_sheets", lambda a, p=(): dict(tables))
    monkeypatch.setattr(excel, "coverage_lines", lambda a: ["coverage: =not a formula"])
    path = export_assessment(Fake(), tmp_path / "evil.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["README", "evil", "columns"]
    values = [c.value for c in book["evil"]["A"]]
    assert values == ["text", "=1+1", "+7", "-x", "@SUM(A1)", "ok"]
    assert all(c.data_type != "f" for c in book["evil"]["A"])
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    assert "SYNTHETIC" not in str(next(book["evil"].iter_rows(values_only=True)))


def test_every_export_has_no_formula_cells(workbook):
    with zipfile.ZipFile(workbook) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                data = archive.read(name)
                assert b"<f>" not in data and b"<f " not in data, name
