"""The report: the assessment as one self-contained HTML file and every table as Excel.

- :func:`paradiplomacy.report.html.render_report` / :func:`~paradiplomacy.report.html.write_report`:
  one HTML file with plotly.js inlined once, opening without a network;
- :func:`paradiplomacy.report.excel.export_assessment`: every table to one ``.xlsx``;
- :mod:`paradiplomacy.report.figures`: the plotly figures, pure functions of the tables.

Labels come from :mod:`paradiplomacy.i18n` (key ``report.<key>``, or the shared key of a value
the assessment writes: crisis levels and frameworks) when it has them, else from :data:`LABELS`
below, so the report works in English and Russian either way.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "International activity of regions: assessment report",
        "synthetic_banner": (
            "SYNTHETIC DATA: every number in this report is made from invented demo data, "
            "not evidence. Never cite it."
        ),
        "synthetic_short": "SYNTHETIC DATA",
        "generated": "Generated",
        "contents": "Contents",
        "summary": "Summary",
        "summary_text": (
            "Assessment year {year}, scope {scope}: {regions} regions, {records} activity "
            "records and {statistics} statistics; {runs} uncertainty runs per index (seed {seed})."
        ),
        "top_regions": "Top regions by the International Activity Index",
        "levels_count": "Regions by level",
        "tile_map": "Tile map",
        "tile_map_note": "One equal tile per region, laid out like the country's geography.",
        "tile_map_iai": "International Activity Index (IAI)",
        "tile_map_level": "Level of international activity",
        "no_tile": "Regions without a tile",
        "choropleth": "Map on real boundaries",
        "choropleth_title": "International Activity Index on real boundaries",
        "unmatched_feature": "matches no region",
        "unmatched_features": "Features that match no region (drawn grey)",
        "regions_without_feature": "Regions without a feature",
        "none": "none",
        "rankings": "Rankings with uncertainty",
        "rankings_note": (
            "The dot is the nominal rank; the bar spans the 5th to 95th percentile of the rank "
            "over the uncertainty runs."
        ),
        "ranking_iai": "International Activity Index: rank with q5-q95 interval",
        "ranking_sppi": "Soft Power Potential Index: rank with q5-q95 interval",
        "rank": "rank",
        "rank_axis": "rank (1 = highest)",
        "interval": "q5-q95",
        "levels": "Level probabilities",
        "level_probabilities": "Probability of each level over the uncertainty runs",
        "probability": "probability",
        "level": "level",
        "pillars": "Pillar profiles",
        "pillar_profile": "Pillar scores of both indices (0-100)",
        "network": "Network of the strongest ties",
        "network_title": "Regions and partner countries: the {n} strongest ties",
        "network_regions": "regions",
        "network_partners": "partner countries",
        "intensity": "strength",
        "partner": "Partner",
        "scenario_title": "Crisis scenarios with {partner}: normalisation capacity by level",
        "scenario_top_regions": "Capacity of the top regions",
        "scenario_totals": "Country total",
        "crisis_level": "crisis level",
        "crisis_0": "normal",
        "crisis_1": "tension",
        "crisis_2": "sanctions or partial freeze",
        "crisis_3": "rupture of official contacts",
        "country_totals": "Country totals by crisis level",
        "top_capacity": "Top {n} regions by normalisation capacity",
        "total": "total capacity",
        "resilience": "resilience",
        "redundancy": "redundancy (regions)",
        "regions_with_capacity": "regions with capacity",
        "capacity": "capacity",
        "framework": "framework",
        "culture_image": "culture and image-building",
        "political_plus": "political plus",
        "both": "both",
        "p_top": "P(top {n})",
        "region": "region",
        "code": "code",
        "name": "name",
        "score": "score",
        "provenance": "Configuration and data provenance",
        "configuration_files": "Configuration files",
        "role": "role",
        "path": "file",
        "sha256": "SHA-256 (prefix)",
        "parameters": "Parameters",
        "year": "assessment year",
        "scope": "scope",
        "runs": "uncertainty runs",
        "seed": "seed",
        "cut_points": "cut points of the levels (IAI)",
        "pipelines": "Pipelines",
        "record_sources": "Sources of the activity records",
        "statistic_sources": "Sources of the statistics",
        "source": "source",
        "count": "count",
        "records": "records",
        "records_up_to_year": "records up to the assessment year",
        "statistics": "statistics",
        "versions": "Software versions",
        "data_origin": "data",
    },
    "ru": {
        "title": "Международная активность регионов: отчёт об оценке",
        "synthetic_banner": (
            "СИНТЕТИЧЕСКИЕ ДАННЫЕ (SYNTHETIC DATA): все числа в отчёте получены из "
            "вымышленных демонстрационных данных, а не из свидетельств. Не цитируйте их."
        ),
        "synthetic_short": "СИНТЕТИЧЕСКИЕ ДАННЫЕ (SYNTHETIC DATA)",
        "generated": "Создан",
        "contents": "Содержание",
        "summary": "Сводка",
        "summary_text": (
            "Год оценки {year}, охват {scope}: регионов {regions}, записей о деятельности "
            "{records}, статистических показателей {statistics}; {runs} прогонов анализа "
            "неопределённости на индекс (seed {seed})."
        ),
        "top_regions": "Ведущие регионы по индексу международной активности",
        "levels_count": "Регионы по уровням",
        "tile_map": "Плиточная карта",
        "tile_map_note": (
            "Каждый регион занимает одну равную плитку; расположение повторяет географию страны."
        ),
        "tile_map_iai": "Индекс международной активности (ИМА)",
        "tile_map_level": "Уровень международной активности",
        "no_tile": "Регионы без плитки",
        "choropleth": "Карта в реальных границах",
        "choropleth_title": "Индекс международной активности в реальных границах",
        "unmatched_feature": "не сопоставлен ни с одним регионом",
        "unmatched_features": "Объекты, не сопоставленные с регионами (показаны серым)",
        "regions_without_feature": "Регионы без объекта на карте",
        "none": "нет",
        "rankings": "Рейтинги с неопределённостью",
        "rankings_note": (
            "Точка - номинальное место; отрезок - от 5-го до 95-го процентиля места по "
            "прогонам анализа неопределённости."
        ),
        "ranking_iai": "Индекс международной активности: место и интервал q5-q95",
        "ranking_sppi": "Индекс потенциала мягкой силы: место и интервал q5-q95",
        "rank": "место",
        "rank_axis": "место (1 - наивысшее)",
        "interval": "q5-q95",
        "levels": "Вероятности уровней",
        "level_probabilities": "Вероятность каждого уровня по прогонам анализа неопределённости",
        "probability": "вероятность",
        "level": "уровень",
        "pillars": "Профили по компонентам",
        "pillar_profile": "Оценки компонентов обоих индексов (0-100)",
        "network": "Сеть самых сильных связей",
        "network_title": "Регионы и страны-партнёры: {n} самых сильных связей",
        "network_regions": "регионы",
        "network_partners": "страны-партнёры",
        "intensity": "сила",
        "partner": "Партнёр",
        "scenario_title": (
            "Кризисные сценарии с партнёром {partner}: потенциал нормализации по уровням"
        ),
        "scenario_top_regions": "Потенциал ведущих регионов",
        "scenario_totals": "Итог по стране",
        "crisis_level": "уровень кризиса",
        "crisis_0": "норма",
        "crisis_1": "напряжённость",
        "crisis_2": "санкции или частичная заморозка",
        "crisis_3": "разрыв официальных контактов",
        "country_totals": "Итоги по стране по уровням кризиса",
        "top_capacity": "{n} регионов с наибольшим потенциалом нормализации",
        "total": "суммарный потенциал",
        "resilience": "устойчивость",
        "redundancy": "избыточность (регионов)",
        "regions_with_capacity": "регионов с потенциалом",
        "capacity": "потенциал",
        "framework": "формат",
        "culture_image": "культура и имидж",
        "political_plus": "политика плюс",
        "both": "оба",
        "p_top": "P(топ-{n})",
        "region": "регион",
        "code": "код",
        "name": "название",
        "score": "оценка",
        "provenance": "Конфигурация и происхождение данных",
        "configuration_files": "Файлы конфигурации",
        "role": "назначение",
        "path": "файл",
        "sha256": "SHA-256 (префикс)",
        "parameters": "Параметры",
        "year": "год оценки",
        "scope": "охват",
        "runs": "прогонов анализа неопределённости",
        "seed": "seed",
        "cut_points": "границы уровней (ИМА)",
        "pipelines": "Конвейеры расчёта",
        "record_sources": "Источники записей о деятельности",
        "statistic_sources": "Источники статистики",
        "source": "источник",
        "count": "число",
        "records": "записей",
        "records_up_to_year": "записей до года оценки",
        "statistics": "статистических показателей",
        "versions": "Версии программ",
        "data_origin": "данные",
    },
}
"""Report labels by language; ``{name}`` fields are filled with :meth:`str.format`."""


SHARED_KEYS: dict[str, str] = {
    **{f"crisis_{level}": f"crisis.{level}" for level in range(4)},
    "culture_image": "framework.culture_image",
    "political_plus": "framework.political_plus",
    "both": "framework.both",
}
"""Report keys whose labels are the shared ones of :mod:`paradiplomacy.i18n` (values the
assessment writes), so the report and the dashboard name them alike."""


def label(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang``.

    In order: ``paradiplomacy.i18n`` key ``report.<key>``, then the shared key of
    :data:`SHARED_KEYS`, then a dotted key as it is (``coverage.title``: the labels the report
    shares with the dashboard), then :data:`LABELS` (English when the language lacks the key).
    """
    from .. import i18n

    for shared in (f"report.{key}", SHARED_KEYS.get(key), key if "." in key else None):
        if shared is None:
            continue
        try:
            return i18n.t(shared, lang)
        except KeyError:
            continue
    table = LABELS.get(lang, LABELS["en"])
    return table.get(key, LABELS["en"].get(key, key))
