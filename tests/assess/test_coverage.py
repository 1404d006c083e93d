"""Coverage and screening (docs/coverage.md): hierarchies, reasons, region coverage, and the
equivalence of dropping indicators with COINr's re-normalising arithmetic mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.assess.coverage import (
    Screening,
    index_coverage,
    instrument_coverage,
    leaf_weights,
    reduce_hierarchy,
)
from paradiplomacy.assess.indices import load_default_configs
from paradiplomacy.composite.aggregate import aggregate
from paradiplomacy.composite.coin import build
from paradiplomacy.composite.framework import framework_from_yaml
from paradiplomacy.composite.pipeline import load_pipeline
from paradiplomacy.indicators.definitions import Catalogue
from paradiplomacy.ledger.taxonomy import Taxonomy

TOY = Path(__file__).parents[1] / "composite" / "toy"
ASEM = Path("/work/shared/data/coinr-asem")

HIERARCHY: dict[str, Any] = {
    "level_names": ["Indicator", "Pillar", "Index"],
    "index": [
        {
            "code": "Idx",
            "children": [
                {
                    "code": "A",
                    "weight": 2,
                    "children": [{"code": "a1"}, {"code": "a2", "weight": 3}],
                },
                {"code": "B", "weight": 1, "children": [{"code": "b1"}]},
                {"code": "C", "weight": 1, "children": [{"code": "c1"}, {"code": "c2"}]},
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


@pytest.fixture(scope="module")
def catalogue(taxonomy) -> Catalogue:
    return Catalogue.load(taxonomy=taxonomy)


def test_leaf_weights_are_products_of_normalised_weights():
    w = leaf_weights(HIERARCHY)
    assert list(w.index) == ["a1", "a2", "b1", "c1", "c2"]
    np.testing.assert_allclose(w.to_numpy(), [0.5 * 0.25, 0.5 * 0.75, 0.25, 0.125, 0.125])
    assert w.sum() == pytest.approx(1.0)


def test_reduce_drops_empty_pillars_and_renormalises():
    reduced, dropped = reduce_hierarchy(HIERARCHY, {"a2", "c1", "c2"})
    assert dropped == ["B"]
    top = reduced["index"][0]
    assert [k["code"] for k in top["children"]] == ["A", "C"]
    np.testing.assert_allclose([k["weight"] for k in top["children"]], [2 / 3, 1 / 3])
    assert [k["code"] for k in top["children"][0]["children"]] == ["a2"]
    assert top["children"][0]["children"][0]["weight"] == pytest.approx(1.0)
    w = leaf_weights(reduced)
    assert w.sum() == pytest.approx(1.0)
    # the input is not changed
    assert [k["code"] for k in HIERARCHY["index"][0]["children"]] == ["A", "B", "C"]


def test_reduce_to_nothing_keeps_an_empty_top():
    reduced, dropped = reduce_hierarchy(HIERARCHY, set())
    assert dropped == ["A", "B", "C"]
    assert reduced["index"][0]["children"] == []


def test_statistic_declared_for_an_instrument_covers_it(catalogue, taxonomy):
    cov = instrument_coverage(
        {"twinning": 3}, {"trade_turnover", "population"}, catalogue, taxonomy
    )
    assert cov.loc["twinning", "covered"] and cov.loc["twinning", "records"] == 3
    assert cov.loc["trade", "covered"] and cov.loc["trade", "statistics"] == "trade_turnover"
    assert not cov.loc["agreement", "covered"]
    assert list(cov.index) == list(taxonomy.instruments)


def _values(codes: list[str], n: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    regions = [f"R{i}" for i in range(n)]
    return pd.DataFrame(rng.random((n, len(codes))), index=regions, columns=codes)


def test_reasons_for_leaving_out(catalogue, taxonomy):
    config = load_default_configs(catalogue)["IAI"]
    leaves = config.indicators
    values = _values(leaves)
    values["eco_trade_pc"] = np.nan  # statistic present for too few regions
    values.loc[["R0", "R1", "R2", "R3"], "eco_trade_pc"] = 1.0 + np.arange(4)
    values["hum_diaspora"] = 0.0  # covered instrument, but every region 0
    counts = {i: 1 for i in taxonomy.instruments if i != "agreement"}
    instruments = instrument_coverage(counts, {"trade_turnover"}, catalogue, taxonomy)
    cov = index_coverage(
        "IAI", config.hierarchy, values, catalogue, taxonomy, instruments, {"trade_turnover"}, False
    )
    table = cov.indicators.set_index("code")
    assert table.loc["pol_agreements", "reason"].startswith("instrument not covered")
    assert "data availability 0.40 below the threshold 0.67" in table.loc["eco_trade_pc", "reason"]
    assert table.loc["hum_diaspora", "reason"] == "no variation: every region with a value has 0"
    assert table.loc["pol_visits", "used"] and table.loc["pol_visits", "reason"] == ""
    # weights of the used indicators sum to 1 within each parent
    for pillar in cov.hierarchy["index"][0]["children"]:
        assert sum(k["weight"] for k in pillar["children"]) == pytest.approx(1.0)
    used_weight = table.loc[table["used"], "weight_full"].sum()
    assert cov.weight_used == pytest.approx(used_weight)
    # a region's coverage: the full-model weight of used indicators it has a value for
    expected_r0 = used_weight  # R0 has a value everywhere
    expected_r9 = used_weight  # eco_trade_pc is left out, so R9's gap there costs nothing
    assert cov.regions["R0"] == pytest.approx(expected_r0)
    assert cov.regions["R9"] == pytest.approx(expected_r9)
    # a lower threshold keeps the statistic; then R9's missing value lowers its coverage
    low = index_coverage(
        "IAI",
        config.hierarchy,
        values,
        catalogue,
        taxonomy,
        instruments,
        {"trade_turnover"},
        False,
        Screening(min_availability=0.3),
    )
    w_trade = table.loc["eco_trade_pc", "weight_full"]
    assert low.regions["R0"] == pytest.approx(used_weight + w_trade)
    assert low.regions["R9"] == pytest.approx(used_weight)


def test_missing_statistic_is_not_zero(catalogue, taxonomy):
    config = load_default_configs(catalogue)["IAI"]
    values = _values(config.indicators)
    values["eco_trade_pc"] = np.nan
    instruments = instrument_coverage({"trade": 5}, set(), catalogue, taxonomy)
    cov = index_coverage(
        "IAI", config.hierarchy, values, catalogue, taxonomy, instruments, set(), False
    )
    row = cov.indicators.set_index("code").loc["eco_trade_pc"]
    assert not row["used"] and row["reason"] == "no data of the statistic 'trade_turnover'"
    assert cov.indicators.set_index("code").loc["eco_trade_partners", "used"]


# --- dropping indicators is COINr's a_amean over the non-missing children ----------------------


def _hierarchy_from_imeta(imeta: pd.DataFrame, level_names: list[str]) -> dict[str, Any]:
    nodes = imeta[imeta["Type"].isin(["Indicator", "Aggregate"])]
    children: dict[str, list[str]] = {}
    for row in nodes.itertuples():
        if isinstance(row.Parent, str):
            children.setdefault(row.Parent, []).append(row.iCode)
    meta = nodes.set_index("iCode")

    def node(code: str) -> dict[str, Any]:
        row = meta.loc[code]
        out: dict[str, Any] = {"code": code, "weight": float(row["Weight"])}
        if row["Type"] == "Indicator":
            out["direction"] = int(row["Direction"])
            if isinstance(row.get("Denominator"), str):
                out["denominator"] = row["Denominator"]
            return out
        out["children"] = [node(c) for c in children[code]]
        return out

    top = nodes.loc[nodes["Parent"].isna(), "iCode"].tolist()
    units = [
        {"code": r.iCode, "type": r.Type}
        for r in imeta[imeta["Type"].isin(["Group", "Denominator"])].itertuples()
    ]
    return {"level_names": level_names, "index": [node(c) for c in top], "unit_columns": units}


def _dropping_equals_missing(idata: pd.DataFrame, hierarchy: dict, pipeline, drop: list[str]):
    """Build the reduced hierarchy, and beside it the full one whose normalised values of
    ``drop`` are missing, aggregated by COINr's ``a_amean`` (which re-normalises weights over a
    unit's non-missing children). Every step before aggregation treats columns one by one, so
    the other columns' normalised values are the same in both."""
    keep = [leaf for leaf in leaf_weights(hierarchy).index if leaf not in drop]
    reduced, dropped = reduce_hierarchy(hierarchy, keep)
    full = framework_from_yaml(hierarchy, idata)
    normalised = build(full, pipeline).stage("Normalised")
    missing = normalised.assign(**{c: np.nan for c in drop})
    with_missing = aggregate(missing[full.indicators], full)
    coin_dropped = build(framework_from_yaml(reduced, idata.drop(columns=drop)), pipeline)
    top = hierarchy["index"][0]["code"]
    a = with_missing[top]
    b = coin_dropped.scores(top).reindex(a.index)
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-12, atol=1e-12)
    assert np.isfinite(b.to_numpy()).all()
    return dropped


