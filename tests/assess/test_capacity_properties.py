"""Property tests (hypothesis) of channel strengths and normalisation capacity."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paradiplomacy.assess.channels import channel_strengths
from paradiplomacy.assess.scenarios import AvailabilityTable, Scenario, capacity, p_top
from paradiplomacy.ledger.taxonomy import Taxonomy
from tests.assess.test_channels import AS_OF, config, partners_frame, record, regions_frame

TAX = Taxonomy.load()
INSTRUMENTS = sorted(TAX.instruments)
CHANNELS = tuple(TAX.channels)

records_st = st.lists(
    st.tuples(
        st.sampled_from(["RU-A", "RU-B", "RU-C"]),
        st.sampled_from(["CN", "FI"]),
        st.sampled_from(INSTRUMENTS),
        st.integers(0, 12 * 365),
        st.sampled_from(["active", "suspended", "planned", "terminated"]),
        st.floats(0.0, 1.0),
    ),
    max_size=25,
)


def build(rows):
    frame = pd.DataFrame(
        [
            record(f"u{n}", r, c, i, AS_OF - dt.timedelta(days=d), status=s, confidence=conf)
            for n, (r, c, i, d, s, conf) in enumerate(rows)
        ],
        columns=list(record("x", "RU-A", "FI", "trade", AS_OF)),
    )
    return channel_strengths(frame, regions_frame(), partners_frame(), TAX, AS_OF, config())


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(records_st, st.sets(st.sampled_from(INSTRUMENTS)), st.sampled_from(["CN", "FI"]),
       st.integers(0, 3), st.sampled_from(CHANNELS))  # fmt: skip
def test_closing_or_raising_the_level_never_raises_capacity(rows, closed, partner, level, k):
    t = build(rows)
    base = Scenario(name="b", partner=partner, level=level)
    cap = capacity(t, base).set_index("region")["capacity"]
    variants = [
        Scenario(name="i", partner=partner, level=level, closed_instruments=sorted(closed)),
        Scenario(name="k", partner=partner, level=level, availability={k: 0.0}),
    ]
    if level < 3:
        variants.append(Scenario(name="l", partner=partner, level=level + 1))
    for v in variants:
        other = capacity(t, v).set_index("region")["capacity"].reindex(cap.index)
        assert (other <= cap + 1e-12).all()
    assert np.all(t.strengths(tuple(closed)) <= t.strengths() + 1e-12)


@SETTINGS
@given(records_st, st.sampled_from(["CN", "FI"]))
def test_no_records_means_structural_ties_only(rows, partner):
    t = build(rows)
    j = t.partner_index(partner)
    b = t.strengths(partner=partner)
    table = AvailabilityTable.load()
    for region in ["RU-A", "RU-B", "RU-C"]:
        has = any(r == region and c == partner for r, c, *_ in rows)
        if has:
            continue
        i = t.region_index(region)
        structural = t._scale(t.structural[i, j])
        np.testing.assert_allclose(b[i], structural)
        if region == "RU-B" and partner == "FI":  # the land border feeds economic
            assert b[i, CHANNELS.index("economic")] > 0
        elif not (region == "RU-B" and partner == "CN"):  # no ties at all
            cap = capacity(t, Scenario(name="s", partner=partner, level=0), availability=table)
            assert cap.set_index("region").loc[region, "capacity"] == 0.0


@SETTINGS
@given(records_st, st.integers(0, 3), st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_p_top_is_a_probability_and_seeded(rows, level, seed, k):
    t = build(rows)
    sc = Scenario(name="p", partner="FI", level=level)
    a = p_top(t, sc, k=k, n_runs=50, seed=seed)
    b = p_top(t, sc, k=k, n_runs=50, seed=seed)
    assert a.between(0, 1).all()
    pd.testing.assert_series_equal(a, b)
