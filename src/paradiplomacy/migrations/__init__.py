"""Alembic migrations of the ledger schema, run by ``Store.init``."""
