"""Level of international activity of every region (MODEL.md section 4).

A region's **level** comes from its International Activity Index (IAI) score. Levels are
numbered from the top: level 1 is the highest (by default Leader), level ``k`` the lowest (Low).
Configuration (``data/assess/classification.yaml``, validated by :class:`ClassificationConfig`)
chooses the cut points and optional guard rules.

**Cut points.** ``edges`` is an increasing array ``e_0 < e_1 < ... < e_k`` on the IAI score
scale, with ``e_0 = -inf`` and ``e_k = +inf``. Ascending class ``j`` is ``[e_j, e_{j+1})``, and a
score in ascending class ``j`` gets level ``k - j``; so a score equal to a cut point gets the
higher level. The cut points are either

* ``fixed``: the configured thresholds (the lowest score of each level but the last), or
* ``jenks``: Fisher-Jenks natural breaks on the nominal IAI (Fisher, W. D. (1958) On grouping
  for maximum homogeneity, *JASA* 53(284):789-798; Jenks, G. F. (1967) The data model concept in
  statistical mapping, *International Yearbook of Cartography* 7:186-190): the partition of the
  sorted scores into ``k`` contiguous classes with the least total within-class sum of squared
  deviations, found exactly by dynamic programming (:func:`fisher_jenks`). The cut point
  between two classes lies midway between the highest nominal score of the lower class and the
  lowest of the upper class, so it is strictly between the scores of adjacent classes and no
  region's nominal score sits on a boundary.

Jenks cut points are computed **once**, on the nominal scores, and applied unchanged to every
uncertainty run: the level probabilities show how a region's uncertain score moves against fixed
boundaries, not how the boundaries move (recomputing breaks per run would mix the two).

**Guards.** A level may require conditions on the region's profile (:mod:`.profile`), e.g.
Leader needs partner countries in at least three macro-regions. A region whose score puts it at a
level whose guards it fails moves down to the highest lower level whose guards it passes; the
lowest level has no guards, so every scored region gets a level. Guards come from the ledger, not
from the composite, so the same guard table applies to every run.

**Probabilities.** ``P(level l) = #{runs with a score and level l} / #{runs with a score}``; runs
in which a region's score is missing (a failed build) are excluded and counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from paradiplomacy.resources import data_path, load_yaml

from .profile import ProfileConfig

DEFAULT_CONFIG = ("assess", "classification.yaml")
"""Location of the default configuration inside ``paradiplomacy/data``."""

GUARD_COLUMNS: tuple[str, ...] = (
    "n_records",
    "n_partner_countries",
    "n_macro_regions",
    "state_share",
    "hhi",
)
"""Numeric profile columns a guard may test (plus ``share_<macro-region>``)."""


DEFAULT_MIN_COVERAGE = 0.5
"""Default least IAI coverage for a level: half of the full model's weight."""

INSUFFICIENT = "insufficient_evidence"
"""The class of a region whose coverage is below ``min_coverage`` (level ``<NA>``)."""

INSUFFICIENT_LABELS = {"en": "Insufficient evidence", "ru": "Недостаточно данных"}


class ClassificationConfigError(ValueError):
    """Bad classification configuration; the message names the file, the key and what was
    expected."""


class Guard(BaseModel):
    """A condition on one numeric profile column: ``min <= value <= max`` (either bound may be
    omitted). A missing value fails the guard."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Guard:
        from paradiplomacy.registry import MACRO_REGIONS

        allowed = (*GUARD_COLUMNS, *(f"share_{m}" for m in MACRO_REGIONS))
        if self.column not in allowed:
            raise ValueError(f"column must be one of {', '.join(allowed)}; got {self.column!r}")
        if self.min is None and self.max is None:
            raise ValueError("a guard needs 'min' or 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) must not exceed max ({self.max})")
        return self

    def describe(self) -> str:
        """E.g. ``n_macro_regions >= 3``."""
        parts = []
        if self.min is not None:
            parts.append(f"{self.column} >= {self.min:g}")
        if self.max is not None:
            parts.append(f"{self.column} <= {self.max:g}")
        return " and ".join(parts)


class Level(BaseModel):
    """One level of activity; ``threshold`` is its lowest IAI score under ``method: fixed``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_en: str = Field(min_length=1)
    label_ru: str = Field(min_length=1)
    description: str = ""
    threshold: float | None = None
    guards: tuple[Guard, ...] = ()


