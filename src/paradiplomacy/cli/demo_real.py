"""``paradiplomacy demo --real``: the real starter ledger (:mod:`paradiplomacy.starter`) built,
summarised, labelled and assessed like the synthetic demo."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from paradiplomacy.cli.options import open_store
from paradiplomacy.ledger.store import Store
from paradiplomacy.starter import (
    STARTER_FILES,
    gdelt_source,
    load_real_starter,
    real_label,
    sources_line,
)


def run_real_demo(out: Path, db: str | None, fresh: bool) -> None:
    """``paradiplomacy demo --real``: build the real starter ledger at ``db`` (default
    ``OUT/real.sqlite``), print and write its summaries (``OUT/summary_by_*.csv``, with
    ``data_origin = real``) and its label, then run the demo's assessment and scenarios.

    Refuses a database that holds synthetic data; ``fresh`` empties the database first, and is
    refused when it holds anything besides the starter's own files.
    """
    from rich.table import Table as RichTable

    from paradiplomacy.ledger.events import query_events
    from paradiplomacy.ledger.export import export_table
    from paradiplomacy.ledger.importer import LedgerImportError
    from paradiplomacy.ledger.store import resolve_url
    from paradiplomacy.ledger.summary import summarise
    from paradiplomacy.terminal import console, errors, fail, progress_bar

    url = db or str(out / "real.sqlite")
    store = open_store(url)
    store.ensure()
    if store.is_synthetic():
        fail(
            f"{resolve_url(url)} holds synthetic data; the real starter ledger needs a database "
            "of its own, e.g. --db out/real/real.sqlite"
        )
    if fresh:
        names = set(store.batches()["file_name"])
        foreign_events = query_events(store)["source_file"].ne(gdelt_source()).any()
        if names - set(STARTER_FILES) or foreign_events:
            fail(
                f"{resolve_url(url)} holds data besides the real starter ledger; --fresh would "
                "delete it. Use a database of its own for the demo, e.g. --db out/real/real.sqlite"
            )
        store.reset()
    console.print("Loading the real starter ledger (public data shipped with paradiplomacy) ...")
    try:
        with progress_bar() as bar:
            tasks: dict[str, int] = {}

            def show(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(f"Importing {name}", total=total)
                bar.update(tasks[name], completed=done, total=total)

            summary = load_real_starter(store, progress=show)
    except LedgerImportError as error:
        for line in str(error).splitlines():
            errors.print(line, markup=False, highlight=False)
        fail("the shipped real tables did not import; nothing was written")
    for batch in summary["batches"]:
        console.print(
            f"{batch['file']}: {batch['rows_read']:,} rows, {batch['rows_added']:,} added "
            f"(batch {batch['batch_id']})",
            highlight=False,
        )
    added, already = summary["added"], summary["already"]
    console.print(
        f"events_gdelt.csv: {added['events']:,} events added, {already['events']:,} already in "
        "the ledger",
        highlight=False,
    )

    records = store.records()
    label = real_label(records, store.taxonomy)
    tables = summarise(records, store.regions, store.partners, store.taxonomy)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        export_table(table, out / f"summary_{name}.csv", title=name)
    (out / "DATA_ORIGIN.txt").write_text(
        f"{label}\n{sources_line()}\nDetails: paradiplomacy/data/real/SOURCES.md\n",
        encoding="utf-8",
    )

    def show_table(frame: pd.DataFrame, title: str, limit: int) -> None:
        table = RichTable(title=title, title_justify="left", header_style="bold")
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for values in frame.head(limit).itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in values))
        console.print(table)

    by_instrument = tables["by_instrument"]
    show_table(
        by_instrument[by_instrument["records"] > 0].drop(columns="data_origin"),
        f"Real starter ledger by instrument: {label}",
        limit=25,
    )
    show_table(
        tables["by_region"].drop(columns="data_origin"),
        "Real starter ledger by region (REAL public data, incomplete), top 15",
        limit=15,
    )
    show_table(
        tables["by_partner"].drop(columns="data_origin"),
        "Real starter ledger by partner country (REAL public data, incomplete), top 15",
        limit=15,
    )
    console.print(label, style="bold", highlight=False)
    console.print(sources_line(), highlight=False)
    console.print(
        f"Summaries written to {out.resolve()}/summary_*.csv (data_origin = real) and the label "
        f"to {out.resolve()}/DATA_ORIGIN.txt",
        highlight=False,
    )
    try:
        _assess(store, out, url)
    except ValueError as error:
        fail(f"the assessment of the real starter ledger could not run: {error}")


def _assess(store: Store, out: Path, url: str) -> None:
    """The synthetic demo's main job (assessment, scenarios, report), on the real ledger."""
    from paradiplomacy.cli.assess import run_demo_assessment

    run_demo_assessment(store, out, url)
