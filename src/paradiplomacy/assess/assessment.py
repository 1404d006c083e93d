"""The assessment as one object: indicators, the two indices with their uncertainty, the class of
every region, the channels to every partner, and scenarios on demand (MODEL.md sections 3-7).

:meth:`Assessment.build` (or :meth:`Assessment.from_store`) runs the whole chain once:

1. indicators for the assessment year from the ledger, statistics and registry
   (:mod:`paradiplomacy.indicators`);
2. the International Activity Index (IAI) and the Soft Power Potential Index (SPPI) with the
   composite engine, each with its uncertainty analysis (1,000 seeded runs by default), and the
   IAI political-institutional pillar's runs for the political-plus framework;
3. the profile and class of every region with level probabilities and explanations;
4. channel strengths B(r, c, k) to every partner and the resilience of ties.

:meth:`Assessment.scenario` then answers a crisis scenario for one partner in milliseconds.
Everything records the configuration files and versions that made it, and whether the data are
synthetic.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import strictjson
from ..composite.coin import Coin, versions
from ..composite.uncertainty import AnalysisResult, analyse
from ..indicators.compute import (
    compute_indicators,
    data_origin,
    denominators,
    evidence,
    indicator_tables,
    provenance,
)
from ..indicators.definitions import Catalogue, LedgerIndicator
from ..ledger.aggregates import (
    channel_records,
    cube_from_records,
    frame_channel_records,
    latest_year,
    record_cube,
    source_cube,
    source_cube_of_records,
)
from ..ledger.taxonomy import Taxonomy
from ..registry import RegionRegistry
from ..registry.partners import PartnerRegistry
from ..resources import data_path
from . import classification as levels
from .channels import (
    ChannelConfig,
    ChannelTable,
    channel_strengths,
    cube_spec,
)
from .coverage import LedgerCoverage, ledger_coverage
from .engine import ChannelArrays, ScenarioEngine, ScenarioParameters
from .explain import explain_class, indicator_contributions
from .frameworks import FrameworkConfig, resilience
from .indices import analyse_index, build_index, load_index_config, with_hierarchy
from .keys import CONFIG_FILES, config_paths
from .profile import profile as region_profile
from .scenarios import (
    AvailabilityTable,
    Scenario,
    capacity_frame,
    partner_record_index,
    replay,
    scenario_totals,
)

POLITICAL_PILLAR = "IAI_Pol"
"""The IAI pillar that the political-plus framework uses (MODEL.md section 6)."""

__all__ = ["CONFIG_FILES", "POLITICAL_PILLAR", "Assessment", "ScenarioResult", "config_paths",
           "load_configs", "write_scenario"]  # fmt: skip


def load_configs(paths: Mapping[str, Path], taxonomy: Taxonomy) -> dict[str, Any]:
    """Every configuration file of :data:`CONFIG_FILES` (``paths``: :func:`config_paths`), read
    and validated: ``catalogue``, ``indices`` (``IAI``, ``SPPI``), ``classification``,
    ``channels``, ``frameworks``, ``availability``."""
    catalogue = Catalogue.load(paths["indicators"], taxonomy=taxonomy)
    return {
        "catalogue": catalogue,
        "indices": {
            "IAI": load_index_config(paths["iai"], catalogue),
            "SPPI": load_index_config(paths["sppi"], catalogue),
        },
        "classification": levels.load_config(paths["classification"]),
        "channels": ChannelConfig.load(paths["channels"]),
        "frameworks": FrameworkConfig.load(paths["frameworks"]),
        "availability": AvailabilityTable.load(paths["availability"]),
    }


def _shown(path: Path) -> str:
    """A shipped file as ``paradiplomacy:data/...`` (no server paths); others as given."""
    try:
        return "paradiplomacy:data/" + path.resolve().relative_to(data_path().resolve()).as_posix()
    except ValueError:
        return str(path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's answer: regions by capacity and the country totals."""

    scenario: Scenario
    capacity: pd.DataFrame
    summary: dict[str, Any]
    frameworks: pd.DataFrame | None = None


