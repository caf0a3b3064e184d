"""offices and grids kept from supervision's map events"""

import sqlalchemy as sa
from alembic import op

revision: str = "complaints_0002"
down_revision: str | None = "complaints_0001"


def upgrade() -> None:
    op.create_table(
        "grids",
        sa.Column("id", sa.String(length=15), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("community_codes", sa.JSON(), nullable=False),
        sa.Column("polygon", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grids")),
    )
    # An office's area is its grids' now: the areas read from the district file go, and come
    # back with supervision's events (`python -m services.supervision publish-map` re-sends
    # them all to a database upgraded here).
    with op.batch_alter_table("offices") as batch:
        batch.drop_column("polygons")
        batch.drop_column("community_codes")
        batch.add_column(sa.Column("sequence", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("offices") as batch:
        batch.drop_column("sequence")
        batch.add_column(
            sa.Column("community_codes", sa.JSON(), server_default="[]", nullable=False)
        )
        batch.add_column(sa.Column("polygons", sa.JSON(), server_default="[]", nullable=False))
    op.drop_table("grids")
