"""Normalise indicators onto a common scale (COMPOSITE-METHODS.md section 7; COINr ``Normalise``).

**Direction first** (§7.1): every column is multiplied by its direction (±1) and the method only
ever sees ``x = direction · raw``; nothing is flipped back, so "higher is better" holds after
normalisation. Missing values pass through every method; min, max, mean and sd ignore them.

Methods (our name: formula; YAML parameters with defaults → COINr ``f_n_para``):

* ``minmax``: ``(x − min)/(max − min)·(u − l) + l``; ``range: [l, u]`` ([0, 100]) → ``l_u``.
* ``zscore``: ``(x − mean)/sd·s + m``, sd with n − 1 (exact two-pass mean and sum of squares);
  ``mean: m`` (0), ``sd: s`` (1, must be > 0) → ``m_sd = c(m, s)``.
* ``scaled``: ``(x − lower)/(upper − lower)·scale_factor``; ``lower`` (0), ``upper`` (100)
  → ``npara``; ``scale_factor`` (100) → ``scale_factor``.
* ``dist2max``: ``1 − (max − x)/(max − min)``.
* ``dist2ref``: ``1 − (x_ref − x)/(x_ref − min)``; ``ref`` (a uCode, required) → ``iref``, the
  row position of that unit in the data set; ``cap_max`` (false).
* ``dist2targ``: direction 1: ``(x − min)/(targ − min)``, direction −1:
  ``(max − x)/(max − targ)``; ``target`` → ``targ``; ``direction`` (1); ``cap_max`` (false).
* ``fracmax``: ``x / max``.
* ``rank``: ``rank_min(x)`` (the best value gets the highest number); ``borda``:
  ``rank_min(x) − 1``; ``prank``: ``(rank_min(x) − 1)/(n_nonmissing − 1)``.
* ``goalposts``: direction 1: ``y = (x − lower)/(upper − lower)``, direction −1:
  ``y = (x − upper)/(lower − upper)``; truncated to [0, 1] if ``trunc``; times ``scale``;
  ``lower``, ``upper``, ``scale`` (all required) → ``gposts``; ``direction`` (1);
  ``trunc`` (true) → ``trunc2posts``.
* ``none``: the direction-adjusted values.

``cap_max`` sets values above 1 to 1. The ``direction`` parameter of dist2targ and goalposts is a
function parameter, not the indicator direction (which has already been applied). A zero range
gives NaN with a warning (minmax, dist2max). ``fracmax`` has no safeguard: after a −1 flip the
maximum is often ≤ 0, giving ±Inf or NaN (COINr behaviour). COINr's names (``n_minmax``, …) are
accepted as method names.

**Choosing the specification** (§7.1): ``method``/``params`` is the global specification and
replaces the default (minmax on [0, 100]) as a whole; ``individual[col] = {method: …, <params>}``
replaces it for that column, again without merging (a missing ``method`` means minmax, as
COINr's default function).

**Parameters from iMeta** (§7.3): ``params = {use_imeta: true}`` builds one specification per
indicator from ``imeta`` columns, flipping them by the iMeta ``Direction`` D because the data
arrive multiplied by D:

* minmax: ``range = (minmax_lower, minmax_upper)``; zscore: ``(zscore_mean, zscore_sd)``;
* scaled: ``(scaled_lower, scaled_upper)``, or ``(−scaled_upper, −scaled_lower)`` if D = −1, and
  ``scale_factor``;
* dist2targ: ``target = Target·D``; ``cap_max = dist2targ_cap_max`` (False, with a warning, if
  that column is absent);
* goalposts: ``(goalpost_lower, goalpost_upper, goalpost_scale)``, or ``(−upper, −lower, scale)``
  if D = −1; ``trunc = goalpost_trunc2posts``.

Quirk reproduced: as in COINr, ``use_imeta`` discards ``individual`` (a warning says so).
Outside ``use_imeta``, a dist2targ specification without ``target`` takes each indicator's
``Target·D`` from ``imeta`` in the same way.

Reference: OECD/JRC Handbook on Constructing Composite Indicators (2008), section 1.5 and
table 3 (normalisation methods).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .errors import CompositeError
from .primitives import r_mean, r_sd, rank_min_rows

__all__ = ["METHODS", "normalise"]

_REQUIRED = object()
_IMETA = object()  # target taken from iMeta when not given

METHODS: dict[str, dict[str, Any]] = {
    "minmax": {"range": (0.0, 100.0)},
    "zscore": {"mean": 0.0, "sd": 1.0},
    "scaled": {"lower": 0.0, "upper": 100.0, "scale_factor": 100.0},
    "dist2max": {},
    "dist2ref": {"ref": _REQUIRED, "cap_max": False},
    "dist2targ": {"target": _IMETA, "direction": 1, "cap_max": False},
    "fracmax": {},
    "rank": {},
    "borda": {},
    "prank": {},
    "goalposts": {
        "lower": _REQUIRED,
        "upper": _REQUIRED,
        "scale": _REQUIRED,
        "direction": 1,
        "trunc": True,
    },
    "none": {},
}

_IMETA_COLUMNS = {
    "minmax": ("minmax_lower", "minmax_upper"),
    "zscore": ("zscore_mean", "zscore_sd"),
    "scaled": ("scaled_lower", "scaled_upper", "scale_factor", "Direction"),
    "dist2targ": ("Target", "Direction"),
    "goalposts": (
        "goalpost_lower",
        "goalpost_upper",
        "goalpost_scale",
        "goalpost_trunc2posts",
        "Direction",
    ),
}

Spec = tuple[str, dict[str, Any]]


def normalise(
    data: pd.DataFrame,
    directions: pd.Series,
    method: str = "minmax",
    params: Mapping[str, Any] | None = None,
    individual: Mapping[str, Mapping[str, Any]] | None = None,
    imeta: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Normalise every column of ``data`` (see the module docstring for methods and rules).

    ``directions``: column → ±1 (every column needs one). ``imeta``: the indicator metadata
    (``iCode`` column or index; ``Type``, ``Direction``, ``Target`` and the parameter columns),
    needed by ``use_imeta`` and by dist2targ without ``target``.
    """
    columns = list(data.columns)
    dirs = _directions(directions, columns)
    meta = _imeta_table(imeta)
    params = dict(params or {})
    if params.get("use_imeta") is False:
        del params["use_imeta"]
    if "use_imeta" in params:
        if params != {"use_imeta": True}:
            raise CompositeError(
                f"normalise: params: use_imeta must be the only parameter and true; got {params!r}"
            )
        if individual:
            warnings.warn(
                "normalise: use_imeta replaces the individual specifications (COINr behaviour); "
                "individual was ignored",
                UserWarning,
                stacklevel=2,
            )
        specs = _imeta_specs(_canonical(method, "method"), columns, meta, dirs)
    else:
        global_spec = _spec_from(method, params, "normalise")
        specs = {c: global_spec for c in columns}
        for col, ind in (individual or {}).items():
            if col not in data.columns:
                raise CompositeError(f"normalise: individual: unknown column {col!r}")
            if not isinstance(ind, Mapping):
                raise CompositeError(
                    f"normalise: individual[{col!r}]: expected a mapping with method and "
                    f"parameters; got {ind!r}"
                )
            rest = {k: v for k, v in ind.items() if k != "method"}
            specs[col] = _spec_from(ind.get("method", "minmax"), rest, f"individual[{col!r}]")

    x = data.to_numpy(dtype=np.float64, na_value=np.nan) * dirs
    out = np.empty_like(x)
    by_method: dict[str, list[int]] = {}
    for j, c in enumerate(columns):
        by_method.setdefault(specs[c][0], []).append(j)
    for name, idx in by_method.items():
        cols = [columns[j] for j in idx]
        resolved = [
            _resolve(name, specs[c][1], c, data.index, meta, dirs[j])
            for c, j in zip(cols, idx, strict=True)
        ]
        out[:, idx] = _FUNCTIONS[name](x[:, idx], resolved, cols)
    return pd.DataFrame(out, index=data.index.copy(), columns=data.columns.copy())


