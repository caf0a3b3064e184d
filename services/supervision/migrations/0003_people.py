"""the directory of people delegations name"""

import sqlalchemy as sa
from alembic import op

revision: str = "supervision_0003"
down_revision: str | None = "supervision_0002"


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_people")),
    )


def downgrade() -> None:
    op.drop_table("people")
