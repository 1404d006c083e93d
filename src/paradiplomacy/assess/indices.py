"""The two composite indices of MODEL.md section 3, from their configuration files.

An index configuration (``data/indices/iai.yaml``, ``data/indices/sppi.yaml`` or a file of the
same form) holds, in one YAML file:

* ``name``, ``code`` (the top-level code of the hierarchy, e.g. ``IAI``), ``description``;
* ``hierarchy``: the mapping accepted by
  :func:`paradiplomacy.composite.framework.framework_from_yaml` (``level_names``, ``index``,
  ``unit_columns``) whose leaves are indicator codes of the indicator catalogue
  (``data/indicators.yaml``); a leaf's name, unit and direction come from its definition;
* ``pipeline``: the construction steps (``steps: [...]``, docs/composite.md);
* ``uncertainty``: the uncertain assumptions (the spec format of docs/composite.md);
* ``runs`` (default 1000) and ``seed`` (default 1) of the uncertainty analysis, which is on by
  default (MODEL.md section 4 reads class probabilities off it).

:func:`load_index_config` validates all of it at once against the catalogue and the engine
(a trial framework is built on dummy data), :func:`build_index` builds the index from an iData
table (:func:`paradiplomacy.indicators.compute.indicator_tables`) with the composite engine, and
:func:`analyse_index` runs its uncertainty analysis (Monte Carlo over the assumptions; OECD/JRC
Handbook on Constructing Composite Indicators, 2008, step 7).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from paradiplomacy.composite.coin import Coin, build
from paradiplomacy.composite.errors import CompositeError
from paradiplomacy.composite.framework import RESERVED_DATA, framework_from_yaml
from paradiplomacy.composite.pipeline import Pipeline, load_pipeline
from paradiplomacy.composite.uncertainty import (
    AnalysisResult,
    UncertaintySpec,
    analyse,
    load_spec,
)
from paradiplomacy.indicators.definitions import (
    CODE_PATTERN,
    Catalogue,
    CatalogueError,
    hierarchy_leaves,
)
from paradiplomacy.resources import data_path, load_yaml

from .coverage import Screening

__all__ = [
    "DEFAULT_INDICES",
    "IndexConfig",
    "IndexConfigError",
    "analyse_index",
    "build_index",
    "index_config_from_mapping",
    "load_default_configs",
    "load_index_config",
    "with_hierarchy",
]

DEFAULT_INDICES: dict[str, str] = {"iai": "iai.yaml", "sppi": "sppi.yaml"}
"""Names accepted by :func:`load_index_config` -> files in ``data/indices``."""

ORIGIN_COLUMN = "Data_origin"
"""iData column saying whether the data are synthetic (kept as unit metadata in the coin)."""


class IndexConfigError(ValueError):
    """An index configuration that cannot be used; the message names the file and the key."""


class IndexConfig(BaseModel):
    """One composite index: hierarchy, pipeline, uncertainty spec and analysis defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    code: str = Field(min_length=1, description="the top-level code of the hierarchy")
    description: str = ""
    hierarchy: dict[str, Any]
    pipeline: dict[str, Any] | list[dict[str, Any]]
    uncertainty: dict[str, Any]
    screening: Screening = Field(
        default_factory=Screening,
        description="data-availability screen of the indicators (docs/coverage.md)",
    )
    runs: int = Field(1000, ge=1, description="uncertainty runs")
    seed: int = Field(1, ge=0, description="seed of the uncertainty analysis")

    _source: str = PrivateAttr("")
    _resolved: dict[str, Any] = PrivateAttr(default_factory=dict)
    _pipeline: Pipeline | None = PrivateAttr(None)
    _spec: UncertaintySpec | None = PrivateAttr(None)

    @property
    def source(self) -> str:
        """The file the configuration was read from."""
        return self._source

    @property
    def indicators(self) -> list[str]:
        """Indicator codes (the hierarchy's leaves), in the order written."""
        return hierarchy_leaves(self.hierarchy)

    @property
    def resolved_hierarchy(self) -> dict[str, Any]:
        """The hierarchy with each leaf's name, unit and direction from its definition."""
        return self._resolved or self.hierarchy

    @property
    def unit_columns(self) -> list[str]:
        return [
            str(c["code"]) if isinstance(c, dict) else str(c)
            for c in self.hierarchy.get("unit_columns") or []
        ]

    @property
    def pipeline_steps(self) -> Pipeline:
        """The validated :class:`~paradiplomacy.composite.pipeline.Pipeline`."""
        return self._pipeline if self._pipeline is not None else load_pipeline(self.pipeline)

    @property
    def spec(self) -> UncertaintySpec:
        """The validated uncertainty spec."""
        return self._spec if self._spec is not None else load_spec(self.uncertainty)


