"""The application aggregate: how an application is handed in and moves, step by step.

Each method enforces the rules of its step, records the step (who, when, from which status)
and returns the event to publish; nothing here reads or writes a database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from typing_extensions import TypedDict

from chassis.copying import made_from
from chassis.errors import Conflict
from chassis.legalclock import compute_deadline
from chassis.legalclock.rules import rule
from chassis.sealing import SealedIdNumber
from contracts.licensing import (
    ApplicationAccepted,
    ApplicationDeadlineMissed,
    ApplicationRejected,
    ApplicationReturned,
    ApplicationSubmitted,
)
from contracts.values import CREDIT_CODE_ALPHABET
from services.licensing.domain import rules
from services.licensing.domain.places import Place
from services.licensing.domain.rules import SHANGHAI, InvalidApplication, Status

if TYPE_CHECKING:
    from services.licensing.domain.joint import PartnerRequestView

ON_THE_SPOT = "registration.on_the_spot"
JOINT_DECISION = "licensing.joint_decision"
# Where a deadline runs: registration from acceptance, then the partners' joint decision.
DEADLINE_RUNS = frozenset({Status.ACCEPTED, Status.AWAITING_PARTNERS})


@dataclass(frozen=True)
class RunningDeadline:
    """The deadline an application's decision is due by, while one runs."""

    application_id: uuid.UUID
    rule_code: str
    due: date
    channel: str
    office_code: str | None

    def missed(self, now: datetime) -> ApplicationDeadlineMissed:
        """`licensing.deadline.missed`, with the law and article the deadline comes from."""
        return made_from(
            ApplicationDeadlineMissed, self, basis=rule(self.rule_code).basis, detected_at=now
        )


@dataclass(frozen=True)
class Search:
    """What a clerk typed in the queue's search box: part of the business name, and also the
    start of a credit code when it can be one (up to 18 symbols of the code's alphabet)."""

    fragment: str
    code_prefix: str | None

    @classmethod
    def of(cls, typed: str | None) -> Search | None:
        """The search for the typed text; None when nothing but blanks was typed."""
        fragment = (typed or "").strip()
        if not fragment:
            return None
        code = fragment.upper()
        is_code = len(code) <= 18 and all(symbol in CREDIT_CODE_ALPHABET for symbol in code)
        return cls(fragment, code if is_code else None)


@dataclass(frozen=True)
class Draft:
    """An application as handed in; a change or cancellation may leave out what stays."""

    kind: str
    entity_type: str
    name: str | None
    operator_name: str
    operator_id_number: str
    address: Place | None
    business_scope: tuple[str, ...]
    registered_capital: Decimal | None
    channel: str
    materials: tuple[str, ...]
    credit_code: str | None = None
    finding_id: uuid.UUID | None = None

    def check(self) -> None:
        """Raise InvalidApplication at the first registration rule the draft breaks."""
        rules.check_application(
            rules.requirements(),
            rules.scope_catalogue(),
            kind=self.kind,
            entity_type=self.entity_type,
            business_scope=list(self.business_scope),
            materials=list(self.materials),
            registered_capital=self.registered_capital,
            credit_code=self.credit_code,
        )

    def completed_from(
        self, entity_type: str, name: str, address: Place, business_scope: list[str]
    ) -> Draft:
        """A change or cancellation completed from the licence it names: what it leaves out
        stays as licensed; the entity type must be the licence's."""
        if entity_type != self.entity_type:
            raise InvalidApplication("entity_type", f"the licence is of a {entity_type}")
        return replace(
            self,
            name=self.name or name,
            address=self.address or address,
            business_scope=self.business_scope or tuple(business_scope),
        )


class StepDetail(TypedDict, total=False):
    """What a step records besides who took it and when (each step fills its own keys)."""

    # return: what was missing and why it came back
    missing_materials: list[str]
    # return, reject
    reasons: list[str]
    # extend: who approved the extension, why, and the new due day (ISO date)
    approved_by: str
    reason: str
    due: str
    # approve: the partner agencies asked for their permits
    partner_agencies: list[str]


