"""EMISS (fedstat.ru): official regional statistics from an indicator's SDMX message.

fedstat.ru, the Unified Interdepartmental Statistical Information System of Russia, serves every
indicator as an SDMX-ML generic data message (the ``v1_0`` schemas: ``GenericData`` with
``Header``, ``CodeLists``, an optional ``Description`` and a ``DataSet``) from one endpoint,
:data:`DATA_URL`: a form ``POST`` with the indicator ``id`` and, optionally, the site's
``selectedFilterIds`` (``<filter>_<value>``, as its indicator page builds them). With ``id``
alone, the site answers with the indicator's default selection.

:func:`parse_sdmx` reads the message (the same code for the network and a saved file):

- each ``generic:Series`` has a ``SeriesKey`` of ``Value concept=... value=...`` (one concept is
  the territory, ``s_OKATO``), ``Attributes`` (``EI``: the unit; ``PERIOD``: the period within
  the year, e.g. ``значение показателя за год``), and ``Obs`` with ``Time`` (the year) and
  ``ObsValue value=...`` (decimal comma); attributes may also sit on an observation;
- territories are matched to the registry by OKATO code: EMISS writes a subject's code in
  11 digits (``92000000000`` for Tatarstan), the registry keeps 2 digits (``92``) or, for an
  autonomous okrug inside an oblast, 5 (``71100``); a code matches when it is the registry's
  code followed by zeros. The federation (``643``), federal districts (short codes, or a code
  list description naming a federal district) and parts of subjects (``71001000000``, Tyumen
  Oblast without its okrugs) are skipped and counted;
- one period is kept: ``period`` when given, else the only period of the message, else the
  whole-year one (``значение показателя за год``, ``январь-декабрь``, ``год``); a message with
  several periods and none of these needs ``period``;
- series that differ by another dimension (sex, settlement type, ...) are kept apart: the
  indicator name gets the labels of those dimensions (from the code lists) in brackets, e.g.
  ``Life expectancy [Мужчины; Городское население]``; ``select`` keeps only series with given
  dimension values.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..registry import RegionRegistry
from .base import Fetched
from .http import HttpClient, file_time, retrieved_now

DATA_URL = "https://www.fedstat.ru/indicator/data.do?format=sdmx"
PAGE_URL = "https://www.fedstat.ru/indicator/{id}"
VERSION = "1.0"
SDMX = "http://www.SDMX.org/resources/SDMXML/schemas/v1_0/"
NS = {
    "message": SDMX + "message",
    "generic": SDMX + "generic",
    "structure": SDMX + "structure",
}
ANNUAL_PERIODS = ("значение показателя за год", "январь-декабрь", "год")
NON_REGION_WORDS = ("федеральный округ", "российская федерация", "федеральн")

SKIP_NOT_REGION = "not a region (federation or federal district)"
SKIP_UNKNOWN_OKATO = "OKATO code not in the registry"
SKIP_PERIOD = "other period"
SKIP_NOT_SELECTED = "not selected"
SKIP_NO_VALUE = "no value"
SKIP_NO_UNIT = "no unit"
SKIP_BAD_YEAR = "not a year"
SKIP_DUPLICATE = "duplicate region and year"


class EmissError(ValueError):
    """A response that is not an EMISS SDMX message that can be read."""


def source_of(indicator: str) -> str:
    """The ``source`` of every statistic of ``indicator``."""
    return f"EMISS (fedstat.ru) indicator {indicator}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _values(element: ET.Element | None) -> dict[str, str]:
    """``{concept: value}`` of the ``generic:Value`` children of ``element``."""
    if element is None:
        return {}
    return {
        v.get("concept", ""): (v.get("value") or "").strip()
        for v in element.findall("generic:Value", NS)
    }


@dataclass
class Message:
    """An SDMX generic data message, flattened: one row per observation."""

    observations: pd.DataFrame
    """Columns: every key concept, every attribute concept, ``Time`` and ``ObsValue``."""
    key_concepts: list[str]
    codelists: dict[str, dict[str, str]]
    """``{code list id: {code: description}}``."""
    name: str | None
    """The indicator's name, when the message carries one."""


