"""Joint licensing (联合办照): requests to partner agencies and their decisions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from chassis.copying import made_from
from chassis.errors import Conflict
from contracts.licensing import JointApprovalDecided, JointApprovalRequested
from services.licensing.domain.applications import Application
from services.licensing.domain.places import Place
from services.licensing.domain.rules import scope_catalogue


@dataclass
class PartnerRequest:
    """One partner agency's part in an application: pending, then approved or rejected
    (or withdrawn when the application is refused meanwhile)."""

    id: uuid.UUID
    application_id: uuid.UUID
    agency: str
    status: str
    requested_at: datetime
    deadline: date
    permit_number: str | None = None
    reason: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None

    @classmethod
    def ask(
        cls, application: Application, agency: str, deadline: date, now: datetime
    ) -> tuple[PartnerRequest, JointApprovalRequested]:
        """Ask `agency` for its permit; the event names the scope items it decides on."""
        request = cls(uuid.uuid4(), application.id, agency, "pending", now, deadline)
        catalogue = scope_catalogue()
        scope = request.view(application).business_scope
        asked = made_from(
            JointApprovalRequested,
            request,
            request_id=request.id,
            name=application.name,
            business_scope=tuple(catalogue.items[code].name for code in scope),
        )
        return request, asked

    def decide(
        self,
        decision: str,
        permit_number: str | None,
        reason: str | None,
        *,
        actor: str,
        now: datetime,
    ) -> JointApprovalDecided:
        """The agency's decision, once."""
        self.status = decision
        self.permit_number, self.reason = permit_number, reason
        self.decided_at, self.decided_by = now, actor
        return made_from(JointApprovalDecided, self, request_id=self.id, decision=decision)

    def expect_pending(self) -> None:
        """Raise Conflict unless the request still waits for the agency's decision."""
        if self.status != "pending":
            raise Conflict(f"This request was already {self.status}")

    def view(self, application: Application) -> PartnerRequestView:
        """The request with what the agency needs of the application."""
        catalogue = scope_catalogue()
        scope = [
            code
            for code in application.business_scope
            if catalogue.items[code].partner_agency == self.agency
        ]
        return made_from(
            PartnerRequestView,
            self,
            name=application.name,
            entity_type=application.entity_type,
            address=application.address,
            business_scope=scope,
        )


@dataclass(kw_only=True)
class PartnerRequestView(PartnerRequest):
    """A joint-licensing request as its partner agency sees it: with what it needs of the
    application."""

    name: str
    entity_type: str
    address: Place
    # The scope items that need this agency.
    business_scope: list[str]
