"""Access to the data files shipped inside the package (``paradiplomacy/data``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``paradiplomacy/data``."""
    return Path(str(resources.files("paradiplomacy").joinpath("data", *parts)))


def load_yaml(path: str | Path) -> Any:
    """Read a UTF-8 YAML file with the safe loader."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
