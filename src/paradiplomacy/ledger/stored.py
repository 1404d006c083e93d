"""Rows of the ``stored_assessments`` table: built assessments kept in the ledger.

The ledger stores the bytes; :mod:`paradiplomacy.assess.stored` decides what they hold. A row is
written once, in one transaction, and never half: two processes that build the same assessment
at once both try to insert the same key, the second insert is skipped and both read the same
row. Rows of older revisions of the same parameters are deleted in the same transaction, so the
table holds one assessment per set of parameters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .models import Event, ImportBatch, StoredAssessment

if TYPE_CHECKING:
    from .store import Store

__all__ = ["StoredRow", "ledger_revision", "read_row", "row_for_parameters", "write_row"]


@dataclass(frozen=True)
class StoredRow:
    """A stored assessment's row, without interpreting the payload."""

    key: str
    parameters: str
    ledger_revision: str
    created: dt.datetime
    format: int
    software: str
    sha256: str
    payload: bytes


def ledger_revision(store: Store) -> str:
    """The ledger's revision: its last import batch and its last GDELT event row.

    Records and statistics are append-only and every import is a batch, so any change of the
    evidence changes this string (``batches:<n>/<last id>;events:<n>/<last id>``).
    """
    store.ensure()
    with store.engine.connect() as conn:
        b = conn.execute(select(func.count(), func.max(ImportBatch.id))).one()
        e = conn.execute(select(func.count(), func.max(Event.id))).one()
    return f"batches:{b[0]}/{b[1] or 0};events:{e[0]}/{e[1] or 0}"


def _row(found: Any) -> StoredRow:
    return StoredRow(*(found._mapping[c] for c in StoredRow.__dataclass_fields__))


def read_row(store: Store, key: str) -> StoredRow | None:
    """The row of ``key``, or None."""
    store.ensure()
    with store.engine.connect() as conn:
        found = conn.execute(
            select(StoredAssessment).where(StoredAssessment.key == key)
        ).one_or_none()
    return None if found is None else _row(found)


def row_for_parameters(store: Store, parameters: str) -> StoredRow | None:
    """The newest stored row of the same parameters (of any revision), or None."""
    store.ensure()
    with store.engine.connect() as conn:
        found = conn.execute(
            select(StoredAssessment)
            .where(StoredAssessment.parameters == parameters)
            .order_by(StoredAssessment.created.desc())
            .limit(1)
        ).one_or_none()
    return None if found is None else _row(found)


FAMILY_SIZE = 1000
"""Row formats come in families of this size: assessments 1-999, dashboard snapshots from
:data:`SNAPSHOT_FAMILY`. Writing a row deletes rows of another format of its own family only
(never read again), not the rows of another kind kept in the same table."""

SNAPSHOT_FAMILY = 1000
"""The first row format of dashboard snapshots (:mod:`paradiplomacy.web.snapshot`)."""


def write_row(
    store: Store,
    key: str,
    parameters: str,
    revision: str,
    fmt: int,
    software: str,
    payload: bytes,
    sha256: str | None = None,
) -> bool:
    """Insert the row of ``key`` and delete the other rows of ``parameters``, in one
    transaction. ``sha256``: the digest that authenticates the payload (the payload's own by
    default; :mod:`paradiplomacy.assess.stored` gives its manifest's, which holds every
    member's). Returns False when another process stored the same key first (its row is
    kept: the same key means the same inputs, hence the same assessment)."""
    digest = sha256 or hashlib.sha256(payload).hexdigest()
    try:
        with store.engine.begin() as conn:
            family = fmt // FAMILY_SIZE
            other_format = (
                (StoredAssessment.format != fmt)
                & (StoredAssessment.format >= family * FAMILY_SIZE)
                & (StoredAssessment.format < (family + 1) * FAMILY_SIZE)
            )
            conn.execute(  # stale rows of the question, and rows of another format of its kind
                delete(StoredAssessment).where(
                    ((StoredAssessment.parameters == parameters) | other_format)
                    & (StoredAssessment.key != key)
                )
            )
            if conn.scalar(select(func.count()).where(StoredAssessment.key == key)):
                return False
            conn.execute(
                StoredAssessment.__table__.insert().values(
                    key=key,
                    parameters=parameters,
                    ledger_revision=revision,
                    created=dt.datetime.now(dt.UTC),
                    format=fmt,
                    software=software,
                    size=len(payload),
                    sha256=digest,
                    payload=payload,
                )
            )
    except IntegrityError:  # the same key inserted concurrently by another process
        return False
    return True


def delete_row(store: Store, key: str) -> None:
    """Delete the row of ``key`` (a damaged one)."""
    with store.engine.begin() as conn:
        conn.execute(delete(StoredAssessment).where(StoredAssessment.key == key))
