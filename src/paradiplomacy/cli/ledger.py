"""``paradiplomacy init``, ``regions``, ``import``, ``records``, ``stats``, ``batches``,
``export records|stats`` and ``demo``: the ledger and its registries."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable

from paradiplomacy import strictjson
from paradiplomacy.cli.assess import run_demo_assessment
from paradiplomacy.cli.options import Db, Format, RegistryFile, open_store
from paradiplomacy.ledger.constants import STATUSES
from paradiplomacy.terminal import console, errors, fail, progress_bar

if TYPE_CHECKING:  # pandas, SQLAlchemy and the importer are imported when a command runs
    import pandas as pd

    from paradiplomacy.ledger.importer import ImportReport
    from paradiplomacy.ledger.store import Store

import_app = typer.Typer(help="Import activity records or statistics (CSV, XLSX or JSON).")
export_app = typer.Typer(help="Export the ledger's records or statistics to CSV or XLSX.")
regions_app = typer.Typer(
    help="List the regions of the registry, or show one.", invoke_without_command=True
)


def register(app: typer.Typer) -> None:
    """Add the ledger commands (``init``, ``records``, ``stats``, ``batches``, ``demo``) and the
    ``import``, ``export`` and ``regions`` groups to ``app``."""
    app.command("init")(init)
    app.command("records")(records)
    app.command("stats")(stats)
    app.command("batches")(batches)
    app.command("demo")(demo)
    export_app.command("records")(export_records)
    export_app.command("stats")(export_stats)
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    app.add_typer(regions_app, name="regions")


def _emit(frame: pd.DataFrame, fmt: str, title: str, limit: int = 50) -> None:
    """Print a DataFrame as a rich table, CSV or JSON on standard output."""
    import pandas as pd

    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
        sys.stdout.write("\n")
    elif fmt == "table":
        table = RichTable(title=title, title_justify="left", header_style="bold")
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for values in frame.head(limit).itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in values))
        console.print(table)
        if len(frame) > limit:
            console.print(f"... {len(frame) - limit:,} more rows; use --format csv for all")
    else:
        fail(f"--format: expected table, csv or json, got {fmt!r}", 2)


def _when(value: str | None, option: str, end: bool) -> dt.date | None:
    from paradiplomacy.ledger.parsing import parse_date

    if not value:
        return None
    text = value.strip()
    if text.isdigit() and len(text) == 4:
        return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
    parsed = parse_date(text)
    if parsed is None:
        fail(f"{option}: expected a year or a date as YYYY-MM-DD, got {value!r}", 2)
    return parsed


def _print_report(report: ImportReport) -> None:
    for problem in report.warnings:
        errors.print(str(problem), style="yellow", markup=False, highlight=False)
    if report.ok:
        console.print(report.summary(), highlight=False)
        return
    for line in report.problems.lines():
        errors.print(line, highlight=False, markup=False)
    errors.print(report.summary(), style="red", markup=False, highlight=False)


def init(db: Db = None, registry: RegistryFile = None) -> None:
    """Create (or upgrade) the ledger database and load the region and partner registries."""
    from paradiplomacy.ledger.store import resolve_url

    store = open_store(db, registry)
    store.init()
    counts = store.counts()
    console.print(
        f"Ledger ready at {resolve_url(db)}: {counts['regions']} regions, "
        f"{counts['partners']} partner countries, {counts['records']:,} records.",
        highlight=False,
    )


def _import(
    kind: str, file: Path, db: str | None, registry: Path | None, dry_run: bool, max_errors: int
) -> None:
    from paradiplomacy.ledger.importer import import_file

    store = open_store(db, registry)
    text = file.suffix.lower() in (".csv", ".tsv", ".txt")  # progress in bytes, else in rows
    with progress_bar("bytes" if text else "rows") as bar:
        task = bar.add_task(f"Importing {file.name}", total=None)
        report = import_file(
            store,
            file,
            kind,
            dry_run=dry_run,
            max_errors=max_errors,
            raise_on_error=False,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if dry_run and report.ok:
        console.print("Dry run: nothing was written.")
    _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


FileArg = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="A .csv, .xlsx or .json file")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")]
MaxErrors = Annotated[int, typer.Option("--max-errors", min=1, help="Show at most this many.")]


@import_app.command("records")
def import_records(
    file: FileArg,
    db: Db = None,
    registry: RegistryFile = None,
    dry_run: DryRun = False,
    max_errors: MaxErrors = 100,
) -> None:
    """Import activity records.

    Columns: required `region`, `partner_country`, `instrument`, `source` and one of `date`
    (YYYY-MM-DD or DD.MM.YYYY) or `year`; optional `partner_name`, `status` (planned, active,
    suspended, terminated; default active), `magnitude` (default 1), `unit` (default count),
    `confidence` (0-1, default 1), `note`, `supersedes` (uid of a record this one corrects).
    The import is all or nothing; rows already in the ledger are skipped.
    """
    _import("records", file, db, registry, dry_run, max_errors)


@import_app.command("stats")
def import_stats(
    file: FileArg,
    db: Db = None,
    registry: RegistryFile = None,
    dry_run: DryRun = False,
    max_errors: MaxErrors = 100,
) -> None:
    """Import statistics (population, GRP, foreign students ...).

    Long form: `region, year, indicator, value, unit, source`. Wide by year: `region, indicator,
    unit, source, 2019, 2020, ...`. Wide by indicator: `region, year, source` and one column per
    indicator with its unit in the header, e.g. `population [thousand persons]`. A new value for
    a region, year and indicator supersedes the one in the ledger.
    """
    _import("stats", file, db, registry, dry_run, max_errors)


@regions_app.callback()
def regions(
    ctx: typer.Context,
    scope: Annotated[
        str | None, typer.Option("--scope", "-s", help="A scope of the registry, or 'all'")
    ] = None,
    fmt: Format = "table",
    registry: RegistryFile = None,
) -> None:
    """List the regions of a scope (default scope: the registry's default)."""
    if ctx.invoked_subcommand is not None:
        return
    from paradiplomacy.registry import RegionRegistry

    reg = RegionRegistry.load(registry)
    try:
        frame = reg.to_frame(scope)
    except KeyError as error:
        fail(str(error.args[0]), 2)
    if fmt == "table":
        frame = frame[["code", "name_en", "name_ru", "type", "federal_district", "status"]]
    name = scope or reg.default_scope
    _emit(frame.reset_index(drop=True), fmt, f"{len(frame)} regions in scope {name}", limit=200)


@regions_app.command("show")
def regions_show(
    code: Annotated[str, typer.Argument(help="Code, ISO code, FIPS code or any name or alias")],
    fmt: Format = "table",
    registry: RegistryFile = None,
) -> None:
    """Show one region with all its structural facts."""
    from paradiplomacy.registry import RegionRegistry

    reg = RegionRegistry.load(registry)
    try:
        region = reg.get(code)
    except KeyError as error:
        fail(str(error.args[0]))
    data = region.model_dump()
    if fmt == "json":
        sys.stdout.write(strictjson.dumps(data, indent=2) + "\n")
        return
    table = RichTable(title=f"{region.name_en} ({region.code})", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        shown = ", ".join(value) if isinstance(value, list) else ("" if value is None else value)
        table.add_row(key, str(shown))
    console.print(table)


def records(
    region: Annotated[str | None, typer.Option(help="Region code or name")] = None,
    partner: Annotated[str | None, typer.Option(help="Partner country code or name")] = None,
    instrument: Annotated[str | None, typer.Option(help="Instrument of the taxonomy")] = None,
    status: Annotated[str | None, typer.Option(help=", ".join(STATUSES))] = None,
    since: Annotated[str | None, typer.Option(help="From this year or date (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this year or date")] = None,
    scope: Annotated[str, typer.Option(help="Registry scope, or 'all'")] = "all",
    history: Annotated[bool, typer.Option(help="Include superseded records")] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many rows")] = None,
    fmt: Format = "table",
    db: Db = None,
) -> None:
    """List activity records, with their provenance (source, confidence, batch, row).

    The table view shows the main columns; `--format csv` or `json` gives every column.
    """
    from paradiplomacy.ledger.export import is_synthetic
    from paradiplomacy.ledger.validation import RECORD_FIELDS

    store = open_store(db)
    try:
        frame = store.records(
            region=region,
            partner=partner,
            instrument=instrument,
            status=status,
            since=_when(since, "--since", False),
            until=_when(until, "--until", True),
            scope=scope,
            current=not history,
            limit=limit,
        )
    except KeyError as error:
        fail(str(error.args[0]))
    title = f"{len(frame):,} records" + (" (SYNTHETIC DATA)" if is_synthetic(frame) else "")
    compact = [c for c in RECORD_FIELDS if c not in ("confidence", "note")]
    shown = frame if fmt != "table" else frame[compact]
    _emit(shown, fmt, title)


def stats(
    region: Annotated[str | None, typer.Option(help="Region code or name")] = None,
    indicator: Annotated[str | None, typer.Option(help="Indicator name")] = None,
    year: Annotated[int | None, typer.Option(help="Year")] = None,
    history: Annotated[bool, typer.Option(help="Include superseded values")] = False,
    fmt: Format = "table",
    db: Db = None,
) -> None:
    """List statistics; without filters, a summary by indicator."""
    from paradiplomacy.ledger.export import is_synthetic

    store = open_store(db)
    try:
        frame = store.statistics(region=region, indicator=indicator, year=year, current=not history)
    except KeyError as error:
        fail(str(error.args[0]))
    synthetic = " (SYNTHETIC DATA)" if is_synthetic(frame) else ""
    if not (region or indicator or year) and fmt == "table":
        summary = (
            frame.groupby(["indicator", "unit"])
            .agg(
                regions=("region", "nunique"),
                first_year=("year", "min"),
                last_year=("year", "max"),
                values=("value", "size"),
            )
            .reset_index()
        )
        _emit(summary, fmt, f"{len(frame):,} statistics by indicator{synthetic}")
        return
    _emit(frame, fmt, f"{len(frame):,} statistics{synthetic}")


def batches(fmt: Format = "table", db: Db = None) -> None:
    """List import batches: file, SHA-256, time and counts."""
    _emit(open_store(db).batches(), fmt, "Import batches")


def export_records(
    to: Annotated[Path, typer.Option("--to", help="Output file: .csv or .xlsx")],
    region: Annotated[str | None, typer.Option(help="Region code or name")] = None,
    partner: Annotated[str | None, typer.Option(help="Partner country code or name")] = None,
    history: Annotated[bool, typer.Option(help="Include superseded records")] = False,
    db: Db = None,
) -> None:
    """Export activity records with their provenance."""
    from paradiplomacy.ledger.export import RECORD_COLUMNS, export_table

    store = open_store(db)
    try:
        frame = store.records(region=region, partner=partner, current=not history)
        path = export_table(frame, to, title="Activity records", columns=RECORD_COLUMNS)
    except (KeyError, ValueError) as error:
        fail(str(error.args[0]))
    console.print(f"Wrote {len(frame):,} records to {path}", highlight=False)


def export_stats(
    to: Annotated[Path, typer.Option("--to", help="Output file: .csv or .xlsx")],
    history: Annotated[bool, typer.Option(help="Include superseded values")] = False,
    db: Db = None,
) -> None:
    """Export statistics in long form with their provenance."""
    from paradiplomacy.ledger.export import STAT_COLUMNS, export_table

    store = open_store(db)
    frame = store.statistics(current=not history)
    try:
        path = export_table(frame, to, title="Statistics", columns=STAT_COLUMNS)
    except ValueError as error:
        fail(str(error.args[0]))
    console.print(f"Wrote {len(frame):,} statistics to {path}", highlight=False)


def demo(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic generator")] = 42,
    out: Annotated[Path, typer.Option(help="Directory for the results")] = Path("out"),
    records_target: Annotated[
        int, typer.Option("--records", min=100, help="About this many synthetic records")
    ] = 50_000,
    fresh: Annotated[
        bool,
        typer.Option("--fresh", help="Empty the demo database first (refused for real data)"),
    ] = False,
    db: Db = None,
    real: Annotated[
        bool,
        typer.Option(
            "--real",
            help="Build the REAL starter ledger (public data shipped with the package, "
            "incomplete) in OUT/real.sqlite instead of synthetic data",
        ),
    ] = False,
) -> None:
    """Fill a fresh ledger with SYNTHETIC demo data and run the main job on it.

    Writes the ledger summaries (`summary_by_*.csv`) to OUT, then the assessment (indices with
    1,000 uncertainty runs, classes, channels) to OUT/assessment and three shipped crisis
    scenarios (a rupture with the United States, sanctions with Germany, tension with Japan) to
    OUT/scenarios/NAME, and the report for their partners to OUT/report.html; then prints how to
    start the dashboard. All of it is synthetic: every record's source is
    `synthetic:<generator version>` and every output says so.

    With `--real`, the ledger is the real starter ledger instead (twin towns, consular posts,
    Rosstat statistics, a GDELT sample; see paradiplomacy/data/real/SOURCES.md), in
    OUT/real.sqlite by default, and every output says "REAL public data, incomplete".
    """
    if real:
        from paradiplomacy.cli.demo_real import run_real_demo

        return run_real_demo(out, db, fresh)
    from paradiplomacy.ledger.importer import import_frame
    from paradiplomacy.ledger.store import resolve_url
    from paradiplomacy.synthetic import generate

    url = db or str(out / "demo.sqlite")
    store = open_store(url)
    store.ensure()
    if store.has_real_data():
        fail(
            f"{resolve_url(url)} holds imported (non-synthetic) data; the demo needs a database "
            "of its own, e.g. --db out/demo.sqlite"
        )
    if fresh:
        store.reset()
    console.print(f"Generating synthetic demo data (seed {seed}) ...")
    ledger = generate(
        store.regions, store.partners, store.taxonomy, seed=seed, target_records=records_target
    )
    with progress_bar() as bar:
        for kind, frame, name in (
            ("records", ledger.records, f"synthetic-records-seed{seed}"),
            ("stats", ledger.statistics, f"synthetic-stats-seed{seed}"),
        ):
            task = bar.add_task(f"Importing {name}", total=len(frame))
            report = import_frame(
                store,
                frame,
                kind,
                name=name,
                raise_on_error=False,
                progress=lambda done, total, t=task: bar.update(t, completed=done, total=total),
            )
            if not report.ok:
                _print_report(report)
                raise typer.Exit(1)
            console.print(report.summary(), highlight=False)
    _summarise(store, out)
    run_demo_assessment(store, out, url)


def _summarise(store: Store, out: Path) -> None:
    from paradiplomacy.ledger.export import export_table
    from paradiplomacy.ledger.summary import summarise
    from paradiplomacy.registry import MACRO_REGIONS

    frame = store.records()
    tables = summarise(frame, store.regions, store.partners, store.taxonomy)
    out.mkdir(parents=True, exist_ok=True)
    origin = tables["by_region"]["data_origin"].iat[0]
    banner = " (SYNTHETIC DATA: not real facts)" if origin == "synthetic" else ""
    for name, table in tables.items():
        export_table(table, out / f"summary_{name}.csv", title=name)
    scope = store.regions.default_scope
    _emit(
        tables["by_region"].drop(columns="data_origin"),
        "table",
        f"Ledger by region, scope {scope}{banner}",
        limit=15,
    )
    _emit(
        tables["by_instrument"].drop(columns="data_origin"),
        "table",
        f"Ledger by instrument{banner}",
        limit=25,
    )
    _emit(
        tables["by_partner"].drop(columns="data_origin"),
        "table",
        f"Ledger by partner country{banner}",
        limit=15,
    )
    labels = {k: v[0] for k, v in MACRO_REGIONS.items()}
    _emit(
        tables["by_year"].drop(columns="data_origin").rename(columns=labels),
        "table",
        f"Records per year by partner macro-region{banner}",
        limit=30,
    )
    console.print(f"Summaries written to {out.resolve()}/summary_*.csv{banner}", highlight=False)
