"""random inspection draws, results and the inspection plan"""

import sqlalchemy as sa
from alembic import op

revision: str = "supervision_0004"
down_revision: str | None = "supervision_0003"


def upgrade() -> None:
    op.create_table(
        "inspection_plan_entries",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("risk_class", sa.String(length=1), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("credit_code", name=op.f("pk_inspection_plan_entries")),
    )
    op.create_table(
        "random_inspection_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("rules_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_random_inspection_plans")),
    )
    op.create_index(
        op.f("ix_random_inspection_plans_office_id"),
        "random_inspection_plans",
        ["office_id"],
        unique=False,
    )
    op.create_table(
        "random_inspection_draws",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("snapshot_hash", sa.String(length=64), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("committed_by", sa.String(length=64), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=True),
        sa.Column("drawn_by", sa.String(length=64), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["random_inspection_plans.id"],
            name=op.f("fk_random_inspection_draws_plan_id_random_inspection_plans"),
        ),
        sa.PrimaryKeyConstraint("plan_id", "number", name=op.f("pk_random_inspection_draws")),
    )
    op.create_table(
        "random_inspection_results",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("publish_by", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id", "number"],
            ["random_inspection_draws.plan_id", "random_inspection_draws.number"],
            name=op.f("fk_random_inspection_results_plan_id_random_inspection_draws"),
        ),
        sa.PrimaryKeyConstraint(
            "plan_id", "number", "credit_code", name=op.f("pk_random_inspection_results")
        ),
    )
    op.create_index(
        "ix_random_inspection_results_household",
        "random_inspection_results",
        ["credit_code"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_random_inspection_results_household", table_name="random_inspection_results")
    op.drop_table("random_inspection_results")
    op.drop_table("random_inspection_draws")
    op.drop_index(
        op.f("ix_random_inspection_plans_office_id"), table_name="random_inspection_plans"
    )
    op.drop_table("random_inspection_plans")
    op.drop_table("inspection_plan_entries")
