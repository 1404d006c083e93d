"""The real starter ledger: public data shipped with the package (``data/real``).

The tables in ``data/real`` are built from public sources by ``tools/build_real_ledger.py`` and
described, with their licences and gaps, in ``data/real/SOURCES.md``: twin-town ties of Russian
cities and foreign consular posts in Russia as activity records, Rosstat population, GRP and
investment and a count of foreign embassies as statistics, and the GDELT sample's events.

:func:`load_real_starter` imports them into a ledger through the ordinary import path (one
batch per file, with its SHA-256 and row numbers; each file all or nothing, and every file is
checked before any is written) and the events through
:func:`~paradiplomacy.ledger.events.insert_events`. Loading twice adds nothing: a file already
imported is recognised by its SHA-256, an event by its key. Every record's source names the
dataset, the URL where there is one and the source row; none starts with ``synthetic:``, so the
ledger's origin (:func:`paradiplomacy.ledger.summary.data_origin`) is ``real``.

The ledger is real and incomplete: :func:`coverage` says which instruments of the taxonomy it
holds evidence of, and :func:`real_label` says so in one line, for every output built from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from paradiplomacy.ledger.events import EVENT_COLUMNS, insert_events
from paradiplomacy.ledger.importer import ImportReport, import_file
from paradiplomacy.ledger.store import Store
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.resources import data_path

RECORD_FILES: tuple[str, ...] = ("records_twinning.csv", "records_consulates.csv")
"""Activity records, in the columns of ``paradiplomacy import records``."""
STAT_FILES: tuple[str, ...] = ("stats_rosstat.csv", "stats_embassies.csv")
"""Statistics in long form, as ``paradiplomacy import stats`` reads them."""
EVENTS_FILE = "events_gdelt.csv"
"""GDELT events in the columns of :data:`~paradiplomacy.ledger.events.EVENT_COLUMNS`."""
STARTER_FILES: tuple[str, ...] = (*RECORD_FILES, *STAT_FILES)
GDELT_RETRIEVED = "2019-10-24T14:30:00Z"
"""The events' ``retrieved`` time: the export's own time stamp (when the sample was copied is
not known)."""
GDELT_CONNECTOR = "gdelt-events@1.0"

SOURCES: tuple[tuple[str, str], ...] = (
    (
        "Twin towns: English Wikipedia lists of twin towns and sister cities, via "
        "Hekman/twincities (2026-02-08)",
        "CC BY-SA 4.0",
    ),
    (
        "Foreign consular posts and embassies in Russia: Wikidata, via "
        "database-of-embassies (2022-11-16)",
        "CC0",
    ),
    ("Population, GRP, investment: Rosstat, via MaxGoryunov/Energy-data-collection", "official"),
    ("Town table: epogrebnyak/ru-cities; region codes: DaData.ru / HFLabs", "CC BY-SA 4.0"),
    ("Events: GDELT 2.0 export of 2019-10-24 14:30 UTC", "GDELT terms of use"),
)
"""(what, licence) of each source; ``data/real/SOURCES.md`` gives the details."""

Progress = Callable[[str, int, int], None]
"""Called as ``progress(file_name, rows_done, rows_total)``."""


def real_dir() -> Path:
    """The folder of the shipped real tables (``paradiplomacy/data/real``)."""
    return data_path("real")


def read_events(path: str | Path) -> pd.DataFrame:
    """The shipped events table as :func:`~paradiplomacy.ledger.events.insert_events` takes it.

    Codes stay text (``event_code`` ``"0874"`` keeps its leading zero; partner ``"NA"`` is
    Namibia, not a missing value); an empty ``source_url`` is ``None``.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in EVENT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{Path(path).name}: missing columns {missing}")
    frame = frame.loc[:, list(EVENT_COLUMNS)]
    for column in ("global_event_id", "quad_class", "num_mentions", "num_sources", "num_articles"):
        frame[column] = frame[column].astype("int64")
    for column in ("goldstein", "avg_tone"):
        frame[column] = frame[column].astype("float64")
    frame["date"] = [dt.date.fromisoformat(d) for d in frame["date"]]
    frame["source_url"] = frame["source_url"].astype(object).where(frame["source_url"] != "", None)
    return frame


