"""The construction pipeline: an ordered list of steps with their parameters, read from YAML.

Example (each step's parameters are validated by the pydantic model below)::

    steps:
      - denominate: {}
      - impute: {method: mean_group, group: EurAsia_group}
      - screen: {by: na, threshold: 0.9}
      - treat: {winmax: 5, skew: 2.0, kurtosis: 3.5}
      - normalise: {method: minmax, range: [0, 100]}
      - aggregate: {method: arithmetic}

Steps and the data set each writes: ``denominate`` -> Denominated, ``impute`` -> Imputed,
``screen`` -> Screened, ``treat`` -> Treated, ``normalise`` -> Normalised, ``aggregate`` ->
Aggregated; ``weights`` writes no data set but sets the weights that ``aggregate`` uses. Every
step reads the latest data set unless it names one with ``dset``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import CompositeError, read_yaml

STAGES = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    dset: str | None = Field(None, description="data set to read; default the latest")


class DenominateParams(_Params):
    """Divide indicators by unit-metadata columns: ``x / (d / scale_factor)`` (section 3)."""

    denominators: dict[str, str] | None = Field(
        None, description="indicator -> denominator column; default iMeta's Denominator column"
    )
    scale_factors: dict[str, float] | None = None


class ImputeParams(_Params):
    """Fill missing values (section 4)."""

    method: Literal["none", "mean", "median", "mean_group", "median_group"] = "mean"
    by: Literal["column", "row"] = "column"
    group: str | None = Field(None, description="unit-metadata column for *_group methods")
    normalise_first: bool | None = None
    group_level: int | None = Field(
        None,
        description="impute row-wise within the blocks of indicators under each code at this level",
    )

    @field_validator("method", mode="before")
    @classmethod
    def _coinr_names(cls, value: Any) -> Any:
        names = {"i_mean": "mean", "i_median": "median", "i_mean_grp": "mean_group"}
        names["i_median_grp"] = "median_group"
        return names.get(value, value)


class ScreenParams(_Params):
    """Remove units with too little data (section 5)."""

    by: Literal["na", "zeros", "na_and_zeros", "byNA", "byzeros", "byNAandzeros"] = "na"
    threshold: float = Field(2 / 3, ge=0, le=1, description="minimum data availability")
    nonzero_threshold: float = Field(0.05, ge=0, le=1)
    force: dict[str, bool] | None = Field(None, description="uCode -> include (true) or exclude")


class TreatParams(_Params):
    """Outlier treatment: winsorisation then a log transform (section 6)."""

    method: Literal["default", "none"] = "default"
    winmax: int | None = Field(5, ge=0)
    skew: float = 2.0
    kurtosis: float = 3.5
    f2: Literal["log_CT", "log_CT_orig", "log_CT_plus", "boxcox"] | None = "log_CT"
    boxcox_lambda: float | None = None
    force_win: bool = False
    combine: bool = False
    pass_skew: float | None = None
    pass_kurtosis: float | None = None
    individual: dict[str, dict[str, Any] | Literal["none"]] | None = None


class NormaliseParams(_Params):
    """Bring indicators to a common scale (section 7). Method parameters sit beside ``method``."""

    model_config = ConfigDict(extra="allow", frozen=True)
    method: str = "minmax"
    individual: dict[str, dict[str, Any]] | None = None

    def method_params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class WeightsParams(_Params):
    """Choose the weights used by ``aggregate`` (section 8.2, 10.2, COINr get_opt_weights)."""

    method: Literal["imeta", "equal", "pca", "balance", "infomax"] = "imeta"
    level: int | None = Field(
        None, ge=1, description="level whose weights are set (pca, optimised)"
    )
    by_groups: bool = True
    target: dict[str, float] | None = None
    values: dict[str, float] | None = Field(None, description="explicit weights, code -> weight")
    max_iter: int = Field(500, ge=1, description="optimised weights: evaluations at most")
    tol: float = Field(0.1, gt=0, description="optimised weights: relative tolerance (COINr's)")


class AggregateParams(_Params):
    """Aggregate level by level (section 8). Per-level values are lists from level 2 up."""

    method: str | list[str] = "arithmetic"
    power: float | list[float | None] | None = None
    offset: float | list[float] = 0.0
    dat_thresh: float | list[float | None] | None = None
    weights: dict[str, float] | None = Field(
        None, description="explicit weights (code -> weight) replacing the current ones"
    )


PARAMS: dict[str, type[_Params]] = {
    "denominate": DenominateParams,
    "impute": ImputeParams,
    "screen": ScreenParams,
    "treat": TreatParams,
    "normalise": NormaliseParams,
    "weights": WeightsParams,
    "aggregate": AggregateParams,
}


class Step(BaseModel):
    """One pipeline step: its name and its raw parameters (validated by :attr:`params`)."""

    model_config = ConfigDict(frozen=True)
    name: str
    raw: dict[str, Any] = Field(default_factory=dict)

    @property
    def params(self) -> Any:
        return PARAMS[self.name].model_validate(self.raw)

    def key(self) -> str:
        """A canonical text of the step, for caching and the build log."""
        return json.dumps([self.name, self.raw], sort_keys=True, default=str)


class Pipeline(BaseModel):
    """An ordered list of steps; build with :func:`load_pipeline` or :meth:`from_steps`."""

    model_config = ConfigDict(frozen=True)
    steps: tuple[Step, ...]

    @classmethod
    def from_steps(cls, steps: Sequence[Mapping[str, Any]], label: str = "pipeline") -> Pipeline:
        parsed = []
        problems = []
        for i, item in enumerate(steps):
            where = f"{label}: steps[{i}]"
            if not isinstance(item, Mapping) or len(item) != 1:
                problems.append(
                    f"{where}: expected one mapping 'step: {{parameters}}', got {item!r}"
                )
                continue
            ((name, raw),) = item.items()
            if name not in PARAMS:
                problems.append(
                    f"{where}: unknown step '{name}'; expected one of {', '.join(PARAMS)}"
                )
                continue
            raw = {} if raw is None else raw
            if not isinstance(raw, Mapping):
                problems.append(f"{where} ({name}): expected a mapping of parameters, got {raw!r}")
                continue
            step = Step(name=name, raw=copy.deepcopy(dict(raw)))
            try:
                step.params  # noqa: B018 - validates
            except ValidationError as exc:
                for error in exc.errors():
                    loc = ".".join(str(p) for p in error["loc"])
                    problems.append(
                        f"{where} ({name}): {loc}: {error['msg']}, got {error.get('input')!r}"
                    )
                continue
            parsed.append(step)
        names = [s.name for s in parsed]
        for name in set(names):
            if name != "weights" and names.count(name) > 1:
                problems.append(
                    f"{label}: step '{name}' appears {names.count(name)} times; expected once"
                )
        if "aggregate" in names and names.index("aggregate") != len(names) - 1:
            problems.append(f"{label}: 'aggregate' must be the last step")
        if problems:
            raise CompositeError("invalid pipeline:\n" + "\n".join(problems))
        return cls(steps=tuple(parsed))

    def to_list(self) -> list[dict[str, Any]]:
        return [{s.name: copy.deepcopy(s.raw)} for s in self.steps]

    def index(self, name: str) -> int:
        for i, step in enumerate(self.steps):
            if step.name == name:
                return i
        raise CompositeError(
            f"the pipeline has no '{name}' step; its steps are "
            + ", ".join(s.name for s in self.steps)
        )

    def replace(self, name: str, raw: Mapping[str, Any]) -> Pipeline:
        """A copy with step ``name``'s parameters replaced whole (COINr's replace semantics)."""
        i = self.index(name)
        steps = list(self.to_list())
        steps[i] = {name: dict(raw)}
        return Pipeline.from_steps(steps)

    def update(self, name: str, **changes: Any) -> Pipeline:
        """A copy with some parameters of step ``name`` changed and the others kept."""
        i = self.index(name)
        raw = {**self.steps[i].raw, **changes}
        return self.replace(name, raw)


def load_pipeline(source: str | Path | Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Pipeline:
    """Read a pipeline from a YAML file (a mapping with ``steps``) or from Python data."""
    source, label = read_yaml(source, "pipeline")
    if isinstance(source, Mapping):
        if "steps" not in source:
            raise CompositeError(f"{label}: expected a mapping with a 'steps' list")
        source = source["steps"]
    if not isinstance(source, Sequence) or isinstance(source, str):
        raise CompositeError(f"{label}: expected a list of steps")
    return Pipeline.from_steps(source, label)
