"""The record cube computed by the database equals the one computed from the records in memory
(SQLite here, PostgreSQL in ``test_aggregates_on_postgres``); the assessment of a ledger reads
the cube, never every record; the records behind a value are read by key."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paradiplomacy.ledger.aggregates import (
    CUBE_KEYS,
    CubeSpec,
    channel_records,
    cube_from_records,
    frame_channel_records,
    latest_year,
    record_cube,
)
from paradiplomacy.ledger.importer import import_frame
from paradiplomacy.ledger.store import Store

REGIONS = ("RU-TA", "RU-SPE", "RU-PRI", "RU-KGD")
PARTNERS = ("DE", "CN", "FI", "UA")
INSTRUMENTS = ("agreement", "twinning", "cultural_event", "trade", "consulate_hosted")
STATUSES = ("active", "suspended", "planned", "terminated")

SPEC = CubeSpec(
    as_of=dt.date(2022, 12, 31),
    half_life=3.0,
    window=6.0,
    min_confidence=0.3,
    tie_instruments=("agreement", "twinning", "consulate_hosted"),
    log_instruments=("trade",),
    crisis_dates={"UA": dt.date(2022, 2, 24)},
    default_crisis_date=dt.date(2014, 3, 18),
    before_years=3.0,
    after_years=2.0,
    resilience_instruments=("agreement", "twinning", "cultural_event"),
)

record = st.fixed_dictionaries(
    {
        "region": st.sampled_from(REGIONS),
        "partner_country": st.sampled_from(PARTNERS),
        "instrument": st.sampled_from(INSTRUMENTS),
        "status": st.sampled_from(STATUSES),
        "partner_name": st.sampled_from(["", "Kazan", "Tampere"]),
        # dates near the window's and the crisis dates' edges, some with only a year
        "date": st.one_of(
            st.none(),
            st.dates(dt.date(2010, 1, 1), dt.date(2023, 6, 30)),
            st.sampled_from(
                [
                    dt.date(2016, 12, 31),
                    dt.date(2017, 1, 1),
                    dt.date(2022, 2, 24),
                    dt.date(2022, 2, 23),
                    dt.date(2011, 3, 18),
                    dt.date(2024, 2, 24),
                ]
            ),
        ),
        "year": st.integers(2010, 2023),
        "confidence": st.sampled_from([0.1, 0.3, 0.55, 0.8, 1.0]),
        "magnitude": st.sampled_from([0.0, 1.0, 2.5, 100.0]),
    }
)


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["year"] = [r["date"].year if r["date"] else r["year"] for r in rows]
    frame["date"] = [r["date"].isoformat() if r["date"] else "" for r in rows]
    frame["source"] = [f"https://example.org/{i}" for i in range(len(rows))]
    return frame


def _sorted(cube: pd.DataFrame) -> pd.DataFrame:
    out = cube.astype({k: str for k in CUBE_KEYS[:4]})
    return out.sort_values(list(CUBE_KEYS)).reset_index(drop=True)


def _assert_same_cube(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        _sorted(got), _sorted(want), check_exact=False, rtol=1e-12, atol=1e-12
    )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(record, min_size=1, max_size=40, unique_by=lambda r: tuple(r.items())))
def test_the_database_cube_equals_the_cube_of_the_records(
    rows: list[dict], template_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / f"ledger-{abs(hash(str(rows)))}.sqlite"
    shutil.copy(template_db, path)
    with Store(path) as store:
        import_frame(store, _frame(rows), "records")
        records = store.records()
        _assert_same_cube(record_cube(store, SPEC), cube_from_records(records, SPEC))
        assert latest_year(store) == int(records["year"].max())
        for partner in PARTNERS:
            got = channel_records(store, SPEC, partner=partner, regions=REGIONS)
            want = frame_channel_records(records, SPEC, partner=partner, regions=REGIONS)
            assert list(got["uid"]) == list(want["uid"])
            np.testing.assert_allclose(got["weight"], want["weight"], rtol=1e-12)
            top = channel_records(store, SPEC, partner=partner, regions=REGIONS, top=2)
            assert list(top["uid"]) == list(
                frame_channel_records(records, SPEC, partner=partner, top=2)["uid"]
            )
            # the two heaviest of each region, partner, instrument and status, ties: ledger order
            ranked = want.sort_values("weight", ascending=False, kind="mergesort")
            heaviest = ranked.groupby(["region", "instrument", "status"]).head(2)
            assert set(top["uid"]) == set(heaviest["uid"])
    path.unlink()


def test_superseded_records_leave_the_cube(ledger: Store) -> None:
    rows = [
        {"region": "RU-TA", "partner_country": "DE", "instrument": "agreement", "date": "",
         "year": 2020, "source": "https://example.org/a", "magnitude": 1.0}
    ]  # fmt: skip
    import_frame(ledger, pd.DataFrame(rows), "records")
    uid = ledger.records()["uid"].iloc[0]
    fix = {**rows[0], "status": "terminated", "supersedes": uid, "source": "https://example.org/b"}
    import_frame(ledger, pd.DataFrame([fix]), "records")
    cube = record_cube(ledger, SPEC)
    assert cube["n"].sum() == 1 and list(cube["status"].astype(str)) == ["terminated"]
    _assert_same_cube(cube, cube_from_records(ledger.records(), SPEC))


def test_an_empty_ledger_has_an_empty_cube(ledger: Store) -> None:
    cube = record_cube(ledger, SPEC)
    assert cube.empty and list(cube.columns)[:5] == list(CUBE_KEYS)
    assert latest_year(ledger) is None


@pytest.fixture(scope="module")
def synthetic_ledger(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    from paradiplomacy.synthetic import fill

    path = tmp_path_factory.mktemp("aggregates") / "ledger.sqlite"
    shutil.copy(template_db, path)
    store = Store(path)
    fill(store, seed=7, target_records=4000)
    yield store
    store.close()


def test_the_assessment_of_a_ledger_reads_aggregates_not_records(
    synthetic_ledger: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paradiplomacy.assess.assessment import Assessment

    def refuse(*_args, **_kwargs):
        raise AssertionError("the assessment read every record")

    read = []
    original = Store.records

    def by_key(self, **filters):
        if not filters.get("region") and not filters.get("partner"):
            refuse()
        read.append(filters)
        return original(self, **filters)

    monkeypatch.setattr(Store, "records", by_key)
    a = Assessment.from_store(synthetic_ledger, runs=50)
    assert read == []  # building reads none
    explained = a.explain("RU-TA")
    assert read and read[-1]["region"] == "RU-TA"
    assert all(r["uid"] in set(original(synthetic_ledger)["uid"]) for r in explained["records"])
    behind = a.channels.records_behind("RU-MOW", "DE", n=3)
    assert len(behind) <= 3 and set(behind["region"]) <= {"RU-MOW"}
    result = a.scenario("DE", 1)
    assert result.capacity["records"].str.len().gt(0).any()


def test_a_ledger_and_its_records_give_the_same_assessment(synthetic_ledger: Store) -> None:
    from paradiplomacy.assess.assessment import Assessment
    from paradiplomacy.ledger.events import query_events

    from_ledger = Assessment.from_store(synthetic_ledger, runs=50)
    s = synthetic_ledger
    in_memory = Assessment.build(
        s.records(), s.statistics(), s.regions, s.partners, s.taxonomy, runs=50,
        events=query_events(s),
    )  # fmt: skip
    pd.testing.assert_frame_equal(
        from_ledger.regions_table(), in_memory.regions_table(), check_exact=False, rtol=1e-12
    )
    np.testing.assert_allclose(from_ledger.channels.evidence, in_memory.channels.evidence,
                               rtol=1e-12, atol=1e-15)  # fmt: skip
    pd.testing.assert_frame_equal(from_ledger.resilience, in_memory.resilience)
    replayed, rho = from_ledger.replay("replay_fi_2022")  # the cubes of two dates
    expected, expected_rho = in_memory.replay("replay_fi_2022")
    pd.testing.assert_frame_equal(replayed, expected, check_exact=False, rtol=1e-12)
    assert rho == pytest.approx(expected_rho, nan_ok=True)
    for partner in ("DE", "CN"):
        a = from_ledger.channels.records_behind(partner=partner, n=10)
        b = in_memory.channels.records_behind(partner=partner, n=10)
        assert list(a["uid"]) == list(b["uid"])
        pd.testing.assert_frame_equal(
            from_ledger.scenario(partner, 2).capacity, in_memory.scenario(partner, 2).capacity
        )


def test_aggregates_on_postgres(postgres_url: str) -> None:
    from paradiplomacy.synthetic import fill

    store = Store(postgres_url)
    store.reset()
    try:
        fill(store, seed=3, target_records=3000)
        records = store.records()
        _assert_same_cube(record_cube(store, SPEC), cube_from_records(records, SPEC))
        got = channel_records(store, SPEC, partner="DE")
        want = frame_channel_records(records, SPEC, partner="DE")
        assert len(got) > 0 and list(got["uid"]) == list(want["uid"])
        np.testing.assert_allclose(got["weight"], want["weight"], rtol=1e-12)
    finally:
        store.close()


def test_the_records_behind_an_explanation_are_those_of_its_indicators(
    synthetic_ledger: Store,
) -> None:
    from paradiplomacy.assess.assessment import Assessment
    from paradiplomacy.indicators.definitions import LedgerIndicator, instrument_ids

    a = Assessment.from_store(synthetic_ledger, runs=50)
    definitions = {ind.code: ind for ind in a.configs["catalogue"].indicators}
    for code in ("RU-TA", "RU-KGD", "RU-PRI"):
        e = a.explain(code)
        cited = [definitions[i["indicator"]] for i in e["indicators"]]
        allowed = {
            inst
            for ind in cited
            if isinstance(ind, LedgerIndicator)
            for inst in instrument_ids(ind, a.taxonomy)
        }
        assert e["records"], code
        assert {r["instrument"] for r in e["records"]} <= allowed, code
        for r in e["records"]:
            assert any(
                isinstance(ind, LedgerIndicator)
                and r["instrument"] in instrument_ids(ind, a.taxonomy)
                and (ind.first_year(a.year) or 0) <= r["year"] <= a.year
                and r["status"] not in ind.exclude_statuses
                for ind in cited
            ), (code, r)
