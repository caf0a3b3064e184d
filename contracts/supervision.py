"""Facts published by the supervision service: the map, households routed, findings, case
sources."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Contract
from contracts.shapes import CaseSourceTransfer
from contracts.values import (
    Address,
    CommunityCode,
    CreditCode,
    GeoPolygon,
    GridCode,
    NonEmptyStr,
    UtcDateTime,
)

__all__ = [
    "ClaimOverdue",
    "DrawCommitted",
    "DrawResultsPublished",
    "Drawn",
    "GridChanged",
    "HouseholdAssigned",
    "InspectionRecorded",
    "OfficeChanged",
    "SupervisionCaseSourceTransferred",
    "SupervisionDeadline",
    "SupervisionDeadlineMissed",
    "UnlicensedTradingFound",
]


class OfficeChanged(Contract):
    """An office (工商所) of the bureau's map was created or changed: it as it stands now.

    Every service that routes by office keeps its own copy from these; a later `sequence` of
    the same office supersedes an earlier one.
    """

    event_type = "supervision.office.changed"
    subject_field = "office_code"

    office_code: NonEmptyStr
    name: NonEmptyStr
    area: int = Field(ge=1, description="The area (片区) whose enforcement section takes its cases")
    changed_by: NonEmptyStr = Field(
        description="User id of the admin, or `system:<why>` (e.g. `system:demo` for the seed)"
    )
    changed_at: UtcDateTime


class GridChanged(Contract):
    """A grid (网格) of the bureau's map was drawn or re-drawn: it as it stands now."""

    event_type = "supervision.grid.changed"
    subject_field = "grid_code"

    grid_code: GridCode
    office_code: NonEmptyStr = Field(description="The office whose grid it is")
    name: NonEmptyStr
    owner: NonEmptyStr = Field(description="User id of the grid's responsible inspector")
    community_codes: tuple[CommunityCode, ...] = Field(description="The communities it covers")
    polygon: GeoPolygon = Field(description="Its area as drawn (GeoJSON, WGS 84)")
    changed_by: NonEmptyStr = Field(
        description="User id of the admin, or `system:<why>` (e.g. `system:demo` for the seed)"
    )
    changed_at: UtcDateTime


class HouseholdAssigned(Contract):
    """A household (经济户口) was routed to its grid's owner, who must claim it by the deadline."""

    event_type = "supervision.household.assigned"
    subject_field = "credit_code"

    credit_code: CreditCode
    grid_code: GridCode
    office_code: NonEmptyStr
    owner: NonEmptyStr = Field(description="User id of the grid's responsible inspector")
    agent: NonEmptyStr | None = Field(
        default=None, description="User id of the owner's agent (职位代理) acting today, if any"
    )
    claim_deadline: date = Field(description="Last day to claim, Asia/Shanghai calendar")
    assigned_at: UtcDateTime


class ClaimOverdue(Contract):
    """A routed household was not claimed (认领) by its deadline: raised once per deadline."""

    event_type = "supervision.claim.overdue"
    subject_field = "credit_code"

    credit_code: CreditCode
    grid_code: GridCode
    office_code: NonEmptyStr
    owner: NonEmptyStr
    agent: NonEmptyStr | None = None
    claim_deadline: date
    detected_at: UtcDateTime


# The time limits the deadline watch keeps besides the claim: publishing a random inspection's
# result (一公开), and the next visit of a claimed household its risk class sets.
SupervisionDeadline = Literal["publish_results", "inspection_visit"]


class SupervisionDeadlineMissed(Contract):
    """A random inspection's result not published, or a claimed household not visited, by its
    legal-clock due day: raised once per deadline and due day (a visit due moved on and missed
    again is another miss)."""

    event_type = "supervision.deadline.missed"
    subject_field = "subject_id"

    subject_id: NonEmptyStr = Field(
        description="The result (`<plan id>/<draw number>/<credit code>`) for publish_results, "
        "the household's credit code for inspection_visit"
    )
    deadline: SupervisionDeadline
    rule_code: NonEmptyStr = Field(description="The legal clock's rule the time limit follows")
    basis: NonEmptyStr = Field(description="The law, article or local setting it comes from")
    due: date = Field(description="Its last day, Asia/Shanghai calendar")
    office_code: NonEmptyStr | None = Field(
        default=None, description="The office that answers for it"
    )
    credit_code: CreditCode
    owner: NonEmptyStr | None = Field(
        default=None, description="For a visit: user id of the inspector whose plan it is"
    )
    plan_id: uuid.UUID | None = Field(
        default=None, description="For a result: the random inspection plan"
    )
    draw_number: int | None = Field(default=None, ge=1, description="For a result: its draw")
    detected_at: UtcDateTime


