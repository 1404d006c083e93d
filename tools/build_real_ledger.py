"""Build the real starter ledger's tables (``src/paradiplomacy/data/real/``) from public sources.

Run from the repository root::

    python tools/build_real_ledger.py --data ../shared/data --out src/paradiplomacy/data/real

``--data`` is a folder laid out as the project's shared data (``twinning/``, ``consulates/``,
``stats/``, ``regions/``, ``gdelt/``, ``boundaries/``, each described by its ``SOURCE.md``). The
raw files are never copied: the tool writes compact derived tables in the formats that
``paradiplomacy import records`` and ``import stats`` read, and the GDELT events as the
connector keeps them:

``records_twinning.csv``
    One activity record (instrument ``twinning``) per twin-town pair of a Russian city and a
    foreign city, placed in the Russian city's region; ``partner_name`` is the foreign city.
    The source list gives no signing dates, so ``date`` is the date of the list's snapshot
    (:data:`TWIN_SNAPSHOT`), an observation date, and each record's note says so.
``records_consulates.csv``
    One record (instrument ``consulate_hosted``) per consulate-general, consulate, consular
    agency or honorary consulate of a foreign state located in Russia (Wikidata), in the region
    of its city, dated with the snapshot of the Wikidata extract (:data:`POSTS_SNAPSHOT`).
``stats_rosstat.csv``
    Statistics in long form: ``population`` (thousand persons, resident population on 1
    January of the year), ``grp`` (gross regional product, billion RUB, current basic prices)
    and ``fixed_investment`` (fixed-capital investment, billion RUB), the units the indicator
    catalogue (``data/indicators.yaml``) expects for its denominators.
``stats_embassies.csv``
    ``foreign_embassies`` (posts): embassies, the apostolic nunciature and de facto embassies
    per region in the year of the Wikidata snapshot. No index uses it: it keeps the capital's
    embassies apart from the consular presence in the regions.
``events_gdelt.csv``
    The GDELT sample's rows that the project's GDELT connector keeps (its default rule), one
    row per event and partner, in the columns of ``ledger.events.EVENT_COLUMNS``.
``unplaced.csv``
    Every source row that could not be placed, with the reason (``dataset, source_row, item,
    reason``); the build prints a count by reason.

**Placing a place name in a region** (:class:`Placer`): (1) a name the region registry resolves
(a region's name, e.g. "Sverdlovsk Oblast", or a federal city, "Moscow"); (2) a town of the
town table (``twinning/ru_towns.csv``) whose transliterated name matches (:func:`skeleton`),
or is close to (RapidFuzz ratio >= :data:`FUZZY_MIN`) a town within :data:`NEAR_KM` of the
source's coordinates; a name matching towns in several regions is placed by the nearest one
within :data:`NEAR_KM`, else it is *ambiguous*; a single match farther than :data:`NEAR_KM`
from the source's coordinates is a *disagreement* of name and coordinates and is not placed; a
name with a parent in parentheses, "Lazarevsky (Sochi)", is placed by its parent; (3) the
source's coordinates inside one of the geoBoundaries ADM1 polygons
(``boundaries/*.geojson``, property ``shapeISO``), for districts, city districts and towns
that the town table does not list (Kronstadt, Pushkin). Whatever is left is unplaced.

**Statistics** join by the Russian region name: the code crosswalk
(``regions/ru_subjects_code_crosswalk.csv``: ``iso_name_ru``, ``fias_name_with_type``), then the
region registry's name resolution, then both again with abbreviations spelt out ("АО" ->
"автономный округ"). Every row that does not join is printed. Zero and empty values mark
missing data in these files and are left out (counted and printed), never stored as zeros.
Values are rounded to whole roubles or persons (the files carry float noise such as
``16903544000.000002``) and then divided exactly into the catalogue's units.

The output is deterministic: rows are sorted, numbers are written as exact decimals, and the
only dates are the sources' fixed snapshot dates.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from paradiplomacy.connectors import gdelt
from paradiplomacy.ledger.events import EVENT_COLUMNS
from paradiplomacy.registry import PartnerRegistry, RegionRegistry

TWIN_SNAPSHOT = "2026-02-08"
"""Date of the twin-town list: commit 92aa937 of Hekman/twincities (app/public/twin_cities.csv)."""
POSTS_SNAPSHOT = "2022-11-16"
"""Date of the Wikidata extract: commit b1987a6 of database-of-embassies/database-of-embassies."""
NEAR_KM = 50.0
"""A town matches a source place only within this distance of the source's coordinates."""
FUZZY_MIN = 85.0
"""RapidFuzz ratio (0-100) of transliterated names for a near town to match a name."""
COAST_KM = 5.0
"""A point in no polygon is placed in the one region whose polygon is within this distance
(the simplified polygons cut off some coasts and islands: Kronstadt is 1.7 km off)."""

