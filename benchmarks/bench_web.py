"""Benchmark: the dashboard under load (issue 5 target: 95th percentile under 100 ms).

Generates the synthetic demo ledger (seed 42, about 50,000 records) into a temporary SQLite file
and builds the assessment (not timed), then serves the dashboard with uvicorn on 127.0.0.1 in a
forked process and runs a bounded load: 20 concurrent clients (asyncio + httpx) share a fixed
list of requests over every page and API endpoint (several regions, partners and scenarios),
and stop by themselves when the list is done (or after ``DEADLINE_S``). Prints the 50th and 95th
percentile latency per endpoint and overall: first the cold latency of each distinct URL
requested once, one at a time; then two load rounds: the app as shipped (answers kept by URL
after the first request) and with that response cache off (every page rendered, every answer
built; scenario results and explanations are still cached inside the app).

``.venv/bin/python benchmarks/bench_web.py [--requests N]``
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill

CLIENTS = 20
REQUESTS = 2000
DEADLINE_S = 30.0
TARGET_MS = 100.0
REGIONS = ("RU-MOW", "RU-TA", "RU-SPE", "RU-KDA", "RU-PRI", "RU-KGD")
PARTNERS = ("DE", "CN", "TR", "US", "KZ")


def urls() -> list[tuple[str, str]]:
    """(endpoint, url) of every page and API route, over several regions and partners."""
    out: list[tuple[str, str]] = []
    for lang in ("en", "ru"):
        out += [("page /", f"/?lang={lang}"), ("page /methods", f"/methods?lang={lang}")]
        out += [("page /", f"/?level=2&lang={lang}")]
        out += [("api /regions", f"/api/regions?lang={lang}"), ("api /partners", "/api/partners")]
        out += [("api /regions", "/api/regions?district=central")]
        out += [("api /methods", f"/api/methods?lang={lang}")]
        for code in REGIONS:
            out += [
                ("page /region/{code}", f"/region/{code}?lang={lang}"),
                ("page /region/{code}", f"/region/{code}?page=2&per_page=10&lang={lang}"),
                ("api /regions/{code}", f"/api/regions/{code}?lang={lang}"),
                ("api /regions/{code}/records", f"/api/regions/{code}/records?page=2"),
                ("api /regions/{code}/channels", f"/api/regions/{code}/channels?lang={lang}"),
            ]
        for partner in PARTNERS:
            out += [
                ("page /partner/{alpha2}", f"/partner/{partner}?lang={lang}"),
                ("api /partners/{alpha2}", f"/api/partners/{partner}?lang={lang}"),
                ("page /scenario", f"/scenario?partner={partner}&level=2&lang={lang}"),
            ]
            for level in range(4):
                out.append(("api /scenario", f"/api/scenario?partner={partner}&level={level}"))
            out.append(("api /scenario", f"/api/scenario?partner={partner}&level=3&close=trade"))
    return out


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_server(assessment: Assessment, port: int, cache: bool) -> None:
    import uvicorn

    from paradiplomacy.web import create_app

    app = create_app(assessment, cache=cache)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


async def load(base: str, plan: list[tuple[str, str]]) -> dict[str, list[float]]:
    """Run ``plan`` with CLIENTS concurrent clients; latencies (ms) by endpoint."""
    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    stop = time.perf_counter() + DEADLINE_S

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while not queue.empty() and time.perf_counter() < stop:
                endpoint, url = queue.get_nowait()
                started = time.perf_counter()
                response = await http.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    errors.append(f"{url}: {response.status_code}")
                times[endpoint].append(elapsed)

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[:3]}")
    return times


async def first_requests(base: str, plan: list[tuple[str, str]]) -> dict[str, list[float]]:
    """One request per distinct URL, sequentially: the cold latencies (nothing cached yet)."""
    times: dict[str, list[float]] = defaultdict(list)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for endpoint, url in dict.fromkeys(plan):
            started = time.perf_counter()
            await http.get(url)
            times[endpoint].append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(name: str, times: dict[str, list[float]], wall: float) -> float:
    everything = [t for v in times.values() for t in v]
    rate = f" in {wall:.1f} s ({len(everything) / wall:.0f}/s)" if wall != 1.0 else ""
    print(f"\n{name}: {len(everything)} requests{rate}")
    print(f"  {'endpoint':32} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for endpoint in sorted(times):
        v = times[endpoint]
        print(
            f"  {endpoint:32} {len(v):5d} {percentile(v, 50):8.1f} {percentile(v, 95):8.1f} "
            f"{max(v):8.1f}"
        )
    p95 = percentile(everything, 95)
    print(
        f"  {'overall':32} {len(everything):5d} {percentile(everything, 50):8.1f} "
        f"{p95:8.1f} {max(everything):8.1f}"
    )
    worst = max(percentile(v, 95) for v in times.values())
    if wall == 1.0:  # the cold pass: no verdict, the target is under load
        return worst
    verdict = "meets" if worst < TARGET_MS else "MISSES"
    print(f"  worst endpoint p95 {worst:.1f} ms; target < {TARGET_MS:.0f} ms: {verdict}")
    return worst


def round_trip(assessment: Assessment, cache: bool, total: int) -> float:
    """Serve in a forked process, warm nothing, run the load, stop the server."""
    port = free_port()
    context = multiprocessing.get_context("fork")
    server = context.Process(target=run_server, args=(assessment, port, cache), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/static/style.css", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the dashboard did not start")
            time.sleep(0.1)
        base_plan = urls()
        if cache:
            warm = asyncio.run(first_requests(base, base_plan))
            report("first request of each distinct URL, one at a time (cold)", warm, 1.0)
        plan = [base_plan[i % len(base_plan)] for i in range(total)]
        started = time.perf_counter()
        times = asyncio.run(load(base, plan))
        wall = time.perf_counter() - started
        name = "as shipped (response cache on)" if cache else "response cache off"
        return report(name, times, wall)
    finally:
        server.terminate()
        server.join(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS, help="requests per round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        store = Store(url)
        store.init()
        ledger = fill(store, seed=42)
        started = time.perf_counter()
        assessment = Assessment.from_store(store)
        store.close()
    print(
        f"demo ledger: {len(ledger.records):,} synthetic records; assessment built in "
        f"{time.perf_counter() - started:.1f} s ({assessment.runs} runs); {CLIENTS} clients, "
        f"{args.requests} requests per round over {len(urls())} distinct URLs, 127.0.0.1 only"
    )
    worst = [round_trip(assessment, cache, args.requests) for cache in (True, False)]
    return 0 if worst[0] < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
