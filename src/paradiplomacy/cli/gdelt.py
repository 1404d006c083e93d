"""Command functions for GDELT events: ``fetch gdelt`` and ``events`` (registered by the CLI).

``fetch_gdelt`` reads GDELT 2.0 export files (downloaded for a date range from the master file
list, or local ``.CSV`` / ``.CSV.zip`` files), keeps the events of the registry's regions by the
default rule (:mod:`paradiplomacy.connectors.gdelt`), prints rows read, kept, skipped and why
(malformed lines with file and line), and inserts the events all-or-nothing; re-running adds
nothing. ``events`` lists the stored events, one row per event and partner.

Register with ``fetch_app.command("gdelt")(fetch_gdelt)`` and ``app.command("events")(events)``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable

from paradiplomacy.cli.options import Db, RegistryFile, open_store
from paradiplomacy.terminal import console, errors, fail

if TYPE_CHECKING:  # pandas, DuckDB and the connectors are imported when a command runs
    import pandas as pd


def _date(value: str | None, option: str, end: bool = False) -> dt.date | None:
    from paradiplomacy.ledger.parsing import parse_date

    if not value:
        return None
    text = value.strip()
    if text.isdigit() and len(text) == 4:
        return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    parsed = parse_date(text)
    if parsed is None:
        fail(f"{option}: expected a year or a date as YYYY-MM-DD, got {value!r}", 2)
    return parsed


def fetch_gdelt(
    since: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD) of the export files")
    ] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD)")] = None,
    files: Annotated[
        str | None,
        typer.Option(
            "--files", help="Local .CSV or .CSV.zip export files: paths or globs, comma-separated"
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            exists=True,
            dir_okay=False,
            help="A saved GDELT file list (masterfilelist.txt) instead of downloading it.",
        ),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option("--cache", file_okay=False, help="Keep (and reuse) downloaded files here."),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (one machine) or dask")
    ] = "duckdb",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler address; without one a local cluster is started"
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1.0, help="Seconds to wait for the server.")
    ] = 60.0,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and filter only; write nothing.")
    ] = False,
    db: Db = None,
    registry: RegistryFile = None,
) -> None:
    """GDELT 2.0 events in the registry's regions: download the 15-minute export files of
    --from .. --to listed by GDELT's master file list (or read --files), keep each event whose
    ActionGeo_ADM1Code is a region's FIPS code, once per foreign partner country."""
    from paradiplomacy.connectors import gdelt
    from paradiplomacy.connectors.http import FetchError, HttpClient

    if engine not in ("duckdb", "dask"):
        fail(f"--engine: expected duckdb or dask, got {engine!r}", 2)
    if scheduler and engine != "dask":
        fail("--scheduler needs --engine dask", 2)
    start, end = _date(since, "--from"), _date(until, "--to", end=True)
    if not files and (start is None or end is None):
        fail("give --from and --to (a date range), or --files", 2)
    if files and (start or end or from_file):
        fail("--files reads local files: do not combine it with --from, --to or --from-file", 2)
    store = open_store(db, registry)
    try:
        result = gdelt.fetch(
            None if dry_run else store,
            files=files,
            start=start,
            end=end,
            file_list=from_file,
            client=HttpClient(timeout=timeout, cache=cache),
            engine=engine,
            scheduler=scheduler,
            rule=gdelt.Rule.default(store.regions, store.partners),
        )
    except (FetchError, FileNotFoundError, ValueError) as exc:
        fail(f"{exc}; nothing was written" if "nothing was written" not in str(exc) else str(exc))
    except Exception as exc:  # a database error: the transaction was rolled back
        fail(f"{type(exc).__name__}: {exc}; nothing was written")
    finally:
        store.close()
    report = result.report
    console.print(report.lines()[0], highlight=False)
    for line in report.lines()[1:]:
        target = errors if line.lstrip().startswith(("malformed", "...")) else console
        target.print(line, highlight=False, markup=False)
    if result.inserted is not None:
        console.print(result.inserted.summary(), highlight=False)
    else:
        console.print("dry run: nothing written", highlight=False)


