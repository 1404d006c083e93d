"""The dashboard's read-only JSON API (``/api/...``): every number shown on a page.

Response models are pydantic classes, so the app's OpenAPI schema describes every answer.
Unknown regions and partner countries answer 404 with a message naming them; a bad level,
page, language or filter answers 422.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from .board import CRISIS_LEVELS, Dashboard, clean, crisis

router = APIRouter(prefix="/api", tags=["api"])

Lang = Literal["en", "ru"]
LangQuery = Annotated[Lang, Query(description="language of names and labels: en or ru")]


def dashboard(request: Request) -> Dashboard:
    """The app's :class:`~paradiplomacy.web.board.Dashboard`."""
    return request.app.state.dashboard


Board = Annotated[Dashboard, Depends(dashboard)]


# --- models -----------------------------------------------------------------------------------


class Meta(BaseModel):
    """What every answer carries: whether the data are synthetic, the year and scope."""

    synthetic: bool
    notice: str = Field(description="the synthetic-data notice, empty for real data")
    data_label: str = Field(
        description="the data's origin and what the evidence covers, in the requested language "
        "(e.g. 'real public data, incomplete: 3 of 19 instruments covered; not covered: ...')"
    )
    year: int = Field(description="assessment year")
    scope: str = Field(description="region scope of the assessment")
    lang: Lang


class Tile(BaseModel):
    row: int
    col: int


class Region(BaseModel):
    """One region of the regions table (MODEL.md sections 3-4)."""

    code: str
    name: str = Field(description="name in the requested language")
    name_en: str
    name_ru: str
    federal_district: str | None
    iai: float | None = Field(description="International Activity Index (1-100)")
    iai_rank: float | None
    iai_rank_q5: float | None = Field(description="5th percentile of the rank over the runs")
    iai_rank_q95: float | None
    sppi: float | None = Field(description="Soft Power Potential Index (1-100)")
    sppi_rank: float | None
    sppi_rank_q5: float | None
    sppi_rank_q95: float | None
    level: int | None = Field(
        description="1 = highest; null when the region is classed 'insufficient evidence'"
    )
    level_name: str = Field(description="level name in the requested language")
    probabilities: list[float | None] = Field(
        description="probability of each level 1..k over the uncertainty runs"
    )
    coverage: float | None = Field(
        None, description="share of the full IAI model's weight the region's value rests on"
    )
    sppi_coverage: float | None = Field(
        None, description="share of the full SPPI model's weight the value rests on"
    )
    evidence: str = Field(
        "sufficient",
        description="sufficient, or insufficient: IAI coverage below the minimum, no level",
    )
    balance: str
    orientation: str
    structural_type: str | None
    tile: Tile


class LevelInfo(BaseModel):
    level: int
    name: str


class CoveredInstrument(BaseModel):
    instrument: str
    label: str = Field(description="the instrument's label in the requested language")
    channel: str
    records: int = Field(description="current activity records of it in scope")
    statistics: list[str] = Field(description="statistics with data that measure it")


class MissingInstrument(BaseModel):
    instrument: str
    label: str
    channel: str


class LeftOutIndicator(BaseModel):
    index: str
    index_name: str = Field(description="the index's short name in the requested language")
    code: str
    name: str
    kind: str
    reason: str = Field(description="why it was left out, in the requested language")


class DroppedAggregate(BaseModel):
    index: str
    index_name: str = Field(description="the index's short name in the requested language")
    code: str
    name: str
    reason: str


class IndexScreening(BaseModel):
    index: str
    index_name: str = Field(description="the index's short name in the requested language")
    weight_used: float = Field(description="share of the full model's weight used (0-1)")
    min_availability: float = Field(description="least share of regions with a value")
    n_used: int
    n_left_out: int


