"""What every connector returns, and how it lands in the ledger.

A connector turns a response (from the network or a saved file: the same parser either way)
into a :class:`Fetched`: activity records or statistics in the columns of an import file, with
the source URL or file, the retrieval time and the connector's name and version, plus counts of
what it read, kept and skipped and why. :func:`land` imports them through the same validated,
all-or-nothing import as files: re-running a fetch adds nothing new (records are deduplicated by
content), and nothing is written for a batch that fails.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ..ledger.importer import ImportReport, import_frame
from ..ledger.store import Store


@dataclass
class Fetched:
    """The parsed result of one fetch, ready to import.

    Attributes:
        kind: ``records`` or ``stats`` (the import kind).
        frame: rows in the columns of an import file of that kind.
        connector: e.g. ``wikidata-twinning``; ``version`` its version.
        origin: the URL queried or the file replayed.
        retrieved: when the response was retrieved (UTC ISO 8601), or the file's time.
        rows_read: rows (results) in the response; ``skipped``: reason -> count.
    """

    kind: Literal["records", "stats"]
    frame: pd.DataFrame
    connector: str
    version: str
    origin: str
    retrieved: str
    rows_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def batch_name(self) -> str:
        """The import batch name: connector, version, origin and retrieval time."""
        return f"{self.connector}@{self.version} {self.origin} retrieved {self.retrieved}"

    def summary(self) -> str:
        """One line: read, kept, skipped and why."""
        kept = len(self.frame)
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
        line = f"{self.connector}: read {self.rows_read}, kept {kept}, skipped {skipped}"
        return line + (f" ({reasons})" if reasons else "")


def land(store: Store, fetched: Fetched, *, dry_run: bool = False) -> ImportReport:
    """Import ``fetched`` through the validated, all-or-nothing import (see the module doc)."""
    return import_frame(
        store,
        fetched.frame,
        fetched.kind,
        name=fetched.batch_name,
        dry_run=dry_run,
        raise_on_error=False,
    )
