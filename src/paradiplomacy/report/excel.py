"""Every table of the assessment in one Excel workbook, and the tables the report shares.

:func:`export_assessment` writes a ``README`` sheet first (what the workbook is, the SYNTHETIC
DATA notice when the data are synthetic), one sheet per table, and a ``columns`` sheet that
describes every column of every sheet (sheet, column, description, unit). Cells hold values,
never formulas: a text starting with ``=``, ``+``, ``-`` or ``@`` is stored as text.

The table builders (:func:`pillar_scores`, :func:`rank_statistics`, :func:`scenario_levels`,
:func:`top_pairs`) are shared with the HTML report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # openpyxl is imported by the export, not by the HTML report that uses the
    from openpyxl.styles import Font  # table builders of this module


CRISIS_LEVELS = (0, 1, 2, 3)
"""The crisis levels of MODEL.md section 7."""

SYNTHETIC_NOTICE = (
    "SYNTHETIC DATA: every number in this workbook is made from invented demo data, not "
    "evidence. Never cite it."
)
_FORMULA_START = ("=", "+", "-", "@")
_MAX_SHEET = 31


# --- tables shared with the report -------------------------------------------------------------


def pillar_scores(assessment: Any) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every region's pillar scores of both indices and the pillars' names.

    Returns the regions (index: code, in the assessment's region order) x pillar codes (IAI's
    pillars then SPPI's), and pillar code -> name (``iName`` of the index metadata). Pillars
    dropped for lack of evidence, and an index left out altogether, have no column.
    """
    codes = list(assessment.regions["code"])
    frames, names = [], {}
    for index in ("IAI", "SPPI"):
        coin = assessment.coins.get(index)
        if coin is None:  # the index was left out for lack of evidence (coverage)
            continue
        pillars = list(coin.framework.codes_at(2))
        meta = coin.framework.index_meta.set_index("iCode")
        for code in pillars:
            name = meta["iName"].get(code) if "iName" in meta else None
            names[code] = f"{index}: {name or code}"
        frames.append(coin.aggregated[pillars].reindex(codes))
    scores = pd.concat(frames, axis=1) if frames else pd.DataFrame(index=codes)
    scores.index.name = "code"
    return scores, names


def rank_statistics(assessment: Any) -> pd.DataFrame:
    """Rank statistics of both indices over the uncertainty runs (long: one row per index
    and region: nominal, mean, median, q5, q95 rank)."""
    frames = []
    for index in ("IAI", "SPPI"):
        if index not in assessment.uncertainty:  # left out for lack of evidence
            continue
        stats = assessment.uncertainty[index].rank_stats.copy()
        stats.insert(0, "index", index)
        frames.append(stats.rename(columns={"uCode": "code"}))
    if not frames:
        return pd.DataFrame(columns=["index", "code", "nominal", "mean", "median", "q5", "q95"])
    return pd.concat(frames, ignore_index=True)


def top_pairs(assessment: Any, n: int = 500) -> pd.DataFrame:
    """The ``n`` region-partner pairs of highest bilateral intensity, with names."""
    from .figures import strongest_ties

    ties = strongest_ties(assessment.channels.bilateral_intensity(), n)
    regions = assessment.regions.set_index("code")
    ties.insert(1, "region_name", ties["region"].map(regions["name_en"]).to_numpy())
    ties.insert(3, "partner_name", ties["partner"].map(assessment.partners["name_en"]).to_numpy())
    return ties


