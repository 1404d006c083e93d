"""The dashboard's HTML pages: server-rendered Jinja2 (autoescaped) with a little vanilla JS.

Every page takes ``?lang=en|ru``; links keep the language. Labels come from
:mod:`paradiplomacy.i18n` (``data/i18n.yaml``); a label it lacks falls back to
:data:`FALLBACK_LABELS` here, so a missing key never breaks a page.
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..assess.coverage_view import index_name, percent, term_label
from . import api
from .api import Board, LangQuery
from .board import CRISIS_LEVELS, TEMPLATES, Dashboard, Row, crisis
from .board import LOOKUP as _LOOKUP

router = APIRouter(include_in_schema=False)

LEVEL_COLOURS = ("#08306b", "#2171b5", "#6baed6", "#c6dbef", "#f7fbff", "#f7fbff")
"""Tile colours of levels 1, 2, ... (1 = highest, darkest)."""

INSUFFICIENT_COLOUR = "#e3e3e3"
"""Tile colour of a region classed "insufficient evidence" (no level): grey, under the
hatching of the CSS class ``insufficient``, so it differs from every level (and from "Low")
by its pattern, not only by its colour."""

FALLBACK_LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("Regions in foreign policy", "Регионы во внешней политике"),
    "nav_overview": ("Overview", "Обзор"),
    "nav_scenario": ("Scenario explorer", "Сценарии"),
    "nav_methods": ("Methods", "Методы"),
    "nav_api": ("API", "API"),
    "synthetic_banner": (
        "SYNTHETIC DATA: these numbers are made from invented demo data, not evidence.",
        "СИНТЕТИЧЕСКИЕ ДАННЫЕ: эти числа получены из вымышленных демонстрационных данных "
        "и не являются свидетельствами.",
    ),
    "overview": ("Overview", "Обзор"),
    "assessment_year": ("Assessment year", "Год оценки"),
    "tile_map": ("Tile map", "Картограмма"),
    "colour_by": ("Colour by", "Цвет по"),
    "iai": ("International Activity Index (IAI)", "Индекс международной активности (ИМА)"),
    "sppi": ("Soft Power Potential Index (SPPI)", "Индекс потенциала мягкой силы (ИПМС)"),
    "iai_short": ("IAI", "ИМА"),
    "sppi_short": ("SPPI", "ИПМС"),
    "rankings": ("Rankings", "Рейтинги"),
    "rank": ("Rank", "Место"),
    "rank_interval": ("rank q5-q95", "место q5-q95"),
    "region": ("Region", "Регион"),
    "regions": ("Regions", "Регионы"),
    "federal_district": ("Federal district", "Федеральный округ"),
    "level": ("Level", "Уровень"),
    "class": ("Class", "Класс"),
    "level_probabilities": ("Level probabilities", "Вероятности уровней"),
    "probability": ("Probability", "Вероятность"),
    "balance": ("Instrument balance", "Баланс инструментов"),
    "orientation": ("Geographic orientation", "Географическая ориентация"),
    "structural_type": ("Structural type", "Структурный тип"),
    "filters": ("Filters", "Фильтры"),
    "all": ("all", "все"),
    "apply": ("Apply", "Применить"),
    "shown": ("shown", "показано"),
    "explanation": ("Explanation", "Объяснение"),
    "indicators": ("Indicators", "Показатели"),
    "indicator": ("Indicator", "Показатель"),
    "value": ("Value", "Значение"),
    "raw_value": ("Raw value", "Исходное значение"),
    "contribution": ("Contribution", "Вклад"),
    "pillar_profile": ("Pillar profile (IAI)", "Профиль по компонентам (ИМА)"),
    "pillar": ("Pillar", "Компонент"),
    "score": ("Score", "Балл"),
    "partners_channels": ("Partners and channels", "Партнёры и каналы"),
    "partner": ("Partner", "Партнёр"),
    "partners": ("Partner countries", "Страны-партнёры"),
    "intensity": ("Intensity", "Интенсивность"),
    "main_channel": ("Main channel", "Основной канал"),
    "evidence_records": ("Evidence records", "Записи-свидетельства"),
    "records": ("Records", "Записи"),
    "date": ("Date", "Дата"),
    "instrument": ("Instrument", "Инструмент"),
    "counterpart": ("Counterpart", "Контрагент"),
    "status": ("Status", "Статус"),
    "source": ("Source", "Источник"),
    "confidence": ("Confidence", "Достоверность"),
    "page": ("Page", "Страница"),
    "of": ("of", "из"),
    "previous": ("Previous", "Назад"),
    "next": ("Next", "Вперёд"),
    "macro_region": ("Macro-region", "Макрорегион"),
    "regions_with_relations": (
        "Regions carrying relations, by channel",
        "Регионы, поддерживающие связи, по каналам",
    ),
    "no_relations": ("No region has recorded ties.", "Ни у одного региона нет связей."),
    "scenario_explorer": ("Scenario explorer", "Исследование сценариев"),
    "crisis_level": ("Crisis level", "Уровень кризиса"),
    "close_instruments": ("Close instruments", "Закрыть инструменты"),
    "run": ("Run", "Рассчитать"),
    "capacity": ("Normalisation capacity", "Потенциал нормализации"),
    "framework": ("Framework", "Формат"),
    "frameworks": ("Frameworks", "Форматы взаимодействия"),
    "recommended": ("Recommended", "Рекомендуемый"),
    "p_top": ("P(top 10)", "P(топ-10)"),
    "totals": ("Country totals", "Итоги по стране"),
    "total": ("Total capacity", "Общий потенциал"),
    "total_level0": ("Total at level 0", "Общий потенциал при уровне 0"),
    "resilience": ("Resilience", "Устойчивость"),
    "redundancy": ("Redundancy", "Избыточность"),
    "regions_with_capacity": ("Regions with capacity", "Регионов с потенциалом"),
    "methods": ("Methods", "Методы"),
    "configuration": ("Configuration", "Конфигурация"),
    "versions": ("Versions", "Версии"),
    "provenance": ("Data provenance", "Происхождение данных"),
    "references": ("References", "Литература"),
    "file": ("File", "Файл"),
    "parameters": ("Parameters", "Параметры"),
    "statistics": ("Statistics", "Статистика"),
    "methods_text": (
        "Indicators from the activity ledger and statistics are combined into the "
        "International Activity Index and the Soft Power Potential Index with the composite "
        "engine (COINr's methods), each with seeded uncertainty runs; the rank intervals are "
        "the 5th and 95th percentiles of the ranks over the runs. Each region's level comes "
        "from fixed cut points of the IAI, with the probability of every level over the runs. "
        "Channel strengths to each partner, the two frameworks of federal-regional action and "
        "crisis scenarios with normalisation capacity follow MODEL.md sections 5-7.",
        "Показатели из реестра активности и статистики сводятся в индекс международной "
        "активности и индекс потенциала мягкой силы методами COINr, с прогонами "
        "неопределённости; интервалы мест — 5-й и 95-й процентили мест по прогонам. Уровень "
        "региона определяется порогами ИМА с вероятностью каждого уровня по прогонам. Сила "
        "каналов по каждому партнёру, два формата федерально-регионального взаимодействия и "
        "кризисные сценарии с потенциалом нормализации — по разделам 5-7 MODEL.md.",
    ),
    "not_found": ("Not found", "Не найдено"),
    "bad_request": ("Invalid request", "Неверный запрос"),
    "error": ("Error", "Ошибка"),
    "political": ("political", "политический"),
    "economic": ("economic", "экономический"),
    "humanitarian": ("humanitarian", "гуманитарный"),
    "education": ("education", "образовательный"),
    "image": ("image", "имиджевый"),
    "culture_image": ("culture and image-building", "культурно-имиджевый"),
    "political_plus": ("political plus", "политический плюс"),
    "both": ("both", "оба"),
    "none": ("none", "нет"),
    "institutional": ("institutional", "институциональный"),
    "balanced": ("balanced", "сбалансированный"),
    "societal": ("societal", "общественный"),
    "central": ("Central", "Центральный"),
    "northwestern": ("Northwestern", "Северо-Западный"),
    "southern": ("Southern", "Южный"),
    "north_caucasian": ("North Caucasian", "Северо-Кавказский"),
    "volga": ("Volga", "Приволжский"),
    "ural": ("Ural", "Уральский"),
    "siberian": ("Siberian", "Сибирский"),
    "far_eastern": ("Far Eastern", "Дальневосточный"),
}
"""Labels used by the pages: (English, Russian), for keys :mod:`paradiplomacy.i18n` lacks."""

MISSING_KEYS: set[str] = set()
"""Label keys looked up that :mod:`paradiplomacy.i18n` did not have (for reporting)."""


PREFIXES = {
    **{k: "channel." for k in ("political", "economic", "humanitarian", "education", "image")},
    **{k: "framework." for k in ("culture_image", "political_plus", "both")},
    **{k: "balance." for k in ("none", "institutional", "balanced", "societal")},
    **{
        k: "district."
        for k in (
            "central",
            "northwestern",
            "southern",
            "north_caucasian",
            "volga",
            "ural",
            "siberian",
            "far_eastern",
        )
    },
}
"""Values the assessment writes, labelled in i18n under a dotted prefix (``channel.image``)."""


@functools.lru_cache(maxsize=4096)
def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``: from i18n (as is, or a value under its dotted prefix),
    else :data:`FALLBACK_LABELS`, else the key (memoised: the labels never change)."""
    value = _LOOKUP(key, lang)
    if value is None and key in PREFIXES:
        value = _LOOKUP(PREFIXES[key] + key, lang)
    if value is not None:
        return value
    MISSING_KEYS.add(key)
    pair = FALLBACK_LABELS.get(key)
    if pair is None:
        return key.replace("_", " ")
    return pair[1] if lang == "ru" else pair[0]


