"""Benchmark: writing the HTML report and the Excel export of the demo assessment (issue 5).

Generates the synthetic demo ledger into a temporary SQLite file and builds the assessment
(neither timed), then times:

1. ``write_report`` for three partners (US, DE, JP) in English: target under 10 s;
2. the same in Russian;
3. ``export_assessment`` with the same partners.

Prints each time and file size. ``.venv/bin/python benchmarks/bench_report.py``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.store import Store
from paradiplomacy.report.excel import export_assessment
from paradiplomacy.report.html import write_report
from paradiplomacy.synthetic import fill

PARTNERS = ("US", "DE", "JP")
TARGET_S = 10.0


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        store = Store(url)
        store.init()
        ledger = fill(store, seed=42)
        print(f"demo ledger: {len(ledger.records):,} synthetic records")
        started = time.perf_counter()
        assessment = Assessment.from_store(store)
        print(
            f"assessment ({assessment.runs:,} runs per index): "
            f"{time.perf_counter() - started:.2f} s (not part of the target)"
        )
        for lang in ("en", "ru"):
            started = time.perf_counter()
            path = write_report(
                assessment, PARTNERS, lang=lang, out=Path(folder) / f"report_{lang}.html"
            )
            took = time.perf_counter() - started
            verdict = "meets" if took < TARGET_S else "MISSES"
            print(
                f"report ({lang}, partners {','.join(PARTNERS)}): {took:.2f} s, "
                f"{path.stat().st_size / 1e6:.1f} MB; target < {TARGET_S:.0f} s: {verdict}"
            )
        started = time.perf_counter()
        path = export_assessment(assessment, Path(folder) / "assessment.xlsx", PARTNERS)
        print(
            f"Excel export (partners {','.join(PARTNERS)}): "
            f"{time.perf_counter() - started:.2f} s, {path.stat().st_size / 1e6:.1f} MB"
        )
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
