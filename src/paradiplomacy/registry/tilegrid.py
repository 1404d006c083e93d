"""Tile-grid layout of a country's regions: one equal square tile per region, placed roughly
like the country's geography (row 0 at the top/north, col 0 at the left/west).

The layout is data, shipped beside the region registry as ``<registry stem>_tiles.yaml``
(``data/registries/ru_tiles.yaml`` for the default registry). It is a schematic, not a map:
adjacent tiles need not be neighbouring regions.

>>> grid = load_tilegrid()
>>> grid.position("RU-MOW")
(4, 4)
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

from paradiplomacy.registry.regions import RegionRegistry
from paradiplomacy.resources import cached_load, load_yaml

TILES_SUFFIX = "_tiles"

_STEPS_4 = ((-1, 0), (1, 0), (0, -1), (0, 1))
_STEPS_8 = (*_STEPS_4, (-1, -1), (-1, 1), (1, -1), (1, 1))


class TileGridError(ValueError):
    """A tile-grid file that does not fit its region registry; the message names the file."""


class TileGridFile(BaseModel):
    """The tile-grid file as written, validated on its own (without the registry)."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(pattern=r"^[A-Z]{2}$")
    registry: str = Field(description="File name of the region registry this layout is for")
    tiles: dict[str, tuple[StrictInt, StrictInt]] = Field(min_length=1)

    @field_validator("tiles")
    @classmethod
    def _valid_positions(cls, tiles: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        for code, (row, col) in tiles.items():
            if row < 0 or col < 0:
                raise ValueError(f"{code}: row and col must be non-negative, got [{row}, {col}]")
        counts = Counter(tiles.values())
        clashes = [
            f"[{row}, {col}]: {', '.join(sorted(c for c, p in tiles.items() if p == (row, col)))}"
            for (row, col), n in sorted(counts.items())
            if n > 1
        ]
        if clashes:
            raise ValueError(f"several regions on one tile: {'; '.join(clashes)}")
        return tiles


class TileGrid:
    """Positions of every region of a registry on a grid of equal tiles."""

    def __init__(
        self, spec: TileGridFile, registry: RegionRegistry, path: Path | None = None
    ) -> None:
        where = str(path) if path else "tile grid"
        if spec.country != registry.country:
            raise TileGridError(
                f"{where}: country {spec.country!r} but the registry is {registry.country!r}"
            )
        codes = [r.code for r in registry.regions("all")]
        missing = [c for c in codes if c not in spec.tiles]
        unknown = sorted(set(spec.tiles) - set(codes))
        problems = []
        if missing:
            problems.append(f"regions without a tile: {', '.join(missing)}")
        if unknown:
            problems.append(f"codes not in the registry: {', '.join(unknown)}")
        if problems:
            raise TileGridError(f"{where}: {'; '.join(problems)}")
        self.spec = spec
        self.registry = registry
        self.path = path
        self._cells = {pos: code for code, pos in spec.tiles.items()}

    @property
    def tiles(self) -> dict[str, tuple[int, int]]:
        """Region code -> (row, col), in registry order."""
        return {r.code: self.spec.tiles[r.code] for r in self.registry.regions("all")}

    @property
    def n_rows(self) -> int:
        return 1 + max(row for row, _ in self.spec.tiles.values())

    @property
    def n_cols(self) -> int:
        return 1 + max(col for _, col in self.spec.tiles.values())

    def position(self, code: str) -> tuple[int, int]:
        """(row, col) of region ``code``; ``KeyError`` naming the code when it has no tile."""
        try:
            return self.spec.tiles[code]
        except KeyError:
            raise KeyError(f"no tile for region {code!r}") from None

    def at(self, row: int, col: int) -> str | None:
        """The region on tile (row, col), or ``None`` for an empty tile."""
        return self._cells.get((row, col))

    def neighbours(self, code: str, diagonal: bool = False) -> list[str]:
        """Regions whose tiles touch the tile of ``code``: sharing an edge (up, down, left,
        right), or also a corner with ``diagonal=True``. Sorted by (row, col)."""
        row, col = self.position(code)
        steps = _STEPS_8 if diagonal else _STEPS_4
        found = [self._cells.get((row + dr, col + dc)) for dr, dc in steps]
        return sorted((c for c in found if c), key=self.spec.tiles.__getitem__)

    @cached_property
    def _frame(self) -> pd.DataFrame:
        rows = [(code, row, col) for code, (row, col) in self.tiles.items()]
        return pd.DataFrame(rows, columns=["code", "row", "col"]).astype(
            {"row": "int64", "col": "int64"}
        )

    def to_frame(self, scope: str | None = None) -> pd.DataFrame:
        """Columns ``code``, ``row``, ``col`` for the regions of ``scope`` (registry order).

        ``scope=None`` gives every region of the registry (the layout has them all); pass a
        scope name (e.g. ``"study-2021"``) to keep only its regions, as
        ``RegionRegistry.regions`` does.
        """
        frame = self._frame
        if scope is not None:
            keep = {r.code for r in self.registry.regions(scope)}
            frame = frame[frame["code"].isin(keep)]
        return frame.reset_index(drop=True).copy()


def tilegrid_path(registry: RegionRegistry) -> Path:
    """The default layout file of ``registry``: ``<registry stem>_tiles.yaml`` beside it."""
    if registry.path is None:
        raise TileGridError("the registry has no file path; pass the tile-grid path explicitly")
    return registry.path.with_name(f"{registry.path.stem}{TILES_SUFFIX}.yaml")


def load_tilegrid(
    registry: RegionRegistry | None = None, path: str | Path | None = None
) -> TileGrid:
    """Load and validate the tile grid of ``registry`` (default: the shipped registry).

    Without ``path``, the file beside the registry named ``<registry stem>_tiles.yaml``. Raises
    ``TileGridError`` (a ``ValueError``) naming the file and the offending codes when the layout
    misses a region, names an unknown one, puts two regions on one tile or has a negative
    position; ``FileNotFoundError`` when there is no such file. Memoised while the files are
    unchanged.
    """
    registry = registry or RegionRegistry.load()
    file = Path(path) if path else tilegrid_path(registry)
    return TileGrid(cached_load(_read_spec, file), registry, file)


def _read_spec(file: Path) -> TileGridFile:
    try:
        return TileGridFile.model_validate(load_yaml(file))
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in error.errors()
        )
        raise TileGridError(f"{file}: {details}") from None
