"""Scenarios and frameworks give today exactly what they gave before they were vectorised.

The reference is ``tests/fixtures/scenario_golden.json.gz`` (see
``tests/assess/scenario_golden.py``, which documents and regenerates it): floats agree to 1e-12
(absolute), labels, ranks, record lists and column order exactly. Both a freshly built
assessment and the same assessment read back from the ledger are compared.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from paradiplomacy.assess import stored
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill
from tests.assess import scenario_golden as golden

ATOL = 1e-12


def assert_same_frame(got: dict[str, Any], want: dict[str, Any], where: str) -> None:
    assert got["columns"] == want["columns"], where
    for column in want["columns"]:
        kind, expected = want["kinds"][column], want["data"][column]
        actual = got["data"][column]
        assert got["kinds"][column] == kind, f"{where}: {column} dtype kind"
        if kind == "f":
            a = np.array([np.nan if v is None else v for v in actual], dtype=float)
            b = np.array([np.nan if v is None else v for v in expected], dtype=float)
            np.testing.assert_allclose(a, b, rtol=0, atol=ATOL, err_msg=f"{where}: {column}")
        else:
            assert actual == expected, f"{where}: {column}"


def assert_same_values(got: Any, want: Any, where: str) -> None:
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        assert abs(got - want) <= ATOL, where
    elif isinstance(want, dict):
        assert sorted(got) == sorted(want), where
        for key in want:
            assert_same_values(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same_values(g, w, f"{where}[{i}]")
    else:
        assert got == want, where


def assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert sorted(got["frameworks"]) == sorted(want["frameworks"])
    for partner, frame in want["frameworks"].items():
        assert_same_frame(got["frameworks"][partner], frame, f"frameworks {partner}")
    assert len(got["scenarios"]) == len(want["scenarios"])
    for g, w in zip(got["scenarios"], want["scenarios"], strict=True):
        where = w.get("scenario") or f"{w['partner']} level {w['level']} closed {w['closed']}"
        assert {k: v for k, v in g.items() if k not in ("capacity", "summary")} == {
            k: v for k, v in w.items() if k not in ("capacity", "summary")
        }
        assert_same_frame(g["capacity"], w["capacity"], f"capacity {where}")
        assert_same_values(g["summary"], w["summary"], f"summary {where}")
    assert sorted(got["functions"]) == sorted(want["functions"])
    for key, value in want["functions"].items():
        if "columns" in value:
            assert_same_frame(got["functions"][key], value, key)
            continue
        assert_same_frame(got["functions"][key]["capacity"], value["capacity"], key)
        assert_same_values(got["functions"][key]["p_top"], value["p_top"], f"{key} p_top")
        assert_same_values(got["functions"][key]["totals"], value["totals"], f"{key} totals")


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("golden") / "demo.sqlite"
    shutil.copy(template_db, path)
    with Store(path) as store:
        fill(store, seed=golden.SEED)
    return path


@pytest.fixture(scope="module")
def want() -> dict[str, Any]:
    return golden.read()


def test_built_and_stored_assessments_give_the_golden_answers(demo_db, want):
    store = Store(demo_db)
    built, status = stored.load_or_build(store)
    assert status.action == "built"
    assert_same(golden.compute(built), want)
    read, status = stored.load_or_build(store)
    assert status.action == "read"
    assert_same(golden.compute(read), want)
    store.close()