class Coverage(BaseModel):
    """What the evidence covers and what was left out (docs/coverage.md)."""

    label: str = Field(description="the data label (as Meta.data_label)")
    complete: bool = Field(description="every instrument covered and every indicator used")
    synthetic: bool
    origin: str = Field(description="synthetic, real, mixed (synthetic and real) or none")
    covered: list[CoveredInstrument]
    not_covered: list[MissingInstrument]
    channels_not_covered: list[str] = Field(description="channels with no instrument covered")
    left_out: list[LeftOutIndicator]
    aggregates_dropped: list[DroppedAggregate]
    indices: list[IndexScreening]
    min_coverage: float = Field(description="least IAI coverage for a level (0-1)")
    insufficient: list[str] = Field(
        description="codes of the regions classed 'insufficient evidence'"
    )
    n_regions: int
    cut_method: str = Field(description="how the cut points of the levels were found")
    docs: str = Field(description="the document that explains coverage and screening")


class RegionList(BaseModel):
    meta: Meta
    coverage: Coverage
    levels: list[LevelInfo]
    count: int
    regions: list[Region]


class CoverageAnswer(BaseModel):
    meta: Meta
    coverage: Coverage
    detail: dict[str, Any] = Field(
        description="the assessment's coverage as in assessment.json (key 'coverage')"
    )


class Indicator(BaseModel):
    """An indicator's part in the region's IAI score (explain.indicator_contributions)."""

    indicator: str
    name: str | None = None
    parent: str | None = None
    raw: float | None = None
    value: float | None = None
    rank: float | None = None
    n_units: int | None = None
    weight: float | None = None
    contribution: float | None = None
    median_contribution: float | None = None
    difference: float | None = None


class EvidenceRecord(BaseModel):
    """An activity record of the ledger with its source."""

    uid: str
    partner_country: str | None = None
    partner_country_name: str | None = None
    partner_name: str | None = None
    instrument: str | None = None
    instrument_label: str | None = None
    date: str | None = None
    year: int | None = None
    status: str | None = None
    magnitude: float | None = None
    unit: str | None = None
    source: str | None = None
    confidence: float | None = None


class Explanation(BaseModel):
    text: str
    probability: float | None
    indicators: list[Indicator]
    records: list[EvidenceRecord]


class Pillar(BaseModel):
    pillar: str
    name: str
    score: float | None
    rank: float | None
    n_regions: int


class RegionDetail(BaseModel):
    meta: Meta
    region: Region
    explanation: Explanation
    pillars: list[Pillar]
    pillars_dropped: list[DroppedAggregate] = Field(
        description="IAI pillars left out for lack of evidence"
    )
    n_records: int


class RecordPage(BaseModel):
    meta: Meta
    code: str
    page: int
    per_page: int
    total: int
    pages: int
    records: list[EvidenceRecord]


class PartnerChannels(BaseModel):
    partner: str
    name: str
    intensity: float
    channels: dict[str, float | None] = Field(
        description="strength of each channel (0-1); null = no evidence toward the partner"
    )
    main_channel: str
    no_evidence: list[str] = Field(description="channels without evidence toward the partner")


class RegionChannels(BaseModel):
    meta: Meta
    code: str
    channels: list[str]
    partners: list[PartnerChannels]


class Partner(BaseModel):
    alpha2: str
    name: str
    name_en: str
    name_ru: str
    macro_region: str
    n_regions: int = Field(description="regions with a positive channel strength to it")
    total_intensity: float


class PartnerList(BaseModel):
    meta: Meta
    count: int
    partners: list[Partner]


class RegionTie(BaseModel):
    code: str
    name: str
    intensity: float
    channels: dict[str, float | None] = Field(
        description="strength of each channel (0-1); null = no evidence toward the partner"
    )
    main_channel: str
    no_evidence: list[str] = Field(description="channels without evidence toward the partner")


class PartnerDetail(BaseModel):
    meta: Meta
    partner: Partner
    channels: list[str]
    channels_without_evidence: list[str] = Field(
        description="channels on which no region has evidence toward the partner"
    )
    regions: list[RegionTie]


