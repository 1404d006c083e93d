"""Denominate: divide indicators by a unit-level quantity (COMPOSITE-METHODS.md section 3).

For each specified indicator ``j`` with denominator column ``d`` and scale factor ``s``
(default 1)::

    x'_uj = x_uj / (d_u / s)

The division by ``s`` happens first, as in COINr's ``Denominate``, so the result equals
``x·s/d`` only up to rounding. Denominators are looked up by unit code (``uCode``); the
denominator table (the unit metadata) may hold extra units and any numeric column can serve.
Missing values propagate and a zero denominator gives ±Inf or NaN (IEEE). Other columns, the
row order and the column order are unchanged. See also the OECD/JRC Handbook on Constructing
Composite Indicators (2008), section 1.4 (scaling by size).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import CompositeError

__all__ = ["denominate"]


def denominate(
    data: pd.DataFrame,
    denominators: pd.DataFrame,
    spec: Mapping[str, str],
    scale_factors: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Divide each indicator of ``spec`` by its denominator column over its scale factor.

    ``data``: the data set (index ``uCode``). ``denominators``: the unit-metadata table indexed
    by ``uCode``. ``spec``: indicator code → denominator column. ``scale_factors``: indicator code
    → ``s`` (default 1). Returns a new data set ``x / (d / s)`` for the specified columns.
    """
    scale_factors = dict(scale_factors or {})
    unknown = [c for c in spec if c not in data.columns]
    if unknown:
        raise CompositeError(
            f"denominate: spec: expected indicator codes of the data set; "
            f"unknown: {', '.join(map(str, unknown))}"
        )
    stray = [c for c in scale_factors if c not in spec]
    if stray:
        raise CompositeError(
            f"denominate: scale_factors: expected indicators that have a denominator in spec; "
            f"got {', '.join(map(str, stray))}"
        )
    if not spec:
        return data.copy()
    if denominators.index.has_duplicates:
        dup = denominators.index[denominators.index.duplicated()].unique().tolist()
        raise CompositeError(
            f"denominate: denominators: expected one row per uCode; duplicated: {dup[:10]}"
        )
    absent = data.index.difference(denominators.index, sort=False)
    if len(absent):
        raise CompositeError(
            f"denominate: denominators: every unit of the data must have a row; missing "
            f"{', '.join(map(str, absent[:10]))}{' …' if len(absent) > 10 else ''}"
        )
    out = data.copy()
    for code, column in spec.items():
        if column not in denominators.columns:
            raise CompositeError(
                f"denominate: denominator of {code!r}: expected a column of the unit metadata; "
                f"got {column!r}"
            )
        dcol = denominators[column]
        if pd.api.types.is_bool_dtype(dcol) or not pd.api.types.is_numeric_dtype(dcol):
            raise CompositeError(
                f"denominate: denominator of {code!r}: column {column!r} must be numeric; "
                f"it has dtype {dcol.dtype}"
            )
        s = scale_factors.get(code, 1.0)
        if isinstance(s, bool) or not isinstance(s, int | float | np.number):
            raise CompositeError(
                f"denominate: scale_factors[{code!r}]: expected a number; got {s!r}"
            )
        d = dcol.reindex(data.index).to_numpy(dtype=np.float64, na_value=np.nan)
        x = data[code].to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[code] = x / (d / float(s))
    return out
