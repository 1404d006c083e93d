"""A scenario answered from the stored assessment alone, without loading the assessment.

``paradiplomacy scenario --partner DE --level 2`` on a ledger whose assessment is stored needs
a few arrays of it (the channel arrays and the scenario section, :mod:`.stored`), the engine
(:mod:`.engine`, NumPy only) and the key that says the stored assessment is the right one
(:mod:`.keys`). This module does just that on an SQLite ledger, with the standard library's
``sqlite3``: it computes the key as :func:`paradiplomacy.assess.stored.assessment_key` does,
finds the row, opens its payload as a blob and reads only the members the scenario needs, each
checked against the manifest's SHA-256 and the manifest against the row's
(:mod:`.archive`). No pandas, SQLAlchemy, SciPy, pyarrow or YAML: the command's whole process
stays a fraction of a second at any ledger size (docs/stored.md).

:func:`scenario_from_store` returns None whenever it cannot answer exactly as the full path
would: not an SQLite file, no stored assessment for these inputs (or of another format), a
member that does not match its digest, an unknown partner or instrument (whose message the full
path gives). The command then takes the full path (:func:`paradiplomacy.assess.stored.
load_or_build`), which builds or rebuilds, stores and says why.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import strictjson
from ..ledger.constants import resolve_url
from . import keys
from .archive import BlobFile, HeadReader, Reader
from .engine import ChannelArrays, ScenarioEngine, ScenarioParameters, totals

SQLITE_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")


def scenario_engine(r: Reader, manifest: dict[str, Any], eager: bool = False) -> ScenarioEngine:
    """The :class:`~paradiplomacy.assess.engine.ScenarioEngine` of a stored assessment, from
    its channel arrays and scenario section (``eager``: read the record index of every partner
    now, else each partner's on first use)."""
    section = manifest["scenario"]
    channels = manifest["channels"]
    arrays = ChannelArrays(
        regions=tuple(section["regions"]),
        partners=tuple(channels["partners"]["values"]),
        channels=tuple(channels["channels"]["value"]),
        instruments=tuple(channels["instruments"]["value"]),
        tie_instrument=tuple(channels["tie_instrument"]["value"]),
        evidence=r.array("channels/evidence"),
        tie_values=r.array("channels/tie_values"),
        tie_feeds=r.array("channels/tie_feeds"),
        instrument_channel=r.array("channels/instrument_channel"),
        lo=r.array("channels/lo"),
        hi=r.array("channels/hi"),
        transform=section["transform"],
    )
    members = section["records"]
    loaded: dict[str, Any] = {}
    if eager:
        loaded = {p: r.array(name) for p, name in members.items()}

    def records(partner: str) -> Any:
        if partner not in members:
            return None
        if partner not in loaded:
            loaded[partner] = r.array(members[partner])
        return loaded[partner]

    return ScenarioEngine(
        arrays,
        ScenarioParameters.from_json(section["parameters"]),
        sppi=r.array("scenario/sppi"),
        iai_political=r.array("scenario/iai_political"),
        sppi_runs=r.array("scenario/sppi_runs"),
        iai_runs=r.array("scenario/iai_runs"),
        resilience=r.array("scenario/resilience"),
        resilience_partners=section["resilience_partners"],
        records=records,
        seed=int(section["seed"]),
    )


def sqlite_file(url: str) -> Path | None:
    """The file of a plain SQLite URL (no query, not in memory), or None."""
    for prefix in SQLITE_PREFIXES:
        if url.startswith(prefix):
            rest = url[len(prefix) :]
            if not rest or rest == ":memory:" or "?" in rest or "%" in rest:
                return None
            return Path(rest)
    return None


@dataclass
class QuickScenario:
    """A scenario's answer as columns (the same as ``Assessment.scenario``'s frames)."""

    status: str
    capacity: dict[str, np.ndarray]
    summary: dict[str, Any]
    frameworks: dict[str, np.ndarray]

    @property
    def synthetic(self) -> bool:
        return bool(self.summary.get("synthetic"))

    def write(self, out: str | Path) -> list[Path]:
        """``capacity.csv``, ``summary.json`` and ``frameworks.csv``, byte for byte as
        :func:`paradiplomacy.assess.assessment.write_scenario` writes them."""
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "capacity.csv"
        write_csv(path, self.capacity, self.synthetic)
        summary = folder / "summary.json"
        summary.write_text(strictjson.dumps(self.summary, indent=1), encoding="utf-8")
        frameworks = folder / "frameworks.csv"
        write_csv(frameworks, self.frameworks, self.synthetic)
        return [path, summary, frameworks]

    def rows(self, columns: Sequence[str], limit: int) -> list[list[Any]]:
        """The first ``limit`` rows of ``columns`` of the capacity table."""
        picked = [self.capacity[c][:limit] for c in columns]
        return [list(row) for row in zip(*picked, strict=True)]


def write_csv(path: Path, columns: dict[str, np.ndarray], synthetic: bool) -> None:
    """A table as ``DataFrame.to_csv(index=False)`` writes it (floats as NumPy's shortest
    repr, NaN and None empty), with the ``data`` column saying "synthetic" when it is."""
    cells = []
    for values in columns.values():
        values = np.asarray(values)
        if values.dtype.kind == "f":
            text = values.astype(str).astype(object)
            text[np.isnan(values)] = ""
        elif values.dtype.kind in "iub":
            text = values.astype(str).astype(object)
        else:
            text = np.array(["" if v is None else v for v in values.tolist()], dtype=object)
        cells.append(text)
    header = list(columns)
    if synthetic and "data" not in columns:
        header.append("data")
        cells.append(np.full(len(cells[0]) if cells else 0, "synthetic", dtype=object))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(zip(*cells, strict=True))


def _revision(conn: sqlite3.Connection) -> str:
    """``paradiplomacy.ledger.stored.ledger_revision``, in SQL."""
    b = conn.execute("SELECT count(*), max(id) FROM import_batches").fetchone()
    e = conn.execute("SELECT count(*), max(id) FROM events").fetchone()
    return f"batches:{b[0]}/{b[1] or 0};events:{e[0]}/{e[1] or 0}"


def scenario_from_store(
    db: str | None,
    partner: str,
    level: int,
    closed: Sequence[str] = (),
    *,
    year: int | None = None,
    scope: str | None = None,
    config_dir: str | Path | None = None,
    runs: int | None = None,
    seed: int | None = None,
    top: int = 10,
) -> QuickScenario | None:
    """The scenario from the stored assessment of the SQLite ledger ``db`` for these
    parameters, or None (see the module docstring)."""
    url = resolve_url(db)
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error:
        return None
    conn.isolation_level = None
    try:
        conn.execute("BEGIN")  # one snapshot for the revision, the row and its payload
        revision = _revision(conn)
        parameters = keys.parameters_digest(
            year=year, scope=scope, runs=runs, seed=seed, config_dir=config_dir, url=url
        )
        key = keys.key(
            parameters,
            revision,
            keys.config_paths(config_dir),
            keys.files_digest(keys.default_registry_paths()),
            keys.software(keys.FORMAT),
        )
        row = conn.execute(
            "SELECT rowid, sha256, format FROM stored_assessments WHERE key = ?", (key,)
        ).fetchone()
        if row is None or row[2] != keys.FORMAT:
            return None
        with BlobFile(conn.blobopen("stored_assessments", "payload", row[0], readonly=True)) as f:
            reader = HeadReader(f, row[1])
            if reader.manifest.get("format") != keys.FORMAT or "scenario" not in reader.manifest:
                return None
            return _answer(reader, revision, partner, level, closed, top)
    except (sqlite3.Error, OSError, ValueError, KeyError, IndexError):
        return None  # the full path answers, rebuilds or says what is wrong
    finally:
        conn.close()


def _answer(
    reader: Reader,
    revision: str,
    partner: str,
    level: int,
    closed: Sequence[str],
    top: int,
) -> QuickScenario | None:
    manifest = reader.manifest
    section = manifest["scenario"]
    code = partner.strip().upper()
    if code not in section["partner_names"]:
        return None
    closed = tuple(dict.fromkeys(closed))
    engine = scenario_engine(reader, manifest)
    name = f"{code} level {level}"
    answer = engine.scenario(code, level, closed, {}, top=top, name=name)
    cap = answer["capacity"]
    regions = np.asarray(section["regions"], dtype=object)
    order = np.lexsort((np.asarray(section["regions"], dtype=str), -cap.capacity))
    columns: dict[str, np.ndarray] = {
        "code": regions,
        "name_en": np.asarray(section["region_names"], dtype=object),
        "capacity": cap.capacity,
        "rank": cap.rank,
        "framework": cap.chosen,
        "nc_culture_image": cap.nc[0],
        "nc_political_plus": cap.nc[1],
    }
    for j, k in enumerate(engine.arrays.channels):
        columns[f"contrib_{k}"] = cap.contributions[:, j]
    columns[f"p_top{top}"] = answer["p_top"]
    columns["records"] = answer["records"]
    columns = {k: np.asarray(v)[order] for k, v in columns.items()}
    country = totals(cap.capacity, answer["base"].capacity)
    terms = section["coverage_terms"]
    summary = {
        "scenario": name,
        "partner": code,
        "level": level,
        **country,
        "synthetic": bool(section["table_synthetic"]),
    }
    summary = {
        **summary,
        "partner": code,
        "partner_name": section["partner_names"][code],
        "level": level,
        "scenario": name,
        "closed_instruments": list(closed),
        "assessment_year": int(section["year"]),
        "synthetic": bool(section["synthetic"]),
        "coverage": terms["coverage"],
        "channels_without_evidence": answer["no_evidence"],
        "channels_not_covered": list(terms["channels_not_covered"]),
        "instruments_not_covered": list(terms["instruments_not_covered"]),
        "framework_terms_without_evidence": list(terms["framework_terms_without_evidence"]),
    }
    return QuickScenario(
        status=f"stored assessment read (ledger {revision})",
        capacity=columns,
        summary=summary,
        frameworks=engine.framework_columns(code),
    )