class ClassificationConfig(BaseModel):
    """Levels (from level 1, the highest, down), the cut-point method and the profile rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = "1"
    method: Literal["fixed", "jenks"] = "jenks"
    levels: tuple[Level, ...] = Field(min_length=2)
    profile: ProfileConfig = ProfileConfig()
    min_coverage: float = Field(
        DEFAULT_MIN_COVERAGE,
        ge=0.0,
        le=1.0,
        description=(
            "least share of the full IAI model's weight a region's value must rest on to get a "
            "level; below it the region is classed 'insufficient evidence' (docs/coverage.md)"
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> ClassificationConfig:
        names = [lv.name for lv in self.levels]
        if len(set(names)) != len(names):
            raise ValueError(f"levels: names must be unique; got {names}")
        if self.levels[-1].guards:
            raise ValueError(
                f"levels: the lowest level ({self.levels[-1].name}) must have no guards, "
                "so that every region has a level"
            )
        if self.method == "fixed":
            upper = self.levels[:-1]
            missing = [lv.name for lv in upper if lv.threshold is None]
            if missing:
                raise ValueError(
                    f"levels: method 'fixed' needs a threshold for every level but the lowest; "
                    f"missing for {', '.join(missing)}"
                )
            values = [float(lv.threshold) for lv in upper]  # type: ignore[arg-type]
            if any(not np.isfinite(v) for v in values) or np.any(np.diff(values) >= 0):
                raise ValueError(
                    "levels: thresholds must be finite and strictly decreasing from level 1 "
                    f"down; got {values}"
                )
        return self

    @property
    def k(self) -> int:
        """Number of levels."""
        return len(self.levels)

    @property
    def probability_columns(self) -> list[str]:
        """``p_level_1`` .. ``p_level_k``."""
        return [f"p_level_{i}" for i in range(1, self.k + 1)]


def load_config(source: str | Path | Mapping[str, Any] | None = None) -> ClassificationConfig:
    """Read and validate a classification file (default: the one shipped in the package).

    Raises :class:`ClassificationConfigError` naming the file, the key and what was expected.
    """
    if isinstance(source, Mapping):
        label, raw = "<mapping>", dict(source)
    else:
        path = Path(source) if source is not None else data_path(*DEFAULT_CONFIG)
        label = str(path)
        try:
            raw = load_yaml(path)
        except OSError as error:
            raise ClassificationConfigError(f"{label}: cannot read: {error}") from error
        except Exception as error:  # yaml.YAMLError and friends
            raise ClassificationConfigError(f"{label}: not valid YAML: {error}") from error
    if not isinstance(raw, Mapping):
        raise ClassificationConfigError(
            f"{label}: expected a mapping with keys method, levels, profile; "
            f"got {type(raw).__name__}"
        )
    try:
        return ClassificationConfig.model_validate(raw)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            key = ".".join(str(p) for p in problem["loc"]) or "(top level)"
            lines.append(f"{label}: {key}: {problem['msg']}")
        raise ClassificationConfigError("\n".join(lines)) from error


# --- Fisher-Jenks ---------------------------------------------------------------------------


def _segment_costs(u: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.float64]:
    """``C[i, j]``: weighted sum of squared deviations of ``u[i..j]`` (inf below the diagonal).

    ``SS(i, j) = S2 - S1^2 / W`` over the segment, from prefix sums of ``w``, ``w u`` and
    ``w u^2`` of the centred and scaled values (which keeps the cancellation small).
    """
    m = u.size
    pw = np.concatenate([[0.0], np.cumsum(w)])
    p1 = np.concatenate([[0.0], np.cumsum(w * u)])
    p2 = np.concatenate([[0.0], np.cumsum(w * u * u)])
    i = np.arange(m)[:, None]
    j = np.arange(m)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        sw = pw[j + 1] - pw[i]
        s1 = p1[j + 1] - p1[i]
        s2 = p2[j + 1] - p2[i]
        cost = np.maximum(s2 - s1 * s1 / sw, 0.0)
    return np.where(j >= i, cost, np.inf)


def fisher_jenks(values: ArrayLike, k: int) -> NDArray[np.float64]:
    """Exact Fisher-Jenks natural breaks of ``values`` into ``k`` classes.

    Minimises the total within-class sum of squared deviations
    ``sum_c sum_{x in c} (x - mean_c)^2`` over partitions of the sorted values into ``k``
    contiguous classes (Fisher 1958; Jenks 1967), by dynamic programming over the distinct values
    weighted by their counts: ``D[c, j] = min_i D[c-1, i-1] + SS(i, j)``, vectorised over ``i``
    and ``j`` (time ``O(k m^2)``, memory ``O(m^2)`` for ``m`` distinct values).

    Equal values are never split between classes. Among partitions whose costs agree within
    ``1e-9`` of the total sum of squares (exact ties up to rounding), the one whose top class
    starts highest is chosen, then the next class down, and so on, so the result does not depend
    on the input order or on rounding.

    Returns ``k + 1`` edges ``[min, b_1, ..., b_{k-1}, max]``: ``b_j`` is the lowest value of
    ascending class ``j`` (so class ``j`` is ``[b_j, b_{j+1})``, the last one closed). The
    interior edges are strictly increasing; the last may equal the one before it when the top
    class is a single distinct value. NaN values are ignored. Raises ``ValueError`` when ``k < 1``
    or there are fewer than ``k`` distinct values.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[~np.isnan(x)]
    if int(k) != k or k < 1:
        raise ValueError(f"fisher_jenks: k must be a positive integer; got {k!r}")
    k = int(k)
    if np.any(np.isinf(x)):
        raise ValueError("fisher_jenks: values must be finite")
    u, counts = np.unique(x, return_counts=True)
    m = u.size
    if m < k:
        raise ValueError(f"fisher_jenks: {k} classes need at least {k} distinct values; got {m}")
    w = counts.astype(np.float64)
    centre = float(np.sum(w * u) / np.sum(w))
    scale = float(np.max(np.abs(u - centre))) or 1.0
    z = (u - centre) / scale
    cost = _segment_costs(z, w)
    tol = 1e-9 * max(float(cost[0, m - 1]), 1e-300)
    # best[c - 1, j]: least cost of u[0..j] in c classes; start[c - 1, j]: first index of the
    # last class in that optimum.
    best = np.full((k, m), np.inf)
    start = np.zeros((k, m), dtype=np.int64)
    best[0] = cost[0]
    for c in range(2, k + 1):
        # candidates[i, j] = best[c-2, i-1] + cost[i, j] for i >= c - 1 (c - 1 earlier classes).
        prev = np.concatenate([[np.inf], best[c - 2, :-1]])
        prev[: c - 1] = np.inf
        cand = prev[:, None] + cost
        low = cand.min(axis=0)
        ok = cand <= low[None, :] + tol
        last = m - 1 - np.argmax(ok[::-1], axis=0)  # the highest start among the ties
        best[c - 1] = low
        start[c - 1] = np.where(np.isfinite(low), last, 0)
    starts = np.empty(k, dtype=np.int64)
    j = m - 1
    for c in range(k, 0, -1):
        s = int(start[c - 1, j]) if c > 1 else 0
        starts[c - 1] = s
        j = s - 1
    return np.concatenate([[u[0]], u[starts[1:]], [u[-1]]])