def fmt(value: Any, digits: int = 1) -> str:
    """A number for a table cell; an en dash for a missing value."""
    if value is None:
        return "–"
    if isinstance(value, float):
        if digits == 0:
            return f"{value:.0f}"
        return f"{value:.{digits}f}"
    return str(value)


def strength(value: Any, digits: int = 2, lang: str = "en") -> Markup:
    """A channel strength for a table cell; "no evidence" (marked) when it is None."""
    if value is None:
        return _no_evidence(lang)
    return Markup(escape(fmt(value, digits)))


@functools.lru_cache(maxsize=8)
def _no_evidence(lang: str) -> Markup:
    text = label("coverage.no_evidence", lang)
    return Markup('<span class="no-evidence">{}</span>').format(text)


def pct(value: Any) -> str:
    """A probability as a percentage."""
    return "–" if value is None else f"{100 * float(value):.0f}%"


def rank_interval(q5: Any, q95: Any) -> str:
    if q5 is None or q95 is None:
        return "–"
    return f"{q5:.0f}–{q95:.0f}"


ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "j2"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["fmt"] = fmt
ENV.filters["pct"] = pct
ENV.filters["strength"] = strength
ENV.globals["rank_interval"] = rank_interval
ENV.globals["term_label"] = term_label
ENV.globals["index_name"] = index_name


