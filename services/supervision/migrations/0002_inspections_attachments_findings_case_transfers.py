"""inspections, attachments, findings, case transfers"""

import sqlalchemy as sa
from alembic import op

revision: str = "supervision_0002"
down_revision: str | None = "supervision_0001"


def upgrade() -> None:
    op.create_index("ix_households_owner", "households", ["owner", "credit_code"], unique=False)
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("stored_by", sa.String(length=64), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachments")),
    )
    op.create_table(
        "case_transfers",
        sa.Column("case_source_id", sa.Uuid(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("finding_id", sa.Uuid(), nullable=True),
        sa.Column("allegation", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=True),
        sa.Column("transferred_by", sa.String(length=64), nullable=False),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_source_id", name=op.f("pk_case_transfers")),
    )
    op.create_index(
        op.f("ix_case_transfers_credit_code"), "case_transfers", ["credit_code"], unique=False
    )
    op.create_table(
        "inspection_visits",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.PrimaryKeyConstraint(
            "inspection_id", "version", "credit_code", name=op.f("pk_inspection_visits")
        ),
    )
    op.create_index(
        "ix_inspection_visits_household", "inspection_visits", ["credit_code"], unique=False
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("inspector", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("households", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", "version", name=op.f("pk_inspections")),
    )
    op.create_index(op.f("ix_inspections_inspector"), "inspections", ["inspector"], unique=False)
    op.create_table(
        "unlicensed_findings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=True),
        sa.Column("found_by", sa.String(length=64), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unlicensed_findings")),
    )
    op.add_column(
        "households", sa.Column("last_inspected_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_index("ix_households_owner", table_name="households")
    op.drop_column("households", "last_inspected_at")
    op.drop_table("unlicensed_findings")
    op.drop_index(op.f("ix_inspections_inspector"), table_name="inspections")
    op.drop_table("inspections")
    op.drop_index("ix_inspection_visits_household", table_name="inspection_visits")
    op.drop_table("inspection_visits")
    op.drop_index(op.f("ix_case_transfers_credit_code"), table_name="case_transfers")
    op.drop_table("case_transfers")
    op.drop_table("attachments")