class CapacityRow(BaseModel):
    """A region's normalisation capacity in the scenario (MODEL.md section 7)."""

    code: str
    name: str
    rank: int
    capacity: float | None
    framework: str
    nc_culture_image: float | None
    nc_political_plus: float | None
    contributions: dict[str, float | None] = Field(
        description="contribution of each channel; null = no evidence of the channel"
    )
    p_top: float | None = Field(description="probability of being in the top 10")
    records: list[str] = Field(description="uids of the records behind the capacity")


class FrameworkRow(BaseModel):
    """A region's suitability for both frameworks (MODEL.md section 6)."""

    code: str
    name: str
    recommended: str
    culture_image: float | None
    culture_image_q5: float | None
    culture_image_q95: float | None
    political_plus: float | None
    political_plus_q5: float | None
    political_plus_q95: float | None
    p_culture_image: float | None
    p_political_plus: float | None
    explanation: str | None


class Totals(BaseModel):
    """The country's totals (MODEL.md section 7)."""

    total: float | None
    total_level0: float | None
    resilience: float | None
    redundancy: float | None
    regions_with_capacity: int | None


class ScenarioAnswer(BaseModel):
    meta: Meta
    partner: str
    partner_name: str
    level: int
    level_name: str
    closed: list[str]
    coverage: str = Field(description="what the evidence covers (N of M instruments)")
    channels_without_evidence: list[str] = Field(
        description="channels the scenario could not see: no evidence toward the partner"
    )
    channels_not_covered: list[str]
    instruments_not_covered: list[str]
    framework_terms_without_evidence: list[str]
    totals: Totals
    capacity: list[CapacityRow]
    frameworks: list[FrameworkRow]


class Reference(BaseModel):
    title: str
    detail: str


class Methods(BaseModel):
    meta: Meta
    configuration: dict[str, Any]
    versions: dict[str, str]
    provenance: dict[str, Any]
    coverage: Coverage
    coverage_detail: dict[str, Any] = Field(
        description="the assessment's coverage as in assessment.json (key 'coverage')"
    )
    references: list[Reference]


REFERENCES = [
    Reference(
        title="docs/MODEL.md",
        detail="sections 3-7: indicators and indices, classification, channels of influence, "
        "frameworks of federal-regional action, crisis scenarios and normalisation capacity",
    ),
    Reference(
        title="OECD/JRC (2008). Handbook on Constructing Composite Indicators: Methodology "
        "and User Guide",
        detail="OECD Publishing, Paris",
    ),
    Reference(
        title="Becker W., Caperna G., Del Sorbo M., Norlén H., Papadimitriou E., Saisana M. "
        "(2022). COINr: an R package for developing composite indicators",
        detail="Journal of Open Source Software 7(78), 4567; COINr 1.1.14",
    ),
    Reference(
        title="Saltelli A., Annoni P., Azzini I., Campolongo F., Ratto M., Tarantola S. (2010). "
        "Variance based sensitivity analysis of model output",
        detail="Computer Physics Communications 181(2), 259-270",
    ),
    Reference(
        title="Arteev S. (2021). Foreign Policy of Russia: 'Soft Power' of the Regions",
        detail="Moscow University Bulletin of World Politics 13(1), 32-57",
    ),
]


# --- builders (shared with the pages) -------------------------------------------------------


def meta(board: Dashboard, lang: str) -> Meta:
    return Meta(
        synthetic=board.synthetic,
        notice=board.notice,
        data_label=board.data_labels.get(lang, board.data_labels["en"]),
        year=board.year,
        scope=board.scope,
        lang=lang,
    )


def region_model(board: Dashboard, row: dict[str, Any], lang: str) -> Region:
    return Region(
        code=row["code"],
        name=board.region_name(row["code"], lang),
        name_en=row["name_en"],
        name_ru=row["name_ru"],
        federal_district=row["federal_district"],
        iai=row["iai"],
        iai_rank=row["iai_rank"],
        iai_rank_q5=row["iai_rank_q5"],
        iai_rank_q95=row["iai_rank_q95"],
        sppi=row["sppi"],
        sppi_rank=row["sppi_rank"],
        sppi_rank_q5=row["sppi_rank_q5"],
        sppi_rank_q95=row["sppi_rank_q95"],
        level=row["level"],
        level_name=board.level_name(row["level"], lang),
        probabilities=[row[c] for c in board.probability_columns],
        coverage=row.get("coverage"),
        sppi_coverage=row.get("sppi_coverage"),
        evidence=str(row.get("evidence") or "sufficient"),
        balance=row["balance"],
        orientation=row["orientation"],
        structural_type=row["structural_type"],
        tile=Tile(row=row["tile_row"], col=row["tile_col"]),
    )


