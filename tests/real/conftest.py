"""Fixtures of the real-ledger tests: the build tool (imported from ``tools/``), a data folder
of small hand-written files in the real sources' formats, and a ledger holding the shipped
real starter tables."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from paradiplomacy.ledger.store import Store
from paradiplomacy.starter import load_real_starter

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "data"
GDELT_FIXTURE = ROOT / "tests" / "connectors" / "fixtures" / "gdelt" / "20240301000000.export.CSV"


@pytest.fixture(scope="session")
def tool() -> ModuleType:
    """``tools/build_real_ledger.py`` as a module."""
    path = ROOT / "tools" / "build_real_ledger.py"
    spec = importlib.util.spec_from_file_location("build_real_ledger", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_real_ledger"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The fixture sources, with the GDELT connector's fixture export as the GDELT sample."""
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES, folder)
    (folder / "gdelt").mkdir()
    shutil.copy(GDELT_FIXTURE, folder / "gdelt" / "20191024143000.export.CSV")
    return folder


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A ledger with the shipped real starter tables (loaded once per module; do not write)."""
    path = tmp_path_factory.mktemp("real") / "real.sqlite"
    with Store(path) as store:
        store.init()
        load_real_starter(store)
        yield store
