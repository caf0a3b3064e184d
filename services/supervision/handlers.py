"""Events the supervision service reacts to (registered with `@handlers.on(Contract)`)."""

from __future__ import annotations

import weakref
from datetime import UTC, datetime

from chassis.bus import HandlerRegistry
from chassis.db import Database
from chassis.uow import UnitOfWork
from contracts import Envelope
from contracts.complaints import ReportTransferred
from contracts.enforcement import PenaltyDecided
from contracts.licensing import LicenceCancelled, LicenceChanged, LicenceIssued
from services.supervision.domain import LicenceFact
from services.supervision.findings import Findings
from services.supervision.usecases import Supervision

handlers = HandlerRegistry("supervision")
# The use cases of each running app, by its database: handlers get only the unit of work.
_SUPERVISION: weakref.WeakKeyDictionary[Database, Supervision] = weakref.WeakKeyDictionary()


def serve(database: Database, supervision: Supervision) -> None:
    """Let the handlers of the app using `database` reach its use cases."""
    _SUPERVISION[database] = supervision


async def _licence_fact(uow: UnitOfWork, envelope: Envelope, kind: str) -> None:
    fact = LicenceFact(envelope.sequence, kind, envelope.data)
    await _SUPERVISION[uow.database].record_licence_fact(
        uow, envelope.subject, fact, datetime.now(UTC)
    )


@handlers.on(LicenceIssued)
async def licence_issued(uow: UnitOfWork, event: LicenceIssued, envelope: Envelope) -> None:
    """A new business: its household is opened and routed to its grid's owner."""
    await _licence_fact(uow, envelope, "issued")
    if event.finding_id is not None:
        await Findings.link_finding(uow.connection, event.finding_id, event.credit_code)


@handlers.on(LicenceChanged)
async def licence_changed(uow: UnitOfWork, event: LicenceChanged, envelope: Envelope) -> None:
    """A change: the household follows it (a new address may move it to another grid)."""
    await _licence_fact(uow, envelope, "changed")


@handlers.on(LicenceCancelled)
async def licence_cancelled(uow: UnitOfWork, event: LicenceCancelled, envelope: Envelope) -> None:
    """A cancellation: the household is closed, its file kept."""
    await _licence_fact(uow, envelope, "cancelled")


@handlers.on(PenaltyDecided)
async def penalty_decided(uow: UnitOfWork, event: PenaltyDecided, envelope: Envelope) -> None:
    """Enforcement notifies the decision (通报): it goes into the business's file."""
    if event.credit_code is None:
        return
    await _SUPERVISION[uow.database].note(
        uow, event.credit_code, "penalty", event.model_dump(mode="json", exclude={"credit_code"})
    )


@handlers.on(ReportTransferred)
async def report_transferred(uow: UnitOfWork, event: ReportTransferred, envelope: Envelope) -> None:
    """A report about the business reached enforcement: it goes into the business's file."""
    if event.credit_code is None:
        return
    detail = {"report_id": str(event.report_id), "allegation": event.allegation}
    await _SUPERVISION[uow.database].note(uow, event.credit_code, "complaint", detail)
