"""Random inspections (双随机、一公开): plans, draws committed then drawn, results published;
and the owners' inspection plan by risk class."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, NotFound, RuleViolated
from chassis.legalclock.deadlines import SHANGHAI
from chassis.uow import UnitOfWork
from contracts.supervision import DrawCommitted, Drawn, DrawResultsPublished
from services.supervision.context import SupervisionContext
from services.supervision.domain import Viewer, agent_of
from services.supervision.domain.draws import (
    SEED_BYTES,
    DrawRules,
    SnapshotEntry,
    check_pool,
    commitment,
    draw,
    entries_of,
    selection_json,
    snapshot_hash,
    snapshot_json,
)
from services.supervision.domain.risk import results_publication_due, risk_rules
from services.supervision.repositories.delegations import Delegations
from services.supervision.repositories.draws import Draws
from services.supervision.repositories.people import People
from services.supervision.usecases.delegations import viewer_of

Outcome = Literal["compliant", "problems_found", "not_at_address"]
log = logging.getLogger("shijian.supervision.draws")


async def enter_plan(
    connection: AsyncConnection, codes: Sequence[str], since: date, now: datetime
) -> None:
    """Put claimed households in their owner's plan (or move them on after a visit on
    `since`): their risk class from their history, their due date from the class's rule."""
    rules = risk_rules()
    repository = Draws(connection)
    for code, counts in (await repository.history_counts(codes)).items():
        risk_class = rules.classify(counts)
        due = rules.plan_due(risk_class, since)
        await repository.keep_plan_entry(
            {
                "credit_code": code,
                "risk_class": risk_class,
                "since": since,
                "due": due.due,
                "rule_code": due.rule_code,
                "basis": due.basis,
                "updated_at": now,
            }
        )


async def enrol_unplanned(ctx: SupervisionContext) -> None:
    """Put every claimed household without a plan entry (claimed before the plan existed) in
    its owner's plan: its class from its history, due by the class's rule from its claim day or
    its last inspection's, whichever is later. Run at start; a replica starting beside another
    leaves the entries the other made as they are."""
    async with ctx.unit_of_work() as uow:
        repository = Draws(uow.connection)
        unplanned = await repository.unplanned()
        counts = await repository.history_counts([h.credit_code for h in unplanned])
        rules, now = risk_rules(), ctx.clock.now()
        entries = []
        for household in unplanned:
            visits = [household.claimed_at, household.last_inspected_at]
            since = max(at.astimezone(SHANGHAI).date() for at in visits if at is not None)
            risk_class = rules.classify(counts[household.credit_code])
            due = rules.plan_due(risk_class, since)
            entries.append(
                {
                    "credit_code": household.credit_code,
                    "risk_class": risk_class,
                    "since": since,
                    "due": due.due,
                    "rule_code": due.rule_code,
                    "basis": due.basis,
                    "updated_at": now,
                }
            )
        await repository.add_plan_entries(entries)
        await uow.commit()
    if entries:
        log.info("%d claimed households entered the inspection plan", len(entries))


async def visited(
    connection: AsyncConnection, codes: Sequence[str], on: date, now: datetime
) -> None:
    """An inspection visited these households on `on`: those in a plan are next due from then."""
    planned = await Draws(connection).planned(codes)
    await enter_plan(connection, sorted(planned), on, now)


async def plan_entries(
    ctx: SupervisionContext, connection: AsyncConnection, principal: Principal, due_by: date | None
) -> list[Any]:
    """The caller's claimed households (and those of whom they act for), soonest due first."""
    viewer = await viewer_of(ctx, connection, principal)
    return await Draws(connection).plan_of(viewer.acts_for, due_by)


# -- plans and draws -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanView:
    """A plan with every draw it had and the results recorded."""

    plan: Any
    draws: list[Any]
    results: list[Any]


def _of_office(viewer: Viewer, office_id: str) -> None:
    """NotFound unless the viewer reads the whole district or is of the office."""
    if not (viewer.sees_everything or viewer.office == office_id):
        raise NotFound("random inspection plan")


def _heads(viewer: Viewer, office_id: str) -> None:
    """Forbidden unless the viewer is the head of the office."""
    if "office_head" not in viewer.roles or viewer.office != office_id:
        raise Forbidden("Only the head of the plan's office")


@dataclass(frozen=True)
class CreatePlan:
    """An office head's plan: its title, the inspector pool, how many inspectors each."""

    by: Principal
    title: str
    inspectors: Sequence[str]
    inspectors_per_household: int


