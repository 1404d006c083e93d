"""Benchmark: the full assessment of the demo data and one-partner scenarios (issue 4 targets).

Generates the synthetic demo ledger (85 regions of the default scope, about 50,000 records,
every partner country) into a temporary SQLite file (not timed), then times:

1. ``Assessment.from_store`` with 1,000 uncertainty runs per index: target under 20 s;
2. a scenario for one partner once the assessment is built, for 20 partners at several crisis
   levels: target under 200 ms each (the worst is reported).

Prints the figures and the peak memory. ``.venv/bin/python benchmarks/bench_assess.py``
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill

PARTNERS = ("US", "DE", "CN", "JP", "TR", "KZ", "BY", "FI", "IN", "FR", "GB", "IT", "KR", "VN",
            "EG", "BR", "AE", "MN", "UZ", "RS")  # fmt: skip


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        store = Store(url)
        store.init()
        ledger = fill(store, seed=42)
        print(f"demo ledger: {len(ledger.records):,} synthetic records")

        started = time.perf_counter()
        assessment = Assessment.from_store(store)
        built = time.perf_counter() - started
        verdict = "meets" if built < 20 else "MISSES"
        print(
            f"full assessment ({len(assessment.regions)} regions, {assessment.runs:,} runs per "
            f"index, {len(assessment.partners)} partners): {built:.2f} s; target < 20 s: "
            f"{verdict}; stages {assessment.timings}"
        )

        times = []
        for i, partner in enumerate(PARTNERS):
            started = time.perf_counter()
            assessment.scenario(partner, i % 4)
            times.append(time.perf_counter() - started)
        worst = max(times)
        verdict = "meets" if worst < 0.2 else "MISSES"
        print(
            f"scenario for one partner: median {statistics.median(times) * 1000:.0f} ms, worst "
            f"{worst * 1000:.0f} ms over {len(times)}; target < 200 ms: {verdict}"
        )
        started = time.perf_counter()
        assessment.write(Path(folder) / "out")
        print(f"writing every output (with 85 explanations): {time.perf_counter() - started:.2f} s")
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
