"""Benchmark: validated import of activity records from CSV into SQLite.

Writes a CSV of N valid, distinct records (regions, partners, instruments and values drawn with a
seeded NumPy generator), imports it into a fresh SQLite ledger through the same path as
``paradiplomacy import records`` (read, validate, de-duplicate, write in one transaction) and
prints the throughput and the peak resident memory of the process.

    .venv/bin/python benchmarks/bench_import.py --rows 1000000

The target on a 2-core machine is at least 50,000 records/s for 1,000,000 records.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from paradiplomacy.ledger.importer import import_file
from paradiplomacy.ledger.store import Store

TARGET = 50_000


def make_csv(path: Path, rows: int, store: Store, seed: int = 1) -> None:
    """Write ``rows`` distinct valid records, mixing names, codes and formats as people do."""
    rng = np.random.default_rng(seed)
    regions = store.regions.regions("all")
    spellings = np.array([s for r in regions for s in (r.code, r.name_ru, r.name_en)], dtype=object)
    partners = store.partners.to_frame()
    partners = partners[partners["alpha2"] != store.regions.country]
    countries = np.concatenate([partners["alpha2"].to_numpy(), partners["name_en"].to_numpy()])
    instruments = np.array(list(store.taxonomy.instruments), dtype=object)
    days = pd.to_datetime("2012-01-01") + pd.to_timedelta(rng.integers(0, 13 * 365, rows), "D")
    frame = pd.DataFrame(
        {
            "region": spellings[rng.integers(0, len(spellings), rows)],
            "partner_country": countries[rng.integers(0, len(countries), rows)],
            "instrument": instruments[rng.integers(0, len(instruments), rows)],
            "date": days.strftime("%Y-%m-%d"),
            "source": "https://example.org/evidence/" + pd.Series(np.arange(rows)).astype(str),
            "magnitude": np.round(rng.gamma(1.5, 10.0, rows), 2),
            "confidence": np.round(rng.uniform(0.5, 1.0, rows), 2),
        }
    )
    frame.to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store(folder / "bench.sqlite")
        store.init()
        csv_path = folder / "records.csv"
        started = time.perf_counter()
        make_csv(csv_path, args.rows, store)
        print(
            f"wrote {args.rows:,} records to CSV ({csv_path.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        report = import_file(store, csv_path, "records")
        elapsed = time.perf_counter() - started
        assert report.ok and report.rows_added == args.rows, report.summary()
        rate = args.rows / elapsed
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"imported {args.rows:,} records in {elapsed:.1f} s: {rate:,.0f} records/s "
            f"(target {TARGET:,}); peak memory {peak:,.0f} MiB"
        )
        print("PASS" if rate >= TARGET else "BELOW TARGET")


if __name__ == "__main__":
    main()
