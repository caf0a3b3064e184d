"""idempotency claims: a key is claimed before its creation runs, its answer stored after"""

import sqlalchemy as sa
from alembic import op

revision: str = "chassis_0003"
down_revision: str | None = "chassis_0002"


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.alter_column("status_code", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("response", existing_type=sa.JSON(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM idempotency_keys WHERE response IS NULL")
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.alter_column("response", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("status_code", existing_type=sa.Integer(), nullable=False)
