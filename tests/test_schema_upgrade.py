"""A ledger made by an older version is upgraded to the current schema when first used."""

from __future__ import annotations

import sqlite3

from alembic import command

from paradiplomacy.ledger.store import Store, _head_revision


def test_an_older_ledger_is_upgraded_on_first_use(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = Store(url)
    with old.engine.begin() as conn:
        command.upgrade(old._alembic(conn), "0001")  # the schema before GDELT events
    old.close()

    store = Store(url)
    assert store.counts()["events"] == 0  # the events table exists now
    with sqlite3.connect(tmp_path / "old.sqlite") as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == _head_revision() != "0001"
