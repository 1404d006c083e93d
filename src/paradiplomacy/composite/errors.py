"""The one error type of the composite-indicator engine, and reading its YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class CompositeError(ValueError):
    """A composite-indicator input, parameter or method that cannot be used.

    The message says what was expected.
    """


def read_yaml(source: Any, what: str) -> tuple[Any, str]:
    """Python data for ``source`` (a YAML file path, or data already loaded) and its label."""
    if not isinstance(source, (str, Path)):
        return source, what
    path = Path(source)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")), str(path)
    except (OSError, yaml.YAMLError) as exc:
        raise CompositeError(f"{path}: cannot read the {what} ({exc})") from exc
