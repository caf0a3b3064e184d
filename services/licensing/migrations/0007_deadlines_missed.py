"""applications' missed deadlines, each raised once"""

import sqlalchemy as sa
from alembic import op

revision: str = "licensing_0007"
down_revision: str | None = "licensing_0006"


def upgrade() -> None:
    op.create_table(
        "deadlines_missed",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "application_id", "rule_code", "due", name=op.f("pk_deadlines_missed")
        ),
    )


def downgrade() -> None:
    op.drop_table("deadlines_missed")
