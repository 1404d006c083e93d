"""``paradiplomacy fetch``: bring public data into the ledger (Wikidata, EMISS, ...).

Every fetch parses the response (from the network, or a saved one with ``--from-file``: the same
parser), prints what it read, kept and skipped and why, and lands the rows through the
validated, all-or-nothing import. Re-running adds nothing new. A failed download prints one
clear message, exits with code 1 and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paradiplomacy.cli.options import Db, RegistryFile, open_store
from paradiplomacy.terminal import console, errors, fail

if TYPE_CHECKING:  # the connectors (httpx, pandas) and the store are imported when a command runs
    from paradiplomacy.connectors import wikidata
    from paradiplomacy.connectors.base import Fetched
    from paradiplomacy.connectors.http import HttpClient
    from paradiplomacy.ledger.importer import ImportReport
    from paradiplomacy.ledger.store import Store

fetch_app = typer.Typer(
    help="Fetch public data into the ledger: Wikidata twinning and consulates, EMISS statistics. "
    "`--from-file` replays a saved response instead of the network; `--cache DIR` keeps the raw "
    "responses; `--dry-run` checks without writing.",
    no_args_is_help=True,
)
wikidata_app = typer.Typer(
    help="Twin towns and partner regions (twinning) and foreign consulates (consulate_hosted) "
    "in the registry's regions, from the Wikidata SPARQL endpoint.",
    no_args_is_help=True,
)
fetch_app.add_typer(wikidata_app, name="wikidata")

FromFile = Annotated[
    Path | None,
    typer.Option(
        "--from-file",
        exists=True,
        dir_okay=False,
        help="Replay this saved response instead of querying the network.",
    ),
]
Cache = Annotated[
    Path | None,
    typer.Option("--cache", file_okay=False, help="Keep every raw response in this directory."),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Fetch and check only; write nothing.")]
Timeout = Annotated[
    float, typer.Option("--timeout", min=1.0, help="Seconds to wait for the server.")
]


def _client(cache: Path | None, timeout: float) -> HttpClient:
    from paradiplomacy.connectors.http import HttpClient

    return HttpClient(timeout=timeout, cache=cache)


def _print_report(report: ImportReport) -> None:
    for problem in report.warnings:
        errors.print(str(problem), style="yellow", markup=False, highlight=False)
    if report.ok:
        console.print(report.summary(), highlight=False)
        return
    for line in report.problems.lines():
        errors.print(line, highlight=False, markup=False)
    errors.print(report.summary(), style="red", markup=False, highlight=False)


def _land(store: Store, fetched: Fetched, dry_run: bool) -> None:
    """Print the fetch summary, import the rows and print the import report."""
    from paradiplomacy.connectors.base import land

    console.print(fetched.summary(), highlight=False, markup=False)
    if fetched.frame.empty:
        console.print("Nothing to import.")
        return
    report = land(store, fetched, dry_run=dry_run)
    if dry_run and report.ok:
        console.print("Dry run: nothing was written.")
    _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


def _wikidata(
    kind: wikidata.Kind,
    db: str | None,
    registry: Path | None,
    from_file: Path | None,
    cache: Path | None,
    dry_run: bool,
    timeout: float,
) -> None:
    from paradiplomacy.connectors import wikidata
    from paradiplomacy.connectors.http import FetchError

    store = open_store(db, registry)
    try:
        fetched = wikidata.fetch(
            kind,
            regions=store.regions,
            partners=store.partners,
            client=_client(cache, timeout),
            from_file=from_file,
        )
    except (FetchError, wikidata.WikidataError) as error:
        fail(str(error))
    _land(store, fetched, dry_run)


@wikidata_app.command("twinning")
def wikidata_twinning(
    db: Db = None,
    registry: RegistryFile = None,
    from_file: FromFile = None,
    cache: Cache = None,
    dry_run: DryRun = False,
    timeout: Timeout = 120.0,
) -> None:
    """Twin towns and partner regions (P190) of places in the regions -> `twinning` records.

    One record per place and twin: the twin's country (P17 -> ISO alpha-2), its name, the year
    of the twinning's start time (else the retrieval year), `terminated` when it has an end time,
    confidence 0.8, the place's Wikidata URL as the source. See docs/connectors.md.
    """
    _wikidata("twinning", db, registry, from_file, cache, dry_run, timeout)


@wikidata_app.command("consulates")
def wikidata_consulates(
    db: Db = None,
    registry: RegistryFile = None,
    from_file: FromFile = None,
    cache: Cache = None,
    dry_run: DryRun = False,
    timeout: Timeout = 120.0,
) -> None:
    """Foreign consulates (Q7843791 and subclasses) in the regions -> `consulate_hosted` records.

    The partner is the consulate's operator (P137: the sending state, or the country of the
    operating ministry); the year is its inception (else the retrieval year), `terminated` when
    it has a dissolution date. See docs/connectors.md.
    """
    _wikidata("consulates", db, registry, from_file, cache, dry_run, timeout)


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        concept, sep, code = value.partition("=")
        if not sep or not concept.strip() or not code.strip():
            fail(f"{option}: expected CONCEPT=CODE (e.g. S_GRUP_2=3), got {value!r}", 2)
        out[concept.strip()] = code.strip()
    return out


@fetch_app.command("emiss")
def fetch_emiss(
    indicator: Annotated[
        str, typer.Option("--indicator", help="EMISS indicator id, as in fedstat.ru/indicator/ID")
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="Indicator name to store [default: the message's, else emiss_ID]"
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="The PERIOD to keep when the message has several "
            "[default: the only one, else the whole-year value]",
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", help="Keep only series with this dimension code, CONCEPT=CODE (repeat)"
        ),
    ] = None,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help="A selectedFilterIds value of the fedstat.ru form, FILTER_VALUE (repeat)",
        ),
    ] = None,
    db: Db = None,
    registry: RegistryFile = None,
    from_file: FromFile = None,
    cache: Cache = None,
    dry_run: DryRun = False,
    timeout: Timeout = 180.0,
) -> None:
    """Load an EMISS (fedstat.ru) indicator into the statistics, regions matched by OKATO code.

    The federation, federal districts and parts of subjects are skipped and counted. The source
    of each value is `EMISS (fedstat.ru) indicator ID`; a new value for a region, year and
    indicator supersedes the one in the ledger. See docs/connectors.md.
    """
    from paradiplomacy.connectors import emiss
    from paradiplomacy.connectors.http import FetchError

    chosen = _pairs(select, "--select")
    store = open_store(db, registry)
    try:
        fetched = emiss.fetch(
            indicator,
            regions=store.regions,
            client=_client(cache, timeout),
            from_file=from_file,
            name=name,
            period=period,
            select=chosen,
            filters=filters or [],
        )
    except (FetchError, emiss.EmissError) as error:
        fail(str(error))
    except ValueError as error:
        fail(str(error), 2)
    _land(store, fetched, dry_run)
