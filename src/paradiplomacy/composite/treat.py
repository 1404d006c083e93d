"""Outlier treatment (COMPOSITE-METHODS.md section 6; COINr ``Treat``).

**Check** (COINr ``check_SkewKurt``): with ``skew2``/``kurt2`` (e1071 type 2, missing values
removed), ``Pass = (|skew| < skew_thresh) OR (kurt < kurt_thresh)`` in R's three-valued logic, so
a column fails only if ``|skew| ≥ 2`` and ``kurt ≥ 3.5`` (defaults); a missing statistic can make
``Pass`` missing.

**Per column** (``f2`` given, ``combine=False``):

1. Check 0 on the column (pass thresholds). Pass → unchanged.
2. Fail → winsorise (below) to ``x1``; check 1 on ``x1``. Pass → ``x1``.
3. Fail → ``x2 = f2(x)`` applied to the **original** column (to ``x1`` if ``combine``); check 2;
   the result is ``x2`` whether or not check 2 passes. With ``f2=None`` the result of step 2 is
   final even if check 1 failed.

**Winsorisation** (COINr ``winsorise``; thresholds ``skew``/``kurtosis``): while the column
fails (or ``force_win``) and ``nwin < winmax`` (no limit if ``winmax`` is None): if
``skew ≥ 0`` all values equal to the maximum are replaced by the largest other value
(``winhi``), else all values equal to the minimum by the smallest other value (``winlo``); the
side is re-evaluated at every step; ``nwin = |I_hi| + |I_lo|`` for the most recent index sets
(cumulative per side, since earlier points equal the new extreme), so it may jump past
``winmax``. A missing loop condition (e.g. the column became constant) is an R error.

**Second-stage transforms** (``f2``), with min/max/range over the non-missing values:

* ``log_CT``: ``ln(x − min + 0.01·(max − min))``;
* ``log_CT_orig``: ``ln(x − min + 1)``;
* ``log_CT_plus``: with ``a = 0.01·range``, ``ln(x − min + a)`` if ``skew > 0`` else
  ``−ln(max + a − x)``;
* ``boxcox`` (``boxcox_lambda`` = λ): ``y = x − min + 1``, then ``(y^λ − 1)/λ`` or ``ln y`` if
  λ = 0. Quirk: COINr's ``boxcox`` returns a bare vector, so it marks no treated points;
* ``log_GII``: quirk of COINr 1.1.14: it returns its input unchanged (marks ``log_GII``).

**Missing and degenerate cases** (§6.6): a missing check-0 Pass leaves the column untreated with
a warning and no details row; any error during treatment (such as the loop condition above)
leaves the column untreated with a warning and no details row; a missing check-1 or check-2 Pass
returns the original column with a warning but keeps the details row. Such columns get no
``points`` column (their returned values were not treated).

**Details** (``Dets_Table``, §6.7): one row per column that produced details, in column order,
columns in order of first appearance: ``iCode, check_SkewKurt0.Pass, check_SkewKurt0.Skew,
check_SkewKurt0.Kurt, winsorise.nwin, check_SkewKurt1.Pass, …, check_SkewKurt2.Kurt``.
``points`` (``Treated_Points``): per unit ``"winhi"``, ``"winlo"`` or ``""``; when ``f2`` is
given the f1 and f2 marks are joined as ``"winhi+log_CT"``/``"+log_CT"`` (an f2 that did not
run leaves the f1 mark alone). The winsorisation marks are kept even when ``f2`` ran on the
original column (COINr behaviour).

Reference: OECD/JRC Handbook on Constructing Composite Indicators (2008), section 1.5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .errors import CompositeError
from .primitives import kurt2, skew2

__all__ = ["TreatResult", "check_skew_kurt", "treat", "winsorise"]

_F2 = ("log_CT", "log_CT_orig", "log_CT_plus", "boxcox", "log_GII", None)
_INDIVIDUAL_KEYS = (
    "winmax",
    "skew",
    "kurtosis",
    "f2",
    "boxcox_lambda",
    "force_win",
    "pass_skew",
    "pass_kurtosis",
)

Logical = bool | None  # R's TRUE / FALSE / NA


@dataclass(frozen=True)
class TreatResult:
    """Treated data set, the details table (Dets_Table), treated points and warnings."""

    data: pd.DataFrame
    details: pd.DataFrame
    points: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Spec:
    winmax: int | None
    skew: float
    kurtosis: float
    f2: str | None
    boxcox_lambda: float | None
    force_win: bool
    pass_skew: float
    pass_kurtosis: float


def _not(a: Logical) -> Logical:
    return None if a is None else not a


def _or(a: Logical, b: Logical) -> Logical:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _and(a: Logical, b: Logical) -> Logical:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _lt(a: float, b: float) -> Logical:
    return None if math.isnan(a) else a < b


def check_skew_kurt(
    x: NDArray[np.float64], skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[Logical, float, float]:
    """COINr ``check_SkewKurt`` (§6.3): ``(Pass, skew, kurt)``, Pass None when missing."""
    sk = skew2(x)
    kt = kurt2(x)
    return _or(_lt(abs(sk), skew_thresh), _lt(kt, kurt_thresh)), sk, kt


def winsorise(
    x: NDArray[np.float64],
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
) -> tuple[NDArray[np.float64], int, list[str]]:
    """COINr ``winsorise`` (§6.5): the winsorised copy of ``x``, ``nwin`` and per-point marks.

    Raises ``CompositeError`` where R would stop (a missing loop condition or skew sign).
    """
    x = np.array(x, dtype=np.float64, copy=True)
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)[0]
    nwin = 0
    i_hi = np.array([], dtype=np.int64)
    i_lo = np.array([], dtype=np.int64)
    enter = _or(_not(passing), force_win)
    if enter is None:
        raise CompositeError("treat: winsorise: the skew/kurtosis check is missing (NA)")
    if enter:
        while True:
            below = True if winmax is None else nwin < winmax
            go = _and(_or(_not(passing), force_win), below)
            if go is None:
                raise CompositeError(
                    "treat: winsorise: the loop condition is missing (NA), e.g. the column "
                    "became constant"
                )
            if not go:
                break
            sk = skew2(x)
            if math.isnan(sk):
                raise CompositeError("treat: winsorise: the skewness is missing (NA)")
            ok = ~np.isnan(x)
            if sk >= 0:
                top = np.max(x[ok]) if ok.any() else -math.inf
                i_hi = np.flatnonzero(x == top)
                rest = np.delete(x, i_hi)
                rest = rest[~np.isnan(rest)]
                x[i_hi] = np.max(rest) if rest.size else -math.inf
            else:
                bottom = np.min(x[ok]) if ok.any() else math.inf
                i_lo = np.flatnonzero(x == bottom)
                rest = np.delete(x, i_lo)
                rest = rest[~np.isnan(rest)]
                x[i_lo] = np.min(rest) if rest.size else math.inf
            nwin = int(i_hi.size + i_lo.size)
            passing = check_skew_kurt(x, skew_thresh, kurt_thresh)[0]
    marks = [""] * x.size
    for i in i_hi:
        marks[i] = "winhi"
    for i in i_lo:
        marks[i] = "winlo"
    return x, nwin, marks


def _range(x: NDArray[np.float64]) -> tuple[float, float]:
    ok = x[~np.isnan(x)]
    if ok.size == 0:
        return math.inf, -math.inf
    return float(np.min(ok)), float(np.max(ok))


def _f2(name: str, x: NDArray[np.float64], lam: float | None) -> tuple[NDArray, list[str]]:
    """Second-stage transform: the new values and the per-point marks."""
    lo, hi = _range(x)
    n = x.size
    with np.errstate(all="ignore"):
        if name == "log_CT":
            return np.log(x - lo + 0.01 * (hi - lo)), ["log_CT"] * n
        if name == "log_CT_orig":
            return np.log(x - lo + 1), ["log_CT_orig"] * n
        if name == "log_CT_plus":
            a = 0.01 * (hi - lo)
            sk = skew2(x)
            if math.isnan(sk):
                raise CompositeError("treat: log_CT_plus: the skewness is missing (NA)")
            y = np.log(x - lo + a) if sk > 0 else -np.log(hi + a - x)
            return y, ["log_CT_plus"] * n
        if name == "boxcox":
            assert lam is not None
            y = x - lo + 1
            if lam == 0:
                out = np.log(y)
            elif lam == 2:
                out = (y * y - 1) / lam
            else:
                out = (np.power(y, lam) - 1) / lam
            return out, [""] * n
        if name == "log_GII":
            return x.copy(), ["log_GII"] * n
    raise CompositeError(f"treat: f2: unknown transform {name!r}")  # pragma: no cover


def _check(table: dict[str, Any], k: int, x: NDArray[np.float64], spec: _Spec) -> Logical:
    """Run check ``k`` and record its Pass, Skew and Kurt in the details row."""
    passing, sk, kt = check_skew_kurt(x, spec.pass_skew, spec.pass_kurtosis)
    table[f"check_SkewKurt{k}.Pass"] = passing
    table[f"check_SkewKurt{k}.Skew"] = sk
    table[f"check_SkewKurt{k}.Kurt"] = kt
    return passing


def _treat_column(
    x: NDArray[np.float64], spec: _Spec, combine: bool, name: str, notes: list[str]
) -> tuple[NDArray[np.float64], dict[str, Any] | None, list[str] | None]:
    """COINr ``Treat.numeric``: values, details row (None = no row) and points (None = none)."""
    table: dict[str, Any] = {}
    pass0 = _check(table, 0, x, spec)
    if pass0 is None:
        notes.append(f"treat: {name}: the check returned NA; column left untreated")
        return x, None, None
    marks_f1 = [""] * x.size
    marks_f2 = [""] * x.size
    if not pass0:
        x1, nwin, marks_f1 = winsorise(x, spec.winmax, spec.skew, spec.kurtosis, spec.force_win)
        table["winsorise.nwin"] = nwin
        pass1 = _check(table, 1, x1, spec)
        if pass1 is None:
            notes.append(f"treat: {name}: check 1 returned NA; original column returned")
            return x, table, None
    else:
        x1, pass1 = x, True
    x2 = x1
    if not pass1 and spec.f2 is not None:
        base = x1 if combine else x
        x2, marks_f2 = _f2(spec.f2, base, spec.boxcox_lambda)
        pass2 = _check(table, 2, x2, spec)
        if pass2 is None:
            notes.append(f"treat: {name}: check 2 returned NA; original column returned")
            return x, table, None
    if spec.f2 is None:
        points = marks_f1
    else:
        points = [a if b == "" else f"{a}+{b}" for a, b in zip(marks_f1, marks_f2, strict=True)]
    return x2, table, points


def _number(step: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise CompositeError(f"{step}: {key}: expected a number; got {value!r}")
    if math.isnan(value):
        raise CompositeError(f"{step}: {key}: expected a number; got NaN")
    return float(value)


def _make_spec(step: str, p: Mapping[str, Any]) -> _Spec:
    winmax = p["winmax"]
    if winmax is not None and (
        isinstance(winmax, bool) or not isinstance(winmax, int | np.integer) or winmax < 0
    ):
        raise CompositeError(
            f"{step}: winmax: expected a non-negative integer or None; got {winmax!r}"
        )
    f2 = p["f2"]
    if f2 not in _F2:
        raise CompositeError(
            f"{step}: f2: expected one of log_CT, log_CT_orig, log_CT_plus, boxcox, log_GII or "
            f"None; got {f2!r}"
        )
    lam = p.get("boxcox_lambda")
    if f2 == "boxcox":
        if lam is None:
            raise CompositeError(f"{step}: boxcox_lambda: f2='boxcox' needs a lambda; got None")
        lam = _number(step, "boxcox_lambda", lam)
    for key in ("force_win",):
        if not isinstance(p[key], bool | np.bool_):
            raise CompositeError(f"{step}: {key}: expected True or False; got {p[key]!r}")
    skew = _number(step, "skew", p["skew"])
    kurt = _number(step, "kurtosis", p["kurtosis"])
    pass_skew = skew if p.get("pass_skew") is None else _number(step, "pass_skew", p["pass_skew"])
    pass_kurt = (
        kurt
        if p.get("pass_kurtosis") is None
        else _number(step, "pass_kurtosis", p["pass_kurtosis"])
    )
    return _Spec(
        winmax=None if winmax is None else int(winmax),
        skew=skew,
        kurtosis=kurt,
        f2=f2,
        boxcox_lambda=lam,
        force_win=bool(p["force_win"]),
        pass_skew=pass_skew,
        pass_kurtosis=pass_kurt,
    )


def treat(
    data: pd.DataFrame,
    winmax: int | None = 5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    f2: str | None = "log_CT",
    force_win: bool = False,
    combine: bool = False,
    pass_skew: float | None = None,
    pass_kurtosis: float | None = None,
    individual: Mapping[str, Mapping[str, Any] | str] | None = None,
    method: str = "default",
    boxcox_lambda: float | None = None,
) -> TreatResult:
    """Treat outliers column by column (see the module docstring).

    ``skew``/``kurtosis`` are the winsorisation thresholds (COINr ``f1_para``);
    ``pass_skew``/``pass_kurtosis`` the thresholds of the pass checks (``f_pass_para``), which
    default to the same values. ``individual[col]`` is ``"none"`` (leave the column untreated)
    or a mapping of any of winmax, skew, kurtosis, f2, boxcox_lambda, force_win, pass_skew,
    pass_kurtosis that overrides the global values for that column; naming a different ``f2``
    drops the global ``boxcox_lambda`` first (COINr's rule for a different function).
    ``method="none"`` disables treatment (COINr ``disable = TRUE``).
    """
    if method not in ("default", "none"):
        raise CompositeError(f"treat: method: expected 'default' or 'none'; got {method!r}")
    if not isinstance(combine, bool | np.bool_):
        raise CompositeError(f"treat: combine: expected True or False; got {combine!r}")
    base = {
        "winmax": winmax,
        "skew": skew,
        "kurtosis": kurtosis,
        "f2": f2,
        "boxcox_lambda": boxcox_lambda,
        "force_win": force_win,
        "pass_skew": pass_skew,
        "pass_kurtosis": pass_kurtosis,
    }
    global_spec = _make_spec("treat", base)
    individual = dict(individual or {})
    specs: dict[Any, _Spec | None] = {}
    for col, ind in individual.items():
        if col not in data.columns:
            raise CompositeError(f"treat: individual: unknown column {col!r}")
        if isinstance(ind, str):
            if ind != "none":
                raise CompositeError(
                    f"treat: individual[{col!r}]: expected 'none' or a mapping; got {ind!r}"
                )
            specs[col] = None
            continue
        if not isinstance(ind, Mapping):
            raise CompositeError(
                f"treat: individual[{col!r}]: expected 'none' or a mapping; got {ind!r}"
            )
        bad = [k for k in ind if k not in _INDIVIDUAL_KEYS]
        if bad:
            raise CompositeError(
                f"treat: individual[{col!r}]: unknown parameter(s) {', '.join(map(str, bad))}; "
                f"expected some of {', '.join(_INDIVIDUAL_KEYS)}"
            )
        merged = dict(base)
        if "f2" in ind and ind["f2"] != f2:
            merged["boxcox_lambda"] = None
        merged.update(ind)
        specs[col] = _make_spec(f"treat: individual[{col!r}]", merged)

    empty_details = pd.DataFrame({"iCode": pd.Series([], dtype=object)})
    if method == "none":
        return TreatResult(data.copy(), empty_details, pd.DataFrame(index=data.index.copy()), [])

    notes: list[str] = []
    out = data.copy()
    rows: list[dict[str, Any]] = []
    points: dict[Any, list[str]] = {}
    for col in data.columns:
        spec = specs.get(col, global_spec)
        if spec is None:
            continue
        x = data[col].to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
        try:
            values, row, marks = _treat_column(x, spec, bool(combine), str(col), notes)
        except CompositeError as err:
            notes.append(f"treat: {col}: treatment failed ({err}); column left untreated")
            continue
        out[col] = values
        if row is not None:
            rows.append({"iCode": col, **row})
        if marks is not None:
            points[col] = marks
    return TreatResult(out, _details_table(rows), _points_table(points, data.index), notes)


def _details_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({"iCode": pd.Series([], dtype=object)})
    columns: list[str] = []
    for r in rows:
        columns.extend(k for k in r if k not in columns)
    table = pd.DataFrame({c: [r.get(c) for r in rows] for c in columns})
    for c in columns:
        if c.endswith(".Pass"):
            table[c] = pd.array(table[c].tolist(), dtype="boolean")
        elif c.endswith(".nwin"):
            table[c] = pd.array(table[c].tolist(), dtype="Int64")
        elif c != "iCode":
            table[c] = pd.to_numeric(table[c]).astype(np.float64)
    return table


def _points_table(points: dict[Any, list[str]], index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(v, index=index, dtype=object) for c, v in points.items()},
        index=index.copy(),
    )
