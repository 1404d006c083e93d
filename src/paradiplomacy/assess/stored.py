"""Build once: the assessment stored in the ledger, read back for every question after it.

An assessment is built once per ledger revision and configuration and kept in the ledger's
``stored_assessments`` table (:mod:`paradiplomacy.ledger.stored`; docs/stored.md). Its key is
the SHA-256 of everything that made it:

* the ledger revision (the last import batch and the last GDELT event row:
  :func:`paradiplomacy.ledger.stored.ledger_revision`), so importing a batch makes it stale;
* the bytes of every configuration file used (indicators, indices, classification, channels,
  frameworks, availability) and of the region and partner registries, so editing one makes it
  stale;
* the parameters (assessment year, scope, uncertainty runs and seed);
* the storage format and the versions of paradiplomacy, NumPy, pandas, SciPy and pyarrow, so a
  stored assessment of another version is rebuilt, never read.

The payload is a ZIP archive (stored, not compressed: it is read far more often than written)
of a ``manifest.json``, Parquet tables and ``.npy`` arrays, one member per table or array, read
with ``allow_pickle=False``: nothing in it is executable. It holds every computed table of the
:class:`~paradiplomacy.assess.assessment.Assessment` (indicators, iData/iMeta, coverage,
profile, classes, the uncertainty runs, channel arrays, resilience), none of them per record.
The composite-indicator
coins are rebuilt from the stored iData when a question needs them (deterministic, a few
milliseconds); the activity records are read from the ledger, by key, only when a question
needs them (explanations, provenance, replay, the records behind a scenario's capacity).

:func:`load_or_build` is what the commands call: it reads the stored assessment when its key
matches and its digest checks, and otherwise builds, stores and says why (no stored assessment
yet, the ledger or the configuration changed, the stored one was damaged).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import strictjson
from ..ledger import stored as rows
from ..ledger.aggregates import channel_records
from .assessment import Assessment, config_paths, load_configs

__all__ = ["FORMAT", "StoreStatus", "assessment_key", "dump", "load", "load_or_build"]

FORMAT = 2
"""Version of the payload's layout; a change makes every stored assessment stale. 2: the
channel contributions (one row per record) are no longer stored; they are read by key."""


# ---------------------------------------------------------------------------- keys
def _software() -> dict[str, str]:
    from importlib.metadata import version

    names = ("paradiplomacy", "numpy", "pandas", "scipy", "pyarrow")
    return {**{name: version(name) for name in names}, "format": str(FORMAT)}


def _registry_bytes(store: Any) -> bytes:
    regions = store.regions.to_frame("rf-2023" if "rf-2023" in store.regions.scopes else None)
    partners = store.partners.to_frame()
    return pd.util.hash_pandas_object(regions.astype(str)).to_numpy().tobytes() + (
        pd.util.hash_pandas_object(partners.astype(str)).to_numpy().tobytes()
    )


def assessment_key(
    store: Any,
    *,
    year: int | None,
    scope: str | None,
    config_dir: str | Path | None,
    runs: int | None,
    seed: int | None,
    revision: str | None = None,
) -> tuple[str, str, str]:
    """``(key, parameters, revision)``: the stored assessment's key (see the module docstring),
    the digest of the parameters alone (to find a stale assessment of the same question) and
    the ledger revision."""
    revision = revision or rows.ledger_revision(store)
    paths = config_paths(config_dir)
    params = {
        "year": year,
        "scope": scope or store.regions.default_scope,
        "runs": runs,
        "seed": seed,
        "config_dir": str(Path(config_dir).resolve()) if config_dir else None,
        "ledger": store.url if isinstance(store.url, str) else str(store.url),
    }
    parameters = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    h = hashlib.sha256(parameters.encode())
    h.update(revision.encode())
    for role in sorted(paths):
        h.update(role.encode())
        h.update(paths[role].read_bytes())
    h.update(_registry_bytes(store))
    h.update(json.dumps(_software(), sort_keys=True).encode())
    return h.hexdigest(), parameters, revision


# ---------------------------------------------------------------------------- the archive
class _Writer:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_STORED)
        self.meta: dict[str, Any] = {}

    def frame(self, name: str, frame: pd.DataFrame | pd.Series) -> None:
        is_series = isinstance(frame, pd.Series)
        table = frame.to_frame(name="__series__") if is_series else frame
        labels = list(table.columns)
        out = table.copy(deep=False)
        out.columns = [f"c{i}" for i in range(len(labels))]
        data = io.BytesIO()
        out.to_parquet(data, index=True)
        self.zip.writestr(f"{name}.parquet", data.getvalue())
        self.meta[name] = {
            "columns": [_label(c) for c in labels],
            "series": is_series,
            "series_name": _label(frame.name) if is_series else None,
            "attrs": _jsonable(frame.attrs),
        }

    def array(self, name: str, value: np.ndarray) -> None:
        data = io.BytesIO()
        np.save(data, np.asarray(value), allow_pickle=False)
        self.zip.writestr(f"{name}.npy", data.getvalue())

    def finish(self, manifest: dict[str, Any]) -> bytes:
        manifest = {**manifest, "frames": self.meta}
        self.zip.writestr("manifest.json", strictjson.dumps(manifest, sort_keys=True))
        self.zip.close()
        return self.buffer.getvalue()


class _Reader:
    def __init__(self, payload: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(payload))
        self.manifest: dict[str, Any] = json.loads(self.zip.read("manifest.json"))
        self.meta: dict[str, Any] = self.manifest["frames"]

    def frame(self, name: str) -> Any:
        meta = self.meta[name]
        table = pd.read_parquet(io.BytesIO(self.zip.read(f"{name}.parquet")))
        table.columns = [_unlabel(c) for c in meta["columns"]]
        if meta["series"]:
            table = table.iloc[:, 0].rename(_unlabel(meta["series_name"]))
        table.attrs = dict(meta["attrs"] or {})
        return table

    def array(self, name: str) -> np.ndarray:
        return np.load(io.BytesIO(self.zip.read(f"{name}.npy")), allow_pickle=False)


def _label(value: Any) -> Any:
    """A column label as JSON: ints stay ints (the uncertainty runs), the rest strings."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return {"int": int(value)}
    return None if value is None else str(value)