TWIN_SOURCE = (
    "English Wikipedia, lists of twin towns and sister cities (CC BY-SA 4.0), via "
    "github.com/Hekman/twincities app/public/twin_cities.csv, commit 92aa937 ({snapshot}); "
    "twinning/twin_cities_russia.csv row {row}"
)
POST_SOURCE = (
    "Wikidata (CC0) {url}, via github.com/database-of-embassies/database-of-embassies "
    "commit b1987a6 ({snapshot}); consulates/missions_in_russia.csv row {row}"
)
EMBASSY_SOURCE = (
    "Wikidata (CC0), via github.com/database-of-embassies/database-of-embassies commit b1987a6 "
    "({snapshot}); consulates/missions_in_russia.csv rows {rows}"
)
STAT_SOURCE = (
    "Rosstat, via github.com/MaxGoryunov/Energy-data-collection {file} (commit 411a4ea); "
    "stats/maxgoryunov_{file} row {row}"
)
GDELT_URL = "http://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip"
"""The GDELT file the sample is the CSV of: the events' ``source_file``."""

CONSULAR_TYPES = {
    "consulate general": "consulate-general",
    "Consulate General of Sweden": "consulate-general",
    "consulate": "consulate",
    "honorary consulate": "honorary consulate",
    "Consular Agency": "consular agency",
}
"""Wikidata post types that are consular posts (``consulate_hosted`` records)."""
EMBASSY_TYPES = {
    "embassy": "embassy",
    "apostolic nunciature": "apostolic nunciature",
    "de facto embassy": "de facto embassy",
}
"""Wikidata post types counted apart, in the ``foreign_embassies`` statistic."""

STATISTICS = (
    # file, value column, indicator, unit, divisor
    ("population.csv", "population", "population", "thousand persons", Decimal(1000)),
    ("vrp.csv", "vrp", "grp", "billion RUB", Decimal(10) ** 9),
    ("investment.csv", "investment", "fixed_investment", "billion RUB", Decimal(10) ** 9),
)

COUNTRY_ALIASES = {"scotland": "GB", "wales": "GB", "northern ireland": "GB"}
"""Country names of the source list that name a part of an ISO 3166-1 country."""

HOME = "Russia"

# Cyrillic -> Latin, one letter each; the skeleton folds the remaining variants of romanisation.
_LATIN = "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"
_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(" "), strict=True))
_FOLDS = (
    ("-on-", "-na-"),
    ("shch", "sh"),
    ("sch", "sh"),
    ("yo", "e"),
    ("ye", "e"),
    ("yu", "u"),
    ("ya", "a"),
    ("iy", "i"),
    ("kh", "h"),
    ("x", "ks"),
    ("j", "i"),
    ("y", "i"),
)
_PARENT = re.compile(r"^(?P<name>.+?)\s*\((?P<parent>[^()]+)\)$")


def transliterate(text: str) -> str:
    """Russian text in Latin letters (a simple scheme; :func:`skeleton` folds the rest)."""
    return "".join(_CYR.get(c, c) for c in text.lower()).replace("_", "")


