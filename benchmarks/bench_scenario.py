"""Benchmark: scenarios on a stored assessment (issue 13 item 3), the command and in-process.

On a ledger whose assessment is stored (``--db``; or ``--records N``: a synthetic ledger of N
records generated into a temporary directory; storing the assessment the first time is not
timed), prints:

1. the whole process of ``paradiplomacy scenario --partner DE --level 2 --db ... --out ...``,
   best and median of ``--repeat`` runs, beside ``python -c pass`` and ``paradiplomacy --help``
   timed in the same run, interleaved so that a busy machine slows them alike, with the ratios
   and the CPU time (user + system) of each; target: under 0.5 s;
2. in the process, on the assessment read back from the ledger: ``Assessment.scenario`` over
   distinct (partner, level, closed instruments), p50 and p95 (and the first, which makes the
   partner's per-partner arrays); target: p50 under 30 ms (the dashboard's /api/scenario).

It also prints the machine's load average: on a shared machine, compare the ratios.
Benchmarks print; they are not timed tests.

    .venv/bin/python benchmarks/bench_scenario.py --records 50000
    .venv/bin/python benchmarks/bench_scenario.py --db /tmp/copy-of-a-ledger.sqlite
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROCESS_TARGET_S = 0.5
SCENARIO_TARGET_MS = 30.0
PARTNERS = ("DE", "US", "CN", "JP", "TR", "KZ", "BY", "FI", "IN", "FR", "GB", "IT", "KR", "VN",
            "EG", "BR", "AE", "MN", "UZ", "RS", "PL", "IR", "AM", "AZ", "GE")  # fmt: skip
CLOSED = ((), ("investment",), ("twinning", "agreement"), ("cultural_event", "education"))


def _script() -> list[str]:
    script = Path(sys.executable).with_name("paradiplomacy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "paradiplomacy.cli"]


def _run(argv: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run of ``argv``."""
    env = {**os.environ, "COLUMNS": "100"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   check=True)  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _ledger(args: argparse.Namespace, folder: Path) -> str:
    from paradiplomacy.ledger.store import Store, resolve_url

    if args.db:
        return resolve_url(args.db)
    from paradiplomacy.synthetic import fill

    url = f"sqlite:///{folder / 'ledger.sqlite'}"
    store = Store(url)
    store.init()
    started = time.perf_counter()
    fill(store, seed=42, target_records=args.records)
    print(f"synthetic ledger of {args.records:,} records: {time.perf_counter() - started:.1f} s")
    store.close()
    return url


def _records(url: str) -> int:
    from paradiplomacy.ledger.store import Store

    with Store(url) as store:
        return int(store.counts()["records"])


def process(url: str, out: Path, repeat: int) -> None:
    scenario = [*_script(), "scenario", "--partner", "DE", "--level", "2", "--db", url, "--out",
                str(out)]  # fmt: skip
    runs = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "paradiplomacy --help": [*_script(), "--help"],
        "paradiplomacy scenario --partner DE --level 2": scenario,
    }
    started = time.perf_counter()
    subprocess.run(scenario, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    print(f"first scenario command (stores the assessment if it was not): "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    for argv in runs.values():  # warm the file cache and the bytecode, not timed
        _run(argv)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, argv in runs.items():
            times[name].append(_run(argv))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"whole process, {repeat} runs each, interleaved; load average {load} on "
          f"{os.cpu_count()} cores:")  # fmt: skip
    best = {name: min(w for w, _ in t) for name, t in times.items()}
    median = {name: statistics.median(w for w, _ in t) for name, t in times.items()}
    cpu = {name: statistics.median(c for _, c in t) for name, t in times.items()}
    for name in runs:
        print(
            f"  {name}: best {best[name]:.3f} s, median {median[name]:.3f} s, "
            f"CPU {cpu[name]:.3f} s; {best[name] / best['python -c pass']:.1f} x python -c pass, "
            f"{best[name] / best['paradiplomacy --help']:.2f} x --help"
        )
    took = best["paradiplomacy scenario --partner DE --level 2"]
    verdict = "meets" if took < PROCESS_TARGET_S else "MISSES"
    print(f"scenario command on the stored assessment: {took:.3f} s; target < "
          f"{PROCESS_TARGET_S} s: {verdict}")  # fmt: skip


def in_process(url: str) -> None:
    from paradiplomacy.assess.stored import load_or_build
    from paradiplomacy.ledger.store import Store

    store = Store(url)
    started = time.perf_counter()
    assessment, status = load_or_build(store)
    print(f"in process: {status.message()}; read in {time.perf_counter() - started:.2f} s")
    cases = [
        (partner, level, closed)
        for n, partner in enumerate(PARTNERS)
        for level, closed in ((n % 4, CLOSED[n % len(CLOSED)]), ((n + 2) % 4, ()))
        if partner in assessment.partners.index
    ]
    times = []
    for partner, level, closed in cases:  # every (partner, level, closed) once
        started = time.perf_counter()
        assessment.scenario(partner, level, closed_instruments=closed)
        times.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    verdict = "meets" if p50 < SCENARIO_TARGET_MS else "MISSES"
    print(
        f"Assessment.scenario over {len(times)} distinct (partner, level, closed): p50 "
        f"{p50:.1f} ms, p95 {p95:.1f} ms, first {times[0]:.1f} ms, worst {max(times):.1f} ms; "
        f"target p50 < {SCENARIO_TARGET_MS:.0f} ms: {verdict}"
    )
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a ledger (URL or SQLite file); its stored assessment is "
                        "made on the first run if there is none (the file is written)")  # fmt: skip
    parser.add_argument("--records", type=int, default=50_000,
                        help="records of the synthetic ledger made without --db")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=5, help="whole-process runs of each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = _ledger(args, Path(folder))
        print(f"ledger {url}: {_records(url):,} records")
        process(url, Path(folder) / "out", args.repeat)
        in_process(url)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the in-process part {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
