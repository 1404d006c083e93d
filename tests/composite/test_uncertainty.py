"""Uncertainty and sensitivity runs: the fast engine equals exact rebuilds, run by run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.composite.aggregate import aggregate
from paradiplomacy.composite.coin import build
from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.framework import load_framework
from paradiplomacy.composite.pipeline import load_pipeline
from paradiplomacy.composite.synthetic import synthetic_tables
from paradiplomacy.composite.uncertainty import _pipeline_for, analyse, load_spec

TOY = Path(__file__).parent / "toy"


@pytest.fixture(scope="module")
def coin():
    idata, imeta = synthetic_tables(12, 10, 4, 2, seed=5)
    pipeline = load_pipeline(
        [
            {"denominate": {}},
            {"impute": {"method": "mean_group", "group": "Group_group"}},
            {"treat": {"winmax": 3}},
            {"normalise": {"method": "minmax", "range": [0, 100]}},
            {"aggregate": {"method": "arithmetic"}},
        ]
    )
    return build(load_framework(idata, imeta), pipeline)


@pytest.fixture(scope="module")
def spec():
    return load_spec(TOY / "uncertainty.yaml")


def test_every_run_equals_an_exact_rebuild(coin, spec):
    result = analyse(coin, spec, 24, kind="ua", seed=3)
    checked = 0
    for r in range(24):
        choice = list(result.choices.iloc[r])
        pipeline = _pipeline_for(coin.pipeline, spec, choice)
        exact = build(coin.framework, pipeline)
        got = result.scores.iloc[:, r].to_numpy()
        # Re-aggregate the exact normalised data with this run's noisy weights.
        weights = result.weights.iloc[r].dropna()
        specs = exact.details["aggregate"]["specs"]
        try:
            want = aggregate(exact.stage("Normalised"), coin.framework, weights, specs)["Index"]
        except CompositeError:
            assert np.isnan(got).all()
            continue
        np.testing.assert_allclose(got, want.reindex(result.scores.index), rtol=1e-12)
        checked += 1
    assert checked >= 12
    # The weights really vary, within +/-25% of the nominal ones at levels 2 and 3.
    ratio = result.weights[["P1", "S1"]] / coin.weights[["P1", "S1"]]
    assert ratio.min().min() >= 0.75 and ratio.max().max() <= 1.25
    assert ratio.std().min() > 0.05
    assert (result.weights["x01"] == coin.weights["x01"]).all()


def test_ua_outputs_and_determinism(coin, spec):
    a = analyse(coin, spec, 40, kind="ua", seed=9)
    b = analyse(coin, spec, 40, kind="ua", seed=9)
    c = analyse(coin, spec, 40, kind="ua", seed=10)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert not a.scores.equals(c.scores)
    assert list(a.rank_stats.columns) == ["uCode", "nominal", "mean", "median", "q5", "q95"]
    stats = a.rank_stats.set_index("uCode")
    np.testing.assert_array_equal(stats["nominal"], coin.ranks().reindex(stats.index))
    assert (stats["q5"] <= stats["median"]).all() and (stats["median"] <= stats["q95"]).all()
    assert a.scores.shape == (12, 40)
    probs = a.class_probabilities([-np.inf, 40, 60, np.inf], ["low", "mid", "high"])
    np.testing.assert_allclose(probs[["low", "mid", "high"]].sum(axis=1), 1.0)


def test_sensitivity_design_and_indices(coin, spec):
    result = analyse(coin, spec, 16, kind="sa", seed=2, n_boot=20)
    d = len(spec.assumptions)
    assert result.scores.shape[1] == 16 * (d + 2)
    sens = result.sensitivity
    assert list(sens["variable"]) == list(spec.assumptions)
    assert {"Si", "STi", "Si_q5", "Si_q95", "STi_q5", "STi_q95"} <= set(sens.columns)
    assert len(result.unit_sensitivity) == 12 * d


def test_sobol_sampler(coin, spec):
    result = analyse(coin, spec, 16, kind="ua", sampler="sobol", seed=1)
    assert result.scores.shape == (12, 16)


def test_failed_runs_are_missing(coin):
    spec = load_spec(
        {
            "assumptions": {
                "norm": {
                    "step": "normalise",
                    "alternatives": [{"method": "zscore"}, {"method": "zscore", "sd": 2}],
                },
                "agg": {
                    "step": "aggregate",
                    "param": "method",
                    "values": ["geometric", "geometric"],
                },
            }
        }
    )
    # z-scores have negative values, which a geometric mean cannot take: every run fails.
    result = analyse(coin, spec, 5, kind="ua", seed=1)
    assert result.failed_runs == 5
    assert result.scores.isna().all().all()


def test_spec_errors(coin):
    with pytest.raises(CompositeError, match="exactly one of 'values', 'alternatives'"):
        load_spec({"assumptions": {"x": {"step": "treat", "param": "winmax"}}})
    with pytest.raises(CompositeError, match="expected 'param'"):
        load_spec({"assumptions": {"x": {"step": "treat", "values": [1, 2]}}})
    with pytest.raises(CompositeError, match="expected 'levels'"):
        load_spec({"assumptions": {"w": {"noise": 0.2}}})
    with pytest.raises(CompositeError, match="at least two values"):
        load_spec({"assumptions": {"x": {"step": "treat", "param": "winmax", "values": [1]}}})
    with pytest.raises(CompositeError, match="a <= b"):
        load_spec({"assumptions": {"x": {"step": "treat", "param": "skew", "range": [3, 1]}}})
    spec = load_spec(
        {"assumptions": {"x": {"step": "screen", "param": "threshold", "values": [0.5, 0.6]}}}
    )
    with pytest.raises(CompositeError, match="the pipeline has no 'screen' step"):
        analyse(coin, spec, 4)


def test_continuous_assumption(coin):
    spec = load_spec(
        {"assumptions": {"skew": {"step": "treat", "param": "skew", "range": [1.0, 3.0]}}}
    )
    result = analyse(coin, spec, 8, kind="ua", seed=1)
    values = result.parameters["skew"]
    assert ((values >= 1.0) & (values <= 3.0)).all()
