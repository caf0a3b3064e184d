"""signing keys in the database; logouts kept in the chassis' revoked token ids"""

import sqlalchemy as sa
from alembic import op

revision: str = "gateway_0003"
down_revision: str | None = "gateway_0002"
# The revocations move to the chassis' table, which must exist first.
depends_on: str | None = "chassis_0004"


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
    )
    op.execute(
        "INSERT INTO revoked_token_ids (jti, expires_at) SELECT jti, expires_at FROM revoked_tokens"
    )
    op.drop_index(op.f("ix_revoked_tokens_expires_at"), table_name="revoked_tokens")
    op.drop_table("revoked_tokens")


def downgrade() -> None:
    op.create_table(
        "revoked_tokens",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_revoked_tokens")),
    )
    op.create_index(
        op.f("ix_revoked_tokens_expires_at"), "revoked_tokens", ["expires_at"], unique=False
    )
    op.execute(
        "INSERT INTO revoked_tokens (jti, expires_at) SELECT jti, expires_at FROM revoked_token_ids"
    )
    op.drop_table("signing_keys")
