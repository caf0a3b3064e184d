"""The licence aggregate: issued with a new credit code, changed, cancelled; and the case
sources the window transfers to enforcement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from chassis.case_transfers import Outcome
from chassis.copying import made_from
from chassis.errors import Conflict
from contracts.licensing import (
    LicenceCancelled,
    LicenceChanged,
    LicenceIssued,
    LicensingCaseSourceTransferred,
)
from services.licensing.domain.applications import Application
from services.licensing.domain.places import Place
from services.licensing.domain.rules import OfficeHours, same_day, scope_catalogue


def scope_names(codes: list[str]) -> tuple[str, ...]:
    """The names of business-scope items, as published."""
    items = scope_catalogue().items
    return tuple(items[code].name for code in codes)


class NameTaken(Conflict):
    """A name is unique among the district's active licences."""

    def __init__(self, holder: str) -> None:
        super().__init__(
            f"The name is held by the active licence {holder}",
            errors=[{"field": "body.name", "message": "name in use", "code": "name_taken"}],
        )


def check_name_free(holder: str | None, own_code: str | None) -> None:
    """Raise NameTaken when an active licence other than `own_code` holds the name."""
    if holder is not None and holder != own_code:
        raise NameTaken(holder)


@dataclass
class Licence:
    """A business licence of the district."""

    credit_code: str
    application_id: uuid.UUID
    name: str
    entity_type: str
    operator_name: str
    address: Place
    business_scope: list[str]
    status: str
    issued_at: datetime
    same_day: bool
    after_hours: bool
    channel: str
    office_code: str | None = None
    changed_at: datetime | None = None
    cancelled_at: datetime | None = None

    @classmethod
    def issue(
        cls, application: Application, credit_code: str, now: datetime, hours: OfficeHours
    ) -> tuple[Licence, LicenceIssued]:
        """The licence an establishment is issued, and the event that says so."""
        licence = made_from(
            cls,
            application,
            credit_code=credit_code,
            application_id=application.id,
            business_scope=list(application.business_scope),
            status="active",
            issued_at=now,
            same_day=same_day(application.accepted_at or now, now),
            after_hours=hours.after_hours(now),
        )
        issued = made_from(
            LicenceIssued,
            licence,
            address=licence.address.contract(),
            business_scope=scope_names(licence.business_scope),
            business_scope_codes=tuple(licence.business_scope),
            finding_id=application.finding_id,
        )
        return licence, issued

    def change(self, application: Application, now: datetime) -> LicenceChanged:
        """Take over what a change application alters: name, address, business scope."""
        name = application.name if application.name != self.name else None
        address = application.address if application.address != self.address else None
        scope = application.business_scope
        scope_changed = scope != self.business_scope
        self.name = name or self.name
        self.address = address or self.address
        self.business_scope = list(scope) if scope_changed else self.business_scope
        self.changed_at = now
        return LicenceChanged(
            credit_code=self.credit_code,
            name=name,
            address=address.contract() if address is not None else None,
            business_scope=scope_names(scope) if scope_changed else None,
            changed_at=now,
        )

    def cancel(self, now: datetime) -> LicenceCancelled:
        """Cancelled on the holder's application."""
        self.status, self.cancelled_at = "cancelled", now
        return made_from(
            LicenceCancelled, self, reason="申请注销: cancelled on the applicant's application"
        )


@dataclass(frozen=True)
class CaseTransfer:
    """案源移送: what the window found (forged signatures, false capital) to enforcement."""

    case_source_id: uuid.UUID
    credit_code: str | None
    application_id: uuid.UUID | None
    allegation: str
    evidence_refs: list[str]
    transferred_by: str
    transferred_at: datetime
    discovered_on: date | None  # None on transfers made before it was kept
    outcome: Outcome  # what came of it at enforcement, as far as its news told

    def event(self) -> LicensingCaseSourceTransferred:
        """The transfer in the published language."""
        return LicensingCaseSourceTransferred.model_validate(self, from_attributes=True)
