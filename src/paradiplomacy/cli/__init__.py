"""The ``paradiplomacy`` command line (typer + rich): :data:`app` and the wiring of the command
groups, one module each.

- :mod:`.ledger`: ``init``, ``regions``, ``import``, ``records``, ``stats``, ``batches``,
  ``export records|stats``, ``demo``
- :mod:`.assess`: ``indicators``, ``assess``, ``scenario``, ``channels``
- :mod:`.report`: ``report``, ``export assessment``, ``serve``
- :mod:`.fetch`: ``fetch wikidata ...``, ``fetch emiss``
- :mod:`.gdelt`: ``fetch gdelt``, ``events``, ``climate``
- :mod:`.index`: ``index build|audit|uncertainty|sensitivity``
- :mod:`.options`: the ``--db``, ``--registry`` and ``--format`` options shared by them

The command modules import the heavy parts (pandas, NumPy, SQLAlchemy, the store, the importer,
the connectors, the engine, the assessment, the web app) inside the commands, so that
``paradiplomacy --help`` stays quick: importing this package loads typer, rich and light modules
only (``tests/test_cli_startup.py`` checks it, ``benchmarks/bench_cli.py`` times it). Nothing in
the package imports ``cli``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from paradiplomacy.cli import assess, fetch, gdelt, index, ledger, report
from paradiplomacy.ledger.constants import ENV_VAR
from paradiplomacy.terminal import console

__all__ = ["app"]

app = typer.Typer(
    name="paradiplomacy",
    help="Measure, classify and explain the international activity of a country's regions.\n\n"
    "Evidence lives in a ledger (an SQLite file by default; any SQLAlchemy URL with --db or "
    f"${ENV_VAR}). Start with `paradiplomacy demo` for synthetic data, or `paradiplomacy init` "
    "and `paradiplomacy import records FILE` for your own.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from paradiplomacy import __version__

        console.print(f"paradiplomacy {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Measure, classify and explain the international activity of a country's regions."""


# The order of registration is the order of ``--help``.
assess.register(app)
report.register(app, ledger.export_app)
fetch.fetch_app.command("gdelt")(gdelt.fetch_gdelt)
app.command("events")(gdelt.events)
app.command("climate")(gdelt.climate)
ledger.register(app)
app.add_typer(index.index_app, name="index")
app.add_typer(fetch.fetch_app, name="fetch")
