"""Tables of the qms service (its own database; an auditor may read `audit_log` directly):
the record of everything, nonconformities and their corrective actions, internal audits.

The record of everything is append-only: the code never updates or deletes a row of
`audit_log`, and the migration takes those rights away where the database has them.
"""

import sqlalchemy as sa

from chassis.db import UtcDateTime, new_metadata

metadata = new_metadata()
_BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")

# One row per leaf of the Merkle tree: `entry` is the exact bytes hashed into leaf
# `leaf_index` (an event's envelope as it was published).
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("leaf_index", _BIG, primary_key=True, autoincrement=False),
    sa.Column("entry", sa.LargeBinary, nullable=False),
    # The tree's root once this leaf was appended: a verifier names the first row whose bytes
    # or place no longer give it (a signed checkpoint covers rewriting these too).
    sa.Column("tree_root", sa.LargeBinary, nullable=False),
    sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("appended_at", UtcDateTime, nullable=False),
)

# What each entry is about (its subject, and the credit codes, cases and tickets its data
# names): the trail of one business, case or ticket.
audit_refs = sa.Table(
    "audit_refs",
    metadata,
    sa.Column("ref", sa.String(100), primary_key=True),
    sa.Column("leaf_index", _BIG, primary_key=True, autoincrement=False),
)

# The tree as the appender keeps it: its size, the roots of its perfect subtrees (the
# frontier, one 32-byte hash after another) and its root. One row; every append locks it.
log_state = sa.Table(
    "log_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("size", _BIG, nullable=False),
    sa.Column("frontier", sa.LargeBinary, nullable=False),
    sa.Column("root", sa.LargeBinary, nullable=False),
)

# Checkpoints the log signed: the note as signed, then with the witnesses' cosignatures;
# published once the quorum has cosigned.
checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("size", _BIG, primary_key=True, autoincrement=False),
    sa.Column("root", sa.LargeBinary, nullable=False),
    # The tree's frontier at this size: a consistency proof from here needs only it and the
    # entries appended since (never the whole log again).
    sa.Column("frontier", sa.LargeBinary, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("signed_at", UtcDateTime, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=True),
)

# The size each witness last cosigned: the old size of the next request to it.
witness_sizes = sa.Table(
    "witness_sizes",
    metadata,
    sa.Column("witness", sa.String(200), primary_key=True),
    sa.Column("size", _BIG, nullable=False),
)

# Document control: procedures and work instructions per process, and their versions. A
# version is written once and never changed but for its approval, given once; the check keeps
# the approver apart from the author even for a write that skips the code's rules.
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("process", sa.String(60), nullable=False),
    sa.Column("procedure_id", sa.Uuid, sa.ForeignKey("documents.id"), nullable=True),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
# Each process follows one procedure: a second one for it is refused by the database too.
sa.Index(
    "uq_documents_procedure_process",
    documents.c.process,
    unique=True,
    sqlite_where=documents.c.kind == "procedure",
    postgresql_where=documents.c.kind == "procedure",
)

document_versions = sa.Table(
    "document_versions",
    metadata,
    sa.Column("document_id", sa.Uuid, sa.ForeignKey("documents.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("change_note", sa.Text, nullable=True),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("approver", sa.String(100), nullable=True),
    sa.Column("approved_at", UtcDateTime, nullable=True),
    sa.Column("effective_date", sa.Date, nullable=True),
    sa.CheckConstraint("approver IS NULL OR approver <> author", name="separation_of_duties"),
)

# Nonconformities (ISO 9001 10.2): raised from a fact once (`once_key`, unique; none for a
# person's) or by a person; `evidence` is {basis, event_id, event_type, facts}.
nonconformities = sa.Table(
    "nonconformities",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("basis_code", sa.String(100), nullable=True),
    sa.Column("subject", sa.String(100), nullable=False),
    sa.Column("office", sa.String(64), nullable=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("once_key", sa.String(400), nullable=True, unique=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("raised_by", sa.String(100), nullable=False),
    sa.Column("raised_at", UtcDateTime, nullable=False),
    sa.Column("closed_at", UtcDateTime, nullable=True),
    sa.Index("ix_nonconformities_status", "status", "raised_at"),
    sa.Index("ix_nonconformities_office", "office", "raised_at"),
)

# Corrective actions, numbered from 1 within their nonconformity.
corrective_actions = sa.Table(
    "corrective_actions",
    metadata,
    sa.Column("nonconformity_id", sa.Uuid, sa.ForeignKey("nonconformities.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("owner", sa.String(100), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("planned_by", sa.String(100), nullable=False),
    sa.Column("planned_at", UtcDateTime, nullable=False),
    sa.Column("done_by", sa.String(100), nullable=True),
    sa.Column("done_at", UtcDateTime, nullable=True),
)

# Effectiveness checks, numbered from 1 within their nonconformity; never changed.
effectiveness_checks = sa.Table(
    "effectiveness_checks",
    metadata,
    sa.Column("nonconformity_id", sa.Uuid, sa.ForeignKey("nonconformities.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("effective", sa.Boolean, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("checked_by", sa.String(100), nullable=False),
    sa.Column("checked_at", UtcDateTime, nullable=False),
)

# The internal audit programme (ISO 9001 9.2): `auditors` a list of user ids, `checklist` a list
# of {number, question, reference}.
audits = sa.Table(
    "audits",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("process", sa.String(100), nullable=True),
    sa.Column("office", sa.String(64), nullable=True),
    sa.Column("planned_on", sa.Date, nullable=False),
    sa.Column("auditors", sa.JSON, nullable=False),
    sa.Column("checklist", sa.JSON, nullable=False),
    sa.Column("planned_by", sa.String(100), nullable=False),
    sa.Column("planned_at", UtcDateTime, nullable=False),
    sa.Index("ix_audits_planned_on", "planned_on"),
)

# An audit's findings, numbered from 1; a major or minor one names the nonconformity it raised.
audit_findings = sa.Table(
    "audit_findings",
    metadata,
    sa.Column("audit_id", sa.Uuid, sa.ForeignKey("audits.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("severity", sa.String(12), nullable=False),
    sa.Column("checklist_item", sa.Integer, nullable=True),
    sa.Column("nonconformity_id", sa.Uuid, sa.ForeignKey("nonconformities.id"), nullable=True),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
)

# What each event added to a quality objective's month: written as the event is handled, once
# per event and objective; the figures are their sums. `office` is null when the objective's
# events do not all name one.
objective_observations = sa.Table(
    "objective_observations",
    metadata,
    sa.Column("event_id", sa.Uuid, primary_key=True),
    sa.Column("objective", sa.String(100), primary_key=True),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("office", sa.String(64), nullable=True),
    sa.Column("numerator", sa.Integer, nullable=False),
    sa.Column("denominator", sa.Integer, nullable=False),
    sa.Index("ix_objective_observations_period", "period", "objective"),
)

# A month's objectives evaluated once the month ended: one row per objective found below its
# target, with the breach event told and the nonconformity it opened (once, by the key).
objective_breaches = sa.Table(
    "objective_breaches",
    metadata,
    sa.Column("objective", sa.String(100), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("target", sa.Float, nullable=False),
    sa.Column("event_id", sa.Uuid, nullable=False),
    sa.Column("measured_at", UtcDateTime, nullable=False),
)