def _canonical(method: Any, where: str) -> str:
    name = method[2:] if isinstance(method, str) and method.startswith("n_") else method
    if name not in METHODS:
        raise CompositeError(
            f"normalise: {where}: expected one of {', '.join(METHODS)}; got {method!r}"
        )
    return name


def _spec_from(method: Any, params: Mapping[str, Any], where: str) -> Spec:
    name = _canonical(method, f"{where}: method")
    allowed = METHODS[name]
    bad = [k for k in params if k not in allowed]
    if bad:
        raise CompositeError(
            f"normalise: {where}: method {name} takes "
            f"{', '.join(allowed) if allowed else 'no parameters'}; got {', '.join(map(str, bad))}"
        )
    merged = {**allowed, **params}
    missing = [k for k, v in merged.items() if v is _REQUIRED]
    if missing:
        raise CompositeError(
            f"normalise: {where}: method {name} needs {', '.join(missing)}; not given"
        )
    return name, merged


def _directions(directions: pd.Series, columns: list) -> NDArray[np.float64]:
    if directions is None:
        raise CompositeError("normalise: directions: expected a Series column → ±1; got None")
    absent = [c for c in columns if c not in directions.index]
    if absent:
        raise CompositeError(
            f"normalise: directions: every column needs a direction; none for "
            f"{', '.join(map(str, absent))}"
        )
    d = directions[~directions.index.duplicated()].reindex(columns)
    values = d.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = [str(c) for c, v in zip(columns, values, strict=True) if v not in (-1.0, 1.0)]
    if bad:
        raise CompositeError(f"normalise: directions: expected -1 or 1; bad for {', '.join(bad)}")
    return values


