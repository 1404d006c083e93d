"""The assessment on the synthetic demo ledger equals the golden outputs recorded by
``tests/golden/make_golden.py`` to 1e-12 (issue 13: reading aggregates computed by the database
must not change any result)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.golden.make_golden import GOLDEN, build, outputs

TOL = 1e-12
"""Absolute and relative: |got - want| <= TOL + TOL * |want| (sums of millions of magnitudes
may differ in the last bits with the order of summation)."""


def _same(got: Any, want: Any, where: str) -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), where
        for key in want:
            _same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and isinstance(got, (int, float)):
        assert got == pytest.approx(want, rel=TOL, abs=TOL, nan_ok=True), where
    else:
        assert got == want, where


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    return outputs(build(Path(tmp_path_factory.mktemp("golden"))))


def test_golden_outputs_unchanged(current: dict[str, np.ndarray]) -> None:
    golden = np.load(GOLDEN, allow_pickle=False)
    assert sorted(current) == sorted(golden.files)
    different = []
    for name in golden.files:
        try:
            _compare(current[name], golden[name], name)
        except AssertionError:
            different.append(name)
    assert different == []


def _compare(got: np.ndarray, want: np.ndarray, name: str) -> None:
    if want.dtype.kind in "US":
        _same(json.loads(str(got)), json.loads(str(want)), name)
    else:
        assert got.shape == want.shape, name
        np.testing.assert_allclose(got, want, rtol=TOL, atol=TOL, equal_nan=True, err_msg=name)
