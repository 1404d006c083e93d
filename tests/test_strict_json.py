"""Every JSON the project writes is strict JSON (issue 12, point 1): no NaN, Infinity or NaT,
checked with a parser that rejects them."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paradiplomacy import strictjson
from paradiplomacy.assess.assessment import write_scenario


def test_clean_turns_missing_and_non_finite_numbers_into_null() -> None:
    value = {
        "nan": float("nan"),
        "inf": [float("inf"), -np.inf],
        "nat": pd.NaT,
        "na": pd.NA,
        "np": np.float64(0.5),
        "int": np.int64(3),
        "bool": np.bool_(True),
        "array": np.array([1.0, np.nan]),
        "date": dt.date(2024, 12, 31),
        "stamp": pd.Timestamp("2022-02-24"),
        "path": Path("a/b"),
        "set": {"b", "a"},
    }
    text = strictjson.dumps(value)
    assert strictjson.loads_strict(text) == {
        "nan": None,
        "inf": [None, None],
        "nat": None,
        "na": None,
        "np": 0.5,
        "int": 3,
        "bool": True,
        "array": [1.0, None],
        "date": "2024-12-31",
        "stamp": "2022-02-24T00:00:00",
        "path": "a/b",
        "set": ["a", "b"],
    }


def test_the_strict_parser_rejects_what_python_writes_by_default() -> None:
    with pytest.raises(ValueError, match="not strict JSON"):
        strictjson.loads_strict(json.dumps({"x": float("nan")}))


@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=20,
    )
)
def test_anything_cleaned_is_strict_json(value) -> None:
    parsed = strictjson.loads_strict(strictjson.dumps(value))
    if isinstance(value, float) and math.isfinite(value):
        assert parsed == value


def _every_json(folder: Path) -> list[Path]:
    paths = sorted(folder.rglob("*.json"))
    assert paths, f"no JSON written in {folder}"
    for path in paths:
        strictjson.loads_strict(path.read_text(encoding="utf-8"))
    return paths


@pytest.mark.parametrize("kind", ["twinning", "real"])
def test_assessment_and_scenario_json_are_strict(sparse_assessment, kind, tmp_path) -> None:
    """A sparse ledger has NaN scores, infinite outer cut points and missing dates: the places
    where NaN, Infinity and NaT used to reach assessment.json."""
    a = sparse_assessment(kind)
    a.write(tmp_path / "assessment")
    partner = "DE" if kind == "real" else "FI"
    write_scenario(a.scenario(partner, 2), tmp_path / "scenario")
    names = {p.name for p in _every_json(tmp_path)}
    assert {"assessment.json", "summary.json"} <= names