def read_message(payload: bytes | str) -> Message:
    """Flatten an SDMX-ML 1.0/2.0 generic data message (namespaces as fedstat writes them)."""
    try:
        root = ET.fromstring(payload)
    except ET.ParseError as exc:
        raise EmissError(f"expected an SDMX XML message, got unreadable XML ({exc})") from exc
    if _local(root.tag) != "GenericData":
        raise EmissError(
            f"expected an SDMX generic data message (<GenericData>), got <{_local(root.tag)}>"
        )
    codelists = {
        cl.get("id", ""): {
            code.get("value", ""): " ".join(
                (code.findtext("structure:Description", "", NS) or "").split()
            )
            for code in cl.findall("structure:Code", NS)
        }
        for cl in root.iter(f"{{{NS['structure']}}}CodeList")
    }
    rows: list[dict[str, str]] = []
    key_concepts: list[str] = []
    for series in root.iter(f"{{{NS['generic']}}}Series"):
        key = _values(series.find("generic:SeriesKey", NS))
        for concept in key:
            if concept not in key_concepts:
                key_concepts.append(concept)
        attributes = _values(series.find("generic:Attributes", NS))
        for obs in series.findall("generic:Obs", NS):
            value = obs.find("generic:ObsValue", NS)
            rows.append(
                {
                    **key,
                    **attributes,
                    **_values(obs.find("generic:Attributes", NS)),
                    "Time": (obs.findtext("generic:Time", "", NS) or "").strip(),
                    "ObsValue": "" if value is None else (value.get("value") or "").strip(),
                }
            )
    frame = pd.DataFrame(rows, dtype=object).fillna("")
    return Message(frame, key_concepts, codelists, _indicator_name(root))


def _indicator_name(root: ET.Element) -> str | None:
    """The indicator name from the message's ``Description`` block, if it has one."""
    for block in root:
        if _local(block.tag) != "Description":
            continue
        for element in block.iter():
            if _local(element.tag).lower() in ("name", "title"):
                text = " ".join((element.text or "").split())
                if text:
                    return text
            if element.get("name"):
                return " ".join(str(element.get("name")).split())
    return None


def okato_index(regions: RegionRegistry) -> tuple[dict[str, str], dict[str, str]]:
    """``({2-digit okato: code}, {5-digit okato: code})`` over every region of the registry."""
    two: dict[str, str] = {}
    five: dict[str, str] = {}
    for region in regions.regions("all"):
        if region.okato:
            (five if len(region.okato) == 5 else two)[region.okato] = region.code
    return two, five


def match_okato(
    code: str, two: Mapping[str, str], five: Mapping[str, str], description: str = ""
) -> tuple[str | None, str | None]:
    """``(region code, None)`` for a subject's OKATO code, else ``(None, skip reason)``."""
    text = description.lower()
    if not code.isdigit() or len(code) < 5 or any(w in text for w in NON_REGION_WORDS):
        return None, SKIP_NOT_REGION
    if code[:5] in five and not code[5:].strip("0"):
        return five[code[:5]], None
    if code[:2] in two and not code[2:].strip("0"):
        return two[code[:2]], None
    return None, SKIP_UNKNOWN_OKATO


def _okato_concept(concepts: Sequence[str]) -> str:
    for concept in concepts:
        if "okato" in concept.lower():
            return concept
    raise EmissError(
        f"the message has no OKATO (territory) dimension; its dimensions are: "
        f"{', '.join(concepts) or 'none'}"
    )


def _choose_period(periods: pd.Series, period: str | None) -> str | None:
    found = [p for p in pd.unique(periods) if p]
    if period is not None:
        return period
    if len(found) <= 1:
        return found[0] if found else None
    for annual in ANNUAL_PERIODS:
        for p in found:
            if p.lower() == annual:
                return p
    raise EmissError(
        f"the message has several periods ({'; '.join(found[:12])}) and none is the whole year; "
        "choose one with --period"
    )


