"""Benchmark: the HTML report and the Excel export of the demo assessment (issues 5 and 13).

Generates the synthetic demo ledger (about 50,000 records) into a temporary SQLite file,
builds the assessment and stores it in the ledger as ``paradiplomacy assess`` does (neither
timed), then times, best of ``--repeat`` and interleaved so that a busy machine slows all alike:

1. the baseline, measured in the same run: writing plotly.js alone into a file (the part of
   every report that does not depend on the assessment: 4.6 MB read, escaped and written);
2. ``write_report`` for three partners (US, DE, JP) in English, on the assessment as built, and
   on the stored assessment read back from the ledger (the first report after reading, as the
   command makes it: the records and index builds it reads on first use are in the time);
   target under 1.5 s (issue 13); the ratio to the baseline is printed beside it;
3. the same in Russian, on the built assessment;
4. the whole ``paradiplomacy report --partners US,DE,JP --out FILE --db LEDGER`` process on the
   stored assessment, beside ``python -c "import plotly"`` and ``python -c pass`` (whole
   processes too);
5. ``export_assessment`` with the same partners.

``.venv/bin/python benchmarks/bench_report.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from paradiplomacy.assess.stored import load_or_build
from paradiplomacy.ledger.store import Store
from paradiplomacy.report.excel import export_assessment
from paradiplomacy.report.html import write_report
from paradiplomacy.synthetic import fill

PARTNERS = ("US", "DE", "JP")
TARGET_S = 1.5


def _plotlyjs_alone(path: Path) -> None:
    from plotly.offline import get_plotlyjs

    script = get_plotlyjs().replace("</script", "<\\/script")
    path.write_text(f"<!DOCTYPE html><html><head><script>{script}</script></head></html>", "utf-8")


def _best(tasks: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best wall-clock seconds of each task over ``repeat`` rounds, the tasks interleaved."""
    best = dict.fromkeys(tasks, float("inf"))
    for _ in range(repeat):
        for name, task in tasks.items():
            started = time.perf_counter()
            task()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("paradiplomacy")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "paradiplomacy.cli", *args]


def _run(argv: list[str]) -> None:
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ledger = folder / "demo.sqlite"
        url = f"sqlite:///{ledger}"
        store = Store(url)
        store.init()
        filled = fill(store, seed=42)
        print(f"demo ledger: {len(filled.records):,} synthetic records")
        started = time.perf_counter()
        built, _ = load_or_build(store)
        print(
            f"assessment ({built.runs:,} runs per index) built and stored: "
            f"{time.perf_counter() - started:.2f} s (not part of the target)"
        )
        store.close()

        def stored_report() -> None:
            with Store(url) as reader:
                assessment, status = load_or_build(reader)
                assert status.action == "read", status.message()
                started = time.perf_counter()
                write_report(assessment, PARTNERS, lang="en", out=folder / "stored.html")
                times.append(time.perf_counter() - started)

        times: list[float] = []
        best = _best(
            {
                "plotly.js alone": lambda: _plotlyjs_alone(folder / "plotly.html"),
                "built": lambda: write_report(built, PARTNERS, out=folder / "report_en.html"),
                "built, ru": lambda: write_report(
                    built, PARTNERS, lang="ru", out=folder / "report_ru.html"
                ),
                "stored": stored_report,
            },
            repeat,
        )
        best["stored"] = min(times)  # the report alone, not the reading of the assessment
        base = best["plotly.js alone"]
        size = (folder / "report_en.html").stat().st_size / 1e6
        print(f"baseline, plotly.js alone written to a file: {base:.3f} s (best of {repeat})")
        for name, text in (
            ("built", "report (en), built assessment"),
            ("built, ru", "report (ru), built assessment"),
            ("stored", "report (en), stored assessment read back, first report"),
        ):
            took = best[name]
            verdict = "meets" if took < TARGET_S else "MISSES"
            print(
                f"{text}, partners {','.join(PARTNERS)}: {took:.2f} s ({took / base:.1f}x the "
                f"baseline); target < {TARGET_S} s: {verdict}"
            )
        print(f"report size: {size:.1f} MB")

        cli = _command("report", "--partners", ",".join(PARTNERS), "--out")
        processes = {
            "python -c pass": [sys.executable, "-c", "pass"],
            'python -c "import plotly"': [sys.executable, "-c", "import plotly"],
            "paradiplomacy report (whole process)": [
                *cli,
                str(folder / "cli.html"),
                "--db",
                url,
            ],
        }
        whole = _best({k: (lambda argv=v: _run(argv)) for k, v in processes.items()}, repeat)
        plotly_base = whole['python -c "import plotly"']
        for name, seconds in whole.items():
            print(
                f'{name}: {seconds:.2f} s ({seconds / plotly_base:.1f}x python -c "import '
                f'plotly"), best of {repeat}'
            )

        started = time.perf_counter()
        path = export_assessment(built, folder / "assessment.xlsx", PARTNERS)
        print(
            f"Excel export (partners {','.join(PARTNERS)}): "
            f"{time.perf_counter() - started:.2f} s, {path.stat().st_size / 1e6:.1f} MB"
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
