"""the clocks after a decision: its service, the return visit, on-the-spot cash to the bank"""

import sqlalchemy as sa
from alembic import op

revision: str = "enforcement_0007"
down_revision: str | None = "enforcement_0006"


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("service_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("served_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("served_how", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("return_visit_due", sa.Date(), nullable=True))
    with op.batch_alter_table("on_the_spot_penalties") as batch:
        batch.add_column(sa.Column("cash_handover_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("handed_over_on", sa.Date(), nullable=True))
    # "return_visit" and "cash_handover" are longer than the first two kinds.
    with op.batch_alter_table("deadlines_missed") as batch:
        batch.alter_column(
            "deadline", existing_type=sa.String(length=10), type_=sa.String(length=20)
        )


def downgrade() -> None:
    with op.batch_alter_table("deadlines_missed") as batch:
        batch.alter_column(
            "deadline", existing_type=sa.String(length=20), type_=sa.String(length=10)
        )
    with op.batch_alter_table("on_the_spot_penalties") as batch:
        batch.drop_column("handed_over_on")
        batch.drop_column("cash_handover_due")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("return_visit_due")
        batch.drop_column("served_how")
        batch.drop_column("served_on")
        batch.drop_column("service_due")
