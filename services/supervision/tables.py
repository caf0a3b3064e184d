"""Tables of the supervision service (its own database; no other service reads them)."""

import sqlalchemy as sa

from chassis.db import UtcDateTime, new_metadata

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
    sa.Column("updated_at", UtcDateTime, nullable=False),
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
    sa.Column("assigned_at", UtcDateTime, nullable=True),
    sa.Column("claimed_at", UtcDateTime, nullable=True),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("last_inspected_at", UtcDateTime, nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_households_grid", "grid_id", "credit_code"),
    # An inspector's list without grid_id: the grids they own or act for, by credit code.
    sa.Index("ix_households_owner", "owner", "credit_code"),
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
    sa.Column("at", UtcDateTime, nullable=False),
)

# The supervision file's own entries: assignment, claim, overdue, inspection, penalty…
household_history = sa.Table(
    "household_history",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("credit_code", sa.String(18), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
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
    sa.Column("raised_at", UtcDateTime, nullable=False),
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
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# The people delegations name, as the gateway's `identity.person.changed` says they stand now
# (`sequence`: the latest event about them, so an older one arriving late changes nothing).
people = sa.Table(
    "people",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("office", sa.String(64), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("sequence", sa.BigInteger, nullable=False),
)

# Attachments, stored by the SHA-256 of their content (the file lives under DATA_DIR).
attachments = sa.Table(
    "attachments",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("stored_by", sa.String(64), nullable=False),
    sa.Column("stored_at", UtcDateTime, nullable=False),
)

# Inspection records (巡查记录): never changed once submitted; a correction is a new version.
inspections = sa.Table(
    "inspections",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("inspector", sa.String(64), nullable=False, index=True),
    sa.Column("office_id", sa.String(64), nullable=True),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("ended_at", UtcDateTime, nullable=False),
    sa.Column("route", sa.JSON, nullable=False),  # [[lon, lat], ...] walked
    sa.Column("households", sa.JSON, nullable=False),
    sa.Column("findings", sa.Text, nullable=False),
    sa.Column("actions", sa.JSON, nullable=False),
    sa.Column("attachments", sa.JSON, nullable=False),
    sa.Column("correction_reason", sa.Text, nullable=True),
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
)

# Which households each inspection visited (for the file and the plan).
inspection_visits = sa.Table(
    "inspection_visits",
    metadata,
    sa.Column("inspection_id", sa.Uuid, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Index("ix_inspection_visits_household", "credit_code"),
)

# Unlicensed trading found in the street (无照经营), later linked to the licence if any.
unlicensed_findings = sa.Table(
    "unlicensed_findings",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("address", sa.JSON, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("office_id", sa.String(64), nullable=True),
    sa.Column("found_by", sa.String(64), nullable=False),
    sa.Column("found_at", UtcDateTime, nullable=False),
    sa.Column("credit_code", sa.String(18), nullable=True),
)

# Case sources transferred to enforcement (案源移送).
case_transfers = sa.Table(
    "case_transfers",
    metadata,
    sa.Column("case_source_id", sa.Uuid, primary_key=True),
    sa.Column("credit_code", sa.String(18), nullable=True, index=True),
    sa.Column("finding_id", sa.Uuid, nullable=True),
    sa.Column("allegation", sa.Text, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("office_id", sa.String(64), nullable=True),
    sa.Column("transferred_by", sa.String(64), nullable=False),
    sa.Column("transferred_at", UtcDateTime, nullable=False),
    # The day the office found it (null on transfers made before it was kept).
    sa.Column("discovered_on", sa.Date, nullable=True),
    # What came of it at enforcement (null: nothing heard yet), and the case filed from it,
    # by which a decision naming only its case is matched.
    sa.Column("outcome", sa.JSON, nullable=True),
    sa.Column("case_id", sa.Uuid, nullable=True, index=True),
)

# Random inspection plans (双随机抽查计划) of an office: the rules its draws use, frozen.
random_inspection_plans = sa.Table(
    "random_inspection_plans",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("office_id", sa.String(64), nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("rules", sa.JSON, nullable=False),  # as published (shijian-draw-v1)
    sa.Column("rules_hash", sa.String(64), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# Every draw of a plan, numbered: committed (the seed still secret) then drawn (revealed). A
# draw is never replaced; drawing again adds the next number.
random_inspection_draws = sa.Table(
    "random_inspection_draws",
    metadata,
    sa.Column("plan_id", sa.Uuid, sa.ForeignKey("random_inspection_plans.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    # Secret until the draw; no route shows it before then.
    sa.Column("seed", sa.String(64), nullable=False),
    sa.Column("snapshot", sa.JSON, nullable=False),
    sa.Column("snapshot_hash", sa.String(64), nullable=False),
    sa.Column("commitment", sa.String(64), nullable=False),
    sa.Column("committed_by", sa.String(64), nullable=False),
    sa.Column("committed_at", UtcDateTime, nullable=False),
    sa.Column("selection", sa.JSON, nullable=True),
    sa.Column("drawn_by", sa.String(64), nullable=True),
    sa.Column("drawn_at", UtcDateTime, nullable=True),
)

# What the inspection of each drawn household found, and when it was published (一公开).
random_inspection_results = sa.Table(
    "random_inspection_results",
    metadata,
    sa.Column("plan_id", sa.Uuid, primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Column("inspectors", sa.JSON, nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("publish_by", sa.Date, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=True),
    sa.ForeignKeyConstraint(
        ["plan_id", "number"],
        ["random_inspection_draws.plan_id", "random_inspection_draws.number"],
    ),
    sa.Index("ix_random_inspection_results_household", "credit_code"),
)

# The owner's inspection plan: each claimed household, its risk class and when it is next due
# a visit (the class's legal-clock rule from the claim or the last inspection).
inspection_plan_entries = sa.Table(
    "inspection_plan_entries",
    metadata,
    sa.Column("credit_code", sa.String(18), primary_key=True),
    sa.Column("risk_class", sa.String(1), nullable=False),
    sa.Column("since", sa.Date, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("rule_code", sa.String(64), nullable=False),
    sa.Column("basis", sa.Text, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_inspection_plan_entries_due", "due", "credit_code"),
)

# One row per missed deadline of the watch (a result's publication, a plan entry's visit): the
# event is raised once, by whichever process inserts the row, in the transaction that emits it.
# A visit due moved on and missed again is another row.
deadlines_missed = sa.Table(
    "deadlines_missed",
    metadata,
    # The result (`<plan id>/<draw number>/<credit code>`) or the household (its credit code).
    sa.Column("subject", sa.String(80), primary_key=True),
    sa.Column("deadline", sa.String(20), primary_key=True),
    sa.Column("due", sa.Date, primary_key=True),
    sa.Column("raised_at", UtcDateTime, nullable=False),
)
