"""the notice of the intended penalty with the party's statements, waiver and hearing; the
bank's receipt for on-the-spot cash"""

import sqlalchemy as sa
from alembic import op

revision: str = "enforcement_0008"
down_revision: str | None = "enforcement_0007"


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("penalty_notice", sa.JSON(), nullable=True))
    with op.batch_alter_table("on_the_spot_penalties") as batch:
        batch.add_column(sa.Column("cash_receipt", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("on_the_spot_penalties") as batch:
        batch.drop_column("cash_receipt")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("penalty_notice")
