"""Plotly figures of the assessment: pure functions of its tables, labelled in one language.

Every builder takes pandas objects (the assessment's tables, see :mod:`paradiplomacy.report`)
and a ``lang`` (``"en"`` or ``"ru"``) and returns the figure as a plain dict, ``{"data": [...],
"layout": {...}}``, of JSON values (lists, not arrays; None, not NaN), as plotly's own
validation would leave it (named colour scales spelt out): ``plotly.graph_objects.Figure(fig)``
makes a plotly figure of it, and :func:`paradiplomacy.report.html.figure_html` writes it into the
page with one ``json.dumps`` (building through ``plotly.graph_objects`` validated every property
and cost more than the rest of the report). None of them fetches anything: the choropleth draws
only the GeoJSON it is given, with no base map.

- :func:`tile_map`: one equal square tile per region at its (row, col) of the tile grid, coloured
  by the IAI (continuous) or by the level (categorical);
- :func:`match_features` and :func:`choropleth`: real boundaries from a GeoJSON, regions
  matched by ISO 3166-2 code, unmatched features and regions without a feature reported;
- :func:`ranking`: IAI or SPPI ranks with their q5-q95 rank intervals;
- :func:`level_probabilities`: the probability of every level, stacked;
- :func:`pillar_profile`: regions x pillars heatmap of both indices;
- :func:`network`: the region-partner network of the strongest ties;
- :func:`scenario_levels`: one partner's scenario at every crisis level.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import label

Figure = dict[str, Any]
"""A plotly figure as plain JSON values: ``{"data": [trace, ...], "layout": {...}}``."""

ISO_PROPERTIES = ("shapeISO", "iso_3166_2", "ISO3166-2", "iso_code")
"""GeoJSON feature properties that may hold a region's ISO 3166-2 code, tried in this order."""

LEVEL_COLOURS = ("#1a9850", "#91cf60", "#fdae61", "#d73027", "#7b3294", "#999999")
"""Colours of levels 1, 2, ... (more levels than colours repeat the last)."""

INSUFFICIENT_COLOUR = "#e0e0e0"
"""Fill of a region classed "insufficient evidence": light grey under dark diagonal hatching
(:data:`INSUFFICIENT_PATTERN`), told apart from every level (and from "Low", red) by the
pattern as well as by the colour, so also without colour vision."""

INSUFFICIENT_PATTERN = {"shape": "/", "fgcolor": "#404040", "size": 6, "solidity": 0.25}
INSUFFICIENT_PATTERN_ON_SCALE = {**INSUFFICIENT_PATTERN, "fgcolor": "#a6a6a6", "solidity": 0.35}
"""The hatching over a continuous colour scale (visible on its dark and its light end)."""

CRISIS_COLOURS = ("#2166ac", "#67a9cf", "#ef8a62", "#b2182b")
"""Colours of crisis levels 0-3."""

VIRIDIS = (
    "#440154", "#482878", "#3e4989", "#31688e", "#26828e",
    "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725",
)  # fmt: skip
"""plotly.py's ``Viridis`` (``plotly.colors.sequential.Viridis``), which its validation spells
out in every figure; plotly.js's own ``Viridis`` is sampled differently."""
CONTINUOUS = [[k / (len(VIRIDIS) - 1), colour] for k, colour in enumerate(VIRIDIS)]
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 12}


def _layout(fig: Figure, title: str, height: int, **kwargs: Any) -> Figure:
    fig["layout"].update(
        title={"text": title, "x": 0.01},
        height=height,
        font=dict(FONT),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        **kwargs,
    )
    return fig


def _figure(*traces: dict[str, Any], **layout: Any) -> Figure:
    return {"data": list(traces), "layout": dict(layout)}


def _values(values: Any) -> list[Any]:
    """A list of JSON values: NumPy scalars as Python's, NaN (and infinities) as None."""
    array = np.asarray(values)
    if array.dtype.kind == "f":
        return [None if v != v or v in (np.inf, -np.inf) else v for v in array.tolist()]
    if array.dtype.kind == "O":
        return [_value(v) for v in array.tolist()]
    return array.tolist()


def _value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _matrix(values: np.ndarray) -> list[list[Any]]:
    return [_values(row) for row in values]