def _imeta_table(imeta: pd.DataFrame | None) -> pd.DataFrame | None:
    if imeta is None:
        return None
    meta = imeta.set_index("iCode") if "iCode" in imeta.columns else imeta
    if "Type" in meta.columns:
        meta = meta[meta["Type"] == "Indicator"]
    return meta[~meta.index.duplicated()]


def _imeta_specs(
    name: str, columns: list, meta: pd.DataFrame | None, dirs: NDArray[np.float64]
) -> dict[Any, Spec]:
    if name not in _IMETA_COLUMNS:
        raise CompositeError(
            f"normalise: use_imeta: supported for {', '.join(_IMETA_COLUMNS)}; got method {name}"
        )
    if meta is None:
        raise CompositeError("normalise: use_imeta: needs imeta (the indicator metadata); got None")
    required = _IMETA_COLUMNS[name]
    absent = [c for c in required if c not in meta.columns]
    if absent:
        raise CompositeError(
            f"normalise: use_imeta: method {name} needs iMeta column(s) {', '.join(absent)}"
        )
    no_row = [str(c) for c in columns if c not in meta.index]
    if no_row:
        raise CompositeError(
            f"normalise: use_imeta: no iMeta indicator row for {', '.join(no_row)}"
        )
    if name == "dist2targ" and "dist2targ_cap_max" not in meta.columns:
        warnings.warn(
            "normalise: use_imeta: iMeta has no dist2targ_cap_max column; cap_max taken as False",
            UserWarning,
            stacklevel=3,
        )
    specs: dict[Any, Spec] = {}
    for c in columns:
        row = meta.loc[c]
        d = _sign(row.get("Direction", 1), c)
        if name == "minmax":
            p = {"range": (row["minmax_lower"], row["minmax_upper"])}
        elif name == "zscore":
            p = {"mean": row["zscore_mean"], "sd": row["zscore_sd"]}
        elif name == "scaled":
            lo, up = row["scaled_lower"], row["scaled_upper"]
            lo, up = (-up, -lo) if d == -1 else (lo, up)
            p = {"lower": lo, "upper": up, "scale_factor": row["scale_factor"]}
        elif name == "dist2targ":
            cap = row["dist2targ_cap_max"] if "dist2targ_cap_max" in meta.columns else False
            p = {"target": row["Target"] * d, "cap_max": cap}
        else:
            lo, up = row["goalpost_lower"], row["goalpost_upper"]
            lo, up = (-up, -lo) if d == -1 else (lo, up)
            p = {
                "lower": lo,
                "upper": up,
                "scale": row["goalpost_scale"],
                "trunc": row["goalpost_trunc2posts"],
            }
        specs[c] = _spec_from(name, p, f"use_imeta[{c!r}]")
    return specs


