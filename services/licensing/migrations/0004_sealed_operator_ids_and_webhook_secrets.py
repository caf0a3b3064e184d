"""operators' ID numbers and webhook secrets sealed at rest

Rows stored before are sealed here, under the current key of DATA_KEYS (read from the
environment, as the service reads it); the ID number column keeps only its masked form.
"""

import sqlalchemy as sa
from alembic import op

from chassis.sealing import DataKeys

revision: str = "licensing_0004"
down_revision: str | None = "licensing_0003"

_applications = sa.table(
    "applications",
    sa.column("id", sa.Uuid),
    sa.column("operator_id_number", sa.String),
    sa.column("sealed_operator_id_number", sa.Text),
    sa.column("operator_id_number_hash", sa.String),
)
_webhooks = sa.table("webhooks", sa.column("agency", sa.String), sa.column("secret", sa.Text))


def upgrade() -> None:
    keyring = DataKeys().data_keyring()
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("sealed_operator_id_number", sa.Text(), nullable=True))
        batch.add_column(sa.Column("operator_id_number_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", type_=sa.Text(), existing_nullable=False)
    connection = op.get_bind()
    for row in connection.execute(
        sa.select(_applications.c.id, _applications.c.operator_id_number)
    ):
        sealed = keyring.seal_id_number(row.operator_id_number)
        connection.execute(
            sa.update(_applications)
            .where(_applications.c.id == row.id)
            .values(
                operator_id_number=sealed.masked,
                sealed_operator_id_number=sealed.sealed,
                operator_id_number_hash=sealed.hash,
            )
        )
    for row in connection.execute(sa.select(_webhooks.c.agency, _webhooks.c.secret)):
        connection.execute(
            sa.update(_webhooks)
            .where(_webhooks.c.agency == row.agency)
            .values(secret=keyring.seal_text("webhook_secret", row.secret))
        )
    with op.batch_alter_table("applications") as batch:
        batch.alter_column("sealed_operator_id_number", nullable=False)
        batch.alter_column("operator_id_number_hash", nullable=False)
        batch.create_index(
            batch.f("ix_applications_operator_id_number_hash"), ["operator_id_number_hash"]
        )


def downgrade() -> None:
    # The clear values are not brought back: a downgrade keeps the masked form only.
    with op.batch_alter_table("applications") as batch:
        batch.drop_index(batch.f("ix_applications_operator_id_number_hash"))
        batch.drop_column("operator_id_number_hash")
        batch.drop_column("sealed_operator_id_number")
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", type_=sa.String(length=200), existing_nullable=False)