def region_names(regions: pd.DataFrame, lang: str) -> pd.Series:
    """Region names in ``lang`` (``name_ru`` for Russian, else ``name_en``), indexed by code."""
    column = "name_ru" if lang == "ru" and "name_ru" in regions else "name_en"
    names = regions[column].fillna(regions["name_en"]).astype(str)
    return pd.Series(names.to_numpy(), index=regions["code"].to_numpy())


def _level_colour(level: int) -> str:
    return LEVEL_COLOURS[min(max(int(level), 1), len(LEVEL_COLOURS)) - 1]


def _fmt(value: Any, digits: int = 1) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "-"
    if not np.isfinite(number):
        return "-"
    return f"{number:.{digits}f}"


def insufficient_mask(regions: pd.DataFrame) -> np.ndarray:
    """Rows of ``regions`` classed "insufficient evidence" (``evidence`` column, or no level)."""
    levels = pd.to_numeric(regions["level"], errors="coerce").to_numpy(dtype=float)
    mask = np.isnan(levels)
    if "evidence" in regions:
        mask |= (regions["evidence"].astype(str) == "insufficient").to_numpy()
    return mask


def _hatch(
    cells: Sequence[tuple[int, int]],
    name: str,
    fill: str,
    pattern: Mapping[str, Any] = INSUFFICIENT_PATTERN,
) -> dict[str, Any]:
    """One trace of hatched squares at tile (row, col) ``cells`` (the legend entry ``name``)."""
    x: list[float | None] = []
    y: list[float | None] = []
    h = 0.46
    for r, c in cells:
        x += [c - h, c + h, c + h, c - h, c - h, None]
        y += [r - h, r - h, r + h, r + h, r - h, None]
    return {
        "type": "scatter",
        "x": x or [None],
        "y": y or [None],
        "mode": "lines",
        "fill": "toself",
        "fillcolor": fill,
        "fillpattern": dict(pattern),
        "line": {"color": "#404040", "width": 0.5},
        "name": name,
        "hoverinfo": "skip",
        "showlegend": True,
    }


# --- tile grid ---------------------------------------------------------------------------------