# --- cut points and levels ------------------------------------------------------------------


def cut_points(nominal_scores: ArrayLike, config: ClassificationConfig) -> NDArray[np.float64]:
    """Edges ``[-inf, e_1, ..., e_{k-1}, +inf]`` (increasing) on the IAI scale.

    ``fixed``: the thresholds of levels ``k-1`` .. ``1`` (each level's lowest score). ``jenks``:
    from the classes of :func:`fisher_jenks` on the nominal scores (NaN ignored), each cut point
    midway between the highest nominal score of the class below it and the lowest of the class
    above it: ``e_j = (max(class j-1) + min(class j)) / 2``.
    """
    k = config.k
    if config.method == "fixed":
        inner = np.array([lv.threshold for lv in config.levels[:-1]], dtype=np.float64)[::-1]
    else:
        lowest = fisher_jenks(nominal_scores, k)[1:-1]
        x = np.asarray(nominal_scores, dtype=np.float64).ravel()
        distinct = np.unique(x[~np.isnan(x)])
        below = distinct[np.searchsorted(distinct, lowest) - 1]
        inner = (below + lowest) / 2.0
    return np.concatenate([[-np.inf], inner, [np.inf]])


def cut_points_or_fallback(
    nominal_scores: ArrayLike, config: ClassificationConfig
) -> tuple[NDArray[np.float64] | None, str]:
    """:func:`cut_points`, or what can be done when they cannot be computed.

    Fisher-Jenks needs at least ``k`` distinct scores; with fewer (a sparse ledger, or few
    regions with enough evidence) the configured fixed thresholds are used when every level but
    the lowest has one, else no cut points (``None``: no region can be given a level). Returns
    the edges and the method actually used (``jenks``, ``fixed``, ``fixed (fallback: ...)`` or
    ``none (...)``).
    """
    scores = np.asarray(nominal_scores, dtype=np.float64)
    if config.method == "fixed":
        return cut_points(scores, config), "fixed"
    distinct = np.unique(scores[~np.isnan(scores)]).size
    if distinct >= config.k:
        return cut_points(scores, config), "jenks"
    why = f"{distinct} distinct IAI scores, Fisher-Jenks needs {config.k}"
    thresholds = [lv.threshold for lv in config.levels[:-1]]
    if all(t is not None for t in thresholds):
        fixed = config.model_copy(update={"method": "fixed"})
        return cut_points(scores, fixed), f"fixed (fallback: {why})"
    return None, f"none ({why}, and no fixed thresholds configured)"