def _unlabel(value: Any) -> Any:
    return value["int"] if isinstance(value, dict) else value


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


# ---------------------------------------------------------------------------- dump and load
_FRAMES = ("regions", "partners", "statistics", "indicators", "idata", "imeta", "profile",
           "classes", "resilience")  # fmt: skip
_RESULT_FRAMES = ("nominal", "scores", "ranks", "parameters", "rank_stats", "score_stats",
                  "choices", "weights", "sensitivity", "unit_sensitivity")  # fmt: skip
_RESULT_VALUES = ("kind", "target", "n", "sampler", "seed", "assumptions", "failed_runs", "spec")


def dump(assessment: Assessment) -> bytes:
    """The payload of ``assessment`` (see the module docstring); records are not included."""
    w = _Writer()
    a = assessment
    for name in _FRAMES:
        w.frame(name, getattr(a, name))
    w.array("edges", a.edges)
    uncertainty = {}
    for code, result in a.uncertainty.items():
        for field in _RESULT_FRAMES:
            value = getattr(result, field)
            if value is not None:
                w.frame(f"uncertainty/{code}/{field}", value)
        uncertainty[code] = {f: _jsonable(getattr(result, f)) for f in _RESULT_VALUES}
    cov = a.coverage
    w.frame("coverage/instruments", cov.instruments)
    coverage = {"cut_method": cov.cut_method, "indices": {}}
    for code, ic in cov.indices.items():
        w.frame(f"coverage/{code}/indicators", ic.indicators)
        w.frame(f"coverage/{code}/aggregates", ic.aggregates)
        w.frame(f"coverage/{code}/regions", ic.regions)
        coverage["indices"][code] = {
            "hierarchy": ic.hierarchy,
            "screening": ic.screening.model_dump(),
        }
    channels: dict[str, Any] = {}
    for field in dataclasses.fields(a.channels):
        value = getattr(a.channels, field.name)
        if field.name in ("records_of", "cache"):  # the ledger's reader, set again when loaded
            continue
        if isinstance(value, np.ndarray):
            w.array(f"channels/{field.name}", value)
            channels[field.name] = {"kind": "array"}
        elif isinstance(value, pd.Index):
            channels[field.name] = {"kind": "index", "name": value.name, "values": list(value)}
        elif isinstance(value, (pd.DataFrame, pd.Series)):
            w.frame(f"channels/{field.name}", value)
            channels[field.name] = {"kind": "frame"}
        elif isinstance(value, dt.date):
            channels[field.name] = {"kind": "date", "value": value.isoformat()}
        elif field.name == "config":
            channels[field.name] = {"kind": "config"}
        else:
            channels[field.name] = {"kind": "value", "value": _jsonable(value)}
    manifest = {
        "format": FORMAT,
        "software": _software(),
        "year": a.year,
        "scope": a.scope,
        "seed": a.seed,
        "runs": a.runs,
        "origin": a.origin,
        "timings": a.timings,
        "built_indices": sorted(a.configs["built_indices"]),
        "uncertainty": uncertainty,
        "coverage": coverage,
        "channels": channels,
    }
    return w.finish(manifest)