def tile_map(
    regions: pd.DataFrame,
    grid: pd.DataFrame,
    color: str = "iai",
    lang: str = "en",
    level_names: Sequence[str] = (),
    title: str | None = None,
) -> Figure:
    """The tile-grid map: one equal square tile per region at its (row, col).

    Args:
        regions: the regions table (``code``, ``name_en``, ``name_ru``, ``iai``, ``iai_rank``,
            ``level``, ``level_name``).
        grid: the layout: ``code``, ``row``, ``col`` (row 0 at the top). Regions without a tile
            are not drawn (:func:`missing_tiles` names them); tiles without a region are empty.
        color: ``"iai"`` (continuous) or ``"level"`` (categorical).
        lang: language of the labels and names.
        level_names: the names of levels 1, 2, ... in ``lang`` (default: ``level_name``).
    """
    if color not in ("iai", "level"):
        raise ValueError(f"tile_map: color must be 'iai' or 'level', not {color!r}")
    layout = pd.DataFrame({k: grid[k].to_numpy() for k in ("code", "row", "col")})
    table = layout.merge(regions.reset_index(drop=True), on="code", how="inner")
    names = region_names(table, lang)
    n_rows = int(grid["row"].max()) + 1 if len(grid) else 1
    n_cols = int(grid["col"].max()) + 1 if len(grid) else 1
    z = np.full((n_rows, n_cols), np.nan)
    text = np.full((n_rows, n_cols), "", dtype=object)
    hover = np.full((n_rows, n_cols), "", dtype=object)
    short = insufficient_mask(table)
    levels = pd.to_numeric(table["level"], errors="coerce").fillna(0).astype(int).to_numpy()
    if not level_names:
        level_names = _level_names_from(regions, lang)
    n = max(len(level_names), int(levels.max()) if len(levels) else 1, 1)
    rank_label, level_label = label("rank", lang), label("level", lang)
    insufficient = label("level.insufficient_evidence", lang)
    coverage_label = label("coverage.column", lang)
    coverage = table["coverage"] if "coverage" in table else pd.Series(np.nan, index=table.index)
    columns = (table[k].tolist() for k in ("code", "row", "col", "iai", "iai_rank"))
    rows = zip(*columns, names.tolist(), coverage.tolist(), strict=True)
    for i, (code, r, c, iai, iai_rank, name, share) in enumerate(rows):
        r, c = int(r), int(c)
        if color == "iai":
            z[r, c] = float(iai)
        else:
            z[r, c] = n + 1 if short[i] else levels[i]
        text[r, c] = _short_code(str(code))
        level_name = insufficient if short[i] else _name_of_level(level_names, levels[i])
        hover[r, c] = (
            f"<b>{name}</b> ({code})<br>IAI {_fmt(iai)}"
            f"<br>{rank_label} {_fmt(iai_rank, 0)}<br>{level_label}: {level_name}"
            f"<br>{coverage_label}: {_fmt(100 * float(share), 0)}%"
        )
    at = table[short]
    cells = [(int(r), int(c)) for r, c in zip(at["row"], at["col"], strict=True)]
    codes = [str(text[r, c]) for r, c in cells]
    for r, c in cells:  # their codes are drawn above the hatching (the last trace), not below
        text[r, c] = ""
    heatmap: dict[str, Any] = {
        "type": "heatmap",
        "z": _matrix(z),
        "text": text.tolist(),
        "customdata": hover.tolist(),
        "texttemplate": "%{text}",
        "textfont": {"size": 10},
        "hovertemplate": "%{customdata}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
    }
    if color == "iai":
        heatmap.update(
            colorscale=CONTINUOUS,
            zmin=0,
            zmax=100,
            colorbar={"title": {"text": "IAI"}, "thickness": 12},
        )
        fig = _figure(
            heatmap, _hatch(cells, insufficient, "rgba(0,0,0,0)", INSUFFICIENT_PATTERN_ON_SCALE)
        )
        default_title = label("tile_map_iai", lang)
    else:
        heatmap.update(
            colorscale=_discrete_scale(
                [*(_level_colour(k) for k in range(1, n + 1)), INSUFFICIENT_COLOUR]
            ),
            zmin=0.5,
            zmax=n + 1.5,
            showscale=False,
        )
        fig = _figure(heatmap)
        for k in range(1, n + 1):  # legend entries for the categories
            fig["data"].append(
                {
                    "type": "scatter",
                    "x": [None],
                    "y": [None],
                    "mode": "markers",
                    "marker": {"symbol": "square", "size": 12, "color": _level_colour(k)},
                    "name": f"{k}. {_name_of_level(level_names, k)}",
                    "showlegend": True,
                }
            )
        fig["data"].append(_hatch(cells, insufficient, INSUFFICIENT_COLOUR))
        default_title = label("tile_map_level", lang)
    if cells:
        fig["data"].append(
            {
                "type": "scatter",
                "x": [c for _, c in cells],
                "y": [r for r, _ in cells],
                "mode": "text",
                "text": codes,
                "textfont": {"size": 10, "color": "#111111" if color == "level" else "#ffffff"},
                "customdata": [hover[r, c] for r, c in cells],
                "hovertemplate": "%{customdata}<extra></extra>",
                "showlegend": False,
            }
        )
    fig["layout"]["xaxis"] = {
        "visible": False,
        "range": [-0.5, n_cols - 0.5],
        "constrain": "domain",
    }
    fig["layout"]["yaxis"] = {
        "visible": False,
        "autorange": "reversed",
        "scaleanchor": "x",
        "scaleratio": 1,
        "constrain": "domain",
    }
    height = max(300, int(60 + 900 * n_rows / max(n_cols, 1)))
    _layout(fig, title or default_title, min(height, 700), legend={"orientation": "h"})
    return fig


def missing_tiles(regions: pd.DataFrame, grid: pd.DataFrame) -> list[str]:
    """Codes of regions that have no tile in ``grid``."""
    return sorted(set(regions["code"]) - set(grid["code"]))


def _short_code(code: str) -> str:
    return code.split("-", 1)[1] if "-" in code else code


def _discrete_scale(colours: Sequence[str]) -> list[list[Any]]:
    n = len(colours)
    scale: list[list[Any]] = []
    for k, colour in enumerate(colours):
        scale.append([k / n, colour])
        scale.append([(k + 1) / n, colour])
    return scale


