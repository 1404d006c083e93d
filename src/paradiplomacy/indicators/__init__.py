"""Indicators computed from the ledger, statistics and structural facts (MODEL.md section 3)."""
