"""deadlines_missed: results not published and plan visits not made in time, raised once"""

import sqlalchemy as sa
from alembic import op

revision: str = "supervision_0006"
down_revision: str | None = "supervision_0005"


def upgrade() -> None:
    op.create_table(
        "deadlines_missed",
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("deadline", sa.String(length=20), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", "deadline", "due", name=op.f("pk_deadlines_missed")),
    )
    with op.batch_alter_table("inspection_plan_entries") as batch:
        batch.create_index("ix_inspection_plan_entries_due", ["due", "credit_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inspection_plan_entries") as batch:
        batch.drop_index("ix_inspection_plan_entries_due")
    op.drop_table("deadlines_missed")
