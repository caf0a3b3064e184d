"""Events the enforcement service reacts to (registered with `@handlers.on(Contract)`): each
becomes a command for an intake use case, on the batch's Work (the consumer commits)."""

from chassis.bus import HandlerRegistry
from chassis.uow import Work
from contracts import Envelope
from contracts.complaints import ReportTransferred
from contracts.licensing import LicensingCaseSourceTransferred
from contracts.shapes import CaseSourceTransfer
from contracts.supervision import HouseholdAssigned, SupervisionCaseSourceTransferred
from services.enforcement.domain import Transfer
from services.enforcement.settings import EnforcementContext
from services.enforcement.usecases import intake

handlers = HandlerRegistry("enforcement")


def _transfer(event: CaseSourceTransfer, department: str, office: str | None) -> Transfer:
    return Transfer(
        id=event.case_source_id,
        source_department=department,
        credit_code=event.credit_code,
        allegation=event.allegation,
        evidence=event.evidence_refs,
        office_id=office,
        transferred_by=event.transferred_by,
        transferred_at=event.transferred_at,
    )


@handlers.on(SupervisionCaseSourceTransferred)
async def supervision_case_source(
    ctx: EnforcementContext,
    work: Work,
    event: SupervisionCaseSourceTransferred,
    envelope: Envelope,
) -> None:
    """An office transferred what its inspectors found: to the section of its area."""
    await intake.receive(work, ctx.clock, _transfer(event, "supervision", event.office_code))


@handlers.on(LicensingCaseSourceTransferred)
async def licensing_case_source(
    ctx: EnforcementContext,
    work: Work,
    event: LicensingCaseSourceTransferred,
    envelope: Envelope,
) -> None:
    """The registration window transferred a case source: to the business's office's section."""
    await intake.receive(work, ctx.clock, _transfer(event, "licensing", None))


@handlers.on(ReportTransferred)
async def complaints_case_source(
    ctx: EnforcementContext, work: Work, event: ReportTransferred, envelope: Envelope
) -> None:
    """A 12315 report became a case source (never with the reporter's identity)."""
    transfer = Transfer(
        id=event.case_source_id,
        source_department="complaints",
        source_ref=str(event.report_id),
        credit_code=event.credit_code,
        allegation=event.allegation,
        evidence=(),
        office_id=event.office_code,
        transferred_by="complaints",
        transferred_at=event.transferred_at,
    )
    await intake.receive(work, ctx.clock, transfer)


@handlers.on(HouseholdAssigned)
async def household_assigned(
    ctx: EnforcementContext, work: Work, event: HouseholdAssigned, envelope: Envelope
) -> None:
    """Which office supervises a business: where its case sources go."""
    assigned = intake.BusinessAssigned(event.credit_code, event.office_code, event.assigned_at)
    await intake.note_business_office(work, assigned)
