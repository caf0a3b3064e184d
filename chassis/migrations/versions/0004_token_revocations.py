"""token revocations: token ids and people's cut-offs refused until the tokens expire"""

import sqlalchemy as sa
from alembic import op

revision: str = "chassis_0004"
down_revision: str | None = "chassis_0003"


def upgrade() -> None:
    op.create_table(
        "revoked_token_ids",
        sa.Column("jti", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name="pk_revoked_token_ids"),
    )
    op.create_index("ix_revoked_token_ids_expires_at", "revoked_token_ids", ["expires_at"])
    op.create_table(
        "token_cutoffs",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("issued_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refused_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_token_cutoffs"),
    )
    op.create_index("ix_token_cutoffs_refused_until", "token_cutoffs", ["refused_until"])


def downgrade() -> None:
    op.drop_index("ix_token_cutoffs_refused_until", table_name="token_cutoffs")
    op.drop_table("token_cutoffs")
    op.drop_index("ix_revoked_token_ids_expires_at", table_name="revoked_token_ids")
    op.drop_table("revoked_token_ids")
