"""Tables of the licensing service (its own database; no other service reads them)."""

import sqlalchemy as sa

from chassis.db import UtcDateTime, new_metadata

metadata = new_metadata()

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("entity_type", sa.String(30), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("operator_name", sa.String(100), nullable=False),
    # The ID number masked (`110105********002X`); the number itself only sealed
    # (chassis.sealing), with its keyed hash to find an operator's applications.
    sa.Column("operator_id_number", sa.String(18), nullable=False),
    sa.Column("sealed_operator_id_number", sa.Text, nullable=False),
    sa.Column("operator_id_number_hash", sa.String(64), nullable=False, index=True),
    sa.Column("address", sa.JSON, nullable=False),
    sa.Column("business_scope", sa.JSON, nullable=False),
    sa.Column("registered_capital", sa.Numeric(18, 2), nullable=True),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("materials", sa.JSON, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    # For changes and cancellations: the licence concerned.
    sa.Column("credit_code", sa.String(18), nullable=True, index=True),
    # The mobile van's own id of an application captured offline: a re-sent batch finds it.
    sa.Column("client_ref", sa.String(100), nullable=True, unique=True),
    sa.Column("deadline", sa.Date, nullable=True),
    # The legal-clock rule the deadline follows, the day it runs from and approved extensions.
    sa.Column("deadline_rule", sa.String(64), nullable=True),
    sa.Column("deadline_start", sa.Date, nullable=True),
    sa.Column("deadline_extensions", sa.Integer, nullable=False, server_default="0"),
    # The unlicensed-trading finding the van came to register, if any.
    sa.Column("finding_id", sa.Uuid, nullable=True),
    sa.Column("office_code", sa.String(64), nullable=True),
    sa.Column("submitted_by", sa.String(64), nullable=False),
    sa.Column("submitted_at", UtcDateTime, nullable=False),
    sa.Column("accepted_at", UtcDateTime, nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # The lists' keyset, oldest first: the window's queue (one status) and the whole list.
    sa.Index("ix_applications_status_submitted", "status", "submitted_at", "id"),
    sa.Index("ix_applications_submitted", "submitted_at", "id"),
)

# Every step of an application: who, when, from which status to which, and why.
application_steps = sa.Table(
    "application_steps",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("applications.id"), nullable=False),
    sa.Column("step", sa.String(30), nullable=False),
    sa.Column("from_status", sa.String(20), nullable=True),
    sa.Column("to_status", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("detail", sa.JSON, nullable=True),
    sa.Index("ix_application_steps_application", "application_id", "id"),
)

licences = sa.Table(
    "licences",
    metadata,
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("applications.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("entity_type", sa.String(30), nullable=False),
    sa.Column("operator_name", sa.String(100), nullable=False),
    sa.Column("address", sa.JSON, nullable=False),
    sa.Column("business_scope", sa.JSON, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("same_day", sa.Boolean, nullable=False),
    sa.Column("after_hours", sa.Boolean, nullable=False),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("office_code", sa.String(64), nullable=True),
    sa.Column("changed_at", UtcDateTime, nullable=True),
    sa.Column("cancelled_at", UtcDateTime, nullable=True),
    sa.Index("ix_licences_operator_name", "operator_name"),
)
# A name is unique among the district's active licences (a cancelled one frees it).
sa.Index(
    "uq_licences_active_name",
    licences.c.name,
    unique=True,
    sqlite_where=licences.c.status == "active",
    postgresql_where=licences.c.status == "active",
)

# Joint licensing (联合办照): one request per partner agency whose permit the scope needs.
partner_requests = sa.Table(
    "partner_requests",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("applications.id"), nullable=False),
    sa.Column("agency", sa.String(64), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("permit_number", sa.String(100), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("requested_at", UtcDateTime, nullable=False),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("deadline", sa.Date, nullable=False),
    sa.UniqueConstraint("application_id", "agency"),
)

# Hosts an admin allows each agency's webhook to point at: nothing else is ever called.
webhook_hosts = sa.Table(
    "webhook_hosts",
    metadata,
    sa.Column("agency", sa.String(64), primary_key=True),
    sa.Column("host", sa.String(253), primary_key=True),
    sa.Column("allowed_by", sa.String(64), nullable=False),
    sa.Column("allowed_at", UtcDateTime, nullable=False),
)

# A partner agency's webhook: requests are pushed there, signed with the secret (sealed).
webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("agency", sa.String(64), primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("registered_by", sa.String(64), nullable=False),
    sa.Column("registered_at", UtcDateTime, nullable=False),
)

# Pushes of partner requests to webhooks, written in the request's transaction (an outbox of
# its own): a partner that is down delays only its push, never the licensing flow.
webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("request_id", sa.Uuid, sa.ForeignKey("partner_requests.id"), nullable=False),
    sa.Column("agency", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("delivered_at", UtcDateTime, nullable=True),
    sa.Column("failed_at", UtcDateTime, nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Index("ix_webhook_deliveries_due", "delivered_at", "failed_at", "next_attempt_at"),
)

# Case sources transferred to enforcement (案源移送), kept for the licensing file.
case_transfers = sa.Table(
    "case_transfers",
    metadata,
    sa.Column("case_source_id", sa.Uuid, primary_key=True),
    sa.Column("credit_code", sa.String(18), nullable=True),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("applications.id"), nullable=True),
    sa.Column("allegation", sa.Text, nullable=False),
    sa.Column("evidence_refs", sa.JSON, nullable=False),
    sa.Column("transferred_by", sa.String(64), nullable=False),
    sa.Column("transferred_at", UtcDateTime, nullable=False),
    # The day the window found it (null on transfers made before it was kept).
    sa.Column("discovered_on", sa.Date, nullable=True),
    # What came of it at enforcement (null: nothing heard yet), and the case filed from it,
    # by which a decision naming only its case is matched.
    sa.Column("outcome", sa.JSON, nullable=True),
    sa.Column("case_id", sa.Uuid, nullable=True, index=True),
)

# Unlicensed trading found by inspectors: where the mobile licensing van should call.
mobile_visits = sa.Table(
    "mobile_visits",
    metadata,
    sa.Column("finding_id", sa.Uuid, primary_key=True),
    sa.Column("address", sa.JSON, nullable=False),
    # The area (片区) is looked up from the bureau's map when listing, so a re-drawn map
    # needs no rewrite here.
    sa.Column("community_code", sa.String(12), nullable=False),
    sa.Column("street_code", sa.String(9), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("found_at", UtcDateTime, nullable=False),
    sa.Column("found_by", sa.String(64), nullable=False),
    # open → applied (an application names the finding)
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("application_id", sa.Uuid, nullable=True),
    sa.Index("ix_mobile_visits_open", "status", "community_code"),
)

# The last organisation sequence used per region and category: a credit code is never reused.
credit_code_sequences = sa.Table(
    "credit_code_sequences",
    metadata,
    sa.Column("region", sa.String(6), primary_key=True),
    sa.Column("category", sa.String(2), primary_key=True),
    sa.Column("last_sequence", sa.BigInteger, nullable=False),
)

# The bureau's offices and grids, as supervision's map publishes them: which area each
# community lies in, for the van's list. `sequence` is the number of the latest event kept of
# each (an older one delivered late changes nothing).
offices = sa.Table(
    "offices",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("area", sa.Integer, nullable=False),
    sa.Column("sequence", sa.BigInteger, nullable=False),
)

grids = sa.Table(
    "grids",
    metadata,
    sa.Column("id", sa.String(15), primary_key=True),
    sa.Column("office_id", sa.String(64), nullable=False),
    sa.Column("community_codes", sa.JSON, nullable=False),
    sa.Column("sequence", sa.BigInteger, nullable=False),
)

# Each missed deadline of an application, raised once (the event goes out in the same
# transaction): an extended deadline missed again is another row.
deadlines_missed = sa.Table(
    "deadlines_missed",
    metadata,
    sa.Column("application_id", sa.Uuid, primary_key=True),
    sa.Column("rule_code", sa.String(64), primary_key=True),
    sa.Column("due", sa.Date, primary_key=True),
    sa.Column("raised_at", UtcDateTime, nullable=False),
)
