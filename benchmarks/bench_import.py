"""Benchmark: validated import of activity records from CSV into SQLite, against bare to_sql.

Two figures, each against a baseline measured in the same run:

1. Throughput. Writes a CSV of ``--rows`` valid, distinct records (regions, partners,
   instruments and values drawn with a seeded NumPy generator, names and codes mixed as people
   write them) and imports it into a fresh SQLite ledger through the same path as
   ``paradiplomacy import records`` (read, validate, de-duplicate, write in one transaction,
   indexes rebuilt). The baseline is a bare ``pandas.DataFrame.to_sql`` of the same rows (the
   rows the import wrote, read back from the ledger, with the columns it filled) into a fresh
   SQLite file, once through a ``sqlite3`` connection and once through an SQLAlchemy engine;
   the ratio is taken to the faster of the two. ``to_sql`` neither reads nor checks the file
   and builds no index, so it is a bound the import can approach, not a like-for-like rival.

2. Peak memory. Writes a CSV of about ``--size-mb`` MB of the same kind of records and imports
   it in a child process, which reports its own peak resident memory (``VmHWM`` of
   ``/proc/self/status``; ``resource.getrusage(RUSAGE_CHILDREN)`` would count the parent's
   pages the child held between fork and exec), cross-checked by sampling the child with psutil.
   The baseline is the peak of a child that imports the same modules and opens the same ledger,
   and does nothing else.

    .venv/bin/python benchmarks/bench_import.py --rows 1000000 --size-mb 555

``--postgres-rows N`` makes the throughput comparison on PostgreSQL too (``COPY`` against
``to_sql``), on the throwaway server of ``tests/postgres.py`` where ``initdb`` is installed.

Targets (issue 13): records per second at least 0.8 of bare ``to_sql``; importing a 555 MB CSV
peaks under 500 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine

from paradiplomacy.ledger.importer import import_file
from paradiplomacy.ledger.store import Store

RATIO_TARGET = 0.8
RSS_TARGET_MB = 500
PART = 500_000
"""Rows generated at a time."""
WRITTEN = (
    "uid",
    "region",
    "partner_country",
    "instrument",
    "date",
    "year",
    "status",
    "magnitude",
    "unit",
    "source",
    "confidence",
    "batch_id",
    "source_row",
)
"""The columns of ``activity_records`` the import fills for the generated file."""


def make_csv(path: Path, rows: int, store: Store, seed: int = 1) -> None:
    """Write ``rows`` distinct valid records, mixing names, codes and formats as people do."""
    rng = np.random.default_rng(seed)
    regions = store.regions.regions("all")
    spellings = np.array([s for r in regions for s in (r.code, r.name_ru, r.name_en)], dtype=object)
    partners = store.partners.to_frame()
    partners = partners[partners["alpha2"] != store.regions.country]
    countries = np.concatenate([partners["alpha2"].to_numpy(), partners["name_en"].to_numpy()])
    instruments = np.array(list(store.taxonomy.instruments), dtype=object)
    with path.open("w", encoding="utf-8", newline="") as handle:
        for start in range(0, rows, PART):
            n = min(PART, rows - start)
            days = pd.to_datetime("2012-01-01") + pd.to_timedelta(rng.integers(0, 13 * 365, n), "D")
            number = pd.Series(np.arange(start, start + n)).astype(str)
            frame = pd.DataFrame(
                {
                    "region": spellings[rng.integers(0, len(spellings), n)],
                    "partner_country": countries[rng.integers(0, len(countries), n)],
                    "instrument": instruments[rng.integers(0, len(instruments), n)],
                    "date": days.strftime("%Y-%m-%d"),
                    "source": "https://example.org/evidence/" + number,
                    "magnitude": np.round(rng.gamma(1.5, 10.0, n), 2),
                    "confidence": np.round(rng.uniform(0.5, 1.0, n), 2),
                }
            )
            frame.to_csv(handle, index=False, header=start == 0)


def bare_to_sql(frame: pd.DataFrame, folder: Path) -> dict[str, float]:
    """Seconds of ``frame.to_sql`` into a fresh SQLite file, through sqlite3 and SQLAlchemy."""
    seconds = {}
    for how in ("sqlite3", "SQLAlchemy"):
        path = folder / f"to_sql_{how}.sqlite"
        path.unlink(missing_ok=True)
        con = sqlite3.connect(path) if how == "sqlite3" else create_engine(f"sqlite:///{path}")
        started = time.perf_counter()
        frame.to_sql("activity_records", con, index=False)
        if how == "sqlite3":
            con.commit()
        seconds[how] = time.perf_counter() - started
        con.close() if how == "sqlite3" else con.dispose()
        path.unlink()
    return seconds


def throughput(rows: int, folder: Path, repeat: int) -> None:
    store = Store(folder / "bench.sqlite")
    csv_path = folder / "records.csv"
    started = time.perf_counter()
    make_csv(csv_path, rows, store)
    print(
        f"wrote {rows:,} records to CSV ({csv_path.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    imports, baselines = [], []
    frame = None
    for _ in range(repeat):
        ledger = folder / "bench.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ledger}{suffix}").unlink(missing_ok=True)
        with Store(ledger) as fresh:
            fresh.init()
        store = Store(ledger)
        started = time.perf_counter()
        report = import_file(store, csv_path, "records")
        store.close()  # the checkpoint of SQLite's write-ahead log is part of the import
        imports.append(time.perf_counter() - started)
        assert report.ok and report.rows_added == rows, report.summary()
        if frame is None:
            with sqlite3.connect(ledger) as con:
                query = f"SELECT {', '.join(WRITTEN)} FROM activity_records ORDER BY id"
                frame = pd.read_sql(query, con)
        baselines.append(bare_to_sql(frame, folder))
    best = min(imports)
    base = {how: min(b[how] for b in baselines) for how in baselines[0]}
    fastest = min(base, key=base.get)
    rate = rows / best
    print(f"import:            {rate:>10,.0f} records/s ({best:.2f} s, best of {repeat})")
    for how, seconds in base.items():
        print(f"to_sql {how:<10} {rows / seconds:>10,.0f} records/s ({seconds:.2f} s)")
    ratio = base[fastest] / best
    print(
        f"ratio import / to_sql ({fastest}): {ratio:.2f} (target {RATIO_TARGET}) "
        + ("PASS" if ratio >= RATIO_TARGET else "BELOW TARGET")
    )


def throughput_postgres(rows: int, folder: Path) -> None:
    """The same comparison on PostgreSQL (COPY against to_sql through SQLAlchemy and psycopg),
    on the project's throwaway server (``tests/postgres.py``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests import postgres

    reason = postgres.available()
    if reason:
        print(f"PostgreSQL: skipped ({reason})")
        return
    csv_path = folder / "records_pg.csv"
    with postgres.server() as url:
        store = Store(url)
        store.reset()
        make_csv(csv_path, rows, store)
        started = time.perf_counter()
        report = import_file(store, csv_path, "records")
        seconds = time.perf_counter() - started
        assert report.ok and report.rows_added == rows, report.summary()
        query = f"SELECT {', '.join(WRITTEN)} FROM activity_records ORDER BY id"
        frame = pd.read_sql(query, store.engine)
        store.close()
        engine = create_engine(url)
        started = time.perf_counter()
        frame.to_sql("bare", engine, index=False)
        bare = time.perf_counter() - started
        engine.dispose()
    print(f"PostgreSQL import (COPY): {rows / seconds:>10,.0f} records/s ({seconds:.2f} s)")
    print(f"PostgreSQL to_sql:        {rows / bare:>10,.0f} records/s ({bare:.2f} s)")
    ratio = bare / seconds
    print(
        f"ratio import / to_sql on PostgreSQL: {ratio:.2f} (target {RATIO_TARGET}) "
        + ("PASS" if ratio >= RATIO_TARGET else "BELOW TARGET")
    )


