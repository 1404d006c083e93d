"""Shared fixtures: a template ledger initialised once per session, copied for each test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from paradiplomacy.ledger.store import Store
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry import PartnerRegistry, RegionRegistry

if TYPE_CHECKING:
    from paradiplomacy.assess.assessment import Assessment


@pytest.fixture(scope="session")
def registries() -> dict[str, object]:
    """The default registries and taxonomy, for building stores with ``Store(path, **...)``."""
    return {
        "regions": RegionRegistry.load(),
        "partners": PartnerRegistry.load(),
        "taxonomy": Taxonomy.load(),
    }


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An initialised, empty ledger file (migrations and registries loaded)."""
    path = tmp_path_factory.mktemp("template") / "ledger.sqlite"
    with Store(path) as store:  # closing checkpoints SQLite's write-ahead log into the file
        store.init()
    return path


@pytest.fixture
def ledger(template_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty, initialised ledger in this test's temporary directory."""
    path = tmp_path / "ledger.sqlite"
    shutil.copy(template_db, path)
    with Store(path) as store:
        yield store


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server started for this test session (skipped where none can be).

    With ``PARADIPLOMACY_REQUIRE_POSTGRES=1`` (set by CI) a missing server fails instead.
    """
    from tests import postgres

    reason = postgres.available()
    if reason:
        if os.environ.get("PARADIPLOMACY_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with postgres.server() as url:
        yield url


@pytest.fixture(scope="session")
def sparse_assessment(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Assessment]:
    """``get(kind)``: the assessment of a sparse ledger (``tests/sparse_ledgers.py``: twinning,
    region, partner, real), built once per session on first use."""
    from tests import sparse_ledgers

    folder = tmp_path_factory.mktemp("sparse")
    built: dict[str, Assessment] = {}

    def get(kind: str) -> Assessment:
        if kind not in built:
            built[kind] = sparse_ledgers.build_assessment(kind, template_db, folder)
        return built[kind]

    return get
