"""Wikidata: twin towns and partner regions (twinning) and foreign consulates (consulate_hosted).

Two SPARQL queries run on the Wikidata Query Service (:data:`ENDPOINT`, ``GET`` with ``query``
and ``format=json``). Both bind ``?regionIso`` to the ISO 3166-2 code (Wikidata property P300)
of the first-level division that the item lies in, through any chain of "located in the
administrative territorial entity" (P131) statements, and are restricted to the ISO codes of the
registry's regions (regions without an ISO code, such as disputed entries, are not queried):

- :func:`twinning_query`: settlements and regions with a "twinned administrative body" (P190);
  ``?partner`` is the twin, ``?countryIso`` the ISO 3166-1 alpha-2 code (P297) of the twin's
  country (P17, best rank only). The statement's qualifiers "start time" (P580) and "end time"
  (P582) are bound to the optional ``?start`` and ``?end``.
- :func:`consulates_query`: instances of consulate (Q7843791) or of any of its subclasses
  (consulate-general, honorary consulate, ...: ``wdt:P31/wdt:P279*``). The sending country is
  the operator (P137): the operator itself when it has an ISO alpha-2 code (a state), or the
  country (P17) of the operator (e.g. a foreign ministry). The item's own country (P17) is not
  used: on Wikidata it is the *host* country. Inception (P571) and dissolution (P576) are bound
  to ``?start`` and ``?end``.

The response (SPARQL 1.1 JSON results: ``{"head": {"vars": [...]}, "results": {"bindings":
[...]}}``) is parsed by :func:`parse_results`, the same code for the network and for a saved
file. Each result becomes one activity record:

======================  =====================================================================
region                  the registry region whose ISO code is ``?regionIso``
partner_country         ``?countryIso``
partner_name            ``?partnerLabel`` (twinning); empty for consulates
instrument              ``twinning`` or ``consulate_hosted``
year                    the year of ``?start`` when bound, else the retrieval year
status                  ``terminated`` when ``?end`` is bound, else ``active``
source                  the item's URL (``http://www.wikidata.org/entity/Q...``)
confidence              :data:`CONFIDENCE` (0.8: crowd-sourced, usually referenced, not audited)
note                    the item and partner labels and Q-identifiers
======================  =====================================================================

Results are skipped, and counted by reason, when the region or the country does not resolve in
the registries, when the country is the home country, when a binding that is needed is missing,
or when the same record occurs twice in the response.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..registry import PartnerRegistry, RegionRegistry
from .base import Fetched
from .http import HttpClient, file_time, retrieved_now

ENDPOINT = "https://query.wikidata.org/sparql"
VERSION = "1.0"
CONFIDENCE = 0.8
ACCEPT = "application/sparql-results+json"
ENTITY = "http://www.wikidata.org/entity/"
CONSULATE = "Q7843791"

Kind = Literal["twinning", "consulates"]
INSTRUMENT: dict[str, str] = {"twinning": "twinning", "consulates": "consulate_hosted"}
VARIABLES: dict[str, tuple[str, ...]] = {
    "twinning": ("item", "itemLabel", "regionIso", "partner", "partnerLabel", "countryIso"),
    "consulates": ("item", "itemLabel", "regionIso", "countryIso"),
}
"""The variables each query must bind (``?start`` and ``?end`` are optional)."""

SKIP_REGION = "region not in the registry"
SKIP_COUNTRY = "country not in the partner registry"
SKIP_HOME = "partner in the home country"
SKIP_MISSING = "missing item, region or country"
SKIP_DUPLICATE = "duplicate result"


class WikidataError(ValueError):
    """A response that is not SPARQL JSON results of the expected query."""


def _values(codes: list[str]) -> str:
    return " ".join(f'"{code}"' for code in codes)


def region_iso_codes(regions: RegionRegistry, scope: str | None = "all") -> list[str]:
    """The ISO 3166-2 codes of the registry's regions in ``scope`` (entries without one skipped)."""
    return sorted({r.iso_code for r in regions.regions(scope) if r.iso_code})