def parse_sdmx(
    payload: bytes | str,
    indicator: str,
    *,
    regions: RegionRegistry,
    origin: str,
    retrieved: str,
    name: str | None = None,
    period: str | None = None,
    select: Mapping[str, str] | None = None,
) -> Fetched:
    """Turn an EMISS SDMX message into statistics (long layout; see the module doc).

    Args:
        payload: the message (response body or saved file).
        indicator: the EMISS indicator id (for the source and the default name).
        regions: the registry whose OKATO codes match the territories.
        origin, retrieved: provenance (URL or file; UTC ISO 8601 time).
        name: the indicator name to store; default the message's, else ``emiss_<indicator>``.
        period: the ``PERIOD`` attribute to keep (default: see :func:`_choose_period`).
        select: ``{concept: code}``: keep only observations with these dimension values.
    """
    message = read_message(payload)
    obs = message.observations
    rows_read = len(obs)
    skipped: Counter[str] = Counter()
    base_name = name or message.name or f"emiss_{indicator}"
    columns = ["region", "year", "indicator", "value", "unit", "source"]
    if rows_read == 0:
        return _fetched(pd.DataFrame(columns=columns), indicator, origin, retrieved, 0, skipped)
    okato = _okato_concept(message.key_concepts)

    for concept, code in (select or {}).items():
        if concept not in obs.columns:
            known = ", ".join(message.key_concepts)
            raise EmissError(f"no dimension {concept!r} to select on; the dimensions are: {known}")
        keep = obs[concept] == code
        skipped[SKIP_NOT_SELECTED] += int((~keep).sum())
        obs = obs.loc[keep]

    if "PERIOD" in obs.columns:
        chosen = _choose_period(obs["PERIOD"], period)
        if chosen is not None:
            keep = obs["PERIOD"] == chosen
            skipped[SKIP_PERIOD] += int((~keep).sum())
            obs = obs.loc[keep]

    two, five = okato_index(regions)
    descriptions = message.codelists.get(okato, {})
    matched = {
        code: match_okato(code, two, five, descriptions.get(code, ""))
        for code in obs[okato].unique()
    }
    region = obs[okato].map(lambda c: matched[c][0])
    reason = obs[okato].map(lambda c: matched[c][1])
    for why, n in reason.dropna().value_counts().items():
        skipped[str(why)] += int(n)
    obs, region = obs.loc[region.notna()], region.loc[region.notna()]

    year = pd.to_numeric(obs["Time"].str.extract(r"^(\d{4})$", expand=False), errors="coerce")
    text = obs["ObsValue"].str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".")
    value = pd.to_numeric(text, errors="coerce")
    unit = obs["EI"] if "EI" in obs.columns else pd.Series("", index=obs.index, dtype=object)
    bad_year = year.isna()
    no_value = ~bad_year & value.isna()
    no_unit = ~bad_year & ~no_value & (unit == "")
    skipped[SKIP_BAD_YEAR] += int(bad_year.sum())
    skipped[SKIP_NO_VALUE] += int(no_value.sum())
    skipped[SKIP_NO_UNIT] += int(no_unit.sum())
    good = ~(bad_year | no_value | no_unit)

    others = [c for c in message.key_concepts if c != okato and obs.loc[good, c].nunique() > 1]
    label = pd.Series(base_name, index=obs.index, dtype=object)
    if others:
        parts = [
            obs[c].map(lambda v, c=c: message.codelists.get(c, {}).get(v) or v) for c in others
        ]
        detail = parts[0].str.cat(parts[1:], sep="; ") if len(parts) > 1 else parts[0]
        label = base_name + " [" + detail + "]"
    out = pd.DataFrame(
        {
            "region": region,
            "year": year,
            "indicator": label,
            "value": value,
            "unit": unit,
            "source": source_of(indicator),
        }
    ).loc[good]
    out["year"] = out["year"].astype(int)
    dupes = out.duplicated(["region", "year", "indicator"])
    skipped[SKIP_DUPLICATE] += int(dupes.sum())
    out = out.loc[~dupes].reset_index(drop=True)
    return _fetched(out, indicator, origin, retrieved, rows_read, skipped)


def _fetched(
    frame: pd.DataFrame,
    indicator: str,
    origin: str,
    retrieved: str,
    rows_read: int,
    skipped: Counter[str],
) -> Fetched:
    return Fetched(
        kind="stats",
        frame=frame,
        connector=f"emiss-{indicator}",
        version=VERSION,
        origin=origin,
        retrieved=retrieved,
        rows_read=rows_read,
        skipped=+skipped,
    )


def post(client: HttpClient, url: str, data: Sequence[tuple[str, str]]) -> bytes:
    """``POST url`` with form ``data`` (repeated keys kept), with the client's retry policy."""
    form: dict[str, Any] = {}
    for key, value in data:
        form.setdefault(key, []).append(value)
    return client.post(url, form)


def request_form(indicator: str, filters: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The form fields of the data request: ``id`` and any ``selectedFilterIds``."""
    if not re.fullmatch(r"\d+", indicator):
        raise ValueError(
            f"an EMISS indicator id is a number (as in fedstat.ru/indicator/31293), "
            f"got {indicator!r}"
        )
    return [("id", indicator), *(("selectedFilterIds", f) for f in filters)]


def fetch(
    indicator: str,
    *,
    regions: RegionRegistry,
    client: HttpClient | None = None,
    from_file: Path | None = None,
    name: str | None = None,
    period: str | None = None,
    select: Mapping[str, str] | None = None,
    filters: Sequence[str] = (),
) -> Fetched:
    """Download indicator ``indicator`` from fedstat.ru (or replay ``from_file``) and parse it."""
    form = request_form(indicator, filters)
    if from_file is not None:
        path = Path(from_file)
        payload, origin, retrieved = path.read_bytes(), str(path), file_time(path)
    else:
        base = client or HttpClient(timeout=180.0)
        headers = {
            **base.headers,
            "Accept": "application/xml, text/xml",
            "Referer": PAGE_URL.format(id=indicator),
        }
        http = dataclasses.replace(base, headers=headers)
        payload = post(http, DATA_URL, form)
        origin, retrieved = f"{DATA_URL}&id={indicator}", retrieved_now()
    return parse_sdmx(
        payload,
        indicator,
        regions=regions,
        origin=origin,
        retrieved=retrieved,
        name=name,
        period=period,
        select=select,
    )
