"""the directory of people: case handlers' certificates, officers' units"""

import sqlalchemy as sa
from alembic import op

revision: str = "enforcement_0005"
down_revision: str | None = "enforcement_0004"


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("certificate_number", sa.String(length=32), nullable=True),
        sa.Column("certificate_valid_until", sa.Date(), nullable=True),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_people")),
    )


def downgrade() -> None:
    op.drop_table("people")