async def create_plan(ctx: SupervisionContext, uow: UnitOfWork, command: CreatePlan) -> PlanView:
    """A new plan of the head's office, with the sampling ratios of the risk-class rule."""
    office = command.by.office
    if office is None or "office_head" not in command.by.roles:
        raise Forbidden("Only an office head plans random inspections")
    known = await People(uow.connection).named(command.inspectors)
    for username in command.inspectors:
        if username not in known or not known[username].stands_in_at(office):
            raise RuleViolated(
                "inspectors", f"{username} is not an active grid inspector of {office}", "pool"
            )
    rules = DrawRules(
        risk_rules().ratios, tuple(command.inspectors), command.inspectors_per_household
    )
    if len(set(rules.pool)) != len(rules.pool):
        raise RuleViolated("inspectors", "an inspector is named twice", "duplicate")
    plan_id = uuid.uuid4()
    values = {
        "id": plan_id,
        "office_id": office,
        "title": command.title,
        "rules": rules.as_json(),
        "rules_hash": rules.hash,
        "created_by": command.by.subject,
        "created_at": ctx.clock.now(),
    }
    await Draws(uow.connection).add_plan(values)
    await uow.commit()
    return await plan(ctx, uow.connection, command.by, plan_id)


async def plan(
    ctx: SupervisionContext, connection: AsyncConnection, principal: Principal, plan_id: uuid.UUID
) -> PlanView:
    """A plan and its draws, for its office's people, auditors and admins."""
    viewer = await viewer_of(ctx, connection, principal)
    found = await Draws(connection).plan(plan_id)
    if found is None:
        raise NotFound("random inspection plan")
    _of_office(viewer, found.office_id)
    repository = Draws(connection)
    return PlanView(found, await repository.draws_of(plan_id), await repository.results_of(plan_id))


async def plans(
    ctx: SupervisionContext, connection: AsyncConnection, principal: Principal
) -> list[Any]:
    """The plans of the caller's office (of every office for auditors and admins), newest
    first."""
    viewer = await viewer_of(ctx, connection, principal)
    if viewer.sees_everything:
        return await Draws(connection).plans(None)
    if viewer.office is None:
        return []
    return await Draws(connection).plans(viewer.office)


async def _snapshot(
    ctx: SupervisionContext, connection: AsyncConnection, office: str
) -> list[SnapshotEntry]:
    """The office's open households now, each with its owner's agent today and its risk class."""
    repository = Draws(connection)
    register = await repository.open_households(office)
    counts = await repository.history_counts([h.credit_code for h in register])
    today = ctx.clock.today()
    running = await Delegations(connection).running(today)
    rules = risk_rules()
    return [
        SnapshotEntry(
            h.credit_code,
            h.grid_id,
            h.owner,
            agent_of(h.owner, running, today),
            rules.classify(counts[h.credit_code]),
        )
        for h in register
    ]


@dataclass(frozen=True)
class CommitDraw:
    """The head `by` commits the plan's next draw; `reason` when it is not the first."""

    by: Principal
    plan_id: uuid.UUID
    reason: str | None


async def commit_draw(ctx: SupervisionContext, uow: UnitOfWork, command: CommitDraw) -> Any:
    """Take the register's snapshot and a secret seed, and publish the commitment to them (the
    seed is revealed only by `reveal`, in a later transaction)."""
    connection = uow.connection
    viewer = await viewer_of(ctx, connection, command.by)
    repository = Draws(connection)
    found = await repository.lock_plan(command.plan_id)
    if found is None:
        raise NotFound("random inspection plan")
    _of_office(viewer, found.office_id)
    _heads(viewer, found.office_id)
    earlier = await repository.draws_of(command.plan_id)
    if any(d.status == "committed" for d in earlier):
        raise Conflict("An earlier draw of this plan is committed and not drawn yet")
    if earlier and command.reason is None:
        raise RuleViolated("reason", "a plan drawn again says why", "required")
    entries = await _snapshot(ctx, connection, found.office_id)
    rules = DrawRules.from_json(found.rules)
    check_pool(entries, rules)
    seed = secrets.token_bytes(SEED_BYTES)
    snapshot = snapshot_hash(entries)
    now, number = ctx.clock.now(), len(earlier) + 1
    values = {
        "plan_id": command.plan_id,
        "number": number,
        "status": "committed",
        "reason": command.reason,
        "seed": seed.hex(),
        "snapshot": snapshot_json(entries),
        "snapshot_hash": snapshot,
        "commitment": commitment(seed, snapshot, found.rules_hash),
        "committed_by": command.by.subject,
        "committed_at": now,
    }
    await repository.add_draw(values)
    uow.emit(
        DrawCommitted.model_validate(
            values
            | {
                "office_code": found.office_id,
                "title": found.title,
                "rules_hash": found.rules_hash,
                "households": len(entries),
            }
        )
    )
    await uow.commit()
    return next(d for d in await repository.draws_of(command.plan_id) if d.number == number)


@dataclass(frozen=True)
class Reveal:
    """The head `by` draws the committed draw `number` of the plan."""

    by: Principal
    plan_id: uuid.UUID
    number: int


