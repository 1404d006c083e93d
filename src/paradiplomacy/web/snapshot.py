"""The dashboard's snapshot kept in the ledger beside the stored assessment (docs/stored.md).

:func:`paradiplomacy.web.board.snapshot` prepares everything the dashboard shows; building it
reads every activity record once (explanations, provenance, the listing order of the records),
which takes seconds on a large ledger. So it is built once per stored assessment and kept in the
ledger's ``stored_assessments`` table (a row of its own: its ``format`` is the snapshot's, its
``parameters`` the digest of ``dashboard:`` and the assessment's parameters). ``serve`` then
starts from it without importing the assessment's stack (SciPy, the composite engine, pyarrow)
or reading the assessment: the assessment is loaded afterwards, in the background, for crisis
scenarios only.

The snapshot's key is the SHA-256 of: the ledger revision (the last import batch and GDELT
event row, as for the stored assessment), the parameters (ledger URL, year, scope, runs, seed,
configuration directory), the bytes of every file of the package's data directory (shipped
configuration and registries) and of the ``--config`` directory, the code that builds the
snapshot (``board.py``), the snapshot format and the versions of paradiplomacy, NumPy, pandas,
SciPy and pyarrow. It covers every input of the stored assessment's key, so a current snapshot
is always the snapshot of the current stored assessment; anything else makes it stale, and the
next ``serve`` builds it again (and says so).

The payload is a ZIP archive of ``state.json`` and ``.npy`` arrays read with
``allow_pickle=False``: nothing in it is executable.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, event, text

from ..resources import data_path
from .board import HERE, SNAPSHOT_FORMAT, Dashboard, SqlRecords, snapshot

__all__ = ["Prepared", "decode", "encode", "prepare", "snapshot_key"]


class _Ledger:
    """What :mod:`paradiplomacy.ledger.stored` needs of a store: an engine (no registries,
    no schema check: the snapshot is only read from, and written to, an existing ledger)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ensure(self) -> _Ledger:
        return self


def _engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 30000")
            cursor.close()

    return engine


def _revision(engine: Engine) -> str:
    """The ledger's revision as :func:`paradiplomacy.ledger.stored.ledger_revision` writes it
    (the last import batch and GDELT event row), read with two plain queries: the start of
    ``serve`` needs no ORM."""
    with engine.connect() as conn:
        b = conn.execute(text("SELECT count(*), max(id) FROM import_batches")).one()
        e = conn.execute(text("SELECT count(*), max(id) FROM events")).one()
    return f"batches:{b[0]}/{b[1] or 0};events:{e[0]}/{e[1] or 0}"


def _read(engine: Engine, key: str) -> tuple[bytes, str] | None:
    """The payload and SHA-256 of the stored row of ``key``, or None."""
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT payload, sha256 FROM stored_assessments WHERE key = :key"), {"key": key}
        ).one_or_none()
    return None if found is None else (bytes(found[0]), str(found[1]))


def _software() -> dict[str, str]:
    from importlib.metadata import version

    names = ("paradiplomacy", "numpy", "pandas", "scipy", "pyarrow")
    return {name: version(name) for name in names}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def snapshot_key(
    engine: Engine,
    url: str,
    *,
    year: int | None,
    scope: str | None,
    config_dir: str | Path | None,
    runs: int | None,
    seed: int | None,
) -> tuple[str, str, str]:
    """``(key, parameters, revision)`` of the dashboard snapshot (module docstring)."""
    revision = _revision(engine)
    params = {
        "dashboard": SNAPSHOT_FORMAT,
        "ledger": url,
        "year": year,
        "scope": scope,
        "runs": runs,
        "seed": seed,
        "config_dir": str(Path(config_dir).resolve()) if config_dir else None,
    }
    parameters = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    h = hashlib.sha256(parameters.encode())
    h.update(revision.encode())
    folders = [data_path()] + ([Path(config_dir)] if config_dir else [])
    for folder in folders:
        for path in _files(Path(folder)):
            h.update(str(path.relative_to(folder)).encode())
            h.update(path.read_bytes())
    h.update((HERE / "board.py").read_bytes())
    h.update(json.dumps(_software(), sort_keys=True).encode())
    return h.hexdigest(), parameters, revision


def encode(state: dict[str, Any], arrays: dict[str, np.ndarray]) -> bytes:
    """The payload of a snapshot (module docstring)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("state.json", json.dumps(state, ensure_ascii=False))
        for name, value in arrays.items():
            data = io.BytesIO()
            np.save(data, np.asarray(value), allow_pickle=False)
            archive.writestr(f"{name}.npy", data.getvalue())
    return buffer.getvalue()


def decode(payload: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A snapshot from its payload."""
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        state = json.loads(archive.read("state.json"))
        arrays = {
            name[:-4]: np.load(io.BytesIO(archive.read(name)), allow_pickle=False)
            for name in archive.namelist()
            if name.endswith(".npy")
        }
    return state, arrays


@dataclasses.dataclass
class Prepared:
    """What :func:`prepare` did: the dashboard and a line saying where it came from."""

    board: Dashboard
    message: str
    engine: Engine


def prepare(
    db: str,
    *,
    year: int | None = None,
    scope: str | None = None,
    config_dir: str | Path | None = None,
    runs: int | None = None,
    seed: int | None = None,
    build: Callable[[], Any] | None = None,
) -> Prepared:
    """The dashboard of the ledger ``db`` (an SQLAlchemy URL): from its stored snapshot when
    that is current; else from the assessment given by ``build`` (default: the stored, or newly
    built, assessment: :func:`paradiplomacy.assess.stored.load_or_build`), whose snapshot is
    then stored. From a snapshot, the assessment for scenarios is loaded on demand
    (:meth:`Dashboard.load_assessment`).
    """
    from sqlalchemy.exc import SQLAlchemyError

    engine = _engine(db)
    ledger: Any = _Ledger(engine)
    options = {"year": year, "scope": scope, "runs": runs, "seed": seed}

    def loader() -> Any:
        from ..assess.stored import load_or_build
        from ..ledger.store import Store

        return load_or_build(Store(db), config_dir=config_dir, **options)[0]

    reason = "no dashboard snapshot yet"
    try:
        key, parameters, revision = snapshot_key(engine, db, config_dir=config_dir, **options)
        found = _read(engine, key)
    except SQLAlchemyError:  # not a ledger (yet): the build says what is missing
        key = parameters = revision = ""
        found = None
    if found is not None:
        payload, digest = found
        if hashlib.sha256(payload).hexdigest() == digest:
            try:
                state, arrays = decode(payload)
                board = Dashboard.from_snapshot(state, arrays, SqlRecords(engine), loader)
                return Prepared(board, f"dashboard snapshot read (ledger {revision})", engine)
            except Exception as error:  # a damaged snapshot is rebuilt, never used
                reason = f"the dashboard snapshot could not be read ({error})"
        else:
            reason = "the dashboard snapshot was damaged (its SHA-256 does not match)"
        from ..ledger import stored as rows

        rows.delete_row(ledger, key)
    assessment = (build or loader)()
    if not key:
        key, parameters, revision = snapshot_key(engine, db, config_dir=config_dir, **options)
    state, arrays = snapshot(assessment, engine)
    from ..ledger import stored as rows

    rows.write_row(ledger, key, parameters, revision, rows.SNAPSHOT_FAMILY + SNAPSHOT_FORMAT,
                   state["version"], encode(state, arrays))  # fmt: skip
    board = Dashboard.from_snapshot(state, arrays, SqlRecords(engine), assessment=assessment)
    return Prepared(board, f"dashboard snapshot built and stored: {reason}", engine)
