"""Numerical primitives that reproduce R's arithmetic, so COINr's numbers come out bit for bit.

Reference: COMPOSITE-METHODS.md sections 1.2-1.5 and 6.2; R 4.x ``summary.c``, ``cov.c``,
``quantile.R``, ``fround.c``; e1071 ``skewness``/``kurtosis`` type 2 (as copied into COINr).

Missing values (NaN) are removed first everywhere ("``na.rm = TRUE``").

* ``r_sum(x)``: R adds in 80-bit extended precision and rounds once; an exactly rounded sum
  (``math.fsum``) reproduces it.
* ``r_mean(x)``: R's two-pass mean. ``s = Σx/n``; if finite, ``s ← s + Σ(x_i − s)/n``. Here
  ``Σx`` is exactly rounded and the correction sum ``Σ(x_i − s)`` is formed exactly (each
  difference taken without rounding) and rounded once, which stands in for R's long double.
* ``r_var(x)``: ``Σ(x_i − m)² / (n − 1)`` with ``m = r_mean(x)``; the sum of squares and the
  division are computed exactly and rounded once (R accumulates in long double). ``r_sd`` is
  ``sqrt(r_var)``. Both NaN if ``n < 2``.
* ``r_median(x)``: the middle order statistic, or ``r_mean`` of the two middle ones.
* ``quantile7(x, p)``: R's type 7. ``index = 1 + (n − 1)p``, ``lo = ⌊index⌋``, ``hi = ⌈index⌉``,
  ``q = x_(lo)``, and if ``index > lo`` and ``x_(hi) ≠ x_(lo)``: ``h = index − lo``,
  ``q = (1 − h)·x_(lo) + h·x_(hi)`` (exactly this form).
* ``rank_min(v)``: ``1 + #{j: v_j < v_i}`` (ties share the lowest rank; R's
  ``rank(ties.method = "min", na.last = "keep")``). ``rank_min_rows`` does the same for every
  row of a matrix at once.
* ``r_round(x, d)``: R ≥ 4.0 ``round``: round half to even judged on the binary value.
* ``skew2(x)``, ``kurt2(x)``: e1071 type 2 (sample-adjusted G1 and excess G2), with
  ``d = x − mean``, ``S_k = Σd^k``:
  ``skew = (√n·S3 / S2^(3/2)) · √(n(n−1)) / (n−2)`` (NaN if ``n < 3``),
  ``kurt = ((n+1)(n·S4/S2² − 3) + 6)(n−1) / ((n−2)(n−3))`` (NaN if ``n < 4``); NaN for
  constant data (0/0). R computes ``d^3``, ``d^4`` and ``S2^1.5`` with ``powl``; here they are
  correctly rounded, ``d^2`` is ``d·d`` as in R, and the sums are exactly rounded.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from decimal import Context, Decimal
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import CompositeError

__all__ = [
    "kurt2",
    "quantile7",
    "r_mean",
    "r_median",
    "r_round",
    "r_sd",
    "r_sum",
    "r_var",
    "rank_min",
    "rank_min_rows",
    "skew2",
]

_DECIMAL = Context(prec=60)


def _memo_by_values(fn: Callable[[NDArray[np.float64]], float]) -> Callable[[ArrayLike], float]:
    """Memoise an exact statistic by the bytes of its input.

    The exact sums are slow in Python; uncertainty runs ask for the same statistics of the same
    columns many times (e.g. the skewness of a column under every winmax), so results are
    remembered (at most 65,536 distinct inputs).
    """

    @functools.lru_cache(maxsize=65_536)
    def cached(raw: bytes) -> float:
        return fn(np.frombuffer(raw, dtype=np.float64))

    @functools.wraps(fn)
    def wrapper(x: ArrayLike) -> float:
        return cached(np.ascontiguousarray(x, dtype=np.float64).ravel().tobytes())

    _CACHES.append(cached)
    return wrapper


_CACHES: list = []


def clear_caches() -> None:
    """Forget memoised statistics (benchmarks call this to time cold runs)."""
    for cache in _CACHES:
        cache.cache_clear()


def _values(x: ArrayLike) -> NDArray[np.float64]:
    """The non-missing values of ``x`` as a 1-D float array."""
    a = np.asarray(x, dtype=np.float64).ravel()
    return a[~np.isnan(a)]


def _exact_sum(a: NDArray[np.float64] | list[float]) -> float:
    """Exactly rounded sum; IEEE results (±Inf, NaN) when the values are not all finite."""
    arr = np.asarray(a, dtype=np.float64)
    if not np.isfinite(arr).all():
        return float(np.sum(arr))
    try:
        return math.fsum(arr.tolist())
    except OverflowError:
        return float(np.sum(arr))


def r_sum(x: ArrayLike) -> float:
    """R's ``sum(x, na.rm = TRUE)``: the exactly rounded sum of the non-missing values (§1.2)."""
    return _exact_sum(_values(x))


