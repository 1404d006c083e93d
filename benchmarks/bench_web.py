"""Benchmark: the dashboard under load, driven by locust, and ``serve`` start-up (issue 13).

Targets (issue 13 item 4): with 20 concurrent clients requesting distinct URLs of a 2M-record
ledger, the dashboard answers with p95 under 100 ms and over 500 requests per second;
``/api/scenario`` with distinct parameters has p50 under 30 ms; ``paradiplomacy serve`` starts
in under 2 s on a stored assessment.

1. The ledger: ``--db PATH`` (an existing ledger, used as it is: copy a shared one first) or
   ``--records N`` (a synthetic ledger of about N records generated, seed 42, in a temporary
   directory).
2. Preparation (not timed as start-up): ``paradiplomacy serve`` once, which reads the stored
   assessment and the dashboard snapshot, or builds and stores them the first time; its time
   and what it did are printed.
3. Start-up: ``paradiplomacy serve --workers W`` started ``--startups`` times, each timed from
   the process start to the first answer of ``/healthz`` (serving), and to the first answer of
   ``/api/scenario`` (the assessment for scenarios is loaded in the background), beside
   ``python -c "import uvicorn"`` and ``paradiplomacy --help`` measured in the same run.
4. Load: the server is started once more and locust (headless, ``--users`` users, no wait
   between requests, stopping by itself when the plan is done or at ``--run-time``) requests a
   plan of distinct URLs once each, shuffled: every region page and partner page in both
   languages, every region's and partner's API answers, overview and regions-table filters,
   pages of records, scenarios (page and API) with distinct partner, level and closed
   instruments, methods and coverage; beyond that fixed set, a quarter of the URLs are
   scenarios and the rest pages of records (the mix is printed, per endpoint; set it with
   ``--scenario-share``). No URL repeats, so the dashboard's answer cache never hides the
   cost of an answer. Then a baseline run of the same users on ``/healthz`` (a trivial route
   of the same server, distinct query strings) measures what the server, the machine and
   locust cost by themselves.

It prints p50 and p95 per endpoint and overall, and requests per second, each beside the
baseline and as a ratio to it. Traffic goes only to 127.0.0.1. It is not a test: it never
fails on a time (the exit status is 0 unless something did not run).

``.venv/bin/python benchmarks/bench_web.py --db /tmp/web/l2000k.sqlite``
``.venv/bin/python benchmarks/bench_web.py --records 50000 --requests 5000``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
LOCUSTFILE = HERE / "locust_web.py"
TARGET_P95_MS = 100.0
TARGET_RATE = 500.0
TARGET_SCENARIO_P50_MS = 30.0
TARGET_STARTUP_S = 2.0
SCENARIO_SHARE = 0.25
"""Share of scenarios (three API answers to one page) among the URLs beyond the fixed set."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 60) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def wait_for(url: str, started: float, deadline_s: float, process: subprocess.Popen) -> float:
    """Seconds from ``started`` to the first 200 answer of ``url``."""
    while True:
        if get(url, timeout=30)[0] == 200:
            return time.perf_counter() - started
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        if time.perf_counter() - started > deadline_s:
            raise RuntimeError(f"no answer from {url} within {deadline_s:.0f} s")
        time.sleep(0.01)


