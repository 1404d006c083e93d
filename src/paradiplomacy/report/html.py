"""The assessment as ONE self-contained HTML file that opens without a network.

plotly.js is embedded once in a ``<script>`` of the page, and so is plotly.py's default template
(the look plotly.py gives every figure); figures are plotly ``<div>``s with fixed ids, each
drawn by ``Plotly.newPlot`` from its figure dict (:mod:`~paradiplomacy.report.figures`) dumped
to JSON once, with the template added in the browser; there is no CDN, web font, or any
``src``/``href`` to an external resource. The page is rendered from
``templates/report.html.j2`` with Jinja2 (autoescape on). Sections have ids
(``summary``, ``tile-map``, ``choropleth``, ``rankings``, ``levels``, ``pillars``, ``network``,
``partner-<XX>``, ``provenance``) and a SYNTHETIC DATA banner sits at the top of the page (sticky)
and of every section whenever the data are synthetic.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from ..assess import coverage_view as evidence
from ..i18n import check_lang
from . import figures, label
from .excel import pillar_scores, scenario_levels

TEMPLATES = Path(__file__).parent / "templates"
TOP_REGIONS = 10
NETWORK_TIES = 60
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def _plotlyjs() -> Markup:
    from plotly.offline import get_plotlyjs

    return Markup(get_plotlyjs().replace("</script", "<\\/script"))


TEMPLATE_VARIABLE = "PARADIPLOMACY_PLOTLY_TEMPLATE"
"""The page's JavaScript variable holding plotly.py's default template, once for all figures."""


def plotly_template() -> dict[str, Any]:
    """plotly.py's default template (``plotly.io.templates.default``, ``"plotly"`` unless
    changed) as plain JSON, which ``Figure.to_html`` would write into every figure's layout."""
    import plotly.io as pio

    return _template(str(pio.templates.default))


@lru_cache(maxsize=4)
def _template(name: str) -> dict[str, Any]:
    from importlib import resources

    shipped = resources.files("plotly").joinpath("package_data", "templates", f"{name}.json")
    if shipped.is_file():  # what plotly.io reads, without building and validating it (0.2 s)
        return json.loads(shipped.read_text(encoding="utf-8"))
    import plotly.io as pio

    return pio.templates[name].to_plotly_json()


def _json(value: Any) -> str:
    """JSON safe inside a ``<script>`` (``<``, ``>`` and ``/`` escaped, as plotly does)."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN the builder let through: null, as plotly writes it
        text = json.dumps(_finite(value), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\u002f")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def template_script() -> Markup:
    """The ``<script>`` that defines :data:`TEMPLATE_VARIABLE` (before the figures)."""
    return Markup(f"<script>window.{TEMPLATE_VARIABLE} = {_json(plotly_template())};</script>")


def figure_html(fig: dict[str, Any], div_id: str) -> Markup:
    """A figure dict as the ``<div>`` and ``<script>`` that draw it (what plotly's
    ``Figure.to_html(full_html=False, include_plotlyjs=False)`` writes, with the template taken
    from :data:`TEMPLATE_VARIABLE` instead of repeated)."""
    height = fig.get("layout", {}).get("height")
    outer = f"height:{height}px; width:100%;" if height else "height:100%; width:100%;"
    layout = _json(fig.get("layout", {}))
    return Markup(
        f'<div style="{outer}"><div id="{div_id}" class="plotly-graph-div" '
        'style="height:100%; width:100%;"></div><script>'
        "window.PLOTLYENV=window.PLOTLYENV || {};"
        f'if (document.getElementById("{div_id}")) {{Plotly.newPlot("{div_id}", '
        f"{_json(fig.get('data', []))}, "
        f"Object.assign({{template: window.{TEMPLATE_VARIABLE}}}, {layout}), "
        f"{_json(PLOT_CONFIG)})}};</script></div>"
    )


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if np.isnan(number):
        return "-"
    return f"{number:,.{digits}f}"


def _int(value: Any) -> str:
    """A rank or count as an integer; "-" when missing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "-"
    return "-" if not np.isfinite(number) else str(round(number))


