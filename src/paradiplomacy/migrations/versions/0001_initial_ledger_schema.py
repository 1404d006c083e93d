"""Initial ledger schema: regions, partners, import batches, activity records, statistics.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 01:51:06.873772
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_added", sa.Integer(), nullable=False),
        sa.Column("rows_duplicate", sa.Integer(), nullable=False),
        sa.Column("rows_superseding", sa.Integer(), nullable=False),
        sa.Column("tool_version", sa.String(length=40), nullable=False),
        sa.Column("registry_version", sa.String(length=60), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('records', 'stats')", name=op.f("ck_import_batches_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_sha256"), ["sha256"], unique=False)

    op.create_table(
        "partners",
        sa.Column("alpha2", sa.String(length=2), nullable=False),
        sa.Column("alpha3", sa.String(length=3), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_ru", sa.String(length=200), nullable=False),
        sa.Column("macro_region", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("alpha2", name=op.f("pk_partners")),
    )
    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("iso_code", sa.String(length=16), nullable=True),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_ru", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("federal_district", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    op.create_table(
        "activity_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("partner_country", sa.String(length=2), nullable=False),
        sa.Column("partner_name", sa.String(length=500), nullable=True),
        sa.Column("instrument", sa.String(length=60), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("magnitude", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_activity_records_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_country"],
            ["partners.alpha2"],
            name=op.f("fk_activity_records_partner_country_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["region"], ["regions.code"], name=op.f("fk_activity_records_region_regions")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["activity_records.id"],
            name=op.f("fk_activity_records_supersedes_id_activity_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_records")),
    )
    with op.batch_alter_table("activity_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activity_records_region_partner", ["region", "partner_country"], unique=False
        )
        batch_op.create_index(
            "ix_activity_records_supersedes_id",
            ["supersedes_id"],
            unique=True,
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
        batch_op.create_index("ix_activity_records_uid", ["uid"], unique=True)

    op.create_table(
        "statistics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_statistics_batch_id_import_batches")
        ),
        sa.ForeignKeyConstraint(
            ["region"], ["regions.code"], name=op.f("fk_statistics_region_regions")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["statistics.id"],
            name=op.f("fk_statistics_supersedes_id_statistics"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics")),
    )
    with op.batch_alter_table("statistics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statistics_indicator"), ["indicator"], unique=False)
        batch_op.create_index("ix_statistics_key", ["region", "year", "indicator"], unique=False)
        batch_op.create_index(
            "ix_statistics_supersedes_id",
            ["supersedes_id"],
            unique=True,
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
        batch_op.create_index("ix_statistics_uid", ["uid"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("statistics", schema=None) as batch_op:
        batch_op.drop_index("ix_statistics_uid")
        batch_op.drop_index(
            "ix_statistics_supersedes_id",
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_statistics_key")
        batch_op.drop_index(batch_op.f("ix_statistics_indicator"))

    op.drop_table("statistics")
    with op.batch_alter_table("activity_records", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_records_uid")
        batch_op.drop_index(
            "ix_activity_records_supersedes_id",
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_activity_records_region_partner")

    op.drop_table("activity_records")
    op.drop_table("regions")
    op.drop_table("partners")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_sha256"))

    op.drop_table("import_batches")
