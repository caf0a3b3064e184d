"""Tables of the complaints service (its own database; no other service reads them).

The submitter's identity lives only in `submissions`, sealed; every other table, and every
event, carries the ticket without it (art. 33).
"""

import sqlalchemy as sa

from chassis.db import UtcDateTime, new_metadata

metadata = new_metadata()

# The bureau's offices and their grids, as supervision's map publishes them: an office covers
# its grids' communities and polygons. `sequence` is the number of the latest event kept of
# each (an older one delivered late changes nothing).
offices = sa.Table(
    "offices",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
)

grids = sa.Table(
    "grids",
    metadata,
    sa.Column("id", sa.String(15), primary_key=True),
    sa.Column("office_id", sa.String(64), nullable=False),
    sa.Column("community_codes", sa.JSON, nullable=False),
    sa.Column("polygon", sa.JSON, nullable=False),  # GeoJSON Polygon
    sa.Column("sequence", sa.BigInteger, nullable=False),
)

# Which office supervises each business, as supervision's assignments say.
business_offices = sa.Table(
    "business_offices",
    metadata,
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Column("office_id", sa.String(64), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# Community complaint stations (投诉站): malls, markets, townships and villages.
stations = sa.Table(
    "stations",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("office", sa.String(64), nullable=False),
    sa.Column("community_codes", sa.JSON, nullable=False),
    sa.Column("polygon", sa.JSON, nullable=True),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# What came in on a channel. Name, phone and ID number are AES-GCM sealed (`key_id.payload`);
# the keyed hashes find the same submitter without opening anything.
submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("credit_code", sa.String(18), nullable=True),
    sa.Column("business_name", sa.String(200), nullable=True),
    sa.Column("location", sa.JSON, nullable=True),
    sa.Column("anonymous", sa.Boolean, nullable=False),
    sa.Column("sealed_name", sa.Text, nullable=True),
    sa.Column("sealed_phone", sa.Text, nullable=True),
    sa.Column("sealed_id_number", sa.Text, nullable=True),
    sa.Column("phone_hash", sa.String(64), nullable=True),
    sa.Column("id_number_hash", sa.String(64), nullable=True),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Index("ix_submissions_phone_hash", "phone_hash"),
    sa.Index("ix_submissions_id_number_hash", "id_number_hash"),
)

# One kind of a submission, with its one owner, its unit and its legal clocks.
tickets = sa.Table(
    "tickets",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("submission_id", sa.Uuid, sa.ForeignKey("submissions.id"), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("unit_level", sa.String(7), nullable=False),
    sa.Column("unit_id", sa.String(64), nullable=False),
    sa.Column("owner", sa.String(100), nullable=False),
    sa.Column("routing_rule", sa.String(13), nullable=False),
    sa.Column("credit_code", sa.String(18), nullable=True),
    sa.Column("business_name", sa.String(200), nullable=True),
    sa.Column("linked", sa.JSON, nullable=False),
    sa.Column("deadlines", sa.JSON, nullable=False),
    # Rules whose miss was raised, and the soonest due day of a running deadline not raised:
    # what the deadline watch looks up.
    sa.Column("missed_raised", sa.JSON, nullable=False),
    sa.Column("next_due", sa.Date, nullable=True),
    sa.Column("satisfaction", sa.Integer, nullable=True),
    sa.Column("reopen_requested", sa.Boolean, nullable=False),
    sa.Column("merged_into", sa.Uuid, nullable=True),
    # A report's case source at enforcement (its filing events name it).
    sa.Column("case_source_id", sa.Uuid, nullable=True, unique=True),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Index("ix_tickets_unit", "unit_level", "unit_id", "received_at"),
    sa.Index("ix_tickets_business", "credit_code", "kind", "received_at"),
    sa.Index("ix_tickets_next_due", "next_due"),
)

ticket_history = sa.Table(
    "ticket_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ticket_id", sa.Uuid, sa.ForeignKey("tickets.id"), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("by", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Index("ix_ticket_history_ticket", "ticket_id", "id"),
)

# Who opened a submitter's identity, and when (art. 33: every read is on the record).
identity_reads = sa.Table(
    "identity_reads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ticket_id", sa.Uuid, nullable=False),
    sa.Column("read_by", sa.String(100), nullable=False),
    sa.Column("read_at", UtcDateTime, nullable=False),
    sa.Index("ix_identity_reads_ticket", "ticket_id"),
)