@dataclass
class Assessment:
    """The built assessment (see the module docstring). Build with :meth:`build`."""

    year: int
    scope: str
    seed: int
    runs: int
    regions: pd.DataFrame
    partners: pd.DataFrame
    taxonomy: Taxonomy
    records: pd.DataFrame | None
    statistics: pd.DataFrame
    indicators: pd.DataFrame
    idata: pd.DataFrame
    imeta: pd.DataFrame
    configs: dict[str, Any]
    coins: dict[str, Coin]
    uncertainty: dict[str, AnalysisResult]
    profile: pd.DataFrame
    classes: pd.DataFrame
    edges: np.ndarray
    channels: ChannelTable
    resilience: pd.DataFrame
    origin: str
    paths: dict[str, Path]
    coverage: LedgerCoverage
    timings: dict[str, float] = field(default_factory=dict)
    ledger: Any = field(default=None, repr=False)
    """The :class:`~paradiplomacy.ledger.store.Store` the assessment was built from or stored
    in (None for one built from records in memory): questions about records read it by key."""
    _sources: pd.DataFrame | None = field(default=None, repr=False)
    scenario_source: Callable[[], ScenarioEngine] | None = field(default=None, repr=False)
    """Makes the scenario engine from stored arrays (a stored assessment); else it is made
    from the channel table, scores and runs (:attr:`engine`)."""

    @property
    def records_source(self) -> Callable[..., pd.DataFrame] | None:
        """Reads records by key when :attr:`records` is None (``Store.records`` of
        :attr:`ledger`)."""
        return None if self.ledger is None else self.ledger.records

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def from_store(cls, store: Any, **kwargs: Any) -> Assessment:
        """Build from a :class:`~paradiplomacy.ledger.store.Store` (its registries, ledger and
        GDELT events). The records are read as aggregates computed by the database (the record
        cube, :mod:`paradiplomacy.ledger.aggregates`), never one by one; the records behind an
        explanation or a channel are read by key when asked for."""
        from ..ledger.events import query_events

        return cls.build(
            None,
            store.statistics(),
            store.regions,
            store.partners,
            store.taxonomy,
            events=query_events(store),
            ledger=store,
            **kwargs,
        )

    @classmethod
    def build(
        cls,
        records: pd.DataFrame | None,
        statistics: pd.DataFrame | None,
        regions: RegionRegistry,
        partners: PartnerRegistry,
        taxonomy: Taxonomy,
        *,
        year: int | None = None,
        scope: str | None = None,
        config_dir: str | Path | None = None,
        runs: int | None = None,
        seed: int | None = None,
        progress: Callable[[str], None] | None = None,
        events: pd.DataFrame | None = None,
        ledger: Any = None,
    ) -> Assessment:
        """Run the whole assessment; see the module docstring.

        Args:
            records, statistics: the ledger (``Store.records()``, ``Store.statistics()``);
                ``records`` None with ``ledger``.
            regions, partners, taxonomy: the registries and the instrument taxonomy.
            year: the assessment year (default: the latest year with records).
            scope: the region scope (default: the registry's default scope).
            config_dir: a directory whose files replace the shipped configuration files of
                the same relative names (:data:`CONFIG_FILES`).
            runs, seed: uncertainty runs and seed (default: those of each index's configuration).
            progress: called with the name of each stage as it starts.
            events: GDELT events for ``events`` indicators (``ledger.events.query_events``).
            ledger: a :class:`~paradiplomacy.ledger.store.Store` to read the records from, as
                the record cube its database computes, instead of ``records`` (then None).
        """
        step = progress or (lambda _name: None)
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[name] = round(now - clock, 4)
            clock = now

        paths = config_paths(config_dir)
        scope = scope or regions.default_scope
        region_frame = regions.to_frame(scope)
        partner_frame = partners.to_frame()
        if statistics is None or "region" not in statistics.columns:
            statistics = pd.DataFrame(
                {c: pd.Series(dtype=object) for c in ("region", "indicator", "source")}
            ).assign(year=pd.Series(dtype="int64"), value=pd.Series(dtype=float))
        if records is None and ledger is None:
            raise ValueError("give the records or the ledger to read them from")
        if year is None:
            latest = (
                latest_year(ledger)
                if records is None
                else (None if records.empty else int(records["year"].max()))
            )
            if latest is None:
                raise ValueError("the ledger has no records: give the assessment year")
            year = latest
        codes = list(region_frame["code"])
        loaded = load_configs(paths, taxonomy)
        channel_config, framework_config = loaded["channels"], loaded["frameworks"]
        as_of = dt.date(year, 12, 31)

        step("records")
        spec = cube_spec(
            as_of,
            channel_config,
            list(taxonomy.instruments),
            resilience=framework_config.resilience,
        )
        if records is None:
            cube = record_cube(ledger, spec)
            records_of = functools.partial(channel_records, ledger)
        else:
            cube = cube_from_records(records, spec)
            records_of = functools.partial(frame_channel_records, records)
        lap("records")

        step("indicators")
        catalogue, index_configs = loaded["catalogue"], loaded["indices"]
        values = compute_indicators(
            cube,
            statistics,
            region_frame,
            partner_frame,
            taxonomy,
            year,
            catalogue,
            codes,
            events=events,
        )
        denoms = denominators(statistics, region_frame, year, codes)
        evidence = ledger_coverage(
            cube, statistics, events, codes, year, catalogue, taxonomy, index_configs, values
        )
        built_configs = {
            code: config
            if evidence.indices[code].complete
            else with_hierarchy(config, evidence.indices[code].hierarchy, catalogue)
            for code, config in index_configs.items()
            if evidence.indices[code].used
        }
        idata, imeta = indicator_tables(
            values,
            region_frame,
            catalogue,
            [c.resolved_hierarchy for c in built_configs.values()],
            denoms,
        )
        lap("indicators")

        step("indices")
        coins: dict[str, Coin] = {}
        results: dict[str, AnalysisResult] = {}
        for code, config in built_configs.items():
            coins[code] = build_index(config, idata)
            results[code] = analyse_index(config, coins[code], runs=runs, seed=seed)
        iai_config = index_configs["IAI"]
        if "IAI" in coins and POLITICAL_PILLAR not in evidence.indices["IAI"].dropped_aggregates:
            results[POLITICAL_PILLAR] = analyse(
                coins["IAI"],
                built_configs["IAI"].spec,
                n=iai_config.runs if runs is None else runs,
                kind="ua",
                seed=iai_config.seed if seed is None else seed,
                target=POLITICAL_PILLAR,
            )
        lap("indices")

        step("classification")
        class_config = loaded["classification"]
        prof = region_profile(
            cube, region_frame, partner_frame, taxonomy, year, class_config.profile
        )
        iai_coverage = evidence.indices["IAI"].regions.reindex(codes)
        if "IAI" in coins:
            iai_nominal = coins["IAI"].scores("IAI").reindex(codes)
            enough = (iai_coverage >= class_config.min_coverage - 1e-12).to_numpy()
            if enough.any():
                edges, cut_method = levels.cut_points_or_fallback(
                    iai_nominal.to_numpy()[enough], class_config
                )
            else:
                edges = None
                cut_method = (
                    f"none (no region's IAI rests on the minimum "
                    f"{class_config.min_coverage:.0%} of the model's weight)"
                )
        else:
            iai_nominal = pd.Series(np.nan, index=codes)
            edges, cut_method = None, "none (no IAI: no indicator has evidence)"
        if edges is None:
            classes = levels.unclassified(iai_nominal, class_config, cut_method, iai_coverage)
            edges = np.array([-np.inf, np.inf])
        else:
            classes = levels.classify(
                iai_nominal, results["IAI"].scores, prof, class_config, edges, iai_coverage
            )
        evidence.cut_method = cut_method
        lap("classification")

        step("channels")
        covered_channels = [k for k, ok in evidence.channels().items() if ok]
        table = channel_strengths(
            cube,
            region_frame,
            partner_frame,
            taxonomy,
            as_of,
            channel_config,
            covered_channels,
            records_of=records_of,
        )
        res = resilience(cube, table, framework_config, as_of, channel_config)
        lap("channels")

        configs = {"built_indices": built_configs, **loaded}
        return cls(
            year=year,
            scope=scope,
            seed=int(iai_config.seed if seed is None else seed),
            runs=int(
                next(iter(results.values())).scores.shape[1]
                if results
                else (iai_config.runs if runs is None else runs)
            ),
            regions=region_frame.set_index("code", drop=False),
            partners=partner_frame,
            taxonomy=taxonomy,
            records=records,
            statistics=statistics,
            indicators=values,
            idata=idata,
            imeta=imeta,
            configs=configs,
            coins=coins,
            uncertainty=results,
            profile=prof,
            classes=classes,
            edges=np.asarray(edges, dtype=float),
            channels=table,
            resilience=res,
            origin=data_origin(cube, statistics),
            paths=paths,
            coverage=evidence,
            timings=timings,
            ledger=ledger,
        )

    # --- results -----------------------------------------------------------------------------

    def ledger_records(self) -> pd.DataFrame:
        """The activity records behind the assessment (read from the ledger on first use when
        the assessment was stored)."""
        if self.records is None:
            if self.records_source is None:
                raise ValueError("this assessment has no records and no ledger to read them from")
            self.records = self.records_source()
        return self.records

    @property
    def synthetic(self) -> bool:
        """True when any of the data behind the assessment is synthetic."""
        return "synthetic" in self.origin

    def data_label(self) -> str:
        """One line for every output: the data's origin and what the evidence covers, e.g.
        ``real public data, incomplete: 3 of 19 instruments covered; not covered: ...``."""
        cov = self.coverage
        if self.synthetic:
            origin = "synthetic data (invented, not evidence)"
        elif self.origin == "real":
            origin = "real public data"
        else:
            origin = f"data: {self.origin}"
        if cov.not_covered:
            return f"{origin}, incomplete: {cov.label()}"
        return f"{origin}: {cov.label()}"

    def _rank_stats(self, code: str) -> pd.DataFrame:
        if code not in self.uncertainty:
            return pd.DataFrame(columns=["nominal", "mean", "median", "q5", "q95"], dtype=float)
        return self.uncertainty[code].rank_stats.set_index("uCode")

    def scores(self, code: str, level: str | None = None) -> pd.Series:
        """Nominal scores of index ``code`` (or of its aggregate ``level``, e.g. ``IAI_Pol``)
        by region; NaN for every region when the index or aggregate was left out for lack of
        evidence (``coverage``)."""
        codes = list(self.regions["code"])
        coin = self.coins.get(code)
        target = level or code
        if coin is None or target in self.coverage.indices[code].dropped_aggregates:
            return pd.Series(np.nan, index=codes, dtype=float)
        return coin.scores(target).reindex(codes)

    def ranks(self, code: str) -> pd.Series:
        """Nominal ranks of index ``code`` (1 = highest) by region; NaN when left out."""
        codes = list(self.regions["code"])
        coin = self.coins.get(code)
        if coin is None:
            return pd.Series(np.nan, index=codes, dtype=float)
        return coin.ranks(code).reindex(codes)

    def score_runs(self, code: str) -> pd.DataFrame:
        """Regions x runs of the uncertainty analysis of ``code`` (an index or
        :data:`POLITICAL_PILLAR`); NaN for every region when it was left out."""
        codes = list(self.regions["code"])
        if code in self.uncertainty:
            return self.uncertainty[code].scores.reindex(codes)
        return pd.DataFrame(np.nan, index=codes, columns=range(self.runs), dtype=float)

    def regions_table(self) -> pd.DataFrame:
        """One row per region: indices with ranks and rank intervals, class and profile.

        Columns: code, name_en, name_ru, iai, iai_rank, iai_rank_q5, iai_rank_q95, sppi,
        sppi_rank, level, level_name, p_level_1..p_level_k, most_probable_level, borderline
        (the most probable level from the runs differs from the nominal one), balance,
        orientation,
        structural_type, data (synthetic or real). Ranks: 1 = highest score; q5/q95 from the
        uncertainty runs.
        """
        codes = list(self.regions["code"])
        iai_stats = self._rank_stats("IAI").reindex(codes)
        sppi_stats = self._rank_stats("SPPI").reindex(codes)
        classes = self.classes.set_index("code").reindex(codes)
        prof = self.profile.set_index("code").reindex(codes)
        table = pd.DataFrame(
            {
                "code": codes,
                "name_en": self.regions["name_en"].to_numpy(),
                "name_ru": self.regions["name_ru"].to_numpy(),
                "iai": self.scores("IAI").to_numpy(),
                "iai_rank": self.ranks("IAI").to_numpy(),
                "iai_rank_q5": iai_stats["q5"].to_numpy(),
                "iai_rank_q95": iai_stats["q95"].to_numpy(),
                "sppi": self.scores("SPPI").to_numpy(),
                "sppi_rank": self.ranks("SPPI").to_numpy(),
                "sppi_rank_q5": sppi_stats["q5"].to_numpy(),
                "sppi_rank_q95": sppi_stats["q95"].to_numpy(),
                "level": classes["level"].to_numpy(),
                "level_name": classes["level_name"].to_numpy(),
            }
        )
        for column in self.configs["classification"].probability_columns:
            table[column] = classes[column].to_numpy()
        table["most_probable_level"] = classes["most_probable_level"].to_numpy()
        table["borderline"] = classes["borderline"].to_numpy(dtype=bool)
        table["coverage"] = self.coverage.indices["IAI"].regions.reindex(codes).to_numpy()
        table["sppi_coverage"] = self.coverage.indices["SPPI"].regions.reindex(codes).to_numpy()
        table["evidence"] = classes["evidence"].to_numpy()
        table["balance"] = prof["balance"].to_numpy()
        table["orientation"] = prof["orientation"].to_numpy()
        table["structural_type"] = prof["structural_type"].to_numpy()
        table["data"] = "synthetic" if self.synthetic else self.origin
        return table.sort_values(["iai_rank", "code"], kind="mergesort").reset_index(drop=True)

    def explain(self, code: str, top_n: int = 5) -> dict[str, Any]:
        """Why region ``code`` has its class: the indicators and records behind it."""
        row = self._classes_by_code.loc[code]
        if "IAI" in self.coins:
            contributions = indicator_contributions(self.coins["IAI"], code)
        else:
            contributions = pd.DataFrame(
                columns=["indicator", "pillar", "raw", "normalised", "weight", "contribution"]
            )
        records = self.region_records(code)
        cited = self._cited_records(code, records, list(contributions["indicator"].head(top_n)))
        return explain_class(code, row, contributions, cited, top_n=top_n)

    def _cited_records(
        self, code: str, records: pd.DataFrame, indicators: list[str]
    ) -> pd.DataFrame:
        """The records of region ``code`` behind the ledger indicators ``indicators`` (their
        instruments, years, statuses and partners: :func:`~..indicators.compute.evidence`)."""
        definitions = {ind.code: ind for ind in self.configs["catalogue"].indicators}
        uids: set[str] = set()
        for name in indicators:
            ind = definitions.get(name)
            if isinstance(ind, LedgerIndicator) and len(records):
                found = evidence(records, self.regions.reset_index(drop=True), self.partners,
                                 self.taxonomy, self.year, ind, region=code)  # fmt: skip
                uids.update(found["uid"].astype(str))
        return records[records["uid"].astype(str).isin(uids).to_numpy()]

    def region_records(self, code: str) -> pd.DataFrame:
        """The current records of region ``code``, in ledger order (read by key from the
        ledger when the records are not in memory)."""
        if self.records is not None:
            return self.records[(self.records["region"] == code).to_numpy()]
        if self.records_source is None:
            raise ValueError("this assessment has no records and no ledger to read them from")
        return self.records_source(region=code)

    @cached_property
    def _classes_by_code(self) -> pd.DataFrame:
        return self.classes.set_index("code")

    def partner_view(self, partner: str) -> pd.DataFrame:
        """The regions that carry relations with ``partner``, and through which channels."""
        return self.channels.partner_view(self._partner(partner))

    def region_view(self, region: str) -> pd.DataFrame:
        """The partners of ``region`` and the channels to each."""
        return self.channels.region_view(self.regions_registry_code(region))

    def regions_registry_code(self, region: str) -> str:
        """The code of ``region`` (a code, or any name or alias the registry knows)."""
        if region in self.regions.index:
            return region
        from ..registry import RegionRegistry

        registry = RegionRegistry.load()
        if registry.lookup(region).ambiguous:
            registry.index.require(region)  # raises, listing the regions it may mean
        code = registry.resolve(region)
        if code is None or code not in self.regions.index:
            raise KeyError(f"unknown region {region!r} in scope {self.scope}")
        return code

    def _partner(self, partner: str) -> str:
        code = partner.strip().upper()
        if code not in self.partners.index:
            raise KeyError(f"unknown partner country {partner!r}; expected an ISO alpha-2 code")
        return code

    @cached_property
    def engine(self) -> ScenarioEngine:
        """The array engine of frameworks and scenarios (:mod:`paradiplomacy.assess.engine`),
        with its per-partner caches; a stored assessment gives its stored arrays."""
        if self.scenario_source is not None:
            return self.scenario_source()
        table = self.channels

        def records(partner: str) -> np.ndarray | None:
            return self.record_index.get(table.partner_index(partner))

        return ScenarioEngine(
            ChannelArrays.of(table),
            ScenarioParameters.of(
                self.configs["frameworks"], self.configs["availability"], table.channels
            ),
            **self.engine_inputs(),
            records=records,
            seed=self.seed,
        )

    @cached_property
    def record_index(self) -> dict[int, np.ndarray]:
        """The records that can be named in a capacity table, per partner position
        (:func:`paradiplomacy.assess.engine.record_index` of the channel contributions)."""
        return partner_record_index(self.channels)

    def engine_inputs(self) -> dict[str, Any]:
        """The scores, runs and resilience the scenario engine takes, in the channel table's
        region order (stored with a stored assessment)."""
        regions = self.channels.regions
        resilience = self.resilience.reindex(index=regions)
        return {
            "sppi": self.scores("SPPI").reindex(regions).to_numpy(dtype=float),
            "iai_political": self.scores("IAI", POLITICAL_PILLAR)
            .reindex(regions)
            .to_numpy(dtype=float),
            "sppi_runs": self.score_runs("SPPI").reindex(regions).to_numpy(dtype=float),
            "iai_runs": self.score_runs(POLITICAL_PILLAR).reindex(regions).to_numpy(dtype=float),
            "resilience": resilience.to_numpy(dtype=float),
            "resilience_partners": list(resilience.columns),
        }

    def frameworks(self, partner: str) -> pd.DataFrame:
        """Suitability of every region for both frameworks towards ``partner`` (section 6).

        The nominal suitability with its terms and explanation, and from the uncertainty runs
        of the indices: ``<framework>_q5``, ``_median``, ``_q95`` and ``p_<framework>`` (the
        share of runs in which the framework is recommended, alone or as "both").
        """
        code = self._partner(partner)
        table = pd.DataFrame(self.engine.framework_columns(code))
        table.attrs["synthetic"] = self.synthetic
        table.attrs["partner"] = code
        return table

    def scenario(
        self,
        partner: str | None = None,
        level: int | None = None,
        scenario: Scenario | str | Path | None = None,
        closed_instruments: tuple[str, ...] = (),
        top: int = 10,
    ) -> ScenarioResult:
        """Regions ranked by normalisation capacity towards a partner at a crisis level.

        Give ``partner`` and ``level``, or a :class:`Scenario` (or its YAML file, or the name
        of a shipped one); ``partner``/``level`` then override the file's.
        """
        if scenario is None:
            if partner is None or level is None:
                raise ValueError("a scenario needs a partner and a crisis level (0-3)")
            code = self._partner(partner)
            scenario = Scenario(name=f"{code} level {level}", partner=code, level=level)
        elif not isinstance(scenario, Scenario):
            path = Path(scenario)
            scenario = Scenario.load(path) if path.exists() else Scenario.shipped(str(scenario))
        updates: dict[str, Any] = {}
        if partner is not None:
            updates["partner"] = self._partner(partner)
        if level is not None:
            updates["level"] = level
        if closed_instruments:
            updates["closed_instruments"] = tuple(
                dict.fromkeys([*scenario.closed_instruments, *closed_instruments])
            )
        if updates:
            scenario = Scenario.model_validate({**scenario.model_dump(), **updates})
        code = self._partner(scenario.partner)
        closed = tuple(scenario.closed_instruments)
        engine = self.engine
        answer = engine.scenario(
            code, scenario.level, closed, scenario.availability, top=top, name=scenario.name
        )
        regions, names = self._region_names
        table = capacity_frame(
            regions,
            names,
            engine.arrays.channels,
            answer["capacity"],
            answer["p_top"],
            answer["records"],
            f"p_top{top}",
            region_column="code",
        )
        table.attrs.update(
            synthetic=self.channels.synthetic,
            scenario=scenario.name,
            partner=scenario.partner,
            level=scenario.level,
        )
        totals = scenario_totals(scenario.name, scenario.partner, scenario.level,
                                 answer["capacity"].capacity, answer["base"].capacity,
                                 self.channels.synthetic)  # fmt: skip
        summary = {
            **totals,
            "partner": code,
            "partner_name": self.partners.loc[code, "name_en"],
            "level": scenario.level,
            "scenario": scenario.name,
            "closed_instruments": list(scenario.closed_instruments),
            "assessment_year": self.year,
            "synthetic": self.synthetic,
            **self._scenario_coverage(answer["no_evidence"]),
        }
        return ScenarioResult(scenario, table, summary, self.frameworks(code))

    @cached_property
    def _region_names(self) -> tuple[np.ndarray, np.ndarray]:
        """The channel table's region codes and English names (object arrays)."""
        regions = self.channels.regions
        names = self.channels.region_names.reindex(regions).to_numpy()
        return regions.to_numpy(dtype=object), names

    def _scenario_coverage(self, no_evidence: list[str]) -> dict[str, Any]:
        """What a scenario could not see (docs/coverage.md); ``no_evidence``: its channels
        without evidence toward the partner (``ChannelTable.no_evidence``)."""
        terms = self._coverage_terms
        return {
            "coverage": terms["coverage"],
            "channels_without_evidence": no_evidence,
            "channels_not_covered": list(terms["channels_not_covered"]),
            "instruments_not_covered": list(terms["instruments_not_covered"]),
            "framework_terms_without_evidence": list(terms["framework_terms_without_evidence"]),
        }

    @cached_property
    def _coverage_terms(self) -> dict[str, Any]:
        """The parts of :meth:`_scenario_coverage` that do not depend on the scenario."""
        covered = self.coverage.channels()
        terms = []
        if self.scores("SPPI").isna().all():
            terms.append("sppi")
        if self.scores("IAI", POLITICAL_PILLAR).isna().all():
            terms.append("iai_political")
        return {
            "coverage": self.coverage.label(),
            "channels_not_covered": [k for k, ok in covered.items() if not ok],
            "instruments_not_covered": list(self.coverage.not_covered),
            "framework_terms_without_evidence": terms,
        }

    def replay(self, scenario: Scenario | str | Path) -> tuple[pd.DataFrame, float]:
        """Capacity before the scenario's date beside activity recorded after it (section 7)."""
        if not isinstance(scenario, Scenario):
            path = Path(scenario)
            scenario = Scenario.load(path) if path.exists() else Scenario.shipped(str(scenario))
        if scenario.date is None:
            raise ValueError(f"scenario {scenario.name!r} has no date to replay")
        on_ledger = self.records is None and self.ledger is not None
        source = functools.partial(record_cube, self.ledger) if on_ledger else self.ledger_records()
        return replay(
            source,
            self.regions.reset_index(drop=True),
            self.partners,
            self.taxonomy,
            scenario,
            self.configs["channels"],
            self.configs["frameworks"],
            availability=self.configs["availability"],
            records_of=functools.partial(channel_records, self.ledger) if on_ledger else None,
        )

    # --- provenance and output ---------------------------------------------------------------

    def versions(self) -> dict[str, str]:
        """Versions of the software that made the assessment."""
        return versions()

    def provenance(self) -> dict[str, Any]:
        """Sources and counts of the records and statistics behind the numbers (record counts
        computed by the ledger's database: :meth:`sources`)."""
        cube = self.sources()
        window = cube[(cube["year"] <= self.year).to_numpy()]
        by_source = window.groupby("source")["n"].sum()
        by_source = by_source.reset_index().sort_values(
            ["n", "source"], ascending=[False, True], kind="mergesort"
        )
        stats = self.statistics
        stats_by_source = (
            stats.groupby("source").size().sort_values(ascending=False)
            if len(stats)
            else pd.Series(dtype=int)
        )
        return {
            "data": self.origin,
            "records": int(cube["n"].sum()),
            "records_up_to_year": int(window["n"].sum()),
            "record_sources": {
                str(k): int(v) for k, v in by_source.head(50).itertuples(index=False)
            },
            "statistics": len(stats),
            "statistic_sources": {str(k): int(v) for k, v in stats_by_source.head(50).items()},
        }

    def sources(self) -> pd.DataFrame:
        """The current records grouped by region, partner, instrument, status, year and source
        (:func:`paradiplomacy.ledger.aggregates.source_cube`), computed by the ledger's
        database, or from the records in memory; kept once computed."""
        if self._sources is None:
            if self.records is None and self.ledger is not None:
                self._sources = source_cube(self.ledger)
            else:
                self._sources = source_cube_of_records(self.ledger_records())
        return self._sources

    def indicator_provenance(self) -> pd.DataFrame:
        """Per region and indicator: the records and sources behind the value."""
        return provenance(
            self.sources(),
            self.statistics,
            self.regions.reset_index(drop=True),
            self.partners,
            self.taxonomy,
            self.year,
            self.configs["catalogue"],
            list(self.regions["code"]),
        )

    def configuration(self) -> dict[str, Any]:
        """The configuration files used (path and SHA-256 prefix) and the main parameters."""
        return {
            "files": {
                role: {"path": _shown(path), "sha256": _digest(path)}
                for role, path in self.paths.items()
            },
            "year": self.year,
            "scope": self.scope,
            "runs": self.runs,
            "seed": self.seed,
            "cut_points": [float(e) for e in self.edges if np.isfinite(e)],
            "cut_method": self.coverage.cut_method,
            "min_coverage": self.configs["classification"].min_coverage,
            "pipelines": {k: c.pipeline for k, c in self.configs["indices"].items()},
            "uncertainty": {k: c.uncertainty for k, c in self.configs["indices"].items()},
        }

    def to_dict(self, explanations: bool = True) -> dict[str, Any]:
        """Everything, JSON-ready: regions, classes with explanations, configuration, versions."""
        regions = self.regions_table()
        out: dict[str, Any] = {
            "title": "Assessment of the international activity of regions",
            "synthetic": self.synthetic,
            "data_label": self.data_label(),
            "notice": (
                "SYNTHETIC DATA: these numbers are made from invented demo data, not evidence."
                if self.synthetic
                else ""
            ),
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "configuration": self.configuration(),
            "versions": self.versions(),
            "provenance": self.provenance(),
            "coverage": self.coverage.to_dict(),
            "timings_s": self.timings,
            "regions": _records(regions),
            "indicators": _records(self.indicators.reset_index(names="code")),
        }
        if explanations:
            out["explanations"] = {code: self.explain(code) for code in regions["code"]}
        return out

    def write(self, out: str | Path) -> list[Path]:
        """Write ``regions.csv``, ``assessment.json``, ``indicators.csv`` and
        ``indicators_iMeta.csv``, ``channels.csv`` (non-zero strengths) and
        ``indicator_provenance.csv`` into ``out``."""

        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        regions = self.regions_table()
        path = folder / "regions.csv"
        _with_banner(regions, self.synthetic).to_csv(path, index=False)
        paths.append(path)
        path = folder / "assessment.json"
        path.write_text(
            strictjson.dumps(self.to_dict(), indent=1),
            encoding="utf-8",
        )
        paths.append(path)
        path = folder / "indicators.csv"
        self.idata.to_csv(path, index=False)
        paths.append(path)
        path = folder / "indicators_iMeta.csv"
        self.imeta.to_csv(path, index=False)
        paths.append(path)
        channels = self.channels.to_frame()
        channels = channels[channels["strength"] > 0]
        path = folder / "channels.csv"
        _with_banner(channels, self.synthetic).to_csv(path, index=False)
        paths.append(path)
        path = folder / "indicator_provenance.csv"
        self.indicator_provenance().to_csv(path, index=False)
        paths.append(path)
        return paths


def write_scenario(result: ScenarioResult, out: str | Path) -> list[Path]:
    """Write ``capacity.csv``, ``summary.json`` and ``frameworks.csv`` of a scenario."""

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "capacity.csv"
    _with_banner(result.capacity, bool(result.summary.get("synthetic"))).to_csv(path, index=False)
    summary = folder / "summary.json"
    summary.write_text(
        strictjson.dumps(result.summary, indent=1),
        encoding="utf-8",
    )
    paths = [path, summary]
    if result.frameworks is not None:
        frameworks = folder / "frameworks.csv"
        synthetic = bool(result.summary.get("synthetic"))
        _with_banner(result.frameworks, synthetic).to_csv(frameworks, index=False)
        paths.append(frameworks)
    return paths


def _with_banner(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """Add a ``data`` column saying "synthetic" to every row when the data are synthetic."""
    if not synthetic or "data" in table.columns:
        return table
    return table.assign(data="synthetic")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict(orient="records")