def twinning_query(iso_codes: list[str]) -> str:
    """The SPARQL query for twin towns and partner regions located in the given regions."""
    return f"""# paradiplomacy: twinned administrative bodies (P190) of places in the regions
SELECT DISTINCT ?item ?itemLabel ?regionIso ?partner ?partnerLabel ?countryIso ?start ?end
WHERE {{
  VALUES ?regionIso {{ {_values(iso_codes)} }}
  ?region wdt:P300 ?regionIso .
  ?item wdt:P131* ?region .
  ?item p:P190 ?twin .
  ?twin ps:P190 ?partner .
  OPTIONAL {{ ?twin pq:P580 ?start . }}
  OPTIONAL {{ ?twin pq:P582 ?end . }}
  ?partner wdt:P17 ?country .
  ?country wdt:P297 ?countryIso .
  SERVICE wikibase:label {{ bd:serviceParam wikibase:language "en,ru". }}
}}"""


def consulates_query(iso_codes: list[str]) -> str:
    """The SPARQL query for foreign consulates (and their subclasses) located in the regions."""
    return f"""# paradiplomacy: foreign consulates (Q7843791 and subclasses) in the regions
SELECT DISTINCT ?item ?itemLabel ?regionIso ?countryIso ?start ?end
WHERE {{
  VALUES ?regionIso {{ {_values(iso_codes)} }}
  ?region wdt:P300 ?regionIso .
  ?item wdt:P31/wdt:P279* wd:{CONSULATE} .
  ?item wdt:P131* ?region .
  ?item wdt:P137 ?operator .
  OPTIONAL {{ ?operator wdt:P297 ?operatorIso . }}
  OPTIONAL {{ ?operator wdt:P17/wdt:P297 ?operatorCountryIso . }}
  BIND(COALESCE(?operatorIso, ?operatorCountryIso) AS ?countryIso)
  FILTER(BOUND(?countryIso))
  OPTIONAL {{ ?item wdt:P571 ?start . }}
  OPTIONAL {{ ?item wdt:P576 ?end . }}
  SERVICE wikibase:label {{ bd:serviceParam wikibase:language "en,ru". }}
}}"""


def build_query(kind: Kind, regions: RegionRegistry) -> str:
    """The query of ``kind`` for the ISO codes of every region of ``regions``."""
    codes = region_iso_codes(regions)
    return twinning_query(codes) if kind == "twinning" else consulates_query(codes)


def _bindings(payload: bytes | str, kind: Kind) -> pd.DataFrame:
    """The result bindings as a DataFrame of strings (empty string when unbound)."""
    try:
        data: Any = json.loads(payload)
        rows = data["results"]["bindings"]
        variables = data["head"]["vars"]
    except (ValueError, KeyError, TypeError) as exc:
        raise WikidataError(
            f"expected SPARQL JSON results ({{'head': ..., 'results': {{'bindings': [...]}}}}), "
            f"got something else ({type(exc).__name__}: {exc})"
        ) from exc
    missing = [v for v in VARIABLES[kind] if v not in variables]
    if missing:
        raise WikidataError(
            f"the {kind} results lack the variable(s) {', '.join(missing)}; "
            f"expected {', '.join(VARIABLES[kind])}"
        )
    columns = [*VARIABLES[kind], "start", "end"]
    table = {
        name: [str(row.get(name, {}).get("value", "")).strip() for row in rows] for name in columns
    }
    return pd.DataFrame(table, columns=columns, dtype=object)


def _qid(url: pd.Series) -> pd.Series:
    return url.str.removeprefix(ENTITY)


