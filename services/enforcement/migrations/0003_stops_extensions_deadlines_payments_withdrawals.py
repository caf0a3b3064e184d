"""stopped time, extensions, missed deadlines, verification testing, payments, withdrawals"""

import sqlalchemy as sa
from alembic import op

revision: str = "enforcement_0003"
down_revision: str | None = "enforcement_0002"


def upgrade() -> None:
    op.create_table(
        "deadlines_missed",
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("deadline", sa.String(length=10), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "deadline", "due", name=op.f("pk_deadlines_missed")),
    )
    op.create_table(
        "case_extensions",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_extensions_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", "number", name=op.f("pk_case_extensions")),
    )
    op.create_table(
        "case_stops",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_stops_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_stops")),
    )
    with op.batch_alter_table("case_stops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_stops_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("case_sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verify_testing", sa.JSON(), server_default="[]", nullable=False)
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("paid_on", sa.Date(), nullable=True))

    with op.batch_alter_table("publicity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawal", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("publicity", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("withdrawal")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("paid_on")
        batch_op.drop_column("payment_due")

    with op.batch_alter_table("case_sources", schema=None) as batch_op:
        batch_op.drop_column("verify_testing")

    with op.batch_alter_table("case_stops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_stops_case_id"))

    op.drop_table("case_stops")
    op.drop_table("case_extensions")
    op.drop_table("deadlines_missed")
