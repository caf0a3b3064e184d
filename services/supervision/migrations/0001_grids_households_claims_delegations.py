"""grids, households, licence facts, history, claims, delegations"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "supervision_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("supervision",)
depends_on: str | Sequence[str] | None = "chassis_0002"


def upgrade() -> None:
    op.create_table(
        "claim_overdue",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("claim_deadline", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("credit_code", "claim_deadline", name=op.f("pk_claim_overdue")),
    )
    op.create_table(
        "delegations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    op.create_index(op.f("ix_delegations_agent"), "delegations", ["agent"], unique=False)
    op.create_index(op.f("ix_delegations_officer"), "delegations", ["officer"], unique=False)
    op.create_table(
        "grid_map_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_map_version")),
    )
    op.create_table(
        "household_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_history")),
    )
    op.create_index(
        "ix_household_history_household", "household_history", ["credit_code", "id"], unique=False
    )
    op.create_table(
        "licence_facts",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("credit_code", "sequence", name=op.f("pk_licence_facts")),
    )
    op.create_table(
        "offices",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
    )
    op.create_table(
        "grids",
        sa.Column("id", sa.String(length=15), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("polygon", sa.JSON(), nullable=False),
        sa.Column("community_codes", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_grids_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grids")),
    )
    op.create_index(op.f("ix_grids_owner"), "grids", ["owner"], unique=False)
    op.create_table(
        "households",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("entity_type", sa.String(length=30), nullable=True),
        sa.Column("operator_name", sa.String(length=100), nullable=True),
        sa.Column("address", sa.JSON(), nullable=True),
        sa.Column("business_scope", sa.JSON(), nullable=False),
        sa.Column("licensed", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("grid_id", sa.String(length=15), nullable=True),
        sa.Column("office_id", sa.String(length=64), nullable=True),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("agent", sa.String(length=64), nullable=True),
        sa.Column("routed_by", sa.String(length=10), nullable=True),
        sa.Column("claim_deadline", sa.Date(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["grids.id"], name=op.f("fk_households_grid_id_grids")
        ),
        sa.PrimaryKeyConstraint("credit_code", name=op.f("pk_households")),
    )
    op.create_index("ix_households_claim", "households", ["status", "claim_deadline"], unique=False)
    op.create_index("ix_households_grid", "households", ["grid_id", "credit_code"], unique=False)
    op.create_index(
        "ix_households_office_status", "households", ["office_id", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_households_office_status", table_name="households")
    op.drop_index("ix_households_grid", table_name="households")
    op.drop_index("ix_households_claim", table_name="households")
    op.drop_table("households")
    op.drop_index(op.f("ix_grids_owner"), table_name="grids")
    op.drop_table("grids")
    op.drop_table("offices")
    op.drop_table("licence_facts")
    op.drop_index("ix_household_history_household", table_name="household_history")
    op.drop_table("household_history")
    op.drop_table("grid_map_version")
    op.drop_index(op.f("ix_delegations_officer"), table_name="delegations")
    op.drop_index(op.f("ix_delegations_agent"), table_name="delegations")
    op.drop_table("delegations")
    op.drop_table("claim_overdue")
