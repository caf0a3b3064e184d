"""delivery failures: the last handler error of each failing event"""

import sqlalchemy as sa
from alembic import op

revision: str = "chassis_0002"
down_revision: str | None = "chassis_0001"


def upgrade() -> None:
    op.create_table(
        "delivery_failures",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("routing_key", sa.String(200), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_delivery_failures"),
    )
    op.create_index("ix_outbox_published", "outbox", ["published_at"])
    op.create_index("ix_inbox_received", "inbox", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_received", table_name="inbox")
    op.drop_index("ix_outbox_published", table_name="outbox")
    op.drop_table("delivery_failures")
