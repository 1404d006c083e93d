"""Shared fixtures: a template ledger initialised once per session, copied for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from paradiplomacy.ledger.store import Store


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
