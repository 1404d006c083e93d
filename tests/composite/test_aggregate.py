"""Aggregation: each method against hand-worked values, the batch path against the exact one."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paradiplomacy.composite.aggregate import (
    Plan,
    aggregate,
    aggregate_batch,
    copeland,
    level_specs,
)
from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.framework import load_framework

TOY = Path(__file__).parent / "toy"


@pytest.fixture(scope="module")
def toy():
    return load_framework(TOY / "iData.csv", TOY / "iMeta.csv")


def frame(rows: dict[str, list[float]]) -> pd.DataFrame:
    data = pd.DataFrame(rows, index=pd.Index(["UA", "UB"], name="uCode"), dtype=float)
    return data


BASE = {
    "i1": [10.0, 40.0],
    "i2": [40.0, np.nan],
    "i3": [20.0, 50.0],
    "i4": [80.0, 50.0],
    "i5": [30.0, 60.0],
    "i6": [90.0, 60.0],
}


def test_arithmetic_by_hand(toy):
    out = aggregate(frame(BASE), toy)
    assert list(out.columns)[6:] == ["P1", "P2", "P3", "S1", "S2", "Index"]
    # UA: P1 = (2*10 + 1*40)/3 = 20; P2 = (20+80)/2 = 50; P3 = (30+90)/2 = 60.
    # S1 = (P1+P2)/2 = 35 (pillar weights 1,1); S2 = P3 = 60; Index = (2*35 + 1*60)/3 = 130/3.
    assert out.loc["UA", "P1"] == 20.0
    assert out.loc["UA", "S1"] == 35.0
    assert out.loc["UA", "Index"] == pytest.approx(130 / 3, abs=1e-13)
    # UB: i2 missing, so P1 = i1 alone = 40 (weights re-normalised per unit).
    assert out.loc["UB", "P1"] == 40.0
    # UB: P2 = 50, S1 = 45, S2 = 60, Index = (2*45 + 60)/3 = 50.
    assert out.loc["UB", "Index"] == 50.0


def test_geometric_harmonic_generalised_by_hand(toy):
    data = frame(BASE)
    geo = aggregate(data, toy, specs=level_specs(toy, ["geometric", "arithmetic", "arithmetic"]))
    # P1 for UA = exp((2 ln 10 + ln 40)/3) = (10*10*40)^(1/3) = 4000^(1/3).
    assert geo.loc["UA", "P1"] == pytest.approx(4000 ** (1 / 3), rel=1e-14)
    harm = aggregate(data, toy, specs=level_specs(toy, ["harmonic", "arithmetic", "arithmetic"]))
    # P2 for UA = 2 / (1/20 + 1/80) = 2 / (5/80) = 32.
    assert harm.loc["UA", "P2"] == pytest.approx(32.0, rel=1e-14)
    gen = aggregate(
        data, toy, specs=level_specs(toy, ["generalised", "arithmetic", "arithmetic"], power=2.0)
    )
    # P3 for UA = sqrt((30^2 + 90^2)/2) = sqrt(4500).
    assert gen.loc["UA", "P3"] == pytest.approx(math.sqrt(4500), rel=1e-14)
    # Any missing child makes the generalised mean missing (COINr a_genmean).
    assert np.isnan(gen.loc["UB", "P1"])


def test_geometric_zero_rule(toy):
    data = frame({**BASE, "i3": [0.0, 50.0]})
    specs = level_specs(toy, "geometric")
    with pytest.raises(CompositeError, match="unit 'UA', group 'P2' has 0"):
        aggregate(data, toy, specs=specs)
    shifted = aggregate(data, toy, specs=level_specs(toy, "geometric", offset=1.0))
    # With offset 1: P2 = exp((ln 1 + ln 81)/2) = 9.
    assert shifted.loc["UA", "P2"] == pytest.approx(9.0, rel=1e-14)


def test_data_threshold(toy):
    specs = level_specs(toy, "arithmetic", dat_thresh=[0.6, None, None])
    out = aggregate(frame(BASE), toy, specs=specs)
    # UB has 1 of P1's 2 children: 1/2 < 0.6, so P1 is missing; S1 is then P2 alone.
    assert np.isnan(out.loc["UB", "P1"])
    assert out.loc["UB", "S1"] == 50.0


def test_copeland_by_hand():
    # Three units, two equally weighted children.
    x = np.array([[3.0, 1.0], [2.0, 2.0], [1.0, 3.0]])
    # O_12 = 0.5 (u1 wins child 1) -> 0; O_13 = 0.5 -> 0; O_23 = 0.5 -> 0: all ties.
    assert list(copeland(x, np.array([1.0, 1.0]))) == [0.0, 0.0, 0.0]
    # Weight 3:1 on the first child: u1 beats u2 and u3, u2 beats u3.
    assert list(copeland(x, np.array([3.0, 1.0]))) == [2.0, 0.0, -2.0]


def test_per_level_methods_and_errors(toy):
    with pytest.raises(CompositeError, match="expected one value or 3"):
        level_specs(toy, ["arithmetic", "geometric"])
    with pytest.raises(CompositeError, match="method: expected one of"):
        level_specs(toy, "median")
    with pytest.raises(CompositeError, match="non-zero number"):
        level_specs(toy, "generalised")
    assert level_specs(toy, "a_gmean")[0].method == "geometric"


def test_batch_equals_exact(toy):
    rng = np.random.default_rng(3)
    data = pd.DataFrame(
        rng.uniform(1, 100, size=(5, 6)), index=toy.raw.index, columns=toy.indicators
    )
    data.iloc[1, 1] = np.nan
    plan = Plan.of(toy, toy.indicators)
    weights = rng.uniform(0.5, 2, size=(7, len(plan.columns)))
    for method in ("arithmetic", "geometric", "harmonic"):
        specs = level_specs(toy, method)
        batch = aggregate_batch(data.to_numpy(), plan, weights, specs)
        for r in range(weights.shape[0]):
            w = pd.Series(weights[r], index=list(plan.columns))
            exact = aggregate(data, toy, w, specs)
            np.testing.assert_allclose(batch[r], exact[list(plan.columns)].to_numpy(), rtol=1e-12)


def test_batch_marks_failed_runs(toy):
    data = toy.raw.fillna(1.0).copy()
    data.iloc[0, 0] = 0.0
    plan = Plan.of(toy, toy.indicators)
    out = aggregate_batch(
        data.to_numpy(), plan, np.ones((2, len(plan.columns))), level_specs(toy, "geometric")
    )
    assert np.isnan(out).all()


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(0, 100), min_size=5, max_size=5),
    scale=st.floats(0.01, 100),
)
def test_identical_children_and_weight_scaling(toy, values, scale):
    data = pd.DataFrame({c: values for c in toy.indicators}, index=toy.raw.index)
    out = aggregate(data, toy, pd.Series(1.0, index=toy.weights.index))
    # Equal-weight arithmetic aggregation of identical children returns the child.
    np.testing.assert_allclose(out["Index"].to_numpy(), values, rtol=1e-12, atol=1e-12)
    # Weights only matter within their group: scaling every weight leaves the result unchanged.
    scaled = aggregate(data, toy, toy.weights * scale)
    np.testing.assert_allclose(
        scaled["Index"], aggregate(data, toy)["Index"], rtol=1e-12, atol=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 100), min_size=12, max_size=12))
def test_weights_are_normalised_within_each_parent(toy, values):
    from paradiplomacy.composite.weights import normalise_within_parents

    weights = pd.Series(values, index=toy.weights.index)
    normalised = normalise_within_parents(weights, toy.index_meta)
    meta = toy.index_meta.set_index("iCode")
    sums = normalised.groupby(meta["Parent"].fillna("(top)").reindex(normalised.index)).sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)
