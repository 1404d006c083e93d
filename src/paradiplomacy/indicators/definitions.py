"""Indicator definitions: what each indicator of a region measures, read from YAML.

An indicator is one number per region and year (MODEL.md section 3), of one of three kinds:

* ``ledger``: a query over the activity ledger (MODEL.md section 2). Filters: ``instruments``
  (ids of the taxonomy), ``channels`` and ``nature`` (``state`` or ``non-state``), combined by
  intersection into one set of instruments; ``partners`` (ISO alpha-2 codes) and
  ``macro_regions`` (partner macro-regions), also combined by intersection. Only records of the
  ``window`` years ``Y - window + 1 .. Y`` ending at the indicator year ``Y`` (default 3:
  ``Y-2..Y``; ``null``: every year up to ``Y``) whose status is not in ``exclude_statuses``
  (default ``[terminated, planned]``: terminated ties and plans are not activity) are used.
  Each record ``j`` gets the weight

      w_j = c_j^[confidence_weighted] * 0.5 ** ((Y - year_j) / half_life)

  (``c_j`` the record's confidence in [0, 1]; the discount only with a ``half_life`` in years;
  MODEL.md section 5 uses the same discount). ``measure``:

  - ``count``: ``sum_j w_j`` (records; plain count when every weight is 1);
  - ``sum_magnitude``: ``sum_j w_j * magnitude_j`` (values, e.g. trade in million USD);
  - ``distinct_partners``: ``sum_p max_{j in p} w_j`` over partner countries ``p`` (the number
    of distinct partner countries when every weight is 1; a partner seen only through doubtful
    or old records counts for less than one);
  - ``distinct_macro_regions``: the same over partner macro-regions.

* ``statistic``: the value of a declared statistic (``statistics`` section of the catalogue,
  e.g. ``population``, ``grp``, ``foreign_students``) for year ``Y + year_offset``; with
  ``latest`` (default true) the latest value up to that year (at most ``max_age`` years older
  when given); missing when there is none.
* ``structural``: a fact of the region registry: ``land_border_countries``,
  ``sea_border_countries``, ``kin_states`` (counts of foreign countries), ``arctic_zone``,
  ``coastal``, ``federal_city`` (0/1).

Any indicator may be divided by size (MODEL.md section 3: "size-dependent indicators are also
offered per capita or per unit of GRP"): ``per: capita`` divides by the population in thousands
(so the value is per 1,000 residents; statistic ``population`` of year ``Y``, the latest up to
``Y``, else the registry's ``population_2021``), ``per: grp`` by the gross regional product in
billion RUB (statistic ``grp``, latest up to ``Y``; missing when there is none).

Indicator codes are valid COINr codes (no blanks, not starting with a digit) so that they can be
columns of COINr's iData table. A :class:`Catalogue` holds the definitions and the declared
statistics; :meth:`Catalogue.load` validates them against the taxonomy and the partner registry
and reports every problem at once, each with its file and key path.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry.partners import MACRO_REGIONS, PartnerRegistry
from paradiplomacy.resources import data_path, load_yaml

CODE_PATTERN = re.compile(r"^[^\s\d][^\s]*$")
"""A COINr code: no blanks, does not start with a digit (composite engine's rule)."""

RESERVED_CODES: tuple[str, ...] = (
    "uCode",
    "uName",
    "Time",
    "Population",
    "GRP",
    "District_group",
    "Type_group",
    "Data_origin",
)
"""Column names of the iData table that indicator codes must not take."""

KINDS: tuple[str, ...] = ("ledger", "statistic", "structural")
MEASURES: tuple[str, ...] = (
    "count",
    "distinct_partners",
    "distinct_macro_regions",
    "sum_magnitude",
)
STRUCTURAL_FACTS: tuple[str, ...] = (
    "land_border_countries",
    "sea_border_countries",
    "kin_states",
    "arctic_zone",
    "coastal",
    "federal_city",
)
PER: tuple[str, ...] = ("capita", "grp")
POPULATION = "population"
"""Statistic used by ``per: capita`` (thousand persons)."""
GRP = "grp"
"""Statistic used by ``per: grp`` (billion RUB)."""

Status = Literal["planned", "active", "suspended", "terminated"]
"""A record status (the ledger's :data:`~paradiplomacy.ledger.taxonomy.STATUSES`)."""


class CatalogueError(ValueError):
    """Indicator definitions that cannot be used; lists every problem with its key path."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the indicator definitions:\n"
            + "\n".join(self.problems)
        )


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(description="COINr code: no blanks, not starting with a digit")
    name_en: str = Field(min_length=1)
    name_ru: str = Field(min_length=1)
    unit: str = Field(min_length=1, description="unit of the value, after any 'per'")
    direction: Literal[1, -1] = Field(1, description="1: more is more; -1: more is less")
    description: str = Field(min_length=1, description="the reason for the indicator")
    per: Literal["capita", "grp"] | None = Field(
        None, description="divide by population (thousands) or GRP (billion RUB)"
    )

    @field_validator("code")
    @classmethod
    def _coinr_code(cls, value: str) -> str:
        if not CODE_PATTERN.match(value):
            raise ValueError(
                "expected a code without blanks that does not start with a digit "
                f"(a COINr code), got {value!r}"
            )
        if value in RESERVED_CODES:
            raise ValueError(
                f"expected a code other than the iData columns {', '.join(RESERVED_CODES)}, "
                f"got {value!r}"
            )
        return value


class LedgerIndicator(_Base):
    """A query over the activity ledger (see the module docstring for the formula)."""

    kind: Literal["ledger"]
    instruments: list[str] | None = Field(None, min_length=1)
    channels: list[str] | None = Field(None, min_length=1)
    nature: Literal["state", "non-state"] | None = None
    partners: list[str] | None = Field(None, min_length=1, description="ISO alpha-2 codes")
    macro_regions: list[str] | None = Field(None, min_length=1)
    measure: Literal["count", "distinct_partners", "distinct_macro_regions", "sum_magnitude"] = (
        "count"
    )
    window: int | None = Field(3, ge=1, description="years ending at Y; null: all years to Y")
    half_life: float | None = Field(None, gt=0, description="years; none: no age discount")
    confidence_weighted: bool = True
    exclude_statuses: list[Status] = Field(default_factory=lambda: ["terminated", "planned"])

    def first_year(self, year: int) -> int | None:
        """First year of the window ending at ``year`` (None: no lower bound)."""
        return None if self.window is None else year - self.window + 1


class StatisticIndicator(_Base):
    """The value of a declared statistic for year ``Y + year_offset`` (or the latest before)."""

    kind: Literal["statistic"]
    statistic: str = Field(min_length=1)
    year_offset: int = Field(0, le=0, description="0: the indicator year; -1: the year before")
    latest: bool = Field(True, description="fall back to the latest earlier value")
    max_age: int | None = Field(None, ge=0, description="years the fallback may go back")


class StructuralIndicator(_Base):
    """A structural fact of the region registry (count of countries, or 0/1)."""

    kind: Literal["structural"]
    structural: Literal[
        "land_border_countries",
        "sea_border_countries",
        "kin_states",
        "arctic_zone",
        "coastal",
        "federal_city",
    ]


class EventIndicator(_Base):
    """A value from the GDELT events table for the indicator year (``paradiplomacy fetch
    gdelt``; :mod:`paradiplomacy.indicators.events`): the region's event-partner rows, its
    distinct partner countries, the share of cooperative events (QuadClass 1-2), the mean
    Goldstein scale or the mean tone. Missing (NaN) for every region when no events are given."""

    kind: Literal["events"]
    event: Literal["evt_events", "evt_partners", "evt_coop_share", "evt_goldstein", "evt_tone"]


Indicator = Annotated[
    LedgerIndicator | StatisticIndicator | StructuralIndicator | EventIndicator,
    Field(discriminator="kind"),
]


class StatisticKind(BaseModel):
    """A statistic that indicators may use (a value of the ledger's statistics table)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    unit: str = Field(min_length=1)
    name_en: str = ""
    name_ru: str = ""
    description: str = ""
    instrument: str | None = Field(
        None,
        description=(
            "the ledger instrument the statistic measures (e.g. trade_turnover: trade): a "
            "statistic with data makes that instrument covered (docs/coverage.md)"
        ),
    )


class Catalogue(BaseModel):
    """The indicator definitions, in order, with the statistics they may use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = ""
    statistics: dict[str, StatisticKind] = Field(default_factory=dict)
    indicators: list[Indicator] = Field(min_length=1)
    _source: str = PrivateAttr("")

    @property
    def source(self) -> str:
        """The file (or label) the catalogue was read from, for messages."""
        return self._source

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        taxonomy: Taxonomy | None = None,
        partners: PartnerRegistry | None = None,
    ) -> Catalogue:
        """Read and validate a catalogue file; without ``path`` the default shipped in the package
        (``data/indicators.yaml``). Raises :class:`CatalogueError` listing every problem."""
        file = Path(path) if path else data_path("indicators.yaml")
        try:
            data = load_yaml(file)
        except OSError as exc:
            raise CatalogueError([f"{file}: cannot read the file ({exc})"]) from exc
        except Exception as exc:  # yaml.YAMLError
            raise CatalogueError([f"{file}: not valid YAML ({exc})"]) from exc
        return cls.from_mapping(data, str(file), taxonomy=taxonomy, partners=partners)

    @classmethod
    def from_mapping(
        cls,
        data: Any,
        label: str = "indicators",
        *,
        taxonomy: Taxonomy | None = None,
        partners: PartnerRegistry | None = None,
    ) -> Catalogue:
        """Validate Python data (the YAML content); ``label`` names it in messages."""
        if not isinstance(data, Mapping):
            raise CatalogueError(
                [f"{label}: expected a mapping with 'statistics' and 'indicators', got {data!r}"]
            )
        try:
            catalogue = cls.model_validate(data)
        except ValidationError as exc:
            raise CatalogueError(_pydantic_problems(exc, label, data)) from None
        catalogue._source = label
        problems = catalogue.check(taxonomy or Taxonomy.load(), partners or PartnerRegistry.load())
        if problems:
            raise CatalogueError(problems)
        return catalogue

    def check(self, taxonomy: Taxonomy, partners: PartnerRegistry) -> list[str]:
        """Every reference problem: unknown instruments, channels, partners, macro-regions,
        statistics; filters that select nothing; duplicate codes. Empty when all is well."""
        label = self.source or "indicators"
        problems: list[str] = []
        for name, stat in self.statistics.items():
            if stat.instrument is not None and stat.instrument not in taxonomy.instruments:
                problems.append(
                    f"{label}: statistics.{name}.instrument: unknown instrument "
                    f"{stat.instrument!r}; expected one of {_choices(taxonomy.instruments)}"
                    f"{_hint(stat.instrument, taxonomy.instruments)}"
                )
        seen: dict[str, int] = {}
        for i, ind in enumerate(self.indicators):
            where = f"{label}: indicators[{i}] ({ind.code})"
            if ind.code in seen:
                problems.append(
                    f"{where}.code: expected a unique code, got {ind.code!r} again "
                    f"(first at indicators[{seen[ind.code]}])"
                )
            seen.setdefault(ind.code, i)
            if ind.per == "capita" and POPULATION not in self.statistics:
                problems.append(
                    f"{where}.per: 'capita' needs the statistic {POPULATION!r} declared under "
                    "statistics"
                )
            if ind.per == "grp" and GRP not in self.statistics:
                problems.append(
                    f"{where}.per: 'grp' needs the statistic {GRP!r} declared under statistics"
                )
            if isinstance(ind, StatisticIndicator) and ind.statistic not in self.statistics:
                problems.append(
                    f"{where}.statistic: unknown statistic {ind.statistic!r}; expected one of "
                    f"{_choices(self.statistics)}{_hint(ind.statistic, self.statistics)}"
                )
            if isinstance(ind, LedgerIndicator):
                problems += _check_ledger(ind, where, taxonomy, partners)
        return problems

    # ------------------------------------------------------------------ access
    @property
    def codes(self) -> list[str]:
        return [ind.code for ind in self.indicators]

    def __getitem__(self, code: str) -> LedgerIndicator | StatisticIndicator | StructuralIndicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(f"no indicator {code!r} in the catalogue {self.source or ''}".rstrip())

    def __contains__(self, code: object) -> bool:
        return any(ind.code == code for ind in self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def subset(self, codes: Iterable[str]) -> Catalogue:
        """A catalogue with only ``codes``, in the order given."""
        wanted = list(codes)
        unknown = [c for c in wanted if c not in self]
        if unknown:
            raise KeyError(f"not in the catalogue: {', '.join(unknown)}")
        return self.model_copy(update={"indicators": [self[c] for c in wanted]})

    def resolve_hierarchy(self, hierarchy: Mapping[str, Any], label: str = "hierarchy") -> dict:
        """The hierarchy mapping (``framework_from_yaml`` form) with each leaf's ``name``,
        ``unit`` and ``direction`` filled from its definition.

        Leaves must be indicators of this catalogue; a leaf ``direction`` that contradicts the
        definition is an error. Raises :class:`CatalogueError` naming the key path.
        """
        problems: list[str] = []

        def walk(node: Any, where: str) -> Any:
            if not isinstance(node, Mapping) or "code" not in node:
                problems.append(f"{label}: {where}: expected a mapping with a 'code', got {node!r}")
                return node
            out = dict(node)
            kids = node.get("children") or []
            if kids:
                if not isinstance(kids, list):
                    problems.append(f"{label}: {where}.children: expected a list, got {kids!r}")
                    return out
                out["children"] = [walk(k, f"{where}.children[{j}]") for j, k in enumerate(kids)]
                return out
            code = node["code"]
            if code not in self:
                problems.append(
                    f"{label}: {where}.code: expected an indicator of the catalogue "
                    f"({self.source or 'indicators'}), got {code!r}{_hint(code, self.codes)}"
                )
                return out
            ind = self[code]
            if "direction" in node and node["direction"] != ind.direction:
                problems.append(
                    f"{label}: {where}.direction: the definition of {code!r} has direction "
                    f"{ind.direction}, got {node['direction']!r}; change the definition instead"
                )
            out.setdefault("name", ind.name_en)
            out.setdefault("unit", ind.unit)
            out.setdefault("direction", ind.direction)
            return out

        if not isinstance(hierarchy, Mapping) or "index" not in hierarchy:
            raise CatalogueError([f"{label}: expected a mapping with an 'index' list"])
        tops = hierarchy["index"]
        tops = [tops] if isinstance(tops, Mapping) else list(tops or [])
        resolved = {**hierarchy, "index": [walk(t, f"index[{k}]") for k, t in enumerate(tops)]}
        if problems:
            raise CatalogueError(problems)
        return resolved


def hierarchy_leaves(hierarchy: Mapping[str, Any]) -> list[str]:
    """Leaf (indicator) codes of a hierarchy mapping, in the order written."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node, Mapping):
            return
        kids = node.get("children") or []
        if kids:
            for k in kids:
                walk(k)
        elif "code" in node:
            out.append(str(node["code"]))

    tops = hierarchy.get("index") or []
    for t in [tops] if isinstance(tops, Mapping) else tops:
        walk(t)
    return out


# ---------------------------------------------------------------------- helpers
def _choices(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names) if names else "(none declared)"


def _hint(value: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(value), list(names), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def instrument_ids(ind: LedgerIndicator, taxonomy: Taxonomy) -> list[str]:
    """The instrument ids a ledger indicator selects: its ``instruments``, ``channels`` and
    ``nature`` filters intersected (all instruments when none is given), in taxonomy order."""
    chosen = list(taxonomy.instruments)
    if ind.instruments is not None:
        chosen = [i for i in chosen if i in set(ind.instruments)]
    if ind.channels is not None:
        chosen = [i for i in chosen if taxonomy.channel(i) in set(ind.channels)]
    if ind.nature is not None:
        chosen = [i for i in chosen if taxonomy.nature(i) == ind.nature]
    return chosen


def _check_ledger(
    ind: LedgerIndicator, where: str, taxonomy: Taxonomy, partners: PartnerRegistry
) -> list[str]:
    problems: list[str] = []
    bad = False
    for j, name in enumerate(ind.instruments or []):
        if name not in taxonomy.instruments:
            bad = True
            problems.append(
                f"{where}.instruments[{j}]: unknown instrument {name!r}; expected one of "
                f"{_choices(taxonomy.instruments)}{_hint(name, taxonomy.instruments)}"
            )
    for j, name in enumerate(ind.channels or []):
        if name not in taxonomy.channels:
            bad = True
            problems.append(
                f"{where}.channels[{j}]: unknown channel {name!r}; expected one of "
                f"{_choices(taxonomy.channels)}{_hint(name, taxonomy.channels)}"
            )
    if not bad and not instrument_ids(ind, taxonomy):
        problems.append(
            f"{where}: the filters instruments/channels/nature select no instrument of the "
            "taxonomy; expected at least one"
        )
    known = set(partners.to_frame()["alpha2"])
    for j, code in enumerate(ind.partners or []):
        if code not in known:
            problems.append(
                f"{where}.partners[{j}]: expected an ISO 3166-1 alpha-2 code of the partner "
                f"registry, got {code!r}"
            )
    for j, name in enumerate(ind.macro_regions or []):
        if name not in MACRO_REGIONS:
            problems.append(
                f"{where}.macro_regions[{j}]: unknown macro-region {name!r}; expected one of "
                f"{_choices(MACRO_REGIONS)}{_hint(name, MACRO_REGIONS)}"
            )
    if ind.partners and ind.macro_regions and not problems:
        table = partners.to_frame().set_index("alpha2", drop=False)
        inside = [p for p in ind.partners if table.at[p, "macro_region"] in ind.macro_regions]
        if not inside:
            problems.append(
                f"{where}: no partner of 'partners' is in 'macro_regions'; the two filters are "
                "combined (both must hold), expected at least one partner in both"
            )
    return problems


def _pydantic_problems(exc: ValidationError, label: str, data: Mapping[str, Any]) -> list[str]:
    """``file: key.path: message, got value`` for each pydantic error."""
    indicators = data.get("indicators") if isinstance(data, Mapping) else None
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        # A discriminated union puts the tag (kind) after the list position: drop it.
        if len(loc) >= 3 and loc[0] == "indicators" and loc[2] in KINDS:
            del loc[2]
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        if len(loc) >= 2 and loc[0] == "indicators" and isinstance(loc[1], int):
            item = indicators[loc[1]] if isinstance(indicators, list) else None
            code = item.get("code") if isinstance(item, Mapping) else None
            if code is not None:
                head = f"indicators[{loc[1]}]"
                path = f"{head} ({code})" + path[len(head) :]
        message = error["msg"]
        got = error.get("input")
        suffix = f", got {got!r}"
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            message = f"expected 'kind' to be one of {', '.join(KINDS)}"
            kind = got.get("kind") if isinstance(got, Mapping) else None
            suffix = "" if kind is None else f", got {kind!r}"
        elif error["type"] == "value_error":
            message = message.removeprefix("Value error, ")
            suffix = ""  # the message says what it got
        elif error["type"] == "missing":
            suffix = ""
        problems.append(f"{label}: {path or '(top)'}: {message}{suffix}")
    return problems
