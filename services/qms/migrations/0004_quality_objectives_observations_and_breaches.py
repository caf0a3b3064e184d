"""quality objectives: observations of each event, breaches found once a month ended"""

import sqlalchemy as sa
from alembic import op

revision: str = "qms_0004"
down_revision: str | None = "qms_0003"


def upgrade() -> None:
    op.create_table(
        "objective_observations",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("objective", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=True),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "objective", name=op.f("pk_objective_observations")),
    )
    op.create_index(
        "ix_objective_observations_period",
        "objective_observations",
        ["period", "objective"],
        unique=False,
    )
    op.create_table(
        "objective_breaches",
        sa.Column("objective", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("objective", "period", name=op.f("pk_objective_breaches")),
    )


def downgrade() -> None:
    op.drop_table("objective_breaches")
    op.drop_index("ix_objective_observations_period", table_name="objective_observations")
    op.drop_table("objective_observations")
