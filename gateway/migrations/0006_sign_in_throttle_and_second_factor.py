"""sign-in throttle, known addresses, password resets, second factor by default"""

import sqlalchemy as sa
from alembic import op

revision: str = "gateway_0006"
down_revision: str | None = "gateway_0005"

# GB/T 22239-2019 level 3: these roles sign in with a second factor, in databases made before
# it was the default too.
SECOND_FACTOR_ROLES = ("admin", "auditor", "qms_manager")


def upgrade() -> None:
    op.create_table(
        "sign_in_addresses",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("signed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", "address", name=op.f("pk_sign_in_addresses")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        # The failures are counted by the throttle now, per account and per address.
        batch.drop_column("failed_logins")
    policies = sa.table("role_policies", sa.column("role"), sa.column("totp_required"))
    op.execute(sa.delete(policies).where(policies.c.role.in_(SECOND_FACTOR_ROLES)))
    op.bulk_insert(
        policies, [{"role": role, "totp_required": True} for role in SECOND_FACTOR_ROLES]
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
        batch.drop_column("must_change_password")
    op.drop_table("sign_in_addresses")