def skeleton(latin: str) -> str:
    """Matching key of a romanised place name: ASCII, lower case, variants of romanisation
    folded (``yo``/``ye``/``e``, ``iy``/``y``/``i``, ``kh``/``h``, ``-on-``/``-na-`` ...), letters
    only, doubled letters single. "Shchyolkovo" and "Щелково" both give ``shelkovo``."""
    text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode().lower()
    for old, new in _FOLDS:
        text = text.replace(old, new)
    text = re.sub(r"[^a-z]", "", text)
    return re.sub(r"(.)\1+", r"\1", text)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, Earth radius 6,371 km)."""
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def number(text: str) -> float | None:
    """A coordinate or value cell as a float; ``None`` when empty or not a number."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def decimal_text(value: Decimal) -> str:
    """An exact decimal without exponent or trailing zeros (``2407.2``, ``10666.8705``)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ------------------------------------------------------------------------------ placement
@dataclass(frozen=True)
class Town:
    name: str
    key: str
    lat: float
    lon: float
    region: str


@dataclass(frozen=True)
class Placement:
    """Where a place name was placed: a region code and how, or ``None`` and why not."""

    region: str | None
    method: str = ""
    town: str = ""
    reason: str = ""


class Polygons:
    """Region polygons (GeoJSON, property ``shapeISO``): which one holds a point."""

    def __init__(self, features: Iterable[tuple[str, list[np.ndarray]]]) -> None:
        self.shapes = []
        for code, rings in features:
            boxes = [(r[:, 0].min(), r[:, 0].max(), r[:, 1].min(), r[:, 1].max()) for r in rings]
            self.shapes.append((code, rings, boxes))

    @classmethod
    def load(cls, path: Path | None) -> Polygons:
        if path is None or not path.exists():
            return cls([])
        data = json.loads(path.read_text(encoding="utf-8"))
        features = []
        for feature in data["features"]:
            geometry = feature["geometry"]
            polygons = (
                [geometry["coordinates"]]
                if geometry["type"] == "Polygon"
                else geometry["coordinates"]
            )
            # every ring, outer and holes: even-odd crossing over all of them is "inside"
            rings = [np.asarray(ring, dtype=float) for p in polygons for ring in p]
            features.append((feature["properties"]["shapeISO"], rings))
        return cls(features)

    def near(self, lat: float, lon: float, within: float) -> list[tuple[float, str]]:
        """``(km, code)`` of the polygons whose boundary passes within ``within`` km of the
        point, nearest first (segment distance in a local equirectangular projection)."""
        kx = 111.32 * math.cos(math.radians(lat))
        ky = 110.57
        margin = within / ky + 0.5
        found = []
        for code, rings, boxes in self.shapes:
            best = math.inf
            for ring, (_x0, _x1, y0, y1) in zip(rings, boxes, strict=True):
                if not (y0 - margin <= lat <= y1 + margin):
                    continue
                x = (ring[:, 0] - lon) * kx
                y = (ring[:, 1] - lat) * ky
                ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
                dx, dy = bx - ax, by - ay
                length = dx * dx + dy * dy
                with np.errstate(divide="ignore", invalid="ignore"):
                    t = np.clip(np.where(length > 0, -(ax * dx + ay * dy) / length, 0.0), 0, 1)
                d = np.hypot(ax + t * dx, ay + t * dy)
                if len(d):
                    best = min(best, float(d.min()))
            if best <= within:
                found.append((best, code))
        return sorted(found)

    def find(self, lat: float, lon: float) -> list[str]:
        """Codes of the polygons that contain the point (even-odd ray casting)."""
        hits = []
        for code, rings, boxes in self.shapes:
            inside = False
            for ring, (x0, x1, y0, y1) in zip(rings, boxes, strict=True):
                if not (x0 <= lon <= x1 and y0 <= lat <= y1):
                    continue
                x, y = ring[:, 0], ring[:, 1]
                xn, yn = np.roll(x, -1), np.roll(y, -1)
                crosses = (y > lat) != (yn > lat)
                with np.errstate(divide="ignore", invalid="ignore"):
                    at = x + (lat - y) * (xn - x) / (yn - y)
                if np.count_nonzero(crosses & (lon < at)) % 2:
                    inside = not inside
            if inside:
                hits.append(code)
        return hits


class Placer:
    """Place a Russian place name (with optional coordinates) in a region; see the module doc."""

    def __init__(self, towns: Sequence[Town], regions: RegionRegistry, polygons: Polygons) -> None:
        self.towns = list(towns)
        self.regions = regions
        self.polygons = polygons
        self.by_key: dict[str, list[Town]] = defaultdict(list)
        for town in self.towns:
            self.by_key[town.key].append(town)

    @classmethod
    def load(
        cls, data: Path, regions: RegionRegistry, polygons: Polygons, names: RegionNames
    ) -> Placer:
        """The town table of ``data``. A town of an autonomous okrug (``region_name_ao``) is
        placed in the okrug: the table codes Naryan-Mar with its oblast, RU-ARK."""
        towns = []
        with (data / "twinning" / "ru_towns.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                okrug = row.get("region_name_ao", "").strip()
                code = names.resolve(okrug) if okrug else regions.resolve(row["region_iso_code"])
                lat, lon = number(row["lat"]), number(row["lon"])
                if code is None or lat is None or lon is None:
                    raise SystemExit(f"ru_towns.csv: cannot use town {row['city']!r}: {row}")
                key = skeleton(transliterate(row["city"]))
                towns.append(Town(row["city"], key, lat, lon, code))
        return cls(towns, regions, polygons)

    def place(self, name: str, lat: float | None, lon: float | None) -> Placement:
        name = name.strip()
        if not name:
            return Placement(None, reason="no place name in the source")
        placed = self._town(name, lat, lon, exact_only=True)
        if placed.region is not None or placed.reason:
            return placed
        code = self.regions.resolve(name)
        if code is not None:
            return Placement(code, "the region registry", name)
        parent = _PARENT.match(name)
        if parent:
            code = self.regions.resolve(parent["parent"])
            if code is not None:
                return Placement(code, "the region registry (the parent city named)", name)
            placed = self._town(parent["parent"], lat, lon)
            if placed.region is not None:
                return Placement(placed.region, f"{placed.method}, the parent named", placed.town)
            name = parent["name"]
        placed = self._town(name, lat, lon)
        if placed.region is not None or placed.reason:
            return placed
        if lat is None or lon is None:
            return Placement(None, reason="unknown town, and no coordinates in the source")
        hits = self.polygons.find(lat, lon)
        codes = sorted({c for c in (self.regions.resolve(h) for h in hits) if c})
        if len(codes) == 1:
            return Placement(codes[0], "coordinates in the geoBoundaries polygon", name)
        if len(codes) > 1:
            return Placement(None, reason=f"coordinates in several region polygons {codes}")
        near = {
            c
            for c in (self.regions.resolve(h) for _, h in self.polygons.near(lat, lon, COAST_KM))
            if c
        }
        if len(near) == 1:
            return Placement(
                near.pop(),
                f"coordinates within {COAST_KM:g} km of one geoBoundaries polygon (a cut coast)",
                name,
            )
        return Placement(
            None,
            reason="unknown town, and its coordinates are in no region polygon (outside Russia "
            "as geoBoundaries draws it)",
        )

    def _town(
        self, name: str, lat: float | None, lon: float | None, exact_only: bool = False
    ) -> Placement:
        """A town of the table by name: placed, not placed with a reason, or no match (no
        region and no reason); ``exact_only``: only towns whose skeleton is the name's."""
        key = skeleton(name)
        exact = self.by_key.get(key, [])
        has_xy = lat is not None and lon is not None
        if exact:
            if not has_xy:
                regions = {t.region for t in exact}
                if len(regions) == 1:
                    return Placement(exact[0].region, "town table (name)", exact[0].name)
                return Placement(
                    None, reason=f"ambiguous town: {len(exact)} towns named so, no coordinates"
                )
            near = sorted((km(lat, lon, t.lat, t.lon), t.name, t) for t in exact)
            distance, _, town = near[0]
            if distance <= NEAR_KM:
                return Placement(town.region, "town table (name and coordinates)", town.name)
            if len(exact) > 1:
                return Placement(
                    None,
                    reason=f"ambiguous town: {len(exact)} towns named so, none within "
                    f"{NEAR_KM:g} km of the coordinates",
                )
            return Placement(
                None,
                reason=f"name and coordinates disagree: the town of that name is {distance:,.0f} "
                f"km from the coordinates",
            )
        if not has_xy or exact_only:
            return Placement(None)
        close = []
        for town in self.towns:
            if abs(town.lat - lat) > 1.0:
                continue
            distance = km(lat, lon, town.lat, town.lon)
            if distance <= NEAR_KM:
                score = fuzz.ratio(key, town.key)
                if score >= FUZZY_MIN:
                    close.append((-score, distance, town.name, town))
        if close:
            town = sorted(close)[0][3]
            return Placement(town.region, "town table (close name and coordinates)", town.name)
        return Placement(None)


