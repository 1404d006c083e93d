"""The record cube's index: activity records by region, partner, instrument, status and year.

The assessment reads the ledger as aggregates grouped by these five columns
(:mod:`paradiplomacy.ledger.aggregates`); with this index SQLite groups by walking it instead of
sorting every record. It replaces the (region, partner_country) index, of which it is an
extension: look-ups by region, or by region and partner, use its first columns.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 03:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CUBE = ["region", "partner_country", "instrument", "status", "year"]


def upgrade() -> None:
    op.drop_index("ix_activity_records_region_partner", table_name="activity_records")
    op.create_index("ix_activity_records_cube", "activity_records", CUBE, unique=False)


def downgrade() -> None:
    op.drop_index("ix_activity_records_cube", table_name="activity_records")
    op.create_index(
        "ix_activity_records_region_partner",
        "activity_records",
        ["region", "partner_country"],
        unique=False,
    )
