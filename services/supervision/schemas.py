"""Request and response models of the supervision routes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chassis.legalclock import rule
from chassis.schemas import DateSpan, RequestModel, TransferOutcomeOut
from contracts.supervision import SupervisionDeadline
from contracts.values import CommunityCode, CreditCode, GeoPoint, GridCode
from services.supervision import domain
from services.supervision.domain.risk import RESULTS_RULE

Username = Annotated[str, Field(pattern=r"^[a-z][a-z0-9._-]{1,63}$", examples=["inspector01"])]
# Stripped: a blank id or name is refused here, not found blank in the map's events.
OfficeId = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    Field(min_length=1, max_length=64, examples=["office-01"]),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True), Field(min_length=1, max_length=200)]


class Polygon(RequestModel):
    """A GeoJSON Polygon in WGS 84 degrees: one closed outer ring (holes allowed)."""

    type: Literal["Polygon"]
    coordinates: list[
        Annotated[
            list[Annotated[list[float], Field(min_length=2, max_length=3)]],
            Field(min_length=4, max_length=10_000),
        ]
    ] = Field(min_length=1, max_length=100)


class OfficeIn(RequestModel):
    """An office (工商所) and its area (片区)."""

    id: OfficeId
    name: Name
    area: Literal[1, 2]


class OfficeOut(BaseModel):
    """An office."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    area: int


class OfficeList(BaseModel):
    """Every office."""

    offices: list[OfficeOut]


class GridIn(RequestModel):
    """A grid: its code, office, shape, the communities it covers and its owner."""

    id: GridCode = Field(description="Grid code: community code (12 digits) + grid (3)")
    office_id: OfficeId
    name: Name
    polygon: Polygon
    community_codes: list[CommunityCode] = Field(max_length=200)
    owner: Username


class GridChange(RequestModel):
    """What changes of a grid: re-drawn, re-assigned, renamed (what is left out stays).

    A field is left out, never null: an explicit null is refused naming the field.
    """

    office_id: OfficeId | None = None
    name: Name | None = None
    polygon: Polygon | None = None
    community_codes: list[CommunityCode] | None = Field(default=None, max_length=200)
    owner: Username | None = None

    # Run on what the body gives only: a field left out keeps its default without a check.
    @field_validator("office_id", "name", "polygon", "community_codes", "owner")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("leave the field out to keep it; null is not a value")
        return value

    @model_validator(mode="after")
    def _something(self) -> GridChange:
        if not self.model_fields_set:
            raise ValueError("say what changes")
        return self


class GridOut(BaseModel):
    """A grid."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    office_id: str
    name: str
    # The polygon as drawn: the aggregate's GeoJSON, not the shape routing uses.
    polygon: dict[str, Any] = Field(validation_alias="geojson")
    community_codes: list[str]
    owner: str
    updated_at: datetime


class GridList(BaseModel):
    """Grids."""

    grids: list[GridOut]


class HouseholdOut(BaseModel):
    """An economic household (经济户口): the business and who supervises it."""

    model_config = ConfigDict(from_attributes=True)

    credit_code: str
    name: str | None
    entity_type: str | None
    operator_name: str | None
    address: dict[str, Any] | None
    business_scope: list[str]
    status: Literal["unrouted", "assigned", "claimed", "cancelled"]
    grid_id: str | None
    office_id: str | None
    owner: str | None
    agent: str | None
    routed_by: str | None
    claim_deadline: date | None
    assigned_at: datetime | None
    claimed_at: datetime | None
    claimed_by: str | None


class HouseholdList(BaseModel):
    """A page of households; `next_cursor` fetches the next one."""

    households: list[HouseholdOut]
    next_cursor: str | None


class Assignment(RequestModel):
    """The grid an office head gives an unrouted household to."""

    grid_id: GridCode


class DelegationIn(DateSpan):
    """A position agent (职位代理): `agent` acts for `officer` from `start` to `end`."""

    officer: Username
    agent: Username

    # A field validator (not a model one) so that the refusal names body.agent.
    @field_validator("agent")
    @classmethod
    def _not_oneself(cls, agent: str, info: ValidationInfo) -> str:
        if agent == info.data.get("officer"):
            raise ValueError("an officer cannot be their own agent")
        return agent


class DelegationOut(BaseModel):
    """A delegation."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    officer: str
    agent: str
    start: date
    end: date
    created_by: str
    created_at: datetime


class DelegationList(BaseModel):
    """Delegations, the latest start first."""

    delegations: list[DelegationOut]


class AttachmentOut(BaseModel):
    """A stored attachment; cite it by `ref` in records and case transfers."""

    model_config = ConfigDict(from_attributes=True)

    ref: str = Field(
        examples=["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]
    )
    sha256: str
    media_type: str
    size: int
    stored_by: str
    stored_at: datetime


EvidenceRef = Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]
CreditCodeText = Annotated[str, Field(min_length=18, max_length=18)]


