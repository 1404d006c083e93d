"""Uncertainty and sensitivity analysis of a built index, fast.

A YAML spec lists the uncertain assumptions (COINr's ``SA_specs``, COMPOSITE-METHODS.md
section 11)::

    assumptions:
      winmax: {step: treat, param: winmax, values: [1, 2, 3, 4, 5]}
      normalisation:
        step: normalise
        alternatives: [{method: minmax, range: [1, 100]}, {method: zscore, mean: 10, sd: 2}]
      weights: {noise: 0.25, levels: [2, 3]}
      aggregation: {step: aggregate, param: method, values: [arithmetic, geometric]}
      skew: {step: treat, param: skew, range: [1.5, 2.5]}

* ``values``: discrete alternatives for one parameter; ``alternatives``: whole parameter sets
  that replace the step's parameters (as COINr replaces a logged argument); ``range``: a
  continuous parameter, uniform on [a, b]; ``noise``: noisy weights, each weight at the chosen
  levels uniform on ``[w(1-f), w(1+f)]`` (``noise`` may map level -> f); ``replicates`` noisy
  weight sets are drawn (default N) and one is chosen per run, as COINr does.

How runs are made fast, without rebuilding the index naively run by run:

1. every run's pipeline is the nominal one with the run's values written in;
2. the steps before aggregation are built once per distinct prefix of steps and shared (a
   winmax of 3 is treated once however many runs use it);
3. runs sharing the same normalised data and aggregation method are aggregated together as
   arrays (:func:`~.aggregate.aggregate_batch`), in chunks spread over the machine's cores.

A run whose build fails (e.g. a geometric mean meeting a value <= 0) has all scores missing,
as in COINr. Outputs follow section 11.4; sensitivity indices are also given per unit (each
unit's rank), which COINr cannot do.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import aggregate as agg
from .coin import BuildState, Coin, run_step, start
from .errors import CompositeError, read_yaml
from .estimators import (
    class_probabilities,
    mean_abs_rank_change,
    rank_statistics,
    score_summary,
    sobol_indices,
)
from .pipeline import Pipeline, Step
from .primitives import rank_min_rows
from .sampling import continuous_values, discrete_index, noisy_weights, uniform_design

CHUNK_RUNS = 512


class Assumption(BaseModel):
    """One uncertain assumption; exactly one of values, alternatives, range or noise."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    step: str | None = None
    param: str | None = None
    values: list[Any] | None = None
    alternatives: list[dict[str, Any]] | None = None
    range: tuple[float, float] | None = None
    noise: float | dict[int, float] | None = None
    levels: list[int] | None = None
    replicates: int | None = Field(None, ge=2)

    @model_validator(mode="after")
    def _one_kind(self) -> Assumption:
        kinds = [
            k for k in ("values", "alternatives", "range", "noise") if getattr(self, k) is not None
        ]
        if len(kinds) != 1:
            raise ValueError(
                "expected exactly one of 'values', 'alternatives', 'range' or 'noise', "
                f"got {', '.join(kinds) or 'none'}"
            )
        if self.noise is None:
            if self.step is None:
                raise ValueError("expected 'step' (the pipeline step the assumption changes)")
            if (self.values is not None or self.range is not None) and self.param is None:
                raise ValueError("expected 'param' (the parameter of the step)")
            if self.values is not None and len(self.values) < 2:
                raise ValueError("expected at least two values")
            if self.alternatives is not None and len(self.alternatives) < 2:
                raise ValueError("expected at least two alternatives")
            if self.range is not None and not self.range[0] <= self.range[1]:
                raise ValueError(f"expected range [a, b] with a <= b, got {list(self.range)}")
        elif isinstance(self.noise, dict):
            if self.levels is not None:
                raise ValueError("give levels either in 'noise' (level: factor) or in 'levels'")
        elif not self.levels:
            raise ValueError("expected 'levels' whose weights get noise")
        return self

    @property
    def kind(self) -> Literal["discrete", "continuous", "weights"]:
        if self.noise is not None:
            return "weights"
        return "continuous" if self.range is not None else "discrete"

    def noise_by_level(self) -> dict[int, float]:
        if isinstance(self.noise, dict):
            return {int(k): float(v) for k, v in self.noise.items()}
        return {int(level): float(self.noise) for level in self.levels or []}  # type: ignore[arg-type]


