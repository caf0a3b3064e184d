"""second factors' TOTP secrets sealed at rest

Secrets enrolled before are sealed here, under the current key of DATA_KEYS (read from the
environment, as the gateway reads it).
"""

import sqlalchemy as sa
from alembic import op

from chassis.sealing import DataKeys

revision: str = "gateway_0004"
down_revision: str | None = "gateway_0003"

_users = sa.table("users", sa.column("username", sa.String), sa.column("totp_secret", sa.Text))


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", type_=sa.Text(), existing_nullable=True)
    keyring = DataKeys().data_keyring()
    connection = op.get_bind()
    enrolled = sa.select(_users.c.username, _users.c.totp_secret).where(
        _users.c.totp_secret.is_not(None)
    )
    for row in connection.execute(enrolled):
        connection.execute(
            sa.update(_users)
            .where(_users.c.username == row.username)
            .values(totp_secret=keyring.seal_text("totp_secret", row.totp_secret))
        )


def downgrade() -> None:
    keyring = DataKeys().data_keyring()
    connection = op.get_bind()
    enrolled = sa.select(_users.c.username, _users.c.totp_secret).where(
        _users.c.totp_secret.is_not(None)
    )
    for row in connection.execute(enrolled):
        connection.execute(
            sa.update(_users)
            .where(_users.c.username == row.username)
            .values(totp_secret=keyring.open_text("totp_secret", row.totp_secret))
        )
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", type_=sa.String(length=64), existing_nullable=True)
