"""GDELT events: one row per event and partner country, with provenance.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("global_event_id", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("partner", sa.String(length=2), nullable=False),
        sa.Column("event_code", sa.String(length=8), nullable=False),
        sa.Column("event_root_code", sa.String(length=4), nullable=False),
        sa.Column("quad_class", sa.Integer(), nullable=False),
        sa.Column("goldstein", sa.Float(), nullable=False),
        sa.Column("num_mentions", sa.Integer(), nullable=False),
        sa.Column("num_sources", sa.Integer(), nullable=False),
        sa.Column("num_articles", sa.Integer(), nullable=False),
        sa.Column("avg_tone", sa.Float(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_file", sa.String(length=500), nullable=False),
        sa.Column("retrieved", sa.DateTime(timezone=True), nullable=False),
        sa.Column("connector", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner"], ["partners.alpha2"], name=op.f("fk_events_partner_partners")
        ),
        sa.ForeignKeyConstraint(
            ["region"], ["regions.code"], name=op.f("fk_events_region_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_date", ["date"], unique=False)
        batch_op.create_index("ix_events_key", ["global_event_id", "partner"], unique=True)
        batch_op.create_index("ix_events_region_partner", ["region", "partner"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_region_partner")
        batch_op.drop_index("ix_events_key")
        batch_op.drop_index("ix_events_date")
    op.drop_table("events")
