"""nonconformities, their corrective actions and effectiveness checks; audits and findings"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "qms_0002"
down_revision: str | None = "qms_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nonconformities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("basis_code", sa.String(length=100), nullable=True),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("once_key", sa.String(length=400), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nonconformities")),
        sa.UniqueConstraint("once_key", name=op.f("uq_nonconformities_once_key")),
    )
    op.create_index("ix_nonconformities_status", "nonconformities", ["status", "raised_at"])
    op.create_index("ix_nonconformities_office", "nonconformities", ["office", "raised_at"])
    op.create_table(
        "corrective_actions",
        sa.Column("nonconformity_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("planned_by", sa.String(length=100), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["nonconformity_id"],
            ["nonconformities.id"],
            name=op.f("fk_corrective_actions_nonconformity_id_nonconformities"),
        ),
        sa.PrimaryKeyConstraint("nonconformity_id", "number", name=op.f("pk_corrective_actions")),
    )
    op.create_table(
        "effectiveness_checks",
        sa.Column("nonconformity_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("effective", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("checked_by", sa.String(length=100), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["nonconformity_id"],
            ["nonconformities.id"],
            name=op.f("fk_effectiveness_checks_nonconformity_id_nonconformities"),
        ),
        sa.PrimaryKeyConstraint("nonconformity_id", "number", name=op.f("pk_effectiveness_checks")),
    )
    op.create_table(
        "audits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("process", sa.String(length=100), nullable=True),
        sa.Column("office", sa.String(length=64), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("auditors", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("planned_by", sa.String(length=100), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    op.create_index("ix_audits_planned_on", "audits", ["planned_on"])
    op.create_table(
        "audit_findings",
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("checklist_item", sa.Integer(), nullable=True),
        sa.Column("nonconformity_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_audit_findings_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["nonconformity_id"],
            ["nonconformities.id"],
            name=op.f("fk_audit_findings_nonconformity_id_nonconformities"),
        ),
        sa.PrimaryKeyConstraint("audit_id", "number", name=op.f("pk_audit_findings")),
    )


def downgrade() -> None:
    op.drop_table("audit_findings")
    op.drop_index("ix_audits_planned_on", table_name="audits")
    op.drop_table("audits")
    op.drop_table("effectiveness_checks")
    op.drop_table("corrective_actions")
    op.drop_index("ix_nonconformities_office", table_name="nonconformities")
    op.drop_index("ix_nonconformities_status", table_name="nonconformities")
    op.drop_table("nonconformities")
