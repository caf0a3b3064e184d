"""The steps the law puts before a general-procedure penalty decision: the notice of the
intended penalty (事先告知, Administrative Penalty Law art. 44), the party's statement and
defence and the bureau's answer to each (陈述申辩, art. 45) or the party's waiver of them, and
the hearing for the penalties art. 63 lists, asked for within 5 working days (art. 64)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from chassis.errors import Conflict, RuleViolated
from chassis.legalclock import Deadline
from services.enforcement.domain.case_values import Penalty
from services.enforcement.domain.rules import (
    PartyKind,
    hearing_request_deadline,
    statement_deadline,
)

STATEMENT_RULE = "enforcement.statement"
HEARING_REQUEST_RULE = "enforcement.hearing_request"

# Kinds art. 63 gives a hearing whatever their amount: suspension or revocation of a licence,
# suspension of business.
HEARING_KINDS = frozenset({"licence_suspension", "licence_revocation", "suspension_of_business"})
# Kinds lighter than any other: a decision may always come down to them (art. 45 forbids only
# a heavier one).
LIGHTEST_KINDS = frozenset({"warning", "order_to_correct"})


@dataclass(frozen=True)
class HearingThresholds:
    """Where a fine or a confiscation becomes "large" (较大数额, art. 63), as the bureau sets
    it for a citizen and for an organisation."""

    citizen: Decimal = Decimal(10_000)
    organisation: Decimal = Decimal(100_000)

    def of(self, party: PartyKind) -> Decimal:
        """The threshold for this kind of party."""
        return self.citizen if party == "citizen" else self.organisation


def hearing_offered(party: PartyKind, penalty: Penalty, thresholds: HearingThresholds) -> bool:
    """Whether the party may ask for a hearing on this intended penalty (art. 63): a fine or a
    confiscation of large amount or value, a licence suspended or revoked, business suspended."""
    if penalty.kind in HEARING_KINDS:
        return True
    large = penalty.amount is not None and penalty.amount >= thresholds.of(party)
    return penalty.kind in ("fine", "confiscation") and large


def heavier_than(decided: Penalty, intended: Penalty) -> bool:
    """Whether the decision imposes more than the notice announced: another kind (other than a
    warning or an order to correct), or a larger amount of the same kind."""
    if decided.kind in LIGHTEST_KINDS and intended.kind not in LIGHTEST_KINDS:
        return False
    if decided.kind != intended.kind:
        return not (decided.kind == "order_to_correct" and intended.kind == "warning")
    return (decided.amount or Decimal(0)) > (intended.amount or Decimal(0))


@dataclass(frozen=True)
class StatementAnswer:
    """The bureau's answer to a statement: its points accepted or rejected, and why."""

    accepted: bool
    reasons: str
    answered_by: str
    answered_at: datetime


@dataclass(frozen=True)
class Statement:
    """The party's statement and defence (陈述申辩) as received, and the answer once given."""

    number: int
    received_on: date
    content: str
    recorded_by: str
    answer: StatementAnswer | None = None


@dataclass(frozen=True)
class Hearing:
    """A hearing the party asked for, and once held its days and conclusion."""

    requested_on: date
    start: date | None = None
    end: date | None = None
    conclusion: str | None = None

    @property
    def held(self) -> bool:
        """Whether it took place and concluded."""
        return self.conclusion is not None


