"""The built index: one object holding every stage, the pipeline, the log and the versions.

Modelled on COINr's "coin": :func:`build` runs a :class:`~.pipeline.Pipeline` over a
:class:`~.framework.Framework` and returns a :class:`Coin` that keeps every data set (``Raw``,
``Denominated``, ``Imputed``, ``Screened``, ``Treated``, ``Normalised``, ``Aggregated``), the
details each step produced (treatment table, screening summary, weights), and a log of how it
was made. :meth:`Coin.rebuild` replays the pipeline with any step changed; :meth:`Coin.export`
writes every stage and the results to CSV or XLSX.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from . import aggregate as agg
from . import weights as wts
from .collation import collation_key
from .denominate import denominate
from .errors import CompositeError
from .framework import Framework
from .impute import impute
from .normalise import normalise
from .pipeline import STAGES, Pipeline, Step
from .primitives import r_round, rank_min
from .screen import screen
from .treat import treat

STAGE_ORDER = ("Raw", *STAGES.values())


@dataclass(frozen=True)
class LogEntry:
    """One step of a build: what ran, with which parameters, reading and writing which data set."""

    step: str
    params: dict[str, Any]
    read: str
    wrote: str | None
    seconds: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuildState:
    """What the pipeline has made so far; shared between builds (data sets are never mutated)."""

    stages: dict[str, pd.DataFrame]
    latest: str
    weights: pd.Series
    details: dict[str, Any] = field(default_factory=dict)
    log: tuple[LogEntry, ...] = ()


def versions() -> dict[str, str]:
    """Versions of the software that made a result."""
    import scipy

    return {
        "paradiplomacy": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "methods": "COINr 1.1.14 (COMPOSITE-METHODS.md)",
    }


def _input(state: BuildState, dset: str | None, step: str) -> tuple[str, pd.DataFrame]:
    name = dset or state.latest
    if name not in state.stages:
        raise CompositeError(
            f"{step}: dset: expected one of {', '.join(state.stages)}, got '{name}'"
        )
    return name, state.stages[name]


def _blocks(framework: Framework, columns: list[str], level: int) -> list[list[str]]:
    owners: dict[str, list[str]] = {}
    for code in columns:
        owners.setdefault(framework.ancestor(code, level), []).append(code)
    return [owners[k] for k in sorted(owners, key=collation_key)]


def run_step(framework: Framework, state: BuildState, step: Step) -> BuildState:
    """Apply one step to a build state and return the new state."""
    p = step.params
    started = time.perf_counter()
    read, data = _input(state, p.dset, step.name)
    notes: list[str] = []
    details = dict(state.details)
    weights = state.weights
    result: pd.DataFrame | None = None

    if step.name == "denominate":
        spec = p.denominators
        if spec is None:
            meta = framework.index_meta
            if "Denominator" not in meta.columns:
                spec = {}
            else:
                rows = meta[meta["Denominator"].notna() & meta["iCode"].isin(data.columns)]
                spec = dict(zip(rows["iCode"], rows["Denominator"], strict=True))
        result = denominate(data, framework.units, spec, p.scale_factors)
    elif step.name == "impute":
        groups = framework.group_column(p.group) if p.group else None
        blocks = _blocks(framework, list(data.columns), p.group_level) if p.group_level else None
        out = impute(
            data,
            method=p.method,
            by=p.by,
            groups=groups,
            directions=framework.directions,
            normalise_first=p.normalise_first,
            blocks=blocks,
        )
        result, notes = out.data, list(out.warnings)
        details["impute"] = {"n_imputed": out.n_imputed}
    elif step.name == "screen":
        out = screen(
            data,
            by=p.by,
            dat_thresh=p.threshold,
            nonzero_thresh=p.nonzero_threshold,
            force=p.force,
        )
        result = out.data
        details["screen"] = {"summary": out.summary, "removed": list(out.removed)}
    elif step.name == "treat":
        out = treat(
            data,
            winmax=p.winmax,
            skew=p.skew,
            kurtosis=p.kurtosis,
            f2=p.f2,
            force_win=p.force_win,
            combine=p.combine,
            pass_skew=p.pass_skew,
            pass_kurtosis=p.pass_kurtosis,
            individual=p.individual,
            method=p.method,
            **({"boxcox_lambda": p.boxcox_lambda} if p.boxcox_lambda is not None else {}),
        )
        result, notes = out.data, list(out.warnings)
        details["treat"] = {"details": out.details, "points": out.points}
    elif step.name == "normalise":
        result = normalise(
            data,
            framework.directions,
            method=p.method,
            params=p.method_params(),
            individual=p.individual,
            imeta=framework.index_meta,
        )
    elif step.name == "weights":
        weights, info = _choose_weights(framework, state, p, data)
        details["weights"] = info
    elif step.name == "aggregate":
        specs = agg.level_specs(framework, p.method, p.power, p.offset, p.dat_thresh)
        if p.weights is not None:
            unknown = set(p.weights).difference(framework.weights.index)
            if unknown:
                raise CompositeError(
                    f"aggregate: weights: unknown code(s) {', '.join(sorted(unknown))}"
                )
            weights = pd.Series({**weights.to_dict(), **p.weights}, name="Weight")
        result = agg.aggregate(data, framework, weights, specs)
        details["aggregate"] = {"specs": specs}
    else:  # pragma: no cover - the pipeline model rejects unknown steps
        raise CompositeError(f"unknown step {step.name}")

    stages = dict(state.stages)
    wrote = None
    latest = state.latest
    if result is not None:
        wrote = STAGES[step.name]
        stages[wrote] = result
        latest = wrote
    entry = LogEntry(
        step.name, dict(step.raw), read, wrote, time.perf_counter() - started, tuple(notes)
    )
    return BuildState(stages, latest, weights, details, (*state.log, entry))


def _choose_weights(
    framework: Framework, state: BuildState, p: Any, data: pd.DataFrame
) -> tuple[pd.Series, dict[str, Any]]:
    meta = framework.index_meta.assign(
        Weight=framework.index_meta["iCode"].map(state.weights).astype(float)
    )
    if p.method == "imeta":
        w = framework.weights.copy()
    elif p.method == "equal":
        w = wts.equal_weights(meta)
    elif p.method == "pca":
        if p.level is None:
            raise CompositeError("weights: level: expected the level whose weights PCA sets")
        pca = wts.pca_weights(
            _with_aggregates(framework, state, data, p.level),
            meta,
            framework.lineage,
            p.level,
            by_groups=p.by_groups,
        )
        return pca.weights, {"method": "pca", "result": pca}
    else:
        if p.level is None:
            raise CompositeError(
                f"weights: level: expected the level whose weights '{p.method}' sets"
            )
        base = state.weights
        specs = agg.level_specs(framework)
        top = framework.top_codes[0]

        def index_with(w: pd.Series) -> pd.Series:
            return agg.aggregate(data, framework, w, specs)[top]

        nominal = agg.aggregate(data, framework, base, specs)
        target = pd.Series(p.target) if p.target else "equal"
        opt = wts.optimise_weights(
            nominal,
            index_with,
            meta,
            level=p.level,
            target=target,
            kind=p.method,
            tol=p.tol,
            max_iter=p.max_iter,
        )
        return opt.weights, {"method": p.method, "result": opt}
    if p.values:
        unknown = set(p.values).difference(w.index)
        if unknown:
            raise CompositeError(f"weights: values: unknown code(s) {', '.join(sorted(unknown))}")
        w = pd.Series({**w.to_dict(), **p.values}, name="Weight")
    return w, {"method": p.method}


def _with_aggregates(
    framework: Framework, state: BuildState, data: pd.DataFrame, level: int
) -> pd.DataFrame:
    if level == 1:
        return data
    return agg.aggregate(data, framework, state.weights, agg.level_specs(framework))


@dataclass(frozen=True)
class Coin:
    """A built composite indicator (see the module docstring)."""

    framework: Framework
    pipeline: Pipeline
    state: BuildState
    versions: dict[str, str]

    @property
    def stages(self) -> dict[str, pd.DataFrame]:
        """Every data set made, in build order, starting with ``Raw``."""
        return self.state.stages

    @property
    def log(self) -> tuple[LogEntry, ...]:
        return self.state.log

    @property
    def details(self) -> dict[str, Any]:
        return self.state.details

    @property
    def weights(self) -> pd.Series:
        """The weights the aggregation used (after any ``weights`` step)."""
        return self.state.weights

    def effective_weights(self) -> pd.Series:
        """Each code's share of the index through the hierarchy (section 8.2, get_eff_wts).

        Missing (NaN) when the weights cannot be normalised within groups, e.g. PCA loadings of
        mixed sign.
        """
        return self._effective_weights.copy()

    @cached_property
    def _effective_weights(self) -> pd.Series:
        try:
            return wts.effective_weights(self.weights, self.framework.index_meta)
        except CompositeError:
            return pd.Series(np.nan, index=self.weights.index, name="EffectiveWeight")

    def weights_table(self) -> pd.DataFrame:
        """iCode, Level, Weight (as used) and EffectiveWeight."""
        levels = self.framework.levels
        return pd.DataFrame(
            {
                "iCode": self.weights.index,
                "Level": levels.reindex(self.weights.index).to_numpy(),
                "Weight": self.weights.to_numpy(),
                "EffectiveWeight": self.effective_weights().reindex(self.weights.index).to_numpy(),
            }
        )

    def stage(self, name: str) -> pd.DataFrame:
        if name not in self.stages:
            raise CompositeError(f"no data set '{name}'; this coin has {', '.join(self.stages)}")
        return self.stages[name]

    @property
    def aggregated(self) -> pd.DataFrame:
        return self.stage("Aggregated")

    def scores(self, code: str | None = None) -> pd.Series:
        """Scores of ``code`` (default the top-level index) by unit."""
        code = code or self.framework.top_codes[0]
        return self.aggregated[code]

    def ranks(self, code: str | None = None) -> pd.Series:
        """Ranks of ``code`` (1 = best; ties share the lowest rank, section 1.4)."""
        s = self.scores(code)
        return pd.Series(rank_min(-s.to_numpy()), index=s.index, name=s.name)

    def rebuild(
        self,
        changes: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        pipeline: Pipeline | None = None,
        replace_whole: bool = False,
    ) -> Coin:
        """Rebuild from the framework with some steps' parameters changed.

        ``changes`` maps a step name to parameters; by default they are merged into the step's
        parameters, with ``replace_whole`` they replace them (COINr replaces a logged argument
        whole, e.g. a new normalisation spec).
        """
        new = pipeline or self.pipeline
        for name, params in (changes or {}).items():
            new = new.replace(name, params) if replace_whole else new.update(name, **params)
        return build(self.framework, new)

    def results(
        self, use: str = "scores", full: bool = True, digits: int | None = 2
    ) -> pd.DataFrame:
        """COINr's results table (section 9): uCode, Rank, aggregates, then indicators.

        Columns: aggregates in iMeta order by (-Level, Parent); with ``full`` the indicators
        follow in lineage order. Rows by decreasing index score (stable, missing last). Values
        rounded with R's ``round(x, digits)``; ``use="ranks"`` gives per-column ranks instead.
        """
        data = self.aggregated
        fw = self.framework
        top = fw.top_codes[0]
        meta = fw.index_meta
        aggregates = meta[meta["Level"] > 1]
        keys = [
            (-lv, collation_key(pa))
            for lv, pa in zip(aggregates["Level"], aggregates["Parent"], strict=True)
        ]
        order = sorted(range(len(aggregates)), key=lambda i: keys[i])
        columns = [aggregates["iCode"].iloc[i] for i in order]
        if full:
            columns += [c for c in fw.lineage[fw.level_names[0]] if c in data.columns]
        table = data[columns].copy()
        if use == "ranks":
            for c in columns:
                table[c] = rank_min(-table[c].to_numpy())
        elif use == "scores":
            if digits is not None:
                for c in columns:
                    table[c] = r_round(table[c].to_numpy(), digits)
        else:
            raise CompositeError(f"results: use: expected 'scores' or 'ranks', got '{use}'")
        rank = rank_min(-data[top].to_numpy())
        table.insert(0, "Rank", rank)
        score = data[top].to_numpy()
        position = np.argsort(np.where(np.isnan(score), np.inf, -score), kind="stable")
        return table.iloc[position].reset_index()

    def export(self, directory: str | Path, fmt: str = "csv") -> list[Path]:
        """Write every stage (``stage_<Name>``), the results and the build log.

        CSV: one file per table, UTF-8, ``uCode`` first. XLSX: one workbook ``coin.xlsx`` with a
        sheet per table. Returns the written paths.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        tables: dict[str, pd.DataFrame] = {
            f"stage_{name}": frame.reset_index() for name, frame in self.stages.items()
        }
        if "Aggregated" in self.stages:
            tables["results"] = self.results()
            tables["results_ranks"] = self.results(use="ranks")
        tables["weights"] = self.weights_table()
        treat_details = self.details.get("treat")
        if treat_details is not None:
            tables["treatment"] = treat_details["details"]
        screen_details = self.details.get("screen")
        if screen_details is not None:
            tables["screening"] = screen_details["summary"].reset_index()
        tables["log"] = self.log_table()
        if fmt == "csv":
            paths = []
            for name, table in tables.items():
                path = out / f"{name}.csv"
                table.to_csv(path, index=False, float_format="%.17g")
                paths.append(path)
            return paths
        if fmt == "xlsx":
            path = out / "coin.xlsx"
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                for name, table in tables.items():
                    table.to_excel(writer, sheet_name=name[:31], index=False)
            return [path]
        raise CompositeError(f"export: format: expected 'csv' or 'xlsx', got '{fmt}'")

    def log_table(self) -> pd.DataFrame:
        """The build log as a table, ending with the versions."""
        rows = [
            {
                "step": e.step,
                "params": repr(e.params),
                "read": e.read,
                "wrote": e.wrote or "",
                "seconds": round(e.seconds, 6),
                "notes": " | ".join(e.notes),
            }
            for e in self.log
        ]
        rows += [
            {
                "step": f"version:{k}",
                "params": v,
                "read": "",
                "wrote": "",
                "seconds": 0.0,
                "notes": "",
            }
            for k, v in self.versions.items()
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """What made this coin: pipeline, sources, versions (for results' provenance)."""
        return {
            "pipeline": self.pipeline.to_list(),
            "sources": dict(self.framework.sources),
            "level_names": list(self.framework.level_names),
            "versions": dict(self.versions),
        }


def start(framework: Framework) -> BuildState:
    """The state before any step: only ``Raw`` and the ``iMeta`` weights."""
    return BuildState({"Raw": framework.raw}, "Raw", framework.weights.copy())


def build(framework: Framework, pipeline: Pipeline, state: BuildState | None = None) -> Coin:
    """Run ``pipeline`` on ``framework`` and return the :class:`Coin`."""
    state = state or start(framework)
    for step in pipeline.steps:
        state = run_step(framework, state, step)
    return Coin(framework, pipeline, state, versions())


def with_state(coin: Coin, state: BuildState) -> Coin:
    return replace(coin, state=state)
