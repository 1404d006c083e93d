"""Access to the data files shipped inside the package (``paradiplomacy/data``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``paradiplomacy/data``."""
    return _data_root().joinpath(*parts)


@lru_cache(maxsize=1)
def _data_root() -> Path:
    # importlib.resources.files costs about 0.3 ms a call, and labels look files up per call
    return Path(str(resources.files("paradiplomacy").joinpath("data")))


def load_yaml(path: str | Path) -> Any:
    """Read a UTF-8 YAML file with the safe loader."""
    import yaml  # here: start-up of commands that read no YAML stays light

    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def cached_load(loader: Callable[[Path], T], path: Path) -> T:
    """``loader(path)``, memoised while the file is unchanged (same size and mtime)."""
    stat = path.stat()
    return _cached(loader, path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _cached(loader: Callable[[Path], T], path: Path, _mtime: int, _size: int) -> T:
    return loader(path)