class InspectionIn(RequestModel):
    """An inspection record: when, the route walked, the households visited, what was found
    and done, and the documents."""

    started_at: AwareDatetime
    ended_at: AwareDatetime
    route: list[Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, max_length=5000, description="[lon, lat] points walked, in order"
    )
    households: list[CreditCodeText] = Field(default_factory=list, max_length=200)
    findings: Annotated[str, Field(min_length=1, max_length=10_000)]
    actions: list[Annotated[str, Field(min_length=1, max_length=2000)]] = Field(
        default_factory=list, max_length=50
    )
    attachments: list[EvidenceRef] = Field(default_factory=list, max_length=50)


class InspectionCorrection(InspectionIn):
    """A correction: the whole record as it should read, and why."""

    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class InspectionVersion(BaseModel):
    """One version of an inspection record."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    inspector: str
    office_id: str | None
    started_at: datetime
    ended_at: datetime
    route: list[list[float]]
    households: list[str]
    findings: str
    actions: list[str]
    attachments: list[str]
    correction_reason: str | None
    recorded_by: str
    recorded_at: datetime


class InspectionOut(InspectionVersion):
    """An inspection record as it reads now, with every version (newest first)."""

    versions: list[InspectionVersion]


class PlannedHousehold(HouseholdOut):
    """A claimed household in the owner's plan: its risk class and when it is next due a visit
    (the class's rule, counted from the claim or the last inspection)."""

    risk_class: Literal["A", "B", "C", "D"]
    since: date
    due: date
    rule_code: str
    basis: str


class InspectionPlan(BaseModel):
    """The caller's claimed households, soonest due first."""

    households: list[PlannedHousehold]


class WatchedDeadline(BaseModel):
    """An open deadline that is overdue or due soon."""

    subject_id: str = Field(
        description="The result (`<plan id>/<draw number>/<credit code>`) for publish_results, "
        "the household's credit code for inspection_visit"
    )
    deadline: SupervisionDeadline
    due: date
    state: Literal["overdue", "due_soon"]
    rule_code: str = Field(description="The legal clock's rule the time limit follows")
    basis: str = Field(description="The law, article or local setting it comes from")
    office_id: str | None
    owner: str | None = Field(description="For a visit: the inspector whose plan it is")
    credit_code: str
    plan_id: uuid.UUID | None
    draw_number: int | None


class DeadlineWatch(BaseModel):
    """Overdue and soon-due deadlines, soonest first."""

    deadlines: list[WatchedDeadline]


class RandomPlanIn(RequestModel):
    """A random inspection plan (双随机抽查计划) of the head's own office."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    inspectors: Annotated[list[Username], Field(min_length=1, max_length=200)] = Field(
        description="The pool inspectors are drawn from (active grid inspectors of the office)"
    )
    inspectors_per_household: Annotated[int, Field(ge=1, le=5)] = 2


class DrawIn(RequestModel):
    """Commit the plan's next draw; a draw after the first says why."""

    reason: Annotated[str, Field(min_length=1, max_length=1000)] | None = None


class DrawOut(BaseModel):
    """One draw of a plan: committed (the seed secret), then drawn (the seed, the snapshot and
    the selection shown, enough to recompute it)."""

    model_config = ConfigDict(from_attributes=True)

    number: int
    status: Literal["committed", "drawn"]
    reason: str | None
    commitment: str
    snapshot_hash: str
    committed_by: str
    committed_at: datetime
    seed: str | None
    snapshot: list[dict[str, Any]] | None
    selection: list[dict[str, Any]] | None
    drawn_by: str | None
    drawn_at: datetime | None

    @model_validator(mode="before")
    @classmethod
    def _seed_secret_until_drawn(cls, data: Any) -> Any:
        row = dict(data._mapping) if hasattr(data, "_mapping") else dict(data)
        if row["status"] != "drawn":
            row["seed"] = row["snapshot"] = None
        return row


class RandomPlanOut(BaseModel):
    """A plan, its rules as published and every draw it had (a draw is never replaced)."""

    id: uuid.UUID
    office_id: str
    title: str
    rules: dict[str, Any]
    rules_hash: str
    created_by: str
    created_at: datetime
    draws: list[DrawOut]
    results: list[ResultOut] = Field(description="The results recorded, of every draw")


class RandomPlanSummary(BaseModel):
    """A plan as listed: how many draws it had and where its latest stands."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    office_id: str
    title: str
    created_by: str
    created_at: datetime
    draws: int
    latest_status: Literal["committed", "drawn"] | None = Field(
        description="The latest draw's status; none before the first draw"
    )


class RandomPlanList(BaseModel):
    """Random inspection plans, newest first."""

    plans: list[RandomPlanSummary]


class ResultIn(RequestModel):
    """What the inspection of a drawn household found."""

    credit_code: CreditCode
    outcome: Literal["compliant", "problems_found", "not_at_address"]
    note: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class PublishBy(BaseModel):
    """The last day to publish a result, and the rule that sets it."""

    due: date
    rule_code: str
    basis: str


class ResultOut(BaseModel):
    """A drawn household's result and its publication."""

    plan_id: uuid.UUID
    number: int
    credit_code: str
    inspectors: list[str]
    outcome: str
    note: str | None
    recorded_by: str
    recorded_at: datetime
    publish_by: PublishBy
    published_at: datetime | None

    @model_validator(mode="before")
    @classmethod
    def _with_rule(cls, data: Any) -> Any:
        row = dict(data._mapping) if hasattr(data, "_mapping") else dict(data)
        if isinstance(row["publish_by"], date):
            results = rule(RESULTS_RULE)
            row["publish_by"] = {
                "due": row["publish_by"],
                "rule_code": results.code,
                "basis": results.basis,
            }
        return row


class ResultList(BaseModel):
    """Results of random inspections."""

    results: list[ResultOut]


class PublishedResult(BaseModel):
    """A random inspection's result as made public (一公开): no staff named, no note."""

    model_config = ConfigDict(from_attributes=True)

    office_id: str
    office_name: str | None
    plan_id: uuid.UUID
    number: int
    credit_code: str
    name: str | None = Field(description="The household's name, when its licence is known")
    outcome: Literal["compliant", "problems_found", "not_at_address"]
    recorded_at: datetime = Field(description="When the inspection's result was recorded")
    published_at: datetime


class PublishedResults(BaseModel):
    """The publicity feed of random inspection results, newest first."""

    results: list[PublishedResult]


class AddressIn(RequestModel):
    """Where it was found: as written, its community, and the map point (WGS 84)."""

    text: Annotated[str, Field(min_length=1, max_length=500)]
    community_code: CommunityCode
    location: GeoPoint | None = None


class UnlicensedIn(RequestModel):
    """A trader without a licence, found in the street."""

    address: AddressIn
    description: Annotated[str, Field(min_length=1, max_length=5000)]


class FindingOut(BaseModel):
    """An unlicensed-trading finding (and the licence, once the trader registered)."""

    model_config = ConfigDict(from_attributes=True)

    finding_id: uuid.UUID = Field(validation_alias="id")
    address: dict[str, Any]
    description: str
    office_id: str | None
    found_by: str
    found_at: datetime
    credit_code: str | None


class CaseTransferIn(RequestModel):
    """A case source for enforcement: the business (or the unlicensed finding) and evidence."""

    credit_code: CreditCodeText | None = None
    finding_id: uuid.UUID | None = None
    allegation: Annotated[str, Field(min_length=1, max_length=5000)]
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=50)
    discovered_on: date | None = Field(
        default=None,
        description="The day the office found it or received the materials (Asia/Shanghai),"
        " from which enforcement's verification runs; today when not given, never later",
    )

    @model_validator(mode="after")
    def _about_someone(self) -> CaseTransferIn:
        if self.credit_code is None and self.finding_id is None:
            raise ValueError("name the business (credit_code) or the finding (finding_id)")
        return self


