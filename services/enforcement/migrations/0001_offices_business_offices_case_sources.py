"""offices, business offices, case sources"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "enforcement_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("enforcement",)
depends_on: str | Sequence[str] | None = "chassis_0002"


def upgrade() -> None:
    op.create_table(
        "business_offices",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("credit_code", name=op.f("pk_business_offices")),
    )
    op.create_table(
        "case_sources",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_department", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("allegation", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=True),
        sa.Column("section", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verify_deadline", sa.JSON(), nullable=False),
        sa.Column("verify_due", sa.Date(), nullable=False),
        sa.Column("transferred_by", sa.String(length=64), nullable=False),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_sources")),
    )
    with op.batch_alter_table("case_sources", schema=None) as batch_op:
        batch_op.create_index("ix_case_sources_credit_code", ["credit_code"], unique=False)
        batch_op.create_index(
            "ix_case_sources_section_status", ["section", "status", "verify_due"], unique=False
        )

    op.create_table(
        "offices",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
    )


def downgrade() -> None:
    op.drop_table("offices")
    with op.batch_alter_table("case_sources", schema=None) as batch_op:
        batch_op.drop_index("ix_case_sources_section_status")
        batch_op.drop_index("ix_case_sources_credit_code")

    op.drop_table("case_sources")
    op.drop_table("business_offices")