class _LazyCoins(Mapping):
    """The composite-indicator coins, rebuilt from the stored iData on first use."""

    def __init__(self, configs: Mapping[str, Any], idata: pd.DataFrame) -> None:
        self._configs = dict(configs)
        self._idata = idata
        self._built: dict[str, Any] = {}

    def __getitem__(self, code: str) -> Any:
        if code not in self._configs:
            raise KeyError(code)
        if code not in self._built:
            from .indices import build_index

            self._built[code] = build_index(self._configs[code], self._idata)
        return self._built[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._configs)

    def __len__(self) -> int:
        return len(self._configs)


def load(
    payload: bytes,
    store: Any,
    config_dir: str | Path | None = None,
) -> Assessment:
    """An :class:`Assessment` from its payload; the configuration files are those of the key
    (read again from ``config_dir`` or the package), the records come from ``store`` when a
    question needs them."""
    from ..composite.uncertainty import AnalysisResult
    from .channels import ChannelTable
    from .coverage import IndexCoverage, LedgerCoverage, Screening
    from .indices import with_hierarchy

    r = _Reader(payload)
    m = r.manifest
    if m.get("format") != FORMAT:
        raise ValueError(f"stored assessment of format {m.get('format')}, expected {FORMAT}")
    paths = config_paths(config_dir)
    loaded = load_configs(paths, store.taxonomy)
    catalogue, index_configs = loaded["catalogue"], loaded["indices"]
    indices = {}
    for code, meta in m["coverage"]["indices"].items():
        indices[code] = IndexCoverage(
            index=code,
            indicators=r.frame(f"coverage/{code}/indicators"),
            aggregates=r.frame(f"coverage/{code}/aggregates"),
            regions=r.frame(f"coverage/{code}/regions"),
            hierarchy=meta["hierarchy"],
            screening=Screening.model_validate(meta["screening"]),
        )
    coverage = LedgerCoverage(
        instruments=r.frame("coverage/instruments"),
        indices=indices,
        cut_method=m["coverage"]["cut_method"],
    )
    built = {
        code: config
        if indices[code].complete
        else with_hierarchy(config, indices[code].hierarchy, catalogue)
        for code, config in index_configs.items()
        if code in m["built_indices"]
    }
    uncertainty = {}
    for code, values in m["uncertainty"].items():
        frames = {
            f: r.frame(f"uncertainty/{code}/{f}") if f"uncertainty/{code}/{f}" in r.meta else None
            for f in _RESULT_FRAMES
        }
        uncertainty[code] = AnalysisResult(**values, **frames)
    channel_config = loaded["channels"]
    fields: dict[str, Any] = {}
    for name, meta in m["channels"].items():
        kind = meta["kind"]
        if kind == "array":
            fields[name] = r.array(f"channels/{name}")
        elif kind == "index":
            fields[name] = pd.Index(meta["values"], name=meta["name"])
        elif kind == "frame":
            fields[name] = r.frame(f"channels/{name}")
        elif kind == "date":
            fields[name] = dt.date.fromisoformat(meta["value"])
        elif kind == "config":
            fields[name] = channel_config
        else:
            value = meta["value"]
            fields[name] = tuple(value) if isinstance(value, list) else value
    table = ChannelTable(**fields, records_of=functools.partial(channel_records, store))
    frames = {name: r.frame(name) for name in _FRAMES}
    idata = frames["idata"]
    configs = {"built_indices": built, **loaded}
    assessment = Assessment(
        year=int(m["year"]),
        scope=str(m["scope"]),
        seed=int(m["seed"]),
        runs=int(m["runs"]),
        taxonomy=store.taxonomy,
        records=None,
        configs=configs,
        coins=_LazyCoins(built, idata),
        uncertainty=uncertainty,
        edges=r.array("edges"),
        channels=table,
        origin=str(m["origin"]),
        paths=paths,
        coverage=coverage,
        timings=dict(m["timings"]),
        **frames,
    )
    assessment.ledger = store
    return assessment