def _level(value: Any) -> int | None:
    """A region's level as an int; None for no level (``<NA>``: insufficient evidence)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if np.isfinite(number) else None


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    return {"columns": list(columns), "rows": [list(r) for r in rows]}


def _level_names(assessment: Any, lang: str) -> list[str]:
    levels = assessment.configs["classification"].levels
    return [str(getattr(lv, f"label_{lang}", None) or lv.label_en) for lv in levels]


def _country_names(assessment: Any, lang: str) -> dict[str, str]:
    column = "name_ru" if lang == "ru" else "name_en"
    names = assessment.partners[column].fillna(assessment.partners["name_en"])
    return {str(k): str(v) for k, v in names.items()}


def _tile_grid(assessment: Any) -> pd.DataFrame:
    from ..registry.tilegrid import load_tilegrid

    return load_tilegrid().to_frame(assessment.scope)


def load_geojson(path: Path) -> dict[str, Any]:
    """Read a GeoJSON FeatureCollection (a ValueError if it is not one)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ValueError(f"{path}: not a GeoJSON FeatureCollection (no 'features' list)")
    return data


def report_context(
    assessment: Any,
    partners: Sequence[str] = (),
    geojson: Path | dict[str, Any] | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """Everything the template needs: labels, tables as formatted strings, figures as HTML."""
    check_lang(lang)
    regions = assessment.regions_table()
    iso = assessment.regions.reset_index(drop=True).set_index("code")["iso_code"]
    regions = regions.assign(iso_code=regions["code"].map(iso).to_numpy())
    names = figures.region_names(regions, lang)
    level_names = _level_names(assessment, lang)
    countries = _country_names(assessment, lang)

    def L(key: str, **fields: Any) -> str:
        text = label(key, lang)
        return text.format(**fields) if fields else text

    sections: list[dict[str, Any]] = []
    coverage = evidence.coverage_view(assessment, lang)

    # summary
    provenance = assessment.provenance()
    top = regions.head(TOP_REGIONS)
    insufficient_name = L("level.insufficient_evidence")

    def level_text(row: Any) -> str:
        level = _level(row.level)
        if level is None or getattr(row, "evidence", "") == evidence.INSUFFICIENT:
            return insufficient_name
        return _name(level_names, level)

    n_insufficient = int((regions["evidence"] == evidence.INSUFFICIENT).sum())
    summary = {
        "id": "summary",
        "title": L("summary"),
        "text": L(
            "summary_text",
            year=assessment.year,
            scope=assessment.scope,
            regions=len(regions),
            records=f"{provenance['records']:,}",
            statistics=f"{provenance['statistics']:,}",
            runs=f"{assessment.runs:,}",
            seed=assessment.seed,
        ),
        "tables": [
            {
                "caption": L("top_regions"),
                **_table(
                    [
                        L("rank"),
                        L("code"),
                        L("name"),
                        "IAI",
                        L("interval"),
                        L("level"),
                        "SPPI",
                        L("coverage.column"),
                    ],
                    [
                        [
                            _int(r.iai_rank),
                            r.code,
                            names[r.code],
                            _num(r.iai),
                            f"{_num(r.iai_rank_q5, 0)}-{_num(r.iai_rank_q95, 0)}",
                            level_text(r),
                            _num(r.sppi),
                            evidence.percent(r.coverage),
                        ]
                        for r in top.itertuples(index=False)
                    ],
                ),
            },
            {
                "caption": L("levels_count"),
                "id": "levels-count",
                **_table(
                    [L("level"), L("count")],
                    [
                        *(
                            [f"{k}. {_name(level_names, k)}", int((regions["level"] == k).sum())]
                            for k in range(1, len(level_names) + 1)
                        ),
                        [insufficient_name, n_insufficient],
                    ],
                ),
            },
        ],
        "figures": [],
        "notes": [L("coverage.column_note", minimum=evidence.percent(coverage["min_coverage"]))],
    }
    sections.append(summary)

    # tile map
    insufficient_note = L(
        "coverage.insufficient_note",
        n=n_insufficient,
        total=len(regions),
        minimum=evidence.percent(coverage["min_coverage"]),
    )
    grid = _tile_grid(assessment)
    missing = figures.missing_tiles(regions, grid)
    sections.append(
        {
            "id": "tile-map",
            "title": L("tile_map"),
            "text": L("tile_map_note"),
            "figures": [
                figure_html(
                    figures.tile_map(regions, grid, "iai", lang, level_names), "fig-tile-iai"
                ),
                figure_html(
                    figures.tile_map(regions, grid, "level", lang, level_names), "fig-tile-level"
                ),
            ],
            "tables": [],
            "notes": [
                *([f"{L('no_tile')}: {', '.join(missing)}"] if missing else []),
                *([insufficient_note] if n_insufficient else []),
            ],
        }
    )

    # choropleth
    if geojson is not None:
        data = geojson if isinstance(geojson, dict) else load_geojson(geojson)
        fig, match = figures.choropleth(regions, data, "iai", lang)
        unmatched = [
            [str(u["index"]), u["iso"] or "-", u["name"] or "-"] for u in match.unmatched_features
        ]
        sections.append(
            {
                "id": "choropleth",
                "title": L("choropleth"),
                "text": "",
                "figures": [figure_html(fig, "fig-choropleth")],
                "tables": [
                    {
                        "caption": L("unmatched_features"),
                        "id": "unmatched-features",
                        **_table(["#", "ISO", L("name")], unmatched),
                    },
                ],
                "notes": [
                    f"{L('regions_without_feature')} ({len(match.regions_without_feature)}): "
                    + (", ".join(match.regions_without_feature) or L("none"))
                ],
            }
        )

    # rankings
    sections.append(
        {
            "id": "rankings",
            "title": L("rankings"),
            "text": L("rankings_note"),
            "figures": [
                figure_html(figures.ranking(regions, "iai", lang), "fig-ranking-iai"),
                figure_html(figures.ranking(regions, "sppi", lang), "fig-ranking-sppi"),
            ],
            "tables": [],
            "notes": [],
        }
    )

    # level probabilities
    sections.append(
        {
            "id": "levels",
            "title": L("levels"),
            "text": "",
            "figures": [
                figure_html(figures.level_probabilities(regions, lang, level_names), "fig-levels")
            ],
            "tables": [],
            "notes": [insufficient_note] if n_insufficient else [],
        }
    )

    # pillar profiles
    scores, pillar_names = pillar_scores(assessment)
    dropped = [
        f"{d['index_name']}: {d['name']} ({d['code']})" for d in coverage["aggregates_dropped"]
    ]
    sections.append(
        {
            "id": "pillars",
            "title": L("pillars"),
            "text": "",
            "figures": [
                figure_html(
                    figures.pillar_profile(scores, pillar_names, regions, lang), "fig-pillars"
                )
            ],
            "tables": [],
            "notes": [L("coverage.pillars_dropped", pillars="; ".join(dropped))] if dropped else [],
        }
    )

    # network
    ties = figures.strongest_ties(assessment.channels.bilateral_intensity(), NETWORK_TIES)
    sections.append(
        {
            "id": "network",
            "title": L("network"),
            "text": "",
            "figures": [
                figure_html(figures.network(ties, names.to_dict(), countries, lang), "fig-network")
            ],
            "tables": [],
            "notes": [],
        }
    )

    # partners
    for partner in dict.fromkeys(p.strip().upper() for p in partners):
        sections.append(_partner_section(assessment, partner, names, countries, lang, L))

    # configuration and provenance
    sections.append(_provenance_section(assessment, provenance, coverage, lang, L))

    return {
        "lang": lang,
        "title": L("title"),
        "synthetic": bool(assessment.synthetic),
        "banner": L("synthetic_banner"),
        "banner_short": L("synthetic_short"),
        "generated_label": L("generated"),
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "contents": L("contents"),
        "coverage": coverage,
        "coverage_labels": {
            key: L(f"coverage.{key}")
            for key in (
                "notice",
                "instruments_covered",
                "instruments_not_covered",
                "indicators_left_out",
                "aggregates_dropped",
                "index",
                "indicator",
                "reason",
                "records",
                "statistics",
                "none",
                "all_covered",
                "none_left_out",
                "see_docs",
                "channels_not_covered",
            )
        },
        "coverage_notes": [
            L(
                "coverage.weight_used",
                index=i["index_name"],
                share=evidence.percent(i["weight_used"]),
                used=i["n_used"],
                left_out=i["n_left_out"],
            )
            for i in coverage["indices"]
        ]
        + ([insufficient_note] if n_insufficient else []),
        "channel_labels": {k: L(f"channel.{k}") for k in coverage["channels_not_covered"]},
        "sections": sections,
        "plotlyjs": _plotlyjs(),
        "plotly_template": template_script(),
    }


def _name(level_names: Sequence[str], level: int) -> str:
    return level_names[level - 1] if 0 < level <= len(level_names) else str(level)


def _partner_section(
    assessment: Any,
    partner: str,
    names: pd.Series,
    countries: dict[str, str],
    lang: str,
    L: Any,
) -> dict[str, Any]:
    capacity, totals = scenario_levels(assessment, partner, top=TOP_REGIONS)
    partner_name = countries.get(partner, partner)
    unseen = assessment.channels.no_evidence(partner)
    notes = (
        [
            f"{L('coverage.channels_without_evidence')}: "
            + ", ".join(L(f"channel.{k}") for k in unseen)
            + f" ({L('coverage.no_evidence_note')})"
        ]
        if unseen
        else []
    )
    p_top = f"p_top{TOP_REGIONS}"
    tables = [
        {
            "caption": L("country_totals"),
            **_table(
                [L("crisis_level"), L("total"), L("resilience"), L("redundancy"),
                 L("regions_with_capacity")],
                [
                    [
                        f"{int(t.level)}: {L(f'crisis_{int(t.level)}')}",
                        _num(t.total, 3),
                        _num(t.resilience, 3),
                        _num(t.redundancy, 1),
                        _int(t.regions_with_capacity),
                    ]
                    for t in totals.itertuples(index=False)
                ],
            ),
        }
    ]  # fmt: skip
    for level in sorted(capacity["level"].unique()):
        table = capacity[capacity["level"] == level].sort_values(["rank", "code"], kind="mergesort")
        rows = [
            [
                _int(r["rank"]),
                r["code"],
                names.get(r["code"], r["code"]),
                _num(r["capacity"], 3),
                L(str(r["framework"])),
                _num(r.get(p_top), 2),
            ]
            for _, r in table.head(TOP_REGIONS).iterrows()
        ]
        tables.append(
            {
                "caption": f"{L('crisis_level').capitalize()} {int(level)}: "
                f"{L(f'crisis_{int(level)}')}. {L('top_capacity', n=TOP_REGIONS)}",
                **_table(
                    [L("rank"), L("code"), L("name"), L("capacity"), L("framework"),
                     L("p_top", n=TOP_REGIONS)],
                    rows,
                ),
            }
        )  # fmt: skip
    fig = figures.scenario_levels(
        capacity, totals, names.to_dict(), partner_name, lang, top=TOP_REGIONS
    )
    return {
        "id": f"partner-{partner}",
        "title": f"{L('partner')}: {partner_name} ({partner})",
        "text": "",
        "figures": [figure_html(fig, f"fig-partner-{partner}")],
        "tables": tables,
        "notes": notes,
    }


def _coverage_tables(
    assessment: Any, coverage: dict[str, Any], lang: str, L: Any
) -> list[dict[str, Any]]:
    """The coverage and screening tables of the configuration section (docs/coverage.md)."""
    yes, no = L("coverage.yes"), L("coverage.no")
    frame = assessment.coverage.instruments
    instruments = [
        [
            str(inst),
            evidence.instrument_label(assessment, str(inst), lang),
            L(f"channel.{row['channel']}"),
            f"{int(row['records']):,}",
            str(row["statistics"]).replace("|", ", ") or "-",
            yes if row["covered"] else no,
        ]
        for inst, row in frame.iterrows()
    ]
    indicators = [
        [
            evidence.index_name(r.index, lang),
            r.code,
            r.name,
            evidence.percent(r.availability),
            _num(r.weight_full, 3),
            _num(r.weight_used, 3),
            yes if r.used else no,
            r.reason or "-",
        ]
        for r in evidence.indicator_table(assessment, lang).itertuples(index=False)
    ]
    dropped = [
        [d["index_name"], d["code"], d["name"], d["reason"]] for d in coverage["aggregates_dropped"]
    ]
    return [
        {
            "caption": f"{L('coverage.instruments_covered')} / "
            f"{L('coverage.instruments_not_covered')}",
            "id": "coverage-instruments",
            **_table([L("code"), L("name"), L("channel"), L("records"), L("statistics"),
                      L("coverage.title")], instruments),
        },
        {
            "caption": L("coverage.screening"),
            "id": "coverage-indicators",
            **_table([L("coverage.index"), L("code"), L("coverage.indicator"),
                      L("coverage.availability"), L("coverage.weight_full"),
                      L("coverage.weight_in_use"), L("coverage.used"), L("coverage.reason")],
                     indicators),
        },
        {
            "caption": L("coverage.aggregates_dropped"),
            "id": "coverage-aggregates",
            **_table([L("coverage.index"), L("code"), L("name"), L("coverage.reason")], dropped),
        },
    ]  # fmt: skip


def _provenance_section(
    assessment: Any, provenance: dict[str, Any], coverage: dict[str, Any], lang: str, L: Any
) -> dict[str, Any]:
    configuration = assessment.configuration()
    files = [
        [role, _display_path(item["path"]), item["sha256"]]
        for role, item in configuration["files"].items()
    ]
    cut_points = ", ".join(_num(c, 2) for c in configuration["cut_points"])
    parameters = [
        [L("year"), str(configuration["year"])],
        [L("scope"), str(configuration["scope"])],
        [L("runs"), f"{configuration['runs']:,}"],
        [L("seed"), str(configuration["seed"])],
        [L("cut_points"), cut_points or "-"],
        [L("coverage.cut_method"), str(configuration.get("cut_method", ""))],
        [L("coverage.min_coverage"), evidence.percent(coverage["min_coverage"])],
        *(
            [
                f"{L('coverage.min_availability')} ({i['index_name']})",
                evidence.percent(i["min_availability"]),
            ]
            for i in coverage["indices"]
        ),
        [L("data_origin"), str(provenance.get("data", ""))],
        [L("coverage.title"), coverage["label"]],
        [L("records"), f"{provenance['records']:,}"],
        [L("records_up_to_year"), f"{provenance['records_up_to_year']:,}"],
        [L("statistics"), f"{provenance['statistics']:,}"],
    ]
    pipelines = [
        [index, json.dumps(pipeline, ensure_ascii=False, sort_keys=True, default=str)]
        for index, pipeline in configuration["pipelines"].items()
    ]
    tables = [
        {"caption": L("configuration_files"), **_table([L("role"), L("path"), L("sha256")], files)},
        {"caption": L("parameters"), **_table(["", ""], parameters)},
        {"caption": L("pipelines"), **_table(["", ""], pipelines), "code": True},
        {
            "caption": L("record_sources"),
            **_table(
                [L("source"), L("count")],
                [[k, f"{v:,}"] for k, v in provenance["record_sources"].items()],
            ),
        },
        {
            "caption": L("statistic_sources"),
            **_table(
                [L("source"), L("count")],
                [[k, f"{v:,}"] for k, v in provenance["statistic_sources"].items()],
            ),
        },
        {
            "caption": L("versions"),
            **_table(["", ""], [[k, v] for k, v in assessment.versions().items()]),
        },
    ]
    text = L(
        "coverage.methods_text",
        min_availability=", ".join(
            dict.fromkeys(evidence.percent(i["min_availability"]) for i in coverage["indices"])
        ),
        min_coverage=evidence.percent(coverage["min_coverage"]),
    )
    return {
        "id": "provenance",
        "title": L("provenance"),
        "text": f"{L('coverage.screening')}. {text}",
        "figures": [],
        "tables": [*tables[:2], *_coverage_tables(assessment, coverage, lang, L), *tables[2:]],
        "notes": [],
    }


def _display_path(path: str) -> str:
    """A shipped configuration file by its path relative to the package data (the name a
    ``--config`` directory would use); any other file by its full path."""
    from ..resources import data_path

    try:
        return Path(path).resolve().relative_to(data_path(".").resolve()).as_posix()
    except ValueError:
        return path


def render_report(
    assessment: Any,
    partners: Sequence[str] = (),
    geojson: Path | None = None,
    lang: str = "en",
) -> str:
    """The report of ``assessment`` as one self-contained HTML page (see the module docstring).

    Args:
        assessment: a built :class:`~paradiplomacy.assess.assessment.Assessment`.
        partners: partner countries (ISO alpha-2) with a section of scenarios at crisis
            levels 0-3 each.
        geojson: a GeoJSON FeatureCollection of the regions for a choropleth (features matched
            by ISO 3166-2 code in ``shapeISO``, ``iso_3166_2``, ``ISO3166-2`` or ``iso_code``).
        lang: ``"en"`` or ``"ru"``: labels and region and country names.
    """
    context = report_context(assessment, partners, geojson, lang)
    return _environment().get_template("report.html.j2").render(**context)


def write_report(
    assessment: Any,
    partners: Sequence[str] = (),
    geojson: Path | None = None,
    lang: str = "en",
    *,
    out: Path,
) -> Path:
    """Write :func:`render_report` to ``out`` (UTF-8) and return the path."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(assessment, partners, geojson, lang), encoding="utf-8")
    return path
