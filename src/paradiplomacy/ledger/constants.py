"""Constants of the ledger that the command line needs at start-up (option help texts, the
``--db`` environment variable, how ``--db`` becomes a URL), in a module that imports nothing
heavy: ``paradiplomacy --help`` stays quick. Their old homes (:mod:`.store`,
:mod:`.taxonomy`) re-export them."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "PARADIPLOMACY_DB"
"""The environment variable holding the ledger's database URL or SQLite file path."""

STATUSES: tuple[str, ...] = ("planned", "active", "suspended", "terminated")
"""Record statuses (MODEL.md section 2); ``active`` is the default."""

DEFAULT_DB = "paradiplomacy.sqlite"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The database URL: ``db``, else ``$PARADIPLOMACY_DB``, else ``./paradiplomacy.sqlite``.

    A plain file path is taken as an SQLite file.
    """
    value = str(db) if db else os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"
