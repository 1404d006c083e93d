"""Statistical audit of a composite indicator: indicator statistics, correlations, reliability,
PCA by group and rank shifts when a component is left out.

Reproduces COINr 1.1.14's analysis tools (``get_stats``, ``get_corr``, ``get_pvals``,
``get_corr_flags``, ``get_cronbach``, ``get_PCA``, ``remove_elements``), written from
COMPOSITE-METHODS.md sections 1, 12 and 10.2, plus the collinearity and negative-correlation
flags of COINr's older ``getStats``. References: OECD/JRC (2008) *Handbook on Constructing
Composite Indicators*, sections 1.4 (multivariate analysis) and 7 (robustness and sensitivity);
Cronbach (1951), "Coefficient alpha and the internal structure of tests", *Psychometrika* 16.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.stats

from paradiplomacy.composite.collation import collation_key
from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.weights import (
    CorrelationMethod,
    index_rows,
    level_codes,
    pca_core,
    pca_groups,
)

_METHODS = ("pearson", "spearman", "kendall")


# ---------------------------------------------------------------------------------------------
# Small numerical helpers (R semantics, COMPOSITE-METHODS section 1). They stand in for the
# shared primitives module until it is available.


def _r_mean(x: np.ndarray) -> float:
    """R's two-pass ``mean``: ``s = fsum(x)/n; s += fsum(x - s)/n`` (section 1.2)."""
    n = len(x)
    if n == 0:
        return math.nan
    s = math.fsum(x) / n
    if math.isfinite(s):
        s += math.fsum(x - s) / n
    return s


def _r_sd(x: np.ndarray) -> float:
    """R's ``sd``: sqrt of ``sum (x - mean)^2 / (n - 1)`` with the two-pass mean."""
    n = len(x)
    if n < 2:
        return math.nan
    m = _r_mean(x)
    return math.sqrt(math.fsum((x - m) ** 2) / (n - 1))


def _quantile7(sorted_x: np.ndarray, p: float) -> float:
    """Type-7 quantile of sorted values as ``(1 - h) a + h b`` (section 1.3)."""
    n = len(sorted_x)
    if n == 0:
        return math.nan
    index = 1 + (n - 1) * p
    lo = math.floor(index)
    hi = math.ceil(index)
    q = float(sorted_x[lo - 1])
    if index > lo and sorted_x[hi - 1] != sorted_x[lo - 1]:
        h = index - lo
        q = (1 - h) * float(sorted_x[lo - 1]) + h * float(sorted_x[hi - 1])
    return q


