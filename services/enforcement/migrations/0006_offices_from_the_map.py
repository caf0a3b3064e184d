"""offices kept from supervision's map events: the number of each office's latest event"""

import sqlalchemy as sa
from alembic import op

revision: str = "enforcement_0006"
down_revision: str | None = "enforcement_0005"


def upgrade() -> None:
    # Offices loaded from the district file before keep 0: the first event of each replaces them.
    with op.batch_alter_table("offices") as batch:
        batch.add_column(sa.Column("sequence", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("offices") as batch:
        batch.drop_column("sequence")
