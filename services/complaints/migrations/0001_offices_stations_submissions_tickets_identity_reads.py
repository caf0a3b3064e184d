"""offices stations submissions tickets identity reads"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "complaints_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("complaints",)
depends_on: str | Sequence[str] | None = "chassis_0003"


def upgrade() -> None:
    op.create_table(
        "business_offices",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("credit_code", name=op.f("pk_business_offices")),
    )
    op.create_table(
        "identity_reads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("read_by", sa.String(length=100), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_reads")),
    )
    with op.batch_alter_table("identity_reads", schema=None) as batch_op:
        batch_op.create_index("ix_identity_reads_ticket", ["ticket_id"], unique=False)

    op.create_table(
        "offices",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("community_codes", sa.JSON(), nullable=False),
        sa.Column("polygons", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
    )
    op.create_table(
        "stations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=False),
        sa.Column("community_codes", sa.JSON(), nullable=False),
        sa.Column("polygon", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("business_name", sa.String(length=200), nullable=True),
        sa.Column("location", sa.JSON(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("sealed_name", sa.Text(), nullable=True),
        sa.Column("sealed_phone", sa.Text(), nullable=True),
        sa.Column("sealed_id_number", sa.Text(), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index("ix_submissions_id_number_hash", ["id_number_hash"], unique=False)
        batch_op.create_index("ix_submissions_phone_hash", ["phone_hash"], unique=False)

    op.create_table(
        "tickets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("submission_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("unit_level", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("routing_rule", sa.String(length=13), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("business_name", sa.String(length=200), nullable=True),
        sa.Column("linked", sa.JSON(), nullable=False),
        sa.Column("deadlines", sa.JSON(), nullable=False),
        sa.Column("missed_raised", sa.JSON(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("reopen_requested", sa.Boolean(), nullable=False),
        sa.Column("merged_into", sa.Uuid(), nullable=True),
        sa.Column("case_source_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_tickets_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("case_source_id", name=op.f("uq_tickets_case_source_id")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tickets_business", ["credit_code", "kind", "received_at"], unique=False
        )
        batch_op.create_index("ix_tickets_next_due", ["next_due"], unique=False)
        batch_op.create_index(
            "ix_tickets_unit", ["unit_level", "unit_id", "received_at"], unique=False
        )

    op.create_table(
        "ticket_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_history_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_history")),
    )
    with op.batch_alter_table("ticket_history", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_history_ticket", ["ticket_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_history", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_history_ticket")

    op.drop_table("ticket_history")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_unit")
        batch_op.drop_index("ix_tickets_next_due")
        batch_op.drop_index("ix_tickets_business")

    op.drop_table("tickets")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_submissions_phone_hash")
        batch_op.drop_index("ix_submissions_id_number_hash")

    op.drop_table("submissions")
    op.drop_table("stations")
    op.drop_table("offices")
    with op.batch_alter_table("identity_reads", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_reads_ticket")

    op.drop_table("identity_reads")
    op.drop_table("business_offices")
