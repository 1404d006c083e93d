"""The build tool on hand-written fixtures: placement, unplaced reasons, statistics joins and
non-joins, units, events through the GDELT connector, determinism."""

from __future__ import annotations

import csv
from pathlib import Path
from types import ModuleType

import pytest


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def built(tool: ModuleType, data_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    tool.build(data_dir, out)
    return out


def test_twin_towns_are_placed_by_town_registry_parent_and_polygon(built: Path) -> None:
    twins = rows(built / "records_twinning.csv")
    placed = {(r["region"], r["partner_country"], r["partner_name"]) for r in twins}
    assert placed == {
        ("RU-PRI", "CN", "Harbin"),  # Vladivostok: the town table, name and coordinates
        ("RU-TA", "TR", "Istanbul"),  # Kazan
        ("RU-MOW", "CN", "Beijing"),  # Moscow: the region registry
        ("RU-MOW", "BY", "Minsk"),  # "Lefortovo (Moscow)": its parent, bogus coordinates
        ("RU-KGD", "DE", "Ragnit"),  # Sovetsk: two towns, the one near the coordinates
        ("RU-MOS", "BG", "Ruse"),  # Shchyolkovo = Щелково (yo folded)
        ("RU-ROS", "GB", "Glasgow"),  # Rostov-on-Don ~ Ростов-на-Дону; Scotland is GB
        ("RU-SPE", "FR", "Toulon"),  # Kronstadt: 2.8 km off the SPE polygon
        ("RU-LEN", "FI", "Kuopio"),  # a district inside the LEN polygon
        ("RU-NEN", "JP", "Sapporo"),  # Naryan-Mar: the okrug, not the table's RU-ARK
        ("RU-MOW", "FR", "Lyon"),  # inside MOW, which is a hole of the MOS polygon
        ("RU-TA", "AX", "Mariehamn"),  # "Åland Islands, Finland" is AX
    }
    for record in twins:
        assert record["instrument"] == "twinning"
        assert record["date"] == "2026-02-08"
        assert "observation date" in record["note"] and "no signing date" in record["note"]
        assert "Wikipedia" in record["source"] and "row " in record["source"]
        assert not record["source"].startswith("synthetic:")


def test_unplaced_rows_carry_their_reason(built: Path) -> None:
    unplaced = {
        (r["dataset"].split("/")[0], int(r["source_row"])): r for r in rows(built / "unplaced.csv")
    }
    reasons = {key: r["reason"] for key, r in unplaced.items()}
    assert reasons[("twinning", 4)] == "duplicate: the same pair as row 3 (listed twice)"
    assert reasons[("twinning", 7)].startswith("ambiguous town: 2 towns named so")
    assert reasons[("twinning", 11)].startswith("name and coordinates disagree")
    assert reasons[("twinning", 14)].startswith("both cities in Russia")
    assert reasons[("twinning", 15)].startswith("unknown town, and its coordinates are in no")
    assert reasons[("twinning", 16)] == "unknown country: 'Atlantis'"
    assert reasons[("twinning", 18)] == "no country in the source"
    assert reasons[("consulates", 5)] == "no city and no coordinates in the source"
    assert reasons[("consulates", 7)] == "unknown country: 'Atlantis'"
    assert reasons[("consulates", 10)].startswith("not a diplomatic or consular post type")
    assert len(unplaced) == 10
    # every source row is either placed or unplaced, never dropped silently
    assert (
        len(rows(built / "records_twinning.csv")) + sum(1 for k in unplaced if k[0] == "twinning")
        == 19
    )


def test_consulates_are_records_and_embassies_a_statistic(built: Path) -> None:
    posts = rows(built / "records_consulates.csv")
    assert [(r["region"], r["partner_country"], r["instrument"]) for r in posts] == [
        ("RU-IRK", "PL", "consulate_hosted"),
        ("RU-PRI", "CN", "consulate_hosted"),
    ]
    china = posts[1]
    assert "http://www.wikidata.org/entity/Q57198409" in china["source"]
    assert "missions_in_russia.csv row 2" in china["source"]
    assert china["date"] == "2022-11-16" and "observation date" in china["note"]
    assert "inception in Wikidata 1997-01-01" in posts[0]["note"]
    embassies = rows(built / "stats_embassies.csv")
    # Afghanistan (Moscow), Albania (a district, by its point), Abkhazia, the nunciature
    assert [(r["region"], r["year"], r["indicator"], r["value"], r["unit"]) for r in embassies] == [
        ("RU-MOW", "2022", "foreign_embassies", "4", "posts")
    ]
    assert "rows 3-4, 6, 8" in embassies[0]["source"]


def test_statistics_join_with_units_and_print_rows_that_do_not(
    tool: ModuleType, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tool.build(data_dir, tmp_path / "out")
    printed = capsys.readouterr().out
    assert "region 'Неведомая область' does not join (rows 5)" in printed
    assert "maxgoryunov_population.csv: 1 empty or zero values (missing data) left out" in printed
    assert "maxgoryunov_vrp.csv: 1 empty or zero values" in printed
    stats = {(r["region"], r["indicator"]): r for r in rows(tmp_path / "out" / "stats_rosstat.csv")}
    assert set(stats) == {
        ("RU-TA", "population"),
        ("RU-KHM", "population"),  # "Ханты-Мансийский АО" once АО is spelt out
        ("RU-SA", "population"),  # through the registry's names
        ("RU-TA", "grp"),
        ("RU-TA", "fixed_investment"),
    }
    assert stats[("RU-TA", "population")]["value"] == "3894.12"  # 3,894,120 persons
    assert stats[("RU-TA", "population")]["unit"] == "thousand persons"
    assert stats[("RU-TA", "grp")]["value"] == "3283"  # 3,283,000,000,000 roubles
    assert stats[("RU-TA", "grp")]["unit"] == "billion RUB"
    assert stats[("RU-TA", "fixed_investment")]["value"] == "16.903544"  # float noise dropped
    assert all(r["year"] == "2021" for r in stats.values())


def test_events_are_the_rows_the_gdelt_connector_keeps(built: Path) -> None:
    events = rows(built / "events_gdelt.csv")
    assert [(r["global_event_id"], r["region"], r["partner"]) for r in events] == [
        ("1001", "RU-TA", "TR"),
        ("1002", "RU-TA", "DE"),
        ("1002", "RU-TA", "TR"),
        ("1007", "RU-MOW", "US"),
        ("1011", "RU-TA", "TR"),
    ]
    assert {r["source_file"] for r in events} == {
        "http://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip"
    }


def test_the_same_sources_give_byte_identical_files(
    tool: ModuleType, data_dir: Path, tmp_path: Path
) -> None:
    tool.build(data_dir, tmp_path / "a")
    tool.build(data_dir, tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) == 6
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_skeleton_folds_romanisation_variants(tool: ModuleType) -> None:
    skeleton, latin = tool.skeleton, tool.transliterate
    assert skeleton("Shchyolkovo") == skeleton(latin("Щелково"))
    assert skeleton("Yekaterinburg") == skeleton(latin("Екатеринбург"))
    assert skeleton("Yoshkar-Ola") == skeleton(latin("Йошкар-Ола"))
    assert skeleton("Nizhny Novgorod") == skeleton(latin("Нижний Новгород"))
    assert skeleton("Guryevsk") == skeleton(latin("Гурьевск"))
    assert skeleton("Kazan") == skeleton(latin("Казань")) == "kazan"
    assert skeleton("Tver") != skeleton(latin("Тула"))


def test_cli_main_refuses_a_missing_data_folder(tool: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        tool.main(["--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
