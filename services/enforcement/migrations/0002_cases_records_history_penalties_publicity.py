"""cases, investigation records, case history, on-the-spot penalties, publicity"""

import sqlalchemy as sa
from alembic import op

revision: str = "enforcement_0002"
down_revision: str | None = "enforcement_0001"


def upgrade() -> None:
    op.create_table(
        "case_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_source_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_history")),
    )
    with op.batch_alter_table("case_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_history_case_source_id"), ["case_source_id"], unique=False
        )

    op.create_table(
        "on_the_spot_penalties",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("party", sa.JSON(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("penalty_kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("collected_on_spot", sa.Boolean(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=True),
        sa.Column("section", sa.String(length=20), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_on_the_spot_penalties")),
    )
    with op.batch_alter_table("on_the_spot_penalties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_on_the_spot_penalties_credit_code"), ["credit_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_on_the_spot_penalties_decided_by"), ["decided_by"], unique=False
        )

    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_source_id", sa.Uuid(), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("handlers", sa.JSON(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_deadline", sa.JSON(), nullable=False),
        sa.Column("decision_due", sa.Date(), nullable=False),
        sa.Column("notice", sa.JSON(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_on_time", sa.Boolean(), nullable=True),
        sa.Column("return_visit", sa.JSON(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_source_id"],
            ["case_sources.id"],
            name=op.f("fk_cases_case_source_id_case_sources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("case_source_id", name=op.f("uq_cases_case_source_id")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_section_status", ["section", "status", "decision_due"], unique=False
        )

    op.create_table(
        "investigation_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_investigation_records_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_records")),
    )
    with op.batch_alter_table("investigation_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_investigation_records_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "publicity",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("penalty", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("publish_deadline", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_publicity_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_publicity")),
    )
    with op.batch_alter_table("case_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verify_extension", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decline_reasons", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_sources", schema=None) as batch_op:
        batch_op.drop_column("decline_reasons")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("verify_extension")

    op.drop_table("publicity")
    with op.batch_alter_table("investigation_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_investigation_records_case_id"))

    op.drop_table("investigation_records")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_section_status")

    op.drop_table("cases")
    with op.batch_alter_table("on_the_spot_penalties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_on_the_spot_penalties_decided_by"))
        batch_op.drop_index(batch_op.f("ix_on_the_spot_penalties_credit_code"))

    op.drop_table("on_the_spot_penalties")
    with op.batch_alter_table("case_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_history_case_source_id"))

    op.drop_table("case_history")