def _mean_of(a: NDArray[np.float64]) -> float:
    n = a.size
    if n == 0:
        return math.nan
    s = _exact_sum(a) / n
    if math.isfinite(s):
        # Σ(x_i − s) = Σx_i − n·s, summed exactly from the doubles x_i and −s.
        t = math.fsum([*a.tolist(), *([-s] * n)])
        s = s + t / n
    return s


def r_mean(x: ArrayLike) -> float:
    """R's two-pass ``mean(x, na.rm = TRUE)`` (§1.2); NaN for no values."""
    return _mean_of(_values(x))


@_memo_by_values
def r_var(x: ArrayLike) -> float:
    """R's ``var(x, na.rm = TRUE)``: ``Σ(x_i − mean)²/(n − 1)`` (§1.2); NaN if ``n < 2``."""
    a = _values(x)
    n = a.size
    if n < 2:
        return math.nan
    m = _mean_of(a)
    if not (math.isfinite(m) and np.isfinite(a).all()):
        return float(np.sum((a - m) ** 2) / (n - 1))
    fm = Fraction(m)
    ss = sum(((Fraction(v) - fm) ** 2 for v in a.tolist()), Fraction(0))
    return float(ss / (n - 1))


def r_sd(x: ArrayLike) -> float:
    """R's ``sd(x, na.rm = TRUE)`` = ``sqrt(var(x))`` (§1.2); NaN if ``n < 2``."""
    v = r_var(x)
    return math.sqrt(v) if v >= 0 else math.nan


def r_median(x: ArrayLike) -> float:
    """R's ``median(x, na.rm = TRUE)`` (§1.2): middle value, or the mean of the two middle ones."""
    a = np.sort(_values(x))
    n = a.size
    if n == 0:
        return math.nan
    half = (n + 1) // 2
    if n % 2 == 1:
        return float(a[half - 1])
    return _mean_of(a[half - 1 : half + 1])


def quantile7(x: ArrayLike, p: ArrayLike) -> float | NDArray[np.float64]:
    """R's ``quantile(x, p, type = 7, na.rm = TRUE)`` (§1.3).

    ``index = 1 + (n − 1)·p``; ``q = x_(lo)``, and where ``index > lo`` and ``x_(hi) ≠ x_(lo)``,
    ``q = (1 − h)·x_(lo) + h·x_(hi)`` with ``h = index − lo``. ``p`` is a scalar (a float is
    returned) or an array (an array is returned); every ``p`` must lie in [0, 1]. NaN when ``x``
    has no values.
    """
    probs = np.asarray(p, dtype=np.float64)
    if np.isnan(probs).any() or (probs < 0).any() or (probs > 1).any():
        raise CompositeError(f"quantile7: p must lie in [0, 1]; got {p!r}")
    a = np.sort(_values(x))
    n = a.size
    flat = probs.ravel()
    if n == 0:
        out = np.full(flat.shape, np.nan)
    else:
        index = 1 + max(n - 1, 0) * flat
        lo = np.floor(index).astype(np.int64)
        hi = np.ceil(index).astype(np.int64)
        qs = a[lo - 1].copy()
        xhi = a[hi - 1]
        mix = (index > lo) & (xhi != qs)
        h = (index - lo)[mix]
        qs[mix] = (1 - h) * qs[mix] + h * xhi[mix]
        out = qs
    if probs.ndim == 0:
        return float(out[0])
    return out.reshape(probs.shape)


def rank_min(v: ArrayLike) -> NDArray[np.float64]:
    """Ranks ``1 + #{j: v_j < v_i}`` of a 1-D array (§1.4); NaN stays NaN; floats returned."""
    a = np.asarray(v, dtype=np.float64)
    if a.ndim != 1:
        raise CompositeError(f"rank_min: expected a 1-D array; got shape {a.shape}")
    out = np.full(a.shape, np.nan)
    ok = ~np.isnan(a)
    vals = a[ok]
    out[ok] = np.searchsorted(np.sort(vals), vals, side="left") + 1.0
    return out