def record_model(board: Dashboard, record: dict[str, Any], lang: str) -> EvidenceRecord:
    data = {k: v for k, v in record.items() if k in EvidenceRecord.model_fields}
    data["uid"] = str(data.get("uid"))
    if data.get("date") is not None:
        data["date"] = str(data["date"])
    country = data.get("partner_country")
    if country:
        data["partner_country_name"] = board.partner_name(str(country), lang)
    if data.get("instrument"):
        data["instrument_label"] = board.instrument_label(str(data["instrument"]), lang)
    return EvidenceRecord(**data)


def region_detail(board: Dashboard, code: str, lang: str) -> RegionDetail:
    code = board.region_code(code)
    explained = board.explanation(code)
    total = board.n_records(code)
    return RegionDetail(
        meta=meta(board, lang),
        region=region_model(board, board.by_code[code], lang),
        explanation=Explanation(
            text=str(explained.get("text", "")),
            probability=explained.get("probability"),
            indicators=[Indicator(**i) for i in explained.get("indicators", [])],
            records=[record_model(board, r, lang) for r in explained.get("records", [])],
        ),
        pillars=[Pillar(**p) for p in board.pillars_of(code)],
        pillars_dropped=[DroppedAggregate(**d) for d in _dropped_pillars(board, lang)],
        n_records=total,
    )


def coverage_model(board: Dashboard, lang: str) -> Coverage:
    """What the evidence covers, labelled in ``lang``."""
    return Coverage(**board.coverage.get(lang, board.coverage["en"]))


def _dropped_pillars(board: Dashboard, lang: str) -> list[dict[str, Any]]:
    view = board.coverage.get(lang, board.coverage["en"])
    return [d for d in view["aggregates_dropped"] if d["index"] == "IAI"]


def record_page(board: Dashboard, code: str, page: int, per_page: int, lang: str) -> RecordPage:
    code = board.region_code(code)
    total, rows = board.records(code, page, per_page)
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise HTTPException(422, f"page {page} is past the last page ({pages}) of {code}")
    return RecordPage(
        meta=meta(board, lang),
        code=code,
        page=page,
        per_page=per_page,
        total=total,
        pages=pages,
        records=[record_model(board, r, lang) for r in rows],
    )


def region_channels(board: Dashboard, code: str, lang: str) -> RegionChannels:
    code = board.region_code(code)
    return RegionChannels(
        meta=meta(board, lang),
        code=code,
        channels=board.channels,
        partners=[
            PartnerChannels(name=board.partner_name(p["partner"], lang), **p)
            for p in board.region_channels(code)
        ],
    )


def partner_model(board: Dashboard, row: dict[str, Any], lang: str) -> Partner:
    return Partner(name=board.partner_name(row["alpha2"], lang), **row)


def partner_detail(board: Dashboard, alpha2: str, lang: str) -> PartnerDetail:
    alpha2 = board.partner_code(alpha2)
    row = board.partner_rows_by_code[alpha2]
    return PartnerDetail(
        meta=meta(board, lang),
        partner=partner_model(board, row, lang),
        channels=board.channels,
        channels_without_evidence=board.no_evidence(alpha2),
        regions=[
            RegionTie(name=board.region_name(r["code"], lang), **r)
            for r in board.partner_regions(alpha2)
        ],
    )


