"""The index framework: COINr's tables and the YAML hierarchy, their orders and their errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.framework import (
    FrameworkError,
    framework_from_yaml,
    load_framework,
)

TOY = Path(__file__).parent / "toy"
NAMES = ["Indicator", "Pillar", "Sub-index", "Index"]


@pytest.fixture(scope="module")
def toy():
    return load_framework(TOY / "iData.csv", TOY / "iMeta.csv", level_names=NAMES)


def tables():
    idata = pd.read_csv(TOY / "iData.csv", keep_default_na=False, dtype=str)
    imeta = pd.read_csv(TOY / "iMeta.csv", keep_default_na=False, dtype=str)
    return idata, imeta


def test_orders_follow_coinr(toy):
    # Units in collation order; indicator columns in original iMeta order.
    assert list(toy.raw.index) == ["UA", "UB", "UC", "UD", "UE"]
    assert toy.indicators == ["i1", "i2", "i3", "i4", "i5", "i6"]
    # iMeta sorted by Level then Parent (P1 < P2 < P3 < S1 < S2), stable within a parent.
    assert list(toy.index_meta["iCode"]) == [
        "i1", "i2", "i3", "i4", "i5", "i6", "P1", "P2", "P3", "S1", "S2", "Index",
    ]  # fmt: skip
    assert toy.groups(1) == [("P1", ["i1", "i2"]), ("P2", ["i3", "i4"]), ("P3", ["i5", "i6"])]
    assert toy.groups(2) == [("S1", ["P1", "P2"]), ("S2", ["P3"])]
    assert toy.aggregate_order() == ["P1", "P2", "P3", "S1", "S2", "Index"]
    assert toy.max_level == 4
    assert list(toy.lineage.columns) == NAMES
    assert list(toy.lineage.iloc[0]) == ["i1", "P1", "S1", "Index"]
    assert list(toy.lineage["Indicator"]) == ["i1", "i2", "i3", "i4", "i5", "i6"]
    assert toy.units.loc["UB", "uName"] == "Beta"
    assert list(toy.units.columns) == ["uName", "Region_group", "Population"]
    assert np.isnan(toy.raw.loc["UB", "i2"])
    assert toy.directions["i4"] == -1
    assert toy.weights["S1"] == 2


def test_yaml_hierarchy_gives_the_same_framework(toy):
    from_yaml = framework_from_yaml(TOY / "hierarchy.yaml", TOY / "iData.csv")
    assert from_yaml.level_names == tuple(NAMES)
    pd.testing.assert_frame_equal(from_yaml.raw, toy.raw)
    assert from_yaml.groups(1) == toy.groups(1)
    assert from_yaml.groups(2) == toy.groups(2)
    pd.testing.assert_frame_equal(from_yaml.lineage, toy.lineage)
    pd.testing.assert_series_equal(from_yaml.weights.sort_index(), toy.weights.sort_index())


def test_yaml_round_trip(toy):
    again = framework_from_yaml(toy.to_yaml_dict(), TOY / "iData.csv")
    assert again.groups(1) == toy.groups(1)
    pd.testing.assert_series_equal(again.directions.sort_index(), toy.directions.sort_index())


def test_dataframes_and_xlsx_are_accepted(toy, tmp_path):
    idata, imeta = tables()
    from_frames = load_framework(idata, imeta, level_names=NAMES)
    pd.testing.assert_frame_equal(from_frames.raw, toy.raw)
    idata.to_excel(tmp_path / "iData.xlsx", index=False)
    imeta.to_excel(tmp_path / "iMeta.xlsx", index=False)
    from_xlsx = load_framework(tmp_path / "iData.xlsx", tmp_path / "iMeta.xlsx")
    pd.testing.assert_frame_equal(from_xlsx.raw, toy.raw)
    assert from_xlsx.level_names == ("Level_1", "Level_2", "Level_3", "Level_4")


def test_exclude_drops_an_indicator_and_a_childless_aggregate(toy):
    reduced = toy.exclude(["i5", "i6"])
    assert "P3" not in set(reduced.index_meta["iCode"])
    assert reduced.indicators == ["i1", "i2", "i3", "i4"]
    with pytest.raises(CompositeError, match="not indicators: nope"):
        toy.exclude(["nope"])


def problems_of(idata, imeta) -> list[str]:
    with pytest.raises(FrameworkError) as info:
        load_framework(idata, imeta)
    return info.value.problems


def test_unknown_parent_names_row_and_column():
    idata, imeta = tables()
    imeta.loc[1, "Parent"] = "P9"
    assert problems_of(idata, imeta) == [
        "iMeta:3:Parent: expected the code of an aggregate, got unknown 'P9'"
    ]


def test_cyclic_parents_are_reported():
    idata, imeta = tables()
    # S1 -> Index and Index -> S1: a cycle (Index also gets a parent at the top level).
    imeta.loc[imeta["iCode"] == "Index", "Parent"] = "S1"
    problems = problems_of(idata, imeta)
    assert "iMeta:Parent: cyclic parents: S1 -> Index -> S1" in problems
    assert any("expected no parent at the top level 4, got 'S1'" in p for p in problems)


def test_duplicate_codes():
    idata, imeta = tables()
    imeta.loc[2, "iCode"] = "i1"
    assert "iMeta:4:iCode: duplicate code 'i1' (first at row 2)" in problems_of(idata, imeta)


def test_indicator_without_data():
    idata, imeta = tables()
    assert "iMeta: Indicator 'i6' has no column in iData (an indicator without data)" in (
        problems_of(idata.drop(columns="i6"), imeta)
    )
    idata["i6"] = "NA"
    assert problems_of(idata, imeta) == [
        "iData:i6: indicator 'i6' has no data (every value is missing)"
    ]


def test_non_numeric_values_name_the_cell():
    idata, imeta = tables()
    idata.loc[3, "i3"] = "forty"
    assert problems_of(idata, imeta) == ["iData:5:i3: expected a number, got 'forty'"]


def test_negative_and_all_zero_weights():
    idata, imeta = tables()
    imeta.loc[0, "Weight"] = "-1"
    assert problems_of(idata, imeta) == ["iMeta:2:Weight: expected a weight >= 0, got -1.0"]
    idata, imeta = tables()
    imeta.loc[imeta["Parent"] == "P3", "Weight"] = "0"
    assert problems_of(idata, imeta) == [
        "iMeta:Weight: expected at least one positive weight among the children of 'P3' "
        "(i5, i6), got all zero"
    ]


def test_aggregate_and_level_without_children():
    idata, imeta = tables()
    extra = pd.DataFrame(
        [
            {
                "Level": "2",
                "iCode": "P4",
                "Direction": "1",
                "Weight": "1",
                "Parent": "S2",
                "Type": "Aggregate",
            }
        ]
    )
    imeta = pd.concat([imeta, extra], ignore_index=True).fillna("NA")
    assert "iMeta:16:iCode: aggregate 'P4' at level 2 has no children" in problems_of(idata, imeta)
    idata, imeta = tables()
    imeta.loc[imeta["iCode"] == "Index", "Level"] = "5"
    problems = problems_of(idata, imeta)
    assert "iMeta:Level: expected every level from 1 to 5; level(s) 4 have no entries" in problems


def test_other_structure_errors():
    idata, imeta = tables()
    assert problems_of(idata.assign(extra="1"), imeta) == [
        "iData:1:extra: expected every column to be described in iMeta (iCode), "
        "got 'extra' which is not there"
    ]
    idata, imeta = tables()
    idata.loc[1, "uCode"] = "UB"
    assert problems_of(idata, imeta) == ["iData:3:uCode: duplicate unit code 'UB' (first at row 2)"]
    idata, imeta = tables()
    imeta.loc[3, "Direction"] = "2"
    assert problems_of(idata, imeta) == ["iMeta:5:Direction: expected 1 or -1, got 2.0"]
    with pytest.raises(FrameworkError, match="missing Weight"):
        load_framework(idata, imeta.drop(columns="Weight"))
    with pytest.raises(FrameworkError, match="expected 4 names"):
        load_framework(*tables(), level_names=["a", "b"])


def test_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "iMeta.csv"
    _idata, imeta = tables()
    imeta.loc[0, "Parent"] = "nowhere"
    imeta.to_csv(bad, index=False)
    with pytest.raises(FrameworkError, match=f"{bad}:2:Parent"):
        load_framework(TOY / "iData.csv", bad)
    with pytest.raises(CompositeError, match="does not exist"):
        load_framework(tmp_path / "none.csv", bad)


def test_yaml_errors():
    spec = {
        "index": [
            {
                "code": "Index",
                "children": [{"code": "a"}, {"code": "P", "children": [{"code": "b"}]}],
            }
        ]
    }
    with pytest.raises(FrameworkError, match="a leaf \\(indicator\\) at level 2"):
        framework_from_yaml(spec, pd.DataFrame({"uCode": ["x"], "a": ["1"], "b": ["2"]}))
    with pytest.raises(FrameworkError, match="unknown key\\(s\\) wieght"):
        framework_from_yaml(
            {"index": [{"code": "I", "children": [{"code": "a", "wieght": 2}]}]},
            pd.DataFrame({"uCode": ["x"], "a": ["1"]}),
        )