def test_dropping_equals_coinr_renormalisation_on_the_toy():
    idata = pd.read_csv(TOY / "iData.csv")
    imeta = pd.read_csv(TOY / "iMeta.csv")
    levels = int(imeta["Level"].max())
    hierarchy = _hierarchy_from_imeta(imeta, [f"Level_{i}" for i in range(1, levels + 1)])
    pipeline = load_pipeline(TOY / "pipeline.yaml")
    leaves = list(leaf_weights(hierarchy).index)
    # i5 and i6 are all of pillar P3, the only pillar of sub-index S2: both go
    dropped = _dropping_equals_missing(idata, hierarchy, pipeline, ["i5", "i6"])
    assert dropped == ["P3", "S2"]
    assert _dropping_equals_missing(idata, hierarchy, pipeline, ["i1"]) == []
    assert leaves == ["i1", "i2", "i3", "i4", "i5", "i6"]


@pytest.mark.skipif(not (ASEM / "iData.csv").exists(), reason="ASEM example data not available")
def test_dropping_equals_coinr_renormalisation_on_asem():
    """COINr's ASEM example (COMPOSITE-METHODS.md section 13) with the Political pillar's
    indicators and one Social indicator removed: the reduced hierarchy (pillar dropped, weights
    renormalised) gives the same index as COINr's pipeline on the full hierarchy with those
    columns missing, where ``a_amean`` re-normalises the weights over the non-missing children."""
    idata = pd.read_csv(ASEM / "iData.csv")
    imeta = pd.read_csv(ASEM / "iMeta.csv")
    hierarchy = _hierarchy_from_imeta(imeta, ["Indicator", "Pillar", "Sub-index", "Index"])
    pipeline = load_pipeline(Path(__file__).parents[2] / "examples" / "coinr" / "pipeline.yaml")
    political = imeta.loc[imeta["Parent"] == "Political", "iCode"].tolist()
    social = imeta.loc[imeta["Parent"] == "Social", "iCode"].tolist()
    dropped = _dropping_equals_missing(idata, hierarchy, pipeline, [*political, social[0]])
    assert dropped == ["Political"]