def scenario_answer(
    board: Dashboard, partner: str, level: int, close: list[str], lang: str
) -> ScenarioAnswer:
    alpha2 = board.partner_code(partner)
    unknown = [c for c in close if c not in board.instruments]
    if unknown:
        raise HTTPException(422, f"unknown instrument(s) to close: {', '.join(unknown)}")
    closed = tuple(sorted(set(close)))
    result = board.scenario(alpha2, level, closed)
    summary = result.summary
    unseen = set(summary.get("channels_without_evidence", []))
    top = next((c for c in result.capacity.columns if c.startswith("p_top")), None)
    capacity = []
    for row in _records(result.capacity):
        records = row.get("records")
        capacity.append(
            CapacityRow(
                code=row["code"],
                name=board.region_name(row["code"], lang),
                rank=int(row["rank"]),
                capacity=_num(row.get("capacity")),
                framework=str(row.get("framework", "")),
                nc_culture_image=_num(row.get("nc_culture_image")),
                nc_political_plus=_num(row.get("nc_political_plus")),
                contributions={
                    k: None if k in unseen else _num(row.get(f"contrib_{k}"))
                    for k in board.channels
                },
                p_top=_num(row.get(top)) if top else None,
                records=_uids(records),
            )
        )
    frameworks = []
    if result.frameworks is not None:
        for row in _records(result.frameworks):
            frameworks.append(
                FrameworkRow(
                    code=row["code"],
                    name=board.region_name(row["code"], lang),
                    recommended=str(row.get("recommended", "")),
                    explanation=row.get("explanation"),
                    **{
                        k: _num(row.get(k))
                        for k in FrameworkRow.model_fields
                        if k not in {"code", "name", "recommended", "explanation"}
                    },
                )
            )
    return ScenarioAnswer(
        meta=meta(board, lang),
        partner=alpha2,
        partner_name=board.partner_name(alpha2, lang),
        level=level,
        level_name=_crisis_name(board, level, lang),
        closed=list(closed),
        coverage=str(summary.get("coverage", "")),
        channels_without_evidence=list(summary.get("channels_without_evidence", [])),
        channels_not_covered=list(summary.get("channels_not_covered", [])),
        instruments_not_covered=list(summary.get("instruments_not_covered", [])),
        framework_terms_without_evidence=list(summary.get("framework_terms_without_evidence", [])),
        totals=Totals(
            total=_num(summary.get("total")),
            total_level0=_num(summary.get("total_level0")),
            resilience=_num(summary.get("resilience")),
            redundancy=_num(summary.get("redundancy")),
            regions_with_capacity=summary.get("regions_with_capacity"),
        ),
        capacity=capacity,
        frameworks=frameworks,
    )


def methods(board: Dashboard, lang: str) -> Methods:
    data = board.methods_data
    return Methods(
        meta=meta(board, lang),
        configuration=data["configuration"],
        versions=data["versions"],
        provenance=data["provenance"],
        coverage=coverage_model(board, lang),
        coverage_detail=board.coverage_detail,
        references=REFERENCES,
    )


def _records(frame: Any) -> list[dict[str, Any]]:
    """Rows of a DataFrame as dicts of Python scalars (column by column: much quicker than
    ``DataFrame.to_dict(orient="records")`` for the small tables of a scenario)."""
    columns = {str(c): frame[c].tolist() for c in frame.columns}
    return [{c: v[i] for c, v in columns.items()} for i in range(len(frame))]


def json_response(model: BaseModel) -> Response:
    """``model`` as a JSON answer, serialised once by pydantic (FastAPI would validate the
    model again against the response model before serialising it)."""
    return Response(type(model).__pydantic_serializer__.to_json(model), media_type=JSON)


JSON = "application/json"


def _uids(value: Any) -> list[str]:
    """The record uids of a capacity row (``;``-separated)."""
    return [r for r in value.split(";") if r] if isinstance(value, str) else []


def _num(value: Any) -> float | None:
    value = clean(value)
    return None if value is None else float(value)


# --- routes -----------------------------------------------------------------------------------