def _check_edges(edges: ArrayLike) -> NDArray[np.float64]:
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or e.size < 2 or np.any(np.isnan(e)) or np.any(np.diff(e) <= 0):
        raise ValueError(f"edges must be at least two strictly increasing numbers; got {e}")
    return e


def _check_guards(guard_ok: ArrayLike | None, n: int, k: int) -> NDArray[np.bool_]:
    if guard_ok is None:
        return np.ones((n, k), dtype=bool)
    g = np.asarray(guard_ok, dtype=bool)
    if g.shape != (n, k):
        raise ValueError(f"guard_ok must have shape (regions, levels) = {(n, k)}; got {g.shape}")
    if not g[:, -1].all():
        raise ValueError("guard_ok: the lowest level must pass for every region (it has no guards)")
    return g


def score_levels(scores: ArrayLike, edges: ArrayLike) -> NDArray[np.int64]:
    """Level from the score alone (1 = highest, ``k = len(edges) - 1``), 0 where the score is
    missing. A score equal to a cut point gets the higher level; scores outside finite end edges
    are clipped into the end classes."""
    e = _check_edges(edges)
    k = e.size - 1
    s = np.asarray(scores, dtype=np.float64)
    asc = np.clip(np.searchsorted(e, s, side="right") - 1, 0, k - 1)
    return np.where(np.isnan(s), 0, k - asc).astype(np.int64)


