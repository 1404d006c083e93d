"""Indicator definitions: the default catalogue, and every validation error with its key path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from paradiplomacy.indicators.definitions import (
    Catalogue,
    CatalogueError,
    EventIndicator,
    LedgerIndicator,
    StatisticIndicator,
    StructuralIndicator,
    hierarchy_leaves,
    instrument_ids,
)
from paradiplomacy.ledger.taxonomy import Taxonomy

STATISTICS = {"population": {"unit": "thousand persons"}, "grp": {"unit": "billion RUB"}}


def _ind(code: str = "x", **spec) -> dict:
    base = {"code": code, "name_en": code, "name_ru": code, "unit": "u", "description": "why"}
    return {**base, "kind": "ledger", **spec}


def _problems(*indicators: dict, statistics: dict | None = None) -> list[str]:
    data = {"statistics": STATISTICS if statistics is None else statistics}
    data["indicators"] = list(indicators)
    with pytest.raises(CatalogueError) as info:
        Catalogue.from_mapping(data, "cat.yaml")
    assert isinstance(info.value, ValueError)
    return info.value.problems


def test_default_catalogue_loads_and_documents_every_indicator():
    cat = Catalogue.load()
    assert cat.source.endswith("indicators.yaml")
    assert len(cat.codes) == len(set(cat.codes)) >= 35
    assert all(len(ind.description) > 40 for ind in cat.indicators)
    kinds = {type(ind) for ind in cat.indicators}
    assert kinds == {LedgerIndicator, StatisticIndicator, StructuralIndicator, EventIndicator}
    # Proxies say so.
    assert "PROXY" in cat["her_cultural_presence"].description
    ledger = cat["pol_agreements"]
    assert (ledger.window, ledger.half_life, ledger.confidence_weighted) == (3, None, True)
    assert ledger.exclude_statuses == ["terminated", "planned"]
    assert ledger.first_year(2021) == 2019


def test_filters_intersect():
    tax = Taxonomy.load()
    ind = LedgerIndicator.model_validate(_ind(channels=["political"], nature="state"))
    assert "agreement" in instrument_ids(ind, tax) and "twinning" not in instrument_ids(ind, tax)
    ind = LedgerIndicator.model_validate(_ind(instruments=["agreement", "trade"], nature="state"))
    assert instrument_ids(ind, tax) == ["agreement"]
    assert instrument_ids(LedgerIndicator.model_validate(_ind()), tax) == list(tax.instruments)


def test_unknown_references_are_named_with_their_key_path():
    problems = _problems(
        _ind("a", instruments=["agreement", "agreemnt"]),
        _ind("b", channels=["politcal"]),
        _ind("c", macro_regions=["europa"]),
        _ind("d", partners=["XX"]),
        _ind("e", kind="statistic", statistic="tourists"),
    )
    text = "\n".join(problems)
    assert len(problems) == 5
    assert (
        "cat.yaml: indicators[0] (a).instruments[1]: unknown instrument 'agreemnt'" in text
        and "did you mean 'agreement'?" in text
    )
    assert "cat.yaml: indicators[1] (b).channels[0]: unknown channel 'politcal'" in text
    assert "indicators[2] (c).macro_regions[0]: unknown macro-region 'europa'" in text
    assert "indicators[3] (d).partners[0]: expected an ISO 3166-1 alpha-2 code" in text
    assert "indicators[4] (e).statistic: unknown statistic 'tourists'; expected one of " in text


def test_duplicate_codes_and_empty_filters():
    problems = _problems(
        _ind("a"), _ind("b"), _ind("a"), _ind("c", instruments=["trade"], nature="state")
    )
    assert problems[0] == (
        "cat.yaml: indicators[2] (a).code: expected a unique code, got 'a' again "
        "(first at indicators[0])"
    )
    assert (
        "indicators[3] (c): the filters instruments/channels/nature select no instrument"
        in (problems[1])
    )


def test_per_needs_its_statistic():
    problems = _problems(_ind("a", per="grp"), statistics={"population": {"unit": "t"}})
    assert problems == [
        "cat.yaml: indicators[0] (a).per: 'grp' needs the statistic 'grp' declared under statistics"
    ]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"code": "1st"}, "indicators[0] (1st).code: expected a code without blanks"),
        ({"code": "a b"}, "indicators[0] (a b).code: expected a code without blanks"),
        ({"code": "uCode"}, "indicators[0] (uCode).code: expected a code other"),
        ({"windoow": 3}, "indicators[0] (x).windoow: Extra inputs are not permitted"),
        ({"measure": "mean"}, "indicators[0] (x).measure: Input should be 'count'"),
        ({"window": 0}, "indicators[0] (x).window: Input should be greater than or equal to 1"),
        ({"half_life": -1}, "indicators[0] (x).half_life: Input should be greater than 0"),
        ({"direction": 2}, "indicators[0] (x).direction: Input should be 1 or -1"),
        ({"exclude_statuses": ["gone"]}, "indicators[0] (x).exclude_statuses[0]: Input should"),
        ({"kind": "survey"}, "indicators[0] (x): expected 'kind' to be one of ledger, statistic"),
        ({"kind": "structural", "structural": "islands"}, "(x).structural: Input should be"),
        ({"kind": "statistic"}, "indicators[0] (x).statistic: Field required"),
        ({"per": "area"}, "indicators[0] (x).per: Input should be 'capita' or 'grp'"),
    ],
)
def test_schema_errors_name_the_key(spec, expected):
    problems = _problems(_ind(**spec))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("cat.yaml: ") for p in problems)


def test_load_names_the_file(tmp_path: Path):
    file = tmp_path / "mine.yaml"
    data = {"statistics": STATISTICS, "indicators": [_ind("a", channels=["nope"])]}
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CatalogueError, match=rf"{file}: indicators\[0\] \(a\)\.channels\[0\]"):
        Catalogue.load(file)
    file.write_text(yaml.safe_dump({"statistics": STATISTICS, "indicators": [_ind("a")]}))
    assert Catalogue.load(file).codes == ["a"]
    with pytest.raises(CatalogueError, match="cannot read"):
        Catalogue.load(tmp_path / "missing.yaml")


def test_resolve_hierarchy_fills_leaves_from_definitions():
    cat = Catalogue.from_mapping(
        {"indicators": [_ind("a", unit="records", direction=-1), _ind("b")]}, "cat"
    )
    hierarchy = {"index": [{"code": "I", "children": [{"code": "a", "weight": 2}, {"code": "b"}]}]}
    resolved = cat.resolve_hierarchy(hierarchy, "h.yaml")
    leaf = resolved["index"][0]["children"][0]
    assert leaf == {"code": "a", "weight": 2, "name": "a", "unit": "records", "direction": -1}
    assert hierarchy_leaves(hierarchy) == ["a", "b"]
    bad = {"index": [{"code": "I", "children": [{"code": "a", "direction": 1}, {"code": "z"}]}]}
    with pytest.raises(CatalogueError) as info:
        cat.resolve_hierarchy(bad, "h.yaml")
    assert info.value.problems[0].startswith(
        "h.yaml: index[0].children[0].direction: the definition of 'a' has direction -1"
    )
    assert info.value.problems[1].startswith("h.yaml: index[0].children[1].code: expected an")


def test_subset_keeps_the_order_given():
    cat = Catalogue.load()
    assert cat.subset(["pol_visits", "pol_agreements"]).codes == ["pol_visits", "pol_agreements"]
    with pytest.raises(KeyError):
        cat.subset(["nope"])


def test_docs_table_lists_every_default_indicator():
    docs = (Path(__file__).parents[2] / "docs" / "indicators.md").read_text(encoding="utf-8")
    missing = [code for code in Catalogue.load().codes if f"| `{code}` |" not in docs]
    assert missing == []