class Server:
    """``paradiplomacy serve`` in a child process on 127.0.0.1."""

    def __init__(self, db: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [str(BIN / "paradiplomacy"), "serve", "--db", db, "--host", "127.0.0.1",
                   "--port", str(self.port), "--workers", str(workers)]  # fmt: skip
        self.log = log.open("ab")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait(self, path: str, deadline_s: float = 900) -> float:
        return wait_for(self.base + path, self.started, deadline_s, self.process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def timed(command: list[str], runs: int = 3) -> float:
    """Best of ``runs`` wall times of ``command`` (seconds)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - started)
    return best


def fetch_json(base: str, path: str) -> dict:
    status, body = get(base + path)
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    return json.loads(body)


def plan(
    base: str, total: int, seed: int = 1, share: float = SCENARIO_SHARE
) -> list[tuple[str, str]]:
    """``total`` distinct (endpoint, url) pairs (module docstring), shuffled."""
    rng = random.Random(seed)
    regions = fetch_json(base, "/api/regions")["regions"]
    partners = [p["alpha2"] for p in fetch_json(base, "/api/partners")["partners"]]
    coverage = fetch_json(base, "/api/coverage")["coverage"]
    instruments = sorted(
        {i["instrument"] for i in coverage["covered"]}
        | {i["instrument"] for i in coverage["not_covered"]}
    )
    levels = sorted({r["level"] for r in regions if r["level"] is not None})
    districts = sorted({r["federal_district"] for r in regions if r["federal_district"]})
    counts = {r["code"]: fetch_json(base, f"/api/regions/{r['code']}")["n_records"]
              for r in regions}  # fmt: skip
    fixed: list[tuple[str, str]] = []
    for lang in ("en", "ru"):
        fixed += [("page /methods", f"/methods?lang={lang}"),
                  ("api /methods", f"/api/methods?lang={lang}"),
                  ("api /coverage", f"/api/coverage?lang={lang}"),
                  ("api /partners", f"/api/partners?lang={lang}")]  # fmt: skip
        for code in counts:
            fixed += [("page /region/{code}", f"/region/{code}?lang={lang}"),
                      ("api /regions/{code}", f"/api/regions/{code}?lang={lang}"),
                      ("api /regions/{code}/channels",
                       f"/api/regions/{code}/channels?lang={lang}")]  # fmt: skip
        for alpha2 in partners:
            fixed += [("page /partner/{alpha2}", f"/partner/{alpha2}?lang={lang}"),
                      ("api /partners/{alpha2}",
                       f"/api/partners/{alpha2}?lang={lang}")]  # fmt: skip
        for level in [None, *levels]:
            for district in [None, *districts]:
                query = "&".join(
                    f"{k}={v}" for k, v in (("level", level), ("district", district)) if v
                )
                fixed.append(("page /", f"/?{query}&lang={lang}".replace("?&", "?")))
                fixed.append(("api /regions", f"/api/regions?{query}&lang={lang}"))
    rng.shuffle(fixed)
    seen = set()
    out: list[tuple[str, str]] = []
    for item in fixed:
        if item[1] not in seen:
            seen.add(item[1])
            out.append(item)
    out = out[: max(total // 2, min(total, len(out)))]

    def scenario() -> tuple[str, str]:
        partner = rng.choice(partners)
        level = rng.randrange(4)
        closed = sorted(rng.sample(instruments, rng.randrange(4)))
        query = f"partner={partner}&level={level}" + "".join(f"&close={c}" for c in closed)
        if rng.random() < 0.25:
            return "page /scenario", f"/scenario?{query}&lang={rng.choice(['en', 'ru'])}"
        return "api /scenario", f"/api/scenario?{query}"

    def records() -> tuple[str, str]:
        code = rng.choice(list(counts))
        per_page = rng.choice([10, 25, 50])
        page = rng.randrange(1, max(1, -(-counts[code] // per_page)) + 1)
        query = f"page={page}&per_page={per_page}"
        if rng.random() < 0.5:
            return "page /region/{code}", f"/region/{code}?{query}&lang={rng.choice(['en', 'ru'])}"
        return "api /regions/{code}/records", f"/api/regions/{code}/records?{query}"

    attempts = 0
    while len(out) < total and attempts < 50 * total:
        attempts += 1
        item = scenario() if rng.random() < share else records()
        if item[1] not in seen:
            seen.add(item[1])
            out.append(item)
    rng.shuffle(out)
    return out


def run_locust(
    base: str, items: list[tuple[str, str]], users: int, run_time: int, folder: Path, name: str
) -> dict[str, dict[str, float]]:
    """Run locust headless over ``items``; its statistics by endpoint (and "Aggregated")."""
    plan_file = folder / f"{name}_plan.json"
    plan_file.write_text(json.dumps(items), encoding="utf-8")
    prefix = folder / name
    command = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", base,
               "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{run_time}s",
               "--stop-timeout", "10", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING", "--exit-code-on-error", "0"]  # fmt: skip
    env = {**os.environ, "BENCH_WEB_PLAN": str(plan_file)}
    with (folder / f"{name}_locust.log").open("wb") as log:
        subprocess.run(command, check=True, env=env, stdout=log, stderr=subprocess.STDOUT,
                       timeout=run_time + 120)  # fmt: skip
    stats: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "n": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "max": float(row["Max Response Time"]),
                "rate": float(row["Requests/s"]),
            }
    return stats


def ratio(value: float, base: float) -> str:
    return f"{value / base:7.1f}x" if base > 0 else "      -"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", help="an existing ledger (file path or SQLAlchemy URL)")
    source.add_argument("--records", type=int, default=50_000, help="generate a ledger")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10_000, help="distinct URLs requested")
    parser.add_argument("--run-time", type=int, default=60, help="seconds, at most, per run")
    parser.add_argument("--workers", type=int, default=2, help="serve --workers")
    parser.add_argument("--startups", type=int, default=3, help="timed starts of serve (0: none)")
    parser.add_argument(
        "--scenario-share",
        type=float,
        default=SCENARIO_SHARE,
        help="share of scenarios among the URLs beyond the fixed set (0: none at all)",
    )
    parser.add_argument("--keep", type=Path, help="keep locust's CSV files and logs here")
    args = parser.parse_args()
    if shutil.which("locust", path=str(BIN)) is None:
        print("locust is not installed: pip install -e '.[dev]'")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = args.db
        if db is None:
            db = str(Path(tmp) / "bench.sqlite")
            started = time.perf_counter()
            code = (
                "import sys; from paradiplomacy.ledger.store import Store; "
                "from paradiplomacy.synthetic import fill; s = Store(sys.argv[1]); s.init(); "
                "fill(s, seed=42, target_records=int(sys.argv[2]))"
            )
            subprocess.run([sys.executable, "-c", code, db, str(args.records)], check=True)
            print(f"generated a synthetic ledger of about {args.records:,} records in "
                  f"{time.perf_counter() - started:.1f} s: {db}")  # fmt: skip
        log = folder / "serve.log"
        print(f"ledger: {db}; {os.cpu_count()} cores; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip

        # 2. preparation
        server = Server(db, 1, log)
        try:
            prepared = server.wait("/healthz")
        finally:
            server.stop()
        said = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
        print(f"\npreparation (serve once, not timed as start-up): {prepared:.1f} s")
        for line in said[-4:]:
            print(f"  | {line}")

        # 3. start-up
        uvicorn_s = timed([sys.executable, "-c", "import uvicorn"])
        help_s = timed([str(BIN / "paradiplomacy"), "--help"])
        serving, scenario_ready = [float("nan")], [float("nan")]
        if args.startups:
            serving, scenario_ready = [], []
        for _ in range(args.startups):
            server = Server(db, args.workers, log)
            try:
                serving.append(server.wait("/healthz"))
                scenario_ready.append(server.wait("/api/scenario?partner=DE&level=2"))
            finally:
                server.stop()
        best = min(serving)
        if args.startups:
            print(f"\nserve start-up, --workers {args.workers}, {args.startups} starts "
                  f"(process start to the first answer):")  # fmt: skip
            print(f"  serving (/healthz)       best {best:5.2f} s, worst {max(serving):5.2f} s; "
                  f"{ratio(best, uvicorn_s).strip()} 'import uvicorn' ({uvicorn_s:.2f} s), "
                  f"{ratio(best, help_s).strip()} 'paradiplomacy --help' ({help_s:.2f} s); "
                  f"target < {TARGET_STARTUP_S:.0f} s: "
                  f"{'meets' if best < TARGET_STARTUP_S else 'MISSES'}")  # fmt: skip
            print(f"  scenarios (assessment loaded in the background) best "
                  f"{min(scenario_ready):5.2f} s, worst {max(scenario_ready):5.2f} s")  # fmt: skip

        # 4. load
        server = Server(db, args.workers, log)
        try:
            server.wait("/api/scenario?partner=DE&level=2")
            items = plan(server.base, args.requests, share=args.scenario_share)
            if args.scenario_share == 0:
                items = [item for item in items if "scenario" not in item[0]]
            print(f"\nload: locust, {args.users} users, {len(items):,} distinct URLs requested "
                  f"once each (at most {args.run_time} s), --workers {args.workers}; load average "
                  f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
            stats = run_locust(server.base, items, args.users, args.run_time, folder, "dashboard")
            baseline_items = [("baseline /healthz", f"/healthz?n={i}")
                              for i in range(min(len(items), 10_000))]  # fmt: skip
            base = run_locust(
                server.base, baseline_items, args.users, args.run_time, folder, "baseline"
            )["Aggregated"]
        finally:
            server.stop()
        print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"\n  {'endpoint':32} {'n':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
              f"{'p50/base':>8} {'p95/base':>8}")  # fmt: skip
        for name in [*sorted(k for k in stats if k != "Aggregated"), "Aggregated"]:
            s = stats[name]
            label = "overall" if name == "Aggregated" else name
            print(f"  {label:32} {s['n']:6.0f} {s['p50']:7.0f} {s['p95']:7.0f} {s['max']:7.0f} "
                  f"{ratio(s['p50'], base['p50'])} {ratio(s['p95'], base['p95'])}")  # fmt: skip
        print(f"  {'baseline /healthz':32} {base['n']:6.0f} {base['p50']:7.0f} "
              f"{base['p95']:7.0f} {base['max']:7.0f}")  # fmt: skip
        total = stats["Aggregated"]
        failures = int(total["failures"])
        print(f"\n  requests/s: dashboard {total['rate']:.0f}, "
              f"baseline /healthz {base['rate']:.0f} "
              f"(ratio {total['rate'] / base['rate']:.2f}); failures {failures}")  # fmt: skip
        scenario = stats.get("api /scenario", {"p50": float("nan")})
        verdicts = [
            ("overall p95", total["p95"] < TARGET_P95_MS, f"{total['p95']:.0f} ms < 100 ms"),
            ("requests/s", total["rate"] > TARGET_RATE, f"{total['rate']:.0f} > 500"),
            ("/api/scenario p50", scenario["p50"] < TARGET_SCENARIO_P50_MS,
             f"{scenario['p50']:.0f} ms < 30 ms"),
            ("serve start-up", best < TARGET_STARTUP_S, f"{best:.2f} s < 2 s"),
        ]  # fmt: skip
        verdicts = [v for v in verdicts if "nan" not in v[2]]
        for what, ok, text in verdicts:
            print(f"  {what:20} {text:22} {'meets' if ok else 'MISSES'}")
        if args.keep:
            print(f"\nlocust's CSV files and logs: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
