"""Tables of the supervision service (its own database; no other service reads them)."""

import sqlalchemy as sa

from chassis.db import new_metadata

metadata = new_metadata()
BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")

offices = sa.Table(
    "offices",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("area", sa.Integer, nullable=False),
)

grids = sa.Table(
    "grids",
    metadata,
    sa.Column("id", sa.String(15), primary_key=True),  # the grid code
    sa.Column("office_id", sa.String(64), sa.ForeignKey("offices.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("polygon", sa.JSON, nullable=False),  # GeoJSON Polygon, WGS 84
    sa.Column("community_codes", sa.JSON, nullable=False),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# One row, bumped with every grid change in the same transaction: a process whose spatial
# index was built from an older map rebuilds it before routing.
grid_map_version = sa.Table(
    "grid_map_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)

households = sa.Table(
    "households",
    metadata,
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("entity_type", sa.String(30), nullable=True),
    sa.Column("operator_name", sa.String(100), nullable=True),
    sa.Column("address", sa.JSON, nullable=True),
    sa.Column("business_scope", sa.JSON, nullable=False),
    # Known once licence.issued has arrived (a change may come first on the bus).
    sa.Column("licensed", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("grid_id", sa.String(15), sa.ForeignKey("grids.id"), nullable=True),
    sa.Column("office_id", sa.String(64), nullable=True),
    sa.Column("owner", sa.String(64), nullable=True),
    sa.Column("agent", sa.String(64), nullable=True),
    sa.Column("routed_by", sa.String(10), nullable=True),
    sa.Column("claim_deadline", sa.Date, nullable=True),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_households_grid", "grid_id", "credit_code"),
    sa.Index("ix_households_office_status", "office_id", "status"),
    sa.Index("ix_households_claim", "status", "claim_deadline"),
)

# Every licensing event about a household, by its place in the credit code's sequence: the
# household is their fold, so duplicates and reordering on the bus change nothing.
licence_facts = sa.Table(
    "licence_facts",
    metadata,
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Column("sequence", sa.BigInteger, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

# The supervision file's own entries: assignment, claim, overdue, inspection, penalty…
household_history = sa.Table(
    "household_history",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("credit_code", sa.String(18), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(64), nullable=True),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Index("ix_household_history_household", "credit_code", "id"),
)

# One row per missed claim deadline: the overdue event is raised once, by whichever process
# inserts the row, in the transaction that emits it.
claim_overdue = sa.Table(
    "claim_overdue",
    metadata,
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Column("claim_deadline", sa.Date, primary_key=True),
    sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
)

delegations = sa.Table(
    "delegations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("officer", sa.String(64), nullable=False, index=True),
    sa.Column("agent", sa.String(64), nullable=False, index=True),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("end", sa.Date, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