def _sign(value: Any, col: Any) -> int:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if v not in (-1.0, 1.0):
        raise CompositeError(
            f"normalise: iMeta Direction of {col!r}: expected -1 or 1; got {value!r}"
        )
    return int(v)


def _num(value: Any, where: str, allow_nan: bool = False) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise CompositeError(f"normalise: {where}: expected a number; got {value!r}")
    v = float(value)
    if math.isnan(v) and not allow_nan:
        raise CompositeError(f"normalise: {where}: expected a number; got NaN")
    return v


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise CompositeError(f"normalise: {where}: expected true or false; got {value!r}")


def _resolve(
    name: str,
    p: dict[str, Any],
    col: Any,
    index: pd.Index,
    meta: pd.DataFrame | None,
    direction: float,
) -> dict[str, float]:
    """Validate one column's parameters and turn them into plain numbers."""
    w = f"{name} of {col!r}"
    if name == "minmax":
        rng = p["range"]
        if isinstance(rng, str) or not hasattr(rng, "__len__") or len(rng) != 2:
            raise CompositeError(f"normalise: {w}: range: expected [lower, upper]; got {rng!r}")
        return {"l": _num(rng[0], f"{w}: range"), "u": _num(rng[1], f"{w}: range")}
    if name == "zscore":
        sd = _num(p["sd"], f"{w}: sd")
        if not sd > 0:
            raise CompositeError(f"normalise: {w}: sd: expected a positive number; got {sd!r}")
        return {"m": _num(p["mean"], f"{w}: mean"), "s": sd}
    if name == "scaled":
        return {
            k: _num(p[k], f"{w}: {k}", allow_nan=True) for k in ("lower", "upper", "scale_factor")
        }
    if name == "dist2ref":
        ref = p["ref"]
        if not isinstance(ref, str) or ref not in index:
            raise CompositeError(
                f"normalise: {w}: ref: expected a uCode of the data set; got {ref!r}"
            )
        return {"iref": float(index.get_loc(ref)), "cap": _flag(p["cap_max"], f"{w}: cap_max")}
    if name == "dist2targ":
        target = p["target"]
        if target is _IMETA:
            if meta is None or "Target" not in meta.columns or col not in meta.index:
                raise CompositeError(
                    f"normalise: {w}: target: not given and no iMeta Target for this column"
                )
            d = _sign(meta.loc[col].get("Direction", direction), col)
            target = meta.loc[col, "Target"] * d
        return {
            "t": _num(target, f"{w}: target"),
            "d": _sign_param(p["direction"], f"{w}: direction"),
            "cap": _flag(p["cap_max"], f"{w}: cap_max"),
        }
    if name == "goalposts":
        return {
            "g1": _num(p["lower"], f"{w}: lower", allow_nan=True),
            "g2": _num(p["upper"], f"{w}: upper", allow_nan=True),
            "g3": _num(p["scale"], f"{w}: scale", allow_nan=True),
            "d": _sign_param(p["direction"], f"{w}: direction"),
            "trunc": _flag(p["trunc"], f"{w}: trunc"),
        }
    return {}


def _sign_param(value: Any, where: str) -> float:
    v = _num(value, where)
    if v not in (-1.0, 1.0):
        raise CompositeError(f"normalise: {where}: expected 1 or -1; got {value!r}")
    return v


def _col(resolved: list[dict[str, float]], key: str) -> NDArray[np.float64]:
    return np.array([r[key] for r in resolved], dtype=np.float64)


