"""The tile grid of the regions (report and dashboard maps): complete, one region per tile, and
laid out like the country's geography."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from paradiplomacy.registry import RegionRegistry
from paradiplomacy.registry.tilegrid import TileGrid, TileGridError, load_tilegrid

DISPUTED = {"RU-CR", "RU-SEV", "RU-DPR", "RU-LPR", "RU-ZAP", "RU-KHE"}


@pytest.fixture(scope="module")
def registry() -> RegionRegistry:
    return RegionRegistry.load()


@pytest.fixture(scope="module")
def grid(registry: RegionRegistry) -> TileGrid:
    return load_tilegrid(registry)


def test_the_default_file_is_beside_the_registry(grid: TileGrid, registry: RegionRegistry) -> None:
    assert registry.path is not None
    assert grid.path == registry.path.with_name("ru_tiles.yaml")
    assert load_tilegrid().tiles == grid.tiles
    assert grid.spec.country == registry.country
    assert grid.spec.registry == registry.path.name


@pytest.mark.parametrize("scope", ["study-2021", "iso", "rf-2023", "all", None])
def test_every_region_of_every_scope_has_one_tile(
    grid: TileGrid, registry: RegionRegistry, scope: str | None
) -> None:
    frame = grid.to_frame(scope)
    expected = [r.code for r in registry.regions(scope if scope else "all")]
    assert list(frame.columns) == ["code", "row", "col"]
    assert list(frame["code"]) == expected
    assert not frame.duplicated(["row", "col"]).any()
    assert str(frame["row"].dtype) == "int64"
    assert str(frame["col"].dtype) == "int64"
    assert (frame[["row", "col"]] >= 0).all().all()


def test_positions_are_unique_and_compact(grid: TileGrid) -> None:
    positions = list(grid.tiles.values())
    assert len(positions) == len(set(positions)) == 89
    assert 8 <= grid.n_rows <= 10
    assert 16 <= grid.n_cols <= 20
    assert grid.at(*grid.position("RU-TA")) == "RU-TA"
    assert grid.at(grid.n_rows + 5, 0) is None


def _district(registry: RegionRegistry, name: str) -> list[str]:
    return [r.code for r in registry.regions("all") if r.federal_district == name]


def test_geography_sanity(grid: TileGrid, registry: RegionRegistry) -> None:
    row = {code: pos[0] for code, pos in grid.tiles.items()}
    col = {code: pos[1] for code, pos in grid.tiles.items()}
    far_east = _district(registry, "far_eastern")
    european = set().union(
        *(
            _district(registry, d)
            for d in ("northwestern", "central", "volga", "southern", "north_caucasian")
        )
    )
    # Kaliningrad alone at the far west.
    assert [c for c in col if col[c] == min(col.values())] == ["RU-KGD"]
    # Chukotka at the far north-east: the largest column, the top row of the Far East.
    assert col["RU-CHU"] == max(col.values())
    assert all(row["RU-CHU"] < row[c] for c in far_east if c != "RU-CHU")
    # Primorye at the south-east: the bottom row of the Far East, east of all of Siberia.
    assert all(row["RU-PRI"] >= row[c] for c in far_east)
    assert all(col["RU-PRI"] > col[c] for c in _district(registry, "siberian"))
    # Moscow and its oblast touch; so do St Petersburg and its oblast.
    assert "RU-MOS" in grid.neighbours("RU-MOW")
    assert "RU-MOW" in grid.neighbours("RU-MOS")
    assert "RU-LEN" in grid.neighbours("RU-SPE")
    # Moscow is in the middle of the European part, the North Caucasus below it.
    assert "RU-DA" in european
    assert row["RU-DA"] > row["RU-MOW"]
    assert all(row[c] > row["RU-MOW"] for c in _district(registry, "north_caucasian"))
    assert all(row[c] < row["RU-MOW"] for c in ("RU-MUR", "RU-KR", "RU-ARK", "RU-NEN", "RU-KO"))
    european_cols = sorted(col[c] for c in european)
    assert european_cols[0] < col["RU-MOW"] < european_cols[-1]
    # West to east: the European part, then the Urals, Siberia and the Far East.
    mean_col = {
        d: sum(col[c] for c in _district(registry, d)) / len(_district(registry, d))
        for d in ("central", "volga", "ural", "siberian", "far_eastern")
    }
    assert list(mean_col.values()) == sorted(mean_col.values())


def test_federal_districts_are_clusters(grid: TileGrid, registry: RegionRegistry) -> None:
    """Every region's tile touches a tile of the same federal district (edge adjacency), except
    Kaliningrad (an exclave), and the disputed entries sit together."""
    district = {r.code: r.federal_district for r in registry.regions("all")}
    alone = [
        code
        for code in district
        if code != "RU-KGD"
        and not any(district[n] == district[code] for n in grid.neighbours(code))
    ]
    assert alone == []
    for code in DISPUTED:
        assert DISPUTED & set(grid.neighbours(code, diagonal=True)), code


def test_every_federal_district_is_one_piece(grid: TileGrid, registry: RegionRegistry) -> None:
    """What ru_tiles.yaml claims: each district is one 4-connected cluster (Kaliningrad apart)."""
    district = {r.code: r.federal_district for r in registry.regions("all")}
    for name in sorted(set(district.values())):
        members = {c for c, d in district.items() if d == name and c != "RU-KGD"}
        start = min(members)
        seen, todo = {start}, [start]
        while todo:
            for n in grid.neighbours(todo.pop()):
                if n in members and n not in seen:
                    seen.add(n)
                    todo.append(n)
        assert seen == members, (name, sorted(members - seen))


def test_neighbours(grid: TileGrid) -> None:
    assert grid.neighbours("RU-MOW") == ["RU-YAR", "RU-MOS", "RU-VLA", "RU-RYA"]
    assert set(grid.neighbours("RU-MOW")) < set(grid.neighbours("RU-MOW", diagonal=True))
    assert grid.neighbours("RU-KGD") == ["RU-SMO"]
    with pytest.raises(KeyError, match="RU-XX"):
        grid.neighbours("RU-XX")


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad_tiles.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _tiles_yaml(tiles: dict[str, tuple[int, int]], country: str = "RU") -> str:
    lines = [f"country: {country}", "registry: ru.yaml", "tiles:"]
    lines += [f"  {code}: [{row}, {col}]" for code, (row, col) in tiles.items()]
    return "\n".join(lines) + "\n"


def test_a_missing_region_is_named(tmp_path: Path, grid: TileGrid, registry) -> None:
    tiles = dict(grid.tiles)
    del tiles["RU-TA"]
    path = _write(tmp_path, _tiles_yaml(tiles))
    with pytest.raises(TileGridError, match=r"bad_tiles\.yaml.*without a tile: RU-TA"):
        load_tilegrid(registry, path)


def test_an_unknown_code_is_named(tmp_path: Path, grid: TileGrid, registry) -> None:
    tiles = {**grid.tiles, "RU-XX": (20, 20)}
    path = _write(tmp_path, _tiles_yaml(tiles))
    with pytest.raises(TileGridError, match=r"bad_tiles\.yaml.*not in the registry: RU-XX"):
        load_tilegrid(registry, path)


def test_two_regions_on_one_tile_are_named(tmp_path: Path, grid: TileGrid, registry) -> None:
    tiles = {**grid.tiles, "RU-TA": grid.position("RU-MOW")}
    path = _write(tmp_path, _tiles_yaml(tiles))
    with pytest.raises(TileGridError, match=r"bad_tiles\.yaml.*one tile.*RU-MOW, RU-TA"):
        load_tilegrid(registry, path)


@pytest.mark.parametrize("position", ["[-1, 3]", "[1.5, 3]", "['1', 3]", "[1, 2, 3]", "5"])
def test_bad_positions_are_refused(tmp_path: Path, grid: TileGrid, registry, position) -> None:
    text = _tiles_yaml({c: p for c, p in grid.tiles.items() if c != "RU-TA"})
    path = _write(tmp_path, text + f"  RU-TA: {position}\n")
    with pytest.raises(TileGridError, match=r"bad_tiles\.yaml.*RU-TA"):
        load_tilegrid(registry, path)


def test_another_country_is_refused(tmp_path: Path, grid: TileGrid, registry) -> None:
    path = _write(tmp_path, _tiles_yaml(grid.tiles, country="DE"))
    with pytest.raises(TileGridError, match=r"bad_tiles\.yaml.*'DE'"):
        load_tilegrid(registry, path)


def test_a_registry_elsewhere_looks_beside_itself(tmp_path: Path, registry) -> None:
    assert registry.path is not None
    copy = tmp_path / "xx.yaml"
    copy.write_text(registry.path.read_text(encoding="utf-8"), encoding="utf-8")
    other = RegionRegistry.load(copy)
    with pytest.raises(FileNotFoundError, match=r"xx_tiles\.yaml"):
        load_tilegrid(other)