# ---------------------------------------------------------------------------- load or build
@dataclasses.dataclass(frozen=True)
class StoreStatus:
    """What :func:`load_or_build` did: ``read`` the stored assessment, or ``built`` it and why."""

    action: str  # "read" or "built"
    reason: str
    key: str

    def message(self) -> str:
        if self.action == "read":
            return f"stored assessment read ({self.reason})"
        return f"assessment built and stored: {self.reason}"


def load_or_build(
    store: Any,
    *,
    year: int | None = None,
    scope: str | None = None,
    config_dir: str | Path | None = None,
    runs: int | None = None,
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
    rebuild: bool = False,
) -> tuple[Assessment, StoreStatus]:
    """The assessment of ``store`` for these parameters: read from the ledger when stored for
    exactly these inputs, else built, stored and returned (see the module docstring).

    A damaged stored assessment (its digest does not match, or it cannot be read) is deleted and
    rebuilt, and the status says so; a failed build raises and leaves the stored rows as they
    were.
    """
    key, parameters, revision = assessment_key(
        store, year=year, scope=scope, config_dir=config_dir, runs=runs, seed=seed
    )
    reason = "no stored assessment yet"
    found = None if rebuild else rows.read_row(store, key)
    if rebuild:
        reason = "rebuild asked for"
    if found is not None:
        if found.intact:
            try:
                return load(found.payload, store, config_dir), StoreStatus(
                    "read", f"ledger {revision}", key
                )
            except Exception as error:  # a damaged archive is rebuilt, never used
                reason = f"the stored assessment could not be read ({error}); rebuilt"
        else:
            reason = "the stored assessment was damaged (its SHA-256 does not match); rebuilt"
        rows.delete_row(store, key)
    elif not rebuild:
        older = rows.row_for_parameters(store, parameters)
        if older is not None:
            if older.ledger_revision != revision:
                reason = (
                    f"the ledger changed since it was stored ({older.ledger_revision} -> "
                    f"{revision})"
                )
            else:
                reason = "the configuration or the software changed since it was stored"
    assessment = Assessment.from_store(
        store,
        year=year,
        scope=scope,
        config_dir=config_dir,
        runs=runs,
        seed=seed,
        progress=progress,
    )
    rows.write_row(store, key, parameters, revision, FORMAT, _software()["paradiplomacy"],
                   dump(assessment))  # fmt: skip
    return assessment, StoreStatus("built", reason, key)