async def reveal(ctx: SupervisionContext, uow: UnitOfWork, command: Reveal) -> Any:
    """Reveal the seed and draw: the households and their inspectors, published with every
    input so that anyone can recompute them."""
    connection = uow.connection
    viewer = await viewer_of(ctx, connection, command.by)
    repository = Draws(connection)
    found = await repository.lock_plan(command.plan_id)
    if found is None:
        raise NotFound("random inspection plan")
    _of_office(viewer, found.office_id)
    _heads(viewer, found.office_id)
    committed = next(
        (d for d in await repository.draws_of(command.plan_id) if d.number == command.number), None
    )
    if committed is None:
        raise NotFound("draw")
    if committed.status != "committed":
        raise Conflict("This draw was drawn already")
    seed = bytes.fromhex(committed.seed)
    rules = DrawRules.from_json(found.rules)
    selection = selection_json(draw(seed, entries_of(committed.snapshot), rules))
    now = ctx.clock.now()
    await repository.mark_drawn(command.plan_id, command.number, selection, command.by.subject, now)
    uow.emit(
        Drawn.model_validate(
            {
                "plan_id": command.plan_id,
                "number": command.number,
                "office_code": found.office_id,
                "commitment": committed.commitment,
                "seed": committed.seed,
                "snapshot": committed.snapshot,
                "snapshot_hash": committed.snapshot_hash,
                "rules": found.rules,
                "rules_hash": found.rules_hash,
                "selection": selection,
                "drawn_by": command.by.subject,
                "drawn_at": now,
            }
        )
    )
    await uow.commit()
    return next(d for d in await repository.draws_of(command.plan_id) if d.number == command.number)


# -- results and their publication -----------------------------------------------------------


@dataclass(frozen=True)
class RecordResult:
    """What the inspection of a drawn household found, as one of its inspectors (or the head)
    says."""

    by: Principal
    plan_id: uuid.UUID
    credit_code: str
    outcome: Outcome
    note: str | None


async def record_result(ctx: SupervisionContext, uow: UnitOfWork, command: RecordResult) -> Any:
    """Keep a drawn household's result, due on the publicity feed within 20 working days."""
    connection = uow.connection
    viewer = await viewer_of(ctx, connection, command.by)
    view = await plan(ctx, connection, command.by, command.plan_id)
    drawn = [d for d in view.draws if d.status == "drawn"]
    if not drawn:
        raise Conflict("The plan is not drawn yet")
    current = drawn[-1]  # the latest draw is the one inspected
    selected = next((s for s in current.selection if s["credit_code"] == command.credit_code), None)
    if selected is None:
        raise RuleViolated("credit_code", "not drawn in this plan's latest draw", "not_drawn")
    is_head = "office_head" in viewer.roles and viewer.office == view.plan.office_id
    if not (is_head or viewer.acts_for & set(selected["inspectors"])):
        raise Forbidden("Only the inspectors drawn for it, or the office head")
    now = ctx.clock.now()
    values = {
        "plan_id": command.plan_id,
        "number": current.number,
        "credit_code": command.credit_code,
        "inspectors": selected["inspectors"],
        "outcome": command.outcome,
        "note": command.note,
        "recorded_by": command.by.subject,
        "recorded_at": now,
        "publish_by": results_publication_due(ctx.clock.today()).due,
        "published_at": None,
    }
    if not await Draws(connection).add_result(values):
        raise Conflict("This household's result is recorded already")
    await uow.commit()
    return next(
        r
        for r in await Draws(connection).results_of(command.plan_id)
        if r.number == current.number and r.credit_code == command.credit_code
    )


async def publish_results(
    ctx: SupervisionContext, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID
) -> list[Any]:
    """Put the plan's unpublished results on the publicity feed; those published now."""
    connection = uow.connection
    viewer = await viewer_of(ctx, connection, principal)
    view = await plan(ctx, connection, principal, plan_id)
    _heads(viewer, view.plan.office_id)
    repository = Draws(connection)
    waiting = await repository.results_of(plan_id, unpublished=True)
    if not waiting:
        raise Conflict("No result of this plan waits to be published")
    now = ctx.clock.now()
    await repository.mark_published(plan_id, [r.credit_code for r in waiting], now)
    for number in sorted({r.number for r in waiting}):
        results = [r for r in waiting if r.number == number]
        uow.emit(
            DrawResultsPublished.model_validate(
                {
                    "plan_id": plan_id,
                    "number": number,
                    "office_code": view.plan.office_id,
                    "results": [r._asdict() for r in results],
                    "published_by": principal.subject,
                    "published_at": now,
                }
            )
        )
    await uow.commit()
    codes = {(r.number, r.credit_code) for r in waiting}
    return [r for r in await repository.results_of(plan_id) if (r.number, r.credit_code) in codes]


async def publicity(connection: AsyncConnection, office_id: str | None, limit: int) -> list[Any]:
    """The publicity feed of random inspection results, newest first."""
    return await Draws(connection).published(office_id, limit)
