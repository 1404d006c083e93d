"""The data behind every page of the dashboard, shared by the JSON API and the HTML pages.

:class:`Dashboard` wraps a built :class:`~paradiplomacy.assess.assessment.Assessment` and
prepares, once, everything the pages and the JSON API show (the regions table with districts
and tiles, pillar scores, region-by-partner intensities, records by region), and caches
scenario results per (partner, level, closed instruments).

The web layer imports one way: ``board`` <- ``api`` <- ``pages`` <- ``app`` (the FastAPI
factory, :mod:`paradiplomacy.web.app`).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n
from ..assess.assessment import Assessment, ScenarioResult
from ..assess.coverage_view import coverage_view
from ..registry.partners import MACRO_REGIONS

log = logging.getLogger("paradiplomacy.web")

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
CRISIS_LEVELS = (0, 1, 2, 3)
"""Crisis levels of a scenario (MODEL.md section 7)."""
BALANCES = ("none", "institutional", "balanced", "societal")
"""Instrument balance categories of the region profile (MODEL.md section 4)."""
SCENARIO_CACHE_SIZE = 256
NOTICE = "SYNTHETIC DATA: these numbers are made from invented demo data, not evidence."


class NotFound(LookupError):
    """An unknown region or partner country; the message names it (answered with 404)."""


def clean(value: Any) -> Any:
    """A JSON-friendly scalar: NaN, infinities and NA to None, NumPy scalars to Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def clean_tree(value: Any) -> Any:
    """:func:`clean` applied through dicts, lists and tuples (for configuration and summaries)."""
    if isinstance(value, Mapping):
        return {str(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_tree(v) for v in value]
    if hasattr(value, "model_dump"):
        return clean_tree(value.model_dump(mode="json"))
    if isinstance(value, Path):
        return str(value)
    return clean(value)


def frame_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts of clean scalars."""
    columns = list(frame.columns)
    return [
        {c: clean(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _tile_layout(codes: list[str], scope: str) -> dict[str, tuple[int, int]]:
    """Tile (row, col) of each region from the shipped tile-grid layout; regions it lacks (or
    every region, while no layout is available) go in rows of 12 below it."""
    layout: dict[str, tuple[int, int]] = {}
    try:
        from ..registry.tilegrid import load_tilegrid

        frame = load_tilegrid().to_frame(scope=scope)
        for code, row, col in frame[["code", "row", "col"]].itertuples(index=False):
            if code in codes:
                layout[str(code)] = (int(row), int(col))
    except Exception as error:  # the dashboard works without the layout
        log.warning("no tile-grid layout (%s); tiles are laid out in rows", error)
    base = max((r for r, _ in layout.values()), default=-1) + 2 if layout else 0
    first = min((c for _, c in layout.values()), default=0)
    missing = [c for c in codes if c not in layout]
    for i, code in enumerate(missing):
        layout[code] = (base + i // 12, first + i % 12)
    # normalise to 1-based grid lines
    top = min(r for r, _ in layout.values())
    left = min(c for _, c in layout.values())
    return {k: (r - top + 1, c - left + 1) for k, (r, c) in layout.items()}


def _i18n_lookup() -> Callable[[str, str], str | None]:
    """``i18n.t`` when the module is there, answering None for keys it does not know."""
    try:
        from .. import i18n
    except ImportError:
        return lambda _key, _lang: None

    def lookup(key: str, lang: str) -> str | None:
        try:
            value = i18n.t(key, lang)
        except (KeyError, LookupError, ValueError):
            return None
        return value if isinstance(value, str) and value and value != key else None

    return lookup


LOOKUP = _i18n_lookup()
"""A label from :mod:`paradiplomacy.i18n` by key and language, None when it has none."""


def crisis(level: int, name: str, lang: str) -> str:
    """The name of a crisis level in ``lang`` (i18n ``crisis.N``, else the configuration's)."""
    return LOOKUP(f"crisis.{level}", lang) or name


class Dashboard:
    """Everything the dashboard shows, prepared once from an assessment (module docstring)."""

    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment
        a = assessment
        self.synthetic = bool(a.synthetic)
        self.notice = NOTICE if self.synthetic else ""
        table = a.regions_table()
        # a level is an int, or None for a region classed "insufficient evidence"
        table["level"] = pd.Series(
            [None if pd.isna(v) else int(v) for v in table["level"]], dtype=object
        )
        regions = a.regions
        table["federal_district"] = regions["federal_district"].reindex(table["code"]).to_numpy()
        self.probability_columns: list[str] = list(a.configs["classification"].probability_columns)
        classes = a.classes.set_index("code")
        table["level_name_ru"] = (
            classes["level_name_ru"].reindex(table["code"]).to_numpy()
            if "level_name_ru" in classes
            else table["level_name"].to_numpy()
        )
        tiles = _tile_layout(list(table["code"]), a.scope)
        table["tile_row"] = [tiles[c][0] for c in table["code"]]
        table["tile_col"] = [tiles[c][1] for c in table["code"]]
        self.table = table
        self.rows: list[dict[str, Any]] = frame_rows(table)
        self.by_code: dict[str, dict[str, Any]] = {r["code"]: r for r in self.rows}
        self.level_names: dict[int, dict[str, str]] = {}
        for row in self.rows:
            if row["level"] is None:
                continue
            self.level_names[int(row["level"])] = {
                "en": str(row["level_name"]),
                "ru": str(row["level_name_ru"]),
            }
        for k, lv in enumerate(a.configs["classification"].levels, start=1):
            self.level_names.setdefault(k, {"en": lv.label_en, "ru": lv.label_ru or lv.label_en})
        for k in range(1, len(self.probability_columns) + 1):
            self.level_names.setdefault(k, {"en": f"Level {k}", "ru": f"Уровень {k}"})
        self.level_names = dict(sorted(self.level_names.items()))
        self.insufficient_names: dict[str, str] = {
            lang: i18n.t("level.insufficient_evidence", lang) for lang in i18n.LANGUAGES
        }
        # what the evidence covers (docs/coverage.md), in every language, once
        self.coverage: dict[str, dict[str, Any]] = {
            lang: clean_tree(coverage_view(a, lang)) for lang in i18n.LANGUAGES
        }
        self.coverage_detail: dict[str, Any] = clean_tree(a.coverage.to_dict())
        self.data_labels: dict[str, str] = {
            lang: view["label"] for lang, view in self.coverage.items()
        }
        self.districts: list[str] = sorted(set(regions["federal_district"].dropna().astype(str)))
        self.balances: list[str] = list(BALANCES)
        present = set(table["orientation"].astype(str))
        known = {"diversified", "no recorded activity", "no partner macro-region known"}
        known |= {f"focused on {en}" for en, _ru in MACRO_REGIONS.values()}
        self.orientations: list[str] = sorted(present | known)
        # pillars of the IAI (those with evidence; none when the IAI was left out)
        iai = a.coins.get("IAI")
        self.pillars: list[str] = list(iai.framework.codes_at(2)) if iai is not None else []
        meta = iai.framework.index_meta.set_index("iCode") if iai is not None else pd.DataFrame()
        self.pillar_names: dict[str, str] = {
            p: str(meta["iName"].get(p, p)) if "iName" in meta else p for p in self.pillars
        }
        aggregated = (
            iai.aggregated[self.pillars].reindex(table["code"])
            if iai is not None
            else pd.DataFrame(index=table["code"])
        )
        ranks = aggregated.rank(ascending=False, method="min")
        self.pillar_scores = aggregated
        self.pillar_ranks = ranks
        self.pillars_dropped: list[dict[str, Any]] = [
            d for d in self.coverage["en"]["aggregates_dropped"] if d["index"] == "IAI"
        ]
        # partners and intensities
        self.partners = a.partners
        self.channels: list[str] = list(a.channels.channels)
        self.strength = a.channels.strengths()  # (regions, partners, channels), once
        # (partners, channels): some region has evidence of the channel toward the partner;
        # a channel without it is shown as "no evidence", not as zero strength
        self.observed = np.asarray(a.channels.observed(), dtype=bool)
        weights = np.asarray(a.channels.channel_weights, dtype=float)
        self.intensity = pd.DataFrame(
            self.strength @ weights, index=a.channels.regions, columns=a.channels.partners
        )
        active = self.intensity > 0
        self.partner_counts = active.sum(axis=0)
        self.partner_totals = self.intensity.sum(axis=0)
        self.instruments: dict[str, Any] = dict(a.taxonomy.instruments)
        self.partner_list: list[dict[str, Any]] = self.partner_rows()
        # records by region, newest first
        records = a.ledger_records().copy()
        records["_when"] = pd.to_datetime(records["date"], errors="coerce")
        records = records.sort_values(
            ["region", "_when", "uid"], ascending=[True, False, True], na_position="last"
        )
        self.records_by_region: dict[str, pd.DataFrame] = {
            str(k): v.drop(columns="_when") for k, v in records.groupby("region", sort=False)
        }
        self.crisis_levels: dict[int, str] = dict(a.configs["availability"].levels)
        self._scenarios: dict[tuple[str, int, tuple[str, ...]], ScenarioResult] = {}
        self._details: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    # --- lookups ----------------------------------------------------------------------------

    def region_code(self, code: str) -> str:
        """The region's code (case-insensitive); :class:`NotFound` naming it if unknown."""
        if code in self.by_code:
            return code
        upper = code.strip().upper()
        if upper in self.by_code:
            return upper
        raise NotFound(f"unknown region {code!r}: not a region code of scope {self.scope}")

    def partner_code(self, alpha2: str) -> str:
        """The partner's ISO alpha-2 code; :class:`NotFound` naming it if unknown."""
        upper = alpha2.strip().upper()
        if upper in self.partners.index:
            return upper
        raise NotFound(f"unknown partner country {alpha2!r}: expected an ISO alpha-2 code")

    @property
    def scope(self) -> str:
        return self.assessment.scope

    @property
    def year(self) -> int:
        return int(self.assessment.year)

    def region_name(self, code: str, lang: str) -> str:
        row = self.by_code.get(code)
        if row is None:
            return code
        return str(row["name_ru"] if lang == "ru" else row["name_en"])

    def partner_name(self, alpha2: str, lang: str) -> str:
        if alpha2 not in self.partners.index:
            return alpha2
        column = "name_ru" if lang == "ru" else "name_en"
        name = self.partners.at[alpha2, column]
        return str(name) if isinstance(name, str) and name else alpha2

    def level_name(self, level: int | None, lang: str) -> str:
        """The level's name in ``lang``; "Insufficient evidence" for no level (None)."""
        if level is None:
            return self.insufficient_names.get(lang) or self.insufficient_names["en"]
        names = self.level_names.get(int(level), {})
        return names.get(lang) or names.get("en") or str(level)

    def no_evidence(self, alpha2: str) -> list[str]:
        """The channels without any evidence toward partner ``alpha2`` (in channel order)."""
        c = self.assessment.channels.partner_index(alpha2)
        return [k for k, ok in zip(self.channels, self.observed[c], strict=True) if not ok]

    def instrument_label(self, instrument: str, lang: str) -> str:
        spec = self.instruments.get(instrument)
        if spec is None:
            return instrument
        return str(spec.label_ru if lang == "ru" else spec.label_en)

    # --- regions ----------------------------------------------------------------------------

    def regions(
        self,
        level: int | None = None,
        district: str | None = None,
        balance: str | None = None,
        orientation: str | None = None,
    ) -> list[dict[str, Any]]:
        """Rows of the regions table (by IAI rank) matching every filter given."""
        return [r for r in self.rows if self.matches(r, level, district, balance, orientation)]

    @staticmethod
    def matches(
        row: Mapping[str, Any],
        level: int | None = None,
        district: str | None = None,
        balance: str | None = None,
        orientation: str | None = None,
    ) -> bool:
        """Whether a regions-table row passes the filters (None = any)."""
        return (
            (level is None or row["level"] == level)
            and (district is None or row["federal_district"] == district)
            and (balance is None or row["balance"] == balance)
            and (orientation is None or row["orientation"] == orientation)
        )

    def pillars_of(self, code: str) -> list[dict[str, Any]]:
        """The region's IAI pillar scores with their rank among regions (the pillars with
        evidence; :attr:`pillars_dropped` names the others)."""
        return [
            {
                "pillar": p,
                "name": self.pillar_names[p],
                "score": clean(self.pillar_scores.at[code, p]),
                "rank": clean(self.pillar_ranks.at[code, p]),
                "n_regions": len(self.pillar_scores),
            }
            for p in self.pillars
        ]

    def explanation(self, code: str) -> dict[str, Any]:
        """The assessment's explanation of the region's class (cached)."""
        found = self._details.get(code)
        if found is None:
            found = clean_tree(self.assessment.explain(code))
            with self._lock:
                self._details[code] = found
        return found

    def records(self, code: str, page: int, per_page: int) -> tuple[int, list[dict[str, Any]]]:
        """The region's records, newest first: (total, rows of this page)."""
        frame = self.records_by_region.get(code)
        if frame is None:
            return 0, []
        start = (page - 1) * per_page
        cols = ["uid", "partner_country", "partner_name", "instrument", "date", "year", "status",
                "magnitude", "unit", "source", "confidence"]  # fmt: skip
        part = frame.iloc[start : start + per_page]
        return len(frame), frame_rows(part[[c for c in cols if c in part.columns]])

    def region_channels(self, code: str) -> list[dict[str, Any]]:
        """The region's partners with the strength of each channel, strongest first
        (as ``ChannelTable.region_view``, from the precomputed strengths)."""
        i = self.assessment.channels.region_index(code)
        return self._ties(self.strength[i], self.intensity.iloc[i], "partner", self.observed)

    def _ties(
        self, b: np.ndarray, intensity: pd.Series, key: str, seen: np.ndarray
    ) -> list[dict[str, Any]]:
        """Rows with a positive intensity, strongest first; ``seen`` (rows x channels) says
        which channels have evidence: the others are None ("no evidence") and listed."""
        values = intensity.to_numpy()
        keep = np.flatnonzero(values > 0)
        names = intensity.index.to_numpy()[keep]
        order = np.lexsort((names.astype(str), -values[keep]))
        rows = []
        for j in keep[order]:
            strengths = b[j]
            rows.append(
                {
                    key: str(intensity.index[j]),
                    "intensity": float(values[j]),
                    "channels": {
                        k: float(v) if ok else None
                        for k, v, ok in zip(self.channels, strengths, seen[j], strict=True)
                    },
                    "main_channel": self.channels[int(np.argmax(strengths))],
                    "no_evidence": [
                        k for k, ok in zip(self.channels, seen[j], strict=True) if not ok
                    ],
                }
            )
        return rows

    # --- partners ---------------------------------------------------------------------------

    def partner_rows(self) -> list[dict[str, Any]]:
        """Every partner country with the number of regions carrying relations with it."""
        rows = []
        for alpha2, p in self.partners.iterrows():
            rows.append(
                {
                    "alpha2": str(alpha2),
                    "name_en": str(p["name_en"]),
                    "name_ru": str(p["name_ru"]),
                    "macro_region": str(p["macro_region"]),
                    "n_regions": int(self.partner_counts.get(alpha2, 0)),
                    "total_intensity": float(self.partner_totals.get(alpha2, 0.0)),
                }
            )
        rows.sort(key=lambda r: (-r["total_intensity"], r["alpha2"]))
        return rows

    def partner_regions(self, alpha2: str) -> list[dict[str, Any]]:
        """The regions carrying relations with the partner, by intensity, with channels
        (as ``ChannelTable.partner_view``, from the precomputed strengths)."""
        c = self.assessment.channels.partner_index(alpha2)
        seen = np.broadcast_to(self.observed[c], (len(self.intensity), len(self.channels)))
        return self._ties(self.strength[:, c], self.intensity.iloc[:, c], "code", seen)

    # --- scenarios --------------------------------------------------------------------------

    def scenario(self, partner: str, level: int, closed: tuple[str, ...] = ()) -> ScenarioResult:
        """The scenario result, cached per (partner, level, closed instruments)."""
        key = (partner, int(level), tuple(sorted(set(closed))))
        found = self._scenarios.get(key)
        if found is not None:
            return found
        result = self.assessment.scenario(partner, int(level), closed_instruments=key[2])
        with self._lock:
            if len(self._scenarios) >= SCENARIO_CACHE_SIZE:
                self._scenarios.pop(next(iter(self._scenarios)))
            self._scenarios[key] = result
        return result