@functools.lru_cache(maxsize=1024)
def orientation(value: str, lang: str) -> str:
    """A region's geographic orientation in ``lang`` (i18n's ``orientation_label``)."""
    try:
        from ..i18n import orientation_label

        return orientation_label(value, lang)
    except (ImportError, KeyError, ValueError):
        return value


ENV.globals["orientation"] = orientation


def iai_colour(iai: float | None) -> str:
    """A blue for an IAI score (1-100): darker is higher."""
    if iai is None:
        return "#eeeeee"
    share = min(max((float(iai) - 1.0) / 99.0, 0.0), 1.0)
    lightness = 94 - 64 * share**0.6
    return f"hsl(212, 70%, {lightness:.0f}%)"


def _url(path: str, lang: str, **params: Any) -> str:
    if not params:
        return path if lang == "en" else f"{path}?{urlencode({'lang': lang})}"
    query = {k: v for k, v in params.items() if v is not None}
    if lang != "en":
        query["lang"] = lang
    return path + ("?" + urlencode(query, doseq=True) if query else "")


def render(
    request: Request,
    template: str,
    lang: str,
    title: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the labels, language links and banner of every page."""
    board: Dashboard = request.app.state.dashboard
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    lang_links = {code: "?" + urlencode([*params, ("lang", code)]) for code in ("en", "ru")}

    def t(key: str) -> str:
        return label(key, lang)

    def url(path: str, **params: Any) -> str:
        return _url(path, lang, **params)

    html = ENV.get_template(template).render(
        t=t,
        url=url,
        lang=lang,
        lang_links=lang_links,
        title=title,
        board=board,
        synthetic=board.synthetic,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML error page (no stack trace) in the requested language when it is valid."""
    lang = request.query_params.get("lang", "en")
    lang = lang if lang in ("en", "ru") else "en"
    key = {404: "not_found", 422: "bad_request"}.get(status, "error")
    return render(
        request, "error.html.j2", lang, label(key, lang), status_code=status, message=message
    )


# --- pages ------------------------------------------------------------------------------------


def overview_rows(board: Dashboard, lang: str) -> list[Row]:
    """The overview's rows in ``lang`` without the filters (made once per language)."""
    found = board.memo.get(("overview", lang))
    if found is not None:
        return found
    rows = []
    for row in board.rows:
        colour_iai = iai_colour(row["iai"])
        insufficient = row["level"] is None or row.get("evidence") == "insufficient"
        colour_level = (
            INSUFFICIENT_COLOUR
            if insufficient
            else LEVEL_COLOURS[min(int(row["level"]) - 1, len(LEVEL_COLOURS) - 1)]
        )
        rows.append(
            Row(
                {
                    **row,
                    "name": board.region_name(row["code"], lang),
                    "level_label": board.level_name(row["level"], lang),
                    "district_label": label(str(row["federal_district"]), lang),
                    "balance_label": label(str(row["balance"]), lang),
                    "probabilities": [row[c] for c in board.probability_columns],
                    "colour_iai": colour_iai,
                    "colour_level": colour_level,
                    "dark_iai": (row["iai"] or 0) > 45,
                    "dark_level": not insufficient and int(row["level"]) <= 2,
                    "insufficient": insufficient,
                }
            )
        )
    board.memo[("overview", lang)] = rows
    return rows


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request,
    board: Board,
    lang: LangQuery = "en",
    level: Annotated[int | None, Query(ge=1, le=9)] = None,
    district: str | None = None,
    balance: str | None = None,
    orientation: str | None = None,
    colour: Annotated[str, Query(pattern="^(iai|level)$")] = "iai",
) -> HTMLResponse:
    """Tile map, rankings with rank intervals, filters."""
    district = district or None
    balance = balance or None
    orientation = orientation or None
    api.check_filters(board, level, district, balance, orientation)
    rows = [
        Row(row, hidden=not board.matches(row, level, district, balance, orientation))
        for row in overview_rows(board, lang)
    ]
    tiles = sorted(rows, key=lambda r: (r["tile_row"], r["tile_col"]))
    filters = {"level": level, "district": district, "balance": balance, "orientation": orientation}
    return render(
        request,
        "overview.html.j2",
        lang,
        label("overview", lang),
        rows=rows,
        tiles=tiles,
        filters=filters,
        colour=colour,
        n_shown=sum(not r["hidden"] for r in rows),
        grid_rows=max(r["tile_row"] for r in rows),
        grid_cols=max(r["tile_col"] for r in rows),
        level_colours={
            k: LEVEL_COLOURS[min(k - 1, len(LEVEL_COLOURS) - 1)] for k in board.level_names
        },
        insufficient_colour=INSUFFICIENT_COLOUR,
        coverage=board.coverage[lang],
        n_insufficient=sum(r["insufficient"] for r in rows),
        percent=percent,
    )