def _level_names_from(regions: pd.DataFrame, lang: str = "en") -> list[str]:
    """Names of levels 1..k from the table's ``level_name`` (k from its ``p_level_`` columns);
    a level no region has is numbered ("Level 3")."""
    k = sum(1 for c in regions.columns if str(c).startswith("p_level_"))
    if "level_name" not in regions:
        return [f"{label('level', lang).capitalize()} {n}" for n in range(1, k + 1)]
    pairs = regions[["level", "level_name"]].assign(
        level=pd.to_numeric(regions["level"], errors="coerce")
    )
    pairs = pairs.dropna(subset=["level"]).drop_duplicates().sort_values("level")
    names = dict(zip(pairs["level"].astype(int), pairs["level_name"].astype(str), strict=True))
    k = max(k, max(names, default=0))
    return [names.get(n, f"{label('level', lang).capitalize()} {n}") for n in range(1, k + 1)]


def _name_of_level(level_names: Sequence[str], level: int) -> str:
    return level_names[level - 1] if 0 < level <= len(level_names) else str(level)


# --- choropleth --------------------------------------------------------------------------------


@dataclass
class GeoMatch:
    """How the features of a GeoJSON matched the regions.

    ``matched`` maps region code to feature index; ``unmatched_features`` describes every
    feature that matched no region (its index, ISO property if any, and name);
    ``regions_without_feature`` lists the codes of regions that no feature matched.
    """

    matched: dict[str, int] = field(default_factory=dict)
    unmatched_features: list[dict[str, Any]] = field(default_factory=list)
    regions_without_feature: list[str] = field(default_factory=list)


def feature_iso(feature: Mapping[str, Any]) -> str | None:
    """The ISO 3166-2 code of a GeoJSON feature from the first of :data:`ISO_PROPERTIES`."""
    properties = feature.get("properties") or {}
    for key in ISO_PROPERTIES:
        value = properties.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().upper()
    return None


def _feature_name(feature: Mapping[str, Any]) -> str:
    properties = feature.get("properties") or {}
    for key in ("shapeName", "name", "NAME", "name_en", "NAME_1"):
        value = properties.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def match_features(geojson: Mapping[str, Any], regions: pd.DataFrame) -> GeoMatch:
    """Match GeoJSON features to regions by ISO 3166-2 code (``iso_code``, else ``code``).

    Nothing is dropped silently: features without a matching region and regions without a
    feature are both returned. A second feature with the code of an already matched region
    counts as unmatched.
    """
    iso = regions["iso_code"] if "iso_code" in regions else regions["code"]
    iso = iso.fillna(regions["code"]).astype(str).str.upper()
    by_iso = dict(zip(iso, regions["code"].astype(str), strict=True))
    by_iso.update({c.upper(): c for c in regions["code"].astype(str)})
    match = GeoMatch()
    for i, feature in enumerate(geojson.get("features", [])):
        code = by_iso.get(feature_iso(feature) or "")
        if code is None or code in match.matched:
            match.unmatched_features.append(
                {"index": i, "iso": feature_iso(feature) or "", "name": _feature_name(feature)}
            )
        else:
            match.matched[code] = i
    match.regions_without_feature = [c for c in regions["code"] if c not in match.matched]
    return match


