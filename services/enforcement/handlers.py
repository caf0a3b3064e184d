"""Events the enforcement service reacts to (registered with `@handlers.on(Contract)`): each
becomes a command for an intake use case, on the batch's Work (the consumer commits)."""

from typing import Any

from chassis.bus import HandlerRegistry
from chassis.copying import made_from
from chassis.uow import Work
from contracts import Envelope
from contracts.complaints import ReportTransferred
from contracts.identity import PersonChanged
from contracts.licensing import LicensingCaseSourceTransferred
from contracts.shapes import CaseSourceTransfer
from contracts.supervision import (
    HouseholdAssigned,
    OfficeChanged,
    SupervisionCaseSourceTransferred,
)
from services.enforcement.domain import Transfer
from services.enforcement.settings import EnforcementContext
from services.enforcement.usecases import directory, intake

handlers = HandlerRegistry("enforcement")


def _transfer(
    event: CaseSourceTransfer | ReportTransferred,
    department: str,
    office: str | None,
    **given: Any,
) -> Transfer:
    """The case source as the event hands it over: its fields of the same names, and the rest
    given."""
    return made_from(
        Transfer,
        event,
        id=event.case_source_id,
        source_department=department,
        office_id=office,
        **given,
    )


@handlers.on(SupervisionCaseSourceTransferred)
async def supervision_case_source(
    ctx: EnforcementContext,
    work: Work,
    event: SupervisionCaseSourceTransferred,
    envelope: Envelope,
) -> None:
    """An office transferred what its inspectors found: to the section of its area."""
    transfer = _transfer(event, "supervision", event.office_code, evidence=event.evidence_refs)
    await intake.receive(work, ctx.clock, transfer)


@handlers.on(LicensingCaseSourceTransferred)
async def licensing_case_source(
    ctx: EnforcementContext,
    work: Work,
    event: LicensingCaseSourceTransferred,
    envelope: Envelope,
) -> None:
    """The registration window transferred a case source: to the business's office's section."""
    transfer = _transfer(event, "licensing", None, evidence=event.evidence_refs)
    await intake.receive(work, ctx.clock, transfer)


@handlers.on(ReportTransferred)
async def complaints_case_source(
    ctx: EnforcementContext, work: Work, event: ReportTransferred, envelope: Envelope
) -> None:
    """A 12315 report became a case source (never with the reporter's identity)."""
    transfer = _transfer(
        event,
        "complaints",
        event.office_code,
        source_ref=str(event.report_id),
        evidence=(),
        transferred_by="complaints",
    )
    await intake.receive(work, ctx.clock, transfer)


@handlers.on(HouseholdAssigned)
async def household_assigned(
    ctx: EnforcementContext, work: Work, event: HouseholdAssigned, envelope: Envelope
) -> None:
    """Which office supervises a business: where its case sources go."""
    assigned = intake.BusinessAssigned(event.credit_code, event.office_code, event.assigned_at)
    await intake.note_business_office(work, assigned)


@handlers.on(PersonChanged)
async def person_changed(
    ctx: EnforcementContext, work: Work, event: PersonChanged, envelope: Envelope
) -> None:
    """The directory follows the gateway: who is an officer, of which unit, certified until."""
    await directory.keep_person(work, event, envelope.sequence)


@handlers.on(OfficeChanged)
async def office_changed(
    ctx: EnforcementContext, work: Work, event: OfficeChanged, envelope: Envelope
) -> None:
    """An office of the map, new or changed: its area says which section takes its cases."""
    office = intake.OfficeOnMap(event.office_code, event.name, event.area, envelope.sequence)
    await intake.keep_office(work, office)
