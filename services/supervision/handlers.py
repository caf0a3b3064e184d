"""Events the supervision service reacts to: each becomes a use case's command."""

from __future__ import annotations

from chassis.bus import HandlerRegistry
from chassis.case_transfers import news_of
from chassis.uow import Work
from contracts import Envelope
from contracts.complaints import ReportTransferred, TicketClosed, TicketReceived
from contracts.enforcement import CaseClosed, CaseFiled, CaseNotFiled, PenaltyDecided
from contracts.identity import PersonChanged
from contracts.licensing import LicenceCancelled, LicenceChanged, LicenceIssued
from services.supervision.context import SupervisionContext
from services.supervision.domain import LicenceFact
from services.supervision.usecases.directory import keep_person
from services.supervision.usecases.findings import hear_of_case, link_finding
from services.supervision.usecases.households import Note, note
from services.supervision.usecases.routing import RecordLicenceFact, record_licence_fact

handlers = HandlerRegistry("supervision")

# The licensing events a household follows, and the kind of fact each is.
LICENCE_FACTS: dict[type[LicenceIssued | LicenceChanged | LicenceCancelled], str] = {
    LicenceIssued: "issued",
    LicenceChanged: "changed",
    LicenceCancelled: "cancelled",
}


async def licence_event(
    ctx: SupervisionContext,
    work: Work,
    event: LicenceIssued | LicenceChanged | LicenceCancelled,
    envelope: Envelope,
) -> None:
    """The household follows its licence: opened and routed to its grid's owner when issued,
    moved when a change readdresses it, closed (its file kept) when cancelled."""
    code = str(event.credit_code)
    fact = LicenceFact(envelope.sequence, LICENCE_FACTS[type(event)], event.model_dump(mode="json"))
    await record_licence_fact(ctx, work, RecordLicenceFact(code, fact, ctx.clock.now()))
    if isinstance(event, LicenceIssued) and event.finding_id is not None:
        await link_finding(work, event.finding_id, code)  # the trader found unlicensed


for contract in LICENCE_FACTS:
    handlers.on(contract)(licence_event)


async def news_of_the_business(
    ctx: SupervisionContext,
    work: Work,
    event: PenaltyDecided | ReportTransferred | TicketReceived | TicketClosed,
    envelope: Envelope,
) -> None:
    """Another department's news goes into the business's file: enforcement's decision
    (通报), and 12315 tickets about the business: received, closed, or a report transferred
    to enforcement (the events never name the submitter, so neither does the file)."""
    if event.credit_code is None:
        return
    if isinstance(event, PenaltyDecided):
        kind, detail = "penalty", event.model_dump(mode="json", exclude={"credit_code"})
    elif isinstance(event, ReportTransferred):
        kind, detail = (
            "complaint",
            {
                "step": "transferred",
                "report_id": str(event.report_id),
                "allegation": event.allegation,
            },
        )
    else:
        shown = event.model_dump(mode="json", exclude={"credit_code", "kind"})
        step = "received" if isinstance(event, TicketReceived) else "closed"
        kind, detail = "complaint", {"step": step, "ticket_kind": event.kind, **shown}
    await note(ctx, work, Note(str(event.credit_code), kind, detail))


handlers.on(ReportTransferred)(news_of_the_business)
handlers.on(TicketReceived)(news_of_the_business)
handlers.on(TicketClosed)(news_of_the_business)


@handlers.on(PenaltyDecided)
async def penalty_decided(
    ctx: SupervisionContext, work: Work, event: PenaltyDecided, envelope: Envelope
) -> None:
    """A penalty decided: the office's transfer it came from shows it, the file notes it."""
    await hear_of_case(work, news_of(event))
    await news_of_the_business(ctx, work, event, envelope)


async def case_news(
    ctx: SupervisionContext,
    work: Work,
    event: CaseFiled | CaseNotFiled | CaseClosed,
    envelope: Envelope,
) -> None:
    """A case filed, a case source declined, a case closed: the office's transfer it is about
    shows it, and the business's file notes it. A declined case source names no business:
    it is noted only when an office transferred it about one."""
    transfer = await hear_of_case(work, news_of(event))
    if isinstance(event, CaseNotFiled):
        credit_code = None if transfer is None else transfer.credit_code
    else:
        credit_code = None if event.credit_code is None else str(event.credit_code)
    if credit_code is None:
        return
    detail = {"step": CASE_STEPS[type(event)], **event.model_dump(mode="json")}
    detail.pop("credit_code", None)
    await note(ctx, work, Note(credit_code, "case", detail))


# The step of a case each of enforcement's events is, in the business's file.
CASE_STEPS: dict[type[CaseFiled | CaseNotFiled | CaseClosed], str] = {
    CaseFiled: "filed",
    CaseNotFiled: "not_filed",
    CaseClosed: "closed",
}
handlers.on(CaseFiled)(case_news)
handlers.on(CaseNotFiled)(case_news)
handlers.on(CaseClosed)(case_news)


@handlers.on(PersonChanged)
async def person_changed(
    ctx: SupervisionContext, work: Work, event: PersonChanged, envelope: Envelope
) -> None:
    """The directory follows the gateway: who is a grid inspector or a head of which office."""
    await keep_person(work, event, envelope.sequence)
