"""Benchmark: the assessment from nothing on large ledgers, on SQLite and PostgreSQL (issue 13
items 1 and 6).

For each size (``--records``, default 50,000 and 500,000; 2,000,000 with ``--records
2000000``) a synthetic ledger is generated and imported (not timed), then each figure is timed
in a fresh child process (so peak memory is the assessment's own, from ``ru_maxrss``):

1. ``Assessment.from_store`` with 1,000 uncertainty runs per index (the record cube computed by
   the database, then indicators, indices, classes, channels); its stage times;
2. the baseline in the same run: the bare SQL ``GROUP BY region, partner_country, instrument,
   status, year`` with ``COUNT(*)`` over the same ledger through the same driver, which is the
   least any aggregation of the ledger costs; the figure is printed as a ratio to it;
3. the memory of the child process before the assessment (interpreter and libraries).

``--postgres`` runs the same on the throwaway PostgreSQL server of ``tests/postgres.py``
(the path for a ledger that outgrows one SQLite file: docs/stored.md). ``--db URL`` measures
an existing ledger instead of generating one.

``.venv/bin/python benchmarks/bench_scale.py --records 50000 500000 2000000 [--postgres]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from sqlalchemy import text
from paradiplomacy.ledger.store import Store
import paradiplomacy.assess.assessment as assessment
store = Store(sys.argv[1]); store.ensure()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
with store.engine.connect() as conn:
    groups = conn.execute(text(
        "SELECT COUNT(*) FROM (SELECT region, partner_country, instrument, status, year, "
        "COUNT(*) FROM activity_records GROUP BY region, partner_country, instrument, status, "
        "year) g")).scalar()
baseline = time.perf_counter() - started
started = time.perf_counter()
a = assessment.Assessment.from_store(store)
built = time.perf_counter() - started
print(json.dumps({"baseline": baseline, "groups": groups, "assess": built,
                  "stages": a.timings, "before_mib": before,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def fill(url: str, records: int) -> float:
    from paradiplomacy.ledger.store import Store
    from paradiplomacy.synthetic import fill as synthetic_fill

    started = time.perf_counter()
    store = Store(url)
    store.init()
    synthetic_fill(store, seed=42, target_records=records)
    store.close()
    return time.perf_counter() - started


def measure(url: str, label: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url], check=True, capture_output=True, text=True
    )
    m = json.loads(out.stdout.strip().splitlines()[-1])
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in m["stages"].items())
    print(
        f"{label}: assess {m['assess']:.2f} s = {m['assess'] / m['baseline']:.1f}x the bare "
        f"GROUP BY ({m['baseline']:.2f} s, {m['groups']:,} groups); peak memory "
        f"{m['peak_mib']:,.0f} MiB ({m['before_mib']:,.0f} MiB before the assessment); "
        f"stages: {stages}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[50_000, 500_000])
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--db", help="measure this existing ledger instead")
    args = parser.parse_args()
    if args.db:
        measure(args.db, args.db)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        for n in args.records:
            url = f"sqlite:///{Path(folder) / f'l{n}.sqlite'}"
            took = fill(url, n)
            print(f"SQLite ledger of {n:,} synthetic records generated in {took:.0f} s")
            measure(url, f"SQLite, {n:,} records")
            Path(url.removeprefix("sqlite:///")).unlink()
    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests import postgres

        reason = postgres.available()
        if reason:
            print(f"PostgreSQL: not measured ({reason})")
            return 0
        with postgres.server() as url:
            for n in args.records:
                from paradiplomacy.ledger.store import Store

                Store(url).reset()
                took = fill(url, n)
                print(f"PostgreSQL ledger of {n:,} synthetic records generated in {took:.0f} s")
                measure(url, f"PostgreSQL, {n:,} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
