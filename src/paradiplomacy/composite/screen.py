"""Screen units by data availability and zeros (COMPOSITE-METHODS.md section 5; COINr ``Screen``).

Each unit gets one summary row over the ``m`` columns of the data set (a value is available
when it is not NaN; zeros count as available):

* ``N_missing``: the number of missing values; ``N_zero``: available values exactly 0;
  ``N_miss_or_zero`` = their sum;
* ``Dat_Avail = 1 − N_missing/m``; ``Non_Zero = 1 − N_zero/(m − N_missing)`` (NaN when nothing
  is available);
* ``LowData = Dat_Avail < dat_thresh``; ``LowNonZero = Non_Zero < nonzero_thresh`` (both strict;
  missing when the statistic is NaN); ``LowDatOrZeroFlag = LowData OR LowNonZero`` with R's
  three-valued logic.

``Included`` is ``NOT LowData`` (``by="na"``), ``NOT LowNonZero`` (``"zeros"``) or
``NOT LowDatOrZeroFlag`` (``"na_and_zeros"``); COINr's names ``byNA``, ``byzeros`` and
``byNAandzeros`` are accepted too. ``force`` then sets units to included (True entries first)
and to excluded (False entries second). The screened data set keeps the included rows in their
order.

Quirk reproduced from COINr 1.1.14: a missing ``Included`` (a unit with no available value under
``"zeros"``, or under ``"na_and_zeros"`` with ``dat_thresh = 0``) selects, as R's ``x[NA, ]``
does, a row of missing values whose unit code is also missing, and ``removed`` lists a missing
code (``None``) for it. Pass ``force`` for such units to avoid it.

Reference: OECD/JRC Handbook on Constructing Composite Indicators (2008), section 1.3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import CompositeError

__all__ = ["ScreenResult", "screen"]

_BY = {
    "na": "na",
    "byNA": "na",
    "zeros": "zeros",
    "byzeros": "zeros",
    "na_and_zeros": "na_and_zeros",
    "byNAandzeros": "na_and_zeros",
}

SUMMARY_COLUMNS = (
    "N_missing",
    "N_zero",
    "N_miss_or_zero",
    "Dat_Avail",
    "Non_Zero",
    "LowData",
    "LowNonZero",
    "LowDatOrZeroFlag",
    "Included",
)


@dataclass(frozen=True)
class ScreenResult:
    """The screened data set, the per-unit summary table and the removed unit codes."""

    data: pd.DataFrame
    summary: pd.DataFrame
    removed: list[str | None] = field(default_factory=list)


def screen(
    data: pd.DataFrame,
    by: str = "na",
    dat_thresh: float = 2 / 3,
    nonzero_thresh: float = 0.05,
    force: Mapping[str, bool] | None = None,
) -> ScreenResult:
    """Screen the units (rows) of ``data``; see the module docstring for the rules.

    ``dat_thresh`` and ``nonzero_thresh`` are fractions in [0, 1]. ``force`` maps unit codes to
    True (always include) or False (always exclude).
    """
    if by not in _BY:
        raise CompositeError(
            f"screen: by: expected one of na, zeros, na_and_zeros (or byNA, byzeros, "
            f"byNAandzeros); got {by!r}"
        )
    for name, value in (("dat_thresh", dat_thresh), ("nonzero_thresh", nonzero_thresh)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise CompositeError(f"screen: {name}: expected a number in [0, 1]; got {value!r}")
    force = dict(force or {})
    unknown = [u for u in force if u not in data.index]
    if unknown:
        raise CompositeError(
            f"screen: force: expected unit codes of the data set; unknown: "
            f"{', '.join(map(str, unknown))}"
        )
    for u, inc in force.items():
        if not isinstance(inc, bool | np.bool_):
            raise CompositeError(f"screen: force[{u!r}]: expected True or False; got {inc!r}")

    x = data.to_numpy(dtype=np.float64, na_value=np.nan)
    m = x.shape[1]
    missing = np.isnan(x)
    n_missing = missing.sum(axis=1)
    n_zero = (x == 0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dat_avail = 1 - n_missing / m
        non_zero = 1 - n_zero / (m - n_missing)
    low_data = _lt(dat_avail, dat_thresh)
    low_nonzero = _lt(non_zero, nonzero_thresh)
    low_either = _or(low_data, low_nonzero)
    flag = {"na": low_data, "zeros": low_nonzero, "na_and_zeros": low_either}[_BY[by]]
    included = pd.array([None if f is None else not f for f in flag], dtype="boolean")
    for u, inc in force.items():
        if inc:
            included[data.index.get_loc(u)] = True
    for u, inc in force.items():
        if not inc:
            included[data.index.get_loc(u)] = False

    summary = pd.DataFrame(
        {
            "N_missing": n_missing.astype(np.int64),
            "N_zero": n_zero.astype(np.int64),
            "N_miss_or_zero": (n_missing + n_zero).astype(np.int64),
            "Dat_Avail": dat_avail,
            "Non_Zero": non_zero,
            "LowData": pd.array(low_data, dtype="boolean"),
            "LowNonZero": pd.array(low_nonzero, dtype="boolean"),
            "LowDatOrZeroFlag": pd.array(low_either, dtype="boolean"),
            "Included": included,
        },
        index=data.index.copy(),
    )
    keep = [i for i, inc in enumerate(included) if inc is pd.NA or bool(inc)]
    na_rows = [i for i, inc in enumerate(included) if inc is pd.NA]
    out = data.iloc[keep].copy()
    if na_rows:
        labels = [np.nan if i in na_rows else data.index[i] for i in keep]
        out.index = pd.Index(labels, name=data.index.name)
        out.iloc[[keep.index(i) for i in na_rows]] = np.nan
    removed: list[str | None] = [
        None if inc is pd.NA else data.index[i]
        for i, inc in enumerate(included)
        if inc is pd.NA or not bool(inc)
    ]
    return ScreenResult(out, summary, removed)


def _lt(values: np.ndarray, threshold: float) -> list[bool | None]:
    return [None if np.isnan(v) else bool(v < threshold) for v in values]


def _or(a: list[bool | None], b: list[bool | None]) -> list[bool | None]:
    out: list[bool | None] = []
    for p, q in zip(a, b, strict=True):
        if p is True or q is True:
            out.append(True)
        elif p is None or q is None:
            out.append(None)
        else:
            out.append(False)
    return out
