"""How the report, the Excel export and the dashboard show what the evidence covers.

Missing is not zero (docs/coverage.md): every output says which instruments the ledger covers,
which indicators were left out of the indices and why, and which regions are classed
"insufficient evidence". This module turns the assessment's
:class:`~paradiplomacy.assess.coverage.LedgerCoverage` into plain, labelled rows in English or
Russian, so that the report and the dashboard show the same thing in the same words:

- :func:`data_label`: the one-line label of the data (``Assessment.data_label()`` in English,
  the same sentence in Russian from ``data/i18n.yaml``);
- :func:`reason_label`: why an indicator or an aggregate was left out, in either language;
- :func:`coverage_view`: everything a first screen and a methods page show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import i18n

if TYPE_CHECKING:  # pandas is imported by indicator_table: the dashboard starts without it
    import pandas as pd

DOCS = "docs/coverage.md"
"""The document that explains coverage and screening (linked to by name)."""

INSUFFICIENT = "insufficient"
"""The ``evidence`` value of a region classed "insufficient evidence" (regions table)."""

_REASONS: tuple[tuple[re.Pattern[str], str, Callable[[re.Match[str]], dict[str, str]]], ...] = (
    (
        re.compile(r"instrument not covered: no records of (?P<x>.+)"),
        "coverage.reason_instrument",
        lambda m: {"instruments": m["x"]},
    ),
    (
        re.compile(r"no data of the statistic '?(?P<x>[^']+)'?"),
        "coverage.reason_statistic",
        lambda m: {"statistic": m["x"]},
    ),
    (re.compile(r"no GDELT events in the ledger"), "coverage.reason_events", lambda m: {}),
    (re.compile(r"no data: every region is missing"), "coverage.reason_missing", lambda m: {}),
    (
        re.compile(r"data availability (?P<a>[\d.]+) below the threshold (?P<t>[\d.]+)"),
        "coverage.reason_availability",
        lambda m: {"availability": m["a"], "threshold": m["t"]},
    ),
    (
        re.compile(r"no variation: every region with a value has (?P<x>.+)"),
        "coverage.reason_constant",
        lambda m: {"value": m["x"]},
    ),
    (
        re.compile(r"every indicator below it was left out"),
        "coverage.reason_aggregate",
        lambda m: {},
    ),
)
"""The reasons :mod:`paradiplomacy.assess.coverage` writes, and their labels."""


def reason_label(
    reason: str, lang: str = "en", instruments: Mapping[str, str] | None = None
) -> str:
    """Why an indicator or aggregate was left out, in ``lang``.

    English is the assessment's own text; other languages translate the reasons that
    :mod:`paradiplomacy.assess.coverage` writes (a reason of another form is kept as it is),
    naming the instruments by ``instruments`` (id -> label in ``lang``) when given.
    """
    text = str(reason or "")
    if lang == "en":
        return text
    for pattern, key, fields in _REASONS:
        match = pattern.fullmatch(text)
        if match:
            values = fields(match)
            if "instruments" in values and instruments:
                ids = [i.strip() for i in values["instruments"].split(",")]
                values["instruments"] = ", ".join(instruments.get(i, i) for i in ids)
            return i18n.t(key, lang, **values)
    return text


def index_name(index: str, lang: str) -> str:
    """The short name of an index in ``lang`` (IAI, ИМА); the code when i18n lacks it."""
    try:
        return i18n.t(f"{index.lower()}_short", lang)
    except KeyError:
        return index


def term_label(term: str, lang: str) -> str:
    """A framework term without evidence (``sppi``, ``iai_political``) in ``lang``."""
    try:
        return i18n.t(f"coverage.term_{term}", lang)
    except KeyError:
        return term


def _instrument_labels(assessment: Any, lang: str) -> dict[str, str]:
    return {i: instrument_label(assessment, i, lang) for i in assessment.taxonomy.instruments}


def _origin(assessment: Any, lang: str) -> str:
    if assessment.synthetic:
        return i18n.t("coverage.origin_synthetic", lang)
    if assessment.origin == "real":
        return i18n.t("coverage.origin_real", lang)
    return i18n.t("coverage.origin_other", lang, origin=str(assessment.origin))


def data_label(assessment: Any, lang: str = "en") -> str:
    """The one line every output carries: the data's origin and what the evidence covers.

    English: ``Assessment.data_label()`` as it is (e.g. "real public data, incomplete: 3 of 19
    instruments covered; not covered: ..."); Russian: the same sentence from ``i18n.yaml``,
    the instruments named by their Russian labels.
    """
    if lang == "en":
        return str(assessment.data_label())
    coverage = assessment.coverage
    fields = {
        "origin": _origin(assessment, lang),
        "covered": str(len(coverage.covered)),
        "total": str(len(coverage.instruments)),
    }
    if not coverage.not_covered:
        return i18n.t("coverage.label_complete", lang, **fields)
    missing = ", ".join(instrument_label(assessment, i, lang) for i in coverage.not_covered)
    return i18n.t("coverage.label_incomplete", lang, missing=missing, **fields)


def instrument_label(assessment: Any, instrument: str, lang: str) -> str:
    """The instrument's label in ``lang`` (its id when the taxonomy lacks it)."""
    spec = assessment.taxonomy.instruments.get(instrument)
    if spec is None:
        return instrument
    return str(spec.label_ru if lang == "ru" else spec.label_en)


def _indicator_names(assessment: Any, lang: str) -> dict[str, str]:
    catalogue = assessment.configs["catalogue"]
    column = "name_ru" if lang == "ru" else "name_en"
    return {ind.code: str(getattr(ind, column, "") or ind.code) for ind in catalogue.indicators}


def _aggregate_names(hierarchy: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(node: Mapping[str, Any]) -> None:
        if node.get("children"):
            out[str(node["code"])] = str(node.get("name") or node["code"])
            for kid in node["children"]:
                walk(kid)

    tops = hierarchy.get("index") or []
    for top in [tops] if isinstance(tops, Mapping) else tops:
        walk(top)
    return out


def percent(value: Any, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage; an en dash when missing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not np.isfinite(number):
        return "–"
    return f"{100 * number:.{digits}f}%"


def insufficient_regions(assessment: Any) -> list[str]:
    """Codes of the regions classed "insufficient evidence" (regions-table order)."""
    table = assessment.regions_table()
    if "evidence" not in table:
        return []
    return [str(c) for c in table.loc[table["evidence"] == INSUFFICIENT, "code"]]


def coverage_view(assessment: Any, lang: str = "en") -> dict[str, Any]:
    """What the first screen and the methods page show, labelled in ``lang``.

    Keys: ``label`` (:func:`data_label`), ``complete``, ``synthetic``, ``origin``,
    ``covered`` (rows: instrument, label, channel, records, statistics),
    ``not_covered`` (rows: instrument, label, channel), ``channels_not_covered`` (channel ids),
    ``left_out`` (rows: index, index_name, code, name, reason, kind), ``aggregates_dropped``
    (rows: index, index_name, code, name, reason), ``indices`` (rows: index, index_name,
    weight_used, min_availability, n_used, n_left_out), ``min_coverage``, ``insufficient``
    (region codes), ``n_regions``, ``cut_method`` and ``docs``. Reasons and names are in
    ``lang``; ``index`` and ``code`` are the codes.
    """
    coverage = assessment.coverage
    frame = coverage.instruments
    covered = [
        {
            "instrument": str(inst),
            "label": instrument_label(assessment, str(inst), lang),
            "channel": str(row["channel"]),
            "records": int(row["records"]),
            "statistics": [s for s in str(row["statistics"]).split("|") if s],
        }
        for inst, row in frame[frame["covered"]].iterrows()
    ]
    not_covered = [
        {
            "instrument": str(inst),
            "label": instrument_label(assessment, str(inst), lang),
            "channel": str(row["channel"]),
        }
        for inst, row in frame[~frame["covered"]].iterrows()
    ]
    names = _indicator_names(assessment, lang)
    labels = _instrument_labels(assessment, lang)
    left_out: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    indices: list[dict[str, Any]] = []
    for index, item in coverage.indices.items():
        table = item.indicators
        for row in table[~table["used"]].itertuples(index=False):
            left_out.append(
                {
                    "index": index,
                    "index_name": index_name(index, lang),
                    "code": str(row.code),
                    "name": names.get(str(row.code), str(row.code)),
                    "kind": str(row.kind),
                    "reason": reason_label(str(row.reason), lang, labels),
                }
            )
        config = assessment.configs["indices"].get(index)
        aggregate_names = _aggregate_names(config.hierarchy) if config is not None else {}
        for code, row in item.aggregates[~item.aggregates["used"]].iterrows():
            dropped.append(
                {
                    "index": index,
                    "index_name": index_name(index, lang),
                    "code": str(code),
                    "name": aggregate_names.get(str(code), str(code)),
                    "reason": reason_label(str(row["reason"]), lang),
                }
            )
        indices.append(
            {
                "index": index,
                "index_name": index_name(index, lang),
                "weight_used": float(item.weight_used),
                "min_availability": float(item.screening.min_availability),
                "n_used": int(table["used"].sum()),
                "n_left_out": int((~table["used"]).sum()),
            }
        )
    channels = coverage.channels()
    return {
        "label": data_label(assessment, lang),
        "complete": bool(coverage.complete),
        "synthetic": bool(assessment.synthetic),
        "origin": str(assessment.origin),
        "covered": covered,
        "not_covered": not_covered,
        "channels_not_covered": [k for k, ok in channels.items() if not ok],
        "left_out": left_out,
        "aggregates_dropped": dropped,
        "indices": indices,
        "min_coverage": float(assessment.configs["classification"].min_coverage),
        "insufficient": insufficient_regions(assessment),
        "n_regions": len(assessment.regions),
        "cut_method": str(coverage.cut_method),
        "docs": DOCS,
    }


def indicator_table(assessment: Any, lang: str = "en") -> pd.DataFrame:
    """Every indicator of both indices with its screening: index, code, name, kind,
    instruments, covered_instruments, availability, weight_full, weight_used, used, reason."""
    names = _indicator_names(assessment, lang)
    frames = []
    for index, item in assessment.coverage.indices.items():
        table = item.indicators.copy()
        table.insert(0, "index", index)
        table.insert(2, "name", table["code"].map(names).fillna(table["code"]))
        labels = _instrument_labels(assessment, lang)
        table["reason"] = [reason_label(str(r), lang, labels) for r in table["reason"]]
        frames.append(table)
    columns = ["index", "code", "name", "kind", "instruments", "covered_instruments",
               "availability", "weight_full", "weight_used", "used", "reason"]  # fmt: skip
    import pandas as pd

    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True).reindex(columns=columns)
