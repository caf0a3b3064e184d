"""Economic households (经济户口): the licence each follows, its routing, claim and deadline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from chassis.errors import Conflict, Forbidden
from chassis.legalclock import compute_deadline, rule
from contracts.supervision import ClaimOverdue, HouseholdAssigned
from services.supervision.domain.delegations import Viewer, may_act
from services.supervision.domain.map import Grid


class HouseholdStatus(StrEnum):
    """Where a household stands with its inspector."""

    UNROUTED = "unrouted"  # no grid found: the office head assigns it by hand
    ASSIGNED = "assigned"  # routed to a grid's owner, waiting to be claimed
    CLAIMED = "claimed"  # 认领: in the owner's inspection plan
    CANCELLED = "cancelled"  # the licence was cancelled (注销)


# The legal clock's rule of the claim deadline.
CLAIM_RULE = "supervision.claim"


def claim_deadline(assigned_on: date, workdays: int) -> date:
    """Last day to claim a household assigned on `assigned_on` (Asia/Shanghai)."""
    claim_rule = rule(CLAIM_RULE).model_copy(update={"length": workdays})
    return compute_deadline(claim_rule, assigned_on).due


def is_overdue(status: HouseholdStatus, deadline: date | None, today: date) -> bool:
    """Whether an assigned household's claim deadline has passed unclaimed."""
    return status is HouseholdStatus.ASSIGNED and deadline is not None and today > deadline


@dataclass(frozen=True)
class LicenceFact:
    """One licensing event about a credit code, in its place in the subject's sequence."""

    sequence: int
    kind: str  # "issued", "changed" or "cancelled"
    data: Mapping[str, Any]  # the event as licensing published it (JSON)


@dataclass(frozen=True)
class LicenceState:
    """What the licensing events, applied in order, say about the business."""

    issued: bool = False
    cancelled: bool = False
    name: str | None = None
    entity_type: str | None = None
    operator_name: str | None = None
    address: Mapping[str, Any] | None = None
    business_scope: tuple[str, ...] = ()
    office_code: str | None = None
    issued_at: str | None = None


def fold_licence(facts: Iterable[LicenceFact]) -> LicenceState:
    """The business's state from its licence events, whatever order they arrived in.

    Facts are applied in sequence order, each sequence once, so duplicates and reordering on
    the bus leave the same state.
    """
    state = LicenceState()
    seen: set[int] = set()
    for fact in sorted(facts, key=lambda f: f.sequence):
        if fact.sequence in seen:
            continue
        seen.add(fact.sequence)
        data = fact.data
        if fact.kind == "issued":
            state = replace(
                state,
                issued=True,
                name=data["name"],
                entity_type=data["entity_type"],
                operator_name=data["operator_name"],
                address=data["address"],
                business_scope=tuple(data["business_scope"]),
                office_code=data.get("office_code"),
                issued_at=data["issued_at"],
            )
        elif fact.kind == "changed":
            changed = {key: data[key] for key in ("name", "address") if data.get(key) is not None}
            if data.get("business_scope") is not None:
                changed["business_scope"] = tuple(data["business_scope"])
            state = replace(state, **changed)
        elif fact.kind == "cancelled":
            state = replace(state, cancelled=True)
    return state


@dataclass(frozen=True)
class FileEntry:
    """An entry of a household's supervision file; `detail` is what its kind records (JSON)."""

    credit_code: str
    kind: str
    at: datetime
    actor: str | None
    detail: Mapping[str, Any]