@router.get("/region/{code}", response_class=HTMLResponse)
def region_page(
    request: Request,
    code: str,
    board: Board,
    lang: LangQuery = "en",
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 25,
) -> HTMLResponse:
    """A region's class, explanation, pillar profile, partners and channels, records."""
    detail = api.region_detail(board, code, lang)
    code = detail.region.code
    records = api.record_page(board, code, page, per_page, lang)
    ties = board.region_channels(code)
    partners = [Row(p, name=board.partner_name(p["partner"], lang)) for p in ties[:30]]
    level_names = [board.level_name(k, lang) for k in range(1, len(board.probability_columns) + 1)]
    return render(
        request,
        "region.html.j2",
        lang,
        detail.region.name,
        detail=detail,
        region=detail.region,
        district=label(str(detail.region.federal_district), lang),
        level_names=level_names,
        records=records,
        partners=partners,
        n_partners=len(ties),
        channels=board.channels,
        coverage=board.coverage[lang],
        percent=percent,
    )


@router.get("/partner/{alpha2}", response_class=HTMLResponse)
def partner_page(
    request: Request, alpha2: str, board: Board, lang: LangQuery = "en"
) -> HTMLResponse:
    """The regions carrying relations with a partner country, by channel."""
    detail = api.partner_detail(board, alpha2, lang)
    return render(
        request,
        "partner.html.j2",
        lang,
        detail.partner.name,
        detail=detail,
        partner=detail.partner,
        channels=board.channels,
    )


