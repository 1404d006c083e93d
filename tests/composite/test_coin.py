"""The coin: a whole build on the toy index, worked by hand, and its rebuild, results and export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from paradiplomacy.composite.coin import STAGE_ORDER, build
from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.framework import load_framework
from paradiplomacy.composite.pipeline import load_pipeline
from paradiplomacy.composite.removal import leave_one_out

TOY = Path(__file__).parent / "toy"


@pytest.fixture(scope="module")
def coin():
    fw = load_framework(TOY / "iData.csv", TOY / "iMeta.csv")
    return build(fw, load_pipeline(TOY / "pipeline.yaml"))


def test_every_stage_is_kept_in_order(coin):
    assert list(coin.stages) == list(STAGE_ORDER)
    assert [e.step for e in coin.log] == [
        "denominate", "impute", "screen", "treat", "normalise", "aggregate",
    ]  # fmt: skip
    assert coin.log[0].read == "Raw" and coin.log[0].wrote == "Denominated"


def test_stages_by_hand(coin):
    den = coin.stage("Denominated")
    # i1 is denominated by Population: UC 6 / 4 = 1.5; i2 is not.
    assert den.loc["UC", "i1"] == 1.5
    assert den.loc["UC", "i2"] == 30
    imp = coin.stage("Imputed")
    # UB's i2 is missing; its group "north" has only UA (10), so the group mean is 10.
    assert imp.loc["UB", "i2"] == 10
    # UD's i5 is missing; "south" has UC 2.5 and UE 3.5, so 3.0.
    assert imp.loc["UD", "i5"] == 3.0
    assert coin.details["impute"]["n_imputed"] == 2
    norm = coin.stage("Normalised")
    # i4 has direction -1: after flipping, the smallest raw value (UA: 1) scores 100.
    assert norm.loc["UA", "i4"] == 100.0
    assert norm.loc["UE", "i3"] == 100.0 and norm.loc["UA", "i3"] == 0.0
    agg = coin.aggregated
    # P2 for UA: i3 = 0 (lowest of 10..50), i4 = 100, so (0 + 100)/2 = 50.
    assert agg.loc["UA", "P2"] == 50.0
    # Index = (2*S1 + S2)/3 with S1 = mean(P1, P2) and S2 = P3.
    expected = (2 * (agg["P1"] + agg["P2"]) / 2 + agg["P3"]) / 3
    np.testing.assert_allclose(agg["Index"], expected, rtol=1e-13)


def test_results_table(coin):
    res = coin.results()
    assert list(res.columns[:8]) == ["uCode", "Rank", "Index", "S1", "S2", "P1", "P2", "P3"]
    assert list(res.columns[8:]) == ["i1", "i2", "i3", "i4", "i5", "i6"]
    assert list(res["Rank"]) == sorted(res["Rank"])
    assert res["Index"].is_monotonic_decreasing
    # Rounded to 2 decimals, R style.
    assert all(round(v, 2) == v for v in res["Index"])
    ranks = coin.results(use="ranks")
    assert set(ranks["i1"]) <= {1.0, 2.0, 3.0, 4.0, 5.0}


def test_rebuild_changes_one_step_and_keeps_the_original(coin):
    geo = coin.rebuild({"normalise": {"range": [1, 100]}})
    geo = geo.rebuild({"aggregate": {"method": "geometric"}})
    assert geo.pipeline.steps[-1].raw == {"method": "geometric"}
    assert coin.pipeline.steps[-1].raw == {"method": "arithmetic"}
    assert not np.allclose(geo.scores(), coin.scores())
    whole = coin.rebuild({"normalise": {"method": "rank"}}, replace_whole=True)
    assert whole.pipeline.steps[4].raw == {"method": "rank"}
    # Denominated i1 = 2, 2, 1.5, 1.6, 1 (UA..UE): the tie shares the lower rank ("min").
    assert list(whole.stage("Normalised")["i1"]) == [4.0, 4.0, 2.0, 3.0, 1.0]


def test_build_is_deterministic(coin):
    again = build(coin.framework, coin.pipeline)
    for name in coin.stages:
        pd.testing.assert_frame_equal(again.stages[name], coin.stages[name])


def test_export_csv_and_xlsx(coin, tmp_path):
    paths = coin.export(tmp_path / "csv")
    names = {p.name for p in paths}
    assert {f"stage_{s}.csv" for s in STAGE_ORDER} <= names
    assert {"results.csv", "results_ranks.csv", "weights.csv", "treatment.csv", "log.csv"} <= names
    weights = pd.read_csv(tmp_path / "csv" / "weights.csv").set_index("iCode")
    # Effective weights: S1 has 2/3 of the index, P1 half of S1, i1 2/3 of P1 -> 2/9.
    assert weights.loc["i1", "EffectiveWeight"] == pytest.approx(2 / 9, rel=1e-12)
    assert weights.loc["P3", "EffectiveWeight"] == pytest.approx(1 / 3, rel=1e-12)
    raw = pd.read_csv(tmp_path / "csv" / "stage_Raw.csv")
    assert list(raw.columns) == ["uCode", "i1", "i2", "i3", "i4", "i5", "i6"]
    back = pd.read_csv(tmp_path / "csv" / "stage_Aggregated.csv", index_col="uCode")
    np.testing.assert_array_equal(back.to_numpy(), coin.aggregated.to_numpy())
    (xlsx,) = coin.export(tmp_path / "xlsx", "xlsx")
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert "stage_Normalised" in book.sheetnames and "results" in book.sheetnames
    with pytest.raises(CompositeError, match="format"):
        coin.export(tmp_path, "pdf")


def test_weights_steps(coin):
    equal = coin.rebuild(
        pipeline=load_pipeline(
            [*coin.pipeline.to_list()[:-1], {"weights": {"method": "equal"}}, {"aggregate": {}}]
        )
    )
    assert equal.weights["i1"] == 1.0 and equal.weights["S1"] == 1.0
    # Equal weights: Index = (S1 + S2)/2.
    agg = equal.aggregated
    np.testing.assert_allclose(agg["Index"], (agg["S1"] + agg["S2"]) / 2, rtol=1e-13)
    pca = coin.rebuild(
        pipeline=load_pipeline(
            [
                *coin.pipeline.to_list()[:-1],
                {"weights": {"method": "pca", "level": 1}},
                {"aggregate": {}},
            ]
        )
    )
    assert pca.details["weights"]["method"] == "pca"
    assert abs(pca.weights["i1"]) != 2.0


def test_leave_one_out(coin):
    table = leave_one_out(coin, level=2)
    # P3 is S2's only child, so it cannot be removed by weight; P1 and P2 can.
    assert list(table["Removed"]) == ["P1", "P2"]
    assert (table["MeanAbsRankChange"] >= 0).all()
    indicators = leave_one_out(coin, level=1)
    assert len(indicators) == 6


def test_pipeline_errors():
    with pytest.raises(CompositeError, match="unknown step 'normalize'"):
        load_pipeline([{"normalize": {}}])
    with pytest.raises(CompositeError, match="winmax: Input should be a valid integer"):
        load_pipeline([{"treat": {"winmax": "five"}}])
    with pytest.raises(CompositeError, match="Extra inputs are not permitted"):
        load_pipeline([{"screen": {"threshhold": 0.5}}])
    with pytest.raises(CompositeError, match="'aggregate' must be the last step"):
        load_pipeline([{"aggregate": {}}, {"normalise": {}}])
    with pytest.raises(CompositeError, match="appears 2 times"):
        load_pipeline([{"treat": {}}, {"treat": {}}])
    with pytest.raises(CompositeError, match="expected a mapping with a 'steps' list"):
        load_pipeline({"stages": []})


def test_step_errors_name_the_problem(coin):
    with pytest.raises(CompositeError, match="no unit column 'Nope'"):
        coin.rebuild({"impute": {"method": "mean_group", "group": "Nope"}})
    with pytest.raises(CompositeError, match="dset: expected one of"):
        coin.rebuild({"normalise": {"dset": "Cooked"}})
