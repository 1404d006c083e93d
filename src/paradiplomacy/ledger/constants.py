"""Constants of the ledger that the command line needs at start-up (option help texts, the
``--db`` environment variable), in a module that imports nothing: ``paradiplomacy --help`` stays
quick. Their old homes (:mod:`.store`, :mod:`.taxonomy`) re-export them."""

from __future__ import annotations

ENV_VAR = "PARADIPLOMACY_DB"
"""The environment variable holding the ledger's database URL or SQLite file path."""

STATUSES: tuple[str, ...] = ("planned", "active", "suspended", "terminated")
"""Record statuses (MODEL.md section 2); ``active`` is the default."""
