"""law-enforcement certificates of the people in the directory, and whether it has listed them"""

import sqlalchemy as sa
from alembic import op

revision: str = "gateway_0005"
down_revision: str | None = "gateway_0004"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("certificate_number", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("certificate_valid_until", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("listed", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("listed")
        batch.drop_column("certificate_valid_until")
        batch.drop_column("certificate_number")
