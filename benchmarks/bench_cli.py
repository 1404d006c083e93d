"""Benchmark: start-up of the command line, ``paradiplomacy --help`` (issue 13: 0.9 s, target
under 0.4 s), as a whole process.

Times, best of 5 each and interleaved so that a busy machine slows all of them alike:

1. the baseline, ``python -c pass`` with the same interpreter (its own start-up);
2. ``python -c "import paradiplomacy.cli"`` (the CLI's imports);
3. ``paradiplomacy --help`` (the installed command: imports, typer building the commands and
   rich rendering the help).

Prints each time and its ratio to the baseline. ``.venv/bin/python benchmarks/bench_cli.py``
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPEATS = 5
TARGET_S = 0.4


def _command() -> list[str]:
    """``paradiplomacy --help``: the console script beside the interpreter, else ``-m``."""
    script = Path(sys.executable).with_name("paradiplomacy")
    if script.exists():
        return [str(script), "--help"]
    return [sys.executable, "-m", "paradiplomacy.cli", "--help"]


def _seconds(argv: list[str]) -> float:
    """Wall-clock seconds of one run of ``argv`` (output discarded; a failure stops the run)."""
    env = {**os.environ, "COLUMNS": "100"}
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - started


def main() -> int:
    runs = {
        "baseline `python -c pass`": [sys.executable, "-c", "pass"],
        '`python -c "import paradiplomacy.cli"`': [
            sys.executable,
            "-c",
            "import paradiplomacy.cli",
        ],
        "`paradiplomacy --help`": _command(),
    }
    for argv in runs.values():  # warm the file cache and the bytecode, not timed
        _seconds(argv)
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(REPEATS):
        for name, argv in runs.items():
            best[name] = min(best[name], _seconds(argv))
    base = best["baseline `python -c pass`"]
    print(f"best of {REPEATS}, whole process, {os.cpu_count()} cores:")
    for name, took in best.items():
        print(f"  {name}: {took:.3f} s = {took / base:.1f} x the baseline")
    took = best["`paradiplomacy --help`"]
    verdict = "meets" if took < TARGET_S else "MISSES"
    print(f"`paradiplomacy --help`: {took:.2f} s; target < {TARGET_S} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
