"""The two index configurations: validation, and both indices built on synthetic demo data."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

from paradiplomacy.assess.indices import (
    IndexConfigError,
    analyse_index,
    build_index,
    index_config_from_mapping,
    load_default_configs,
    load_index_config,
)
from paradiplomacy.indicators.compute import compute_indicators, denominators, indicator_tables
from paradiplomacy.indicators.definitions import Catalogue
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry.partners import PartnerRegistry
from paradiplomacy.registry.regions import RegionRegistry
from paradiplomacy.resources import data_path, load_yaml
from paradiplomacy.synthetic import generate

YEAR = 2021


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load()


@pytest.fixture(scope="module")
def configs(catalogue):
    return load_default_configs(catalogue)


def test_default_configs(configs, catalogue):
    assert set(configs) == {"IAI", "SPPI"}
    iai, sppi = configs["IAI"], configs["SPPI"]
    assert iai.name == "International Activity Index"
    assert sppi.name == "Soft Power Potential Index"
    # Disjoint indicator sets, so that one iMeta table describes both indices.
    assert not set(iai.indicators) & set(sppi.indicators)
    assert all(code in catalogue for code in iai.indicators + sppi.indicators)
    for config in configs.values():
        assert (config.runs, config.seed) == (1000, 1)
        assert config.hierarchy["level_names"] == ["Indicator", "Pillar", "Index"]
        pillars = config.hierarchy["index"][0]["children"]
        assert all(2 <= len(p["children"]) <= 5 for p in pillars)
        assert [s.name for s in config.pipeline_steps.steps][-1] == "aggregate"
        assert set(config.spec.assumptions) == {
            "winmax",
            "transformation",
            "weights",
            "aggregation",
        }
    assert len(configs["IAI"].hierarchy["index"][0]["children"]) == 5
    assert len(configs["SPPI"].hierarchy["index"][0]["children"]) == 6
    # A leaf's name comes from its definition.
    leaf = configs["IAI"].resolved_hierarchy["index"][0]["children"][0]["children"][0]
    assert leaf["name"] == catalogue[leaf["code"]].name_en
    assert load_index_config("IAI").code == "IAI"  # names are case-insensitive


def _raw(name: str = "iai") -> dict:
    return copy.deepcopy(load_yaml(data_path("indices", f"{name}.yaml")))


def _error(data: dict) -> str:
    with pytest.raises(IndexConfigError) as info:
        index_config_from_mapping(data, "my.yaml")
    return str(info.value)


def test_config_errors_name_file_and_key():
    data = _raw()
    data["hierarchy"]["index"][0]["children"][0]["children"][1]["code"] = "pol_visit"
    assert (
        "my.yaml: hierarchy: index[0].children[0].children[1].code: expected an indicator of"
        in _error(data)
    )
    data = _raw()
    data["code"] = "XAI"
    assert "my.yaml: hierarchy.index[0].code: expected the index code 'XAI', got 'IAI'" in (
        _error(data)
    )
    data = _raw()
    data["uncertainty"]["assumptions"]["winmax"]["step"] = "screen"
    assert "my.yaml: uncertainty.assumptions.winmax.step: expected a step of the pipeline" in (
        _error(data)
    )
    data = _raw()
    data["pipeline"]["steps"].append({"normalise_twice": {}})
    assert "my.yaml: pipeline: invalid pipeline" in _error(data)
    data = _raw()
    data["runs"] = 0
    assert "my.yaml: runs: Input should be greater than or equal to 1" in _error(data)
    data = _raw()
    data["seeds"] = 3
    assert "my.yaml: seeds: Extra inputs are not permitted" in _error(data)
    data = _raw()
    data["hierarchy"]["index"][0]["children"][0]["children"] = []  # a pillar with no indicator
    assert "my.yaml: hierarchy:" in _error(data)


def test_config_from_a_file(tmp_path: Path):
    file = tmp_path / "mine.yaml"
    data = _raw("sppi")
    data["runs"] = 10
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = load_index_config(file)
    assert config.runs == 10 and config.source == str(file)
    with pytest.raises(IndexConfigError, match="cannot read the index configuration"):
        load_index_config(tmp_path / "absent.yaml")


@pytest.fixture(scope="module")
def demo_tables(catalogue, configs):
    """A small synthetic ledger (invented data) and its iData/iMeta tables for 2021."""
    regions, partners, taxonomy = RegionRegistry.load(), PartnerRegistry.load(), Taxonomy.load()
    ledger = generate(regions, partners, taxonomy, seed=7, target_records=8000)
    frame = regions.to_frame("study-2021")
    values = compute_indicators(
        ledger.records, ledger.statistics, frame, partners.to_frame(), taxonomy, YEAR, catalogue
    )
    dens = denominators(ledger.statistics, frame, YEAR)
    hierarchies = [c.hierarchy for c in configs.values()]
    return values, indicator_tables(values, frame, catalogue, hierarchies, dens)


def test_both_indices_build_on_synthetic_data(configs, demo_tables):
    values, (idata, imeta) = demo_tables
    assert values.attrs["data_origin"] == "synthetic"
    assert len(idata) == 85
    assert set(imeta.loc[imeta["Type"] == "Aggregate", "iCode"]) >= {"IAI", "SPPI"}
    for code, config in configs.items():
        coin = build_index(config, idata)
        scores = coin.scores(code)
        assert len(scores) == 85 and scores.notna().all()
        assert scores.between(1, 100).all()  # min-max [1, 100], arithmetic means
        assert set(coin.framework.units["Data_origin"]) == {"synthetic"}
        assert sorted(coin.framework.indicators) == sorted(config.indicators)


def test_uncertainty_runs_are_seeded_and_never_fail(configs, demo_tables):
    _, (idata, _) = demo_tables
    config = configs["SPPI"]
    coin = build_index(config, idata)
    first = analyse_index(config, coin, runs=40, seed=3)
    again = analyse_index(config, coin, runs=40, seed=3)
    assert first.failed_runs == 0  # min-max [1, 100] keeps geometric means defined
    assert len(first.rank_stats) == 85
    np.testing.assert_array_equal(first.scores.to_numpy(), again.scores.to_numpy())
    assert set(first.parameters["aggregation"]) == {"arithmetic", "geometric"}
    assert set(first.parameters["transformation"]) == {"log_CT", "null"}
    # Every run stays on the nominal 1-100 scale (the classification's cut points apply to runs).
    assert np.nanmin(first.scores.to_numpy()) >= 1 and np.nanmax(first.scores.to_numpy()) <= 100


def test_build_index_names_missing_columns(configs, demo_tables):
    _, (idata, _) = demo_tables
    with pytest.raises(IndexConfigError, match="lacks the column"):
        build_index(configs["IAI"], idata.drop(columns=["pol_visits"]))