def events(
    region: Annotated[str | None, typer.Option(help="Region code or name")] = None,
    partner: Annotated[str | None, typer.Option(help="Partner country code or name")] = None,
    since: Annotated[str | None, typer.Option(help="From this year or date (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this year or date")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many rows")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
    db: Db = None,
    registry: RegistryFile = None,
) -> None:
    """GDELT events in the ledger, one row per event and partner country."""
    from paradiplomacy.ledger.events import query_events

    if fmt not in ("table", "csv", "json"):
        fail(f"--format: expected table, csv or json, got {fmt!r}", 2)
    store = open_store(db, registry)
    try:
        frame = query_events(
            store,
            region=region,
            partner=partner,
            since=_date(since, "--since"),
            until=_date(until, "--until", end=True),
            limit=limit,
        )
    except KeyError as exc:
        fail(str(exc.args[0]) if exc.args else str(exc), 2)
    finally:
        store.close()
    _emit(frame, fmt)


def climate(
    partner: Annotated[str | None, typer.Option(help="Partner country code or name")] = None,
    since: Annotated[str | None, typer.Option(help="From this year or date (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this year or date")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
    db: Db = None,
    registry: RegistryFile = None,
) -> None:
    """Monthly relations climate with each partner (mean Goldstein of its GDELT events in the
    home country's regions) and the crisis level it suggests for scenarios (data/gdelt.yaml)."""
    from paradiplomacy.connectors.gdelt_climate import (
        ClimateConfig,
        monthly_climate,
        suggested_level,
    )
    from paradiplomacy.ledger.events import query_events

    if fmt not in ("table", "csv", "json"):
        fail(f"--format: expected table, csv or json, got {fmt!r}", 2)
    store = open_store(db, registry)
    try:
        frame = query_events(
            store,
            partner=partner,
            since=_date(since, "--since"),
            until=_date(until, "--until", end=True),
        )
        code = store.partners.resolve(partner) if partner else None
    except KeyError as exc:
        fail(str(exc.args[0]) if exc.args else str(exc), 2)
    finally:
        store.close()
    config = ClimateConfig.load()
    table = monthly_climate(frame, config)
    if fmt == "csv":
        table.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        sys.stdout.write(table.to_json(orient="records", force_ascii=False) + "\n")
    else:
        console.print(table.to_string(index=False) if len(table) else "no events", highlight=False)
    if code and fmt == "table":
        level, value, n = suggested_level(frame, code, config)
        if level is None:
            console.print(
                f"{code}: {n} event(s) in the last {config.window_months} months, fewer than "
                f"{config.min_events}: no suggestion",
                highlight=False,
            )
        else:
            console.print(
                f"{code}: climate {value:+.2f} over the last {config.window_months} months "
                f"({n} events) suggests crisis level {level}",
                highlight=False,
            )


def _emit(frame: pd.DataFrame, fmt: str, limit: int = 50) -> None:
    import pandas as pd

    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        out = frame.copy()
        out["date"] = out["date"].astype(str)
        out["retrieved"] = pd.to_datetime(out["retrieved"], utc=True).dt.strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        sys.stdout.write(out.to_json(orient="records", force_ascii=False))
        sys.stdout.write("\n")
    else:
        shown = [
            "date",
            "global_event_id",
            "region",
            "partner",
            "event_code",
            "quad_class",
            "goldstein",
            "avg_tone",
            "num_articles",
        ]
        table = RichTable(title="GDELT events", title_justify="left", header_style="bold")
        for column in shown:
            table.add_column(column, overflow="fold")
        for values in frame[shown].head(limit).itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in values))
        console.print(table)
        if len(frame) > limit:
            console.print(f"... {len(frame) - limit:,} more rows; use --format csv for all")


__all__ = ["events", "fetch_gdelt"]
