"""Weights: equal, normalised, effective (COMPOSITE-METHODS 8.2), PCA (10.2), optimised."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.weights import (
    effective_weights,
    equal_weights,
    normalise_within_parents,
    optimise_weights,
    pca_weights,
)


def toy_imeta() -> pd.DataFrame:
    """Three levels: a1, a2 -> A; b1, b2, b3 -> B; A, B -> Index (sorted by Level, Parent)."""
    rows = [
        ("a1", 1, "A", 1.0, "Indicator"),
        ("a2", 1, "A", 3.0, "Indicator"),
        ("b1", 1, "B", 1.0, "Indicator"),
        ("b2", 1, "B", 1.0, "Indicator"),
        ("b3", 1, "B", 2.0, "Indicator"),
        ("A", 2, "Index", 1.0, "Aggregate"),
        ("B", 2, "Index", 3.0, "Aggregate"),
        ("Index", 3, np.nan, 1.0, "Aggregate"),
    ]
    df = pd.DataFrame(rows, columns=["iCode", "Level", "Parent", "Weight", "Type"])
    df["Direction"] = 1
    return df


def toy_lineage() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Indicator": ["a1", "a2", "b1", "b2", "b3"],
            "Pillar": ["A", "A", "B", "B", "B"],
            "Index": ["Index"] * 5,
        }
    )


def weights_of(imeta: pd.DataFrame) -> pd.Series:
    return pd.Series(imeta["Weight"].to_numpy(), index=imeta["iCode"])


def test_equal_weights_are_one_for_every_index_row():
    w = equal_weights(toy_imeta())
    assert list(w.index) == ["a1", "a2", "b1", "b2", "b3", "A", "B", "Index"]
    assert (w == 1.0).all()


def test_normalise_within_parents():
    w = normalise_within_parents(weights_of(toy_imeta()), toy_imeta())
    # A: 1/(1+3), 3/(1+3); B: 1/4, 1/4, 2/4; pillars 1/4, 3/4; the top level alone -> 1.
    expected = [0.25, 0.75, 0.25, 0.25, 0.5, 0.25, 0.75, 1.0]
    assert w.to_numpy() == pytest.approx(expected, abs=1e-15)


def test_normalise_rejects_negative_and_all_zero_groups():
    w = weights_of(toy_imeta())
    w["b2"] = -1
    with pytest.raises(CompositeError, match="negative"):
        normalise_within_parents(w, toy_imeta())
    w = weights_of(toy_imeta())
    w[["a1", "a2"]] = 0.0
    with pytest.raises(CompositeError, match="'A'"):
        normalise_within_parents(w, toy_imeta())
    w = weights_of(toy_imeta())
    w["Index"] = 0.0
    with pytest.raises(CompositeError, match="top level"):
        normalise_within_parents(w, toy_imeta())
    with pytest.raises(CompositeError, match="lack"):
        normalise_within_parents(w.drop("a1"), toy_imeta())


def test_effective_weights_of_three_level_toy():
    eff = effective_weights(weights_of(toy_imeta()), toy_imeta())
    # Pillars: A = 1/4, B = 3/4. Indicators: a1 = 1/4 * 1/4 = 1/16, a2 = 1/4 * 3/4 = 3/16,
    # b1 = b2 = 3/4 * 1/4 = 3/16, b3 = 3/4 * 2/4 = 6/16. Each level sums to 1.
    expected = {
        "a1": 1 / 16,
        "a2": 3 / 16,
        "b1": 3 / 16,
        "b2": 3 / 16,
        "b3": 6 / 16,
        "A": 0.25,
        "B": 0.75,
        "Index": 1.0,
    }
    for code, value in expected.items():
        assert eff[code] == pytest.approx(value, abs=1e-15)
    assert math.fsum(eff[["a1", "a2", "b1", "b2", "b3"]]) == pytest.approx(1.0, abs=1e-15)


def test_effective_weights_asem_like_pillar():
    # 2 sub-indices, 5 pillars in one, 5 indicators per pillar: 1/2 * 1/5 * 1/5 = 0.02.
    rows = [(f"i{j}", 1, "P0", 1.0, "Indicator") for j in range(5)]
    rows += [(f"P{j}", 2, "S0", 1.0, "Aggregate") for j in range(5)]
    rows += [(f"q{j}", 1, "P9", 1.0, "Indicator") for j in range(2)]
    rows += [("P9", 2, "S1", 1.0, "Aggregate")]
    rows += [("S0", 3, "Idx", 1.0, "Aggregate"), ("S1", 3, "Idx", 1.0, "Aggregate")]
    rows += [("Idx", 4, np.nan, 1.0, "Aggregate")]
    imeta = pd.DataFrame(rows, columns=["iCode", "Level", "Parent", "Weight", "Type"])
    # P1..P4 have no children here; only P0's indicators are checked.
    imeta = imeta.sort_values(["Level"], kind="stable")
    eff = effective_weights(weights_of(imeta), imeta)
    assert eff["i0"] == pytest.approx(0.02, abs=1e-15)


def test_pca_weights_two_columns_closed_form():
    rng = np.random.default_rng(1)
    x = rng.normal(size=30)
    data = pd.DataFrame(
        {
            "a1": x + rng.normal(scale=0.5, size=30),
            "a2": x + rng.normal(scale=0.5, size=30),
            "b1": rng.normal(size=30),
            "b2": rng.normal(size=30),
            "b3": rng.normal(size=30),
        },
        index=pd.Index([f"u{i}" for i in range(30)], name="uCode"),
    )
    res = pca_weights(data, toy_imeta(), toy_lineage(), level=1)
    # Two standardised columns with correlation r: the correlation matrix [[1, r], [r, 1]]
    # has eigenvalues 1 + r and 1 - r with eigenvectors (1, 1)/sqrt 2 and (1, -1)/sqrt 2, so
    # |loadings| = 1/sqrt 2 and PC1 explains (1 + |r|)/2 of the variance.
    r = np.corrcoef(data["a1"], data["a2"])[0, 1]
    load = res.groups["A"].loadings
    assert np.abs(load.to_numpy()) == pytest.approx([2**-0.5, 2**-0.5], abs=1e-12)
    assert load["a1"] * load["a2"] > 0  # r > 0: same sign
    assert res.variance_explained.loc["A", "PC1"] == pytest.approx((1 + abs(r)) / 2, abs=1e-12)
    # Three-column group against numpy eigh of the correlation matrix (up to sign).
    cm = np.corrcoef(data[["b1", "b2", "b3"]].to_numpy(), rowvar=False)
    vals, vecs = np.linalg.eigh(cm)
    pc1 = vecs[:, -1]
    got = res.groups["B"].loadings.to_numpy()
    assert np.abs(got) == pytest.approx(np.abs(pc1), abs=1e-10)
    assert res.variance_explained.loc["B"].to_numpy() == pytest.approx(vals[::-1] / 3, abs=1e-12)
    # The sign is the one numpy's SVD returns, not re-oriented.
    z = data[["b1", "b2", "b3"]].to_numpy()
    z = (z - z.mean(axis=0)) / z.std(axis=0, ddof=1)
    assert got == pytest.approx(np.linalg.svd(z, full_matrices=False)[2][0], abs=1e-12)
    # Weights: level-1 entries replaced, others unchanged.
    assert res.weights["a1"] == load["a1"]
    assert res.weights["B"] == 3.0 and res.weights["Index"] == 1.0
    assert list(res.loadings.index) == ["a1", "a2", "b1", "b2", "b3"]
    # Unit sum of squares per group.
    assert (res.loadings[["a1", "a2"]] ** 2).sum() == pytest.approx(1.0, abs=1e-12)
    assert (res.loadings[["b1", "b2", "b3"]] ** 2).sum() == pytest.approx(1.0, abs=1e-12)


def test_pca_weights_drop_units_with_missing_values_with_warning():
    rng = np.random.default_rng(2)
    data = pd.DataFrame(rng.normal(size=(12, 5)), columns=["a1", "a2", "b1", "b2", "b3"])
    data.iloc[3, 0] = np.nan
    with pytest.warns(UserWarning, match="removing 1 units"):
        res = pca_weights(data, toy_imeta(), toy_lineage(), level=1)
    assert len(res.groups["A"].units) == 11 and len(res.groups["B"].units) == 12
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        all_in_one = pca_weights(data, toy_imeta(), toy_lineage(), level=1, by_groups=False)
    assert list(all_in_one.groups) == ["All"]
    assert len(all_in_one.loadings) == 5


def test_pca_weights_errors():
    data = pd.DataFrame({"a1": [1.0, 2, 3], "a2": [1.0, 1, 1]})
    with pytest.raises(CompositeError, match="level"):
        pca_weights(data, toy_imeta(), toy_lineage(), level=3)
    with pytest.raises(CompositeError, match="constant"):
        pca_weights(
            data.assign(b1=[1.0, 2, 4], b2=[2.0, 1, 3], b3=[3.0, 1, 2]),
            toy_imeta(),
            toy_lineage(),
            level=1,
        )


# --- optimised weights --------------------------------------------------------------------


def pillar_imeta(k: int) -> pd.DataFrame:
    rows = [(f"i{j}", 1, f"P{j}", 1.0, "Indicator") for j in range(k)]
    rows += [(f"P{j}", 2, "Index", 1.0, "Aggregate") for j in range(k)]
    rows += [("Index", 3, np.nan, 1.0, "Aggregate")]
    return pd.DataFrame(rows, columns=["iCode", "Level", "Parent", "Weight", "Type"])


def mean_aggregator(components: pd.DataFrame, codes: list[str]):
    """Index = weighted arithmetic mean of the components (weights normalised)."""

    def aggregate(weights: pd.Series) -> pd.Series:
        w = weights[codes].to_numpy()
        return pd.Series(components[codes].to_numpy() @ (w / w.sum()), index=components.index)

    return aggregate


def test_optimise_symmetric_components_give_equal_weights():
    # B is a permutation of A, so both have the same variance; with equal weights
    # cor(A, A + B) = cor(B, A + B) = (var + cov) / (sd * sd(A + B)): exactly balanced.
    comps = pd.DataFrame(
        {"P0": [1.0, 2, 3, 4, 5, 6], "P1": [2.0, 1, 4, 3, 6, 5]},
        index=pd.Index([f"u{i}" for i in range(6)], name="uCode"),
    )
    res = optimise_weights(
        comps, mean_aggregator(comps, ["P0", "P1"]), pillar_imeta(2), level=2, kind="balance"
    )
    assert res.level_weights.to_numpy() == pytest.approx([0.5, 0.5], abs=1e-3)
    after = res.correlations_after.to_numpy()
    assert after[0] == pytest.approx(after[1], abs=1e-3)


def test_optimise_balance_shrinks_the_dominant_component():
    rng = np.random.default_rng(7)
    n = 60
    comps = pd.DataFrame(
        {
            "P0": rng.normal(scale=3.0, size=n),  # large variance: dominates an equal mean
            "P1": rng.normal(size=n),
            "P2": rng.normal(size=n),
        },
        index=pd.Index([f"u{i}" for i in range(n)], name="uCode"),
    )
    agg = mean_aggregator(comps, ["P0", "P1", "P2"])
    res = optimise_weights(comps, agg, pillar_imeta(3), level=2, tol=1e-5, max_iter=1000)
    before, after = res.correlations_before, res.correlations_after
    assert before["P0"] > before["P1"] and before["P0"] > before["P2"]
    assert res.level_weights["P0"] < 1 / 3
    assert res.level_weights.sum() == pytest.approx(1.0, abs=1e-12)
    spread = lambda s: float(s.max() - s.min())  # noqa: E731
    assert spread(after) < spread(before)
    assert res.objective < res.objective_before
    assert res.converged
    assert res.target is not None and res.target.to_numpy() == pytest.approx([1 / 3] * 3)
    # Deterministic.
    again = optimise_weights(comps, agg, pillar_imeta(3), level=2, tol=1e-5, max_iter=1000)
    assert again.level_weights.equals(res.level_weights)
    # Full weight set: other levels unchanged.
    assert res.weights["i0"] == 1.0 and res.weights["Index"] == 1.0


def test_optimise_target_series_and_infomax():
    rng = np.random.default_rng(3)
    n = 40
    comps = pd.DataFrame(
        rng.normal(size=(n, 3)) * [1.0, 1.5, 0.7], columns=["P0", "P1", "P2"]
    ).set_axis(pd.Index([f"u{i}" for i in range(n)], name="uCode"))
    agg = mean_aggregator(comps, ["P0", "P1", "P2"])
    target = pd.Series({"P2": 2.0, "P0": 1.0, "P1": 1.0})
    res = optimise_weights(comps, agg, pillar_imeta(3), level=2, target=target, tol=1e-5)
    assert res.target["P2"] == pytest.approx(0.5)
    shares = res.correlations_after / res.correlations_after.sum()
    assert shares["P2"] > shares["P0"]
    info = optimise_weights(comps, agg, pillar_imeta(3), level=2, kind="infomax", tol=1e-5)
    assert info.target is None
    assert info.correlations_after.sum() >= info.correlations_before.sum() - 1e-12
    assert info.objective == pytest.approx(-info.correlations_after.sum())


def test_optimise_errors():
    comps = pd.DataFrame({"P0": [1.0, 2, 3], "P1": [3.0, 1, 2]})
    agg = mean_aggregator(comps, ["P0", "P1"])
    with pytest.raises(CompositeError, match="kind"):
        optimise_weights(comps, agg, pillar_imeta(2), level=2, kind="max")  # type: ignore[arg-type]
    with pytest.raises(CompositeError, match="target"):
        optimise_weights(comps, agg, pillar_imeta(2), level=2, target="unequal")  # type: ignore[arg-type]
    with pytest.raises(CompositeError, match="one value"):
        optimise_weights(comps, agg, pillar_imeta(2), level=2, target=pd.Series({"P0": 1.0}))
    with pytest.raises(CompositeError, match="level"):
        optimise_weights(comps, agg, pillar_imeta(2), level=3)