class UncertaintySpec(BaseModel):
    """The assumptions, in order (the order of the sensitivity indices)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    assumptions: dict[str, Assumption]

    @model_validator(mode="after")
    def _not_empty(self) -> UncertaintySpec:
        if not self.assumptions:
            raise ValueError("expected at least one assumption")
        return self


def load_spec(source: str | Path | Mapping[str, Any]) -> UncertaintySpec:
    """Read and validate an uncertainty spec (YAML file or mapping)."""
    source, label = read_yaml(source, "uncertainty spec")
    try:
        return UncertaintySpec.model_validate(source)
    except ValidationError as exc:
        lines = [f"{label}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise CompositeError("invalid uncertainty spec:\n" + "\n".join(lines)) from exc


@dataclass
class AnalysisResult:
    """Runs and summaries of an uncertainty (``kind="ua"``) or sensitivity (``"sa"``) analysis.

    ``scores`` and ``ranks`` are (units x runs) tables like COINr's; ``parameters`` holds each
    run's sampled value per assumption (``choices``: the alternative's position, or the value);
    ``weights`` each run's weights by code (runs x codes); ``rank_stats`` has uCode, nominal,
    mean, median, q5, q95 (for SA over the first 2N runs, as COINr). SA adds ``sensitivity``
    (Si, STi and bootstrap intervals for the mean absolute rank change) and
    ``unit_sensitivity`` (the same for each unit's rank).
    """

    kind: str
    target: str
    n: int
    sampler: str
    seed: int
    assumptions: list[str]
    nominal: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    parameters: pd.DataFrame
    rank_stats: pd.DataFrame
    score_stats: pd.DataFrame
    failed_runs: int
    choices: pd.DataFrame | None = None
    weights: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    unit_sensitivity: pd.DataFrame | None = None
    spec: dict[str, Any] = field(default_factory=dict)

    def class_probabilities(self, edges: Sequence[float], labels: Sequence[str]) -> pd.DataFrame:
        """Per unit, the probability of each score class over the runs (section 4 uses it)."""
        return class_probabilities(self.scores.to_numpy(), edges, labels, list(self.scores.index))


class _Runner:
    """Builds many variants of one pipeline, sharing every step prefix already built."""

    def __init__(self, coin: Coin):
        self.framework = coin.framework
        self.pipeline = coin.pipeline
        self.cache: dict[tuple[str, ...], BuildState] = {}
        self.failures: dict[tuple[str, ...], str] = {}

    def state_before_aggregate(self, steps: Sequence[Step]) -> BuildState:
        state = start(self.framework)
        keys: tuple[str, ...] = ()
        for step in steps:
            keys = (*keys, step.key())
            if keys in self.failures:
                raise CompositeError(self.failures[keys])
            cached = self.cache.get(keys)
            if cached is None:
                try:
                    cached = run_step(self.framework, state, step)
                except CompositeError as exc:
                    self.failures[keys] = str(exc)
                    raise
                self.cache[keys] = cached
            state = cached
        return state


def _run_values(
    spec: UncertaintySpec, u: np.ndarray, coin: Coin, seed: int, n: int
) -> tuple[list[list[Any]], pd.DataFrame, dict[str, np.ndarray]]:
    """Each run's value per assumption (index or value), the parameter table, noisy weights."""
    columns: list[list[Any]] = []
    table: dict[str, list[Any]] = {}
    noisy: dict[str, np.ndarray] = {}
    for j, (name, a) in enumerate(spec.assumptions.items()):
        col = u[:, j]
        if a.kind == "continuous":
            low, high = a.range  # type: ignore[misc]
            values = continuous_values(col, low, high)
            columns.append(list(values))
            table[name] = list(values)
        elif a.kind == "discrete":
            options = a.values if a.values is not None else a.alternatives
            idx = discrete_index(col, len(options))  # type: ignore[arg-type]
            columns.append(list(idx))
            table[name] = [_label(options[i]) for i in idx]  # type: ignore[index]
        else:
            reps = a.replicates or n
            idx = discrete_index(col, reps)
            base = coin.weights
            levels = coin.framework.levels.reindex(base.index)
            multipliers = noisy_weights(
                pd.Series(1.0, index=base.index),
                levels,
                a.noise_by_level(),
                reps,
                seed + 7919 * (j + 1),
            )
            noisy[name] = multipliers
            columns.append(list(idx))
            table[name] = [f"replicate {i + 1}" for i in idx]
    return columns, pd.DataFrame(table), noisy


def _label(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _pipeline_for(pipeline: Pipeline, spec: UncertaintySpec, choice: Sequence[Any]) -> Pipeline:
    steps = pipeline.to_list()
    names = [next(iter(s)) for s in steps]
    for (name, a), value in zip(spec.assumptions.items(), choice, strict=True):
        if a.kind == "weights":
            continue
        if a.step not in names:
            raise CompositeError(
                f"assumption '{name}': the pipeline has no '{a.step}' step "
                f"(its steps: {', '.join(names)})"
            )
        i = names.index(a.step)
        if a.alternatives is not None:
            steps[i] = {a.step: dict(a.alternatives[int(value)])}
        else:
            v = a.values[int(value)] if a.values is not None else float(value)
            steps[i] = {a.step: {**steps[i][a.step], a.param: v}}
    return Pipeline.from_steps(steps)


def _chunk(args: tuple) -> tuple[int, np.ndarray]:
    """Aggregate one chunk of runs and keep the target column: (first run, runs x units)."""
    x, plan, w, specs, target_pos, lo = args
    return lo, agg.aggregate_batch(x, plan, w, specs)[:, :, target_pos]


def analyse(
    coin: Coin,
    spec: UncertaintySpec,
    n: int,
    kind: Literal["ua", "sa"] = "ua",
    sampler: Literal["random", "sobol"] = "random",
    seed: int = 1,
    target: str | None = None,
    n_boot: int = 100,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AnalysisResult:
    """Run an uncertainty or sensitivity analysis of ``coin`` (COINr ``get_sensitivity``).

    Args:
        coin: the nominal build; its pipeline must end with ``aggregate``.
        spec: the uncertain assumptions.
        n: base sample size N (UA: N runs; SA: N(d+2) runs).
        kind: "ua" or "sa".
        sampler: "random" (NumPy PCG64) or "sobol" (scrambled Sobol', scipy.stats.qmc).
        seed: seeds the design and the noisy weights; same seed, same result.
        target: the code whose scores are analysed (default the top-level index).
        n_boot: bootstrap replicates for the sensitivity intervals (SA).
        workers: threads for the batched aggregation (default: the machine's cores, max 2... n).
        progress: called with (runs done, runs in all).
    """
    framework = coin.framework
    target = target or framework.top_codes[0]
    if target not in coin.aggregated.columns:
        raise CompositeError(f"target: expected an index code, got '{target}'")
    if coin.pipeline.steps[-1].name != "aggregate":
        raise CompositeError("uncertainty analysis needs a pipeline that ends with 'aggregate'")
    names = list(spec.assumptions)
    d = len(names)
    u = uniform_design(n, d, kind, sampler, seed)
    runs = u.shape[0]
    choices, parameters, noisy = _run_values(spec, u, coin, seed, n)
    per_run = list(zip(*choices, strict=True))

    units = list(framework.raw.index)
    scores = np.full((runs, len(units)), np.nan)
    codes = list(coin.weights.index)
    run_weights = np.full((runs, len(codes)), np.nan)
    runner = _Runner(coin)
    weight_names = [k for k, a in spec.assumptions.items() if a.kind == "weights"]
    weight_cols = [names.index(k) for k in weight_names]

    # Group runs: same pipeline before aggregation and same aggregation parameters.
    groups: dict[str, list[int]] = {}
    pipelines: dict[str, Pipeline] = {}
    for r, choice in enumerate(per_run):
        key_choice = tuple(
            None if spec.assumptions[name].kind == "weights" else _label(choice[j])
            for j, name in enumerate(names)
        )
        key = json.dumps(key_choice)
        if key not in pipelines:
            pipelines[key] = _pipeline_for(coin.pipeline, spec, choice)
        groups.setdefault(key, []).append(r)

    done = 0
    workers = workers or min(2, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for key, members in groups.items():
            pipe = pipelines[key]
            try:
                state = runner.state_before_aggregate(pipe.steps[:-1])
            except CompositeError:
                done += len(members)
                if progress:
                    progress(done, runs)
                continue
            agg_step = pipe.steps[-1]
            p = agg_step.params
            try:
                specs = agg.level_specs(framework, p.method, p.power, p.offset, p.dat_thresh)
            except CompositeError:
                done += len(members)
                continue
            data = state.stages[p.dset or state.latest]
            base = state.weights
            if p.weights is not None:
                base = pd.Series({**base.to_dict(), **p.weights})
            plan = agg.Plan.of(framework, list(data.columns))
            base_vec = np.array([base.get(c, np.nan) for c in plan.columns], dtype=float)
            x = data.to_numpy(dtype=float)
            member_arr = np.array(members)
            w = np.tile(base_vec, (len(members), 1))
            for name, j in zip(weight_names, weight_cols, strict=True):
                multipliers = noisy[name]
                idx = np.array([per_run[r][j] for r in members], dtype=int)
                col_pos = [coin.weights.index.get_loc(c) for c in plan.columns]
                w *= multipliers[idx][:, col_pos]
            run_weights[np.ix_(member_arr, [codes.index(c) for c in plan.columns])] = w
            target_pos = plan.columns.index(target)
            row_pos = np.array([units.index(c) for c in data.index])

            chunks = [
                (x, plan, w[lo : lo + CHUNK_RUNS], specs, target_pos, lo)
                for lo in range(0, len(members), CHUNK_RUNS)
            ]
            for lo, block in pool.map(_chunk, chunks):
                hi = lo + block.shape[0]
                scores[np.ix_(member_arr[lo:hi], row_pos)] = block
                done += hi - lo
                if progress:
                    progress(done, runs)

    ranks = rank_min_rows(-scores)
    nominal_scores = coin.scores(target).reindex(units).to_numpy()
    nominal_ranks = rank_min_rows(-nominal_scores[None, :])[0]
    failed = int(np.isnan(scores).all(axis=1).sum())
    run_names = [f"r_{i + 1}" for i in range(runs)]
    scores_t = pd.DataFrame(scores.T, index=pd.Index(units, name="uCode"), columns=run_names)
    ranks_t = pd.DataFrame(ranks.T, index=pd.Index(units, name="uCode"), columns=run_names)
    stats_runs = ranks.T if kind == "ua" else ranks[: 2 * n].T
    rank_stats = rank_statistics(stats_runs, nominal_ranks, units)
    score_stats = score_summary(scores.T, units)
    nominal = pd.DataFrame({"uCode": units, "Score": nominal_scores, "Rank": nominal_ranks})
    result = AnalysisResult(
        kind=kind,
        target=target,
        n=n,
        sampler=sampler,
        seed=seed,
        assumptions=names,
        nominal=nominal,
        scores=scores_t,
        ranks=ranks_t,
        parameters=parameters,
        rank_stats=rank_stats,
        score_stats=score_stats,
        failed_runs=failed,
        choices=pd.DataFrame(per_run, columns=names),
        weights=pd.DataFrame(run_weights, columns=codes),
        spec=spec.model_dump(mode="json"),
    )
    if kind == "sa":
        y = mean_abs_rank_change(ranks.T, nominal_ranks)
        result.sensitivity = sobol_indices(y, n, d, n_boot=n_boot, seed=seed, variables=names)
        result.unit_sensitivity = sobol_indices(
            ranks, n, d, n_boot=0, seed=seed, variables=names, outputs=units
        )
    return result
