"""The data behind every page of the dashboard, shared by the JSON API and the HTML pages.

:func:`snapshot` prepares, once, everything the pages and the JSON API show from a built
:class:`~paradiplomacy.assess.assessment.Assessment`: the regions table with districts and
tiles, pillar scores and ranks, region-by-partner channel strengths and intensities, every
region's and every partner's ties (vectorised over regions x partners), every region's
explanation, the coverage views in both languages, the methods page's tables, and the listing
order of every region's records. It is a JSON-ready dict and a few NumPy arrays, so it can be
kept beside the stored assessment (:mod:`paradiplomacy.web.snapshot`) and read back in
milliseconds.

:class:`Dashboard` serves from a snapshot; the assessment itself is needed only for crisis
scenarios (computed on demand and cached per partner, level and closed instruments), so a
dashboard made from a stored snapshot loads it in the background. Record pages are read by
row id from the ledger (or from the assessment's records when it has them in memory).

The web layer imports one way: ``board`` <- ``api`` <- ``pages`` <- ``app`` (the FastAPI
factory, :mod:`paradiplomacy.web.app`).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import i18n

if TYPE_CHECKING:  # the assessment (SciPy, the engine, pyarrow) loads only for scenarios
    import pandas as pd
    from sqlalchemy import Engine

    from ..assess.assessment import Assessment, ScenarioResult

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
SNAPSHOT_FORMAT = 1
"""Version of the snapshot's layout (:func:`snapshot`); a change makes stored ones stale."""
RECORD_COLUMNS = ("uid", "partner_country", "partner_name", "instrument", "date", "year",
                  "status", "magnitude", "unit", "source", "confidence")  # fmt: skip
"""The columns of a region's record list."""


class Row(dict):
    """A dict whose keys are also attributes: templates read ``row.code`` without Jinja's
    failed attribute lookup and exception for every cell of a plain dict."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class NotFound(LookupError):
    """An unknown region or partner country; the message names it (answered with 404)."""


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return False
    return value is pd.NA or value is pd.NaT


def clean(value: Any) -> Any:
    """A JSON-friendly scalar: NaN, infinities and NA to None, NumPy scalars to Python."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if _missing(value):
        return None
    if hasattr(value, "isoformat"):
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


