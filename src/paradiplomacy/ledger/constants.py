"""Constants of the ledger that the command line needs at start-up (option help texts, the
``--db`` environment variable and its resolution), in a module that imports only the standard
library: ``paradiplomacy --help`` and ``serve`` stay quick. Their old homes (:mod:`.store`,
:mod:`.taxonomy`) re-export them."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "PARADIPLOMACY_DB"
"""The environment variable holding the ledger's database URL or SQLite file path."""

STATUSES: tuple[str, ...] = ("planned", "active", "suspended", "terminated")
"""Record statuses (MODEL.md section 2); ``active`` is the default."""

DEFAULT_DB = "paradiplomacy.sqlite"
"""The ledger when neither ``--db`` nor :data:`ENV_VAR` names one."""


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The database URL: ``db``, else ``$PARADIPLOMACY_DB``, else ``./paradiplomacy.sqlite``.

    A plain file path is taken as an SQLite file.
    """
    value = str(db) if db else os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"
