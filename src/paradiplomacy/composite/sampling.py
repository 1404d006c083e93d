"""Sample designs for uncertainty and sensitivity analysis, and their mapping to parameter values.

This module reproduces the sampling side of COINr's ``get_sensitivity`` (COMPOSITE-METHODS.md
section 11.1 and 11.2) and ``get_noisy_weights`` (section 10.1). Uniforms come from NumPy
generators (``numpy.random.default_rng(seed)``) or from scrambled Sobol' sequences
(``scipy.stats.qmc.Sobol``) instead of R's ``runif``; results therefore agree with COINr
statistically, not draw for draw (section 1.6 is deliberately not reproduced).

Design layout (section 11.1; Saltelli et al. 2010, "Variance based sensitivity analysis of model
output. Design and estimator for the total sensitivity index", Comput. Phys. Commun. 181,
259-270; Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, ch. 4):

* ``"ua"``: an ``N x d`` matrix of uniforms, one row per run.
* ``"sa"``: an ``N x 2d`` base matrix; ``A`` = its first ``d`` columns and ``B`` = its last ``d``.
  ``A_B^(i)`` is ``A`` with column ``i`` taken from ``B``. The design is the row stack
  ``[A; B; A_B^(1); ...; A_B^(d)]`` with ``N(d + 2)`` rows.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import qmc

from paradiplomacy.composite.errors import CompositeError

__all__ = [
    "Design",
    "continuous_values",
    "discrete_index",
    "noisy_weights",
    "uniform_design",
]

Kind = Literal["ua", "sa"]
Sampler = Literal["random", "sobol"]


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise CompositeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise CompositeError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def _base_uniforms(n: int, columns: int, sampler: Sampler, seed: int) -> np.ndarray:
    """An ``n x columns`` matrix of uniforms on [0, 1)."""
    if sampler == "random":
        rng = np.random.default_rng(seed)
        # Filled column by column, as R's matrix(runif(n * columns), nrow = n) is (section 11.1).
        return rng.random(n * columns).reshape(columns, n).T.copy()
    if n & (n - 1):
        warnings.warn(
            f"N = {n} is not a power of 2: the Sobol' points lose their balance properties; "
            "the design is still usable",
            UserWarning,
            stacklevel=3,
        )
    engine = qmc.Sobol(d=columns, scramble=True, seed=seed)
    with warnings.catch_warnings():
        # scipy repeats the power-of-two warning; ours above already says it once.
        warnings.simplefilter("ignore", UserWarning)
        return engine.random(n)


def uniform_design(n: int, d: int, kind: Kind, sampler: Sampler, seed: int) -> np.ndarray:
    """Uniform sample design of an uncertainty (``"ua"``) or sensitivity (``"sa"``) analysis.

    COMPOSITE-METHODS.md section 11.1. ``"ua"`` returns an ``(n, d)`` matrix, one row per run.
    ``"sa"`` draws an ``(n, 2d)`` base matrix, splits it into ``A`` (columns ``0..d-1``) and
    ``B`` (columns ``d..2d-1``) and returns ``[A; B; A_B^(1); ...; A_B^(d)]`` of shape
    ``(n(d + 2), d)``, where ``A_B^(i)`` equals ``A`` except that column ``i`` is ``B``'s column
    ``i`` (Saltelli et al. 2010, table 1; Saltelli et al. 2008, section 4.6).

    ``sampler="random"`` uses ``numpy.random.default_rng(seed).random`` (pseudo-random, filled
    column-major as R does); ``sampler="sobol"`` uses the first ``n`` points of
    ``scipy.stats.qmc.Sobol(d or 2d, scramble=True, seed=seed)``. A Sobol' design with ``n``
    not a power of 2 emits a ``UserWarning`` and is returned anyway.

    Raises ``CompositeError`` unless ``n > 2`` and ``d >= 1`` (``d >= 2`` for ``"sa"``, as COINr
    requires: a sensitivity analysis of one input is meaningless).
    """
    n = _check_int(n, "N", 3)
    d = _check_int(d, "d", 1)
    seed = _check_int(seed, "seed", 0)
    if kind not in ("ua", "sa"):
        raise CompositeError(f"kind must be 'ua' or 'sa'; got {kind!r}")
    if sampler not in ("random", "sobol"):
        raise CompositeError(f"sampler must be 'random' or 'sobol'; got {sampler!r}")
    if kind == "ua":
        return _base_uniforms(n, d, sampler, seed)
    if d < 2:
        raise CompositeError(
            "a sensitivity analysis needs at least 2 uncertain inputs (d >= 2); "
            "use kind='ua' for a single input"
        )
    base = _base_uniforms(n, 2 * d, sampler, seed)
    a, b = base[:, :d], base[:, d:]
    ab = np.broadcast_to(a, (d, n, d)).copy()  # block i is A ...
    idx = np.arange(d)
    ab[idx, :, idx] = b.T  # ... with column i replaced by B's column i
    return np.concatenate([a, b, ab.reshape(d * n, d)], axis=0)


@dataclass(frozen=True)
class Design:
    """A sample design together with how it was made (COMPOSITE-METHODS.md section 11.1).

    ``u`` is the matrix returned by :func:`uniform_design`; ``n`` is COINr's ``N`` (rows per
    block), ``d`` the number of uncertain inputs.
    """

    u: np.ndarray
    kind: Kind
    n: int
    d: int
    sampler: Sampler
    seed: int

    @classmethod
    def build(cls, n: int, d: int, kind: Kind, sampler: Sampler, seed: int) -> Design:
        """Draw the design with :func:`uniform_design` and record its settings."""
        u = uniform_design(n, d, kind, sampler, seed)
        u.setflags(write=False)
        return cls(u=u, kind=kind, n=int(n), d=int(d), sampler=sampler, seed=int(seed))

    @property
    def n_runs(self) -> int:
        """Total number of runs: ``N`` for UA, ``N(d + 2)`` for SA."""
        return int(self.u.shape[0])

    @property
    def uncertainty_runs(self) -> slice:
        """Runs that form a plain random sample, used for rank statistics (section 11.4).

        All runs for UA; only the ``A`` and ``B`` blocks (the first ``2N`` runs) for SA.
        """
        return slice(0, self.n if self.kind == "ua" else 2 * self.n)


def discrete_index(u: np.ndarray, n_alternatives: int) -> np.ndarray:
    """0-based alternative chosen by each uniform, as R's ``cut(u, n)`` (section 11.2).

    The ``n`` bins have equal width over the **observed** range of ``u`` (not over [0, 1]):
    with ``lo = min u``, ``hi = max u`` and ``D = hi - lo``, the breakpoints are
    ``b_0 = lo - D/1000``, ``b_k = lo + k * (D/n)`` for ``k = 1..n-1`` and ``b_n = hi + D/1000``.
    Bins are right-closed, ``(b_{k-1}, b_k]``, so a value equal to a breakpoint takes the lower
    bin; the result is ``k - 1`` for bin ``k``, i.e. the index of the first breakpoint ``>= u``
    minus one. If ``D = 0`` the breakpoints are ``from + k * ((to - from)/n)`` with
    ``from = lo - s/1000`` and ``to = hi + s/1000``, ``s = |lo|`` (or 1 when ``lo = 0``), the
    arithmetic of R's ``seq.int(from, to, length.out = n + 1)``.

    ``u`` is one design column over all runs (1-D, finite). ``n_alternatives`` must be >= 2:
    R's ``cut`` rejects one interval ("invalid number of intervals"), so COINr cannot vary an
    input with a single alternative either.
    """
    n = _check_int(n_alternatives, "n_alternatives", 2)
    x = np.asarray(u, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise CompositeError(f"u must be a non-empty 1-D array; got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise CompositeError("u must be finite (no NaN or infinite values)")
    lo, hi = float(x.min()), float(x.max())
    delta = hi - lo
    k = np.arange(1, n, dtype=float)
    if delta == 0:
        spread = abs(lo) if lo != 0 else 1.0
        start, stop = lo - spread / 1000, hi + spread / 1000
        inner = start + k * ((stop - start) / n)
    else:
        start, stop = lo - delta / 1000, hi + delta / 1000
        inner = lo + k * (delta / n)
    breaks = np.concatenate([[start], inner, [stop]])
    # When the range is a few ulps wide, lo - D/1000 rounds back to lo and R's cut() would give
    # NA for the minimum; it belongs to the first bin.
    index = np.searchsorted(breaks, x, side="left").astype(np.intp) - 1
    return np.clip(index, 0, n - 1)


def continuous_values(u: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map uniforms to a continuous uniform input on ``[low, high]``: ``low + u (high - low)``.

    COMPOSITE-METHODS.md section 11.2. COINr requires ``high > low``; so does this function.
    """
    lo, hi = float(low), float(high)
    if not (math.isfinite(lo) and math.isfinite(hi)) or not hi > lo:
        raise CompositeError(f"a continuous input needs finite low < high; got ({low}, {high})")
    x = np.asarray(u, dtype=float)
    if not np.all(np.isfinite(x)):
        raise CompositeError("u must be finite (no NaN or infinite values)")
    return x * (hi - lo) + lo