class CaseTransferOut(BaseModel):
    """The transferred case source."""

    model_config = ConfigDict(from_attributes=True)

    case_source_id: uuid.UUID
    credit_code: str | None
    finding_id: uuid.UUID | None
    allegation: str
    evidence: list[str]
    office_id: str | None
    transferred_by: str
    transferred_at: datetime
    discovered_on: date | None = Field(
        description="The day the office found it; null on transfers made before it was kept"
    )
    outcome: TransferOutcomeOut = Field(description="What came of it at enforcement (通报备案)")


class CaseTransferList(BaseModel):
    """Case sources the offices transferred, the latest first."""

    case_transfers: list[CaseTransferOut]


class FileEntry(BaseModel):
    """One entry of a supervision file; each kind adds its own fields."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(
        examples=["licence", "assignment", "claim", "inspection", "penalty", "case", "complaint"]
    )
    at: datetime
    actor: str | None = None


class HouseholdFile(BaseModel):
    """The supervision file of a household, oldest entry first."""

    credit_code: str
    entries: list[FileEntry]

    @classmethod
    def of(cls, credit_code: str, entries: Sequence[domain.FileEntry]) -> HouseholdFile:
        """The file's entries, each its detail with its kind, time and actor."""
        return cls(
            credit_code=credit_code,
            entries=[
                FileEntry.model_validate(
                    {**entry.detail, "kind": entry.kind, "at": entry.at, "actor": entry.actor}
                )
                for entry in entries
            ],
        )