def rank_min_rows(m: ArrayLike) -> NDArray[np.float64]:
    """``rank_min`` applied to every row of a 2-D array independently, vectorised (§1.4)."""
    a = np.asarray(m, dtype=np.float64)
    if a.ndim != 2:
        raise CompositeError(f"rank_min_rows: expected a 2-D array; got shape {a.shape}")
    nrow, ncol = a.shape
    if ncol == 0:
        return np.empty(a.shape)
    order = np.argsort(a, axis=1, kind="stable")  # NaN sorts last
    s = np.take_along_axis(a, order, axis=1)
    starts = np.zeros((nrow, ncol), dtype=np.int64)
    cols = np.broadcast_to(np.arange(ncol), (nrow, ncol))
    new_run = np.ones((nrow, ncol), dtype=bool)
    new_run[:, 1:] = s[:, 1:] != s[:, :-1]
    starts = np.maximum.accumulate(np.where(new_run, cols, 0), axis=1)
    ranked = starts + 1.0
    ranked[np.isnan(s)] = np.nan
    out = np.empty(a.shape)
    np.put_along_axis(out, order, ranked, axis=1)
    return out


def r_round(x: ArrayLike, digits: int = 0) -> float | NDArray[np.float64]:
    """R ≥ 4.0 ``round(x, digits)`` (§1.5), vectorised; a scalar in gives a float out.

    For finite ``x > 0`` (negatives by symmetry): if ``log10(x) + d > 15`` return ``x``;
    otherwise ``p = 10^d`` (for ``d < 0``, ``1/10^|d|`` as R's ``R_pow_di``), ``x10 = p·x``,
    ``xd = ⌊x10⌋/p``, ``xu = ⌈x10⌉/p``; return the nearer, and on an exact tie ``xu`` if ``⌊x10⌋``
    is odd, else ``xd``. NaN, ±Inf and 0 are returned unchanged.
    """
    if isinstance(digits, bool) or not isinstance(digits, int | np.integer):
        raise CompositeError(f"r_round: digits must be an integer; got {digits!r}")
    d = int(digits)
    a = np.asarray(x, dtype=np.float64)
    out = a.astype(np.float64, copy=True)
    work = np.isfinite(a) & (a != 0)
    if d > 308:
        work[:] = False
    if d < -308:
        out[work] = 0.0
        work[:] = False
    if work.any():
        v = np.abs(a[work])
        sign = np.sign(a[work])
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            keep = np.log10(v) + d > 15
            p = 10.0**d if d >= 0 else 1.0 / 10.0 ** (-d)
            x10 = p * v
            i10 = np.floor(x10)
            xd = i10 / p
            xu = np.ceil(x10) / p
            du = xu - v
            dd = v - xd
            odd = np.fmod(i10, 2.0) == 1
            res = np.where((du < dd) | ((du == dd) & odd), xu, xd)
        res = np.where(keep, v, res)
        out[work] = sign * res
    if out.ndim == 0:
        return float(out)
    return out


def _power_sum(d: NDArray[np.float64], power: int) -> float:
    """``Σ round(d_i^power)`` with every power correctly rounded, summed exactly."""
    return math.fsum(float(Fraction(v) ** power) for v in d.tolist())


def _pow_three_halves(s2: float) -> float:
    """``s2^(3/2)`` correctly rounded."""
    dec = Decimal(s2)
    return float(_DECIMAL.multiply(dec, _DECIMAL.sqrt(dec)))


def _deviations(x: ArrayLike) -> tuple[int, NDArray[np.float64]]:
    a = _values(x)
    return a.size, a - _mean_of(a) if a.size else a


@_memo_by_values
def skew2(x: ArrayLike) -> float:
    """Sample skewness, e1071 type 2 / COINr ``skew`` (§6.2); NaN if ``n < 3`` or constant."""
    n, d = _deviations(x)
    if n < 3 or not np.isfinite(d).all():
        return math.nan
    s2 = _exact_sum(d * d)
    if s2 == 0:
        return math.nan
    s3 = np.float64(_power_sum(d, 3))
    with np.errstate(all="ignore"):  # IEEE results (±Inf, NaN) as in R, e.g. on underflow
        y = np.sqrt(np.float64(n)) * s3 / np.float64(_pow_three_halves(s2))
        return float(y * np.sqrt(np.float64(n * (n - 1))) / (n - 2))


@_memo_by_values
def kurt2(x: ArrayLike) -> float:
    """Excess kurtosis, e1071 type 2 / COINr ``kurt`` (§6.2); NaN if ``n < 4`` or constant."""
    n, d = _deviations(x)
    if n < 4 or not np.isfinite(d).all():
        return math.nan
    s2 = _exact_sum(d * d)
    if s2 == 0:
        return math.nan
    s4 = np.float64(_power_sum(d, 4))
    with np.errstate(all="ignore"):  # IEEE results (±Inf, NaN) as in R, e.g. on underflow
        r = n * s4 / (np.float64(s2) * np.float64(s2))
        return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))