def load_index_config(name_or_path: str | Path, catalogue: Catalogue | None = None) -> IndexConfig:
    """Read and validate an index configuration: ``"iai"``, ``"sppi"`` or a YAML file path.

    Checks, all reported together in one :class:`IndexConfigError`: the keys (pydantic,
    ``extra="forbid"``); the hierarchy's top code equals ``code``; every leaf is an indicator of
    ``catalogue`` (default: the shipped one) with a consistent direction; the hierarchy makes a
    valid framework (checked on dummy data); the pipeline and the uncertainty spec are valid for
    the engine, the pipeline ends with ``aggregate`` and every assumption names a step of it.
    """
    key = str(name_or_path)
    if key.lower() in DEFAULT_INDICES and not Path(key).exists():
        file = data_path("indices", DEFAULT_INDICES[key.lower()])
    else:
        file = Path(name_or_path)
    label = str(file)
    try:
        data = load_yaml(file)
    except OSError as exc:
        known = ", ".join(DEFAULT_INDICES)
        raise IndexConfigError(
            f"{label}: cannot read the index configuration ({exc}); expected {known} or a file"
        ) from exc
    except Exception as exc:  # yaml.YAMLError
        raise IndexConfigError(f"{label}: not valid YAML ({exc})") from exc
    return index_config_from_mapping(data, label, catalogue)


def index_config_from_mapping(
    data: Any, label: str = "index configuration", catalogue: Catalogue | None = None
) -> IndexConfig:
    """Validate an index configuration given as Python data; ``label`` names it in messages."""
    if not isinstance(data, dict):
        raise IndexConfigError(f"{label}: expected a mapping, got {data!r}")
    try:
        config = IndexConfig.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "(top)"
            got = "" if error["type"] == "missing" else f", got {error.get('input')!r}"
            lines.append(f"{label}: {where}: {error['msg']}{got}")
        raise IndexConfigError("invalid index configuration:\n" + "\n".join(lines)) from None
    problems: list[str] = []
    if not CODE_PATTERN.match(config.code):
        problems.append(
            f"{label}: code: expected a code without blanks that does not start with a digit, "
            f"got {config.code!r}"
        )
    tops = config.hierarchy.get("index")
    tops = [tops] if isinstance(tops, dict) else tops
    if not isinstance(tops, list) or len(tops) != 1 or not isinstance(tops[0], dict):
        problems.append(f"{label}: hierarchy.index: expected one top-level node (the index)")
    elif tops[0].get("code") != config.code:
        problems.append(
            f"{label}: hierarchy.index[0].code: expected the index code {config.code!r}, got "
            f"{tops[0].get('code')!r}"
        )
    catalogue = catalogue or Catalogue.load()
    resolved: dict[str, Any] = {}
    try:
        resolved = catalogue.resolve_hierarchy(config.hierarchy, f"{label}: hierarchy")
    except CatalogueError as exc:
        problems.extend(exc.problems)
    pipeline = spec = None
    try:
        pipeline = load_pipeline(config.pipeline)
    except CompositeError as exc:
        problems.append(f"{label}: pipeline: {exc}")
    try:
        spec = load_spec(config.uncertainty)
    except CompositeError as exc:
        problems.append(f"{label}: uncertainty: {exc}")
    if pipeline is not None:
        names = [s.name for s in pipeline.steps]
        if not names or names[-1] != "aggregate":
            problems.append(
                f"{label}: pipeline.steps: expected 'aggregate' as the last step, got "
                f"{', '.join(names) or 'no steps'}"
            )
        for name, assumption in spec.assumptions.items() if spec else []:
            if assumption.step is not None and assumption.step not in names:
                problems.append(
                    f"{label}: uncertainty.assumptions.{name}.step: expected a step of the "
                    f"pipeline ({', '.join(names)}), got {assumption.step!r}"
                )
    if resolved and not problems:
        try:
            framework_from_yaml(resolved, _dummy_idata(config))
        except CompositeError as exc:
            problems.append(f"{label}: hierarchy: {exc}")
    if problems:
        raise IndexConfigError("invalid index configuration:\n" + "\n".join(problems))
    config._source = label
    config._resolved = resolved
    config._pipeline = pipeline
    config._spec = spec
    return config