def _median(sorted_x: np.ndarray) -> float:
    n = len(sorted_x)
    if n == 0:
        return math.nan
    if n % 2:
        return float(sorted_x[n // 2])
    return _r_mean(sorted_x[n // 2 - 1 : n // 2 + 1])


def _rank_min(values: np.ndarray) -> np.ndarray:
    """Ranks with ties sharing the lowest rank; missing values stay missing (section 1.4)."""
    out = np.full(len(values), np.nan)
    ok = ~np.isnan(values)
    out[ok] = scipy.stats.rankdata(values[ok], method="min")
    return out


# ---------------------------------------------------------------------------------------------
# Correlations with p-values


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise CompositeError(f"method must be one of {_METHODS}; got {method!r}")


def pair_correlation_test(x: np.ndarray, y: np.ndarray, method: str) -> tuple[float, float, int]:
    """``(r, p, n)`` on the complete pairs of ``x`` and ``y``, as R's ``cor`` and ``cor.test``.

    * pearson: ``r`` = product-moment correlation, ``t = sqrt(n-2) r / sqrt(1-r^2)``,
      ``p = 2 P(T_{n-2} > |t|)`` (COMPOSITE-METHODS 12.1 step 3).
    * spearman: ``r`` = Pearson correlation of the average ranks; ``p`` from the same t
      formula (R uses this only with ties or ``n > 1290``; see the module notes).
    * kendall: tau-b; ``p`` exact when there are no ties and ``n < 50`` (R's rule), else the
      normal approximation with the tie-corrected variance.

    Fewer than 3 complete pairs give ``p = NaN`` (R's ``cor.test`` stops with an error); fewer
    than 2 also give ``r = NaN``; a constant vector gives ``r = p = NaN``.
    """
    ok = ~(np.isnan(x) | np.isnan(y))
    n = int(ok.sum())
    if n < 2:
        return math.nan, math.nan, n
    xs, ys = x[ok], y[ok]
    if method == "kendall":
        if np.ptp(xs) == 0 or np.ptp(ys) == 0:
            return math.nan, math.nan, n
        if n < 3:
            return float(scipy.stats.kendalltau(xs, ys).statistic), math.nan, n
        ties = len(np.unique(xs)) < n or len(np.unique(ys)) < n
        exact = not ties and n < 50
        res = scipy.stats.kendalltau(xs, ys, method="exact" if exact else "asymptotic")
        return float(res.statistic), float(res.pvalue), n
    if method == "spearman":
        xs, ys = scipy.stats.rankdata(xs), scipy.stats.rankdata(ys)
    xc, yc = xs - _r_mean(xs), ys - _r_mean(ys)
    den = math.sqrt(math.fsum(xc * xc) * math.fsum(yc * yc))
    if not den > 0:
        return math.nan, math.nan, n
    r = max(-1.0, min(1.0, math.fsum(xc * yc) / den))
    if n < 3:
        return r, math.nan, n
    if abs(r) == 1.0:
        return r, 0.0, n
    t = math.sqrt(n - 2) * r / math.sqrt(1 - r * r)
    return r, float(2 * scipy.stats.t.sf(abs(t), n - 2)), n


def _columns(data: pd.DataFrame, codes: Iterable[str], what: str) -> list[str]:
    codes = [str(c) for c in codes]
    if not codes:
        raise CompositeError(f"{what}: no codes given")
    absent = [c for c in codes if c not in data.columns]
    if absent:
        raise CompositeError(f"{what}: the data lack the columns {absent}")
    return codes


def correlations(
    data: pd.DataFrame,
    codes_a: Sequence[str],
    codes_b: Sequence[str] | None = None,
    method: CorrelationMethod = "pearson",
    pvalue: float = 0.05,
) -> pd.DataFrame:
    """Correlations of ``codes_a`` with ``codes_b`` in long form (COMPOSITE-METHODS 12.1).

    Steps 2-4 of COINr ``get_corr``: the correlation of every pair on its complete
    observations (``method``), then, if ``pvalue > 0``, correlations whose ``cor.test``
    p-value (:func:`pair_correlation_test`) exceeds ``pvalue`` become NaN; a code paired with
    itself keeps p = 0. Rows are enumerated column-major: all ``codes_a`` (``Var1``) for the
    first of ``codes_b`` (``Var2``), and so on. Columns: ``Var1, Var2, Correlation, pvalue``
    (the p-value is reported whether or not the filter is on). ``codes_b`` defaults to
    ``codes_a``. Note: COINr passes the higher level as the first set (12.1 step 1).
    """
    _check_method(method)
    if not pvalue >= 0:
        raise CompositeError(f"pvalue must be >= 0; got {pvalue}")
    a = _columns(data, codes_a, "correlations")
    b = a if codes_b is None else _columns(data, codes_b, "correlations")
    arrays = {c: data[c].to_numpy(dtype="float64") for c in dict.fromkeys(a + b)}
    cache: dict[tuple[str, str], tuple[float, float]] = {}
    records = []
    for cb in b:
        for ca in a:
            key = (ca, cb) if collation_key(ca) <= collation_key(cb) else (cb, ca)
            if key not in cache:
                r, p, _ = pair_correlation_test(arrays[key[0]], arrays[key[1]], method)
                cache[key] = (r, 0.0 if ca == cb else p)
            r, p = cache[key]
            if pvalue > 0 and p > pvalue:
                r = math.nan
            records.append((ca, cb, r, p))
    return pd.DataFrame(records, columns=["Var1", "Var2", "Correlation", "pvalue"])


def correlation_matrix(
    data: pd.DataFrame,
    codes_a: Sequence[str],
    codes_b: Sequence[str] | None = None,
    method: CorrelationMethod = "pearson",
    pvalue: float = 0.05,
) -> pd.DataFrame:
    """:func:`correlations` in wide form: rows ``codes_a``, columns ``codes_b`` (12.1 step 7)."""
    long = correlations(data, codes_a, codes_b, method, pvalue)
    a = list(dict.fromkeys(long["Var1"]))
    b = list(dict.fromkeys(long["Var2"]))
    wide = long.pivot(index="Var1", columns="Var2", values="Correlation").reindex(
        index=a, columns=b
    )
    wide.index.name = None
    wide.columns.name = None
    return wide


def codes_at_level(
    imeta: pd.DataFrame,
    lineage: pd.DataFrame,
    level: int,
    within: str | Sequence[str] | None = None,
) -> list[str]:
    """Codes selected as COINr's ``get_data`` does (COMPOSITE-METHODS 12.1 step 1).

    Without ``within``: all codes at ``level`` in sorted-iMeta order. With ``within`` (one code
    or several): their descendants at ``level`` (a code at ``level`` selects itself), in
    lineage row order, each once.
    """
    nlev = lineage.shape[1]
    if not 1 <= level <= nlev:
        raise CompositeError(f"level must be between 1 and {nlev}; got {level}")
    if within is None:
        return level_codes(imeta, level)
    wanted = [within] if isinstance(within, str) else [str(c) for c in within]
    rows = index_rows(imeta)
    levels = dict(zip(rows["iCode"].astype(str), rows["Level"].astype(int), strict=True))
    out: list[str] = []
    for code in wanted:
        if code not in levels:
            raise CompositeError(f"{code!r} is not an Indicator or Aggregate code")
        lev = levels[code]
        if lev < level:
            raise CompositeError(f"{code!r} is at level {lev}, below level {level}")
        hits = lineage.iloc[:, level - 1][lineage.iloc[:, lev - 1].astype(str) == code]
        for c in hits.astype(str):
            if c not in out:
                out.append(c)
    return out


def _pairs_of_levels(lineage: pd.DataFrame, low: int, high: int) -> set[tuple[str, str]]:
    nlev = lineage.shape[1]
    for lev in (low, high):
        if not 1 <= lev <= nlev:
            raise CompositeError(f"level must be between 1 and {nlev}; got {lev}")
    hi = lineage.iloc[:, high - 1].astype(str)
    lo = lineage.iloc[:, low - 1].astype(str)
    return set(zip(hi, lo, strict=True))


def with_parent(
    table: pd.DataFrame, lineage: pd.DataFrame, level_a: int, level_b: int
) -> pd.DataFrame:
    """Keep only (ancestor, descendant) pairs of a long correlation table (12.1 step 5).

    ``level_a`` and ``level_b`` are the levels of ``Var1`` and ``Var2`` (they must differ). The
    pairs kept are those in the lineage between the higher and the lower level; the result has
    ``Var1`` = the higher-level code and ``Var2`` = the lower one (rows whose orientation is the
    other way round are swapped), sorted by ``Var1`` then ``Var2`` in collation order, as
    COINr's ``merge`` with the lineage. Used with adjacent levels this is ``withparent = TRUE``;
    with every higher level in turn it gives ``withparent = "family"``.
    """
    if level_a == level_b:
        raise CompositeError("with_parent needs two different levels")
    high, low = max(level_a, level_b), min(level_a, level_b)
    pairs = _pairs_of_levels(lineage, low, high)
    t = table.copy()
    if level_a < level_b:
        t = t.rename(columns={"Var1": "Var2", "Var2": "Var1"})
        t = t[["Var1", "Var2", *[c for c in t.columns if c not in ("Var1", "Var2")]]]
    keep = [(v1, v2) in pairs for v1, v2 in zip(t["Var1"], t["Var2"], strict=True)]
    t = t[keep]
    order = sorted(
        range(len(t)),
        key=lambda i: (collation_key(t["Var1"].iloc[i]), collation_key(t["Var2"].iloc[i])),
    )
    return t.iloc[order].reset_index(drop=True)


def within_group(
    table: pd.DataFrame, lineage: pd.DataFrame, level: int, group_level: int
) -> pd.DataFrame:
    """Keep only pairs of a same-level long table whose codes share an ancestor at
    ``group_level`` (12.1 step 6, ``grouplev``); duplicates dropped, rows sorted by ``Var1``
    then ``Var2`` in collation order (the order of COINr's ``merge``)."""
    nlev = lineage.shape[1]
    if not level < group_level <= nlev:
        raise CompositeError(
            f"group_level must be above level {level} and at most {nlev}; got {group_level}"
        )
    ancestor: dict[str, set[str]] = {}
    for code, anc in zip(
        lineage.iloc[:, level - 1].astype(str),
        lineage.iloc[:, group_level - 1].astype(str),
        strict=True,
    ):
        ancestor.setdefault(code, set()).add(anc)
    keep = [
        bool(ancestor.get(str(v1), set()) & ancestor.get(str(v2), set()))
        for v1, v2 in zip(table["Var1"], table["Var2"], strict=True)
    ]
    t = table[keep].drop_duplicates()
    order = sorted(
        range(len(t)),
        key=lambda i: (collation_key(t["Var1"].iloc[i]), collation_key(t["Var2"].iloc[i])),
    )
    return t.iloc[order].reset_index(drop=True)


def correlation_flags(
    data: pd.DataFrame,
    imeta: pd.DataFrame,
    lineage: pd.DataFrame,
    level: int = 1,
    group_level: int = 2,
    threshold: float = 0.9,
    kind: Literal["high", "low"] = "high",
    method: CorrelationMethod = "pearson",
    digits: int | None = 3,
) -> pd.DataFrame:
    """Pairs within the same ``group_level`` group whose correlation is above (``"high"``) or
    below (``"low"``) ``threshold`` (COMPOSITE-METHODS 12.3, COINr ``get_corr_flags``).

    Correlations are pairwise complete, without a p-value filter; self pairs and NaN are
    dropped; each unordered pair is reported once, as ``Ind1 < Ind2`` in collation order, rows
    sorted by (``Ind1``, ``Ind2``); ``Corr`` is rounded to ``digits`` (R ``round``, half to
    even; ``None`` keeps full precision). Columns: ``Group, Ind1, Ind2, Corr``.
    """
    _check_method(method)
    if kind not in ("high", "low"):
        raise CompositeError(f"kind must be 'high' or 'low'; got {kind!r}")
    if not -1 <= threshold <= 1:
        raise CompositeError(f"threshold must be in [-1, 1]; got {threshold}")
    nlev = lineage.shape[1]
    if not 1 <= level < group_level <= nlev:
        raise CompositeError(
            f"need 1 <= level < group_level <= {nlev}; got level {level}, group {group_level}"
        )
    groups: dict[str, list[str]] = {}
    for code, grp in zip(
        lineage.iloc[:, level - 1].astype(str),
        lineage.iloc[:, group_level - 1].astype(str),
        strict=True,
    ):
        members = groups.setdefault(grp, [])
        if code not in members:
            members.append(code)
    records = []
    for grp, members in groups.items():
        present = [c for c in members if c in data.columns]
        ordered = sorted(present, key=collation_key)
        for i, c1 in enumerate(ordered):
            for c2 in ordered[i + 1 :]:
                x, y = data[c1].to_numpy("float64"), data[c2].to_numpy("float64")
                r = _pair_r(x, y, method)
                if math.isnan(r):
                    continue
                if (kind == "high" and r > threshold) or (kind == "low" and r < threshold):
                    records.append((grp, c1, c2, r))
    out = pd.DataFrame(records, columns=["Group", "Ind1", "Ind2", "Corr"])
    if len(out):
        order = sorted(
            range(len(out)),
            key=lambda i: (collation_key(out["Ind1"].iloc[i]), collation_key(out["Ind2"].iloc[i])),
        )
        out = out.iloc[order].reset_index(drop=True)
    if digits is not None:
        out["Corr"] = np.round(out["Corr"].to_numpy(dtype="float64"), digits)
    return out


def _pair_r(x: np.ndarray, y: np.ndarray, method: str) -> float:
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 2:
        return math.nan
    xs, ys = x[ok], y[ok]
    if method == "kendall":
        if np.ptp(xs) == 0 or np.ptp(ys) == 0:
            return math.nan
        return float(scipy.stats.kendalltau(xs, ys).statistic)
    if method == "spearman":
        xs, ys = scipy.stats.rankdata(xs), scipy.stats.rankdata(ys)
    xc, yc = xs - _r_mean(xs), ys - _r_mean(ys)
    den = math.sqrt(math.fsum(xc * xc) * math.fsum(yc * yc))
    return max(-1.0, min(1.0, math.fsum(xc * yc) / den)) if den > 0 else math.nan


# ---------------------------------------------------------------------------------------------
# Reliability and PCA


def _pairwise_cov(arr: np.ndarray) -> np.ndarray:
    """Covariance matrix (n - 1), each entry on the complete pairs of its two columns."""
    k = arr.shape[1]
    cov = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            ok = ~(np.isnan(arr[:, i]) | np.isnan(arr[:, j]))
            n = int(ok.sum())
            if n < 2:
                continue
            xi, xj = arr[ok, i], arr[ok, j]
            c = math.fsum((xi - _r_mean(xi)) * (xj - _r_mean(xj))) / (n - 1)
            cov[i, j] = cov[j, i] = c
    return cov


def cronbach_alpha(data: pd.DataFrame, codes: Sequence[str]) -> float:
    """Cronbach's (1951) alpha of the columns ``codes`` (COMPOSITE-METHODS 12.2).

    With ``C`` the ``k x k`` covariance matrix (n - 1, pairwise-complete observations),
    ``alpha = k^2 * ((sum C - tr C) / (k (k - 1))) / sum C = k/(k-1) * (1 - tr C / sum C)``;
    missing entries of ``C`` are left out of the sums, as COINr's ``sum(..., na.rm = TRUE)``.
    """
    cols = _columns(data, codes, "cronbach_alpha")
    k = len(cols)
    if k < 2:
        raise CompositeError(f"Cronbach's alpha needs at least 2 columns; got {cols}")
    cov = _pairwise_cov(data[cols].to_numpy(dtype="float64"))
    total = math.fsum(cov[~np.isnan(cov)])
    diag = np.diag(cov)
    trace = math.fsum(diag[~np.isnan(diag)])
    if total == 0:
        return math.nan
    return (k * k * ((total - trace) / (k * (k - 1)))) / total


def cronbach_by_group(
    data: pd.DataFrame,
    imeta: pd.DataFrame,
    lineage: pd.DataFrame,
    level: int,
    group_level: int,
) -> pd.DataFrame:
    """Cronbach's alpha of the codes at ``level`` within each ``group_level`` group.

    One row per group (lineage order): ``Group``, ``k`` (number of codes) and ``Alpha``
    (:func:`cronbach_alpha`; NaN for a group of a single code). ``group_level = level`` is
    refused; the top level gives one group with every code at ``level``.
    """
    nlev = lineage.shape[1]
    if not 1 <= level < group_level <= nlev:
        raise CompositeError(
            f"need 1 <= level < group_level <= {nlev}; got level {level}, group {group_level}"
        )
    records = []
    seen: list[str] = []
    for grp in lineage.iloc[:, group_level - 1].astype(str):
        if grp in seen:
            continue
        seen.append(grp)
        codes = codes_at_level(imeta, lineage, level, within=grp)
        alpha = cronbach_alpha(data, codes) if len(codes) > 1 else math.nan
        records.append((grp, len(codes), alpha))
    return pd.DataFrame(records, columns=["Group", "k", "Alpha"])


def pca_by_group(
    data: pd.DataFrame,
    imeta: pd.DataFrame,
    lineage: pd.DataFrame,
    level: int,
    by_groups: bool = True,
) -> pd.DataFrame:
    """PCA of the codes at ``level`` in each parent group (COMPOSITE-METHODS 10.2, ``get_PCA``).

    Tidy long table with columns ``Group, Quantity, Name, Value``: for each group (lineage
    order), rows ``Quantity = "variance_explained"`` with ``Name = PC1..PCk`` (share of total
    variance, ``d_j^2 / sum d^2``), then ``Quantity = "loading"`` with ``Name`` = each code and
    its PC1 loading (sign as the SVD returns it), and one row ``Quantity = "n_units"``. Units
    with missing values are dropped per group with a warning (see
    :func:`paradiplomacy.composite.weights.pca_core`).
    """
    records: list[tuple[str, str, str, float]] = []
    for parent, codes in pca_groups(imeta, lineage, level, by_groups).items():
        res = pca_core(data, codes, f"group {parent!r}")
        records.append((parent, "n_units", "n_units", float(len(res.units))))
        records += [
            (parent, "variance_explained", str(pc), float(v))
            for pc, v in res.variance_explained.items()
        ]
        records += [(parent, "loading", str(c), float(v)) for c, v in res.loadings.items()]
    return pd.DataFrame(records, columns=["Group", "Quantity", "Name", "Value"])


# ---------------------------------------------------------------------------------------------
# Indicator statistics


def indicator_statistics(
    data: pd.DataFrame,
    availability_threshold: float = 0.66,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    collinearity: float = 0.9,
    negative_correlation: float = -0.4,
    nonzero: float = 0.5,
    unique: float = 0.5,
    method: CorrelationMethod = "pearson",
    pvalue: float = 0.05,
    iqr_coefficient: float = 1.5,
) -> pd.DataFrame:
    """Per-column statistics and flags, one row per column (index ``iCode``).

    Statistics over the non-missing values (``n`` = their count, ``N`` = all rows), with R's
    definitions (COMPOSITE-METHODS 1.2-1.3): ``Min, Max, Mean`` (two-pass), ``Median``,
    ``Std`` (n - 1), ``Skew`` and ``Kurt`` (e1071 type 2, i.e. sample-adjusted, excess
    kurtosis; section 6.2), ``N.Avail`` (n), ``Frc.Avail`` (n / N), ``N.Zero``, ``N.NonZero``,
    ``N.Unique`` (distinct values), ``N.Same`` (size of the largest tie), ``Q.25, Q.75, IQR``
    (type 7), ``Low.Outliers.IQR`` / ``High.Outliers.IQR`` (values ``< Q1 - c IQR`` /
    ``> Q3 + c IQR``, ``c = iqr_coefficient``, COINr ``getStats``), ``Max.Abs.Corr`` (largest
    |r| with another column, pairwise complete) and ``N.NegCorr`` (number of other columns with
    ``r < negative_correlation`` and ``cor.test`` p-value ``< pvalue``).

    Flags (True = flagged), with the rules of COINr ``get_stats`` (1.1.14) and ``getStats``:

    * ``Flag.Avail``: ``n / N < availability_threshold`` (COINr "LOW"; its default is 0.65);
    * ``Flag.NonZero``: ``N.NonZero / N < nonzero`` (COINr "LOW");
    * ``Flag.Unique``: ``N.Unique / N < unique`` (COINr "LOW");
    * ``Flag.SkewKurt``: ``|Skew| > skew`` and ``Kurt > kurtosis`` (COINr "OUT"; NaN -> False);
    * ``Flag.Collinear``: ``Max.Abs.Corr > collinearity`` (``getStats`` "Collinear");
    * ``Flag.NegCorr``: ``N.NegCorr > 0`` (``getStats`` counts ``r < 0`` with p < 0.05, which
      is ``negative_correlation = 0``).
    """
    _check_method(method)
    for name, value in (
        ("availability_threshold", availability_threshold),
        ("nonzero", nonzero),
        ("unique", unique),
    ):
        if not 0 <= value <= 1:
            raise CompositeError(f"{name} must be in [0, 1]; got {value}")
    if not 0 <= collinearity <= 1:
        raise CompositeError(f"collinearity must be in [0, 1]; got {collinearity}")
    if not -1 <= negative_correlation <= 1:
        raise CompositeError(f"negative_correlation must be in [-1, 1]; got {negative_correlation}")
    if data.shape[1] == 0 or len(data) == 0:
        raise CompositeError("indicator_statistics needs at least one row and one column")
    codes = [str(c) for c in data.columns]
    big_n = len(data)
    arrays = {c: data[c].to_numpy(dtype="float64") for c in codes}
    rows = []
    for c in codes:
        x = arrays[c]
        v = np.sort(x[~np.isnan(x)])
        n = len(v)
        if n:
            q25, q75 = _quantile7(v, 0.25), _quantile7(v, 0.75)
            iqr = q75 - q25
            low = int(np.sum(v < q25 - iqr_coefficient * iqr))
            high = int(np.sum(v > q75 + iqr_coefficient * iqr))
            _, counts = np.unique(v, return_counts=True)
            n_unique, n_same = len(counts), int(counts.max())
        else:
            q25 = q75 = iqr = math.nan
            low = high = n_unique = n_same = 0
        with np.errstate(all="ignore"):
            sk = float(scipy.stats.skew(v, bias=False)) if n > 2 else math.nan
            kt = float(scipy.stats.kurtosis(v, bias=False)) if n > 3 else math.nan
        rows.append(
            {
                "Min": float(v[0]) if n else math.nan,
                "Max": float(v[-1]) if n else math.nan,
                "Mean": _r_mean(v),
                "Median": _median(v),
                "Std": _r_sd(v),
                "Skew": sk,
                "Kurt": kt,
                "N.Avail": n,
                "Frc.Avail": n / big_n,
                "N.Zero": int(np.sum(v == 0)),
                "N.NonZero": int(np.sum(v != 0)),
                "N.Unique": n_unique,
                "N.Same": n_same,
                "Q.25": q25,
                "Q.75": q75,
                "IQR": iqr,
                "Low.Outliers.IQR": low,
                "High.Outliers.IQR": high,
            }
        )
    out = pd.DataFrame(rows, index=pd.Index(codes, name="iCode"))
    max_abs = []
    n_neg = []
    for c in codes:
        rs, negs = [], 0
        for other in codes:
            if other == c:
                continue
            r, p, _ = pair_correlation_test(arrays[c], arrays[other], method)
            if not math.isnan(r):
                rs.append(abs(r))
                if r < negative_correlation and p < pvalue:
                    negs += 1
        max_abs.append(max(rs) if rs else math.nan)
        n_neg.append(negs)
    out["Max.Abs.Corr"] = max_abs
    out["N.NegCorr"] = n_neg
    out["Flag.Avail"] = out["Frc.Avail"] < availability_threshold
    out["Flag.NonZero"] = out["N.NonZero"] / big_n < nonzero
    out["Flag.Unique"] = out["N.Unique"] / big_n < unique
    out["Flag.SkewKurt"] = (out["Skew"].abs() > skew) & (out["Kurt"] > kurtosis)
    out["Flag.Collinear"] = out["Max.Abs.Corr"] > collinearity
    out["Flag.NegCorr"] = out["N.NegCorr"] > 0
    return out


# ---------------------------------------------------------------------------------------------
# Leave-one-out rank shifts


def rank_shifts(
    nominal_scores: pd.Series, alternative_scores: Mapping[str, pd.Series]
) -> pd.DataFrame:
    """Rank changes when each component is removed (COINr ``remove_elements``).

    Ranks are ``rank_min(-score)`` (ties share the lowest rank, missing stays missing;
    COMPOSITE-METHODS 1.4). For each removed component ``c`` (the caller rebuilt the index with
    ``c``'s weight set to zero) and unit ``u``: ``shift[c, u] = rank_nominal[u] -
    rank_without_c[u]`` (positive: ``u`` ranks higher without ``c``), and
    ``MeanAbsRankChange[c]`` = mean over units of ``|shift[c, u]|`` (NaN if any unit has no
    rank, like R's ``colMeans``). Alternative scores are aligned on the nominal units.

    Returns one row per removed component (index ``Removed``, in mapping order): the column
    ``MeanAbsRankChange`` then one column per unit of ``nominal_scores`` with its shift.
    """
    if not alternative_scores:
        raise CompositeError("rank_shifts needs at least one set of alternative scores")
    nominal = pd.Series(nominal_scores, dtype="float64")
    units = [str(u) for u in nominal.index]
    if len(set(units)) != len(units):
        raise CompositeError("nominal scores have duplicated unit codes")
    if "MeanAbsRankChange" in units:
        raise CompositeError("a unit code must not be 'MeanAbsRankChange'")
    nominal.index = pd.Index(units)
    base = _rank_min(-nominal.to_numpy())
    records = []
    for removed, scores in alternative_scores.items():
        alt = pd.Series(scores, dtype="float64")
        alt.index = alt.index.astype(str)
        absent = [u for u in units if u not in alt.index]
        if absent:
            raise CompositeError(f"scores without {removed!r} lack the units {absent}")
        ranks = _rank_min(-alt.reindex(units).to_numpy())
        shift = base - ranks
        mean_abs = _r_mean(np.abs(shift)) if not np.isnan(shift).any() else math.nan
        records.append([mean_abs, *shift])
    out = pd.DataFrame(
        records,
        index=pd.Index([str(k) for k in alternative_scores], name="Removed"),
        columns=["MeanAbsRankChange", *units],
    )
    return out


__all__ = [
    "codes_at_level",
    "correlation_flags",
    "correlation_matrix",
    "correlations",
    "cronbach_alpha",
    "cronbach_by_group",
    "indicator_statistics",
    "pair_correlation_test",
    "pca_by_group",
    "rank_shifts",
    "with_parent",
    "within_group",
]