# ------------------------------------------------------------------------------- helpers
@dataclass
class Unplaced:
    rows: list[tuple[str, int, str, str]] = field(default_factory=list)

    def add(self, dataset: str, row: int, item: str, reason: str) -> None:
        self.rows.append((dataset, row, item, reason))

    def counts(self) -> Counter[str]:
        return Counter(_reason_kind(r[3]) for r in self.rows)


def _reason_kind(reason: str) -> str:
    """The reason without its particulars (the text before a colon), for the count by reason."""
    return reason.split(":")[0]


def read_rows(path: Path, delimiter: str = ",") -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their row number as a spreadsheet shows it (header = 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        return [(n, row) for n, row in enumerate(reader, start=2)]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a UTF-8 CSV with LF line ends; returns the number of data rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    n = 0
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        n += 1
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return n


def resolve_country(name: str, partners: PartnerRegistry) -> str | None:
    """ISO alpha-2 code of a country name of the sources: the partner registry, then
    :data:`COUNTRY_ALIASES`; a list such as "England, United Kingdom" by its first part that
    resolves ("Åland Islands, Finland" is AX, as ISO 3166-1 codes it)."""
    text = re.sub(r"\s*\(country\)$", "", name.strip())
    for part in [text, *(p.strip() for p in text.split(",") if "," in text)]:
        code = partners.resolve(part) or COUNTRY_ALIASES.get(part.casefold())
        if code is not None:
            return code
    return None


def log(message: str) -> None:
    print(message, flush=True)


# ------------------------------------------------------------------------------- twinning
RECORD_HEADER = (
    "region",
    "partner_country",
    "partner_name",
    "instrument",
    "date",
    "source",
    "note",
)


def build_twinning(
    data: Path, placer: Placer, partners: PartnerRegistry, unplaced: Unplaced
) -> list[tuple[str, ...]]:
    """Records of twin-town pairs that involve a Russian city (see the module doc)."""
    dataset = "twinning/twin_cities_russia.csv"
    records: dict[tuple[str, ...], tuple[str, ...]] = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    for row_no, row in read_rows(data / "twinning" / "twin_cities_russia.csv"):
        item = f"{row['city1']} ({row['country1']}) - {row['city2']} ({row['country2']})"
        sides = [
            (row[f"city{k}"], row[f"country{k}"], number(row[f"lat{k}"]), number(row[f"lng{k}"]))
            for k in (1, 2)
        ]
        home = [s for s in sides if s[1] == HOME]
        if len(home) == 2:
            unplaced.add(dataset, row_no, item, "both cities in Russia: a domestic tie")
            continue
        if not home:
            unplaced.add(dataset, row_no, item, "no city in Russia")
            continue
        ru = home[0]
        foreign = sides[1] if sides[0] is ru else sides[0]
        country = resolve_country(foreign[1], partners)
        if country is None:
            why = f"unknown country: {foreign[1]!r}" if foreign[1] else "no country in the source"
            unplaced.add(dataset, row_no, item, why)
            continue
        placed = placer.place(ru[0], ru[2], ru[3])
        if placed.region is None:
            unplaced.add(dataset, row_no, item, placed.reason)
            continue
        key = (placed.region, country, skeleton(foreign[0]), skeleton(ru[0]))
        if key in seen:
            unplaced.add(
                dataset, row_no, item, f"duplicate: the same pair as row {seen[key]} (listed twice)"
            )
            continue
        seen[key] = row_no
        note = (
            f"Twin town of {ru[0]} (placed by {placed.method}: {placed.town}). Observed in the "
            f"source list as of {TWIN_SNAPSHOT}; the list gives no signing date, so the date is "
            "the observation date, not the date of the agreement."
        )
        source = TWIN_SOURCE.format(snapshot=TWIN_SNAPSHOT, row=row_no)
        records[(placed.region, country, foreign[0], str(row_no))] = (
            placed.region,
            country,
            foreign[0],
            "twinning",
            TWIN_SNAPSHOT,
            source,
            note,
        )
    return [records[k] for k in sorted(records)]


# ----------------------------------------------------------------------------- consulates
def build_posts(
    data: Path, placer: Placer, partners: PartnerRegistry, unplaced: Unplaced
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Consular records and the embassy statistic from the Wikidata posts located in Russia."""
    dataset = "consulates/missions_in_russia.csv"
    records = []
    embassies: dict[str, list[int]] = defaultdict(list)
    for row_no, row in read_rows(data / "consulates" / "missions_in_russia.csv", ";"):
        kind = row["type"].strip()
        item = f"{row['operator']} {kind} in {row['city'] or '(no city)'}"
        if kind not in CONSULAR_TYPES and kind not in EMBASSY_TYPES:
            unplaced.add(dataset, row_no, item, f"not a diplomatic or consular post type: {kind!r}")
            continue
        country = resolve_country(row["operator"], partners)
        if country is None and kind in CONSULAR_TYPES:
            unplaced.add(dataset, row_no, item, f"unknown country: {row['operator']!r}")
            continue
        lat, lon = number(row["latitude"]), number(row["longitude"])
        if not row["city"].strip() and lat is None:
            unplaced.add(dataset, row_no, item, "no city and no coordinates in the source")
            continue
        placed = placer.place(row["city"], lat, lon)
        if placed.region is None:
            unplaced.add(dataset, row_no, item, placed.reason)
            continue
        if kind in EMBASSY_TYPES:
            embassies[placed.region].append(row_no)
            continue
        url = row["QID"].strip()
        opened = row["creation"][:10] if row["creation"].strip() else ""
        note = (
            f"{CONSULAR_TYPES[kind].capitalize()} of {row['operator']} in {row['city']} "
            f"(placed by {placed.method}: {placed.town}). Listed in Wikidata as of "
            f"{POSTS_SNAPSHOT}, the date of the extract (an observation date)"
            + (f"; inception in Wikidata {opened}" if opened else "")
            + ". Wikidata may list posts that have since closed."
        )
        records.append(
            (
                placed.region,
                country,
                f"{CONSULAR_TYPES[kind]} in {row['city']}",
                "consulate_hosted",
                POSTS_SNAPSHOT,
                POST_SOURCE.format(url=url or "(no item URL)", snapshot=POSTS_SNAPSHOT, row=row_no),
                note,
            )
        )
    records.sort()
    year = POSTS_SNAPSHOT[:4]
    stats = [
        (
            region,
            year,
            "foreign_embassies",
            str(len(rows)),
            "posts",
            EMBASSY_SOURCE.format(snapshot=POSTS_SNAPSHOT, rows=_ranges(rows)),
        )
        for region, rows in sorted(embassies.items())
    ]
    return records, stats


def _ranges(numbers: Sequence[int]) -> str:
    """``2-5, 8, 10-11`` for 2, 3, 4, 5, 8, 10, 11."""
    values = sorted(numbers)
    parts = []
    start = prev = values[0]
    for value in [*values[1:], None]:
        if value is not None and value == prev + 1:
            prev = value
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if value is not None:
            start = prev = value
    return ", ".join(parts)


# ----------------------------------------------------------------------------- statistics
_ABBREVIATIONS = ((r"\bАО\b", "автономный округ"), (r"\bобл\.?(?=\s|$)", "область"))


class RegionNames:
    """Russian region names of the statistics -> region codes (see the module doc)."""

    def __init__(self, crosswalk: Path, regions: RegionRegistry) -> None:
        self.regions = regions
        self.names: dict[str, str] = {}
        for _, row in read_rows(crosswalk):
            for column in ("iso_name_ru", "fias_name_with_type"):
                code = regions.resolve(row["iso3166_2"])
                if code is None:
                    raise SystemExit(f"{crosswalk.name}: {row['iso3166_2']} is not in the registry")
                self.names[_name_key(row[column])] = code
                if column == "iso_name_ru":
                    # "Ханты-Мансийский автономный округ — Югра": also without the second name
                    self.names[_name_key(re.split(r"\s+[—-]\s+", row[column])[0])] = code

    def resolve(self, name: str) -> str | None:
        for text in (name, _expand(name)):
            code = self.names.get(_name_key(text)) or self.regions.resolve(text)
            if code is not None:
                return code
        return None


def _expand(name: str) -> str:
    for pattern, full in _ABBREVIATIONS:
        name = re.sub(pattern, full, name)
    return name


def _name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


def build_statistics(data: Path, names: RegionNames, regions: RegionRegistry) -> list[tuple]:
    """Population, GRP and investment statistics in long form (see :data:`STATISTICS`)."""
    out = []
    for file, column, indicator, unit, divisor in STATISTICS:
        path = data / "stats" / f"maxgoryunov_{file}"
        unjoined: dict[str, list[int]] = defaultdict(list)
        missing = 0
        for row_no, row in read_rows(path):
            code = names.resolve(row["region"])
            if code is None:
                unjoined[row["region"]].append(row_no)
                continue
            text = row[column].strip()
            if not text or Decimal(text) == 0:
                missing += 1
                continue
            year = int(row["date"][-4:])
            # the files hold whole roubles or persons with float noise ("16903544000.000002")
            value = decimal_text(Decimal(text).quantize(Decimal(1)) / divisor)
            source = STAT_SOURCE.format(file=file, row=row_no)
            out.append((code, year, indicator, value, unit, source))
        log(f"  {path.name}: {missing} empty or zero values (missing data) left out")
        for name, rows in sorted(unjoined.items()):
            log(f"  {path.name}: region {name!r} does not join (rows {_ranges(rows)})")
    out.sort(key=lambda r: (r[2], r[0], r[1]))
    keys = Counter((r[0], r[1], r[2]) for r in out)
    clashes = [k for k, n in keys.items() if n > 1]
    if clashes:
        raise SystemExit(f"statistics: two rows for the same region, year and indicator: {clashes}")
    _check_population(out, regions)
    return out


def _check_population(rows: Sequence[tuple], regions: RegionRegistry) -> None:
    """Print regions whose population on 1 January 2022 differs from the registry's 2021
    census figure by more than 10% (a check of the join and of what each figure includes)."""
    for code, year, indicator, value, _unit, _source in rows:
        if indicator != "population" or year != 2022:
            continue
        census = regions[code].population_2021
        if census and abs(float(value) / census - 1) > 0.10:
            log(
                f"  check: {code} population on 1 January 2022 is {float(value):,.1f} thousand, "
                f"the 2021 census {census:,} thousand"
            )


# --------------------------------------------------------------------------------- events
def build_events(data: Path, regions: RegionRegistry, partners: PartnerRegistry) -> list[list]:
    """The GDELT sample's rows the connector keeps (its default rule), as an events table."""
    path = data / "gdelt" / "20191024143000.export.CSV"
    rule = gdelt.Rule.default(regions, partners)
    result = gdelt.filter_file(path, rule, threads=1, name=GDELT_URL)
    report = gdelt.FilterReport([result])
    for line in report.lines():
        log(f"  {line}")
    events = result.events.sort_values(["global_event_id", "partner"], kind="stable")
    rows = []
    for record in events.itertuples(index=False):
        values = record._asdict()
        values["date"] = values["date"].isoformat()
        for key in ("goldstein", "avg_tone"):
            values[key] = repr(float(values[key]))
        rows.append([values[c] for c in EVENT_COLUMNS])
    return rows


# ----------------------------------------------------------------------------------- main
def build(data: Path, out: Path, boundaries: Path | None = None) -> dict[str, object]:
    """Build every table from ``data`` into ``out``; returns the counts it printed."""
    regions = RegionRegistry.load()
    partners = PartnerRegistry.load()
    if boundaries is None:
        found = sorted((data / "boundaries").glob("*.geojson"))
        boundaries = found[0] if found else None
    polygons = Polygons.load(boundaries)
    names = RegionNames(data / "regions" / "ru_subjects_code_crosswalk.csv", regions)
    placer = Placer.load(data, regions, polygons, names)
    unplaced = Unplaced()
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, object] = {}

    log("twinning: twinning/twin_cities_russia.csv")
    twins = build_twinning(data, placer, partners, unplaced)
    counts["records_twinning.csv"] = write_csv(out / "records_twinning.csv", RECORD_HEADER, twins)

    log("consular posts: consulates/missions_in_russia.csv")
    posts, embassies = build_posts(data, placer, partners, unplaced)
    counts["records_consulates.csv"] = write_csv(
        out / "records_consulates.csv", RECORD_HEADER, posts
    )
    stat_header = ("region", "year", "indicator", "value", "unit", "source")
    counts["stats_embassies.csv"] = write_csv(out / "stats_embassies.csv", stat_header, embassies)

    log("statistics: stats/maxgoryunov_*.csv")
    stats = build_statistics(data, names, regions)
    counts["stats_rosstat.csv"] = write_csv(out / "stats_rosstat.csv", stat_header, stats)

    log("events: gdelt/20191024143000.export.CSV")
    events = build_events(data, regions, partners)
    counts["events_gdelt.csv"] = write_csv(out / "events_gdelt.csv", EVENT_COLUMNS, events)

    unplaced.rows.sort()
    counts["unplaced.csv"] = write_csv(
        out / "unplaced.csv", ("dataset", "source_row", "item", "reason"), unplaced.rows
    )
    log("unplaced, by reason:")
    for reason, n in sorted(unplaced.counts().items(), key=lambda kv: (-kv[1], kv[0])):
        log(f"  {n:5d}  {reason}")
    by_indicator = Counter(r[2] for r in stats) + Counter(r[2] for r in embassies)
    counts["statistics by indicator"] = dict(sorted(by_indicator.items()))
    counts["unplaced by reason"] = dict(sorted(unplaced.counts().items()))
    log("written:")
    for name in sorted(p.name for p in out.glob("*.csv")):
        log(f"  {name}: {counts.get(name, '?')} rows, {(out / name).stat().st_size:,} bytes")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--out", type=Path, required=True, help="where to write the tables")
    parser.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        help="region polygons (GeoJSON with shapeISO) [default: DATA/boundaries/*.geojson]",
    )
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"--data: {args.data} is not a folder")
    build(args.data, args.out, args.boundaries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
