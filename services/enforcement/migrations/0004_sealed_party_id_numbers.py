"""on-the-spot penalty parties' ID numbers sealed at rest

Penalties stored before are sealed here, under the current key of DATA_KEYS (read from the
environment, as the service reads it); the party's document keeps only the masked number.
"""

import sqlalchemy as sa
from alembic import op

from chassis.sealing import DataKeys

revision: str = "enforcement_0004"
down_revision: str | None = "enforcement_0003"

_penalties = sa.table(
    "on_the_spot_penalties",
    sa.column("id", sa.Uuid),
    sa.column("party", sa.JSON),
    sa.column("sealed_party_id_number", sa.Text),
    sa.column("party_id_number_hash", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("on_the_spot_penalties") as batch:
        batch.add_column(sa.Column("sealed_party_id_number", sa.Text(), nullable=True))
        batch.add_column(sa.Column("party_id_number_hash", sa.String(length=64), nullable=True))
        batch.create_index(
            batch.f("ix_on_the_spot_penalties_party_id_number_hash"), ["party_id_number_hash"]
        )
    keyring = DataKeys().data_keyring()
    connection = op.get_bind()
    for row in connection.execute(sa.select(_penalties.c.id, _penalties.c.party)):
        id_number = row.party.get("id_number")
        if id_number is None:
            continue
        sealed = keyring.seal_id_number(id_number)
        connection.execute(
            sa.update(_penalties)
            .where(_penalties.c.id == row.id)
            .values(
                party=row.party | {"id_number": sealed.masked},
                sealed_party_id_number=sealed.sealed,
                party_id_number_hash=sealed.hash,
            )
        )


def downgrade() -> None:
    # The clear numbers are not brought back: a downgrade keeps the masked form only.
    with op.batch_alter_table("on_the_spot_penalties") as batch:
        batch.drop_index(batch.f("ix_on_the_spot_penalties_party_id_number_hash"))
        batch.drop_column("party_id_number_hash")
        batch.drop_column("sealed_party_id_number")
