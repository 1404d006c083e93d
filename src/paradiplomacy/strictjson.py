"""Strict JSON for everything the project writes: no ``NaN``, ``Infinity`` or ``NaT``.

Python's :func:`json.dumps` writes ``NaN`` and ``Infinity`` by default, which strict parsers
(``jq``, JavaScript's ``JSON.parse``, ``json.loads`` with ``parse_constant`` raising) reject.
:func:`clean` turns a value into plain JSON values: a missing or non-finite number (NaN,
infinities, ``NaT``, ``pd.NA``) becomes ``null``, NumPy scalars and arrays their Python
equivalents, dates ISO 8601 strings, paths strings, pydantic models their JSON dump;
:func:`dumps` writes it with ``allow_nan=False``, so anything left over is an error, never a
silent ``NaN`` (RFC 8259, section 6: "Numeric values that cannot be represented ... such as
Infinity and NaN are not permitted").
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["clean", "dumps", "loads_strict"]


def clean(value: Any) -> Any:
    """``value`` as plain JSON values (see the module docstring)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [clean(v) for v in items]
    module = type(value).__module__
    if module.startswith("numpy") and hasattr(value, "tolist"):
        return clean(value.tolist())
    if module.startswith("pandas"):
        import pandas as pd

        if value is pd.NaT or value is pd.NA:
            return None
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
        if isinstance(value, (pd.Series, pd.Index)):
            return clean(value.tolist())
        if isinstance(value, pd.DataFrame):
            return clean(value.to_dict(orient="records"))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "model_dump"):
        return clean(value.model_dump(mode="json"))
    try:  # a missing value of another kind (float subclasses, decimal NaN)
        if value != value:
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps(clean(value), allow_nan=False, ensure_ascii=False, **kwargs)``."""
    kwargs.setdefault("ensure_ascii", False)
    return json.dumps(clean(value), allow_nan=False, **kwargs)


def _refuse(name: str) -> Any:
    raise ValueError(f"not strict JSON: {name}")


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON as a strict parser does: ``NaN``, ``Infinity`` and ``-Infinity`` are errors."""
    return json.loads(text, parse_constant=_refuse)
