"""Fixtures of the dashboard tests: one small synthetic assessment and its app per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill
from paradiplomacy.web import create_app

RUNS = 50


@pytest.fixture(scope="session")
def web_assessment(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """A small synthetic assessment (about 6,000 records, 50 runs per index)."""
    path = tmp_path_factory.mktemp("web") / "demo.sqlite"
    shutil.copy(template_db, path)
    store = Store(f"sqlite:///{path}")
    fill(store, seed=3, target_records=6000)
    try:
        return Assessment.from_store(store, runs=RUNS, seed=5)
    finally:
        store.close()


@pytest.fixture(scope="session")
def web_app(web_assessment: Assessment) -> FastAPI:
    return create_app(web_assessment)


@pytest.fixture(scope="session")
def client(web_app: FastAPI) -> TestClient:
    """A test client that answers server errors as the client would see them."""
    return TestClient(web_app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def top_region(web_assessment: Assessment) -> str:
    """The region ranked first by the IAI."""
    return str(web_assessment.regions_table()["code"].iloc[0])