def assign_levels(
    scores: ArrayLike, edges: ArrayLike, guard_ok: ArrayLike | None = None
) -> NDArray[np.int64]:
    """Levels (1 = highest) of scores ``(regions,)`` or ``(regions, runs)``, after guards.

    The score gives level ``L`` (:func:`score_levels`); the region gets the smallest
    ``l >= L`` with ``guard_ok[r, l - 1]`` (the highest level at or below ``L`` whose guards it
    passes). ``guard_ok`` is ``(regions, k)`` booleans (default all true); its last column must be
    all true. Missing scores give 0.
    """
    e = _check_edges(edges)
    k = e.size - 1
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim not in (1, 2):
        raise ValueError(f"scores must be 1-D or 2-D (regions x runs); got shape {s.shape}")
    g = _check_guards(guard_ok, s.shape[0], k)
    raw = score_levels(s, e)
    # nxt[r, l - 1]: the highest level at or below l that region r passes.
    passing = np.where(g, np.arange(1, k + 1)[None, :], k + 1)
    nxt = np.minimum.accumulate(passing[:, ::-1], axis=1)[:, ::-1]
    table = np.concatenate([np.zeros((s.shape[0], 1), dtype=np.int64), nxt], axis=1)
    if s.ndim == 1:
        return table[np.arange(s.shape[0]), raw].astype(np.int64)
    return np.take_along_axis(table, raw, axis=1).astype(np.int64)


