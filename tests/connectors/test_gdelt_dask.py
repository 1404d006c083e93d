"""The Dask engine gives exactly what the DuckDB engine gives (a 2-worker LocalCluster)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from paradiplomacy.connectors import gdelt

FIXTURES = Path(__file__).parent / "fixtures" / "gdelt"


def test_dask_on_a_local_cluster_equals_duckdb() -> None:
    distributed = pytest.importorskip("distributed")
    files = [
        FIXTURES / "20240301000000.export.CSV",
        FIXTURES / "20240301001500.export.CSV.zip",
        FIXTURES / "20240302000000.export.CSV.zip",
        FIXTURES / "20240301000000.export.CSV.zip",
    ]
    rule = gdelt.Rule.default()
    expected = gdelt.run_duckdb(files, rule)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        got = gdelt.run_dask(files, rule, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(got.events, expected.events)
    assert got.rows_read == expected.rows_read == 29
    assert got.rows_kept == expected.rows_kept
    assert got.skipped == expected.skipped
    assert got.unresolved == expected.unresolved
    assert got.malformed == expected.malformed
    assert [f.file for f in got.files] == [str(f) for f in files]  # file order kept
