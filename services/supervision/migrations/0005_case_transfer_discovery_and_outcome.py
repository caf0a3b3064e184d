"""case_transfers: the day the office found the lead, and what came of it at enforcement"""

import sqlalchemy as sa
from alembic import op

revision: str = "supervision_0005"
down_revision: str | None = "supervision_0004"


def upgrade() -> None:
    with op.batch_alter_table("case_transfers") as batch:
        batch.add_column(sa.Column("discovered_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("case_id", sa.Uuid(), nullable=True))
        batch.create_index(batch.f("ix_case_transfers_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_transfers") as batch:
        batch.drop_index(batch.f("ix_case_transfers_case_id"))
        batch.drop_column("case_id")
        batch.drop_column("outcome")
        batch.drop_column("discovered_on")
