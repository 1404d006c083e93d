"""Benchmark the GDELT filter: DuckDB count(*) vs the filter, and Dask with 1 and 2 workers.

Generates GDELT-format export files (61 tab-separated columns, no header) with ``--rows`` rows
in total (default 5,000,000) in ``--files`` files (default 10) in a temporary directory: about
5 % of the rows carry a Russian ADM1 geocode, a few are malformed. Then times:

- DuckDB ``count(*)`` over the same files, read with the same typed ``read_csv`` (one query per
  file, on one connection, DuckDB's default threads). ``count(*)`` projects no column: DuckDB
  splits every line into its 61 fields (and rejects lines with a wrong field count) but
  converts none, so this is the floor of reading the files;
- the DuckDB engine (:func:`paradiplomacy.connectors.gdelt.run_duckdb`: one scan per file that
  casts, and so checks, the eight numeric columns of every row and collects the region rows,
  then the partner rule and the events frame), target at most 1.5x the count (issue 13);
- the Dask engine on a local cluster of 1 and of 2 single-threaded worker processes, target
  2 workers at least 1.6x faster than 1 (each task runs DuckDB with one thread).

Each time is the best of 3 runs, on files already in the page cache (just written); the count
and the filter take turns, so both see the same load on a shared machine.

Run: ``.venv/bin/python benchmarks/bench_gdelt.py [--rows N] [--files K] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from paradiplomacy.connectors import gdelt


def generate(directory: Path, rows: int, files: int, seed: int = 7) -> list[Path]:
    """Write ``files`` export files with ``rows`` rows in total (DuckDB ``COPY``, seeded hash
    choices): about 5 % of the rows in a registry region, plus one malformed line per file."""
    rule = gdelt.Rule.default()
    fips = sorted(rule.fips)
    other = ["US06", "UK17", "FR11", "GM16", "CH22", "TU34", "IN16", "BR27", "RS"]
    actors = ["RUS", "USA", "TUR", "DEU", "CHN", "FIN", "", "AFR", "EUR", "KAZ", "JPN"]
    codes = ["010", "036", "042", "051", "112", "190"]

    def pick(values: list[str], salt: int) -> str:
        items = ", ".join(f"'{v}'" for v in values)
        return f"([{items}])[1 + CAST(hash(i, {seed + salt}) % {len(values)} AS BIGINT)]"

    con = duckdb.connect()
    per_file = rows // files
    paths = []
    for k in range(files):
        n = per_file + (rows - per_file * files if k == files - 1 else 0)
        first = 900_000_000 + k * per_file
        adm1 = f"CASE WHEN hash(i, {seed}) % 100 < 5 THEN {pick(fips, 1)} ELSE {pick(other, 2)} END"
        fields = [
            "CAST(i AS VARCHAR)", "'20240301'", "'202403'", "'2024'", "'2024.1644'",
            "a1 || 'GOV'", "a1 || ' NAME'", "a1", *["''"] * 7,
            "a2 || 'BUS'", "a2 || ' NAME'", "a2", *["''"] * 7,
            "'1'", "code", "code", "left(code, 2)",
            f"CAST(1 + hash(i, {seed + 5}) % 4 AS VARCHAR)",
            f"CAST(round((hash(i, {seed + 6}) % 201) / 10.0 - 10, 1) AS VARCHAR)",
            "m", "'2'", "m",
            f"CAST(round((hash(i, {seed + 7}) % 2001) / 100.0 - 10, 6) AS VARCHAR)",
            *["''"] * 16,
            "'4'", "'Somewhere, Some Region, Some Country'", "left(adm1, 2)", "adm1", "''",
            "'55.75'", "'37.61'", "'-2960561'", "'20240301001500'",
            "'https://news.example.org/story/' || CAST(i AS VARCHAR)",
        ]  # fmt: skip
        assert len(fields) == len(gdelt.COLUMNS), len(fields)
        line = " || chr(9) || ".join(f"({f})" for f in fields)
        path = directory / f"20240301{k // 4:02d}{k % 4 * 15:02d}00.export.CSV"
        con.execute(
            f"COPY (SELECT line FROM (SELECT i, {line} AS line FROM (SELECT i, {adm1} AS adm1, "
            f"{pick(actors, 3)} AS a1, {pick(actors, 4)} AS a2, {pick(codes, 8)} AS code, "
            f"CAST(1 + hash(i, {seed + 9}) % 50 AS VARCHAR) AS m "
            f"FROM range({first}, {first + n}) t(i)) "
            f"UNION ALL SELECT {first + n}, '1' || chr(9) || '20240301') ORDER BY i) "
            f"TO '{path}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')"
        )
        paths.append(path)
    con.close()
    return paths


def timed(label: str, func, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<44} {best:8.2f} s", flush=True)
    return best


def timed_alternately(funcs: dict[str, Callable[[], object]], repeat: int = 3) -> list[float]:
    """Best of ``repeat`` runs of each function, the functions taking turns."""
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeat):
        for label, func in funcs.items():
            start = time.perf_counter()
            func()
            best[label] = min(best[label], time.perf_counter() - start)
    for label, seconds in best.items():
        print(f"{label:<44} {seconds:8.2f} s", flush=True)
    return list(best.values())


def count_all(paths: list[Path]) -> int:
    con = duckdb.connect()
    total = 0
    for path in paths:
        ((n,),) = con.execute(f"SELECT count(*) FROM {gdelt._read_csv_sql(path)}").fetchall()
        total += n
    con.close()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--keep", type=Path, default=None, help="write the files here")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory(prefix="bench-gdelt-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        paths = generate(directory, args.rows, args.files)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"generated {args.rows:,} rows in {len(paths)} files ({size:,.0f} MB) "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        rule = gdelt.Rule.default()
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        report = gdelt.run_duckdb(paths, rule)
        # the two runs alternate, so that both see the same load on a shared machine
        t_count, t_filter = timed_alternately(
            {
                "DuckDB count(*) (same typed read_csv)": lambda: count_all(paths),
                "DuckDB filter (run_duckdb)": lambda: gdelt.run_duckdb(paths, rule),
            }
        )
        events, bad = len(report.events), len(report.malformed)
        print(f"  read {report.rows_read:,}, kept {report.rows_kept:,}, {events:,} event-partner "
              f"rows, {bad} malformed")  # fmt: skip
        times = {}
        for workers in (1, 2):
            with (
                LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster,
                Client(cluster) as client,
            ):
                client.run(lambda: None)
                address = cluster.scheduler_address
                times[workers] = timed(
                    f"Dask, {workers} worker(s) x 1 thread",
                    lambda a=address: gdelt.run_dask(paths, rule, scheduler=a),
                )
        print()
        print(f"filter / count(*)         = {t_filter / t_count:.2f}  (target <= 1.5)")
        print(f"Dask 1 worker / 2 workers = {times[1] / times[2]:.2f}  (target >= 1.6)")
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
