"""Options shared by the command modules (``--db``, ``--registry``, ``--format``) and the store
they open."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paradiplomacy.ledger.constants import ENV_VAR

if TYPE_CHECKING:  # SQLAlchemy and pandas are imported when a command opens the store
    from paradiplomacy.ledger.store import Store

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=ENV_VAR,
        show_envvar=True,
        help="Database: an SQLAlchemy URL or an SQLite file path [default: ./paradiplomacy.sqlite]",
    ),
]
RegistryFile = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        envvar="PARADIPLOMACY_REGISTRY",
        exists=True,
        dir_okay=False,
        help="Region registry YAML file [default: Russia's federal subjects, shipped]",
    ),
]
Format = Annotated[str, typer.Option("--format", "-f", help="table, csv or json")]


def open_store(db: str | None, registry: Path | None = None) -> Store:
    """The ledger at ``db`` with the region registry ``registry`` (default: the shipped one)."""
    from paradiplomacy.ledger.store import Store
    from paradiplomacy.registry import RegionRegistry

    regions = RegionRegistry.load(registry) if registry else None
    return Store(db, regions=regions)
