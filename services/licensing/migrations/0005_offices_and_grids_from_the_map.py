"""offices and grids kept from supervision's map events"""

import sqlalchemy as sa
from alembic import op

revision: str = "licensing_0005"
down_revision: str | None = "licensing_0004"


def upgrade() -> None:
    op.create_table(
        "grids",
        sa.Column("id", sa.String(length=15), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("community_codes", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grids")),
    )
    op.create_table(
        "offices",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("area", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
    )


def downgrade() -> None:
    op.drop_table("offices")
    op.drop_table("grids")
