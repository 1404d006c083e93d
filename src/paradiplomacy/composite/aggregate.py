"""Aggregation through the hierarchy, exactly for one build and batched for thousands of runs.

Level by level (COMPOSITE-METHODS.md section 8.1): the codes at level ``L-1`` are grouped by
parent, groups in collation order of the parent code; each group's columns are aggregated row by
row and the new columns are appended in group order.

Methods (``w`` are the children's weights, ``x`` a unit's available children values):

* ``arithmetic`` (COINr ``a_amean``): missing children are dropped with their weights, the
  weights are re-normalised per unit, ``y = sum(w/sum(w) * x)`` (exact sums).
* ``geometric`` (``a_gmean``): ``y = exp(sum(w ln(x + offset)) / sum(w))``. Rule for zeros: any
  available ``x + offset <= 0`` is an error that names the unit and group (COINr's rule); set
  ``offset`` (default 0) or normalise to a range above zero, e.g. minmax ``range: [1, 100]``.
* ``harmonic`` (``a_hmean``): ``y = sum(w) / sum(w/x)``; an available zero is an error.
* ``generalised`` (``a_genmean``, parameter ``power`` p != 0): ``y = (sum(w x^p)/sum(w))^(1/p)``;
  any missing child makes the result missing; p < 0 with x <= 0 is an error.
* ``copeland`` (``a_copeland``, a whole-table method): for units i, j,
  ``O_ij = sum_{c: x_ic > x_jc} w_c + 1/2 sum_{c: x_ic = x_jc} w_c`` (weights normalised to 1,
  comparisons with a missing value count nothing), ``O_ji = 1 - O_ij``; the score is the row sum
  of sign(O - 1/2). COINr 1.1.14 cannot reach it through ``Aggregate()``; here it can.

``dat_thresh``: if a unit has fewer than ``dat_thresh * k`` of a group's ``k`` children
(strictly), its aggregate is missing. References: OECD/JRC Handbook on Constructing Composite
Indicators (2008), section 6; COINr 1.1.14 ``Aggregate``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import CompositeError
from .framework import Framework

METHODS = ("arithmetic", "geometric", "harmonic", "generalised", "copeland")
ALIASES = {
    "a_amean": "arithmetic",
    "amean": "arithmetic",
    "mean": "arithmetic",
    "a_gmean": "geometric",
    "gmean": "geometric",
    "a_hmean": "harmonic",
    "hmean": "harmonic",
    "a_genmean": "generalised",
    "generalized": "generalised",
    "genmean": "generalised",
    "a_copeland": "copeland",
}


def method_name(name: str) -> str:
    """The canonical method name for ``name`` (COINr's ``a_*`` names are accepted)."""
    canonical = ALIASES.get(name, name)
    if canonical not in METHODS:
        raise CompositeError(
            f"aggregate: method: expected one of {', '.join(METHODS)}, got '{name}'"
        )
    return canonical


@dataclass(frozen=True)
class LevelSpec:
    """How one level is aggregated: method, its parameters and the data threshold."""

    method: str = "arithmetic"
    power: float | None = None
    offset: float = 0.0
    dat_thresh: float | None = None


def per_level(value: Any, n_levels: int, name: str) -> list[Any]:
    """Expand a scalar or a per-level list (levels 2..max) to one value per level."""
    if isinstance(value, (list, tuple)):
        if len(value) != n_levels:
            raise CompositeError(
                f"aggregate: {name}: expected one value or {n_levels} (one per level from "
                f"level 2 up), got {len(value)}"
            )
        return list(value)
    return [value] * n_levels


def level_specs(
    framework: Framework,
    method: str | Sequence[str] = "arithmetic",
    power: float | Sequence[float | None] | None = None,
    offset: float | Sequence[float] = 0.0,
    dat_thresh: float | Sequence[float | None] | None = None,
) -> list[LevelSpec]:
    """One :class:`LevelSpec` per aggregation level (levels 2..max)."""
    n = framework.max_level - 1
    specs = []
    for m, p, o, t in zip(
        per_level(method, n, "method"),
        per_level(power, n, "power"),
        per_level(offset, n, "offset"),
        per_level(dat_thresh, n, "dat_thresh"),
        strict=True,
    ):
        m = method_name(m)
        if m == "generalised" and (p is None or p == 0):
            raise CompositeError("aggregate: power: expected a non-zero number for 'generalised'")
        if t is not None and not 0 <= float(t) <= 1:
            raise CompositeError(f"aggregate: dat_thresh: expected a fraction in [0, 1], got {t}")
        specs.append(LevelSpec(m, None if p is None else float(p), float(o), t))
    return specs


def _check_weights(parent: str, children: Sequence[str], w: np.ndarray) -> None:
    if np.any(np.isnan(w)):
        missing = [c for c, v in zip(children, w, strict=True) if math.isnan(v)]
        raise CompositeError(f"aggregate: no weight for {', '.join(missing)} (group '{parent}')")


def _aggregate_row(x: np.ndarray, w: np.ndarray, spec: LevelSpec, unit: str, parent: str) -> float:
    available = ~np.isnan(x)
    if spec.method == "generalised":
        if not available.all():
            return math.nan
        p = float(spec.power)  # type: ignore[arg-type]
        if p < 0 and np.any(x <= 0):
            raise CompositeError(
                f"aggregate: generalised mean with power {p} needs positive values; unit "
                f"'{unit}', group '{parent}' has {x.min():g}"
            )
        return (math.fsum(w * x**p) / math.fsum(w)) ** (1 / p)
    xs, ws = x[available], w[available]
    if xs.size == 0:
        return math.nan
    if spec.method == "arithmetic":
        total = math.fsum(ws)
        if total == 0:
            return math.nan
        return math.fsum((ws / total) * xs)
    if spec.method == "geometric":
        shifted = xs + spec.offset
        if np.any(shifted <= 0):
            raise CompositeError(
                f"aggregate: geometric mean needs values above zero; unit '{unit}', group "
                f"'{parent}' has {shifted.min():g}. Normalise to a range above zero (e.g. "
                "minmax range [1, 100]) or set an offset"
            )
        return math.exp(math.fsum(ws * np.log(shifted)) / math.fsum(ws))
    if spec.method == "harmonic":
        if np.any(xs == 0):
            raise CompositeError(
                "aggregate: harmonic mean is undefined with a zero; "
                f"unit '{unit}', group '{parent}'"
            )
        return math.fsum(ws) / math.fsum(ws / xs)
    raise AssertionError(spec.method)


def copeland(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Copeland scores of the rows of ``x`` (units x children), section 8.3."""
    w = w / w.sum()
    a, b = x[:, None, :], x[None, :, :]
    valid = ~(np.isnan(a) | np.isnan(b))
    greater = ((a > b) & valid) @ w
    equal = ((a == b) & valid) @ w
    o = greater + 0.5 * equal
    upper = np.triu(np.ones_like(o, dtype=bool), 1)
    o = np.where(upper, o, 0.0)
    o = o + np.where(upper.T, 1.0 - o.T, 0.0)
    s = np.sign(o - 0.5)
    np.fill_diagonal(s, 0.0)
    return s.sum(axis=1)


def aggregate(
    data: pd.DataFrame,
    framework: Framework,
    weights: pd.Series | Mapping[int, pd.Series] | None = None,
    specs: Sequence[LevelSpec] | None = None,
) -> pd.DataFrame:
    """Aggregate a normalised data set up to the top level (COINr ``Aggregate``).

    Args:
        data: indicators by unit (``uCode`` index), e.g. the ``Normalised`` stage.
        framework: the hierarchy.
        weights: one Series (code -> weight) for every level, or a mapping level -> Series
            (levels 2..max: the weights of the children aggregated at that level); default the
            framework's ``iMeta`` weights. Weights are re-normalised within each group.
        specs: one :class:`LevelSpec` per level from 2 up; default arithmetic everywhere.

    Returns:
        ``data`` with the aggregates appended in COINr's column order.
    """
    specs = list(specs) if specs is not None else level_specs(framework)
    if len(specs) != framework.max_level - 1:
        raise CompositeError(
            f"aggregate: expected {framework.max_level - 1} level specs, got {len(specs)}"
        )
    out = {c: data[c].to_numpy(dtype=float) for c in data.columns}
    order = list(data.columns)
    units = list(data.index)
    for level in range(2, framework.max_level + 1):
        spec = specs[level - 2]
        level_weights = _weights_for(weights, level, framework)
        for parent, children in framework.groups(level - 1):
            missing = [c for c in children if c not in out]
            if missing:
                raise CompositeError(
                    f"aggregate: group '{parent}' needs column(s) {', '.join(missing)} which the "
                    "data set lacks (were they screened out?)"
                )
            x = np.column_stack([out[c] for c in children])
            w = np.array([level_weights.get(c, np.nan) for c in children], dtype=float)
            _check_weights(parent, children, w)
            if spec.method == "copeland":
                y = copeland(x, w)
            else:
                y = np.array(
                    [_aggregate_row(x[i], w, spec, units[i], parent) for i in range(len(units))]
                )
            if spec.dat_thresh is not None:
                share = (~np.isnan(x)).sum(axis=1) / len(children)
                y = np.where(share < float(spec.dat_thresh), np.nan, y)
            out[parent] = y
            order.append(parent)
    return pd.DataFrame({c: out[c] for c in order}, index=data.index)


def _weights_for(
    weights: pd.Series | Mapping[int, pd.Series] | None, level: int, framework: Framework
) -> pd.Series:
    if weights is None:
        return framework.weights
    if isinstance(weights, pd.Series):
        return weights
    return weights.get(level, framework.weights)


# --- Batched aggregation for uncertainty and sensitivity runs --------------------------------


@dataclass(frozen=True)
class Plan:
    """The aggregation groups as column positions, computed once per framework and column set.

    ``columns`` lists the codes in output order; ``groups[L-2]`` holds (parent position,
    children positions, children codes) for level ``L``.
    """

    columns: tuple[str, ...]
    n_inputs: int
    groups: tuple[tuple[tuple[int, tuple[int, ...], tuple[str, ...]], ...], ...]

    @classmethod
    def of(cls, framework: Framework, input_columns: Sequence[str]) -> Plan:
        columns = list(input_columns)
        position = {c: i for i, c in enumerate(columns)}
        levels = []
        for level in range(2, framework.max_level + 1):
            groups = []
            for parent, children in framework.groups(level - 1):
                missing = [c for c in children if c not in position]
                if missing:
                    raise CompositeError(
                        f"aggregate: group '{parent}' needs column(s) {', '.join(missing)}"
                    )
                position[parent] = len(columns)
                columns.append(parent)
                groups.append(
                    (position[parent], tuple(position[c] for c in children), tuple(children))
                )
            levels.append(tuple(groups))
        return cls(tuple(columns), len(input_columns), tuple(levels))


class AggregationFailed(CompositeError):
    """A run's aggregation is undefined (e.g. a geometric mean meets a value <= 0)."""


def aggregate_batch(
    x: np.ndarray, plan: Plan, weights: np.ndarray, specs: Sequence[LevelSpec]
) -> np.ndarray:
    """Aggregate many runs at once.

    Args:
        x: indicator values, (units, inputs) shared by every run or (runs, units, inputs).
        plan: the groups, from :meth:`Plan.of`.
        weights: (runs, len(plan.columns)) weights by column position.
        specs: one :class:`LevelSpec` per level from 2 up, the same for every run.

    Returns:
        (runs, units, len(plan.columns)) values. A run whose aggregation is undefined (a value
        <= 0 in a geometric mean, a zero in a harmonic one) is all NaN, as COINr treats a run
        that raises an error. Sums here are ordinary floating-point sums, not the exact sums of
        :func:`aggregate`, so values may differ from a single build in the last bits.
    """
    runs = weights.shape[0]
    n_units = x.shape[-2]
    out = np.full((runs, n_units, len(plan.columns)), np.nan)
    out[:, :, : plan.n_inputs] = x if x.ndim == 3 else x[None, :, :]
    failed = np.zeros(runs, dtype=bool)
    for spec, groups in zip(specs, plan.groups, strict=True):
        for parent, children, _codes in groups:
            values = out[:, :, list(children)]  # (runs, units, k)
            w = weights[:, list(children)]  # (runs, k)
            y, bad = _batch_group(values, w, spec)
            failed |= bad
            if spec.dat_thresh is not None:
                share = (~np.isnan(values)).sum(axis=2) / len(children)
                y = np.where(share < float(spec.dat_thresh), np.nan, y)
            out[:, :, parent] = y
    out[failed] = np.nan
    return out


def _batch_group(
    values: np.ndarray, w: np.ndarray, spec: LevelSpec
) -> tuple[np.ndarray, np.ndarray]:
    available = ~np.isnan(values)
    filled = np.where(available, values, 0.0)
    wa = available * w[:, None, :]
    total = wa.sum(axis=2)
    no_bad = np.zeros(values.shape[0], dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        if spec.method == "arithmetic":
            y = np.einsum("ruk,rk->ru", filled, w) / total
            return np.where(total > 0, y, np.nan), no_bad
        if spec.method == "geometric":
            shifted = filled + spec.offset
            bad = (available & (shifted <= 0)).any(axis=(1, 2))
            logs = np.where(available, np.log(np.where(shifted > 0, shifted, 1.0)), 0.0)
            y = np.exp(np.einsum("ruk,rk->ru", logs, w) / total)
            return np.where(available.any(axis=2), y, np.nan), bad
        if spec.method == "harmonic":
            bad = (available & (filled == 0)).any(axis=(1, 2))
            inv = np.where(available & (filled != 0), 1.0 / np.where(filled == 0, 1, filled), 0)
            y = total / np.einsum("ruk,rk->ru", inv, w)
            return np.where(available.any(axis=2), y, np.nan), bad
        if spec.method == "generalised":
            p = float(spec.power)  # type: ignore[arg-type]
            bad = (p < 0) & (available & (filled <= 0)).any(axis=(1, 2))
            y = (np.einsum("ruk,rk->ru", filled**p, w) / w.sum(axis=1)[:, None]) ** (1 / p)
            return np.where(available.all(axis=2), y, np.nan), bad
    # Copeland: one comparison table per run.
    y = np.stack([copeland(values[r], w[r]) for r in range(values.shape[0])])
    return y, no_bad