def noisy_weights(
    weights: pd.Series,
    levels: pd.Series,
    noise: Mapping[int, float],
    n_rep: int,
    seed: int,
) -> np.ndarray:
    """Noisy replicates of a weight vector (COINr ``get_noisy_weights``, section 10.1).

    For each replicate and each code whose level ``L`` is a key of ``noise`` (noise factor
    ``f = noise[L]``), ``w' = w + (2u - 1) f w`` with ``u ~ U[0, 1)``, i.e. ``w'`` is uniform on
    ``[w(1 - f), w(1 + f)]``; codes at other levels keep ``w`` exactly. Uniforms are consumed in
    COINr's order (replicate, then level in ``noise`` order, then code in ``weights`` order) from
    ``numpy.random.default_rng(seed)``.

    ``weights`` and ``levels`` are indexed by code (same index, same order). Returns an
    ``(n_rep, len(weights))`` array whose columns follow ``weights.index``.

    Raises ``CompositeError`` for missing weights (COINr forbids NAs in ``w``), mismatched
    indexes, a noise factor that is negative or not finite, or a level with no weights (COINr
    silently ignores such a level; here it is reported as a likely mistake).
    """
    n_rep = _check_int(n_rep, "n_rep", 1)
    seed = _check_int(seed, "seed", 0)
    if not isinstance(weights, pd.Series) or not isinstance(levels, pd.Series):
        raise CompositeError("weights and levels must be pandas Series indexed by code")
    if not weights.index.equals(levels.index):
        raise CompositeError("weights and levels must have the same index (codes, same order)")
    w = pd.to_numeric(weights, errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(w)):
        raise CompositeError("weights must be finite numbers with no missing values")
    level_values = levels.to_numpy()
    columns: list[np.ndarray] = []
    factors: list[np.ndarray] = []
    for level, factor in noise.items():
        f = float(factor)
        if not math.isfinite(f) or f < 0:
            raise CompositeError(f"noise factor of level {level} must be finite and >= 0; got {f}")
        at_level = np.flatnonzero(level_values == level)
        if at_level.size == 0:
            raise CompositeError(
                f"no weights at level {level}; levels present: {sorted(set(level_values))}"
            )
        columns.append(at_level)
        factors.append(np.full(at_level.size, f))
    out = np.tile(w, (n_rep, 1))
    if not columns:
        return out
    cols = np.concatenate(columns)
    f = np.concatenate(factors)
    u = np.random.default_rng(seed).random((n_rep, cols.size))
    base = w[cols]
    out[:, cols] = base + (u * 2 - 1) * f * base
    return out
