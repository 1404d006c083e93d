"""The assessment on sparse evidence (issue 11): any subset of the ledger gives a result with its
coverage, never a traceback; missing is not zero; the coverage grows with the ledger."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.assess.coverage import leaf_weights
from paradiplomacy.cli import app
from paradiplomacy.ledger.importer import import_frame
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill

RUNS = 12
runner = CliRunner()


@pytest.fixture(scope="module")
def full_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sparse") / "full.sqlite"
    shutil.copy(template_db, path)
    store = Store(f"sqlite:///{path}")
    fill(store, seed=11, target_records=5000)
    store.close()
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def ledger_frames(full_db):
    store = Store(full_db)
    return store, store.records(), store.statistics()


def _build(ledger_frames, records, statistics=None, **kwargs) -> Assessment:
    store, _, _ = ledger_frames
    kwargs.setdefault("runs", RUNS)
    return Assessment.build(
        records, statistics, store.regions, store.partners, store.taxonomy, **kwargs
    )


def _check_usable(a: Assessment, partner: str = "DE") -> None:
    """Everything a user asks of an assessment answers, with its coverage."""
    table = a.regions_table()
    assert len(table) == len(a.regions)
    assert table["coverage"].between(0, 1).all()
    assert set(table["evidence"]) <= {"sufficient", "insufficient"}
    insufficient = table["evidence"] == "insufficient"
    assert (table.loc[insufficient, "level_name"] == "Insufficient evidence").all()
    assert table.loc[insufficient, "level"].isna().all()
    out = a.to_dict()
    json.dumps(out, allow_nan=False, default=str)  # strict JSON
    assert out["coverage"]["summary"] == a.coverage.label()
    result = a.scenario(partner, 2)
    assert {"channels_without_evidence", "coverage", "instruments_not_covered"} <= set(
        result.summary
    )
    assert np.isfinite(result.capacity["capacity"]).all()
    a.partner_view(partner)
    a.region_view(table["code"].iloc[0])
    a.explain(table["code"].iloc[0])
    a.indicator_provenance()


CASES = {
    "one instrument, no statistics": lambda r, s: (r[r["instrument"] == "twinning"], None),
    "one region": lambda r, s: (r[r["region"] == "RU-TA"], s),
    "one year": lambda r, s: (r[r["year"] == r["year"].max() - 1], s),
    "one partner": lambda r, s: (r[r["partner_country"] == "CN"], s),
    "a region without statistics": lambda r, s: (r, s[s["region"] != "RU-TA"]),
    "a covered instrument with a single record": lambda r, s: (
        pd.concat([r[r["instrument"] != "agreement"], r[r["instrument"] == "agreement"].head(1)]),
        s,
    ),
    "one record": lambda r, s: (r.head(1), None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_subset_gives_a_result_with_its_coverage(ledger_frames, case):
    _, records, statistics = ledger_frames
    recs, stats = CASES[case](records, statistics)
    a = _build(ledger_frames, recs, stats)
    _check_usable(a)


def test_statistics_for_a_year_without_records(ledger_frames):
    _, records, statistics = ledger_frames
    old = records[records["year"] <= 2015]
    a = _build(ledger_frames, old, statistics, year=2024)
    _check_usable(a)
    left = {d["code"]: d["reason"] for d in a.coverage.to_dict()["indices"]["IAI"][
        "indicators_left_out"
    ]}  # fmt: skip
    # records of 2015 are outside the 3-year window of 2024: every region has 0 there
    assert left["pol_agreements"].startswith("no variation")


def test_one_instrument_leaves_out_the_rest_with_reasons(ledger_frames):
    _, records, _ = ledger_frames
    a = _build(ledger_frames, records[records["instrument"] == "twinning"], None)
    cov = a.coverage
    assert cov.covered == ["twinning"]
    assert len(cov.not_covered) == len(a.taxonomy.instruments) - 1
    iai = cov.indices["IAI"]
    assert iai.used == ["hum_twinning"]
    assert set(iai.dropped_aggregates) == {"IAI_Pol", "IAI_Eco", "IAI_Edu", "IAI_Img"}
    reasons = iai.indicators.set_index("code")["reason"]
    assert reasons["pol_agreements"] == "instrument not covered: no records of agreement"
    assert reasons["eco_trade_pc"] == "no data of the statistic 'trade_turnover'"
    # the IAI rests on one of four humanitarian indicators: 1/5 * 1/4 of the model
    table = a.regions_table()
    np.testing.assert_allclose(table["coverage"], 0.05)
    assert (table["evidence"] == "insufficient").all()
    assert "1 of 19 instruments covered" in a.data_label()
    assert a.data_label().startswith("synthetic data")
    # channels: only humanitarian (twinning) and the structural ties have evidence
    view = a.partner_view("CN")
    assert view["political"].isna().all() and view["education"].isna().all()
    assert "political" in view.attrs["no_evidence"]
    assert view["humanitarian"].notna().all()
    summary = a.scenario("CN", 3).summary
    assert "political" in summary["channels_without_evidence"]
    assert summary["framework_terms_without_evidence"] == ["iai_political"]


def test_full_ledger_is_complete_and_unscreened(ledger_frames):
    _, records, statistics = ledger_frames
    a = _build(ledger_frames, records, statistics)
    assert a.coverage.complete, a.coverage.to_dict()
    assert a.coverage.label() == "19 of 19 instruments covered"
    np.testing.assert_allclose(a.regions_table()["coverage"], 1.0)
    assert a.configs["built_indices"]["IAI"] is a.configs["indices"]["IAI"]


def test_min_coverage_is_configurable(ledger_frames, tmp_path):
    _, records, _ = ledger_frames
    text = (
        Path(__file__).parents[2] / "src/paradiplomacy/data/assess/classification.yaml"
    ).read_text()
    (tmp_path / "assess").mkdir()
    (tmp_path / "assess" / "classification.yaml").write_text(
        text.replace("min_coverage: 0.5", "min_coverage: 0.01")
    )
    a = _build(
        ledger_frames, records[records["instrument"] == "twinning"], None, config_dir=tmp_path
    )
    table = a.regions_table()
    assert (table["evidence"] == "sufficient").all()
    assert table["level"].notna().all()


# --- properties ---------------------------------------------------------------------------------


def _parents_sum_to_one(hierarchy: dict) -> None:
    def walk(node):
        kids = node.get("children") or []
        if kids:
            assert sum(k["weight"] for k in kids) == pytest.approx(1.0)
            for k in kids:
                walk(k)

    for top in hierarchy["index"]:
        if top.get("children"):
            walk(top)


@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a build takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_subsets_never_raise_and_coverage_is_monotone(ledger_frames, data):
    _, records, statistics = ledger_frames
    instruments = sorted(records["instrument"].unique())
    chosen = data.draw(st.lists(st.sampled_from(instruments), min_size=1, unique=True))
    regions = sorted(records["region"].unique())
    some_regions = data.draw(st.lists(st.sampled_from(regions), min_size=1, unique=True))
    all_regions = data.draw(st.booleans())
    years = sorted(records["year"].unique())
    first = data.draw(st.sampled_from(years))
    with_stats = data.draw(st.booleans())
    keep = records["instrument"].isin(chosen) & (records["year"] >= first)
    if not all_regions:
        keep &= records["region"].isin(some_regions)
    subset = records[keep]
    if subset.empty:
        subset = records[records["instrument"].isin(chosen)].head(1)
    stats = statistics if with_stats else None
    a = _build(ledger_frames, subset, stats, runs=5)
    _check_usable(a)
    for cov in a.coverage.indices.values():
        _parents_sum_to_one(cov.hierarchy)
        assert leaf_weights(cov.hierarchy).sum() == pytest.approx(1.0) or not cov.used
        assert 0.0 <= cov.weight_used <= 1.0 + 1e-12
    # dropping an instrument never raises the coverage of the same assessment year (without
    # the year, dropping the latest year's only instrument moves the year, and with it every
    # window, so the two coverages would not measure the same thing)
    dropped = data.draw(st.sampled_from(chosen))
    rest = subset[subset["instrument"] != dropped]
    if len(rest):  # an empty ledger is refused before any assessment (see the CLI test)
        fewer = _build(ledger_frames, rest, stats, runs=5, year=a.year)
        for code in ("IAI", "SPPI"):
            before = a.coverage.indices[code].regions
            after = fewer.coverage.indices[code].regions
            assert (after <= before + 1e-12).all(), (code, dropped)


# --- a user grows the real ledger ------------------------------------------------------------


def test_importing_more_evidence_raises_coverage_and_changes_results(
    template_db, tmp_path, ledger_frames
):
    _, records, _ = ledger_frames
    path = tmp_path / "grow.sqlite"
    shutil.copy(template_db, path)
    store = Store(f"sqlite:///{path}")
    columns = ["region", "partner_country", "partner_name", "instrument", "date", "year",
               "status", "magnitude", "unit", "source", "confidence", "note"]  # fmt: skip
    twinning = records.loc[records["instrument"] == "twinning", columns]
    import_frame(store, twinning, "records", name="twinning.csv")
    before = Assessment.from_store(store, runs=RUNS)
    visits = records.loc[records["instrument"].isin(["official_visit", "agreement"]), columns]
    import_frame(store, visits, "records", name="visits.csv")
    after = Assessment.from_store(store, runs=RUNS)
    assert len(after.coverage.covered) == len(before.coverage.covered) + 2
    b, c = before.regions_table().set_index("code"), after.regions_table().set_index("code")
    assert (c["coverage"] > b["coverage"].reindex(c.index)).all()
    assert not np.allclose(b["iai"].reindex(c.index), c["iai"])
    assert "IAI_Pol" in before.coverage.indices["IAI"].dropped_aggregates
    assert "IAI_Pol" not in after.coverage.indices["IAI"].dropped_aggregates
    assert "political" in before.scenario("DE", 1).summary["channels_without_evidence"]
    assert "political" not in after.scenario("DE", 1).summary["channels_without_evidence"]
    store.close()


# --- the command line -------------------------------------------------------------------------


def test_empty_ledger_says_there_is_nothing_to_assess(template_db, tmp_path):
    path = tmp_path / "empty.sqlite"
    shutil.copy(template_db, path)
    for args in (
        ["assess", "--out", str(tmp_path / "a")],
        ["scenario", "--partner", "DE", "--level", "2", "--out", str(tmp_path / "s")],
        ["channels", "--partner", "DE"],
        ["report", "--out", str(tmp_path / "r.html")],
        ["export", "assessment", "--to", str(tmp_path / "x.xlsx")],
        ["serve", "--port", "1"],
    ):
        result = runner.invoke(app, [*args, "--db", f"sqlite:///{path}"])
        assert result.exit_code == 2, (args, result.output)
        assert "nothing to assess yet" in result.output
        assert "Traceback" not in result.output


def test_cli_on_one_instrument(template_db, tmp_path, ledger_frames):
    _, records, _ = ledger_frames
    path = tmp_path / "one.sqlite"
    shutil.copy(template_db, path)
    store = Store(f"sqlite:///{path}")
    columns = ["region", "partner_country", "instrument", "year", "source", "confidence"]
    import_frame(store, records.loc[records["instrument"] == "twinning", columns], "records")
    store.close()
    db = ["--db", f"sqlite:///{path}", "--runs", "5"]
    result = runner.invoke(app, ["assess", "--out", str(tmp_path / "a"), *db])
    assert result.exit_code == 0, result.output
    assert "1 of 19 instruments covered" in result.output
    regions = pd.read_csv(tmp_path / "a" / "regions.csv")
    assert {"coverage", "evidence"} <= set(regions.columns)
    assessment = json.loads((tmp_path / "a" / "assessment.json").read_text(encoding="utf-8"))
    assert assessment["coverage"]["instruments_covered"][0]["instrument"] == "twinning"
    result = runner.invoke(
        app, ["scenario", "--partner", "CN", "--level", "3", "--out", str(tmp_path / "s"), *db]
    )
    assert result.exit_code == 0, result.output
    assert "channels without evidence toward CN" in result.output
    result = runner.invoke(app, ["channels", "--partner", "CN", *db[:2]])
    assert result.exit_code == 0, result.output
    assert "no evidence on: political" in " ".join(result.output.split())
