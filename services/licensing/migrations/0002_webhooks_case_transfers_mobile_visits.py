"""partner deadlines, webhooks, case transfers, mobile visits"""

import sqlalchemy as sa
from alembic import op

revision: str = "licensing_0002"
down_revision: str | None = "licensing_0001"


def upgrade() -> None:
    op.create_table(
        "mobile_visits",
        sa.Column("finding_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("street_code", sa.String(length=9), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("finding_id", name=op.f("pk_mobile_visits")),
    )
    op.create_index(
        "ix_mobile_visits_open", "mobile_visits", ["status", "community_code"], unique=False
    )
    op.create_table(
        "webhook_hosts",
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("allowed_by", sa.String(length=64), nullable=False),
        sa.Column("allowed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency", "host", name=op.f("pk_webhook_hosts")),
    )
    op.create_table(
        "webhooks",
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency", name=op.f("pk_webhooks")),
    )
    op.create_table(
        "case_transfers",
        sa.Column("case_source_id", sa.Uuid(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("allegation", sa.Text(), nullable=False),
        sa.Column("evidence_refs", sa.JSON(), nullable=False),
        sa.Column("transferred_by", sa.String(length=64), nullable=False),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_case_transfers_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("case_source_id", name=op.f("pk_case_transfers")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["partner_requests.id"],
            name=op.f("fk_webhook_deliveries_request_id_partner_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["delivered_at", "failed_at", "next_attempt_at"],
        unique=False,
    )
    op.add_column("applications", sa.Column("deadline_rule", sa.String(length=64), nullable=True))
    op.add_column("applications", sa.Column("deadline_start", sa.Date(), nullable=True))
    op.add_column(
        "applications",
        sa.Column("deadline_extensions", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("applications", sa.Column("finding_id", sa.Uuid(), nullable=True))
    op.add_column("applications", sa.Column("office_code", sa.String(length=64), nullable=True))
    op.add_column(
        "applications", sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True)
    )
    # Not-null columns on tables that held no rows before this revision (the service had no
    # routes): batch mode lets SQLite add them too.
    with op.batch_alter_table("licences") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=10), nullable=False))
    op.add_column("licences", sa.Column("office_code", sa.String(length=64), nullable=True))
    op.add_column("licences", sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_licences_operator_name", "licences", ["operator_name"], unique=False)
    with op.batch_alter_table("partner_requests") as batch:
        batch.add_column(sa.Column("deadline", sa.Date(), nullable=False))


def downgrade() -> None:
    op.drop_column("partner_requests", "deadline")
    op.drop_index("ix_licences_operator_name", table_name="licences")
    op.drop_column("licences", "changed_at")
    op.drop_column("licences", "office_code")
    op.drop_column("licences", "channel")
    op.drop_column("applications", "accepted_at")
    op.drop_column("applications", "office_code")
    op.drop_column("applications", "finding_id")
    op.drop_column("applications", "deadline_extensions")
    op.drop_column("applications", "deadline_start")
    op.drop_column("applications", "deadline_rule")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("case_transfers")
    op.drop_table("webhooks")
    op.drop_table("webhook_hosts")
    op.drop_index("ix_mobile_visits_open", table_name="mobile_visits")
    op.drop_table("mobile_visits")
