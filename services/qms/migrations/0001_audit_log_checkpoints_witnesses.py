"""audit log, its refs and state, checkpoints, witness sizes; the log is append-only"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "qms_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("qms",)
depends_on: str | Sequence[str] | None = "chassis_0003"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column(
            "leaf_index",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("entry", sa.LargeBinary(), nullable=False),
        sa.Column("tree_root", sa.LargeBinary(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("appended_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("leaf_index", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("event_id", name=op.f("uq_audit_log_event_id")),
    )
    op.create_table(
        "audit_refs",
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column(
            "leaf_index",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("ref", "leaf_index", name=op.f("pk_audit_refs")),
    )
    op.create_table(
        "checkpoints",
        sa.Column(
            "size",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("root", sa.LargeBinary(), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_checkpoints")),
    )
    op.create_table(
        "log_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("root", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_state")),
    )
    op.create_table(
        "witness_sizes",
        sa.Column("witness", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("witness", name=op.f("pk_witness_sizes")),
    )
    # The empty tree: size 0, no frontier, the root of nothing (SHA-256 of the empty string).
    op.execute(
        "INSERT INTO log_state (id, size, frontier, root) VALUES (1, 0, X'', "
        "X'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')"
        if op.get_bind().dialect.name == "sqlite"
        else "INSERT INTO log_state (id, size, frontier, root) VALUES (1, 0, '', "
        "decode('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'))"
    )
    _append_only()


def _append_only() -> None:
    """No UPDATE or DELETE of the log, by the service's own role (PostgreSQL) and by a trigger
    for everyone who does not first drop it (a superuser skips privileges, not triggers)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER")
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("witness_sizes")
    op.drop_table("log_state")
    op.drop_table("checkpoints")
    op.drop_table("audit_refs")
    op.drop_table("audit_log")