@router.get("/scenario", response_class=HTMLResponse)
def scenario_page(
    request: Request,
    board: Board,
    lang: LangQuery = "en",
    partner: str | None = None,
    level: Annotated[int, Query(ge=min(CRISIS_LEVELS), le=max(CRISIS_LEVELS))] = 2,
    close: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    """Choose a partner and crisis level (optionally close instruments); Run updates in place."""
    if partner is None:
        partner = "DE" if "DE" in board.partner_names else board.partner_list[0]["alpha2"]
    answer = api.scenario_answer(board, partner, level, list(close or []), lang)
    partners = sorted(
        ((p["alpha2"], board.partner_name(p["alpha2"], lang)) for p in board.partner_list),
        key=lambda p: p[1],
    )
    instruments = [(k, board.instrument_label(k, lang)) for k in board.instruments]
    js_labels = {
        k: label(k, lang)
        for k in ("culture_image", "political_plus", "both", "none", *board.channels)
    }
    js_labels["no_evidence"] = label("coverage.no_evidence", lang)
    js_labels["coverage_none"] = label("coverage.none", lang)
    return render(
        request,
        "scenario.html.j2",
        lang,
        label("scenario_explorer", lang),
        answer=answer,
        partners=partners,
        instruments=instruments,
        crisis_levels={k: crisis(k, v, lang) for k, v in board.crisis_levels.items()},
        channels=board.channels,
        js_labels=Markup(json.dumps(js_labels, ensure_ascii=False).replace("<", "\\u003c")),
    )


@router.get("/methods", response_class=HTMLResponse)
def methods_page(request: Request, board: Board, lang: LangQuery = "en") -> HTMLResponse:
    """Configuration, methods, versions, provenance and references."""
    answer = api.methods(board, lang)
    parameters = {
        k: v for k, v in answer.configuration.items() if k in ("year", "scope", "runs", "seed")
    }
    cut_points = answer.configuration.get("cut_points", [])
    view = board.coverage[lang]
    return render(
        request,
        "methods.html.j2",
        lang,
        label("methods", lang),
        answer=answer,
        parameters=parameters,
        cut_points=cut_points,
        coverage=view,
        coverage_text=label("coverage.methods_text", lang).format(
            min_availability=", ".join(
                dict.fromkeys(percent(i["min_availability"]) for i in view["indices"])
            ),
            min_coverage=percent(view["min_coverage"]),
        ),
        instruments=board.methods_data["instruments"],
        indicators=board.methods_data["indicators"][lang],
        percent=percent,
        pipelines=json.dumps(answer.configuration.get("pipelines", {}), indent=1),
        uncertainty=json.dumps(answer.configuration.get("uncertainty", {}), indent=1),
    )
