"""Properties (hypothesis) of the array engine of scenarios (assess/engine.py): its shortcuts
give bitwise what the formulas they replace give, and capacity behaves as MODEL.md says."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from paradiplomacy.assess import engine

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

unit = st.floats(0.0, 1.0, allow_nan=False, width=64)


@SETTINGS
@given(
    st.integers(1, 12),
    st.integers(1, 6),
    st.integers(1, 40),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_p_top_is_the_einsum_formula_bitwise(R, K, n, k, seed, with_runs):
    rng = np.random.default_rng(seed)
    b = rng.random((R, K)) * (rng.random((R, K)) > 0.3)
    a = rng.random(K)
    w = rng.random((2, K))
    w /= w.sum(axis=1, keepdims=True)
    runs = rng.random((2, R, n)) if with_runs else None
    got = engine.p_top_arrays(b, a, w, runs, 0.05, k=k, n_runs=n, seed=seed % 1000)
    # the formula as scenarios.p_top wrote it before the engine
    r2 = np.random.default_rng(seed % 1000)
    a_runs = np.clip(a * (1 + r2.uniform(-0.1, 0.1, (n, K))), 0, 1)
    w_runs = w[None] * (1 + r2.uniform(-0.25, 0.25, (n, 2, K)))
    w_runs /= np.maximum(w_runs.sum(axis=2, keepdims=True), 1e-300)
    nc = np.einsum("rk,nk,nfk->frn", b, a_runs, w_runs)
    if runs is not None:
        diff = runs[0] - runs[1]
        cap = np.where(diff > 0.05 + 1e-12, nc[0],
                       np.where(diff < -0.05 - 1e-12, nc[1], nc.max(axis=0)))  # fmt: skip
    else:
        cap = nc.max(axis=0)
    if k < R:
        threshold = -np.partition(-cap, k - 1, axis=0)[k - 1]
        top = (cap >= threshold[None, :]) & (cap > 0)
    else:
        top = cap > 0
    np.testing.assert_array_equal(got, top.mean(axis=1))


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 9), st.integers(1, 30)),
                  elements=st.floats(-1e6, 1e6, allow_nan=False)))  # fmt: skip
def test_quantiles_are_numpys_bitwise(x):
    q = [0.05, 0.5, 0.95]
    np.testing.assert_array_equal(engine.quantiles(x, q, axis=2), np.quantile(x, q, axis=2))


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-5, 5, allow_nan=False)))
def test_ranks_are_pandas_min_ranks(values):
    want = pd.Series(values).rank(ascending=False, method="min").to_numpy(dtype=int)
    np.testing.assert_array_equal(engine.ranks_descending(values), want)


records_st = st.lists(
    st.tuples(
        st.integers(0, 3),  # region
        st.integers(0, 4),  # instrument
        st.sampled_from([1.0, 0.5, 0.25, 0.5 + 2**-52, 1e-3, 0.3, 0.7]),  # weight: ties, near
    ),
    min_size=1,
    max_size=40,
)


@SETTINGS
@given(records_st, st.sets(st.integers(0, 4)), hnp.arrays(np.float64, 3, elements=unit),
       st.lists(st.integers(0, 1), min_size=4, max_size=4), st.integers(1, 4))  # fmt: skip
def test_records_behind_from_the_index_are_the_top_records_of_all(rows, closed, a, used, n):
    """The per-(region, partner, instrument) index names exactly the records that ranking all
    contributions by effective weight names (the pandas code it replaced)."""
    R, I, K = 4, 5, 3  # noqa: E741
    instrument_channel = np.zeros((I, K))
    instrument_channel[np.arange(I), np.arange(I) % K] = 1
    w = np.array([[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]])
    used = np.array(used)
    uid = np.array([f"u{i:03d}" for i in range(len(rows))])
    region = np.array([r for r, _, _ in rows])
    instrument = np.array([i for _, i, _ in rows])
    weight = np.array([x for _, _, x in rows])
    index = engine.record_index(uid, region, np.zeros(len(rows), int), instrument, weight, 1, n)
    closed_mask = np.array([i in closed for i in range(I)])
    got = engine.records_behind(index.get(0), closed_mask, instrument_channel, a, w, used, R, n)
    # the old way: every contribution, effective weight, stable sort, first n per region
    ki = (np.arange(I) % K)[instrument]
    eff = weight * a[ki] * w[used[region], ki]
    frame = pd.DataFrame({"uid": uid, "ri": region, "eff": eff})
    frame = frame[~closed_mask[instrument] & (eff > 0)]
    frame = frame.sort_values(["ri", "eff"], ascending=[True, False])
    top = frame.groupby("ri", sort=False).head(n).groupby("ri")["uid"].agg(";".join)
    want = np.full(R, "", dtype=object)
    want[top.index.to_numpy()] = top.to_numpy()
    assert list(got) == list(want)


@SETTINGS
@given(hnp.arrays(np.float64, (6, 4), elements=unit), hnp.arrays(np.float64, 4, elements=unit),
       st.integers(0, 3), hnp.arrays(np.float64, 4, elements=unit))  # fmt: skip
def test_less_availability_never_raises_capacity(b, a, k, lower):
    """Capacity is monotone in availability and strengths, whatever the framework chosen."""
    w = np.array([[0.0, 0.4, 0.3, 0.3], [0.7, 0.3, 0.0, 0.0]])
    chosen = np.array(["culture_image", "political_plus", "both"] * 2, dtype=object)
    base = engine.capacity_from(b, b, a, w, chosen).capacity
    less = engine.capacity_from(b, b, np.minimum(a, lower), w, chosen).capacity
    weaker = engine.capacity_from(b, b * 0.5, a, w, chosen).capacity
    assert (less <= base + 1e-15).all()
    assert (weaker <= base + 1e-15).all()
    assert ((base >= 0) & (base <= 1 + 1e-12)).all()
