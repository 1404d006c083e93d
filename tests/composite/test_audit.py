"""Audit tools: statistics and flags, correlations (COMPOSITE-METHODS 12.1), Cronbach's alpha
(12.2), correlation flags (12.3), PCA by group (10.2) and leave-one-out rank shifts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from paradiplomacy.composite.audit import (
    codes_at_level,
    correlation_flags,
    correlation_matrix,
    correlations,
    cronbach_alpha,
    cronbach_by_group,
    indicator_statistics,
    pca_by_group,
    rank_shifts,
    with_parent,
    within_group,
)
from paradiplomacy.composite.errors import CompositeError
from tests.composite.test_weights import toy_imeta, toy_lineage


def test_cronbach_alpha_by_formula():
    # x1 = 1,2,3,4 and x2 = 2 x1: var1 = 5/3, var2 = 20/3, cov = 10/3.
    # sum C = 5/3 + 20/3 + 2 * 10/3 = 15, tr C = 25/3, k = 2:
    # alpha = k/(k-1) * (1 - trC/sumC) = 2 * (1 - 5/9) = 8/9.
    data = pd.DataFrame({"x1": [1.0, 2, 3, 4], "x2": [2.0, 4, 6, 8]})
    assert cronbach_alpha(data, ["x1", "x2"]) == pytest.approx(8 / 9, abs=1e-14)


def test_cronbach_alpha_pairwise_complete_matches_pandas_cov():
    rng = np.random.default_rng(5)
    data = pd.DataFrame(rng.normal(size=(15, 3)), columns=["p", "q", "r"])
    data.iloc[2, 0] = np.nan
    data.iloc[7, 2] = np.nan
    cov = data.cov().to_numpy()  # pandas: pairwise-complete, n - 1
    k = 3
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    assert cronbach_alpha(data, ["p", "q", "r"]) == pytest.approx(expected, abs=1e-12)
    with pytest.raises(CompositeError, match="at least 2"):
        cronbach_alpha(data, ["p"])


def test_cronbach_by_group():
    rng = np.random.default_rng(6)
    data = pd.DataFrame(rng.normal(size=(10, 5)), columns=["a1", "a2", "b1", "b2", "b3"])
    out = cronbach_by_group(data, toy_imeta(), toy_lineage(), level=1, group_level=2)
    assert list(out["Group"]) == ["A", "B"] and list(out["k"]) == [2, 3]
    assert out["Alpha"].iloc[1] == pytest.approx(cronbach_alpha(data, ["b1", "b2", "b3"]))


def test_pearson_pvalue_by_t_formula():
    # x centred: -2,-1,0,1,2; y = 2,1,4,3,5 centred: -1,-2,1,0,2.
    # sum xy = 2 + 2 + 0 + 0 + 4 = 8, sxx = syy = 10 -> r = 0.8.
    # t = sqrt(3) * 0.8 / sqrt(1 - 0.64) = 2.3094; p = 2 P(T_3 > t) = 0.1041.
    data = pd.DataFrame({"x": [1.0, 2, 3, 4, 5], "y": [2.0, 1, 4, 3, 5]})
    t = math.sqrt(3) * 0.8 / 0.6
    p = 2 * scipy.stats.t.sf(t, 3)
    long = correlations(data, ["x"], ["y"], pvalue=0)
    assert long["Correlation"].iloc[0] == pytest.approx(0.8, abs=1e-15)
    assert long["pvalue"].iloc[0] == pytest.approx(p, rel=1e-12)
    assert long["pvalue"].iloc[0] == pytest.approx(scipy.stats.pearsonr(data.x, data.y)[1])
    assert p == pytest.approx(0.1041, abs=5e-5)
    # p > 0.05 -> the correlation is filtered out; with pval = 0.2 it stays.
    assert math.isnan(correlations(data, ["x"], ["y"])["Correlation"].iloc[0])
    assert correlations(data, ["x"], ["y"], pvalue=0.2)["Correlation"].iloc[0] == pytest.approx(0.8)


def test_correlations_long_order_self_pairs_and_missing():
    rng = np.random.default_rng(8)
    data = pd.DataFrame(rng.normal(size=(20, 3)), columns=["c", "a", "b"])
    data["a"] = data["c"] * 2 + rng.normal(scale=0.1, size=20)
    data.iloc[4, 2] = np.nan
    long = correlations(data, ["c", "a"], ["b", "c"], pvalue=0)
    # Column-major: all of codes_a for the first of codes_b, and so on.
    assert list(zip(long.Var1, long.Var2, strict=True)) == [
        ("c", "b"),
        ("a", "b"),
        ("c", "c"),
        ("a", "c"),
    ]
    assert long.set_index(["Var1", "Var2"]).loc[("c", "c"), "pvalue"] == 0.0
    assert long.set_index(["Var1", "Var2"]).loc[("c", "c"), "Correlation"] == pytest.approx(1.0)
    # Pairwise complete: the pair with b uses the 19 complete rows.
    ok = data["b"].notna()
    r = np.corrcoef(data.loc[ok, "c"], data.loc[ok, "b"])[0, 1]
    assert long["Correlation"].iloc[0] == pytest.approx(r, abs=1e-13)
    wide = correlation_matrix(data, ["c", "a"], ["b", "c"], pvalue=0)
    assert list(wide.index) == ["c", "a"] and list(wide.columns) == ["b", "c"]
    assert wide.loc["a", "c"] == pytest.approx(long["Correlation"].iloc[3])


def test_spearman_and_kendall_match_scipy():
    rng = np.random.default_rng(9)
    data = pd.DataFrame(rng.normal(size=(25, 2)), columns=["x", "y"])
    data["y"] += data["x"]
    sp = correlations(data, ["x"], ["y"], method="spearman", pvalue=0)
    ref = scipy.stats.spearmanr(data.x, data.y)
    assert sp["Correlation"].iloc[0] == pytest.approx(ref.statistic, abs=1e-13)
    assert sp["pvalue"].iloc[0] == pytest.approx(ref.pvalue, rel=1e-9)
    kd = correlations(data, ["x"], ["y"], method="kendall", pvalue=0)
    ref = scipy.stats.kendalltau(data.x, data.y, method="exact")  # no ties, n < 50
    assert kd["Correlation"].iloc[0] == pytest.approx(ref.statistic, abs=1e-13)
    assert kd["pvalue"].iloc[0] == pytest.approx(ref.pvalue, rel=1e-9)
    with pytest.raises(CompositeError, match="method"):
        correlations(data, ["x"], method="cosine")  # type: ignore[arg-type]


def test_code_selection_and_structural_filters():
    imeta, lineage = toy_imeta(), toy_lineage()
    assert codes_at_level(imeta, lineage, 1) == ["a1", "a2", "b1", "b2", "b3"]
    assert codes_at_level(imeta, lineage, 2) == ["A", "B"]
    assert codes_at_level(imeta, lineage, 1, within="B") == ["b1", "b2", "b3"]
    assert codes_at_level(imeta, lineage, 1, within=["Index"]) == ["a1", "a2", "b1", "b2", "b3"]
    assert codes_at_level(imeta, lineage, 2, within="A") == ["A"]
    with pytest.raises(CompositeError, match="below"):
        codes_at_level(imeta, lineage, 2, within="a1")

    rng = np.random.default_rng(10)
    data = pd.DataFrame(rng.normal(size=(12, 7)), columns=["a1", "a2", "b1", "b2", "b3", "A", "B"])
    # Pillars against indicators: keep only (parent, child), sorted by parent then child.
    long = correlations(data, ["B", "A"], ["b2", "a1", "b1"], pvalue=0)
    fam = with_parent(long, lineage, 2, 1)
    assert list(zip(fam.Var1, fam.Var2, strict=True)) == [("A", "a1"), ("B", "b1"), ("B", "b2")]
    # Same pairs if the table was built the other way round.
    rev = with_parent(correlations(data, ["b2", "a1", "b1"], ["B", "A"], pvalue=0), lineage, 1, 2)
    assert list(zip(rev.Var1, rev.Var2, strict=True)) == [("A", "a1"), ("B", "b1"), ("B", "b2")]
    # Same level, within level-2 groups.
    same = within_group(correlations(data, ["a1", "b1", "b2"], pvalue=0), lineage, 1, 2)
    assert list(zip(same.Var1, same.Var2, strict=True)) == [
        ("a1", "a1"),
        ("b1", "b1"),
        ("b1", "b2"),
        ("b2", "b1"),
        ("b2", "b2"),
    ]


def test_correlation_flags_high_and_low():
    rng = np.random.default_rng(11)
    base = rng.normal(size=30)
    data = pd.DataFrame(
        {
            "a1": base,
            "a2": base + rng.normal(scale=0.05, size=30),  # r ~ 0.999 with a1, same group
            "b1": base,  # identical to a1 but in another group: not a within-group pair
            "b2": rng.normal(size=30),
            "b3": rng.normal(size=30),
        }
    )
    high = correlation_flags(data, toy_imeta(), toy_lineage(), threshold=0.9)
    assert list(zip(high.Group, high.Ind1, high.Ind2, strict=True)) == [("A", "a1", "a2")]
    r = np.corrcoef(data.a1, data.a2)[0, 1]
    assert high["Corr"].iloc[0] == round(r, 3)
    low = correlation_flags(data, toy_imeta(), toy_lineage(), threshold=0.5, kind="low")
    assert set(zip(low.Ind1, low.Ind2, strict=True)) == {("b1", "b2"), ("b1", "b3"), ("b2", "b3")}
    with pytest.raises(CompositeError, match="kind"):
        correlation_flags(data, toy_imeta(), toy_lineage(), kind="mid")  # type: ignore[arg-type]


def test_pca_by_group_table():
    rng = np.random.default_rng(12)
    data = pd.DataFrame(rng.normal(size=(20, 5)), columns=["a1", "a2", "b1", "b2", "b3"])
    out = pca_by_group(data, toy_imeta(), toy_lineage(), level=1)
    a = out[out.Group == "A"]
    ve = a[a.Quantity == "variance_explained"]
    assert list(ve.Name) == ["PC1", "PC2"] and ve.Value.sum() == pytest.approx(1.0)
    r = np.corrcoef(data.a1, data.a2)[0, 1]
    assert ve.Value.iloc[0] == pytest.approx((1 + abs(r)) / 2, abs=1e-12)
    loads = a[a.Quantity == "loading"]
    assert list(loads.Name) == ["a1", "a2"]
    assert a[a.Quantity == "n_units"].Value.iloc[0] == 20


def stats_data() -> pd.DataFrame:
    x = np.arange(1.0, 11.0)
    return pd.DataFrame(
        {
            "x": x,
            "sparse": [1.0, 2, 3, 4, 5.5, np.nan, np.nan, np.nan, np.nan, np.nan],
            "skewed": [0.0] * 9 + [100.0],
            "twin": 2 * x + np.array([0.1, -0.1, 0.2, 0, -0.2, 0.1, 0, -0.1, 0.1, 0]),
            "neg": -x + np.array([0.3, -0.2, 0.1, 0.4, -0.3, 0.2, -0.1, 0, 0.3, -0.4]),
            "noise": [3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3],
        },
        index=pd.Index([f"u{i}" for i in range(10)], name="uCode"),
    )


def test_indicator_statistics_values():
    st = indicator_statistics(stats_data())
    x = st.loc["x"]
    # 1..10: mean 5.5, median (5 + 6)/2, sd sqrt(sum (i - 5.5)^2 / 9) = sqrt(82.5/9).
    assert (x.Min, x.Max, x.Mean, x.Median) == (1.0, 10.0, 5.5, 5.5)
    assert x.Std == pytest.approx(math.sqrt(82.5 / 9), abs=1e-15)
    assert x.Skew == pytest.approx(0.0, abs=1e-15)
    assert x["Q.25"] == pytest.approx(3.25) and x["Q.75"] == pytest.approx(7.75)  # type 7
    v = stats_data()["noise"].to_numpy()
    assert st.loc["noise", "Skew"] == pytest.approx(scipy.stats.skew(v, bias=False))
    assert st.loc["noise", "Kurt"] == pytest.approx(scipy.stats.kurtosis(v, bias=False))
    assert st.loc["noise", "N.Unique"] == 7 and st.loc["noise", "N.Same"] == 2
    sp = st.loc["sparse"]
    assert sp["N.Avail"] == 5 and sp["Frc.Avail"] == 0.5 and sp.Median == 3.0
    sk = st.loc["skewed"]
    # Nine zeros and 100: Q1 = Q3 = 0, IQR = 0, so 100 > 0 + 1.5 * 0 is one high outlier.
    assert sk["N.Zero"] == 9 and sk["N.NonZero"] == 1
    assert sk["High.Outliers.IQR"] == 1 and sk["Low.Outliers.IQR"] == 0
    # e1071 type-2 skewness of nine 0s and one 100: mean 10, m2 = (9 * 100 + 8100)/10 = 900,
    # m3 = (9 * -1000 + 729000)/10 = 72000, g1 = m3 / m2^1.5 = 8/3,
    # G1 = g1 * sqrt(n (n - 1)) / (n - 2) = (8/3) * sqrt(90) / 8 = sqrt(90) / 3.
    assert sk.Skew == pytest.approx(math.sqrt(90) / 3, rel=1e-12)


def test_indicator_statistics_flags_each_trip():
    st = indicator_statistics(stats_data())
    flagged = {
        c: sorted(f for f in st.columns if f.startswith("Flag.") and st.loc[c, f]) for c in st.index
    }
    assert "Flag.Avail" in flagged["sparse"] and "Flag.Avail" not in flagged["x"]
    assert "Flag.SkewKurt" in flagged["skewed"]
    assert "Flag.NonZero" in flagged["skewed"] and "Flag.Unique" in flagged["skewed"]
    assert "Flag.Collinear" in flagged["twin"] and "Flag.Collinear" in flagged["x"]
    assert "Flag.NegCorr" in flagged["neg"] and "Flag.NegCorr" not in flagged["noise"]
    # neg is negatively correlated with x, sparse and twin, each significantly.
    assert st.loc["neg", "N.NegCorr"] == 3
    assert flagged["noise"] == []
    with pytest.raises(CompositeError, match="availability"):
        indicator_statistics(stats_data(), availability_threshold=1.5)


def test_rank_shifts_by_hand():
    nominal = pd.Series({"u1": 3.0, "u2": 2.0, "u3": 1.0})  # ranks 1, 2, 3
    alternatives = {
        # reversed: ranks 3, 2, 1 -> shifts 1-3, 2-2, 3-1 = -2, 0, 2; mean |.| = 4/3
        "c1": pd.Series({"u3": 3.0, "u2": 2.0, "u1": 1.0}),
        # tie at the top: ranks 1, 1, 3 -> shifts 0, 1, 0; mean |.| = 1/3
        "c2": pd.Series({"u1": 2.0, "u2": 2.0, "u3": 1.0}),
    }
    out = rank_shifts(nominal, alternatives)
    assert list(out.index) == ["c1", "c2"]
    assert list(out.columns) == ["MeanAbsRankChange", "u1", "u2", "u3"]
    assert out.loc["c1", ["u1", "u2", "u3"]].tolist() == [-2.0, 0.0, 2.0]
    assert out.loc["c1", "MeanAbsRankChange"] == pytest.approx(4 / 3)
    assert out.loc["c2", ["u1", "u2", "u3"]].tolist() == [0.0, 1.0, 0.0]
    assert out.loc["c2", "MeanAbsRankChange"] == pytest.approx(1 / 3)
    with pytest.raises(CompositeError, match="lack"):
        rank_shifts(nominal, {"c": pd.Series({"u1": 1.0})})
