"""The importer against a corpus of bad input files (``tests/bad_inputs/``).

Each corpus file shows one problem. For each, the test pins the full text of every message
(``str(problem)``: ``file:row:column: expected ..., got ...; hint``) and its location, checks
that the import failed, and that the ledger is unchanged: the database already holds a small
valid import, and its tables must be the same afterwards (an import is all or nothing).

The expected messages say what a user needs to fix the file. Where the importer does not (yet)
say that, the case is marked ``xfail(strict=True)`` with the reason: the expected text is the
one the importer should give, not the one it gives today. The files are made by
``tests/bad_inputs/make_corpus.py``; a test checks that they are what the script writes.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from paradiplomacy.cli import app
from paradiplomacy.ledger.export import export_table
from paradiplomacy.ledger.importer import ImportReport, LedgerImportError, import_file
from paradiplomacy.ledger.store import Store

CORPUS = Path(__file__).parent / "bad_inputs"
GENERATOR = CORPUS / "make_corpus.py"

KNOWN_RECORD_COLUMNS = (
    "region, partner_country, instrument, source, date, year, partner_name, status, magnitude, "
    "unit, confidence, note, supersedes"
)
INSTRUMENTS = (
    "agreement, official_visit, representation_abroad, consulate_hosted, "
    "association_membership, intergovernmental_commission, trade, investment, business_mission, "
    "twinning, cultural_event, diaspora, ngo_project, humanitarian_aid, education, science, "
    "tourism, sport_event, media"
)
FORMULA_HINT = "kept as text; exports never write it as a formula"
MIXED_ENCODINGS = (
    "expected UTF-8 text throughout the file, got byte 0x{byte}, which is not UTF-8 "
    "(mixed encodings); save the whole file in one encoding, preferably UTF-8"
)
LOCATION = re.compile(r"^(?P<file>[^:]+):(?P<row>\d+):(?P<column>[^:]+): ")


@dataclass(frozen=True)
class Case:
    """A corpus file, how to import it, and the messages a user should get."""

    file: str
    kind: str
    errors: tuple[str, ...]
    xfail: str = ""

    def param(self) -> object:
        marks = [pytest.mark.xfail(strict=True, reason=self.xfail)] if self.xfail else []
        return pytest.param(self, id=self.file, marks=marks)


def many_errors() -> tuple[str, ...]:
    shown = tuple(
        f"records_many_errors.csv:{i + 2}:magnitude: expected a number, got 'about {i + 1}'"
        for i in range(100)
    )
    return (*shown, "... and 20 more problems not shown")


CASES = [
    # --- reading the file ------------------------------------------------------------------
    Case(
        "records_empty.csv",
        "records",
        ("records_empty.csv:1:-: expected a header row, got an empty file",),
    ),
    Case(
        "records_header_only.csv",
        "records",
        ("records_header_only.csv:2:-: expected at least one data row, got only a header",),
    ),
    Case(
        "records_utf16.csv",
        "records",
        (
            "records_utf16.csv:1:-: expected UTF-8 or Windows-1251 text, got UTF-16 text; "
            "save the file as CSV UTF-8",
        ),
    ),
    Case(
        "records_koi8r.csv",
        "records",
        (
            "records_koi8r.csv:1:-: expected UTF-8 or Windows-1251 text, got text that looks "
            "like KOI8-R (Cyrillic letters in the wrong case); save the file as CSV UTF-8",
        ),
    ),
    Case(
        "records_mixed_encoding.csv",
        "records",
        ("records_mixed_encoding.csv:4:-: " + MIXED_ENCODINGS.format(byte="CF"),),
    ),
    Case(
        "records_mixed_encoding_cp1251_first.csv",
        "records",
        ("records_mixed_encoding_cp1251_first.csv:2:-: " + MIXED_ENCODINGS.format(byte="D0"),),
    ),
    Case(
        "records_binary.csv",
        "records",
        ("records_binary.csv:1:-: expected a text file, got binary data",),
    ),
    Case(
        "records_not_xlsx.xlsx",
        "records",
        (
            "records_not_xlsx.xlsx:1:-: expected an Excel workbook (.xlsx), got a text file; "
            "if it holds CSV, name it .csv",
        ),
    ),
    Case(
        "records_old_excel.xls",
        "records",
        ("records_old_excel.xls:1:-: expected a .csv, .xlsx or .json file, got a .xls file",),
    ),
    Case(
        "records_bad.json",
        "records",
        ("records_bad.json:4:-: expected valid JSON, got Expecting ',' delimiter at column 37",),
    ),
    Case(
        "records_json_not_list.json",
        "records",
        (
            "records_json_not_list.json:1:-: expected a list of objects, or an object with a "
            "'records' list, got an object with keys "
            "['date', 'instrument', 'partner_country', 'region', 'source']",
        ),
    ),
    Case(
        "records_json_null.json",
        "records",
        ("records_json_null.json:1:-: expected a list of objects, got a JSON null",),
    ),
    Case(
        "records_json_nested.json",
        "records",
        (
            "records_json_nested.json:2:partner_name: expected a single value, "
            "got a nested JSON array",
        ),
    ),
    # --- CSV syntax --------------------------------------------------------------------------
    Case(
        "records_wrong_field_count.csv",
        "records",
        (
            "records_wrong_field_count.csv:3:-: expected 11 fields separated by ',', "
            "got 12 fields; quote cells that contain the separator",
        ),
    ),
    Case(
        "records_short_row.csv",
        "records",
        (
            "records_short_row.csv:4:-: expected 11 fields separated by ',', got 10 fields; "
            "keep empty cells in the row",
        ),
    ),
    Case(
        "records_unclosed_quote.csv",
        "records",
        (
            'records_unclosed_quote.csv:3:-: expected a closing quote ("), '
            "got the end of the file inside a quoted cell",
        ),
    ),
    Case(
        "records_long_line.csv",
        "records",
        (
            "records_long_line.csv:2:note: expected at most 10,000 characters, "
            "got 'Long note Long note Long note Long note '... (1,048,576 characters)",
        ),
    ),
    # --- columns -----------------------------------------------------------------------------
    Case(
        "records_missing_column.csv",
        "records",
        (
            "records_missing_column.csv:1:instrument: expected a column 'instrument', "
            "got no such column",
        ),
    ),
    Case(
        "records_unknown_column.csv",
        "records",
        (
            "records_unknown_column.csv:1:partner_contry: expected only known columns "
            f"({KNOWN_RECORD_COLUMNS}), got unknown column 'partner_contry'; "
            "did you mean 'partner_country'?",
        ),
    ),
    Case(
        "records_duplicate_header.csv",
        "records",
        (
            "records_duplicate_header.csv:1:note: expected each column once, "
            "got column 'note' twice",
        ),
    ),
    Case(
        "records_no_date_or_year.csv",
        "records",
        ("records_no_date_or_year.csv:1:date: expected a 'date' or a 'year' column, got neither",),
    ),
    # --- cells -------------------------------------------------------------------------------
    Case(
        "records_unknown_region.csv",
        "records",
        (
            "records_unknown_region.csv:3:region: expected a region code, ISO code, FIPS code "
            "or name, got 'Tatarstn'; did you mean 'Tatarstan' (RU-TA)?",
        ),
    ),
    Case(
        "records_unknown_country.csv",
        "records",
        (
            "records_unknown_country.csv:3:partner_country: expected an ISO 3166-1 country code "
            "or country name, got 'Germny'; did you mean 'Germany' (DE) or 'Guernsey' (GG)?",
        ),
    ),
    Case(
        "records_home_country.csv",
        "records",
        (
            "records_home_country.csv:3:partner_country: expected a foreign country, got 'RU'; "
            "not the home country",
        ),
    ),
    Case(
        "records_unknown_instrument.csv",
        "records",
        (
            "records_unknown_instrument.csv:3:instrument: expected an instrument of the "
            "taxonomy, got 'twining'; did you mean 'twinning'?",
            "records_unknown_instrument.csv:4:instrument: expected an instrument of the "
            f"taxonomy, got 'sanctions'; known: {INSTRUMENTS}",
        ),
    ),
    Case(
        "records_bad_date.csv",
        "records",
        (
            "records_bad_date.csv:3:date: expected a date as YYYY-MM-DD or DD.MM.YYYY, "
            "got '2021-13-45', which is not a calendar date",
            "records_bad_date.csv:4:date: expected a date as YYYY-MM-DD or DD.MM.YYYY, "
            "got '31.02.2020', which is not a calendar date",
        ),
    ),
    Case(
        "records_date_year_clash.csv",
        "records",
        (
            "records_date_year_clash.csv:3:year: expected the year of the date in the same row, "
            "got 2020 beside the date 2019-06-10",
        ),
    ),
    Case(
        "records_year_text.csv",
        "records",
        ("records_year_text.csv:3:year: expected a year from 1900 to 2100, got '2019 г.'",),
    ),
    Case(
        "records_negative_count.csv",
        "records",
        ("records_negative_count.csv:3:magnitude: expected a number of at least 0, got '-3'",),
    ),
    Case(
        "records_text_in_number.csv",
        "records",
        ("records_text_in_number.csv:3:magnitude: expected a number, got 'many'",),
    ),
    Case(
        "records_placeholder_nd.csv",
        "records",
        (
            "records_placeholder_nd.csv:3:magnitude: expected a number, got 'н/д'; "
            "that is a no-data mark: give the value, or leave the record out; an empty "
            "magnitude means 1",
        ),
    ),
    Case(
        "records_placeholder_dash.csv",
        "records",
        (
            "records_placeholder_dash.csv:3:confidence: expected a number, got '—'; "
            "that is a no-data mark: give a confidence, or leave the cell empty for 1",
        ),
    ),
    Case(
        "records_confidence_out_of_range.csv",
        "records",
        (
            "records_confidence_out_of_range.csv:3:confidence: expected a number from 0 to 1, "
            "got '1.5'",
            "records_confidence_out_of_range.csv:4:confidence: expected a number from 0 to 1, "
            "got '120%'",
        ),
    ),
    Case(
        "records_bad_status.csv",
        "records",
        (
            "records_bad_status.csv:3:status: expected one of planned, active, suspended, "
            "terminated, got 'ongoing'",
        ),
    ),
    Case(
        "records_missing_source.csv",
        "records",
        ("records_missing_source.csv:3:source: expected a source, got an empty cell",),
    ),
    Case(
        "records_duplicate_rows.csv",
        "records",
        (
            "records_duplicate_rows.csv:5:-: expected each record once (add repeated events up "
            "in 'magnitude'), got a duplicate of row 2",
        ),
    ),
    Case(
        "records_supersedes_unknown.csv",
        "records",
        (
            "records_supersedes_unknown.csv:3:supersedes: expected the uid of a current record, "
            "got '00112233445566778899aabbccddeeff', which is not in the ledger",
        ),
    ),
    Case("records_many_errors.csv", "records", many_errors()),
    Case(
        "records_bad.xlsx",
        "records",
        ("records_bad.xlsx:3:confidence: expected a number from 0 to 1, got '1.5'",),
    ),
    # --- statistics --------------------------------------------------------------------------
    Case(
        "stats_long_bad_value.csv",
        "stats",
        ("stats_long_bad_value.csv:3:value: expected a number, got '1O30'",),
    ),
    Case(
        "stats_wide_year_placeholder.csv",
        "stats",
        (
            "stats_wide_year_placeholder.csv:2:2020: expected a number, got '…'; "
            "that is a no-data mark: leave the cell empty when there is no value",
        ),
    ),
    Case(
        "stats_wide_indicator_no_unit.csv",
        "stats",
        (
            "stats_wide_indicator_no_unit.csv:1:exports: expected a unit in the indicator's "
            "header, like 'population [thousand persons]', got 'exports'",
        ),
    ),
    Case(
        "stats_wide_indicator_bad_value.csv",
        "stats",
        (
            "stats_wide_indicator_bad_value.csv:3:population [thousand persons]: expected a "
            "number, got 'about 1030'",
        ),
    ),
    Case(
        "stats_duplicate_key.csv",
        "stats",
        (
            "stats_duplicate_key.csv:5:value: expected one value per region, year and indicator, "
            "got a second value for RU-TA 2021 'population' (first at row 2)",
        ),
    ),
]
BY_FILE = {case.file: case for case in CASES}
VALID_FILES = {"records_formula_injection.csv"}
"""Corpus files that are valid and import (with warnings); tested separately."""


# --- the ledger each test starts from ----------------------------------------------------------

BASELINE_RECORDS = (
    "region,partner_country,partner_name,instrument,date,year,status,magnitude,unit,source,"
    "confidence,note\n"
    "Pskov Oblast,EE,Tartu County,cultural_event,2018-08-20,,active,1,count,"
    "https://example.org/psk/2018-08-20,0.7,\n"
    "Saint Petersburg,FI,Helsinki,twinning,,2015,active,1,count,https://example.org/spe/2015,"
    ",Baseline record\n"
)
BASELINE_STATS = (
    "region,year,indicator,value,unit,source\n"
    "Pskov Oblast,2021,population,600,thousand persons,https://example.org/stats/psk\n"
    "Saint Petersburg,2021,population,5608,thousand persons,https://example.org/stats/spe\n"
)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory, registries: dict) -> Path:
    """An initialised ledger holding a small valid import of records and of statistics."""
    folder = tmp_path_factory.mktemp("template")
    (folder / "baseline_records.csv").write_text(BASELINE_RECORDS, encoding="utf-8")
    (folder / "baseline_stats.csv").write_text(BASELINE_STATS, encoding="utf-8")
    path = folder / "template.sqlite"
    store = Store(path, **registries)
    store.init()
    for name, kind in (("baseline_records.csv", "records"), ("baseline_stats.csv", "stats")):
        report = import_file(store, folder / name, kind, raise_on_error=False)
        assert report.ok and report.rows_added == 2, report.problems.lines()
    store.engine.dispose()  # closes the last connection, which checkpoints the WAL into the file
    return path


@pytest.fixture
def store(tmp_path: Path, template_db: Path, registries: dict) -> Iterator[Store]:
    """A copy of the template ledger for one test."""
    path = tmp_path / "t.sqlite"
    shutil.copyfile(template_db, path)
    ledger = Store(path, **registries)
    yield ledger
    ledger.engine.dispose()


def snapshot(store: Store) -> dict[str, object]:
    """Everything an import may change."""
    return {
        "counts": store.counts(),
        "records": store.records(current=False),
        "statistics": store.statistics(current=False),
        "batches": store.batches(),
    }


def assert_unchanged(before: dict[str, object], after: dict[str, object]) -> None:
    assert after["counts"] == before["counts"]
    assert after["counts"]["records"] == 2 and after["counts"]["statistics"] == 2
    for table in ("records", "statistics", "batches"):
        pd.testing.assert_frame_equal(after[table], before[table])


def location(message: str) -> tuple[str, int, str]:
    match = LOCATION.match(message)
    assert match, f"no file:row:column in {message!r}"
    return match["file"], int(match["row"]), match["column"]


# --- one test per corpus file --------------------------------------------------------------------


@pytest.mark.parametrize("case", [case.param() for case in CASES])
def test_bad_input(case: Case, store: Store) -> None:
    before = snapshot(store)
    report = import_file(store, CORPUS / case.file, case.kind, raise_on_error=False)
    assert_unchanged(before, snapshot(store))
    assert not report.ok
    assert report.rows_added == 0 and report.batch_id is None
    assert report.problems.lines() == list(case.errors)
    shown = [m for m in case.errors if not m.startswith("... and ")]
    assert [str(p) for p in report.errors] == shown
    assert [(p.file, p.row, p.column) for p in report.errors] == [location(m) for m in shown]
    assert all(p.severity == "error" for p in report.errors)
    assert report.warnings == []


@pytest.mark.parametrize(
    "case", [case.param() for case in CASES if case.file != "records_many_errors.csv"]
)
def test_bad_input_read_one_row_at_a_time(case: Case, store: Store) -> None:
    """The same messages, and nothing written, when every row is a chunk of its own."""
    before = snapshot(store)
    report = import_file(store, CORPUS / case.file, case.kind, raise_on_error=False, chunk_rows=1)
    assert_unchanged(before, snapshot(store))
    assert report.problems.lines() == list(case.errors)


def test_many_errors_read_one_row_at_a_time_stop_at_max_errors(store: Store) -> None:
    report = import_file(
        store, CORPUS / "records_many_errors.csv", "records", raise_on_error=False, chunk_rows=1
    )
    assert report.problems.lines() == [
        *many_errors()[:100],
        "... checking stopped after row 101; the rest of the file was not read",
    ]


def test_raise_on_error_raises_with_the_messages(store: Store) -> None:
    before = snapshot(store)
    with pytest.raises(LedgerImportError) as raised:
        import_file(store, CORPUS / "records_unknown_region.csv", "records")
    assert str(raised.value).splitlines()[1:] == list(BY_FILE["records_unknown_region.csv"].errors)
    assert_unchanged(before, snapshot(store))


def test_summary_counts_one_problem_in_the_singular(store: Store) -> None:
    report = import_file(
        store, CORPUS / "records_unknown_region.csv", "records", raise_on_error=False
    )
    assert report.summary() == "records_unknown_region.csv: 1 problem; nothing was written"


def test_the_limit_line_counts_problems_beyond_max_errors(store: Store) -> None:
    report = import_file(
        store, CORPUS / "records_many_errors.csv", "records", max_errors=5, raise_on_error=False
    )
    assert report.problems.lines()[-1] == "... and 115 more problems not shown"
    assert len(report.errors) == 5 and len(report.problems) == 120
    assert report.summary() == "records_many_errors.csv: 120 problems; nothing was written"


# --- formulas in text are data, never formulas -------------------------------------------------

FORMULAS = {
    (2, "partner_name"): '=HYPERLINK("http://evil","x")',
    (3, "note"): "+cmd|' /C calc'!A0",
    (4, "note"): "@SUM(1+1)",
}


def imported_formulas(store: Store) -> tuple[ImportReport, pd.DataFrame]:
    report = import_file(
        store, CORPUS / "records_formula_injection.csv", "records", raise_on_error=False
    )
    records = store.records()
    return report, records[records["batch_id"] == report.batch_id].set_index("source_row")


def test_formula_injection_imports_with_warnings(store: Store) -> None:
    report, records = imported_formulas(store)
    name = "records_formula_injection.csv"
    assert report.ok, report.problems.lines()
    assert report.rows_added == 3 and report.problems.lines() == []
    assert [str(w) for w in report.warnings] == [
        f"{name}:2:partner_name: warning: expected plain text, "
        f'got \'=HYPERLINK("http://evil","x")\'; {FORMULA_HINT}',
        f"{name}:3:note: warning: expected plain text, got \"+cmd|' /C calc'!A0\"; {FORMULA_HINT}",
        f"{name}:4:note: warning: expected plain text, got '@SUM(1+1)'; {FORMULA_HINT}",
    ]
    assert [(w.row, w.column, w.severity) for w in report.warnings] == [
        (row, column, "warning") for row, column in FORMULAS
    ]
    for (row, column), text in FORMULAS.items():
        assert records.at[row, column] == text
    assert store.counts()["records"] == 5


def test_formula_injection_exports_as_text(store: Store, tmp_path: Path) -> None:
    report, _ = imported_formulas(store)
    frame = store.records()
    formulas = set(FORMULAS.values())

    xlsx = export_table(frame, tmp_path / "records.xlsx", title="x")
    book = load_workbook(xlsx)
    sheet = book["data"]
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
            if cell.value in formulas:
                assert cell.data_type == "s"
                found[cell.value] = cell.coordinate
    assert set(found) == formulas

    path = export_table(frame, tmp_path / "records.csv", title="x")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_row = {int(r["source_row"]): r for r in rows if r["batch_id"] == str(report.batch_id)}
    for (row, column), text in FORMULAS.items():
        assert by_row[row][column] == "'" + text
    raw = path.read_text(encoding="utf-8-sig")
    assert not re.search(r"(^|,)[=+@]", raw, flags=re.MULTILINE)


# --- the command line ---------------------------------------------------------------------------

CLI_FILES = [
    "records_unknown_region.csv",
    "records_koi8r.csv",
    "records_empty.csv",
    "records_wrong_field_count.csv",
    "stats_duplicate_key.csv",
]
CLI_WIDTH = "80"
"""The width rich assumes when no terminal is attached (cron, CI); set so the run is the same
from a terminal of any width."""


@dataclass
class CliRun:
    exit_code: int
    lines: list[str]
    before: dict[str, object]
    after: dict[str, object]


def run_cli(store: Store, *args: str) -> CliRun:
    """Run ``paradiplomacy import ...`` with its output captured, as when piped to a file."""
    before = snapshot(store)
    result = CliRunner().invoke(
        app, ["import", *args, "--db", store.url], env={"COLUMNS": CLI_WIDTH}
    )
    lines = [line for line in result.output.splitlines() if line.strip()]
    return CliRun(result.exit_code, lines, before, snapshot(store))


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory: pytest.TempPathFactory, template_db: Path, registries: dict):
    """One CLI run per file of CLI_FILES (each on its own copy of the template ledger)."""
    runs: dict[str, CliRun] = {}

    def run(name: str) -> CliRun:
        if name not in runs:
            path = tmp_path_factory.mktemp("cli") / "t.sqlite"
            shutil.copyfile(template_db, path)
            store = Store(path, **registries)
            runs[name] = run_cli(store, BY_FILE[name].kind, str(CORPUS / name))
            store.engine.dispose()
        return runs[name]

    return run


@pytest.mark.parametrize("name", CLI_FILES)
def test_cli_reports_problems_and_exits_1(name: str, cli_runs) -> None:
    run = cli_runs(name)
    assert run.exit_code == 1, run.lines
    text = " ".join(" ".join(run.lines).split())  # as if each message were on one line
    for message in BY_FILE[name].errors:
        assert message in text
    assert run.lines[-1].startswith(f"{name}: ")
    assert run.lines[-1].endswith("; nothing was written")
    assert_unchanged(run.before, run.after)


@pytest.mark.parametrize("name", CLI_FILES)
def test_cli_prints_each_problem_on_one_line(name: str, cli_runs) -> None:
    run = cli_runs(name)
    assert run.lines[:-1] == list(BY_FILE[name].errors)


def test_cli_prints_the_limit_line(store: Store) -> None:
    name = "records_many_errors.csv"
    run = run_cli(store, "records", str(CORPUS / name), "--max-errors", "3")
    assert run.exit_code == 1
    assert run.lines == [
        *BY_FILE[name].errors[:3],
        "... and 117 more problems not shown",
        f"{name}: 120 problems; nothing was written",
    ]
    assert_unchanged(run.before, run.after)


# --- the corpus itself ---------------------------------------------------------------------------


def load_generator() -> object:
    spec = importlib.util.spec_from_file_location("make_corpus", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_corpus_file_has_a_case() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != GENERATOR.name}
    assert on_disk == set(BY_FILE) | VALID_FILES
    assert len(on_disk) >= 28


def test_corpus_is_what_the_generator_writes() -> None:
    files = load_generator().build()
    assert set(files) == set(BY_FILE) | VALID_FILES
    for name, data in files.items():
        assert (CORPUS / name).read_bytes() == data, f"{name}: run {GENERATOR.name}"
    assert len(files["records_long_line.csv"]) > 1_048_576
