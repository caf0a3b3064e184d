"""Tables of the enforcement service (its own database; no other service reads them)."""

import sqlalchemy as sa

from chassis.db import UtcDateTime, new_metadata

metadata = new_metadata()

# The bureau's offices and their areas, as supervision's map publishes them; `sequence` is
# the number of the office's latest event kept (an older one delivered late changes nothing).
offices = sa.Table(
    "offices",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("area", sa.Integer, nullable=False),
    sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
)

# Which office supervises each business, as supervision's assignments say.
business_offices = sa.Table(
    "business_offices",
    metadata,
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Column("office_id", sa.String(64), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# The people case filing and on-the-spot penalties name, as the gateway's
# `identity.person.changed` says they stand now (`sequence`: the latest event about them, so an
# older one arriving late changes nothing).
people = sa.Table(
    "people",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("office", sa.String(64), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("certificate_number", sa.String(32), nullable=True),
    sa.Column("certificate_valid_until", sa.Date, nullable=True),
    sa.Column("sequence", sa.BigInteger, nullable=False),
)

# 案源: keyed by the transferring department's own id, so a repeated transfer is one source.
case_sources = sa.Table(
    "case_sources",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("source_department", sa.String(20), nullable=False),
    sa.Column("source_ref", sa.String(64), nullable=True),  # e.g. the complaints report id
    sa.Column("credit_code", sa.String(18), nullable=True),
    sa.Column("allegation", sa.Text, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("office_id", sa.String(64), nullable=True),  # its case team's office
    sa.Column("section", sa.String(20), nullable=True),  # None: waiting to be routed by hand
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("verify_deadline", sa.JSON, nullable=False),  # the legal clock's Deadline
    sa.Column("verify_due", sa.Date, nullable=False),
    sa.Column("transferred_by", sa.String(64), nullable=False),
    sa.Column("transferred_at", UtcDateTime, nullable=False),
    # The one extension of the verification period, and the approval it rests on.
    sa.Column("verify_extension", sa.JSON, nullable=True),
    # Testing and appraisal periods, which do not count towards verification.
    sa.Column("verify_testing", sa.JSON, nullable=False, server_default="[]"),
    # 立案 or 不予立案: who decided, when, and why not.
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("decline_reasons", sa.JSON, nullable=True),
    # The day verification runs from (null: received before it was kept; from receipt).
    sa.Column("discovered_on", sa.Date, nullable=True),
    sa.Index("ix_case_sources_section_status", "section", "status", "verify_due"),
    sa.Index("ix_case_sources_credit_code", "credit_code"),
)

# 案件: a filed case source under the general procedure.
cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_source_id", sa.Uuid, sa.ForeignKey("case_sources.id"), unique=True),
    sa.Column("credit_code", sa.String(18), nullable=True),
    sa.Column("section", sa.String(20), nullable=False),
    sa.Column("status", sa.String(15), nullable=False),
    sa.Column("handlers", sa.JSON, nullable=False),
    sa.Column("filed_by", sa.String(64), nullable=False),
    sa.Column("filed_at", UtcDateTime, nullable=False),
    sa.Column("decision_deadline", sa.JSON, nullable=False),  # the legal clock's Deadline
    sa.Column("decision_due", sa.Date, nullable=False),
    # 执法监督告知书: to whom, how and when it was delivered; investigation waits for it.
    sa.Column("notice", sa.JSON, nullable=True),
    # 事先告知: the intended penalty, its grounds and the party's rights as served, with the
    # party's statements and the answers, its waiver and its hearing (art. 44, 45, 63, 64).
    sa.Column("penalty_notice", sa.JSON, nullable=True),
    # The penalty decision: what, on which legal basis, by whom, and whether within its time.
    sa.Column("decision", sa.JSON, nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("decided_on_time", sa.Boolean, nullable=True),
    # The decision is served within 7 working days (art. 61): when and how it was.
    sa.Column("service_due", sa.Date, nullable=True),
    sa.Column("served_on", sa.Date, nullable=True),
    sa.Column("served_how", sa.String(20), nullable=True),
    # A fine is paid within 15 days of its service (art. 67); late, it accrues (art. 72).
    sa.Column("payment_due", sa.Date, nullable=True),
    sa.Column("paid_on", sa.Date, nullable=True),
    # 案件回访: the party's view, after which the case closes; due a set time after the decision.
    sa.Column("return_visit_due", sa.Date, nullable=True),
    sa.Column("return_visit", sa.JSON, nullable=True),
    sa.Column("closed_at", UtcDateTime, nullable=True),
    sa.Index("ix_cases_section_status", "section", "status", "decision_due"),
)

# Investigation records and the evidence they cite: appended, never changed.
investigation_records = sa.Table(
    "investigation_records",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
)

# Every step of a case source and its case, in order: what the case history shows.
case_history = sa.Table(
    "case_history",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("case_source_id", sa.Uuid, nullable=False, index=True),
    sa.Column("step", sa.String(30), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
)

# 当场处罚 by office inspectors, each filed with the sub-bureau (the section of the office's
# area sees it).
on_the_spot_penalties = sa.Table(
    "on_the_spot_penalties",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    # A citizen's ID number is masked in the party's document (`110105********002X`) and kept
    # only sealed (chassis.sealing), with its keyed hash.
    sa.Column("party", sa.JSON, nullable=False),
    sa.Column("sealed_party_id_number", sa.Text, nullable=True),
    sa.Column("party_id_number_hash", sa.String(64), nullable=True, index=True),
    sa.Column("credit_code", sa.String(18), nullable=True, index=True),
    sa.Column("penalty_kind", sa.String(10), nullable=False),
    sa.Column("amount", sa.Numeric(14, 2), nullable=True),
    sa.Column("collected_on_spot", sa.Boolean, nullable=False),
    sa.Column("facts", sa.Text, nullable=False),
    sa.Column("legal_basis", sa.Text, nullable=False),
    sa.Column("office_id", sa.String(64), nullable=True),
    sa.Column("section", sa.String(20), nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=False, index=True),
    sa.Column("decided_at", UtcDateTime, nullable=False),
    # Cash collected on the spot reaches the designated bank within 2 working days (art. 71).
    sa.Column("cash_handover_due", sa.Date, nullable=True),
    sa.Column("handed_over_on", sa.Date, nullable=True),
    sa.Column("cash_receipt", sa.String(64), nullable=True),  # the bank's receipt number
)

# The credit publicity feed: general-procedure penalties other than warnings (SAMR Order 45).
publicity = sa.Table(
    "publicity",
    metadata,
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("credit_code", sa.String(18), nullable=True),
    sa.Column("penalty", sa.JSON, nullable=False),
    sa.Column("legal_basis", sa.Text, nullable=False),
    sa.Column("decided_at", UtcDateTime, nullable=False),
    sa.Column("publish_deadline", sa.JSON, nullable=False),  # the legal clock's Deadline
    sa.Column("published_at", UtcDateTime, nullable=False),
    # A changed or annulled decision is withdrawn (within 3 working days of the change).
    sa.Column("withdrawal", sa.JSON, nullable=True),
    sa.Column("withdrawn_at", UtcDateTime, nullable=True),
)

# Time that does not count towards the decision (suspension, hearing, testing), and the
# approved extensions of the decision period, each re-computing the case's deadline.
case_stops = sa.Table(
    "case_stops",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("end", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
)
case_extensions = sa.Table(
    "case_extensions",
    metadata,
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),  # 1: the approved one; 2+: collective
    sa.Column("approved_by", sa.String(64), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("days", sa.Integer, nullable=True),  # what a collective decision set
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
)

# Each missed deadline, raised once (the event goes out in the same transaction).
deadlines_missed = sa.Table(
    "deadlines_missed",
    metadata,
    sa.Column("subject_id", sa.Uuid, primary_key=True),
    sa.Column("deadline", sa.String(20), primary_key=True),
    sa.Column("due", sa.Date, primary_key=True),
    sa.Column("raised_at", UtcDateTime, nullable=False),
)