def choropleth(
    regions: pd.DataFrame,
    geojson: Mapping[str, Any],
    color: str = "iai",
    lang: str = "en",
    title: str | None = None,
) -> tuple[Figure, GeoMatch]:
    """Regions on their real boundaries coloured by ``color`` (a numeric column, e.g. ``iai``).

    Features that match no region are drawn in grey and returned in the :class:`GeoMatch`.
    No base map is drawn, so the figure needs no network.
    """
    match = match_features(geojson, regions)
    features = list(geojson.get("features", []))
    shapes: list[dict[str, Any]] = []
    for code, i in match.matched.items():
        feature = copy.deepcopy(features[i])
        feature["id"] = code
        shapes.append(feature)
    grey: list[dict[str, Any]] = []
    for item in match.unmatched_features:
        feature = copy.deepcopy(features[item["index"]])
        feature["id"] = f"unmatched-{item['index']}"
        grey.append(feature)
    table = regions.set_index("code").loc[list(match.matched)]
    names = region_names(regions, lang)
    fig = _figure()
    if shapes:
        fig["data"].append(
            {
                "type": "choropleth",
                "geojson": {"type": "FeatureCollection", "features": shapes},
                "locations": list(match.matched),
                "featureidkey": "id",
                "z": _values(table[color].astype(float).to_numpy()),
                "zmin": 0,
                "zmax": 100,
                "colorscale": CONTINUOUS,
                "colorbar": {"title": {"text": color.upper()}, "thickness": 12},
                "customdata": [names[c] for c in match.matched],
                "hovertemplate": "<b>%{customdata}</b> (%{location})<br>%{z:.1f}<extra></extra>",
                "marker": {"line": {"color": "white", "width": 0.5}},
            }
        )
    if grey:
        unmatched = label("unmatched_feature", lang)
        fig["data"].append(
            {
                "type": "choropleth",
                "geojson": {"type": "FeatureCollection", "features": grey},
                "locations": [f["id"] for f in grey],
                "featureidkey": "id",
                "z": [0] * len(grey),
                "colorscale": [[0, "#cccccc"], [1, "#cccccc"]],
                "showscale": False,
                "customdata": [
                    f"{item['name'] or item['iso'] or item['index']}"
                    for item in match.unmatched_features
                ],
                "hovertemplate": f"%{{customdata}}<br>{unmatched}<extra></extra>",
            }
        )
    fig["layout"]["geo"] = {
        "fitbounds": "locations",
        "visible": False,
        "projection": {"type": "mercator"},
    }
    _layout(fig, title or label("choropleth_title", lang), 520)
    return fig, match


# --- rankings ----------------------------------------------------------------------------------


def ranking(regions: pd.DataFrame, index: str = "iai", lang: str = "en") -> Figure:
    """Regions by ``index`` rank (``iai`` or ``sppi``) with the q5-q95 rank interval as bars.

    Needs ``<index>``, ``<index>_rank``, ``<index>_rank_q5`` and ``<index>_rank_q95``.
    Regions without a rank (the index was left out for lack of evidence) are not drawn; with
    none ranked the figure says so. Regions classed "insufficient evidence" are drawn as open
    grey markers (their own legend entry).
    """
    table = regions.sort_values([f"{index}_rank", "code"], kind="mergesort")
    table = table[pd.to_numeric(table[f"{index}_rank"], errors="coerce").notna()]
    names = region_names(table, lang).to_numpy()
    rank = table[f"{index}_rank"].astype(float).to_numpy()
    q5 = table[f"{index}_rank_q5"].astype(float).to_numpy()
    q95 = table[f"{index}_rank_q95"].astype(float).to_numpy()
    column = "coverage" if index == "iai" else f"{index}_coverage"
    coverage = (
        table[column].astype(float).to_numpy() if column in table else np.full(len(table), np.nan)
    )
    rank_label, interval, coverage_label = (
        label(key, lang) for key in ("rank", "interval", "coverage.column")
    )
    hover = np.array(
        [
            f"<b>{n}</b><br>{index.upper()} {_fmt(s)}<br>{rank_label} {_fmt(r, 0)}"
            f" ({interval} {_fmt(a, 0)}-{_fmt(b, 0)})"
            f"<br>{coverage_label}: {_fmt(100 * v, 0)}%"
            for n, s, r, a, b, v in zip(
                names, table[index].tolist(), rank, q5, q95, coverage, strict=True
            )
        ],
        dtype=object,
    )
    short = insufficient_mask(table) if index == "iai" else np.zeros(len(table), dtype=bool)
    fig = _figure()
    groups = [
        (~short, label("rank", lang), {"size": 7, "color": "#08519c"}),
        (
            short,
            label("level.insufficient_evidence", lang),
            {"size": 7, "color": "#636363", "symbol": "circle-open", "line": {"width": 1.5}},
        ),
    ]
    for mask, name, marker in groups:
        if not mask.any():
            continue
        fig["data"].append(
            {
                "type": "scatter",
                "x": _values(rank[mask]),
                "y": _values(names[mask]),
                "mode": "markers",
                "name": name,
                "marker": marker,
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": _values(np.maximum(q95 - rank, 0)[mask]),
                    "arrayminus": _values(np.maximum(rank - q5, 0)[mask]),
                    "color": "#6baed6" if name == rank_label else "#bdbdbd",
                    "thickness": 2,
                    "width": 0,
                },
                "customdata": _values(hover[mask]),
                "hovertemplate": "%{customdata}<extra></extra>",
                "showlegend": bool(short.any()),
            }
        )
    if not len(table):
        fig["layout"]["annotations"] = [
            {
                "text": label("coverage.no_evidence", lang),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
            }
        ]
    fig["layout"]["yaxis"] = {
        "autorange": "reversed",
        "tickfont": {"size": 9},
        "automargin": True,
        "categoryorder": "array",
        "categoryarray": _values(names),
    }
    fig["layout"]["xaxis"] = {
        "title": {"text": label("rank_axis", lang)},
        "gridcolor": "#eeeeee",
        "rangemode": "tozero",
    }
    title = label(f"ranking_{index}", lang)
    return _layout(fig, title, 160 + 13 * len(table), legend={"orientation": "h"})


