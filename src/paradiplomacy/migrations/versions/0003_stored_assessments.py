"""Stored assessments: a built assessment kept in the ledger, keyed by what made it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 22:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_assessments",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("parameters", sa.String(length=64), nullable=False),
        sa.Column("ledger_revision", sa.String(length=200), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("software", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_assessments")),
    )
    op.create_index(
        "ix_stored_assessments_parameters", "stored_assessments", ["parameters"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_stored_assessments_parameters", table_name="stored_assessments")
    op.drop_table("stored_assessments")