def level_probabilities(
    score_runs: ArrayLike | pd.DataFrame,
    edges: ArrayLike,
    guard_ok: ArrayLike | None = None,
    codes: ArrayLike | None = None,
) -> pd.DataFrame:
    """Per region, the share of runs in each level: ``p_level_1`` .. ``p_level_k``.

    ``score_runs`` is regions x runs (a DataFrame's index gives the row labels, else ``codes``
    or ``0..n-1``). ``p_level_l = #{runs with level l} / n_runs`` where ``n_runs`` counts the runs
    with a score; runs with a missing score are excluded and counted in ``n_runs_missing``. Rows
    sum to 1, or are all NaN when a region has no scored run.
    """
    if isinstance(score_runs, pd.DataFrame):
        index = score_runs.index if codes is None else pd.Index(codes)
        s = score_runs.to_numpy(dtype=np.float64)
    else:
        s = np.asarray(score_runs, dtype=np.float64)
        index = pd.RangeIndex(s.shape[0]) if codes is None else pd.Index(codes)
    if s.ndim != 2:
        raise ValueError(f"score_runs must be regions x runs; got shape {s.shape}")
    k = _check_edges(edges).size - 1
    levels = assign_levels(s, edges, guard_ok)
    n, runs = s.shape
    flat = (levels + np.arange(n)[:, None] * (k + 1)).ravel()
    counts = np.bincount(flat, minlength=n * (k + 1)).reshape(n, k + 1)
    n_valid = runs - counts[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(n_valid[:, None] > 0, counts[:, 1:] / n_valid[:, None], np.nan)
    frame = pd.DataFrame(shares, index=index, columns=[f"p_level_{i}" for i in range(1, k + 1)])
    frame["n_runs"] = n_valid
    frame["n_runs_missing"] = counts[:, 0]
    return frame


def guard_table(profile: pd.DataFrame, config: ClassificationConfig) -> pd.DataFrame:
    """Regions x levels booleans: whether each region passes each level's guards.

    ``profile`` is indexed by region code (or has a ``code`` column). A missing value fails.
    """
    prof = profile.set_index("code") if "code" in profile.columns else profile
    out = pd.DataFrame(True, index=prof.index, columns=[lv.name for lv in config.levels])
    for level in config.levels:
        for guard in level.guards:
            v = pd.to_numeric(prof[guard.column], errors="coerce").to_numpy(dtype=np.float64)
            ok = ~np.isnan(v)
            if guard.min is not None:
                ok &= v >= guard.min
            if guard.max is not None:
                ok &= v <= guard.max
            out[level.name] &= ok
    return out


def _guard_notes(
    prof: pd.DataFrame,
    raw: NDArray[np.int64],
    final: NDArray[np.int64],
    config: ClassificationConfig,
) -> list[str]:
    """Text for each region moved down by guards, naming the failed guards and values."""
    notes = [""] * len(raw)
    moved = np.flatnonzero((final != raw) & (raw > 0))
    for r in moved:  # only regions moved by a guard: a handful
        parts = []
        for lv in range(raw[r], final[r]):
            level = config.levels[lv - 1]
            failed = []
            for guard in level.guards:
                value = pd.to_numeric(pd.Series([prof.iloc[r].get(guard.column)]), errors="coerce")
                v = float(value.iloc[0])
                ok = not np.isnan(v)
                ok = ok and (guard.min is None or v >= guard.min)
                ok = ok and (guard.max is None or v <= guard.max)
                if not ok:
                    failed.append(f"{guard.describe()} (has {v:g})")
            parts.append(f"{level.label_en} needs {'; '.join(failed)}")
        notes[r] = "; ".join(parts) + f": moved to {config.levels[final[r] - 1].label_en}"
    return notes


def classify(
    nominal: pd.Series,
    runs: pd.DataFrame | None,
    profile: pd.DataFrame,
    config: ClassificationConfig,
    edges: ArrayLike | None = None,
    coverage: pd.Series | None = None,
) -> pd.DataFrame:
    """The level of every region with its probabilities (MODEL.md section 4).

    ``nominal``: the nominal IAI by region code; ``runs``: regions x runs of IAI scores from the
    uncertainty analysis (``AnalysisResult.scores``; ``None`` for no runs, giving NaN
    probabilities); ``profile``: :func:`.profile.profile` (its numeric columns feed the guards).
    ``edges`` default to :func:`cut_points` of ``nominal``.

    Columns: ``code``, ``score``, ``score_level`` (from the score alone), ``level`` (after the
    guards; ``<NA>`` without a score), ``level_name`` and ``level_name_ru``, ``p_level_1`` ..
    ``p_level_k``, ``p_nominal`` (the probability of the nominal level), ``n_runs``,
    ``n_runs_missing`` and ``guard_notes`` (why guards moved the region down, or "").

    ``coverage`` (by region code, in [0, 1]; :mod:`.coverage`): a region below
    ``config.min_coverage`` gets no level (``<NA>``) and the class ``insufficient evidence``
    (column ``evidence`` = ``insufficient``, else ``sufficient``); its probabilities are NaN.
    """
    codes = pd.Index(nominal.index, name="code")
    score = nominal.to_numpy(dtype=np.float64)
    e = cut_points(score, config) if edges is None else _check_edges(edges)
    if e.size - 1 != config.k:
        raise ValueError(f"edges give {e.size - 1} levels; the configuration has {config.k}")
    prof = profile.set_index("code") if "code" in profile.columns else profile
    prof = prof.reindex(codes)
    guards = guard_table(prof, config).to_numpy()
    raw = score_levels(score, e)
    final = assign_levels(score, e, guards)
    if runs is not None:
        run_scores = runs.reindex(codes)
        probs = level_probabilities(run_scores.to_numpy(dtype=np.float64), e, guards, codes)
    else:
        probs = pd.DataFrame(np.nan, index=codes, columns=config.probability_columns)
        probs["n_runs"] = 0
        probs["n_runs_missing"] = 0
    labels_en = np.array(["", *(lv.label_en for lv in config.levels)], dtype=object)
    labels_ru = np.array(["", *(lv.label_ru for lv in config.levels)], dtype=object)
    p = probs[config.probability_columns].to_numpy()
    p_nominal = np.where(final > 0, p[np.arange(len(final)), np.maximum(final - 1, 0)], np.nan)
    out = pd.DataFrame(
        {
            "code": codes.to_numpy(),
            "score": score,
            "score_level": pd.array(np.where(raw > 0, raw, 0), dtype="Int64"),
            "level": pd.array(final, dtype="Int64"),
            "level_name": labels_en[final],
            "level_name_ru": labels_ru[final],
        }
    )
    out.loc[raw == 0, ["score_level", "level"]] = pd.NA
    for col in config.probability_columns:
        out[col] = probs[col].to_numpy()
    out["p_nominal"] = p_nominal
    scored = ~np.isnan(p).all(axis=1) & (final > 0)
    likeliest = np.where(scored, np.nanargmax(np.where(np.isnan(p), -1.0, p), axis=1) + 1, 0)
    out["most_probable_level"] = pd.array(np.where(scored, likeliest, 0), dtype="Int64")
    out.loc[~scored, "most_probable_level"] = pd.NA
    out["borderline"] = scored & (likeliest != final)
    out["n_runs"] = probs["n_runs"].to_numpy()
    out["n_runs_missing"] = probs["n_runs_missing"].to_numpy()
    out["guard_notes"] = _guard_notes(prof, raw, final, config)
    cov = (
        pd.Series(1.0, index=codes)
        if coverage is None
        else coverage.reindex(codes).astype(float).fillna(0.0)
    )
    short = (cov < config.min_coverage - 1e-12).to_numpy()
    out["coverage"] = cov.to_numpy()
    out["evidence"] = np.where(short, "insufficient", "sufficient")
    if short.any():
        out.loc[short, ["score_level", "level"]] = pd.NA
        out.loc[short, "level_name"] = INSUFFICIENT_LABELS["en"]
        out.loc[short, "level_name_ru"] = INSUFFICIENT_LABELS["ru"]
        out.loc[short, [*config.probability_columns, "p_nominal"]] = np.nan
        out.loc[short, "most_probable_level"] = pd.NA
        out.loc[short, "borderline"] = False
        out.loc[short, "guard_notes"] = [
            _coverage_note(c, config.min_coverage) for c in cov.to_numpy()[short]
        ]
    return out


def unclassified(
    nominal: pd.Series, config: ClassificationConfig, reason: str, coverage: pd.Series | None
) -> pd.DataFrame:
    """The classes table when no region can get a level (no IAI, or no cut points): every
    region ``insufficient evidence`` with ``reason`` as its note; same columns as
    :func:`classify`."""
    codes = pd.Index(nominal.index, name="code")
    out = pd.DataFrame(
        {
            "code": codes.to_numpy(),
            "score": nominal.to_numpy(dtype=np.float64),
            "score_level": pd.array([pd.NA] * len(codes), dtype="Int64"),
            "level": pd.array([pd.NA] * len(codes), dtype="Int64"),
            "level_name": INSUFFICIENT_LABELS["en"],
            "level_name_ru": INSUFFICIENT_LABELS["ru"],
        }
    )
    for col in config.probability_columns:
        out[col] = np.nan
    out["p_nominal"] = np.nan
    out["most_probable_level"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["borderline"] = False
    out["n_runs"] = 0
    out["n_runs_missing"] = 0
    cov = pd.Series(0.0, index=codes) if coverage is None else coverage.reindex(codes)
    cov = cov.astype(float).fillna(0.0)
    out["guard_notes"] = [
        _coverage_note(c, config.min_coverage) if c < config.min_coverage - 1e-12 else reason
        for c in cov.to_numpy()
    ]
    out["coverage"] = cov.to_numpy()
    out["evidence"] = "insufficient"
    return out


def _coverage_note(coverage: float, minimum: float) -> str:
    return (
        f"the IAI rests on {coverage:.0%} of the full model's weight, below the minimum "
        f"{minimum:.0%}"
    )