def _min_max(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Column min and max ignoring NaN; ``Inf``/``-Inf`` for an all-missing column, as R."""
    empty = np.isnan(x).all(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mn = np.nanmin(x, axis=0) if x.shape[0] else np.full(x.shape[1], np.nan)
        mx = np.nanmax(x, axis=0) if x.shape[0] else np.full(x.shape[1], np.nan)
    mn[empty] = np.inf
    mx[empty] = -np.inf
    return mn, mx


def _warn_zero_range(mn: NDArray, mx: NDArray, cols: list, name: str) -> None:
    zero = [str(c) for c, a, b in zip(cols, mn, mx, strict=True) if a == b]
    if zero:
        warnings.warn(
            f"normalise: {name}: the range of {', '.join(zero)} is 0; values are NaN",
            UserWarning,
            stacklevel=4,
        )


def _minmax(x: NDArray, r: list[dict], cols: list) -> NDArray:
    mn, mx = _min_max(x)
    _warn_zero_range(mn, mx, cols, "minmax")
    lo, up = _col(r, "l"), _col(r, "u")
    return (x - mn) / (mx - mn) * (up - lo) + lo


def _zscore(x: NDArray, r: list[dict], cols: list) -> NDArray:
    means = np.array([r_mean(x[:, j]) for j in range(x.shape[1])])
    sds = np.array([r_sd(x[:, j]) for j in range(x.shape[1])])
    return (x - means) / sds * _col(r, "s") + _col(r, "m")


def _scaled(x: NDArray, r: list[dict], cols: list) -> NDArray:
    lo, up = _col(r, "lower"), _col(r, "upper")
    return (x - lo) / (up - lo) * _col(r, "scale_factor")


def _dist2max(x: NDArray, r: list[dict], cols: list) -> NDArray:
    mn, mx = _min_max(x)
    _warn_zero_range(mn, mx, cols, "dist2max")
    return 1 - (mx - x) / (mx - mn)


def _cap(y: NDArray, cap: NDArray) -> NDArray:
    return np.where(cap.astype(bool) & (y > 1), 1.0, y)


def _dist2ref(x: NDArray, r: list[dict], cols: list) -> NDArray:
    mn, _ = _min_max(x)
    pos = _col(r, "iref").astype(np.int64)
    xref = x[pos, np.arange(x.shape[1])]
    if np.isnan(xref).any():
        warnings.warn(
            "normalise: dist2ref: the reference value is missing; values are NaN",
            UserWarning,
            stacklevel=4,
        )
    return _cap(1 - (xref - x) / (xref - mn), _col(r, "cap"))


def _dist2targ(x: NDArray, r: list[dict], cols: list) -> NDArray:
    mn, mx = _min_max(x)
    t, d = _col(r, "t"), _col(r, "d")
    y = np.where(d == 1, (x - mn) / (t - mn), (mx - x) / (mx - t))
    return _cap(y, _col(r, "cap"))


def _fracmax(x: NDArray, r: list[dict], cols: list) -> NDArray:
    _, mx = _min_max(x)
    return x / mx


def _rank(x: NDArray, r: list[dict], cols: list) -> NDArray:
    return rank_min_rows(x.T).T


def _borda(x: NDArray, r: list[dict], cols: list) -> NDArray:
    return _rank(x, r, cols) - 1


def _prank(x: NDArray, r: list[dict], cols: list) -> NDArray:
    n = (~np.isnan(x)).sum(axis=0)
    return (_rank(x, r, cols) - 1) / (n - 1)


def _goalposts(x: NDArray, r: list[dict], cols: list) -> NDArray:
    g1, g2, g3, d = _col(r, "g1"), _col(r, "g2"), _col(r, "g3"), _col(r, "d")
    y = np.where(d == 1, (x - g1) / (g2 - g1), (x - g2) / (g1 - g2))
    trunc = _col(r, "trunc").astype(bool)
    y = np.where(trunc & (y > 1), 1.0, y)
    y = np.where(trunc & (y < 0), 0.0, y)
    return y * g3


def _none(x: NDArray, r: list[dict], cols: list) -> NDArray:
    return x.copy()


def _quiet(fn: Callable[[NDArray, list[dict], list], NDArray]) -> Callable:
    def run(x: NDArray, r: list[dict], cols: list) -> NDArray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return fn(x, r, cols)

    return run


_FUNCTIONS: dict[str, Callable[[NDArray, list[dict], list], NDArray]] = {
    name: _quiet(fn)
    for name, fn in {
        "minmax": _minmax,
        "zscore": _zscore,
        "scaled": _scaled,
        "dist2max": _dist2max,
        "dist2ref": _dist2ref,
        "dist2targ": _dist2targ,
        "fracmax": _fracmax,
        "rank": _rank,
        "borda": _borda,
        "prank": _prank,
        "goalposts": _goalposts,
        "none": _none,
    }.items()
}
