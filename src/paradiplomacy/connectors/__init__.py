"""Connectors that bring real public data into the ledger, with full provenance."""