def level_probabilities(
    regions: pd.DataFrame, lang: str = "en", level_names: Sequence[str] = ()
) -> Figure:
    """Stacked horizontal bars of ``p_level_1``, ``p_level_2``, ... per region (by IAI rank)."""
    table = regions.sort_values(["iai_rank", "code"], kind="mergesort")
    columns = sorted(
        (c for c in table.columns if c.startswith("p_level_")), key=lambda c: int(c[8:])
    )
    names = _values(region_names(table, lang).to_numpy())
    if not level_names:
        level_names = _level_names_from(regions, lang)
    fig = _figure()
    for column in columns:
        k = int(column.removeprefix("p_level_"))
        fig["data"].append(
            {
                "type": "bar",
                "x": _values(table[column].astype(float).to_numpy()),
                "y": names,
                "orientation": "h",
                "name": _name_of_level(level_names, k),
                "marker": {"color": _level_colour(k)},
                "hovertemplate": f"%{{y}}<br>{_name_of_level(level_names, k)}: %{{x:.2f}}"
                "<extra></extra>",
            }
        )
    fig["layout"].update(
        barmode="stack",
        legend={
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 1.0,
            "yanchor": "bottom",
            "traceorder": "normal",
        },
        yaxis={"autorange": "reversed", "tickfont": {"size": 9}, "automargin": True},
        xaxis={"range": [0, 1], "title": {"text": label("probability", lang)}},
    )
    return _layout(fig, label("level_probabilities", lang), 140 + 13 * len(table))


# --- pillar profile ----------------------------------------------------------------------------


def pillar_profile(
    scores: pd.DataFrame,
    pillar_names: Mapping[str, str],
    regions: pd.DataFrame,
    lang: str = "en",
) -> Figure:
    """Heatmap of every region's pillar scores (rows by IAI rank, columns the pillars).

    Args:
        scores: regions (index: code) x pillar codes of both indices.
        pillar_names: pillar code -> display name (columns appear in this order).
        regions: the regions table, for names and order.
    """
    order = regions.sort_values(["iai_rank", "code"], kind="mergesort")["code"]
    columns = [c for c in pillar_names if c in scores.columns]
    table = scores.reindex(index=order, columns=columns)
    names = region_names(regions, lang).reindex(order).to_numpy()
    x = [pillar_names[c] for c in columns]
    fig = _figure(
        {
            "type": "heatmap",
            "z": _matrix(table.to_numpy(dtype=float)),
            "x": x,
            "y": _values(names),
            "colorscale": CONTINUOUS,
            "zmin": 0,
            "zmax": 100,
            "xgap": 1,
            "ygap": 1,
            "colorbar": {"thickness": 12},
            "hovertemplate": "%{y}<br>%{x}: %{z:.1f}<extra></extra>",
        },
        yaxis={"autorange": "reversed", "tickfont": {"size": 9}, "automargin": True},
        xaxis={"side": "top", "tickangle": -35, "automargin": True},
    )
    return _layout(fig, label("pillar_profile", lang), 220 + 13 * len(table))


# --- network -----------------------------------------------------------------------------------


def strongest_ties(intensity: pd.DataFrame, top_n: int = 60) -> pd.DataFrame:
    """The ``top_n`` region-partner pairs by bilateral intensity (ties broken by codes).

    Returns ``region``, ``partner``, ``intensity`` (only positive intensities).
    """
    long = intensity.stack().rename("intensity").reset_index()
    long.columns = ["region", "partner", "intensity"]
    long = long[long["intensity"] > 0]
    long = long.sort_values(
        ["intensity", "region", "partner"], ascending=[False, True, True], kind="mergesort"
    )
    return long.head(top_n).reset_index(drop=True)


