"""Weights of a composite indicator: equal, normalised, effective, PCA and optimised weights.

Reproduces the weight utilities of the R package COINr 1.1.14 (``get_eff_wts``, ``get_PCA``,
``get_opt_weights``), written from COMPOSITE-METHODS.md sections 2.3, 8.2 and 10.2.

Conventions. Weights are a ``pandas.Series`` indexed by ``iCode`` holding one relative weight per
Indicator/Aggregate row of ``imeta`` (the sorted iMeta of COMPOSITE-METHODS 2.3 step 4). Only
ratios within a parent group matter (section 2.2). ``lineage`` has one row per indicator and one
column per level (1 to the top), each cell a code (section 2.3 step 8).

References: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, sections 6.1-6.2
(equal, PCA/FA weights); Becker, Saisana, Paruolo and Vandecasteele (2017), "Weights and
importance in composite indicators: Closing the gap", *Ecological Indicators* 80, 12-22 (weights
optimised so that correlations with the index match target importances).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.optimize
import scipy.stats

from paradiplomacy.composite.errors import CompositeError

INDEX_TYPES = ("Indicator", "Aggregate")
CorrelationMethod = Literal["pearson", "spearman", "kendall"]


# ---------------------------------------------------------------------------------------------
# Hierarchy helpers (shared with audit.py)


def index_rows(imeta: pd.DataFrame) -> pd.DataFrame:
    """The Indicator and Aggregate rows of ``imeta``, in ``imeta`` order."""
    missing = {"iCode", "Level", "Parent", "Type"} - set(imeta.columns)
    if missing:
        raise CompositeError(f"imeta lacks the columns {sorted(missing)}")
    rows = imeta[imeta["Type"].isin(INDEX_TYPES)]
    if rows.empty:
        raise CompositeError("imeta has no Indicator or Aggregate rows")
    return rows


def max_level(imeta: pd.DataFrame) -> int:
    """The top level of the hierarchy (the index)."""
    return int(index_rows(imeta)["Level"].max())


def level_codes(imeta: pd.DataFrame, level: int) -> list[str]:
    """Codes at ``level`` in sorted-iMeta order (COMPOSITE-METHODS 12.1 step 1, a level only)."""
    rows = index_rows(imeta)
    codes = [str(c) for c in rows.loc[rows["Level"] == level, "iCode"]]
    if not codes:
        raise CompositeError(f"no Indicator or Aggregate is at level {level}")
    return codes


def lineage_groups(lineage: pd.DataFrame, level: int) -> dict[str, list[str]]:
    """Parent code at ``level + 1`` -> its children at ``level``, both in lineage row order.

    Each parent appears once, at its first lineage row; children are the distinct codes of column
    ``level`` under that parent, in the order of first appearance (COMPOSITE-METHODS 10.2 step 2).
    """
    nlev = lineage.shape[1]
    if not 1 <= level < nlev:
        raise CompositeError(f"level must be between 1 and {nlev - 1} to have parents; got {level}")
    child_col = lineage.iloc[:, level - 1].astype(str)
    parent_col = lineage.iloc[:, level].astype(str)
    groups: dict[str, list[str]] = {}
    for parent, child in zip(parent_col, child_col, strict=True):
        children = groups.setdefault(parent, [])
        if child not in children:
            children.append(child)
    return groups


def _check_weights(weights: pd.Series, imeta: pd.DataFrame) -> pd.Series:
    """``weights`` aligned to the Indicator/Aggregate rows of ``imeta`` (float, no gaps)."""
    rows = index_rows(imeta)
    codes = rows["iCode"].astype(str).tolist()
    w = pd.Series(weights, dtype="float64")
    w.index = w.index.astype(str)
    if w.index.has_duplicates:
        raise CompositeError("weights have duplicated iCodes")
    absent = [c for c in codes if c not in w.index]
    if absent:
        raise CompositeError(f"weights lack the codes {absent}")
    extra = [c for c in w.index if c not in set(codes)]
    if extra:
        raise CompositeError(f"weights name codes that are not in imeta: {extra}")
    w = w.reindex(codes)
    if w.isna().any():
        raise CompositeError(f"weights are missing for {w.index[w.isna()].tolist()}")
    return w


# ---------------------------------------------------------------------------------------------
# Equal, normalised and effective weights


def equal_weights(imeta: pd.DataFrame) -> pd.Series:
    """Weight 1 for every Indicator and Aggregate, in ``imeta`` order (OECD/JRC 2008, 6.1)."""
    codes = index_rows(imeta)["iCode"].astype(str).tolist()
    return pd.Series(1.0, index=pd.Index(codes, name="iCode"), name="Weight")


def normalise_within_parents(weights: pd.Series, imeta: pd.DataFrame) -> pd.Series:
    """Weights rescaled to sum to 1 within each parent group; the top level is one group.

    ``w_i <- w_i / sum_{j in group(i)} w_j`` (COMPOSITE-METHODS 8.2 "Effective weights" step 1;
    the sum is exactly rounded, as R's extended-precision ``sum``, section 1.2). Raises
    ``CompositeError`` on a negative weight or a group whose weights are all zero, naming the
    parent.
    """
    w = _check_weights(weights, imeta)
    rows = index_rows(imeta)
    top = max_level(imeta)
    parents = [
        "<top level>" if lev == top else str(p)
        for lev, p in zip(rows["Level"], rows["Parent"], strict=True)
    ]
    negative = w.index[w < 0].tolist()
    if negative:
        raise CompositeError(f"weights must not be negative; negative for {negative}")
    out = w.copy()
    group_of = pd.Series(parents, index=w.index)
    for parent in dict.fromkeys(parents):
        members = group_of.index[group_of == parent]
        total = math.fsum(w[members])
        if total == 0:
            where = "the top level" if parent == "<top level>" else f"parent {parent!r}"
            raise CompositeError(f"all weights are zero in the group of {where}")
        out[members] = w[members] / total
    out.name = "Weight"
    out.index.name = "iCode"
    return out


def effective_weights(weights: pd.Series, imeta: pd.DataFrame) -> pd.Series:
    """Effective weight of every Indicator/Aggregate: its share of the index.

    COMPOSITE-METHODS 8.2 (COINr ``get_eff_wts``): first normalise within parent groups
    (:func:`normalise_within_parents`), then from level ``maxlev - 1`` down to 1 multiply each
    weight by its parent's effective weight, so ``e_i = prod_{a in ancestors(i) + i} w_a``. The
    effective weights of each level sum to 1. Example: in a 4-level index whose sub-index has 2
    siblings, pillar 5 and indicator 5, each indicator gets 1/2 * 1/5 * 1/5 = 0.02.
    """
    out = normalise_within_parents(weights, imeta)
    rows = index_rows(imeta).set_index(out.index)
    top = max_level(imeta)
    for lev in range(top - 1, 0, -1):
        at = rows.index[rows["Level"] == lev]
        parents = rows.loc[at, "Parent"].astype(str)
        unknown = sorted(set(parents) - set(out.index))
        if unknown:
            raise CompositeError(f"parents {unknown} of level-{lev} codes are not in imeta")
        out[at] = out[at].to_numpy() * out[parents.to_numpy()].to_numpy()
    return out


# ---------------------------------------------------------------------------------------------
# PCA weights


@dataclass(frozen=True)
class PCAGroup:
    """One PCA: the codes (columns, in lineage order), the units used and the decomposition."""

    codes: list[str]
    units: list[str]
    loadings: pd.Series  # PC1 loadings (first right singular vector), indexed by code
    variance_explained: pd.Series  # share of variance per component PC1..PCk (sums to 1)
    sdev: pd.Series  # standard deviations of the components (d / sqrt(n - 1), as prcomp)


@dataclass(frozen=True)
class PCAWeights:
    """Result of :func:`pca_weights`."""

    weights: pd.Series  # all weights, with the PC1 loadings written in at ``level``
    loadings: pd.Series  # PC1 loadings of every code at ``level`` (group order, lineage order)
    variance_explained: pd.DataFrame  # rows = group, columns = PC1..PCk (NaN past a group's k)
    groups: dict[str, PCAGroup]


def pca_core(data: pd.DataFrame, codes: Sequence[str], label: str) -> PCAGroup:
    """PCA of ``data[codes]`` as COINr's ``prcomp(center = TRUE, scale = TRUE)``.

    Units with any missing value are dropped with a warning (COMPOSITE-METHODS 10.2 step 3).
    Columns are centred and divided by their sd (n - 1), ``Z = (X - mean) / sd``; with the SVD
    ``Z = U D V^T`` the PC1 loadings are the first column of ``V``, with the sign LAPACK returns
    (section 10.2: COINr does not orient it). Variance explained by component ``j`` is
    ``d_j^2 / sum d^2`` (OECD/JRC 2008, step 4 of section 6.1).
    """
    codes = [str(c) for c in codes]
    absent = [c for c in codes if c not in data.columns]
    if absent:
        raise CompositeError(f"PCA of {label}: the data lack the columns {absent}")
    x = data[codes].astype("float64")
    n_missing = int(x.isna().to_numpy().sum())
    if n_missing:
        complete = x.dropna(how="any")
        warnings.warn(
            f"PCA of {label}: {n_missing} missing values found; removing "
            f"{len(x) - len(complete)} units with missing values",
            stacklevel=3,
        )
        x = complete
    n = len(x)
    if n < 2:
        raise CompositeError(f"PCA of {label} needs at least 2 complete units; got {n}")
    arr = x.to_numpy()
    centred = arr - arr.mean(axis=0)
    sd = np.sqrt((centred**2).sum(axis=0) / (n - 1))
    constant = [c for c, s in zip(codes, sd, strict=True) if not s > 0]
    if constant:
        raise CompositeError(f"PCA of {label}: cannot scale the constant columns {constant}")
    z = centred / sd
    _, d, vt = np.linalg.svd(z, full_matrices=False)
    names = [f"PC{j + 1}" for j in range(len(d))]
    total = float(np.sum(d**2))
    return PCAGroup(
        codes=codes,
        units=[str(u) for u in x.index],
        loadings=pd.Series(vt[0], index=pd.Index(codes, name="iCode"), name="PC1"),
        variance_explained=pd.Series(d**2 / total, index=names, name=label),
        sdev=pd.Series(d / math.sqrt(n - 1), index=names, name=label),
    )


def pca_groups(
    imeta: pd.DataFrame, lineage: pd.DataFrame, level: int, by_groups: bool = True
) -> dict[str, list[str]]:
    """The PCA groups at ``level``: lineage groups under each parent, or ``{"All": codes}``."""
    top = max_level(imeta)
    if not 1 <= level < top:
        raise CompositeError(f"PCA level must be between 1 and {top - 1}; got {level}")
    if by_groups:
        return lineage_groups(lineage, level)
    return {"All": level_codes(imeta, level)}


def pca_weights(
    data: pd.DataFrame,
    imeta: pd.DataFrame,
    lineage: pd.DataFrame,
    level: int,
    by_groups: bool = True,
) -> PCAWeights:
    """PCA weights at ``level`` (COMPOSITE-METHODS 10.2, COINr ``get_PCA``).

    For each parent at ``level + 1`` in lineage order (or once over all codes at ``level`` when
    ``by_groups`` is false), the PC1 loadings of its children (see :func:`pca_core`) overwrite
    those children's entries in a copy of ``imeta``'s ``Weight``; the other levels keep theirs.
    The loadings have unit sum of squares per group and may be negative or of mixed sign.
    """
    groups = pca_groups(imeta, lineage, level, by_groups)
    rows = index_rows(imeta)
    if "Weight" not in rows.columns:
        raise CompositeError("imeta lacks the column 'Weight'")
    weights = pd.Series(
        rows["Weight"].astype("float64").to_numpy(),
        index=pd.Index(rows["iCode"].astype(str), name="iCode"),
        name="Weight",
    )
    results: dict[str, PCAGroup] = {}
    for parent, codes in groups.items():
        res = pca_core(data, codes, f"group {parent!r}")
        weights[res.codes] = res.loadings.to_numpy()
        results[parent] = res
    loadings = pd.concat([r.loadings for r in results.values()])
    variance = pd.DataFrame({p: r.variance_explained for p, r in results.items()}).T
    variance = variance.reindex(columns=sorted(variance.columns, key=lambda c: int(c[2:])))
    variance.index.name = "Group"
    return PCAWeights(
        weights=weights, loadings=loadings, variance_explained=variance, groups=results
    )


# ---------------------------------------------------------------------------------------------
# Optimised weights


@dataclass(frozen=True)
class OptimisedWeights:
    """Result of :func:`optimise_weights`."""

    weights: pd.Series  # all weights; the ``level`` entries are the optimum, summing to 1
    level_weights: pd.Series  # the optimised weights of the components at ``level``
    target: pd.Series | None  # target shares (sum 1) for "balance"; None for "infomax"
    correlations_before: pd.Series  # component vs index, with the weights of ``imeta``
    correlations_after: pd.Series  # component vs index, with the optimised weights
    objective: float  # objective at the optimum (see optimise_weights)
    objective_before: float  # objective at the starting point
    converged: bool
    n_evaluations: int
    message: str


def _pair_correlation(x: np.ndarray, y: np.ndarray, method: str) -> float:
    """Correlation of two vectors on their complete pairs (R ``cor(..., use = "pairwise")``)."""
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 2:
        return math.nan
    xs, ys = x[ok], y[ok]
    if method == "kendall":
        return float(scipy.stats.kendalltau(xs, ys).statistic)
    if method == "spearman":
        xs, ys = scipy.stats.rankdata(xs), scipy.stats.rankdata(ys)
    xc, yc = xs - xs.mean(), ys - ys.mean()
    den = math.sqrt(float(np.dot(xc, xc)) * float(np.dot(yc, yc)))
    return float(np.dot(xc, yc) / den) if den > 0 else math.nan


def optimise_weights(
    data_at_levels: pd.DataFrame,
    aggregate_fn: Callable[[pd.Series], pd.Series],
    imeta: pd.DataFrame,
    level: int,
    target: Literal["equal"] | pd.Series = "equal",
    kind: Literal["balance", "infomax"] = "balance",
    cor_method: CorrelationMethod = "pearson",
    tol: float = 0.1,
    max_iter: int = 500,
) -> OptimisedWeights:
    """Weights of the components at ``level`` optimised against their correlation with the index.

    After COINr ``get_opt_weights`` (a linear version of Becker et al. 2017). For a candidate
    vector ``w`` of the ``k`` components at ``level`` (sorted-iMeta order), ``w <- w / sum(w)``
    replaces those entries of ``imeta``'s weights, ``aggregate_fn`` re-aggregates the index and
    ``r_i = cor(component_i, index)`` (pairwise complete, ``cor_method``). The objective is

    * ``"balance"``: ``log( sum_i (t_i - r_i / sum_j r_j)^2 / k )`` with target shares
      ``t = target / sum(target)`` (``"equal"``: ``t_i = 1/k``); started from ``t``;
    * ``"infomax"``: ``-sum_i r_i``; started from ``imeta``'s weights at ``level``.

    It is minimised by Nelder-Mead (``scipy.optimize.minimize``, like R's ``optim`` default),
    with R's starting simplex (each coordinate in turn moved by ``max(0.1 * max|x0|, 0.1 if all
    x0 are 0)``) and R's stopping rule: stop once the spread of the simplex values is at most
    ``tol * (|f(x0)| + tol)`` (``reltol = tol``), or after ``max_iter`` evaluations (COINr
    defaults 0.1 and 500). The result is deterministic. Weights may leave [0, 1] before the
    final division by their sum, as in COINr.

    Differences from COINr: a target Series is matched to the components by ``iCode`` (COINr
    pairs its target vector with correlations listed in collation order of the codes); the
    correlations are not filtered by p-value (COINr's ``get_corr`` would make an insignificant
    correlation ``NA`` and the optimisation fail); a perfectly balanced point, where the log
    is ``-inf``, is scored ``log(2.2e-308)`` instead of stopping R's ``optim`` with an error.
    """
    if kind not in ("balance", "infomax"):
        raise CompositeError(f"kind must be 'balance' or 'infomax'; got {kind!r}")
    if cor_method not in ("pearson", "spearman", "kendall"):
        raise CompositeError(f"cor_method must be pearson, spearman or kendall; got {cor_method!r}")
    if not tol > 0:
        raise CompositeError(f"tol must be positive; got {tol}")
    if int(max_iter) < 1:
        raise CompositeError(f"max_iter must be at least 1; got {max_iter}")
    top = max_level(imeta)
    if not 1 <= level < top:
        raise CompositeError(f"level must be between 1 and {top - 1}; got {level}")
    rows = index_rows(imeta)
    if "Weight" not in rows.columns:
        raise CompositeError("imeta lacks the column 'Weight'")
    w0 = pd.Series(
        rows["Weight"].astype("float64").to_numpy(),
        index=pd.Index(rows["iCode"].astype(str), name="iCode"),
        name="Weight",
    )
    codes = level_codes(imeta, level)
    k = len(codes)
    absent = [c for c in codes if c not in data_at_levels.columns]
    if absent:
        raise CompositeError(f"data_at_levels lack the level-{level} columns {absent}")
    components = data_at_levels[codes].astype("float64")

    shares: pd.Series | None = None
    if kind == "balance":
        if isinstance(target, str):
            if target != "equal":
                raise CompositeError(f"target must be 'equal' or a Series; got {target!r}")
            raw = pd.Series(1.0, index=codes)
        else:
            raw = pd.Series(target, dtype="float64")
            raw.index = raw.index.astype(str)
            if sorted(raw.index) != sorted(codes):
                raise CompositeError(f"target must give one value for each of {codes}")
            raw = raw.reindex(codes)
            if raw.isna().any() or (raw < 0).any() or not math.fsum(raw) > 0:
                raise CompositeError("target values must be non-negative, not all zero")
        shares = raw / math.fsum(raw)
        shares.name = "Target"
        x0 = shares.to_numpy().copy()
    else:
        x0 = w0[codes].to_numpy().copy()

    def correlations(level_w: np.ndarray) -> pd.Series:
        full = w0.copy()
        full[codes] = level_w
        index = pd.Series(aggregate_fn(full), dtype="float64").reindex(components.index)
        y = index.to_numpy()
        return pd.Series(
            [_pair_correlation(components[c].to_numpy(), y, cor_method) for c in codes],
            index=pd.Index(codes, name="iCode"),
            name="Correlation",
        )

    def objective_of(crs: pd.Series) -> float:
        r = crs.to_numpy()
        if kind == "infomax":
            value = -math.fsum(r)
        else:
            assert shares is not None
            msd = float(np.sum((shares.to_numpy() - r / math.fsum(r)) ** 2)) / k
            value = math.log(max(msd, np.finfo(float).tiny)) if msd == msd else math.nan
        return value if math.isfinite(value) else math.inf

    def objective(w: np.ndarray) -> float:
        total = math.fsum(w)
        if total == 0:
            return math.inf
        return objective_of(correlations(w / total))

    f0 = objective(x0)
    if not math.isfinite(f0):
        raise CompositeError("the objective cannot be evaluated at the starting weights")
    step = max(0.1 * float(np.max(np.abs(x0))), 0.0) or 0.1
    simplex = np.vstack([x0] + [x0 + step * np.eye(k)[j] for j in range(k)])
    res = scipy.optimize.minimize(
        objective,
        x0,
        method="Nelder-Mead",
        options={
            "initial_simplex": simplex,
            "xatol": math.inf,
            "fatol": tol * (abs(f0) + tol),
            "maxfev": int(max_iter),
            "maxiter": int(max_iter),
        },
    )
    w_opt = np.asarray(res.x, dtype="float64")
    w_opt = w_opt / math.fsum(w_opt)
    level_weights = pd.Series(w_opt, index=pd.Index(codes, name="iCode"), name="Weight")
    weights = w0.copy()
    weights[codes] = w_opt
    before = correlations(w0[codes].to_numpy())
    after = correlations(w_opt)
    return OptimisedWeights(
        weights=weights,
        level_weights=level_weights,
        target=shares,
        correlations_before=before,
        correlations_after=after,
        objective=objective_of(after),
        objective_before=f0,
        converged=bool(res.status == 0),
        n_evaluations=int(res.nfev),
        message=str(res.message),
    )