def with_hierarchy(
    config: IndexConfig, hierarchy: dict[str, Any], catalogue: Catalogue | None = None
) -> IndexConfig:
    """The same index configuration with another hierarchy (e.g. the screened one of
    :func:`paradiplomacy.assess.coverage.index_coverage`), validated again."""
    data = config.model_dump()
    data["hierarchy"] = hierarchy
    label = f"{config.source or config.code} (screened)"
    return index_config_from_mapping(data, label, catalogue)


def load_default_configs(catalogue: Catalogue | None = None) -> dict[str, IndexConfig]:
    """The shipped index configurations by code: ``{"IAI": ..., "SPPI": ...}``."""
    catalogue = catalogue or Catalogue.load()
    configs = [load_index_config(name, catalogue) for name in DEFAULT_INDICES]
    return {c.code: c for c in configs}


def _dummy_idata(config: IndexConfig) -> pd.DataFrame:
    """Two units with distinct values in every column: enough to check the structure."""
    data: dict[str, Any] = {"uCode": ["U1", "U2"], "uName": ["U1", "U2"]}
    for column in config.unit_columns:
        data[column] = [1.0, 2.0]
    for code in config.indicators:
        data[code] = [1.0, 2.0]
    return pd.DataFrame(data)


def build_index(config: IndexConfig, idata: pd.DataFrame) -> Coin:
    """Build the index from ``idata`` (COINr iData, e.g. from ``indicator_tables``).

    Only ``uCode``, ``uName``, ``Time``, the hierarchy's ``unit_columns`` and its indicators are
    taken, so one iData table with the indicators of several indices serves each of them. A
    ``Data_origin`` column (``synthetic``/``real``/...) is kept as unit metadata ("Other") so the
    coin says where its data came from: ``coin.framework.units["Data_origin"]``.
    """
    units = config.unit_columns
    hierarchy = dict(config.resolved_hierarchy)
    if ORIGIN_COLUMN in idata.columns and ORIGIN_COLUMN not in units:
        extra = {"code": ORIGIN_COLUMN, "type": "Other"}
        hierarchy["unit_columns"] = [*(hierarchy.get("unit_columns") or []), extra]
        units = [*units, ORIGIN_COLUMN]
    keep = [c for c in idata.columns if c in RESERVED_DATA or c in units]
    missing = [c for c in (*config.indicators, *units) if c not in idata.columns]
    if missing:
        raise IndexConfigError(
            f"{config.source or config.code}: the iData table lacks the column(s) "
            f"{', '.join(missing)} that the index needs"
        )
    table = idata[keep + config.indicators]
    framework = framework_from_yaml(hierarchy, table)
    return build(framework, config.pipeline_steps)


def analyse_index(
    config: IndexConfig, coin: Coin, runs: int | None = None, seed: int | None = None
) -> AnalysisResult:
    """Uncertainty analysis of a built index: ``runs`` (default ``config.runs``) Monte Carlo
    runs over ``config.uncertainty`` with ``seed`` (default ``config.seed``); same seed, same
    result. Ranks and rank intervals: ``result.rank_stats`` (uCode, nominal, mean, median, q5,
    q95)."""
    return analyse(
        coin,
        config.spec,
        n=config.runs if runs is None else runs,
        kind="ua",
        seed=config.seed if seed is None else seed,
        target=config.code,
    )
