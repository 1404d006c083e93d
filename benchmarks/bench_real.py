"""Benchmark: ``paradiplomacy demo --real`` as a whole process (issue 11, target under 30 s).

Times, each as a separate process in a temporary directory:

1. the baseline, ``paradiplomacy --help`` (interpreter start-up and the CLI's imports);
2. ``paradiplomacy demo --real --out DIR --fresh``: loading the real starter ledger, its
   summaries, then the demo's assessment, scenarios and report.

Prints the absolute seconds, the ratio to the baseline and the demo's exit code (while the
assessment does not yet run on a sparse ledger, the demo stops there with exit code 1 and the
figure covers the work up to that point). Also prints, for scale, the time to read the shipped
tables with pandas in this process. ``.venv/bin/python benchmarks/bench_real.py``
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from paradiplomacy.starter import EVENTS_FILE, STARTER_FILES, real_dir

TARGET_S = 30.0
CLI = Path(sys.executable).with_name("paradiplomacy")


def timed(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Seconds, exit code and the last line of standard error of one process."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return took, done.returncode, last


def main() -> int:
    command = str(CLI) if CLI.exists() else shutil.which("paradiplomacy")
    if command is None:
        print("paradiplomacy is not installed in this environment")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        base, code, _ = timed([command, "--help"], work)
        print(f"baseline `paradiplomacy --help`: {base:.2f} s (exit {code})")
        started = time.perf_counter()
        rows = sum(len(pd.read_csv(real_dir() / n)) for n in (*STARTER_FILES, EVENTS_FILE))
        print(
            f"reading the shipped tables with pandas: {time.perf_counter() - started:.2f} s "
            f"({rows:,} rows)"
        )
        took, code, last = timed([command, "demo", "--real", "--out", "real", "--fresh"], work)
    verdict = "meets" if took < TARGET_S else "MISSES"
    print(
        f"`paradiplomacy demo --real`: {took:.2f} s = {took / base:.1f} x the baseline; "
        f"exit {code}; target < {TARGET_S:.0f} s: {verdict}"
    )
    if code != 0:
        print(f"  the demo stopped early: {last}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