@dataclass(frozen=True)
class Step:
    """One recorded step of an application."""

    step: str
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    detail: StepDetail | None = None


@dataclass
class Application:
    """An application and where it stands."""

    id: uuid.UUID
    kind: str
    entity_type: str
    name: str
    operator_name: str
    # Masked for display; the number itself is only kept sealed, with its look-up hash.
    operator_id_number: str
    sealed_operator_id_number: str
    operator_id_number_hash: str
    address: Place
    business_scope: list[str]
    registered_capital: Decimal | None
    channel: str
    materials: list[str]
    status: Status
    submitted_by: str
    submitted_at: datetime
    updated_at: datetime
    credit_code: str | None = None
    client_ref: str | None = None
    finding_id: uuid.UUID | None = None
    office_code: str | None = None
    accepted_at: datetime | None = None
    deadline: date | None = None
    deadline_rule: str | None = None
    deadline_start: date | None = None
    deadline_extensions: int = 0
    # What the application's file shows (filled when it is viewed): the steps recorded so
    # far and the requests to partner agencies.
    steps: list[Step] = field(default_factory=list)
    partner_requests: list[PartnerRequestView] = field(default_factory=list)
    # Steps taken since it was loaded: saved with it.
    new_steps: list[Step] = field(default_factory=list)

    @property
    def missing_materials(self) -> list[str]:
        """The required materials not handed in, in the requirements table's order."""
        return rules.requirements().missing(self.entity_type, self.kind, self.materials)

    @property
    def client_id(self) -> str | None:
        """The mobile van's own id of an application captured offline."""
        return self.client_ref

    @classmethod
    def submit(
        cls,
        draft: Draft,
        *,
        operator_id: SealedIdNumber,
        actor: str,
        office: str | None,
        now: datetime,
        client_ref: str | None = None,
    ) -> tuple[Application, ApplicationSubmitted]:
        """Take in a (checked and completed) draft; the event names every missing material."""
        assert draft.name is not None and draft.address is not None
        application = made_from(
            cls,
            draft,
            id=uuid.uuid4(),
            operator_id_number=operator_id.masked,
            sealed_operator_id_number=operator_id.sealed,
            operator_id_number_hash=operator_id.hash,
            business_scope=list(dict.fromkeys(draft.business_scope)),
            materials=list(dict.fromkeys(draft.materials)),
            status=Status.SUBMITTED,
            submitted_by=actor,
            submitted_at=now,
            updated_at=now,
            client_ref=client_ref,
            office_code=office,
        )
        application.new_steps.append(Step("submit", None, Status.SUBMITTED, actor, now))
        return application, application._submitted(actor, now)

    def _submitted(self, actor: str, now: datetime) -> ApplicationSubmitted:
        return made_from(
            ApplicationSubmitted,
            self,
            application_id=self.id,
            missing_materials=tuple(self.missing_materials),
            submitted_at=now,
            submitted_by=actor,
        )

    def _move(
        self,
        step: str,
        status: Status,
        *,
        actor: str,
        now: datetime,
        detail: StepDetail | None = None,
    ) -> None:
        self.new_steps.append(Step(step, self.status, status, actor, now, detail))
        self.status = status
        self.updated_at = now

    def resubmit(self, materials: list[str], *, actor: str, now: datetime) -> ApplicationSubmitted:
        """The corrected application comes back with more materials."""
        status = rules.resubmit(self.status)
        unknown = rules.requirements().unknown_materials(materials)
        if unknown:
            raise InvalidApplication("materials", f"unknown materials: {', '.join(unknown)}")
        self.materials = list(dict.fromkeys([*self.materials, *materials]))
        self._move("resubmit", status, actor=actor, now=now)
        return self._submitted(actor, now)

    def accept(self, *, actor: str, now: datetime) -> ApplicationAccepted:
        """受理: only with complete materials; the on-the-spot deadline starts to run."""
        status = rules.accept(self.status, self.missing_materials)
        deadline = compute_deadline(ON_THE_SPOT, now.astimezone(SHANGHAI).date())
        self._move("accept", status, actor=actor, now=now)
        self.accepted_at = now
        self._deadline_runs(ON_THE_SPOT, deadline.start, deadline.due)
        return made_from(ApplicationAccepted, self, application_id=self.id, accepted_by=actor)

    def _deadline_runs(self, rule: str, start: date, due: date) -> None:
        self.deadline, self.deadline_rule = due, rule
        self.deadline_start, self.deadline_extensions = start, 0

    def return_for_correction(
        self, reasons: list[str], *, actor: str, now: datetime
    ) -> ApplicationReturned:
        """补正: returned with every missing material and reason in one notice."""
        missing = self.missing_materials
        status = rules.return_for_correction(self.status, missing, reasons)
        detail: StepDetail = {"missing_materials": missing, "reasons": reasons}
        self._move("return", status, actor=actor, now=now, detail=detail)
        return ApplicationReturned(
            application_id=self.id,
            missing_materials=tuple(missing),
            reasons=tuple(reasons),
            returned_at=now,
            returned_by=actor,
        )

    def reject(
        self, reasons: list[str], *, actor: str, now: datetime, partner_agency: str | None = None
    ) -> ApplicationRejected:
        """Refused before issue (by the window, or by a partner agency's refusal)."""
        status = rules.reject(self.status)
        self._move("reject", status, actor=actor, now=now, detail={"reasons": reasons})
        return ApplicationRejected(
            application_id=self.id,
            reasons=tuple(reasons),
            rejected_at=now,
            rejected_by=actor,
            partner_agency=partner_agency,
        )

    def extend_deadline(self, approved_by: str, reason: str, *, actor: str, now: datetime) -> None:
        """The approved extension of the running deadline (+3 wd registration, +15 wd joint)."""
        running = self.status in DEADLINE_RUNS
        if self.deadline_rule is None or self.deadline_start is None or not running:
            raise Conflict(f"No deadline runs for an application that is {self.status}")
        try:
            deadline = compute_deadline(
                self.deadline_rule, self.deadline_start, extensions=self.deadline_extensions + 1
            )
        except ValueError as error:
            raise Conflict(str(error)) from None
        detail: StepDetail = {
            "approved_by": approved_by,
            "reason": reason,
            "due": deadline.due.isoformat(),
        }
        self._move("extend", self.status, actor=actor, now=now, detail=detail)
        self.deadline, self.deadline_extensions = deadline.due, deadline.extensions

    def approve(self, partner_agencies: list[str], *, actor: str, now: datetime) -> Status:
        """Approved: ISSUED when no partner permit is needed (then `complete` it), else it
        waits for the partner agencies, whose decision deadline starts to run."""
        status = rules.approve(self.status, partner_agencies)
        if status is Status.AWAITING_PARTNERS:
            accepted = self.accepted_at or now
            deadline = compute_deadline(JOINT_DECISION, accepted.astimezone(SHANGHAI).date())
            detail: StepDetail = {"partner_agencies": partner_agencies}
            self._move("approve", status, actor=actor, now=now, detail=detail)
            self._deadline_runs(JOINT_DECISION, deadline.start, deadline.due)
        return status

    def expect_partner_decision(self) -> None:
        """Raise IllegalTransition unless partner agencies are being waited for."""
        rules.check_step("decide_partner", self.status)

    def complete(self, credit_code: str, step: str, *, actor: str, now: datetime) -> None:
        """Issued: the licence it is for was issued, changed or cancelled."""
        self._move(step, Status.ISSUED, actor=actor, now=now)
        self.credit_code = credit_code
