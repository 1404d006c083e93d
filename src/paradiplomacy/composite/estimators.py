"""Estimators of uncertainty and variance-based sensitivity analysis (COINr ``get_sensitivity``).

COMPOSITE-METHODS.md section 11.4. The runs are those of the design of
:mod:`paradiplomacy.composite.sampling`, in design order ``[A; B; A_B^(1); ...; A_B^(d)]``.

Sensitivity indices (Saltelli et al. 2010, "Variance based sensitivity analysis of model output.
Design and estimator for the total sensitivity index", Comput. Phys. Commun. 181, 259-270,
table 2, estimators (b) and (f); Jansen 1999, "Analysis of variance designs for model output",
Comput. Phys. Commun. 117, 35-43; Saltelli et al. 2008, *Global Sensitivity Analysis: The
Primer*, section 4.6), with ``yA``, ``yB``, ``yABi`` the outputs of the blocks:

* ``V = var(concat(yA, yB))`` with the ``n - 1`` denominator (2N values);
* first order ``S_i = mean(yB (yABi - yA)) / V``;
* total order ``ST_i = sum((yA - yABi)^2) / (2 N V)``.

Neither is clipped to [0, 1]. Rank and score tables are ``(n_units, n_runs)`` arrays (one row
per unit, one column per run), the layout of COINr's ``Scores`` and ``Ranks`` tables; the
scalar or per-output model output ``y`` of the sensitivity estimators has the runs on axis 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from paradiplomacy.composite.errors import CompositeError

__all__ = [
    "SobolEstimate",
    "class_probabilities",
    "mean_abs_rank_change",
    "quantile7",
    "rank_statistics",
    "score_summary",
    "sobol_estimate",
    "sobol_indices",
]

# Bootstrap replicates are processed in blocks of at most this many resample counts
# (replicates x inputs x N) so memory stays bounded; the block size does not depend on the
# number of outputs, so results for a seed are the same for 1-D and 2-D ``y``.
_BOOT_BLOCK_ELEMENTS = 1 << 22


def quantile7(x: np.ndarray, p: float, axis: int = -1) -> np.ndarray:
    """Type-7 quantile (R's default) along ``axis``, ignoring NaN (COMPOSITE-METHODS.md 1.3).

    For the ``n`` sorted non-missing values, ``index = 1 + (n - 1) p``, ``lo = floor(index)``,
    ``hi = ceil(index)``; ``q = x_(lo)``, and if ``index > lo`` and ``x_(hi) != x_(lo)`` then
    ``q = (1 - h) x_(lo) + h x_(hi)`` with ``h = index - lo`` (Hyndman and Fan 1996). A slice
    with no non-missing value gives NaN.
    """
    if not 0 <= p <= 1:
        raise CompositeError(f"quantile probability must be in [0, 1]; got {p}")
    arr = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    srt = np.sort(arr, axis=-1)  # NaN sorts last
    n = np.sum(~np.isnan(arr), axis=-1)
    index = 1 + (np.maximum(n, 1) - 1) * p
    lo = np.floor(index)
    hi = np.ceil(index)
    h = index - lo
    lo_i = (lo - 1).astype(np.intp)[..., None]
    hi_i = (hi - 1).astype(np.intp)[..., None]
    x_lo = np.take_along_axis(srt, lo_i, axis=-1)[..., 0]
    x_hi = np.take_along_axis(srt, hi_i, axis=-1)[..., 0]
    q = np.where((index > lo) & (x_hi != x_lo), (1 - h) * x_lo + h * x_hi, x_lo)
    return np.where(n > 0, q, np.nan)


@dataclass(frozen=True)
class SobolEstimate:
    """Sobol' indices of ``k`` outputs with respect to ``d`` inputs (arrays are ``(d, k)``).

    ``variance`` is ``V`` per output, ``(k,)``. The interval arrays hold the bootstrap
    quantiles at ``(1 - conf)/2`` and ``1 - (1 - conf)/2``; they are NaN when no bootstrap was
    run. Outputs with ``V = 0`` (or any missing value) have NaN indices and intervals.
    """

    si: np.ndarray
    sti: np.ndarray
    si_low: np.ndarray
    si_high: np.ndarray
    sti_low: np.ndarray
    sti_high: np.ndarray
    variance: np.ndarray
    variables: tuple[str, ...]
    outputs: tuple[str, ...]
    n_boot: int
    conf: float

    def to_frame(self) -> pd.DataFrame:
        """Tidy long table: one row per (output, variable), outputs outer, variables inner.

        Columns ``output, variable, Si, STi, Si_q5, Si_q95, STi_q5, STi_q95``; the quantile
        columns keep COINr's names whatever ``conf`` is (they are the lower and upper bounds).
        """
        d, k = self.si.shape

        def flat(a: np.ndarray) -> np.ndarray:
            return a.T.reshape(d * k)

        return pd.DataFrame(
            {
                "output": np.repeat(np.array(self.outputs, dtype=object), d),
                "variable": np.tile(np.array(self.variables, dtype=object), k),
                "Si": flat(self.si),
                "STi": flat(self.sti),
                "Si_q5": flat(self.si_low),
                "Si_q95": flat(self.si_high),
                "STi_q5": flat(self.sti_low),
                "STi_q95": flat(self.sti_high),
            }
        )


def _is_count(value: object) -> bool:
    """An integer (not a bool) >= 0."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 0


def _names(given: Sequence[str] | None, count: int, prefix: str, what: str) -> tuple[str, ...]:
    if given is None:
        return tuple(f"{prefix}{i + 1}" for i in range(count))
    names = tuple(str(v) for v in given)
    if len(names) != count:
        raise CompositeError(f"{what} must have {count} names; got {len(names)}")
    if len(set(names)) != len(names):
        raise CompositeError(f"{what} names must be unique")
    return names


def sobol_estimate(
    y: np.ndarray,
    n: int,
    d: int,
    n_boot: int = 0,
    seed: int = 0,
    conf: float = 0.9,
    variables: Sequence[str] | None = None,
    outputs: Sequence[str] | None = None,
) -> SobolEstimate:
    """First-order and total Sobol' indices from the runs of an SA design (section 11.4).

    ``y`` holds the outputs of the ``N(d + 2)`` runs in design order, 1-D (one scalar output,
    as COINr's mean absolute rank change) or 2-D ``(runs, k)`` (``k`` outputs, e.g. each unit's
    rank, estimated independently per column). With ``yA = y[:N]``, ``yB = y[N:2N]`` and
    ``yABi`` the block of input ``i``:

    * ``V = var(concat(yA, yB), ddof=1)``;
    * ``S_i = mean(yB (yABi - yA)) / V`` (Saltelli et al. 2010, table 2 (b));
    * ``ST_i = sum((yA - yABi)^2) / (2 N V)`` (Jansen 1999; Saltelli et al. 2010, table 2 (f)).

    Bootstrap (``n_boot > 0``): the per-sample terms ``t_i = yB (yABi - yA)`` and
    ``e_i = yA - yABi`` are resampled with replacement (N of N), independently for each
    replicate, each input and each of the two indices, as COINr does; ``V`` stays the full-sample
    value. Each replicate gives ``mean(t*)/V`` and ``sum(e*^2)/(2 N V)``, and the interval is the
    pair of type-7 quantiles at ``(1 - conf)/2`` and ``1 - (1 - conf)/2`` (0.05 and 0.95 by
    default) over replicates. Resamples are represented by their counts (a multinomial draw),
    so replicate means are matrix products; all outputs share the same resamples, so a 2-D
    ``y`` gives exactly the column-by-column 1-D results for the same seed.

    Degenerate outputs: if ``concat(yA, yB)`` is constant (``V = 0``, e.g. a unit whose rank
    never changes in ``A`` and ``B``) the indices are undefined and reported as NaN, as are the
    intervals; an output column with any missing value also gives NaN (R's ``var`` would return
    NA). The random stream differs from R's, so bootstrap bounds agree with COINr statistically.
    """
    if not (_is_count(n) and _is_count(d)) or n < 3 or d < 2:
        raise CompositeError(f"need N > 2 and d >= 2 for sensitivity indices; got N={n}, d={d}")
    n, d = int(n), int(d)
    if not _is_count(n_boot):
        raise CompositeError(f"n_boot must be an integer >= 0; got {n_boot!r}")
    n_boot = int(n_boot)
    if not 0 < conf < 1:
        raise CompositeError(f"conf must be in (0, 1); got {conf}")
    if not _is_count(seed):
        raise CompositeError(f"seed must be an integer >= 0; got {seed!r}")
    arr = np.asarray(y, dtype=float)
    if arr.ndim not in (1, 2):
        raise CompositeError(f"y must be 1-D or 2-D (runs x outputs); got {arr.ndim}-D")
    one_d = arr.ndim == 1
    y2 = arr[:, None] if one_d else arr
    if y2.shape[0] != n * (d + 2):
        raise CompositeError(
            f"y must have N(d + 2) = {n * (d + 2)} runs on axis 0; got {y2.shape[0]}"
        )
    k = y2.shape[1]
    variables_t = _names(variables, d, "V", "variables")
    outputs_t = _names(outputs, k, "y", "outputs") if not (one_d and outputs is None) else ("y",)

    ya = y2[:n]  # (N, k)
    yb = y2[n : 2 * n]
    yab = y2[2 * n :].reshape(d, n, k).transpose(1, 0, 2)  # (N, d, k)
    both = y2[: 2 * n]
    variance = np.var(both, axis=0, ddof=1)
    constant = np.ptp(both, axis=0) == 0
    denom = np.where(constant, np.nan, variance)  # NaN stays NaN

    t = yb[:, None, :] * (yab - ya[:, None, :])  # (N, d, k)
    e = ya[:, None, :] - yab
    e2 = e**2
    with np.errstate(invalid="ignore", divide="ignore"):
        si = t.mean(axis=0) / denom
        sti = e2.sum(axis=0) / (2 * n * denom)

    si_low, si_high, sti_low, sti_high = (np.full((d, k), np.nan) for _ in range(4))
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        si_boot = np.empty((n_boot, d, k))
        sti_boot = np.empty((n_boot, d, k))
        block = max(1, _BOOT_BLOCK_ELEMENTS // (d * n))
        t_by_input = t.transpose(1, 0, 2)  # (d, N, k)
        e2_by_input = e2.transpose(1, 0, 2)
        offsets = np.arange(block * d)[:, None] * n
        for start in range(0, n_boot, block):  # blocks of replicates, only to bound memory
            m = min(block, n_boot - start)
            counts_s = _resample_counts(rng, m, d, n, offsets)
            counts_t = _resample_counts(rng, m, d, n, offsets)
            # (d, m, N) @ (d, N, k) -> (d, m, k)
            si_boot[start : start + m] = (counts_s @ t_by_input).transpose(1, 0, 2) / n
            sti_boot[start : start + m] = (counts_t @ e2_by_input).transpose(1, 0, 2) / (2 * n)
        with np.errstate(invalid="ignore", divide="ignore"):
            si_boot /= denom
            sti_boot /= denom
        lo_p, hi_p = (1 - conf) / 2, 1 - (1 - conf) / 2
        si_low = quantile7(si_boot, lo_p, axis=0)
        si_high = quantile7(si_boot, hi_p, axis=0)
        sti_low = quantile7(sti_boot, lo_p, axis=0)
        sti_high = quantile7(sti_boot, hi_p, axis=0)
        bad = ~np.isfinite(denom)
        for a in (si_low, si_high, sti_low, sti_high):
            a[:, bad] = np.nan

    return SobolEstimate(
        si=si,
        sti=sti,
        si_low=si_low,
        si_high=si_high,
        sti_low=sti_low,
        sti_high=sti_high,
        variance=variance,
        variables=variables_t,
        outputs=outputs_t,
        n_boot=n_boot,
        conf=float(conf),
    )


def _resample_counts(
    rng: np.random.Generator, m: int, d: int, n: int, offsets: np.ndarray
) -> np.ndarray:
    """Counts of ``m x d`` resamples of N indices drawn with replacement, shape ``(d, m, N)``."""
    idx = rng.integers(0, n, size=(m * d, n))
    flat = (idx + offsets[: m * d]).ravel()
    counts = np.bincount(flat, minlength=m * d * n).astype(float).reshape(m, d, n)
    return counts.transpose(1, 0, 2)


def sobol_indices(
    y: np.ndarray,
    n: int,
    d: int,
    n_boot: int = 0,
    seed: int = 0,
    conf: float = 0.9,
    variables: Sequence[str] | None = None,
    outputs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sobol' indices as a tidy long table: :func:`sobol_estimate` then ``to_frame()``.

    Columns ``output, variable, Si, STi, Si_q5, Si_q95, STi_q5, STi_q95`` (section 11.4); the
    quantile columns are NaN when ``n_boot = 0``. ``variables`` defaults to COINr's ``V1..Vd``;
    ``outputs`` defaults to ``"y"`` for 1-D ``y`` and ``y1..yk`` for 2-D ``y``.
    """
    return sobol_estimate(y, n, d, n_boot, seed, conf, variables, outputs).to_frame()


def _units_matrix(values: np.ndarray, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        raise CompositeError(f"{what} must be a 2-D array (units x runs); got {arr.ndim}-D")
    return arr


def mean_abs_rank_change(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Per run, the mean absolute rank change versus the nominal ranks (section 11.4).

    ``y_r = mean over units with non-missing rank_r (and nominal rank) of |rank_r - nominal|``.
    ``ranks`` is ``(n_units, n_runs)``, ``nominal`` is ``(n_units,)``; returns ``(n_runs,)``.
    A run with no usable unit (e.g. a failed regeneration) gives NaN.
    """
    r = _units_matrix(ranks, "ranks")
    nom = np.asarray(nominal, dtype=float)
    if nom.shape != (r.shape[0],):
        raise CompositeError(
            f"nominal must have one value per unit ({r.shape[0]}); got {nom.shape}"
        )
    diff = np.abs(r - nom[:, None])
    ok = ~np.isnan(diff)
    count = ok.sum(axis=0)
    total = np.where(ok, diff, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _unit_codes(units: Sequence[str], count: int) -> list[str]:
    codes = [str(u) for u in units]
    if len(codes) != count:
        raise CompositeError(f"units must have one code per row ({count}); got {len(codes)}")
    return codes


def _nanmean_rows(x: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(x)
    count = ok.sum(axis=1)
    total = np.where(ok, x, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def rank_statistics(ranks: np.ndarray, nominal: np.ndarray, units: Sequence[str]) -> pd.DataFrame:
    """COINr's ``RankStats``: per unit, statistics of its ranks over the runs (section 11.4).

    ``ranks`` is ``(n_units, n_runs)`` and should hold only the runs that form a plain random
    sample: all runs for UA, the first ``2N`` (blocks ``A`` and ``B``) for SA (see
    ``Design.uncertainty_runs``). Columns ``uCode, nominal, mean, median, q5, q95``; missing
    ranks are ignored, and the quantiles are type 7 (section 1.3) at 0.5, 0.05 and 0.95. A unit
    with no rank in any run has NaN statistics.
    """
    r = _units_matrix(ranks, "ranks")
    nom = np.asarray(nominal, dtype=float)
    if nom.shape != (r.shape[0],):
        raise CompositeError(
            f"nominal must have one value per unit ({r.shape[0]}); got {nom.shape}"
        )
    codes = _unit_codes(units, r.shape[0])
    return pd.DataFrame(
        {
            "uCode": codes,
            "nominal": nom,
            "mean": _nanmean_rows(r),
            "median": quantile7(r, 0.5, axis=1),
            "q5": quantile7(r, 0.05, axis=1),
            "q95": quantile7(r, 0.95, axis=1),
        }
    )


def score_summary(scores: np.ndarray, units: Sequence[str]) -> pd.DataFrame:
    """Per unit, the distribution of its score over the runs of an uncertainty analysis.

    ``scores`` is ``(n_units, n_runs)``. Columns ``uCode, mean, sd, q5, median, q95``: ``sd``
    has the ``n - 1`` denominator (R's ``sd``; NaN with fewer than two values), quantiles are
    type 7 (section 1.3); missing scores are ignored.
    """
    s = _units_matrix(scores, "scores")
    codes = _unit_codes(units, s.shape[0])
    mean = _nanmean_rows(s)
    ok = ~np.isnan(s)
    count = ok.sum(axis=1)
    dev2 = np.where(ok, (s - mean[:, None]) ** 2, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.where(count > 1, np.sqrt(dev2 / (count - 1)), np.nan)
    return pd.DataFrame(
        {
            "uCode": codes,
            "mean": mean,
            "sd": sd,
            "q5": quantile7(s, 0.05, axis=1),
            "median": quantile7(s, 0.5, axis=1),
            "q95": quantile7(s, 0.95, axis=1),
        }
    )


def class_probabilities(
    scores: np.ndarray,
    edges: Sequence[float],
    labels: Sequence[str],
    units: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per unit, the share of runs whose score falls in each class.

    With strictly increasing ``edges`` ``e_0 < ... < e_m`` (infinite ends allowed) and ``m``
    ``labels``, class ``j`` is ``[e_j, e_{j+1})``, except the last, ``[e_{m-1}, e_m]``, which is
    closed so a score equal to the top edge (e.g. 100 on a 0-100 scale) is counted. ``scores`` is
    ``(n_units, n_runs)``. The denominator is the number of runs with a non-missing score
    (``n_valid``); missing scores are counted in ``n_missing``, and scores outside ``[e_0, e_m]``
    in the share ``outside``, so the class shares plus ``outside`` sum to 1 (all NaN when a unit
    has no valid score). Columns: ``uCode``, one per label, ``outside``, ``n_valid``,
    ``n_missing``. ``units`` (the ``uCode`` column) defaults to ``"0", "1", ...``.
    """
    s = _units_matrix(scores, "scores")
    codes = _unit_codes(units if units is not None else range(s.shape[0]), s.shape[0])
    e = np.asarray(edges, dtype=float)
    names = [str(v) for v in labels]
    m = len(names)
    if e.ndim != 1 or e.size < 2 or np.any(np.isnan(e)) or np.any(np.diff(e) <= 0):
        raise CompositeError("edges must be at least two strictly increasing numbers")
    if m != e.size - 1:
        raise CompositeError(f"labels must have len(edges) - 1 = {e.size - 1} names; got {m}")
    reserved = {"uCode", "outside", "n_valid", "n_missing"}
    if len(set(names)) != m or reserved & set(names):
        raise CompositeError(f"labels must be unique and not one of {sorted(reserved)}")
    valid = ~np.isnan(s)
    cls = np.searchsorted(e, s, side="right") - 1  # j with e_j <= s < e_{j+1}
    cls = np.where(s == e[-1], m - 1, cls)  # the last class is closed on the right
    cls = np.where(valid & (cls >= 0) & (cls < m), cls, m)  # m = outside or missing
    n_units = s.shape[0]
    flat = (cls + np.arange(n_units)[:, None] * (m + 1)).ravel()
    counts = np.bincount(flat, minlength=n_units * (m + 1)).reshape(n_units, m + 1)
    n_valid = valid.sum(axis=1)
    n_missing = s.shape[1] - n_valid
    in_class = counts[:, :m]
    outside = n_valid - in_class.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(n_valid[:, None] > 0, in_class / n_valid[:, None], np.nan)
        out_share = np.where(n_valid > 0, outside / n_valid, np.nan)
    frame = pd.DataFrame({"uCode": codes})
    for j, name in enumerate(names):
        frame[name] = shares[:, j]
    frame["outside"] = out_share
    frame["n_valid"] = n_valid
    frame["n_missing"] = n_missing
    return frame
