"""Licence use cases: issuing, changing or cancelling what an application is for, the register's
search, and case sources transferred to enforcement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from chassis.case_transfers import CaseNews, Outcome, discovery_day, folded
from chassis.copying import made_from
from chassis.errors import RuleViolated
from chassis.uow import UnitOfWork, Work
from contracts import Contract
from services.licensing.context import LicensingContext
from services.licensing.domain.applications import Application
from services.licensing.domain.licences import CaseTransfer, Licence, check_name_free
from services.licensing.domain.rules import CREDIT_CODE_CATEGORIES
from services.licensing.repositories.applications import Applications
from services.licensing.repositories.case_transfers import CaseTransfers
from services.licensing.repositories.licences import Licences


@dataclass(frozen=True)
class SearchLicences:
    """Licences by part of the name or operator's name, or by credit code."""

    name: str | None
    credit_code: str | None
    operator: str | None
    limit: int


@dataclass(frozen=True)
class TransferCaseSource:
    """案源移送 of what the window found, about a licence or an application."""

    credit_code: str | None
    application_id: uuid.UUID | None
    allegation: str
    evidence: tuple[str, ...]
    actor: str
    discovered_on: date | None  # None: found today


async def issue_licence(
    ctx: LicensingContext, work: Work, application: Application, now: datetime
) -> str:
    """Issue the licence of an establishment under a new credit code; the code."""
    licences = Licences(work.connection)
    check_name_free(await licences.name_holder(application.name), None)
    category = CREDIT_CODE_CATEGORIES[application.entity_type]
    credit_code = await licences.next_credit_code(ctx.settings.region_code, category)
    licence, issued = Licence.issue(application, credit_code, now, ctx.office_hours)
    await licences.add(licence)
    work.emit(issued)
    return credit_code


async def _active(licences: Licences, credit_code: str | None) -> Licence:
    licence = None if credit_code is None else await licences.get(credit_code, active=True)
    if licence is None:
        raise RuleViolated("credit_code", "no active licence has this credit code")
    return licence


async def settle_licence(
    ctx: LicensingContext,
    work: Work,
    application: Application,
    *,
    step: str,
    actor: str,
    now: datetime,
) -> None:
    """Issue, change or cancel the licence the approved application is for; the application
    is then issued (save it after)."""
    if application.kind == "establishment":
        credit_code = await issue_licence(ctx, work, application, now)
    else:
        licences = Licences(work.connection)
        licence = await _active(licences, application.credit_code)
        event: Contract
        if application.kind == "change":
            if application.name != licence.name:
                holder = await licences.name_holder(application.name)
                check_name_free(holder, licence.credit_code)
            event = licence.change(application, now)
        else:
            event = licence.cancel(now)
        await licences.save(licence)
        work.emit(event)
        credit_code = licence.credit_code
    application.complete(credit_code, step, actor=actor, now=now)


async def search_licences(uow: UnitOfWork, query: SearchLicences) -> list[Licence]:
    """Licences found, newest first."""
    return await Licences(uow.connection).search(
        name=query.name, credit_code=query.credit_code, operator=query.operator, limit=query.limit
    )


async def get_licence(uow: UnitOfWork, credit_code: str) -> Licence:
    """One licence; NotFound if absent."""
    return await Licences(uow.connection).find(credit_code)


async def transfer_case_source(
    ctx: LicensingContext, uow: UnitOfWork, command: TransferCaseSource
) -> CaseTransfer:
    """案源移送: what the window found (forged signatures, false capital) to enforcement."""
    licences = Licences(uow.connection)
    if command.credit_code is not None:
        await licences.find(command.credit_code)
    if command.application_id is not None and not await Applications(uow.connection).exists(
        command.application_id
    ):
        raise RuleViolated("application_id", "no application has this id")
    now = ctx.clock.now()
    transfer = made_from(
        CaseTransfer,
        command,
        case_source_id=uuid.uuid4(),
        evidence_refs=list(command.evidence),
        transferred_by=command.actor,
        transferred_at=now,
        discovered_on=discovery_day(command.discovered_on, ctx.clock.today()),
        outcome=Outcome.transferred(now),
    )
    await CaseTransfers(uow.connection).add(transfer)
    uow.emit(transfer.event())
    await uow.commit()
    return transfer


async def case_transfer(uow: UnitOfWork, case_source_id: uuid.UUID) -> CaseTransfer:
    """One case source the window transferred, and what came of it; NotFound if absent."""
    return await CaseTransfers(uow.connection).get(case_source_id)


async def case_transfers(
    uow: UnitOfWork, credit_code: str | None, limit: int
) -> list[CaseTransfer]:
    """The case sources the window transferred, the latest first, of one business if given."""
    return await CaseTransfers(uow.connection).listed(credit_code, limit)


async def hear_of_case(work: Work, news: CaseNews) -> bool:
    """Enforcement's news of a case source (通报备案), folded into the window's transfer of it;
    whether it was the window's (news of another department's transfer is none of its own)."""
    transfers = CaseTransfers(work.connection)
    found = await transfers.outcome_locked(news.case_source_id, news.case_id)
    if found is None:
        return False
    case_source_id, current = found
    await transfers.keep_outcome(case_source_id, folded(current, news.outcome))
    return True