class InspectionRecorded(Contract):
    """An inspection record (巡查记录) was submitted, or a correction of it (a new version)."""

    event_type = "supervision.inspection.recorded"
    subject_field = "inspection_id"

    inspection_id: uuid.UUID
    version: int = Field(ge=1, description="1 for the record, then one more per correction")
    inspector: NonEmptyStr = Field(description="User id of the inspector")
    office_code: NonEmptyStr | None = None
    households: tuple[CreditCode, ...] = Field(description="The households visited")
    findings: NonEmptyStr
    actions: tuple[NonEmptyStr, ...] = ()
    evidence_refs: tuple[NonEmptyStr, ...] = Field(
        default=(), description="Content addresses (sha256:…) of the attachments"
    )
    started_at: UtcDateTime
    ended_at: UtcDateTime
    recorded_at: UtcDateTime


class SupervisionCaseSourceTransferred(CaseSourceTransfer):
    """An office transferred a case source (案源移送) found in supervision to enforcement.

    `credit_code` is empty for unlicensed trading.
    """

    event_type = "supervision.case_source.transferred"

    office_code: NonEmptyStr = Field(description="The transferring office")


class UnlicensedTradingFound(Contract):
    """An inspector found unlicensed trading (无照经营) at an address."""

    event_type = "supervision.unlicensed.found"
    subject_field = "finding_id"

    finding_id: uuid.UUID
    address: Address
    description: NonEmptyStr
    found_at: UtcDateTime
    found_by: NonEmptyStr = Field(description="User id of the inspector")


RiskClassCode = Literal["A", "B", "C", "D"]


class DrawCommitted(Contract):
    """A random inspection (双随机) committed to its draw before drawing: the commitment
    SHA-256(seed ‖ snapshot hash ‖ rules hash) is public while the seed is still secret.

    `number` counts the draws of the plan: a second draw is a new, visible event, with a reason.
    """

    event_type = "supervision.draw.committed"
    subject_field = "plan_id"

    plan_id: uuid.UUID
    number: int = Field(ge=1, description="1 for the plan's first draw, then one more per draw")
    office_code: NonEmptyStr
    title: NonEmptyStr
    commitment: str = Field(pattern=r"^[0-9a-f]{64}$")
    snapshot_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    rules_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    households: int = Field(ge=0, description="How many households the snapshot holds")
    reason: NonEmptyStr | None = Field(default=None, description="Why a plan is drawn again")
    committed_by: NonEmptyStr
    committed_at: UtcDateTime


class SnapshotHousehold(BaseModel):
    """A household of the register as the draw saw it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    credit_code: CreditCode
    grid_id: GridCode
    owner: NonEmptyStr
    agent: NonEmptyStr | None
    risk_class: RiskClassCode


class DrawRulesShape(BaseModel):
    """The rules a plan draws by (docs/domain.md, shijian-draw-v1)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    algorithm: Literal["shijian-draw-v1"]
    ratios: dict[str, str] = Field(description="Sampling ratio (decimal text) by risk class")
    pool: tuple[NonEmptyStr, ...] = Field(description="The inspectors who may be sent, sorted")
    inspectors_per_household: int = Field(ge=1)


class SelectedHousehold(BaseModel):
    """A household drawn and the inspectors drawn for it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    credit_code: CreditCode
    risk_class: RiskClassCode
    grid_id: GridCode
    owner: NonEmptyStr
    inspectors: tuple[NonEmptyStr, ...]


class Drawn(Contract):
    """A committed draw was drawn: the seed revealed, with the snapshot and the rules it was
    committed to and the selection they give (`python -m services.supervision draw verify`
    recomputes both from this event)."""

    event_type = "supervision.draw.drawn"
    subject_field = "plan_id"

    plan_id: uuid.UUID
    number: int = Field(ge=1)
    office_code: NonEmptyStr
    commitment: str = Field(pattern=r"^[0-9a-f]{64}$")
    seed: str = Field(pattern=r"^[0-9a-f]{64}$", description="The seed, revealed (hex)")
    snapshot: tuple[SnapshotHousehold, ...]
    snapshot_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    rules: DrawRulesShape
    rules_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    selection: tuple[SelectedHousehold, ...]
    drawn_by: NonEmptyStr
    drawn_at: UtcDateTime


class InspectionResult(BaseModel):
    """What a drawn household's inspection found, as published (一公开)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    credit_code: CreditCode
    inspectors: tuple[NonEmptyStr, ...]
    outcome: Literal["compliant", "problems_found", "not_at_address"]
    recorded_at: UtcDateTime
    publish_by: date = Field(description="Last day to publish (rule supervision.draw_results)")


class DrawResultsPublished(Contract):
    """Results of a random inspection were put on the publicity feed."""

    event_type = "supervision.draw.results_published"
    subject_field = "plan_id"

    plan_id: uuid.UUID
    number: int = Field(ge=1, description="The draw the results are of")
    office_code: NonEmptyStr
    results: tuple[InspectionResult, ...]
    published_by: NonEmptyStr
    published_at: UtcDateTime
