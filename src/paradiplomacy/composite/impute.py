"""Impute missing values (COMPOSITE-METHODS.md section 4; COINr ``Impute``).

Methods (non-missing values are never altered):

* ``none``: leave the data untouched.
* ``mean``: replace missing values by the two-pass mean of the non-missing values
  (``primitives.r_mean``, R's ``mean``).
* ``median``: replace them by the median (``primitives.r_median``).
* ``mean_group`` / ``median_group`` (column mode only): the same inside each group of
  ``groups`` (a unit → group Series). Units whose group is missing are left exactly as they
  are; a group in which the indicator is entirely missing yields NaN for its units (the mean or
  median of an empty set: nothing falls back to the overall value). It is an error if every
  group is missing.

Modes:

* ``by="column"`` (default): the method runs on each column. An entirely missing column is
  returned unchanged with a warning.
* ``by="row"``: ``mean``/``median`` run on each row (an entirely missing row is left with a
  warning). ``normalise_first`` defaults to True here: each column is multiplied by its
  direction (``directions``, ±1) and min-max scaled, ``z = (x − min)/(max − min)``; the row
  method runs on ``z``; values come back as ``(z·(max − min) + min)·direction``. A column of zero
  range therefore becomes all-NaN during the row step (COINr behaviour).
* ``blocks``: lists of columns (e.g. the indicators of each pillar, COINr's ``group_level``) that
  are imputed separately; they must partition the columns.

Rules applied to each (block of the) data set, as COINr's ``Impute.data.frame``:

1. Short cut: without any missing value the data are returned unchanged.
2. After imputing, it is an error if an originally non-missing value changed by more than
   R's ``all.equal`` tolerance (mean relative difference 1.5e-8) or became missing.
3. The original non-missing values are copied back bit for bit.
4. A warning reports how many missing values remain.

Reference: OECD/JRC Handbook on Constructing Composite Indicators (2008), section 1.3.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .errors import CompositeError
from .primitives import r_mean, r_median

__all__ = ["ImputeResult", "impute"]

_METHODS = ("none", "mean", "median", "mean_group", "median_group")
_ALL_EQUAL_TOLERANCE = 1.5e-8


@dataclass(frozen=True)
class ImputeResult:
    """The imputed data set, the number of missing values filled, and the warnings raised."""

    data: pd.DataFrame
    n_imputed: int
    warnings: list[str] = field(default_factory=list)


def impute(
    data: pd.DataFrame,
    method: str = "mean",
    by: str = "column",
    groups: pd.Series | None = None,
    directions: pd.Series | None = None,
    normalise_first: bool | None = None,
    blocks: Sequence[Sequence[str]] | None = None,
) -> ImputeResult:
    """Impute missing values of ``data`` (see the module docstring for methods and rules).

    ``groups`` (unit → group, indexed by uCode) is required by ``mean_group``/``median_group``
    and used only by them. ``directions`` (column → ±1) is required when normalising first.
    """
    if method not in _METHODS:
        raise CompositeError(
            f"impute: method: expected one of {', '.join(_METHODS)}; got {method!r}"
        )
    if by not in ("column", "row"):
        raise CompositeError(f"impute: by: expected 'column' or 'row'; got {by!r}")
    grouped = method.endswith("_group")
    if grouped and by == "row":
        raise CompositeError(f"impute: method {method!r} works by column only; got by='row'")
    if grouped and groups is None:
        raise CompositeError(f"impute: method {method!r} needs groups (unit → group); got None")
    if groups is not None and not grouped:
        raise CompositeError(
            f"impute: groups are used only by mean_group/median_group; got method {method!r}"
        )
    if normalise_first is None:
        normalise_first = by == "row"
    group_values = _align_groups(groups, data.index) if grouped else None
    column_blocks = _check_blocks(blocks, list(data.columns))
    dirs = _directions(directions, list(data.columns)) if normalise_first else None

    values = data.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    messages: list[str] = []
    rows = [str(u) for u in data.index]
    for cols in column_blocks:
        idx = [data.columns.get_loc(c) for c in cols]
        block_dirs = dirs[idx] if dirs is not None else None
        values[:, idx] = _impute_frame(
            values[:, idx],
            [str(c) for c in cols],
            method,
            by,
            rows,
            group_values,
            block_dirs,
            messages,
        )
    out = pd.DataFrame(values, index=data.index.copy(), columns=data.columns.copy())
    n_imputed = int((data.isna().to_numpy() & ~np.isnan(values)).sum())
    return ImputeResult(out, n_imputed, messages)


def _align_groups(groups: pd.Series, index: pd.Index) -> NDArray[np.object_]:
    absent = index.difference(groups.index, sort=False)
    if len(absent):
        raise CompositeError(
            f"impute: groups: every unit needs an entry (missing values allowed); "
            f"absent: {', '.join(map(str, absent[:10]))}"
        )
    g = groups[~groups.index.duplicated()].reindex(index)
    if g.isna().all():
        raise CompositeError("impute: groups: expected at least one non-missing group; all missing")
    return g.to_numpy(dtype=object)


def _check_blocks(blocks: Sequence[Sequence[str]] | None, columns: list) -> list[list]:
    if blocks is None:
        return [columns]
    seen: dict = {}
    for i, block in enumerate(blocks):
        if isinstance(block, str):
            raise CompositeError(f"impute: blocks[{i}]: expected a list of columns; got {block!r}")
        for c in block:
            if c not in columns:
                raise CompositeError(f"impute: blocks[{i}]: unknown column {c!r}")
            if c in seen:
                raise CompositeError(f"impute: blocks: column {c!r} is in more than one block")
            seen[c] = i
    left = [c for c in columns if c not in seen]
    if left:
        raise CompositeError(
            f"impute: blocks: every column must be in a block; not covered: "
            f"{', '.join(map(str, left))}"
        )
    return [list(b) for b in blocks if len(b)]


def _directions(directions: pd.Series | None, columns: list) -> NDArray[np.float64]:
    if directions is None:
        raise CompositeError(
            "impute: directions: normalising first (the default when by='row') needs a "
            "direction (±1) for every column; got None"
        )
    absent = [c for c in columns if c not in directions.index]
    if absent:
        raise CompositeError(f"impute: directions: no direction for {', '.join(map(str, absent))}")
    d = directions.reindex(columns).to_numpy(dtype=np.float64, na_value=np.nan)
    bad = [c for c, v in zip(columns, d, strict=True) if v not in (-1.0, 1.0)]
    if bad:
        raise CompositeError(f"impute: directions: expected -1 or 1; bad for {', '.join(bad)}")
    return d


def _impute_frame(
    x: NDArray[np.float64],
    names: list[str],
    method: str,
    by: str,
    rows: list[str],
    groups: NDArray[np.object_] | None,
    dirs: NDArray[np.float64] | None,
    messages: list[str],
) -> NDArray[np.float64]:
    """COINr's ``Impute.data.frame`` on one block; returns a new array."""
    missing = np.isnan(x)
    if not missing.any():
        return x.copy()
    if dirs is not None:
        xs = x * dirs
        with np.errstate(all="ignore"):
            mins = _col_extreme(xs, np.nanmin)
            maxs = _col_extreme(xs, np.nanmax)
            work = (xs - mins) / (maxs - mins)
    else:
        work = x.copy()
    imputer = _IMPUTERS[method]
    if by == "column":
        for j in range(work.shape[1]):
            where = f"column {names[j]}"
            work[:, j] = _impute_vector(work[:, j], method, imputer, groups, where, messages)
    else:
        for i in range(work.shape[0]):
            where = f"unit {rows[i]}"
            work[i, :] = _impute_vector(work[i, :], method, imputer, None, where, messages)
    if dirs is not None:
        work = (work * (maxs - mins) + mins) * dirs
    _check_unchanged(work, x, missing, names)
    work[~missing] = x[~missing]
    remaining = int(np.isnan(work).sum())
    if remaining:
        messages.append(f"impute: {remaining} missing value(s) remain after imputation")
    return work


