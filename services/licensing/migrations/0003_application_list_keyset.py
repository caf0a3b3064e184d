"""the application lists' keyset indexes: (status, submitted_at, id) and (submitted_at, id)"""

from alembic import op

revision: str = "licensing_0003"
down_revision: str | None = "licensing_0002"


def upgrade() -> None:
    # The status index is the new one's first column: it would only cost writes.
    op.drop_index(op.f("ix_applications_status"), table_name="applications")
    op.create_index(
        "ix_applications_status_submitted",
        "applications",
        ["status", "submitted_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_applications_submitted", "applications", ["submitted_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_applications_submitted", table_name="applications")
    op.drop_index("ix_applications_status_submitted", table_name="applications")
    op.create_index(op.f("ix_applications_status"), "applications", ["status"], unique=False)