@dataclass(frozen=True)
class PenaltyNotice:
    """The notice of the intended penalty (行政处罚事先告知书): the facts, the grounds, the
    penalty intended and the party's rights, served on the party on `served_on`; the party's
    statements, waiver and hearing follow it."""

    facts: str
    legal_basis: str
    penalty: Penalty
    party_kind: PartyKind
    hearing_offered: bool
    served_on: date
    served_how: str
    statement_deadline: Deadline
    hearing_request_deadline: Deadline | None
    recorded_by: str
    recorded_at: datetime
    statements: tuple[Statement, ...] = ()
    waived_on: date | None = None
    hearing: Hearing | None = None

    @classmethod
    def served(
        cls,
        *,
        facts: str,
        legal_basis: str,
        penalty: Penalty,
        party_kind: PartyKind,
        served_on: date,
        served_how: str,
        thresholds: HearingThresholds,
        by: str,
        now: datetime,
    ) -> PenaltyNotice:
        """The notice as served on `served_on`, with the party's periods running from it: the
        statement's, and the hearing request's when art. 63 lists the penalty."""
        offered = hearing_offered(party_kind, penalty, thresholds)
        return cls(
            facts=facts,
            legal_basis=legal_basis,
            penalty=penalty,
            party_kind=party_kind,
            hearing_offered=offered,
            served_on=served_on,
            served_how=served_how,
            statement_deadline=statement_deadline(served_on),
            hearing_request_deadline=hearing_request_deadline(served_on) if offered else None,
            recorded_by=by,
            recorded_at=now,
        )

    def with_statement(self, statement: Statement, today: date) -> PenaltyNotice:
        """The party's statement received, to be answered before the decision."""
        _not_before("received_on", statement.received_on, self.served_on, "the notice's service")
        _not_future("received_on", statement.received_on, today)
        return replace(self, statements=(*self.statements, statement))

    def answered(self, number: int, answer: StatementAnswer) -> PenaltyNotice:
        """Statement `number` answered, once."""
        found = [s for s in self.statements if s.number == number]
        if not found:
            raise RuleViolated(
                "number", f"the notice has no statement number {number}", where="path"
            )
        if found[0].answer is not None:
            raise Conflict(f"Statement {number} was answered already")
        statements = tuple(
            replace(s, answer=answer) if s.number == number else s for s in self.statements
        )
        return replace(self, statements=statements)

    def waived(self, received_on: date, today: date) -> PenaltyNotice:
        """The party declared in writing it gives up its statement, defence and hearing."""
        if self.waived_on is not None:
            raise Conflict(f"The party waived its statement on {self.waived_on}")
        _not_before("received_on", received_on, self.served_on, "the notice's service")
        _not_future("received_on", received_on, today)
        return replace(self, waived_on=received_on)

    def hearing_requested(self, requested_on: date, today: date) -> PenaltyNotice:
        """A hearing asked for within 5 working days of the notice, on a penalty art. 63
        lists; refused naming `requested_on` otherwise."""
        deadline = self.hearing_request_deadline
        if not self.hearing_offered or deadline is None:
            raise RuleViolated(
                "requested_on",
                f"a {self.penalty.kind} of {self.penalty.amount or 'no amount'} is not a penalty"
                " art. 63 of the Administrative Penalty Law gives a hearing for",
                code="no_hearing",
            )
        if self.hearing is not None:
            raise Conflict(f"A hearing was asked for on {self.hearing.requested_on}")
        _not_before("requested_on", requested_on, self.served_on, "the notice's service")
        _not_future("requested_on", requested_on, today)
        if requested_on > deadline.due:
            raise RuleViolated(
                "requested_on",
                f"a hearing is asked for by {deadline.due}, 5 working days from the notice's"
                f" service ({HEARING_REQUEST_RULE}: {deadline.basis})",
                code="hearing_request_late",
            )
        return replace(self, hearing=Hearing(requested_on))

    def hearing_held(self, start: date, end: date, conclusion: str, today: date) -> PenaltyNotice:
        """The hearing held from `start` to `end` and concluded."""
        hearing = self.hearing
        if hearing is None:
            raise Conflict("No hearing was asked for")
        if hearing.held:
            raise Conflict(f"The hearing was held already ({hearing.start} to {hearing.end})")
        _not_before("start", start, hearing.requested_on, "the request")
        _not_future("end", end, today)
        return replace(self, hearing=replace(hearing, start=start, end=end, conclusion=conclusion))

    def decision_refused(self, penalty: Penalty, today: date) -> None:
        """Why no decision may be made today with `penalty`, raised: 422 for a penalty heavier
        than the notice's, 409 while a hearing or the statement period is pending."""
        if heavier_than(penalty, self.penalty):
            raise RuleViolated(
                "penalty",
                f"the notice announced a {self.penalty.kind}"
                f"{f' of {self.penalty.amount}' if self.penalty.amount else ''}; a heavier"
                " penalty needs a new notice of the intended penalty (Administrative Penalty"
                " Law art. 45)",
                code="heavier_than_notice",
            )
        if self.hearing is not None and not self.hearing.held:
            raise Conflict(
                f"The hearing asked for on {self.hearing.requested_on} is not concluded: no"
                f" decision before it ({HEARING_REQUEST_RULE}, Administrative Penalty Law art. 64)",
                rule_code=HEARING_REQUEST_RULE,
            )
        unanswered = [s.number for s in self.statements if s.answer is None]
        if unanswered:
            raise Conflict(
                f"The party's statements {unanswered} are not answered: each is heard and"
                f" answered before the decision ({STATEMENT_RULE}, Administrative Penalty Law"
                " art. 45)",
                rule_code=STATEMENT_RULE,
            )
        due = self.statement_deadline.due
        if today <= due and not self._heard_early():
            raise Conflict(
                f"The party may state its case and defend itself until {due}: no decision"
                f" before the period has run ({STATEMENT_RULE}, Administrative Penalty Law"
                " art. 44/45) unless the party waived it in writing or was heard and answered",
                rule_code=STATEMENT_RULE,
                due=due.isoformat(),
            )

    def _heard_early(self) -> bool:
        """Whether the party's period may be cut short: it waived its statement, defence and
        any hearing; or it stated and was answered and no hearing was on offer (one it may
        still ask for until its own day)."""
        if self.waived_on is not None:
            return True
        return bool(self.statements) and not self.hearing_offered


def _not_before(field: str, day: date, earliest: date, what: str) -> None:
    if day < earliest:
        raise RuleViolated(field, f"{day} is before {what} ({earliest})")


def _not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise RuleViolated(field, f"{day} is in the future (today is {today})")