def _col_extreme(a: NDArray[np.float64], fn: Callable) -> NDArray[np.float64]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(a, axis=0)


def _impute_vector(
    v: NDArray[np.float64],
    method: str,
    imputer: Callable,
    groups: NDArray[np.object_] | None,
    where: str,
    messages: list[str],
) -> NDArray[np.float64]:
    """COINr's ``Impute.numeric``: all-missing input is left (with a warning), then the method."""
    nas = np.isnan(v)
    if nas.all():
        messages.append(f"impute: {where} is entirely missing and was left as it is")
        return v
    if method == "none" or not nas.any():
        return v
    out = imputer(v, groups)
    if not np.array_equal(out[~nas], v[~nas]):  # pragma: no cover - the imputers never do this
        raise CompositeError(f"impute: {where}: a non-missing value changed while imputing")
    return out


def _fill(
    v: NDArray[np.float64], stat: Callable[[NDArray[np.float64]], float]
) -> NDArray[np.float64]:
    out = v.copy()
    out[np.isnan(out)] = stat(v)
    return out


def _fill_grouped(
    v: NDArray[np.float64], groups: NDArray[np.object_], stat: Callable
) -> NDArray[np.float64]:
    out = v.copy()
    known = ~pd.isna(groups)
    labels = pd.unique(groups[known])
    for g in labels:
        members = known & (groups == g)
        # The statistic of an empty group is NaN, so its missing values stay missing.
        value = stat(v[members]) if (~np.isnan(v[members])).any() else math.nan
        fill = members & np.isnan(v)
        out[fill] = value
    return out


_IMPUTERS: dict[str, Callable] = {
    "none": lambda v, g: v,
    "mean": lambda v, g: _fill(v, r_mean),
    "median": lambda v, g: _fill(v, r_median),
    "mean_group": lambda v, g: _fill_grouped(v, g, r_mean),
    "median_group": lambda v, g: _fill_grouped(v, g, r_median),
}


def _check_unchanged(
    imputed: NDArray[np.float64],
    original: NDArray[np.float64],
    missing: NDArray[np.bool_],
    names: list[str],
) -> None:
    """R's ``all.equal(imputed, original)`` restricted to the originally non-missing cells."""
    for j, name in enumerate(names):
        keep = ~missing[:, j]
        target = imputed[keep, j]
        current = original[keep, j]
        if np.isnan(target).any():
            raise CompositeError(
                f"impute: column {name}: a non-missing value became missing while imputing "
                "(e.g. a zero-range column normalised first)"
            )
        differ = target != current
        if not differ.any():
            continue
        t, c = target[differ], current[differ]
        with np.errstate(all="ignore"):
            xy = np.mean(np.abs(t - c))
            xn = np.mean(np.abs(t))
            if np.isfinite(xn) and xn > _ALL_EQUAL_TOLERANCE:
                xy = xy / xn
        if not (xy <= _ALL_EQUAL_TOLERANCE):
            raise CompositeError(
                f"impute: column {name}: non-missing values changed while imputing "
                f"(mean difference {xy:.3g} > {_ALL_EQUAL_TOLERANCE})"
            )