def load_real_starter(
    store: Store, directory: str | Path | None = None, progress: Progress | None = None
) -> dict[str, object]:
    """Import the real starter tables of ``directory`` (default :func:`real_dir`) into ``store``.

    Every file is validated first (a dry run), so that a bad file writes nothing at all; then
    each is imported as one batch (all or nothing), and the events are inserted in one
    transaction. Raises :class:`~paradiplomacy.ledger.importer.LedgerImportError` on a bad
    file. Returns ``{"batches": [...], "added": {"records", "statistics", "events"},
    "already": {...}}``: per file its name, kind, rows read and added, and batch id (the
    earlier batch's id when the file was imported before).
    """
    folder = Path(directory) if directory is not None else real_dir()
    store.ensure()
    plan = [("records", folder / name) for name in RECORD_FILES]
    plan += [("stats", folder / name) for name in STAT_FILES]
    for kind, path in plan:
        import_file(store, path, kind, dry_run=True)
    reports: list[ImportReport] = []
    for kind, path in plan:
        callback = None
        if progress is not None:

            def callback(done: int, total: int, name: str = path.name) -> None:
                progress(name, done, total)

        reports.append(import_file(store, path, kind, progress=callback))
    events = read_events(folder / EVENTS_FILE)
    inserted = insert_events(store, events, retrieved=GDELT_RETRIEVED, connector=GDELT_CONNECTOR)
    if progress is not None:
        progress(EVENTS_FILE, len(events), len(events))
    added = {"records": 0, "statistics": 0, "events": inserted.added}
    already = {"records": 0, "statistics": 0, "events": inserted.duplicate}
    batches = []
    for report in reports:
        key = "records" if report.kind == "records" else "statistics"
        if report.previous_batch is not None:
            already[key] += report.rows_read
        else:
            added[key] += report.rows_added
            already[key] += report.rows_duplicate
        batches.append(
            {
                "file": report.file,
                "kind": report.kind,
                "sha256": report.sha256,
                "rows_read": report.rows_read,
                "rows_added": report.rows_added if report.previous_batch is None else 0,
                "batch_id": report.batch_id
                if report.previous_batch is None
                else report.previous_batch,
            }
        )
    return {"batches": batches, "added": added, "already": already}


def coverage(records: pd.DataFrame, taxonomy: Taxonomy) -> tuple[list[str], list[str]]:
    """``(covered, absent)``: the taxonomy's instruments with at least one record in
    ``records``, and the others, each in taxonomy order."""
    present = set(records["instrument"]) if len(records) else set()
    covered = [i for i in taxonomy.instruments if i in present]
    absent = [i for i in taxonomy.instruments if i not in present]
    return covered, absent


def real_label(records: pd.DataFrame, taxonomy: Taxonomy) -> str:
    """The one-line label of everything built from a real, incomplete ledger:
    ``REAL public data, incomplete: N of M instruments covered (...); absent: ...``."""
    covered, absent = coverage(records, taxonomy)
    total = len(covered) + len(absent)
    text = f"REAL public data, incomplete: {len(covered)} of {total} instruments covered"
    text += f" ({', '.join(covered) or 'none'})"
    if absent:
        text += f"; absent: {', '.join(absent)}"
    return text


def sources_line() -> str:
    """The sources of the starter ledger in one line, each with its licence."""
    return "Sources: " + "; ".join(f"{what} ({licence})" for what, licence in SOURCES)


def gdelt_source() -> str:
    """The ``source_file`` of the shipped events (read from the table)."""
    frame = pd.read_csv(real_dir() / EVENTS_FILE, dtype=str, usecols=["source_file"], nrows=1)
    return str(frame["source_file"].iat[0])


__all__ = [
    "EVENTS_FILE",
    "RECORD_FILES",
    "SOURCES",
    "STARTER_FILES",
    "STAT_FILES",
    "coverage",
    "gdelt_source",
    "load_real_starter",
    "read_events",
    "real_dir",
    "real_label",
    "sources_line",
]