@router.get("/regions", response_model=RegionList, summary="The regions table, filtered")
def get_regions(
    board: Board,
    lang: LangQuery = "en",
    level: Annotated[int | None, Query(ge=1, le=9, description="class level, 1 = highest")] = None,
    district: Annotated[str | None, Query(description="federal district key")] = None,
    balance: Annotated[str | None, Query(description="instrument balance")] = None,
    orientation: Annotated[str | None, Query(description="geographic orientation")] = None,
) -> Response:
    check_filters(board, level, district, balance, orientation)
    rows = board.regions(level, district, balance, orientation)
    return json_response(
        RegionList(
            meta=meta(board, lang),
            coverage=coverage_model(board, lang),
            levels=[LevelInfo(level=k, name=board.level_name(k, lang)) for k in board.level_names],
            count=len(rows),
            regions=[region_model(board, r, lang) for r in rows],
        )
    )


def check_filters(
    board: Dashboard,
    level: int | None,
    district: str | None,
    balance: str | None,
    orientation: str | None,
) -> None:
    """422 naming a filter value that the data cannot have."""
    checks = [
        ("level", level, list(board.level_names)),
        ("district", district, board.districts),
        ("balance", balance, board.balances),
        ("orientation", orientation, board.orientations),
    ]
    for name, value, allowed in checks:
        if value is not None and value not in allowed:
            raise HTTPException(
                422, f"{name} {value!r} is not one of: {', '.join(map(str, allowed))}"
            )


@router.get("/regions/{code}", response_model=RegionDetail, summary="One region")
def get_region(code: str, board: Board, lang: LangQuery = "en") -> Response:
    return json_response(region_detail(board, code, lang))


@router.get("/regions/{code}/records", response_model=RecordPage, summary="A region's records")
def get_records(
    code: str,
    board: Board,
    lang: LangQuery = "en",
    page: Annotated[int, Query(ge=1, description="page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=500, description="records per page")] = 25,
) -> Response:
    return json_response(record_page(board, code, page, per_page, lang))


@router.get(
    "/regions/{code}/channels", response_model=RegionChannels, summary="A region's partners"
)
def get_region_channels(code: str, board: Board, lang: LangQuery = "en") -> Response:
    return json_response(region_channels(board, code, lang))


@router.get("/partners", response_model=PartnerList, summary="Partner countries")
def get_partners(board: Board, lang: LangQuery = "en") -> Response:
    rows = board.partner_list
    return json_response(
        PartnerList(
            meta=meta(board, lang),
            count=len(rows),
            partners=[partner_model(board, r, lang) for r in rows],
        )
    )


@router.get("/partners/{alpha2}", response_model=PartnerDetail, summary="One partner country")
def get_partner(alpha2: str, board: Board, lang: LangQuery = "en") -> Response:
    return json_response(partner_detail(board, alpha2, lang))


@router.get("/scenario", response_model=ScenarioAnswer, summary="A crisis scenario")
def get_scenario(
    board: Board,
    partner: Annotated[str, Query(description="partner country, ISO alpha-2 code")],
    level: Annotated[
        int, Query(ge=min(CRISIS_LEVELS), le=max(CRISIS_LEVELS), description="crisis level 0-3")
    ],
    close: Annotated[list[str] | None, Query(description="instruments closed")] = None,
    lang: LangQuery = "en",
) -> Response:
    return json_response(scenario_answer(board, partner, level, list(close or []), lang))


@router.get("/coverage", response_model=CoverageAnswer, summary="What the evidence covers")
def get_coverage(board: Board, lang: LangQuery = "en") -> Response:
    return json_response(
        CoverageAnswer(
            meta=meta(board, lang),
            coverage=coverage_model(board, lang),
            detail=board.coverage_detail,
        )
    )


@router.get("/methods", response_model=Methods, summary="Configuration, versions, provenance")
def get_methods(board: Board, lang: LangQuery = "en") -> Response:
    return json_response(methods(board, lang))


def _crisis_name(board: Dashboard, level: int, lang: str) -> str:
    """The crisis level's name in ``lang`` (i18n ``crisis.N``, else the configuration's)."""
    return crisis(level, board.crisis_levels.get(level, str(level)), lang)