CHILD = textwrap.dedent(
    """
    import resource, sys, time
    from paradiplomacy.ledger.importer import import_file
    from paradiplomacy.ledger.store import Store
    store = Store(sys.argv[1])
    store.ensure()
    added, seconds = 0, 0.0
    if sys.argv[2] != "-":
        started = time.perf_counter()
        report = import_file(store, sys.argv[2], "records")
        assert report.ok, report.summary()
        added, seconds = report.rows_added, time.perf_counter() - started
    store.close()
    try:  # the peak of this program, not of the process before it was started (Linux)
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(added, seconds, peak)
    """
)


def child_peak(ledger: Path, csv_path: Path | None) -> tuple[float, int, float, float]:
    """Peak resident memory (MB) of a child process that imports ``csv_path`` (or nothing).

    The child reports its own high-water mark (``VmHWM``). Also returned: the largest resident
    size seen by sampling the child with psutil every 20 ms (0 without psutil), and the
    records it added and the seconds it took.
    """
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ledger), str(csv_path) if csv_path else "-"],
        stdout=subprocess.PIPE,
        text=True,
    )
    sampled = 0
    try:
        import psutil

        watched = psutil.Process(child.pid)
        while child.poll() is None:
            with contextlib.suppress(psutil.Error):
                sampled = max(sampled, watched.memory_info().rss)
            time.sleep(0.02)
    except ImportError:
        pass
    out, _ = child.communicate()
    if child.returncode:
        raise RuntimeError(f"the import child failed ({child.returncode})")
    added, seconds, peak = out.split()
    return int(peak) / 1024, int(added), float(seconds), sampled / 2**20


def memory(size_mb: float, folder: Path) -> None:
    store = Store(folder / "memory.sqlite")
    store.init()
    rows = max(1, int(size_mb * 1e6 / 99.4))  # the generated records take about 99.4 bytes
    csv_path = folder / "large.csv"
    started = time.perf_counter()
    make_csv(csv_path, rows, store, seed=2)
    store.close()
    size = csv_path.stat().st_size / 1e6
    print(f"wrote {rows:,} records to CSV ({size:.0f} MB) in {time.perf_counter() - started:.1f} s")
    peak, added, seconds, sampled = child_peak(folder / "memory.sqlite", csv_path)
    floor, *_ = child_peak(folder / "memory.sqlite", None)
    print(
        f"import of {size:.0f} MB in a child process ({added:,} records, {seconds:.1f} s, "
        f"{added / seconds:,.0f} records/s): peak {peak:,.0f} MB (sampled: {sampled:,.0f} MB; "
        f"target under {RSS_TARGET_MB} MB) " + ("PASS" if peak < RSS_TARGET_MB else "ABOVE TARGET")
    )
    print(
        f"baseline, the same child importing nothing: peak {floor:,.0f} MB; import / baseline "
        f"{peak / floor:.2f}; import peak / file size {peak / size:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="records for throughput")
    parser.add_argument("--size-mb", type=float, default=555, help="CSV size for peak memory")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the files")
    parser.add_argument(
        "--postgres-rows",
        type=int,
        default=0,
        help="also compare on a throwaway PostgreSQL server, with this many records",
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        if args.rows:
            throughput(args.rows, Path(tmp), max(1, args.repeat))
        if args.postgres_rows:
            throughput_postgres(args.postgres_rows, Path(tmp))
        if args.size_mb:
            memory(args.size_mb, Path(tmp))


if __name__ == "__main__":
    main()
