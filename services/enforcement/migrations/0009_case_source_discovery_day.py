"""case_sources.discovered_on: the day verification runs from"""

import sqlalchemy as sa
from alembic import op

revision: str = "enforcement_0009"
down_revision: str | None = "enforcement_0008"


def upgrade() -> None:
    # Null on the case sources received before: their verification ran from their receipt.
    with op.batch_alter_table("case_sources") as batch:
        batch.add_column(sa.Column("discovered_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_sources") as batch:
        batch.drop_column("discovered_on")
