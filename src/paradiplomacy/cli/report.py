"""``paradiplomacy report``, ``export assessment`` and ``serve``: making the assessment visible."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paradiplomacy.cli.assess import (
    BANNER,
    ConfigDir,
    Runs,
    Scope,
    Seed,
    Year,
    load_assessment,
    print_data_label,
)
from paradiplomacy.cli.options import Db
from paradiplomacy.terminal import console, errors, fail

if TYPE_CHECKING:
    from paradiplomacy.assess.assessment import Assessment

Partners = Annotated[
    str | None,
    typer.Option("--partners", help="Partner countries, ISO alpha-2, comma-separated: US,DE,JP"),
]


def _partners(text: str | None) -> list[str]:
    return [p.strip().upper() for p in text.split(",") if p.strip()] if text else []


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add the commands to the main app and ``export assessment`` to the export group."""
    app.command("report")(report)
    app.command("serve")(serve)
    export_app.command("assessment")(export_assessment_cmd)


def report(
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="HTML file to write")],
    partners: Partners = None,
    boundaries: Annotated[
        Path | None,
        typer.Option(
            "--boundaries",
            exists=True,
            dir_okay=False,
            help="GeoJSON of the regions (matched by ISO 3166-2 code) for a choropleth",
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or ru")] = "en",
    year: Year = None,
    scope: Scope = None,
    config: ConfigDir = None,
    runs: Runs = None,
    seed: Seed = None,
    db: Db = None,
) -> None:
    """Write the assessment as one self-contained HTML file that opens without a network."""
    from paradiplomacy.report.html import write_report

    if lang not in ("en", "ru"):
        fail(f"--lang: expected en or ru, got {lang!r}", 2)
    assessment = load_assessment(db, year, scope, config, runs, seed)
    codes = _partners(partners)
    unknown = [c for c in codes if c not in assessment.partners.index]
    if unknown:
        fail(f"--partners: unknown country code(s) {', '.join(unknown)}; expected ISO alpha-2")
    try:
        path = write_report(assessment, partners=codes, geojson=boundaries, lang=lang, out=out)
    except (ValueError, KeyError) as exc:
        fail(str(exc))
    print_data_label(assessment)
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", highlight=False)


def export_assessment_cmd(
    to: Annotated[Path, typer.Option("--to", dir_okay=False, help="Excel file to write (.xlsx)")],
    partners: Partners = None,
    year: Year = None,
    scope: Scope = None,
    config: ConfigDir = None,
    runs: Runs = None,
    seed: Seed = None,
    db: Db = None,
) -> None:
    """Write every table of the assessment to Excel, with a sheet describing the columns."""
    from paradiplomacy.report.excel import export_assessment

    if to.suffix.lower() != ".xlsx":
        fail(f"--to: expected a .xlsx file, got {to.name!r}", 2)
    assessment = load_assessment(db, year, scope, config, runs, seed)
    path = export_assessment(assessment, to, partners=_partners(partners))
    print_data_label(assessment)
    console.print(f"wrote {path}", highlight=False)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port")] = 8000,
    year: Year = None,
    scope: Scope = None,
    config: ConfigDir = None,
    runs: Runs = None,
    seed: Seed = None,
    db: Db = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes, forked once the dashboard is prepared (2 suits two cores)",
        ),
    ] = 2,
) -> None:
    """Run the dashboard (read-only) on http://HOST:PORT; binds to 127.0.0.1 unless told.

    It starts from the dashboard snapshot stored in the ledger; the first time (or after the
    ledger or the configuration changed) it builds the assessment and the snapshot, and says so.
    """
    from paradiplomacy.ledger.constants import resolve_url
    from paradiplomacy.web.app import serve_board
    from paradiplomacy.web.snapshot import prepare

    def build() -> Assessment:  # no current snapshot: the assessment, stored or built
        return load_assessment(db, year, scope, config, runs, seed)

    url = resolve_url(db)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        build()  # says there is no ledger and exits
    prepared = prepare(
        url, year=year, scope=scope, config_dir=config, runs=runs, seed=seed, build=build
    )
    board = prepared.board
    errors.print(prepared.message, style="dim", markup=False, highlight=False)
    if board.synthetic:
        errors.print(BANNER, style="yellow")
    errors.print(board.data_label, style="yellow", markup=False, highlight=False)

    def ready() -> None:
        console.print(
            f"dashboard on http://{host}:{port}/ with {workers} worker(s) (Ctrl+C stops it)",
            highlight=False,
        )

    try:
        serve_board(board, host, port, workers=workers, log_level="warning", ready=ready)
    except OSError as exc:  # the address is taken or cannot be bound
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