def spring_layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str, float]], seed: int = 7
) -> dict[str, tuple[float, float]]:
    """networkx's ``spring_layout(graph, seed=seed, weight="weight")`` (Fruchterman-Reingold)
    of the graph of ``edges`` (node, node, weight) with ``nodes`` in that order; networkx is
    imported here, by the one figure that needs it."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    # weights to 9 decimals: the layout's iterations would turn differences in the last bits
    # (the same evidence summed in another order) into visibly different positions
    graph.add_weighted_edges_from((a, b, round(w, 9)) for a, b, w in edges)
    if len(graph) == 0:
        return {}
    positions = nx.spring_layout(graph, seed=seed, weight="weight")
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


def network(
    ties: pd.DataFrame,
    region_labels: Mapping[str, str],
    partner_labels: Mapping[str, str],
    lang: str = "en",
    seed: int = 7,
) -> Figure:
    """The region-partner network of ``ties`` (``region``, ``partner``, ``intensity``).

    Positions come from networkx's spring layout (:func:`spring_layout`) with a fixed
    ``seed``; edge width follows intensity. Regions are blue circles, partner countries orange
    diamonds.
    """
    columns = (ties[k].tolist() for k in ("region", "partner", "intensity"))
    edges = [
        (f"r:{region}", f"p:{partner}", float(intensity))
        for region, partner, intensity in zip(*columns, strict=True)
    ]
    nodes = list(dict.fromkeys(node for a, b, _ in edges for node in (a, b)))
    strength = dict.fromkeys(nodes, 0.0)
    for a, b, weight in edges:
        strength[a] += weight
        strength[b] += weight
    positions = spring_layout(nodes, edges, seed=seed)
    fig = _figure()
    top = float(ties["intensity"].max()) if len(ties) else 1.0
    for a, b, weight in edges:  # one trace per edge for its own width
        (xa, ya), (xb, yb) = positions[a], positions[b]
        fig["data"].append(
            {
                "type": "scatter",
                "x": [xa, xb],
                "y": [ya, yb],
                "mode": "lines",
                "line": {"width": 0.5 + 4 * weight / top, "color": "#9ecae1"},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    for kind, prefix, labels, style in (
        ("regions", "r:", region_labels, {"color": "#08519c", "symbol": "circle"}),
        ("partners", "p:", partner_labels, {"color": "#e6550d", "symbol": "diamond"}),
    ):
        chosen = sorted(n for n in nodes if n.startswith(prefix))
        codes = [n[len(prefix) :] for n in chosen]
        sizes = [strength[n] for n in chosen]
        biggest = max(max(sizes, default=0.0), 1e-9)
        fig["data"].append(
            {
                "type": "scatter",
                "x": [positions[n][0] for n in chosen],
                "y": [positions[n][1] for n in chosen],
                "mode": "markers+text",
                "text": [_short_code(c) if prefix == "r:" else c for c in codes],
                "textposition": "top center",
                "textfont": {"size": 9},
                "marker": {**style, "size": [8 + 10 * s / biggest for s in sizes]},
                "name": label(f"network_{kind}", lang),
                "customdata": [labels.get(c, c) for c in codes],
                "hovertemplate": "<b>%{customdata}</b><br>"
                + label("intensity", lang)
                + " %{marker.size:.0f}<extra></extra>",
            }
        )
    fig["layout"]["xaxis"] = {"visible": False}
    fig["layout"]["yaxis"] = {"visible": False, "scaleanchor": "x", "scaleratio": 1}
    title = label("network_title", lang).format(n=len(ties))
    return _layout(fig, title, 650, legend={"orientation": "h"})


# --- scenarios ---------------------------------------------------------------------------------

SUBPLOT_WIDTHS = (0.65, 0.35)
SUBPLOT_SPACING = 0.1
"""Two subplots side by side: their widths and the gap between them (plotly's
``make_subplots(cols=2, column_widths=[0.65, 0.35])``, whose default gap is 0.2 / cols)."""


def scenario_levels(
    capacity: pd.DataFrame,
    totals: pd.DataFrame,
    region_labels: Mapping[str, str],
    partner_label: str,
    lang: str = "en",
    top: int = 10,
) -> Figure:
    """One partner's scenario at every crisis level.

    Args:
        capacity: long table ``level``, ``code``, ``capacity`` (every region at every level).
        totals: one row per ``level`` with ``total``, ``resilience``, ``redundancy``.
        region_labels: code -> display name.
        partner_label: the partner's name for the title.
        top: how many regions to show (the top at level 0 and at the highest level).

    Left: the capacity of the top regions as lines across the levels; right: the country's
    total capacity per level (resilience and redundancy in the hover).
    """
    levels = sorted(int(v) for v in totals["level"])
    crisis_level = label("crisis_level", lang)
    share = (1 - SUBPLOT_SPACING) / sum(SUBPLOT_WIDTHS)
    left = [0.0, share * SUBPLOT_WIDTHS[0]]
    right = [left[1] + SUBPLOT_SPACING, left[1] + SUBPLOT_SPACING + share * SUBPLOT_WIDTHS[1]]
    titles = (label("scenario_top_regions", lang), label("scenario_totals", lang))
    axis = {"tickvals": levels, "title": {"text": crisis_level}}
    value_axis = {"domain": [0.0, 1.0], "gridcolor": "#eeeeee", "rangemode": "tozero"}
    fig = _figure(
        annotations=[
            {
                "font": {"size": 16},
                "showarrow": False,
                "text": text,
                "x": (domain[0] + domain[1]) / 2,
                "xanchor": "center",
                "xref": "paper",
                "y": 1.0,
                "yanchor": "bottom",
                "yref": "paper",
            }
            for text, domain in zip(titles, (left, right), strict=True)
        ],
        xaxis={"anchor": "y", "domain": left, **axis},
        xaxis2={"anchor": "y2", "domain": right, **axis},
        yaxis={"anchor": "x", **value_axis},
        yaxis2={"anchor": "x2", **value_axis},
    )
    first = capacity[capacity["level"] == levels[0]] if levels else capacity.iloc[:0]
    last = capacity[capacity["level"] == levels[-1]] if levels else capacity.iloc[:0]
    chosen = list(dict.fromkeys([*_top_codes(first, top), *_top_codes(last, max(top // 2, 1))]))
    wide = capacity.pivot_table(index="code", columns="level", values="capacity", aggfunc="first")
    wide = wide.reindex(index=chosen, columns=levels).to_numpy(dtype=float)
    for i, code in enumerate(chosen):
        fig["data"].append(
            {
                "type": "scatter",
                "x": levels,
                "y": _values(wide[i]),
                "mode": "lines+markers",
                "name": region_labels.get(code, code),
                "line": {"width": 1.5},
                "legendgroup": "regions",
                "hovertemplate": f"{region_labels.get(code, code)}<br>"
                + crisis_level
                + " %{x}: %{y:.3f}<extra></extra>",
                "marker": {"size": 6},
                "showlegend": i < 15,
                "xaxis": "x",
                "yaxis": "y",
            }
        )
    ordered = totals.set_index("level").reindex(levels)
    total, resilience, redundancy = (label(k, lang) for k in ("total", "resilience", "redundancy"))
    hover = [
        f"{crisis_level} {lv}<br>{total} {_fmt(t, 3)}"
        f"<br>{resilience} {_fmt(r, 3)}<br>{redundancy} {_fmt(d, 1)}"
        for lv, t, r, d in zip(
            levels,
            ordered["total"].tolist(),
            ordered["resilience"].tolist(),
            ordered["redundancy"].tolist(),
            strict=True,
        )
    ]
    fig["data"].append(
        {
            "type": "bar",
            "x": levels,
            "y": _values(ordered["total"].to_numpy(dtype=float)),
            "marker": {"color": [CRISIS_COLOURS[lv % len(CRISIS_COLOURS)] for lv in levels]},
            "customdata": hover,
            "hovertemplate": "%{customdata}<extra></extra>",
            "showlegend": False,
            "xaxis": "x2",
            "yaxis": "y2",
        }
    )
    title = label("scenario_title", lang).format(partner=partner_label)
    return _layout(fig, title, 480, legend={"font": {"size": 10}})


def _top_codes(table: pd.DataFrame, n: int) -> list[str]:
    ordered = table.sort_values(["capacity", "code"], ascending=[False, True], kind="mergesort")
    return list(ordered["code"].head(n))
