"""The ``paradiplomacy`` command line, run in-process with typer's ``CliRunner``.

Each test checks what a user sees or gets (rows, files, messages), not only exit codes. Ledgers
are copies of template databases made once per module, so that tests stay fast and independent.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.main import get_command
from typer.testing import CliRunner, Result

from paradiplomacy import __version__
from paradiplomacy.cli import app
from paradiplomacy.ledger.export import RECORD_COLUMNS
from paradiplomacy.ledger.importer import import_file
from paradiplomacy.ledger.store import ENV_VAR, Store
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry import RegionRegistry

WIDE = {"COLUMNS": "220"}
"""A wide terminal, so that rich tables and help texts do not wrap words."""

# Windows-1251, semicolons, decimal commas, Russian names: as a spreadsheet in Russia saves CSV.
RECORDS_CSV = (
    "region;partner_country;partner_name;instrument;date;year;status;magnitude;unit;source;"
    "confidence;note\n"
    "Республика Татарстан;Турция;Стамбул;Соглашение;15.03.2019;;active;1;count;"
    "https://example.org/ta/1;0,9;Соглашение о сотрудничестве\n"
    "Татарстан;Германия;;Торговля;;2020;active;1 234,5;млн долл. США;https://example.org/ta/2;"
    "0,75;\n"
    "Псковская область;Эстония;Тарту;Побратимство;2021-06-01;;active;1;count;"
    "https://example.org/psk/1;1;\n"
    "Санкт-Петербург;Финляндия;Хельсинки;Культурное мероприятие;;2021;suspended;3;count;"
    "https://example.org/spe/1;0,5;Дни культуры\n"
    "Республика Татарстан;Казахстан;;Официальный визит;31.12.2021;;active;2;count;"
    "https://example.org/ta/3;;\n"
    "Приморский край;Китай;Харбин;Деловая миссия;;2018;terminated;1;count;"
    "https://example.org/pri/1;0,8;\n"
)
# (region, partner, instrument, date, year, status, magnitude, unit, confidence) per data row
EXPECTED_RECORDS = [
    ("RU-TA", "TR", "agreement", "2019-03-15", 2019, "active", 1.0, "count", 0.9),
    ("RU-TA", "DE", "trade", "", 2020, "active", 1234.5, "млн долл. США", 0.75),
    ("RU-PSK", "EE", "twinning", "2021-06-01", 2021, "active", 1.0, "count", 1.0),
    ("RU-SPE", "FI", "cultural_event", "", 2021, "suspended", 3.0, "count", 0.5),
    ("RU-TA", "KZ", "official_visit", "2021-12-31", 2021, "active", 2.0, "count", 1.0),
    ("RU-PRI", "CN", "business_mission", "", 2018, "terminated", 1.0, "count", 0.8),
]
STATS_CSV = (
    "region;indicator;unit;source;2019;2020;2021\n"
    "Татарстан;population;thousand persons;https://example.org/stat;3902,6;3894,1;4004,8\n"
    "Псковская область;population;thousand persons;https://example.org/stat;626,1;620,2;\n"
)


# --- helpers and fixtures ----------------------------------------------------------------------


def invoke(*args: object, env: dict[str, str] | None = None) -> Result:
    """Run the app with ``args``; stdout and stderr are kept apart in the result."""
    return CliRunner().invoke(app, [str(a) for a in args], env={**WIDE, **(env or {})})


def ok(*args: object, env: dict[str, str] | None = None) -> Result:
    """Run the app and require exit code 0."""
    result = invoke(*args, env=env)
    assert result.exit_code == 0, (result.exit_code, result.output, result.exception)
    return result


def csv_of(result: Result) -> pd.DataFrame:
    """Standard output parsed as CSV, every cell as text (so that 'NA' stays Namibia)."""
    return pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ledger of the person running the tests is used or touched."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("PARADIPLOMACY_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    records = folder / "records_ru.csv"
    records.write_bytes(RECORDS_CSV.encode("cp1251"))
    stats = folder / "population_wide.csv"
    stats.write_bytes(STATS_CSV.encode("cp1251"))
    return {"records": records, "stats": stats}


@pytest.fixture(scope="module")
def templates(
    tmp_path_factory: pytest.TempPathFactory, registries: dict, inputs: dict[str, Path]
) -> dict[str, Path]:
    """An empty initialised ledger, and one holding the records and statistics of ``inputs``."""
    folder = tmp_path_factory.mktemp("templates")
    empty = folder / "empty.sqlite"
    store = Store(empty, **registries)
    store.init()
    store.engine.dispose()  # checkpoints the WAL into the file, which can then be copied
    full = folder / "full.sqlite"
    shutil.copyfile(empty, full)
    store = Store(full, **registries)
    for kind in ("records", "stats"):
        report = import_file(store, inputs[kind], kind, raise_on_error=False)
        assert report.ok, report.problems.lines()
    store.engine.dispose()
    return {"empty": empty, "full": full}


def _copy(template: Path, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ledger.sqlite"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_db(tmp_path: Path, templates: dict[str, Path]) -> str:
    """URL of an initialised ledger without records."""
    return _copy(templates["empty"], tmp_path / "empty")


@pytest.fixture
def ledger(tmp_path: Path, templates: dict[str, Path]) -> str:
    """URL of a ledger holding the six records of RECORDS_CSV and five statistics."""
    return _copy(templates["full"], tmp_path / "full")


# --- help and version --------------------------------------------------------------------------


def _commands(
    group: object, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], object]]:
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


COMMANDS = dict(_commands(get_command(app)))
DOCUMENTED = {
    (): "classify",
    ("init",): "registries",
    ("import",): "Import",
    ("import", "records"): "activity",
    ("import", "stats"): "statistics",
    ("regions",): "regions",
    ("regions", "show"): "structural",
    ("records",): "provenance",
    ("stats",): "statistics",
    ("batches",): "SHA-256",
    ("export",): "Export",
    ("export", "records"): "provenance",
    ("export", "stats"): "long form",
    ("demo",): "SYNTHETIC",
}


def _distinctive(text: str) -> str:
    """The longest word of the first line of a help text."""
    words = re.findall(r"[A-Za-z][A-Za-z\-]+", text.strip().splitlines()[0])
    return max(words, key=len)


def test_every_documented_command_exists() -> None:
    assert set(DOCUMENTED) - {()} <= set(COMMANDS)


@pytest.mark.parametrize("path", [(), *sorted(COMMANDS)], ids=lambda p: " ".join(p) or "app")
def test_help(path: tuple[str, ...]) -> None:
    command = COMMANDS[path] if path else get_command(app)
    assert command.help and len(command.help.split()) >= 3, f"{path}: no help text"
    result = ok(*path, "--help")
    assert "Usage:" in result.stdout
    text = one_line(result.stdout)
    assert _distinctive(command.help) in text
    if path in DOCUMENTED:
        assert DOCUMENTED[path] in text
    for sub in getattr(command, "commands", {}):
        assert sub in text


def test_no_arguments_shows_the_commands() -> None:
    result = invoke()
    for name in ("init", "import", "regions", "records", "stats", "batches", "export", "demo"):
        assert name in result.output


def test_version() -> None:
    result = ok("--version")
    assert result.stdout == f"paradiplomacy {__version__}\n"
    assert __version__ == version("paradiplomacy")


# --- regions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "count"),
    [((), 85), (("--scope", "iso"), 83), (("--scope", "rf-2023"), 89), (("--scope", "all"), 89)],
    ids=["default", "iso", "rf-2023", "all"],
)
def test_regions_csv(args: tuple[str, ...], count: int) -> None:
    frame = csv_of(ok("regions", *args, "--format", "csv"))
    assert len(frame) == count
    assert frame["code"].is_unique
    assert "RU-TA" in set(frame["code"])
    assert {"code", "iso_code", "name_en", "name_ru", "type", "status"} <= set(frame.columns)


def test_regions_scopes_differ_only_by_disputed_entries() -> None:
    frames = {
        scope: csv_of(ok("regions", "--scope", scope, "--format", "csv")).set_index("code")
        for scope in ("study-2021", "iso", "rf-2023")
    }
    study, iso, rf = (set(frames[s].index) for s in ("study-2021", "iso", "rf-2023"))
    assert iso < study < rf
    assert study - iso == {"RU-CR", "RU-SEV"}
    assert set(frames["rf-2023"].loc[sorted(rf - iso), "status"]) == {"disputed"}
    assert (frames["iso"]["iso_code"] == frames["iso"].index).all()
    assert set(csv_of(ok("regions", "--format", "csv"))["code"]) == study


def test_regions_unknown_scope() -> None:
    result = invoke("regions", "--scope", "nope")
    assert result.exit_code == 2
    assert "unknown scope 'nope'" in result.stderr
    for scope in ("study-2021", "iso", "rf-2023", "all"):
        assert scope in result.stderr
    assert result.stdout == ""


def test_regions_json() -> None:
    rows = json.loads(ok("regions", "--format", "json").stdout)
    assert len(rows) == 85
    tatarstan = next(r for r in rows if r["code"] == "RU-TA")
    assert tatarstan["name_ru"] == "Республика Татарстан"
    assert tatarstan["federal_district"] == "volga"


def test_regions_table() -> None:
    text = ok("regions").stdout
    assert "85 regions in scope study-2021" in text
    assert "Республика Татарстан" in text
    assert "Republic of Tatarstan" in text


def test_regions_bad_format() -> None:
    result = invoke("regions", "--format", "yaml")
    assert result.exit_code == 2
    assert "expected table, csv or json" in result.stderr


@pytest.mark.parametrize("name", ["Татарстан", "RS73", "RU-TA", "tatarstan", "  ТАТАРСТАН "])
def test_regions_show_resolves_any_spelling(name: str) -> None:
    shown = json.loads(ok("regions", "show", name, "--format", "json").stdout)
    assert shown["code"] == "RU-TA"
    assert shown["fips"] == "RS73"
    assert shown["name_ru"] == "Республика Татарстан"
    assert shown == json.loads(ok("regions", "show", "RU-TA", "--format", "json").stdout)
    table = ok("regions", "show", name).stdout
    assert "Republic of Tatarstan (RU-TA)" in table
    assert "Kazan" in table


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Санкт-Петербург г.", "RU-SPE"),
        ("Респ. Татарстан", "RU-TA"),
        ("Ямало-Ненецкий АО", "RU-YAN"),
    ],
)
def test_regions_show_resolves_official_table_spellings(name: str, code: str) -> None:
    assert json.loads(ok("regions", "show", name, "--format", "json").stdout)["code"] == code


def test_regions_show_ambiguous_lists_the_candidates() -> None:
    result = invoke("regions", "show", "Алтай")
    assert result.exit_code == 1
    assert (
        "region 'Алтай' is ambiguous: did you mean 'Республика Алтай' (RU-AL) or "
        "'Алтайский край' (RU-ALT)?" in one_line(result.stderr)
    )


def test_regions_show_unknown_suggests() -> None:
    result = invoke("regions", "show", "Татарстанн")
    assert result.exit_code == 1
    assert "unknown region 'Татарстанн'" in result.stderr
    assert "did you mean" in result.stderr
    assert "RU-TA" in result.stderr


# --- init, import, records, stats, batches -----------------------------------------------------


def test_init_then_import(tmp_path: Path, inputs: dict[str, Path]) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'ledger.sqlite'}"
    text = one_line(ok("init", "--db", url).stdout)
    assert f"Ledger ready at {url}: 89 regions" in text
    assert "0 records" in text
    assert "Ledger ready" in ok("init", "--db", url).stdout  # idempotent

    result = ok("import", "records", inputs["records"], "--db", url)
    assert one_line(result.stdout) == (
        "records_ru.csv: read 6 rows; added 6 records, 0 already in the ledger (batch 1)"
    )
    frame = csv_of(ok("records", "--db", url, "--format", "csv"))
    got = [
        (
            r.region,
            r.partner_country,
            r.instrument,
            r.date,
            int(r.year),
            r.status,
            float(r.magnitude),
            r.unit,
            float(r.confidence),
        )
        for r in frame.itertuples()
    ]
    assert got == EXPECTED_RECORDS
    assert list(frame["source_row"]) == ["2", "3", "4", "5", "6", "7"]
    assert list(frame["partner_name"]) == ["Стамбул", "", "Тарту", "Хельсинки", "", "Харбин"]
    assert frame.loc[0, "note"] == "Соглашение о сотрудничестве"
    assert frame["uid"].str.fullmatch(r"[0-9a-f]{32}").all()


def test_import_dry_run_writes_nothing(empty_db: str, inputs: dict[str, Path]) -> None:
    result = ok("import", "records", inputs["records"], "--db", empty_db, "--dry-run")
    assert "Dry run: nothing was written." in result.stdout
    assert "would add 6 records" in result.stdout
    assert "(batch" not in result.stdout
    frame = csv_of(ok("records", "--db", empty_db, "--format", "csv"))
    assert len(frame) == 0
    assert "uid" in frame.columns
    assert json.loads(ok("batches", "--db", empty_db, "--format", "json").stdout) == []


def test_import_twice_says_already_imported(ledger: str, inputs: dict[str, Path]) -> None:
    before = ok("records", "--db", ledger, "--format", "csv").stdout
    result = ok("import", "records", inputs["records"], "--db", ledger)
    assert one_line(result.stdout) == (
        "records_ru.csv: already imported as batch 1 (same SHA-256); nothing added"
    )
    assert ok("records", "--db", ledger, "--format", "csv").stdout == before
    assert len(json.loads(ok("batches", "--db", ledger, "--format", "json").stdout)) == 2


def test_import_same_rows_in_another_file_adds_nothing(
    ledger: str, tmp_path: Path, inputs: dict[str, Path]
) -> None:
    other = tmp_path / "utf8_copy.csv"
    other.write_text(inputs["records"].read_bytes().decode("cp1251"), encoding="utf-8-sig")
    result = ok("import", "records", other, "--db", ledger)
    assert "added 0 records, 6 already in the ledger (batch 3)" in one_line(result.stdout)
    assert len(csv_of(ok("records", "--db", ledger, "--format", "csv"))) == 6


def test_import_bad_file_exits_1(ledger: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(RECORDS_CSV.replace("Приморский край", "Нарния").encode("cp1251"))
    before = ok("records", "--db", ledger, "--format", "csv").stdout
    result = invoke("import", "records", bad, "--db", ledger)
    assert result.exit_code == 1
    assert "bad.csv:7:region: expected a region code, ISO code, FIPS code or name" in one_line(
        result.stderr
    )
    assert "nothing was written" in result.stderr
    assert ok("records", "--db", ledger, "--format", "csv").stdout == before


def test_records_filter_by_region(ledger: str) -> None:
    frame = csv_of(ok("records", "--db", ledger, "--region", "Татарстан", "--format", "csv"))
    assert list(frame["region"]) == ["RU-TA"] * 3
    assert list(frame["partner_country"]) == ["TR", "DE", "KZ"]


def test_records_unknown_region(ledger: str) -> None:
    result = invoke("records", "--db", ledger, "--region", "Татарстанн")
    assert result.exit_code == 1
    assert "did you mean" in result.stderr


@pytest.mark.parametrize(
    ("since", "until", "partners"),
    [
        # years: records with a date or only a year inside 2020-2021
        ("2020", "2021", ["DE", "EE", "FI", "KZ"]),
        # dates: a dated record must be in the window; a year-only one in its years
        ("2021-07-01", "2021-12-31", ["FI", "KZ"]),
        (None, "2021-06-30", ["TR", "DE", "EE", "FI", "CN"]),
        ("2021-12-31", None, ["FI", "KZ"]),
        ("2019", "2019", ["TR"]),
    ],
)
def test_records_filter_by_time(
    ledger: str, since: str | None, until: str | None, partners: list[str]
) -> None:
    args = ["records", "--db", ledger, "--format", "csv"]
    if since:
        args += ["--since", since]
    if until:
        args += ["--until", until]
    assert list(csv_of(ok(*args))["partner_country"]) == partners


def test_records_bad_since(ledger: str) -> None:
    result = invoke("records", "--db", ledger, "--since", "last year")
    assert result.exit_code == 2
    assert "--since: expected a year or a date as YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize("partner", ["Germany", "Германия", "DE", "DEU", "germany"])
def test_records_filter_by_partner_name(ledger: str, partner: str) -> None:
    frame = csv_of(ok("records", "--db", ledger, "--partner", partner, "--format", "csv"))
    assert list(frame["partner_country"]) == ["DE"]
    assert list(frame["instrument"]) == ["trade"]


def test_records_unknown_partner(ledger: str) -> None:
    result = invoke("records", "--db", ledger, "--partner", "Narnia")
    assert result.exit_code == 1
    assert "unknown country 'Narnia'" in result.stderr
    assert result.stdout == ""


def test_records_other_filters_and_table(ledger: str) -> None:
    frame = csv_of(ok("records", "--db", ledger, "--instrument", "Twinning", "--format", "csv"))
    assert list(frame["region"]) == ["RU-PSK"]
    frame = csv_of(ok("records", "--db", ledger, "--status", "suspended", "--format", "csv"))
    assert list(frame["region"]) == ["RU-SPE"]
    assert len(csv_of(ok("records", "--db", ledger, "--limit", "2", "--format", "csv"))) == 2
    table = ok("records", "--db", ledger).stdout
    assert "6 records" in table
    assert "SYNTHETIC" not in table
    assert "Харбин" in table
    rows = json.loads(ok("records", "--db", ledger, "--format", "json").stdout)
    assert [r["region"] for r in rows] == [r[0] for r in EXPECTED_RECORDS]


def test_import_stats_and_list_them(empty_db: str, inputs: dict[str, Path]) -> None:
    result = ok("import", "stats", inputs["stats"], "--db", empty_db)
    assert one_line(result.stdout) == (
        "population_wide.csv: read 2 rows; added 5 statistics, 0 already in the ledger (batch 1)"
    )
    table = one_line(ok("stats", "--db", empty_db).stdout)
    assert "5 statistics by indicator" in table
    assert re.search(r"population\W+thousand persons\W+2\W+2019\W+2021\W+5\W", table)
    frame = csv_of(ok("stats", "--db", empty_db, "--format", "csv"))
    values = {(r.region, int(r.year)): float(r.value) for r in frame.itertuples()}
    assert values == {
        ("RU-PSK", 2019): 626.1,
        ("RU-PSK", 2020): 620.2,
        ("RU-TA", 2019): 3902.6,
        ("RU-TA", 2020): 3894.1,
        ("RU-TA", 2021): 4004.8,
    }
    one = csv_of(
        ok("stats", "--db", empty_db, "--region", "Татарстан", "--year", "2020", "--format", "csv")
    )
    assert list(one["value"]) == ["3894.1"]


def test_batches_json(ledger: str, inputs: dict[str, Path]) -> None:
    rows = json.loads(ok("batches", "--db", ledger, "--format", "json").stdout)
    assert [(b["id"], b["kind"], b["file_name"]) for b in rows] == [
        (1, "records", "records_ru.csv"),
        (2, "stats", "population_wide.csv"),
    ]
    for batch, kind in zip(rows, ("records", "stats"), strict=True):
        assert batch["sha256"] == hashlib.sha256(inputs[kind].read_bytes()).hexdigest()
        assert batch["synthetic"] is False
        assert batch["registry_version"].startswith("RU@")
    assert [b["rows_added"] for b in rows] == [6, 5]
    assert "Import batches" in ok("batches", "--db", ledger).stdout


# --- export ------------------------------------------------------------------------------------


def test_export_records_csv(ledger: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "records.csv"
    result = ok("export", "records", "--to", target, "--db", ledger)
    assert one_line(result.stdout) == f"Wrote 6 records to {target}"
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    exported = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    listed = csv_of(ok("records", "--db", ledger, "--format", "csv"))
    pd.testing.assert_frame_equal(exported, listed)
    assert list(exported["region"]) == [r[0] for r in EXPECTED_RECORDS]
    assert "Соглашение о сотрудничестве" in data.decode("utf-8-sig")


def test_export_records_filtered(ledger: str, tmp_path: Path) -> None:
    target = tmp_path / "ta.csv"
    ok(
        "export",
        "records",
        "--to",
        target,
        "--region",
        "RU-TA",
        "--partner",
        "Турция",
        "--db",
        ledger,
    )
    exported = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(zip(exported["region"], exported["partner_country"], strict=True)) == [
        ("RU-TA", "TR")
    ]


def test_export_records_xlsx(ledger: str, tmp_path: Path) -> None:
    target = tmp_path / "records.xlsx"
    ok("export", "records", "--to", target, "--db", ledger)
    assert target.exists()
    book = load_workbook(target)
    assert book.sheetnames == ["data", "columns"]
    rows = list(book["data"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert list(header) == list(csv_of(ok("records", "--db", ledger, "--format", "csv")).columns)
    assert len(body) == 6
    record = dict(zip(header, body[1], strict=True))
    assert record["region"] == "RU-TA"
    assert record["magnitude"] == 1234.5
    assert record["unit"] == "млн долл. США"
    about = [r for r in book["columns"].iter_rows(values_only=True)]
    assert about[0][0] == "Activity records"
    described = {r[0]: r[1] for r in about if r[0] in RECORD_COLUMNS}
    assert described["uid"] == RECORD_COLUMNS["uid"]
    assert set(described) == set(header)
    assert not any("SYNTHETIC" in str(r[0]) for r in about)


def test_export_stats(ledger: str, tmp_path: Path) -> None:
    target = tmp_path / "stats.xlsx"
    result = ok("export", "stats", "--to", target, "--db", ledger)
    assert "Wrote 5 statistics" in result.stdout
    rows = list(load_workbook(target)["data"].iter_rows(values_only=True))
    assert len(rows) == 6
    assert rows[0][:5] == ("uid", "region", "year", "indicator", "value")


@pytest.mark.parametrize("command", ["records", "stats"])
def test_export_bad_extension(ledger: str, tmp_path: Path, command: str) -> None:
    target = tmp_path / "records.txt"
    result = invoke("export", command, "--to", target, "--db", ledger)
    assert result.exit_code == 1
    assert "records.txt: expected a .csv or .xlsx file name, got '.txt'" in result.stderr
    assert not target.exists()


# --- demo --------------------------------------------------------------------------------------

SUMMARIES = ("by_region", "by_instrument", "by_partner", "by_year")


class DemoRun:
    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.url = f"sqlite:///{folder / 'demo.sqlite'}"
        self.result = invoke(
            "demo",
            "--records",
            2000,
            "--seed",
            seed,
            "--out",
            folder,
            "--db",
            self.url,
            "--fresh",
        )

    def summary(self, name: str) -> bytes:
        return (self.folder / f"summary_{name}.csv").read_bytes()

    def records(self) -> pd.DataFrame:
        return csv_of(ok("records", "--db", self.url, "--format", "csv"))


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory):
    """Demo runs by (label, seed), each in its own folder, run once per module."""
    runs: dict[tuple[str, int], DemoRun] = {}

    def run(label: str, seed: int) -> DemoRun:
        if (label, seed) not in runs:
            runs[label, seed] = DemoRun(tmp_path_factory.mktemp(f"demo-{label}-{seed}"), seed)
        return runs[label, seed]

    return run


def test_demo_writes_synthetic_summaries(demo_runs) -> None:
    run = demo_runs("a", 7)
    assert run.result.exit_code == 0, run.result.output
    text = run.result.stdout
    assert "SYNTHETIC" in text
    assert "Generating synthetic demo data (seed 7)" in text
    assert re.search(r"synthetic-records-seed7: read [\d,]+ rows; added [\d,]+ records", text)
    tables = {}
    for name in SUMMARIES:
        path = run.folder / f"summary_{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        tables[name] = pd.read_csv(path, encoding="utf-8-sig")
        assert tables[name].columns[0] == "data_origin"
        assert set(tables[name]["data_origin"]) == {"synthetic"}
    assert len(tables["by_region"]) == 85
    assert len(tables["by_instrument"]) == len(Taxonomy.load().instruments)
    records = run.records()
    in_scope = records["region"].isin(RegionRegistry.load().to_frame().index).sum()
    assert 1500 <= len(records) <= 2500
    assert tables["by_region"]["records"].sum() == in_scope
    assert tables["by_instrument"]["records"].sum() == in_scope
    assert tables["by_partner"]["records"].sum() == in_scope
    assert tables["by_year"]["all"].sum() == in_scope
    assert records["source"].str.startswith("synthetic:").all()
    assert "(SYNTHETIC DATA)" in ok("records", "--db", run.url, "--limit", "3").stdout


def test_demo_is_reproducible(demo_runs) -> None:
    first, second = demo_runs("a", 7), demo_runs("b", 7)
    assert first.result.exit_code == 0 and second.result.exit_code == 0
    for name in SUMMARIES:
        assert first.summary(name) == second.summary(name), name
    pd.testing.assert_frame_equal(
        first.records().drop(columns="batch_id"), second.records().drop(columns="batch_id")
    )
    batches = [
        [
            {k: v for k, v in b.items() if k not in ("id", "imported_at")}
            for b in json.loads(ok("batches", "--db", run.url, "--format", "json").stdout)
        ]
        for run in (first, second)
    ]
    assert batches[0] == batches[1]
    assert all(b["synthetic"] for b in batches[0])


def test_demo_fresh_rerun_is_reproducible(demo_runs, tmp_path: Path) -> None:
    first = demo_runs("a", 7)
    folder = tmp_path / "again"
    shutil.copytree(first.folder, folder)
    again = DemoRun(folder, 7)  # --fresh empties the copied demo ledger first
    assert again.result.exit_code == 0, again.result.output
    for name in SUMMARIES:
        assert again.summary(name) == first.summary(name), name
    pd.testing.assert_frame_equal(again.records(), first.records())


def test_demo_other_seed_differs(demo_runs) -> None:
    first, other = demo_runs("a", 7), demo_runs("c", 8)
    assert other.result.exit_code == 0, other.result.output
    assert "seed 8" in other.result.stdout
    assert first.summary("by_region") != other.summary("by_region")
    assert first.summary("by_partner") != other.summary("by_partner")
    assert not set(first.records()["uid"]) & set(other.records()["uid"])


def test_demo_refuses_a_ledger_with_real_records(ledger: str, tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    before = (
        ok("records", "--db", ledger, "--format", "csv").stdout,
        ok("stats", "--db", ledger, "--format", "csv").stdout,
        ok("batches", "--db", ledger, "--format", "json").stdout,
    )
    result = invoke("demo", "--records", 200, "--out", out, "--db", ledger)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert ledger in one_line(result.stderr)
    assert re.search(r"real|non-synthetic", result.stderr)
    assert "Generating" not in result.stdout
    after = (
        ok("records", "--db", ledger, "--format", "csv").stdout,
        ok("stats", "--db", ledger, "--format", "csv").stdout,
        ok("batches", "--db", ledger, "--format", "json").stdout,
    )
    assert after == before
    assert not list(out.glob("summary_*.csv"))


def test_demo_fresh_refuses_a_ledger_with_real_records(ledger: str, tmp_path: Path) -> None:
    """--fresh empties a demo ledger only: it must never drop real records."""
    before = ok("records", "--db", ledger, "--format", "csv").stdout
    result = invoke("demo", "--records", 200, "--out", tmp_path / "o", "--db", ledger, "--fresh")
    after = ok("records", "--db", ledger, "--format", "csv").stdout
    assert after == before
    assert len(csv_of(ok("records", "--db", ledger, "--format", "csv"))) == 6
    assert result.exit_code == 1
    assert ledger in one_line(result.stderr)


# --- the environment variable ------------------------------------------------------------------


def test_environment_variable_names_the_ledger(
    tmp_path: Path, ledger: str, inputs: dict[str, Path]
) -> None:
    env = {ENV_VAR: ledger}
    frame = csv_of(ok("records", "--format", "csv", env=env))
    assert len(frame) == 6
    assert len(json.loads(ok("batches", "--format", "json", env=env).stdout)) == 2

    path = tmp_path / "from_env" / "ledger.sqlite"
    env = {ENV_VAR: str(path)}
    assert "89 regions" in ok("init", env=env).stdout
    assert path.exists()
    ok("import", "records", inputs["records"], env=env)
    assert len(csv_of(ok("records", "--format", "csv", env=env))) == 6
    assert len(csv_of(ok("records", "--format", "csv", "--db", ledger, env=env))) == 6
    assert not (tmp_path / "paradiplomacy.sqlite").exists()  # the default was not used


def test_default_ledger_is_in_the_working_directory(tmp_path: Path) -> None:
    assert "0 records" in ok("init").stdout
    assert (tmp_path / "paradiplomacy.sqlite").exists()