def scenario_levels(
    assessment: Any, partner: str, levels: Sequence[int] = CRISIS_LEVELS, top: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One partner's scenario at every crisis level.

    Returns the capacity table of every region at every level (long, with a ``level`` column
    first) and the country totals, one row per level (``level``, ``total``, ``total_level0``,
    ``resilience``, ``redundancy``, ``regions_with_capacity``, ``channels_without_evidence``:
    the channels with no record toward the partner, ``|``-joined).
    """
    partner = partner.strip().upper()
    capacities, totals = [], []
    for level in levels:
        result = assessment.scenario(partner, int(level), top=top)
        table = result.capacity.copy()
        table.insert(0, "level", int(level))
        capacities.append(table)
        summary = result.summary
        totals.append(
            {
                "partner": summary["partner"],
                "level": int(level),
                "total": summary.get("total"),
                "total_level0": summary.get("total_level0"),
                "resilience": summary.get("resilience"),
                "redundancy": summary.get("redundancy"),
                "regions_with_capacity": summary.get("regions_with_capacity"),
                "channels_without_evidence": "|".join(summary.get("channels_without_evidence", [])),
            }
        )
    return pd.concat(capacities, ignore_index=True), pd.DataFrame(totals)


# --- column descriptions -----------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, str]] = {
    "code": ("region code (ISO 3166-2 where one exists)", ""),
    "name_en": ("name in English", ""),
    "name_ru": ("name in Russian", ""),
    "iai": ("International Activity Index (nominal)", "score 0-100"),
    "iai_rank": ("rank by the IAI (1 = highest)", "rank"),
    "iai_rank_q5": ("5th percentile of the IAI rank over the uncertainty runs", "rank"),
    "iai_rank_q95": ("95th percentile of the IAI rank over the uncertainty runs", "rank"),
    "sppi": ("Soft Power Potential Index (nominal)", "score 0-100"),
    "sppi_rank": ("rank by the SPPI (1 = highest)", "rank"),
    "sppi_rank_q5": ("5th percentile of the SPPI rank over the uncertainty runs", "rank"),
    "sppi_rank_q95": ("95th percentile of the SPPI rank over the uncertainty runs", "rank"),
    "level": ("nominal level of international activity (1 = Leader)", "level"),
    "level_name": ("name of the nominal level", ""),
    "level_name_ru": ("name of the nominal level in Russian", ""),
    "balance": ("instrument balance: institutional, balanced or societal", ""),
    "orientation": ("geographic orientation: diversified or focused on a macro-region", ""),
    "structural_type": ("structural types (border, coastal, arctic, ...), |-separated", ""),
    "data": ("origin of the data (synthetic or evidence)", ""),
    "score": ("IAI score used for the class", "score 0-100"),
    "score_level": ("level from the score alone, before the guards", "level"),
    "p_nominal": ("share of runs in the nominal level", "probability"),
    "n_runs": ("uncertainty runs", "runs"),
    "n_runs_missing": ("runs without a score", "runs"),
    "guard_notes": ("guards that moved the region down", ""),
    "n_records": ("records in the profile window", "records"),
    "state_share": ("share of state-like instruments", "share"),
    "dominant_macro_region": ("macro-region with most records", ""),
    "hhi": ("Herfindahl index of the macro-region shares", "index 0-1"),
    "n_partner_countries": ("distinct partner countries", "countries"),
    "n_macro_regions": ("distinct macro-regions", "macro-regions"),
    "index": ("the composite index", ""),
    "nominal": ("nominal rank", "rank"),
    "mean": ("mean rank over the runs", "rank"),
    "median": ("median rank over the runs", "rank"),
    "q5": ("5th percentile of the rank over the runs", "rank"),
    "q95": ("95th percentile of the rank over the runs", "rank"),
    "region": ("region code", ""),
    "region_name": ("region name in English", ""),
    "partner": ("partner country, ISO 3166-1 alpha-2", ""),
    "partner_name": ("partner country name in English", ""),
    "channel": ("channel of influence", ""),
    "evidence": ("evidence part of the channel strength (discounted records)", "weighted records"),
    "structural": ("structural part of the channel strength", "weighted ties"),
    "strength": ("channel strength B(r, c, k) scaled to [0, 1]", "0-1"),
    "intensity": ("bilateral intensity B(r, c): weighted sum of the channel strengths", "0-1"),
    "capacity": ("normalisation capacity NC(r, c, level) of the recommended framework", "capacity"),
    "rank": ("rank by capacity (1 = highest)", "rank"),
    "framework": ("recommended framework: culture_image, political_plus or both", ""),
    "nc_culture_image": ("capacity through the culture and image-building framework", "capacity"),
    "nc_political_plus": ("capacity through the political-plus framework", "capacity"),
    "records": ("uids of the records behind the value, ;-separated", ""),
    "total": ("country total capacity towards the partner", "capacity"),
    "total_level0": ("country total capacity at crisis level 0", "capacity"),
    "resilience": ("total at the crisis level / total at level 0", "ratio"),
    "redundancy": ("effective number of regions carrying the capacity", "regions"),
    "regions_with_capacity": ("regions with positive capacity", "regions"),
    "key": ("name of the item", ""),
    "value": ("its value", ""),
    "source": ("source of the records or statistics", ""),
    "count": ("number of rows", "rows"),
    "kind": ("records or statistics", ""),
    "role": ("role of the configuration file", ""),
    "path": ("path of the file", ""),
    "sha256": ("SHA-256 of the file (first 16 hex digits)", ""),
    "sheet": ("sheet of this workbook", ""),
    "column": ("column of that sheet", ""),
    "description": ("what the column holds", ""),
    "unit": ("unit of the values", ""),
}
"""Known columns: description and unit. Others are described by pattern in :func:`describe`."""

COVERAGE_COLUMNS: dict[str, tuple[str, str]] = {
    "coverage": ("share of the full IAI model's weight that the region's value rests on", "share"),
    "sppi_coverage": ("share of the full SPPI model's weight that the value rests on", "share"),
    "evidence": (
        "sufficient, or insufficient: the IAI coverage is below min_coverage and the region has "
        "no level",
        "",
    ),
    "channels_without_evidence": (
        "channels with no record toward the partner (no evidence, not zero), |-separated",
        "",
    ),
}
"""Columns about coverage (docs/coverage.md), in every sheet but those of :data:`SHEET_COLUMNS`."""

SHEET_COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "coverage_instruments": {
        "instrument": ("instrument of the taxonomy", ""),
        "nature": ("nature of the instrument: state or societal", ""),
        "records": ("current activity records of the instrument in scope", "records"),
        "statistics": ("statistics with data that measure the instrument, |-separated", ""),
        "covered": ("whether the ledger holds evidence of the instrument", "yes/no"),
    },
    "coverage_indicators": {
        "code": ("indicator code", ""),
        "name": ("indicator name", ""),
        "kind": ("where the indicator comes from: ledger, statistic, structural or events", ""),
        "instruments": ("instruments the indicator selects, |-separated", ""),
        "covered_instruments": ("those of them the ledger covers, |-separated", ""),
        "availability": ("share of regions with a value", "share"),
        "weight_full": ("effective weight in the full model (sums to 1 per index)", "weight"),
        "weight_used": ("effective weight in the model used (0 when left out)", "weight"),
        "used": ("whether the indicator is used", "yes/no"),
        "reason": ("why the indicator was left out (empty when used)", ""),
    },
    "coverage_aggregates": {
        "code": ("pillar or sub-index code", ""),
        "name": ("pillar or sub-index name", ""),
        "reason": ("why it was dropped", ""),
    },
}
"""Descriptions of the coverage sheets' columns, which differ from the same names elsewhere."""


def describe(column: str, sheet: str, imeta: pd.DataFrame | None = None) -> tuple[str, str]:
    """Description and unit of ``column`` of ``sheet`` (indicator and pillar codes from iMeta)."""
    if column in SHEET_COLUMNS.get(sheet, {}):
        return SHEET_COLUMNS[sheet][column]
    if column in COVERAGE_COLUMNS and sheet not in ("channels", "top_pairs"):
        return COVERAGE_COLUMNS[column]
    if column in COLUMNS:
        return COLUMNS[column]
    if imeta is not None and column in set(imeta["iCode"]):
        row = imeta[imeta["iCode"] == column].iloc[0]
        unit = row.get("Unit") if "Unit" in row else None
        unit = "" if unit is None or (isinstance(unit, float) and np.isnan(unit)) else str(unit)
        if sheet.startswith("pillar") or str(row.get("Type")) == "Aggregate":
            unit = "score 0-100"
        return str(row.get("iName", column)), unit
    if column.startswith("p_level_"):
        return f"probability of level {column[8:]} over the uncertainty runs", "probability"
    if column.startswith("p_top"):
        return f"probability of being in the top {column[5:]} under uncertainty", "probability"
    if column.startswith("contrib_"):
        return f"contribution of the {column[8:]} channel to the capacity", "capacity"
    if column.startswith("share_"):
        return f"share of records with partners in {column[6:]}", "share"
    for prefix in ("culture_image", "political_plus"):
        if column.startswith(prefix):
            return f"suitability for the {prefix} framework ({column})", "suitability"
    return column.replace("_", " "), ""


# --- the workbook ------------------------------------------------------------------------------


def assessment_sheets(assessment: Any, partners: Sequence[str] = ()) -> dict[str, pd.DataFrame]:
    """Every table of the assessment by sheet name (without ``README`` and ``columns``)."""
    sheets: dict[str, pd.DataFrame] = {}
    regions = assessment.regions_table()
    sheets["regions"] = regions
    sheets["indicators"] = assessment.idata
    sheets["iMeta"] = assessment.imeta
    sheets["classes"] = assessment.classes
    sheets["profile"] = assessment.profile
    scores, _names = pillar_scores(assessment)
    for index in ("IAI", "SPPI"):
        coin = assessment.coins.get(index)
        pillars = list(coin.framework.codes_at(2)) if coin is not None else []
        sheets[f"pillars_{index}"] = scores[pillars].reset_index()
    sheets["rank_statistics"] = rank_statistics(assessment)
    channels = assessment.channels.to_frame()
    sheets["channels"] = channels[channels["strength"] > 0].reset_index(drop=True)
    sheets["top_pairs"] = top_pairs(assessment)
    sheets["provenance"] = _provenance_table(assessment.provenance())
    sheets["configuration"] = _configuration_table(assessment.configuration())
    sheets.update(coverage_sheets(assessment))
    for code in dict.fromkeys(p.strip().upper() for p in partners):
        capacity, totals = scenario_levels(assessment, code)
        sheets[f"scenario_{code}"] = capacity
        sheets[f"scenario_{code}_totals"] = totals
    return {name[:_MAX_SHEET]: frame for name, frame in sheets.items()}


def coverage_sheets(assessment: Any) -> dict[str, pd.DataFrame]:
    """What the evidence covers (docs/coverage.md): ``coverage_instruments`` (one row per
    instrument), ``coverage_indicators`` (every indicator of both indices with its screening)
    and ``coverage_aggregates`` (pillars dropped, with the reason)."""
    from ..assess.coverage_view import coverage_view, indicator_table

    instruments = assessment.coverage.instruments.reset_index()
    view = coverage_view(assessment, "en")
    aggregates = pd.DataFrame(
        view["aggregates_dropped"], columns=["index", "code", "name", "reason"]
    )
    return {
        "coverage_instruments": instruments,
        "coverage_indicators": indicator_table(assessment, "en"),
        "coverage_aggregates": aggregates,
    }


def coverage_lines(assessment: Any) -> list[str]:
    """The README lines on what the evidence covers: the data label, the instruments covered
    and not, what each index rests on, the regions classed "insufficient evidence"."""
    coverage = assessment.coverage
    table = assessment.regions_table()
    minimum = assessment.configs["classification"].min_coverage
    return [
        f"coverage: {assessment.data_label()}",
        "instruments covered: " + (", ".join(coverage.covered) or "none"),
        "instruments not covered: " + (", ".join(coverage.not_covered) or "none"),
        *(
            f"{code}: rests on {item.weight_used:.0%} of its full model's weight; indicators "
            f"used {len(item.used)}, left out {int((~item.indicators['used']).sum())} "
            "(sheet coverage_indicators gives each reason)"
            for code, item in coverage.indices.items()
        ),
        f"regions classed 'insufficient evidence' (IAI coverage below {minimum:.0%}): "
        f"{int((table['evidence'] == 'insufficient').sum())} of {len(table)}; their level is "
        "empty",
        "Missing is not zero: an empty cell means no evidence, never 0 (docs/coverage.md).",
    ]


def _provenance_table(provenance: dict[str, Any]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = [
        {"kind": "summary", "source": key, "count": provenance[key]}
        for key in ("records", "records_up_to_year", "statistics")
        if key in provenance
    ]
    for kind, key in (("records", "record_sources"), ("statistics", "statistic_sources")):
        for source, count in provenance.get(key, {}).items():
            rows.append({"kind": kind, "source": source, "count": count})
    rows.append({"kind": "data", "source": provenance.get("data", ""), "count": None})
    return pd.DataFrame(rows, columns=["kind", "source", "count"])


def _configuration_table(configuration: dict[str, Any]) -> pd.DataFrame:
    import json

    rows = []
    for role, item in configuration.get("files", {}).items():
        rows.append({"key": f"file:{role}", "value": item["path"], "sha256": item["sha256"]})
    for key, value in configuration.items():
        if key == "files":
            continue
        text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
        rows.append({"key": key, "value": text, "sha256": ""})
    return pd.DataFrame(rows, columns=["key", "value", "sha256"])


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (dt.datetime, dt.date, int, str)):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return str(value)


def _row(sheet: Any, values: Iterable[Any], font: Font | None = None) -> list[Any]:
    """Cells of one row: plain values, except text that looks like a formula (stored as text)
    and cells with a font."""
    cells: list[Any] = []
    for raw in values:
        value = _cell_value(raw)
        formula_like = isinstance(value, str) and value.startswith(_FORMULA_START)
        if not formula_like and font is None:
            cells.append(value)
            continue
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        if formula_like:
            cell.data_type = "s"  # text, never a formula
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def export_assessment(assessment: Any, path: Path, partners: Sequence[str] = ()) -> Path:
    """Write every table of ``assessment`` to one ``.xlsx`` at ``path`` and return the path.

    Sheets: ``README`` (what this is; SYNTHETIC DATA when synthetic; the data label and what
    the evidence covers), ``regions``, ``indicators`` (iData), ``iMeta``, ``classes``,
    ``profile``, ``pillars_IAI``, ``pillars_SPPI``, ``rank_statistics``, ``channels`` (non-zero
    strengths), ``top_pairs`` (bilateral intensity), ``provenance``, ``configuration``,
    ``coverage_instruments``, ``coverage_indicators``, ``coverage_aggregates``, per requested
    partner
    ``scenario_<XX>`` (capacity of every region at crisis levels 0-3) and
    ``scenario_<XX>_totals``, and ``columns`` describing every column of every sheet. When the
    data are synthetic, every sheet's first row is the SYNTHETIC DATA banner and the header is
    the second row.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    synthetic = bool(assessment.synthetic)
    sheets = assessment_sheets(assessment, partners)
    descriptions = []
    for name, frame in sheets.items():
        for column in frame.columns:
            text, unit = describe(str(column), name, assessment.imeta)
            descriptions.append(
                {"sheet": name, "column": str(column), "description": text, "unit": unit}
            )
    for column in ("sheet", "column", "description", "unit"):
        text, unit = describe(column, "columns")
        descriptions.append(
            {"sheet": "columns", "column": column, "description": text, "unit": unit}
        )
    sheets["columns"] = pd.DataFrame(descriptions)

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    banner_font = Font(bold=True, color="9C0006")
    banner_fill = PatternFill("solid", fgColor="FFC7CE")
    readme = book.create_sheet("README")
    lines = [
        "Assessment of the international activity of regions (paradiplomacy)",
        f"assessment year: {assessment.year}; scope: {assessment.scope}; "
        f"runs: {assessment.runs}; seed: {assessment.seed}",
        f"data: {'synthetic' if synthetic else assessment.origin}",
        *coverage_lines(assessment),
        "Sheets: " + ", ".join(sheets),
        "The sheet 'columns' describes every column of every sheet (description and unit).",
        "All cells are values; nothing is a formula.",
    ]
    if synthetic:
        cell = WriteOnlyCell(readme, value=SYNTHETIC_NOTICE)
        cell.font, cell.fill = banner_font, banner_fill
        readme.append([cell])
    for line in lines:
        readme.append(_row(readme, [line]))
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        if synthetic:
            cell = WriteOnlyCell(sheet, value=SYNTHETIC_NOTICE)
            cell.font, cell.fill = banner_font, banner_fill
            sheet.append([cell])
        sheet.append(_row(sheet, [str(c) for c in frame.columns], bold))
        for values in frame.itertuples(index=False, name=None):
            sheet.append(_row(sheet, values))
    book.save(path)
    return path