@dataclass
class Household:
    """A household and who supervises it; its steps add entries to `news` for its file."""

    credit_code: str
    name: str | None
    entity_type: str | None
    operator_name: str | None
    address: Mapping[str, Any] | None  # contracts.values.Address as JSON
    business_scope: list[str]
    licensed: bool
    status: HouseholdStatus
    grid_id: str | None
    office_id: str | None
    owner: str | None
    agent: str | None
    routed_by: str | None
    claim_deadline: date | None
    assigned_at: datetime | None
    claimed_at: datetime | None
    claimed_by: str | None
    last_inspected_at: datetime | None
    updated_at: datetime
    news: list[FileEntry] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def opened(cls, credit_code: str, now: datetime) -> Household:
        """A household known from its first licensing event, not routed yet."""
        return cls(
            credit_code, None, None, None, None, [], False, HouseholdStatus.UNROUTED,
            None, None, None, None, None, None, None, None, None, None, now,
        )  # fmt: skip

    def _record(
        self, kind: str, at: datetime, detail: Mapping[str, Any], actor: str | None
    ) -> None:
        self.news.append(FileEntry(self.credit_code, kind, at, actor, detail))

    def follow(self, state: LicenceState, fact: LicenceFact, now: datetime) -> None:
        """Take what the licence says now; the fact goes into the file."""
        self.name, self.entity_type = state.name, state.entity_type
        self.operator_name = state.operator_name
        self.address = dict(state.address) if state.address else None
        self.business_scope = list(state.business_scope)
        self.licensed, self.updated_at = state.issued, now
        self._record("licence", now, {**fact.data, "event": fact.kind}, None)
        if state.cancelled:
            self.status = HouseholdStatus.CANCELLED

    @property
    def supervisor(self) -> str | None:
        """The grid's owner it is assigned to, if routed."""
        return self.owner

    @property
    def point(self) -> tuple[float | None, float | None, str | None]:
        """lon, lat and community code of its address (what routing reads)."""
        address = self.address or {}
        location = address.get("location") or {}
        return location.get("lon"), location.get("lat"), address.get("community_code")

    def assign(
        self,
        grid: Grid,
        *,
        agent: str | None,
        deadline: date,
        now: datetime,
        routed_by: str,
        actor: str | None,
    ) -> HouseholdAssigned:
        """Give the household to the grid's owner (and their agent) with a claim deadline."""
        self.status, self.grid_id, self.office_id = (
            HouseholdStatus.ASSIGNED,
            grid.id,
            grid.office_id,
        )
        self.owner, self.agent, self.routed_by = grid.owner, agent, routed_by
        self.claim_deadline, self.assigned_at, self.updated_at = deadline, now, now
        self.claimed_at = self.claimed_by = None
        detail = {
            "grid_id": grid.id,
            "office_id": grid.office_id,
            "owner": grid.owner,
            "agent": agent,
            "routed_by": routed_by,
            "claim_deadline": deadline.isoformat(),
        }
        self._record("assignment", now, detail, actor)
        return HouseholdAssigned.model_validate(self._as_routed())

    def unroute(self, office: str | None, now: datetime) -> None:
        """Put the household in its office's queue for the head to assign by hand."""
        if self.status == HouseholdStatus.UNROUTED and self.office_id == office:
            return
        self.status, self.grid_id, self.office_id = HouseholdStatus.UNROUTED, None, office
        self.owner = self.agent = None
        self.routed_by, self.claim_deadline, self.updated_at = "none", None, now
        self._record("unrouted", now, {"office": office}, None)

    def claim(self, viewer: Viewer, now: datetime) -> None:
        """认领: the owner, or the agent acting for them, takes the household into their plan."""
        if not may_act(viewer, owner=self.owner):
            raise Forbidden("Only the grid's owner or their agent may claim it")
        if self.status != HouseholdStatus.ASSIGNED:
            raise Conflict(f"A household that is {self.status} cannot be claimed")
        self.status, self.claimed_at, self.claimed_by = HouseholdStatus.CLAIMED, now, viewer.subject
        self.updated_at = now
        on_behalf = self.owner if viewer.subject != self.owner else None
        self._record("claim", now, {"for": on_behalf}, viewer.subject)

    def may_be_assigned_by_hand(self) -> None:
        """Conflict unless its licence still runs."""
        if self.status == HouseholdStatus.CANCELLED:
            raise Conflict("The licence of this household is cancelled")

    def overdue(self, now: datetime) -> ClaimOverdue:
        """Its claim deadline passed unclaimed: the event, and the entry in its file."""
        deadline = self.claim_deadline
        if deadline is None or None in (self.grid_id, self.office_id, self.owner):
            raise Conflict("Only an assigned household with a claim deadline is overdue")
        self._record("overdue", now, {"claim_deadline": deadline.isoformat()}, None)
        return ClaimOverdue.model_validate(self._as_routed(detected_at=now))

    def _as_routed(self, **more: object) -> Mapping[str, object]:
        """Its fields, with its grid and office under the names the events give them."""
        return vars(self) | {"grid_code": self.grid_id, "office_code": self.office_id} | more