def parse_results(
    payload: bytes | str,
    kind: Kind,
    *,
    regions: RegionRegistry,
    partners: PartnerRegistry,
    origin: str,
    retrieved: str,
) -> Fetched:
    """Turn SPARQL JSON results of the ``kind`` query into activity records (see module doc).

    Args:
        payload: the response body (or a saved file's bytes).
        kind: ``twinning`` or ``consulates``.
        regions, partners: the registries that resolve ``?regionIso`` and ``?countryIso``.
        origin: the URL queried or the file replayed (provenance).
        retrieved: the retrieval time (UTC ISO 8601); its year is the default record year.
    """
    frame = _bindings(payload, kind)
    skipped: Counter[str] = Counter()
    rows_read = len(frame)

    need = ["item", "regionIso", "countryIso"] + (["partner"] if kind == "twinning" else [])
    complete = (frame[need] != "").all(axis=1)
    skipped[SKIP_MISSING] += int((~complete).sum())
    frame = frame.loc[complete]

    region_of = {iso: regions.resolve(iso) for iso in frame["regionIso"].unique()}
    region = frame["regionIso"].map(region_of)
    known_region = region.notna()
    skipped[SKIP_REGION] += int((~known_region).sum())
    frame, region = frame.loc[known_region], region.loc[known_region]

    upper = frame["countryIso"].str.upper()
    country_of = {c: (c if c in partners else partners.resolve(c)) for c in upper.unique()}
    country = upper.map(country_of)
    home = country == regions.country
    known_country = country.notna() & ~home
    skipped[SKIP_HOME] += int(home.sum())
    skipped[SKIP_COUNTRY] += int(country.isna().sum())
    frame = frame.loc[known_country]
    region, country = region.loc[known_country], country.loc[known_country]

    default_year = int(retrieved[:4])
    start_year = pd.to_numeric(frame["start"].str.extract(r"^(-?\d{4})", expand=False))
    year = start_year.fillna(default_year).astype(int)
    status = (frame["end"] != "").map({True: "terminated", False: "active"})
    item_label = frame["itemLabel"].where(frame["itemLabel"] != "", _qid(frame["item"]))
    if kind == "twinning":
        partner_label = frame["partnerLabel"].where(
            frame["partnerLabel"] != "", _qid(frame["partner"])
        )
        partner_name = partner_label
        note = (
            "Wikidata: "
            + item_label
            + " ("
            + _qid(frame["item"])
            + ") twinned with "
            + partner_label
            + " ("
            + _qid(frame["partner"])
            + ")"
        )
    else:
        partner_name = pd.Series("", index=frame.index, dtype=object)
        note = "Wikidata: " + item_label + " (" + _qid(frame["item"]) + ")"
    out = pd.DataFrame(
        {
            "region": region,
            "partner_country": country,
            "partner_name": partner_name,
            "instrument": INSTRUMENT[kind],
            "year": year,
            "status": status,
            "source": frame["item"],
            "confidence": CONFIDENCE,
            "note": note,
        }
    )
    dupes = out.duplicated()
    skipped[SKIP_DUPLICATE] += int(dupes.sum())
    out = out.loc[~dupes].reset_index(drop=True)
    return Fetched(
        kind="records",
        frame=out,
        connector=f"wikidata-{kind}",
        version=VERSION,
        origin=origin,
        retrieved=retrieved,
        rows_read=rows_read,
        skipped=+skipped,
    )


def fetch(
    kind: Kind,
    *,
    regions: RegionRegistry,
    partners: PartnerRegistry,
    client: HttpClient | None = None,
    from_file: Path | None = None,
) -> Fetched:
    """Run the ``kind`` query on Wikidata (or replay ``from_file``) and parse the results.

    Raises :class:`~paradiplomacy.connectors.http.FetchError` when the endpoint cannot be
    reached and :class:`WikidataError` when the response is not the expected results.
    """
    if kind not in INSTRUMENT:
        raise ValueError(f"kind must be 'twinning' or 'consulates', not {kind!r}")
    if from_file is not None:
        path = Path(from_file)
        return parse_results(
            path.read_bytes(),
            kind,
            regions=regions,
            partners=partners,
            origin=str(path),
            retrieved=file_time(path),
        )
    base = client or HttpClient(timeout=120.0)
    client = dataclasses.replace(base, headers={**base.headers, "Accept": ACCEPT})
    params = {"query": build_query(kind, regions), "format": "json"}
    body = client.get(ENDPOINT, params)
    return parse_results(
        body, kind, regions=regions, partners=partners, origin=ENDPOINT, retrieved=retrieved_now()
    )