def plain_tree(value: Any) -> Any:
    """NumPy scalars to Python through dicts and lists, keeping NaN (the methods page's tables
    show NaN as the templates always have)."""
    if isinstance(value, Mapping):
        return {str(k): plain_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_tree(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is not None and not isinstance(value, (str, bool, int, float)) and _missing(value):
        return None
    return value


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
    """``i18n.t`` answering None for keys it does not know (memoised: labels never change)."""
    cache: dict[tuple[str, str], str | None] = {}

    def lookup(key: str, lang: str) -> str | None:
        found = cache.get((key, lang), cache)
        if found is not cache:
            return found  # type: ignore[return-value]
        try:
            value = i18n.t(key, lang)
        except (KeyError, LookupError, ValueError):
            value = None
        value = value if isinstance(value, str) and value and value != key else None
        cache[(key, lang)] = value
        return value

    return lookup


LOOKUP = _i18n_lookup()
"""A label from :mod:`paradiplomacy.i18n` by key and language, None when it has none."""


def crisis(level: int, name: str, lang: str) -> str:
    """The name of a crisis level in ``lang`` (i18n ``crisis.N``, else the configuration's)."""
    return LOOKUP(f"crisis.{level}", lang) or name


def ties(
    b: np.ndarray,
    intensity: np.ndarray,
    names: list[str],
    key: str,
    seen: np.ndarray,
    channels: list[str],
) -> list[dict[str, Any]]:
    """Rows with a positive intensity, strongest first (as ``ChannelTable.region_view`` and
    ``partner_view``); ``b`` (rows x channels) holds the strengths, ``seen`` (rows x channels)
    says which channels have evidence: the others are None ("no evidence") and listed."""
    keep = np.flatnonzero(intensity > 0)
    labels = np.asarray(names, dtype=object)[keep]
    order = np.lexsort((labels.astype(str), -intensity[keep]))
    picked = keep[order]
    strengths = b[picked].tolist()
    evidence = seen[picked].tolist()
    main = np.argmax(b[picked], axis=1).tolist() if len(picked) else []
    rows = []
    for n, j in enumerate(picked.tolist()):
        ok = evidence[n]
        rows.append(
            {
                key: str(names[j]),
                "intensity": float(intensity[j]),
                "channels": {
                    k: float(v) if o else None
                    for k, v, o in zip(channels, strengths[n], ok, strict=True)
                },
                "main_channel": channels[main[n]],
                "no_evidence": [k for k, o in zip(channels, ok, strict=True) if not o],
            }
        )
    return rows


# --- the snapshot ------------------------------------------------------------------------------


def snapshot(
    assessment: Assessment, engine: Engine | None = None
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Everything the dashboard shows, from ``assessment`` (module docstring): a JSON-ready
    dict and arrays. The listing order of the records is read from the ledger at ``engine``
    when given, else from the assessment's records."""
    import pandas as pd

    from ..assess.coverage_view import coverage_view, indicator_table
    from ..registry.partners import MACRO_REGIONS

    a = assessment
    table = a.regions_table()
    # a level is an int, or None for a region classed "insufficient evidence"
    table["level"] = pd.Series(
        [None if pd.isna(v) else int(v) for v in table["level"]], dtype=object
    )
    regions = a.regions
    table["federal_district"] = regions["federal_district"].reindex(table["code"]).to_numpy()
    probability_columns = list(a.configs["classification"].probability_columns)
    classes = a.classes.set_index("code")
    table["level_name_ru"] = (
        classes["level_name_ru"].reindex(table["code"]).to_numpy()
        if "level_name_ru" in classes
        else table["level_name"].to_numpy()
    )
    tiles = _tile_layout(list(table["code"]), a.scope)
    table["tile_row"] = [tiles[c][0] for c in table["code"]]
    table["tile_col"] = [tiles[c][1] for c in table["code"]]
    rows = frame_rows(table)
    level_names: dict[int, dict[str, str]] = {}
    for row in rows:
        if row["level"] is None:
            continue
        level_names[int(row["level"])] = {
            "en": str(row["level_name"]),
            "ru": str(row["level_name_ru"]),
        }
    for k, lv in enumerate(a.configs["classification"].levels, start=1):
        level_names.setdefault(k, {"en": lv.label_en, "ru": lv.label_ru or lv.label_en})
    for k in range(1, len(probability_columns) + 1):
        level_names.setdefault(k, {"en": f"Level {k}", "ru": f"Уровень {k}"})
    coverage = {lang: clean_tree(coverage_view(a, lang)) for lang in i18n.LANGUAGES}
    present = set(table["orientation"].astype(str))
    known = {"diversified", "no recorded activity", "no partner macro-region known"}
    known |= {f"focused on {en}" for en, _ru in MACRO_REGIONS.values()}
    # pillars of the IAI (those with evidence; none when the IAI was left out)
    iai = a.coins.get("IAI")
    pillars: list[str] = list(iai.framework.codes_at(2)) if iai is not None else []
    meta = iai.framework.index_meta.set_index("iCode") if iai is not None else pd.DataFrame()
    pillar_names = {p: str(meta["iName"].get(p, p)) if "iName" in meta else p for p in pillars}
    aggregated = (
        iai.aggregated[pillars].reindex(table["code"])
        if iai is not None
        else pd.DataFrame(index=table["code"])
    )
    ranks = aggregated.rank(ascending=False, method="min")
    pillar_values = {
        str(code): {p: [clean(aggregated.at[code, p]), clean(ranks.at[code, p])] for p in pillars}
        for code in table["code"]
    }
    # channels: strengths (regions, partners, channels), intensities, evidence, once
    ct = a.channels
    channels = [str(k) for k in ct.channels]
    strength = np.asarray(ct.strengths(), dtype=float)
    observed = np.asarray(ct.observed(), dtype=bool)
    weights = np.asarray(ct.channel_weights, dtype=float)
    intensity = strength @ weights
    channel_regions = [str(r) for r in ct.regions]
    channel_partners = [str(p) for p in ct.partners]
    counts = dict(zip(channel_partners, (intensity > 0).sum(axis=0).tolist(), strict=True))
    # summed as the DataFrame the dashboard always summed (the same floating-point order)
    totals = pd.DataFrame(intensity, columns=channel_partners).sum(axis=0).to_dict()
    partners = [
        {
            "alpha2": str(alpha2),
            "name_en": str(p["name_en"]),
            "name_ru": str(p["name_ru"]),
            "macro_region": str(p["macro_region"]),
        }
        for alpha2, p in a.partners.iterrows()
    ]
    partner_names = {
        str(alpha2): [n if isinstance(n, str) and n else None for n in (en, ru)]
        for alpha2, en, ru in zip(
            a.partners.index, a.partners["name_en"], a.partners["name_ru"], strict=True
        )
    }
    partner_list = [
        {
            **p,
            "n_regions": int(counts.get(p["alpha2"], 0)),
            "total_intensity": float(totals.get(p["alpha2"], 0.0)),
        }
        for p in partners
    ]
    partner_list.sort(key=lambda r: (-r["total_intensity"], r["alpha2"]))
    no_evidence = {
        alpha2: [k for k, ok in zip(channels, observed[c], strict=True) if not ok]
        for c, alpha2 in enumerate(channel_partners)
    }
    # the records: listing order of every region (row ids), or counts only
    arrays: dict[str, np.ndarray] = {
        "strength": strength,
        "observed": observed,
        "intensity": intensity,
    }
    record_regions: list[str] = []
    if engine is not None:
        from ..ledger.listing import ordered_ids

        record_regions, starts, ids = ordered_ids(engine)
        arrays["record_starts"] = np.asarray(starts, dtype=np.int64)
        arrays["record_ids"] = np.asarray(ids, dtype=np.int64)
    explanations = {str(code): clean_tree(a.explain(str(code))) for code in table["code"]}
    state = {
        "format": SNAPSHOT_FORMAT,
        "version": a.versions()["paradiplomacy"],
        "synthetic": bool(a.synthetic),
        "data_label": a.data_label(),
        "year": int(a.year),
        "scope": str(a.scope),
        "rows": rows,
        "probability_columns": probability_columns,
        "level_names": {str(k): v for k, v in sorted(level_names.items())},
        "insufficient_names": {
            lang: i18n.t("level.insufficient_evidence", lang) for lang in i18n.LANGUAGES
        },
        "coverage": coverage,
        "coverage_detail": clean_tree(a.coverage.to_dict()),
        "districts": sorted(set(regions["federal_district"].dropna().astype(str))),
        "orientations": sorted(present | known),
        "pillars": pillars,
        "pillar_names": pillar_names,
        "pillar_values": pillar_values,
        "channels": channels,
        "channel_regions": channel_regions,
        "channel_partners": channel_partners,
        "no_evidence": no_evidence,
        "partner_names": partner_names,
        "partner_list": partner_list,
        "instruments": {
            str(k): [str(v.label_en), str(v.label_ru)] for k, v in a.taxonomy.instruments.items()
        },
        "crisis_levels": {
            str(k): str(v) for k, v in dict(a.configs["availability"].levels).items()
        },
        "explanations": explanations,
        "record_regions": record_regions,
        "methods": {
            "configuration": clean_tree(a.configuration()),
            "versions": dict(a.versions()),
            "provenance": clean_tree(a.provenance()),
            "instruments": plain_tree(
                a.coverage.instruments.reset_index().to_dict(orient="records")
            ),
            "indicators": {
                lang: plain_tree(indicator_table(a, lang).to_dict(orient="records"))
                for lang in i18n.LANGUAGES
            },
        },
    }
    if engine is None:
        arrays.update(_frame_order(a.ledger_records()))
        state["record_regions"] = list(arrays.pop("_regions"))  # type: ignore[arg-type]
    return state, arrays


def _frame_order(records: pd.DataFrame) -> dict[str, Any]:
    """The listing order of in-memory records: positions into ``records`` (as
    :func:`paradiplomacy.ledger.listing.ordered_ids` gives row ids)."""
    import pandas as pd

    when = pd.to_datetime(records["date"], errors="coerce")
    frame = pd.DataFrame(
        {"region": records["region"].to_numpy(), "_when": when, "uid": records["uid"]}
    ).reset_index(drop=True)
    frame = frame.sort_values(
        ["region", "_when", "uid"], ascending=[True, False, True], na_position="last"
    )
    positions = frame.index.to_numpy(dtype=np.int64)
    regions = frame["region"].astype(str).to_numpy()
    change = np.flatnonzero(np.r_[True, regions[1:] != regions[:-1]]) if len(regions) else []
    starts = np.r_[np.asarray(change, dtype=np.int64), len(regions)]
    return {
        "_regions": [str(regions[i]) for i in change],
        "record_starts": starts.astype(np.int64),
        "record_ids": positions,
    }


# --- record sources ----------------------------------------------------------------------------


class FrameRecords:
    """Records by position in an in-memory frame (an assessment built with its records)."""

    def __init__(self, records: pd.DataFrame) -> None:
        cols = [c for c in RECORD_COLUMNS if c in records.columns]
        self.frame = records[cols].reset_index(drop=True)

    def fetch(self, ids: list[int]) -> list[dict[str, Any]]:
        return frame_rows(self.frame.iloc[ids])


class SqlRecords:
    """Records by row id from the ledger (:func:`paradiplomacy.ledger.listing.records_by_id`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def fetch(self, ids: list[int]) -> list[dict[str, Any]]:
        from ..ledger.listing import records_by_id

        return [{k: clean(v) for k, v in r.items()} for r in records_by_id(self.engine, ids)]


# --- the dashboard ----------------------------------------------------------------------------


class Dashboard:
    """Everything the dashboard shows (module docstring). ``Dashboard(assessment)`` prepares a
    snapshot of a built assessment; :meth:`from_snapshot` serves a stored one."""

    def __init__(self, assessment: Assessment | None = None, **kwargs: Any) -> None:
        if assessment is not None:
            store = _store_of(assessment) if assessment.records is None else None
            engine = store.engine if store is not None else None
            state, arrays = snapshot(assessment, engine)
            source: Any = (
                SqlRecords(engine) if engine is not None
                else FrameRecords(assessment.ledger_records())
            )  # fmt: skip
            kwargs = {"state": state, "arrays": arrays, "records": source, **kwargs}
            kwargs["assessment"] = assessment
        self._setup(**kwargs)

    @classmethod
    def from_snapshot(
        cls,
        state: dict[str, Any],
        arrays: dict[str, np.ndarray],
        records: Any,
        loader: Callable[[], Assessment] | None = None,
        assessment: Assessment | None = None,
    ) -> Dashboard:
        """A dashboard over a snapshot; the assessment for scenarios is ``assessment``, or
        ``loader`` gives it (called once, by :meth:`load_assessment` or the first scenario)."""
        board = cls.__new__(cls)
        board._setup(
            state=state, arrays=arrays, records=records, loader=loader, assessment=assessment
        )
        return board

    def _setup(
        self,
        *,
        state: dict[str, Any],
        arrays: dict[str, np.ndarray],
        records: Any,
        assessment: Assessment | None = None,
        loader: Callable[[], Assessment] | None = None,
    ) -> None:
        if state.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"dashboard snapshot of format {state.get('format')}")
        self.state = state
        self.arrays = arrays
        self.version: str = state["version"]
        self.synthetic: bool = state["synthetic"]
        self.notice = NOTICE if self.synthetic else ""
        self.data_label: str = state["data_label"]
        self._year: int = state["year"]
        self._scope: str = state["scope"]
        self.rows: list[dict[str, Any]] = state["rows"]
        self.by_code: dict[str, dict[str, Any]] = {r["code"]: r for r in self.rows}
        self.probability_columns: list[str] = state["probability_columns"]
        self.level_names: dict[int, dict[str, str]] = {
            int(k): v for k, v in state["level_names"].items()
        }
        self.insufficient_names: dict[str, str] = state["insufficient_names"]
        self.coverage: dict[str, dict[str, Any]] = state["coverage"]
        self.coverage_detail: dict[str, Any] = state["coverage_detail"]
        self.data_labels: dict[str, str] = {
            lang: view["label"] for lang, view in self.coverage.items()
        }
        self.districts: list[str] = state["districts"]
        self.balances: list[str] = list(BALANCES)
        self.orientations: list[str] = state["orientations"]
        self.pillars: list[str] = state["pillars"]
        self.pillar_names: dict[str, str] = state["pillar_names"]
        self.pillar_values: dict[str, dict[str, list[Any]]] = state["pillar_values"]
        self.pillars_dropped: list[dict[str, Any]] = [
            d for d in self.coverage["en"]["aggregates_dropped"] if d["index"] == "IAI"
        ]
        self.channels: list[str] = state["channels"]
        self.channel_regions: list[str] = state["channel_regions"]
        self.channel_partners: list[str] = state["channel_partners"]
        self._region_at = {code: i for i, code in enumerate(self.channel_regions)}
        self._partner_at = {code: i for i, code in enumerate(self.channel_partners)}
        self.strength: np.ndarray = arrays["strength"]
        self.observed: np.ndarray = arrays["observed"]
        self.intensity: np.ndarray = arrays["intensity"]
        self._ties: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.memo: dict[Any, Any] = {}
        """Values the pages derive from the snapshot once per key (e.g. per language)."""
        self._no_evidence: dict[str, list[str]] = state["no_evidence"]
        self.partner_names: dict[str, list[str | None]] = state["partner_names"]
        self.partner_list: list[dict[str, Any]] = state["partner_list"]
        self.partner_rows_by_code = {r["alpha2"]: r for r in self.partner_list}
        self.instruments: dict[str, list[str]] = state["instruments"]
        self.crisis_levels: dict[int, str] = {int(k): v for k, v in state["crisis_levels"].items()}
        self.explanations: dict[str, dict[str, Any]] = state["explanations"]
        self.methods_data: dict[str, Any] = state["methods"]
        starts = arrays["record_starts"]
        self._record_slices: dict[str, tuple[int, int]] = {
            code: (int(starts[i]), int(starts[i + 1]))
            for i, code in enumerate(state["record_regions"])
        }
        self._record_ids: np.ndarray = arrays["record_ids"]
        self._records = records
        self._assessment = assessment
        self._loader = loader
        self._loaded = threading.Event()
        if assessment is not None:
            self._loaded.set()
        self._load_error: BaseException | None = None
        self._scenarios: dict[tuple[str, int, tuple[str, ...]], ScenarioResult] = {}
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()

    # --- the assessment (scenarios) ---------------------------------------------------------

    def load_assessment(self) -> None:
        """Load the assessment for scenarios now (once; a no-op when it is there)."""
        with self._load_lock:
            if self._assessment is not None or self._loader is None:
                self._loaded.set()
                return
            try:
                self._assessment = self._loader()
            except BaseException as error:
                self._load_error = error
                raise
            finally:
                self._loaded.set()

    def close_connections(self) -> None:
        """Close the database connections of the record source and of the assessment's store
        (before forking workers: each worker opens its own)."""
        engines = [getattr(self._records, "engine", None)]
        if self._assessment is not None:
            store = _store_of(self._assessment)
            engines.append(getattr(store, "engine", None))
        for engine in engines:
            if engine is not None:
                engine.dispose()

    def load_in_background(self) -> threading.Thread:
        """Start loading the assessment in a daemon thread (scenarios wait for it)."""
        thread = threading.Thread(target=self._load_quietly, name="assessment", daemon=True)
        thread.start()
        return thread

    def _load_quietly(self) -> None:
        try:
            if isinstance(self._records, SqlRecords):
                from ..ledger import listing  # noqa: F401 (the ORM, before the first page needs it)
            self.load_assessment()
        except BaseException:
            log.exception("the assessment could not be loaded; scenarios will fail")

    @property
    def assessment(self) -> Assessment:
        """The assessment (loaded on first use when the dashboard came from a snapshot)."""
        if self._assessment is None:
            self.load_assessment()
        if self._assessment is None:
            raise RuntimeError(f"the assessment could not be loaded: {self._load_error}")
        return self._assessment

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
        if upper in self.partner_names:
            return upper
        raise NotFound(f"unknown partner country {alpha2!r}: expected an ISO alpha-2 code")

    @property
    def scope(self) -> str:
        return self._scope

    @property
    def year(self) -> int:
        return self._year

    def region_name(self, code: str, lang: str) -> str:
        row = self.by_code.get(code)
        if row is None:
            return code
        return str(row["name_ru"] if lang == "ru" else row["name_en"])

    def partner_name(self, alpha2: str, lang: str) -> str:
        names = self.partner_names.get(alpha2)
        if names is None:
            return alpha2
        name = names[1] if lang == "ru" else names[0]
        return name or alpha2

    def level_name(self, level: int | None, lang: str) -> str:
        """The level's name in ``lang``; "Insufficient evidence" for no level (None)."""
        if level is None:
            return self.insufficient_names.get(lang) or self.insufficient_names["en"]
        names = self.level_names.get(int(level), {})
        return names.get(lang) or names.get("en") or str(level)

    def no_evidence(self, alpha2: str) -> list[str]:
        """The channels without any evidence toward partner ``alpha2`` (in channel order)."""
        return list(self._no_evidence[alpha2])

    def instrument_label(self, instrument: str, lang: str) -> str:
        labels = self.instruments.get(instrument)
        if labels is None:
            return instrument
        return labels[1] if lang == "ru" else labels[0]

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
        values = self.pillar_values.get(code, {})
        return [
            {
                "pillar": p,
                "name": self.pillar_names[p],
                "score": values[p][0],
                "rank": values[p][1],
                "n_regions": len(self.pillar_values),
            }
            for p in self.pillars
        ]

    def explanation(self, code: str) -> dict[str, Any]:
        """The assessment's explanation of the region's class (prepared once)."""
        return self.explanations[code]

    def n_records(self, code: str) -> int:
        """The region's number of current records."""
        start, stop = self._record_slices.get(code, (0, 0))
        return stop - start

    def records(self, code: str, page: int, per_page: int) -> tuple[int, list[dict[str, Any]]]:
        """The region's records, newest first: (total, rows of this page)."""
        start, stop = self._record_slices.get(code, (0, 0))
        first = start + (page - 1) * per_page
        ids = self._record_ids[first : min(first + per_page, stop)].tolist()
        return stop - start, self._records.fetch(ids) if ids else []

    def region_channels(self, code: str) -> list[dict[str, Any]]:
        """The region's partners with the strength of each channel, strongest first
        (as ``ChannelTable.region_view``, from the prepared strengths; kept once made)."""
        found = self._ties.get(("region", code))
        if found is None:
            i = self._region_at.get(code)
            found = (
                []
                if i is None
                else ties(
                    self.strength[i],
                    self.intensity[i],
                    self.channel_partners,
                    "partner",
                    self.observed,
                    self.channels,
                )
            )
            self._ties[("region", code)] = found
        return found

    # --- partners ---------------------------------------------------------------------------

    def partner_rows(self) -> list[dict[str, Any]]:
        """Every partner country with the number of regions carrying relations with it."""
        return self.partner_list

    def partner_regions(self, alpha2: str) -> list[dict[str, Any]]:
        """The regions carrying relations with the partner, by intensity, with channels
        (as ``ChannelTable.partner_view``, from the prepared strengths; kept once made)."""
        found = self._ties.get(("partner", alpha2))
        if found is None:
            c = self._partner_at.get(alpha2)
            if c is None:
                found = []
            else:
                seen = np.broadcast_to(
                    self.observed[c], (len(self.channel_regions), len(self.channels))
                )
                found = ties(
                    self.strength[:, c],
                    self.intensity[:, c],
                    self.channel_regions,
                    "code",
                    seen,
                    self.channels,
                )
            self._ties[("partner", alpha2)] = found
        return found

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


def _store_of(assessment: Assessment) -> Any:
    """The ledger store the assessment was built from or stored in, if any."""
    store = assessment.ledger
    return store if hasattr(store, "engine") and hasattr(store, "records") else None
