"""The ticket aggregate: one kind of a submission, its status, its one owner and its history.

Complaints: received → accepted | rejected → in_mediation → settled | terminated → replied →
closed → followed_up (a dissatisfied party may ask to reopen; a handler decides). Reports:
received → accepted (transferred to enforcement) | rejected → replied → closed → followed_up.
Consultations and suggestions: received → replied → closed. A duplicate is merged into
another ticket, keeping its own history. Every step appends to the history; an illegal step
raises Conflict, a bad value RuleViolated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from chassis.errors import Conflict, RuleViolated
from services.complaints.domain.clocks import (
    LegalDeadline,
    Step,
    deadline_for,
    missed,
    shanghai_day,
)
from services.complaints.domain.routing import INTAKE, Routing, Rule, Unit
from services.complaints.domain.submissions import Business, Kind, TicketDraft

Status = Literal[
    "received",
    "accepted",
    "rejected",
    "in_mediation",
    "settled",
    "terminated",
    "replied",
    "closed",
    "followed_up",
    "merged",
]
DISSATISFIED_BELOW = 3  # satisfaction 1 or 2 may ask to reopen
_ANSWERED_ONLY: frozenset[str] = frozenset({"consultation", "suggestion"})
# What a ticket of each kind is replied to from (consultations and suggestions: received).
_REPLY_FROM: dict[str, tuple[Status, ...]] = {
    "complaint": ("settled", "terminated"),
    "report": ("accepted",),
}


@dataclass(frozen=True)
class Entry:
    """One step of a ticket's history: what, by whom, when, and its particulars."""

    action: str
    by: str
    at: datetime
    status: Status
    details: tuple[tuple[str, str], ...] = ()


def desk_of(unit: Unit) -> str:
    """The owner of a ticket no handler has taken yet: its unit's desk."""
    return f"{unit.level}:{unit.id}"


def _text(field_name: str, value: str, limit: int = 4000) -> str:
    if not value or not value.strip() or len(value) > limit:
        raise RuleViolated(field_name, f"{field_name} has 1..{limit} characters")
    return value


@dataclass
class Ticket:
    """A ticket with exactly one owner at any time, inside one unit."""

    id: str
    kind: Kind
    status: Status
    unit: Unit
    owner: str
    received_at: datetime
    linked: tuple[str, ...] = ()
    business: Business = field(default_factory=Business)
    routing_rule: Rule = "fallback"
    merged_into: str | None = None
    deadlines: list[LegalDeadline] = field(default_factory=list)
    history: list[Entry] = field(default_factory=list)
    satisfaction: int | None = None
    reopen_requested: bool = False
    # Rules whose miss was raised (complaints.deadline.missed goes out once per rule).
    missed_raised: tuple[str, ...] = ()

    @classmethod
    def open(cls, draft: TicketDraft, routing: Routing, by: str) -> Ticket:
        """A received ticket from a draft, owned by the desk of its routed unit; a complaint's
        accept clock runs from the receipt."""
        submission, unit = draft.submission, routing.unit
        ticket = cls(
            draft.id,
            draft.kind,
            "received",
            unit,
            desk_of(unit),
            submission.received_at,
            draft.linked,
            submission.business,
            routing.rule,
        )
        ticket._clock("received", submission.received_at)
        ticket._record(
            "received",
            by,
            submission.received_at,
            unit=desk_of(unit),
            rule=routing.rule,
        )
        return ticket

    # -- bookkeeping ------------------------------------------------------------------------

    def _record(self, action: str, by: str, at: datetime, **details: str) -> Entry:
        entry = Entry(action, by, at, self.status, tuple(sorted(details.items())))
        self.history.append(entry)
        return entry

    def _clock(self, step: Step, at: datetime) -> None:
        found = deadline_for(self.kind, step, shanghai_day(at))
        if found is not None:
            self.deadlines.append(found)

    def _meet(self, rule: str, at: datetime) -> None:
        day = shanghai_day(at)
        self.deadlines = [d.met(day) if d.rule == rule else d for d in self.deadlines]

    @property
    def open_deadlines(self) -> list[LegalDeadline]:
        """Deadlines still running (none once merged: the other ticket carries the matter)."""
        if self.status == "merged":
            return []
        return [item for item in self.deadlines if item.met_on is None]

    @property
    def next_due(self) -> date | None:
        """The soonest due day of a running deadline whose miss is not raised yet."""
        waiting = [d.due for d in self.open_deadlines if d.rule not in self.missed_raised]
        return min(waiting, default=None)

    def newly_missed(self, today: date) -> list[LegalDeadline]:
        """Deadlines missed by `today` (open past due, or kept late) and not raised before;
        they count as raised from now on."""
        candidates = self.open_deadlines + [d for d in self.deadlines if d.met_on is not None]
        fresh = [d for d in missed(candidates, today) if d.rule not in self.missed_raised]
        self.missed_raised += tuple(d.rule for d in fresh)
        return fresh

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            raise Conflict(f"cannot {action} a {self.kind} ticket that is {self.status}")

    def _handling(self, action: str) -> None:
        if self.kind in _ANSWERED_ONLY:
            raise Conflict(f"a {self.kind} is answered and closed; it cannot {action}")

    # -- ownership --------------------------------------------------------------------------

    def handover(self, to: str, reason: str, by: str, at: datetime) -> Entry:
        """Hand the ticket to another handler: who, to whom, why and when; one owner after."""
        self._require("hand over", "received", "accepted", "in_mediation", "settled",
                      "terminated", "rejected", "replied")  # fmt: skip
        _text("to", to, 100)
        _text("reason", reason)
        if to == self.owner:
            raise Conflict("the ticket already belongs to that handler")
        previous, self.owner = self.owner, to
        return self._record("handed_over", by, at, **{"from": previous, "to": to, "reason": reason})

    def return_to_intake(self, reason: str, by: str, at: datetime) -> Entry:
        """A unit without authority sends the ticket back to the bureau's intake desk."""
        self._require("return", "received")
        _text("reason", reason)
        if self.unit == INTAKE:
            raise Conflict("the ticket is already at the bureau's intake desk")
        previous, self.unit, self.owner = self.unit, INTAKE, desk_of(INTAKE)
        return self._record("returned", by, at, unit=desk_of(previous), reason=reason)

    def reassign(self, unit: Unit, reason: str, by: str, at: datetime) -> Entry:
        """The intake desk sends a returned or unrouted ticket to a unit (only intake may:
        a unit cannot pass a ticket sideways)."""
        self._require("reassign", "received")
        _text("reason", reason)
        if self.unit != INTAKE:
            raise Conflict("only a ticket at the bureau's intake desk is reassigned")
        if unit == INTAKE:
            raise Conflict("the ticket is already at the bureau's intake desk")
        self.unit, self.owner = unit, desk_of(unit)
        return self._record("reassigned", by, at, unit=desk_of(unit), reason=reason)

    def merge_into(self, other: Ticket, by: str, at: datetime) -> Entry:
        """A duplicate joins `other`: each keeps its history; this one stops being handled."""
        if other.id == self.id:
            raise Conflict("a ticket is not merged into itself")
        if other.kind != self.kind:
            raise Conflict(f"a {self.kind} is merged only into another {self.kind}")
        for ticket in (self, other):
            if ticket.status in ("merged", "closed", "followed_up"):
                raise Conflict(f"ticket {ticket.id} is {ticket.status}: nothing to merge")
        self.status, self.merged_into = "merged", other.id
        other._record("merged_in", by, at, ticket=self.id)
        return self._record("merged", by, at, into=other.id)

    # -- complaints and reports -------------------------------------------------------------

    def accept(self, by: str, at: datetime) -> Entry:
        self._handling("be accepted")
        self._require("accept", "received")
        self.status = "accepted"
        self._meet("complaints.accept", at)
        self._clock("accepted", at)
        return self._record("accepted", by, at)

    def reject(self, reasons: str, competent_body: str, by: str, at: datetime) -> Entry:
        """Refuse the ticket, naming why and the body competent to handle it."""
        self._handling("be rejected")
        self._require("reject", "received")
        _text("reasons", reasons)
        _text("competent_body", competent_body, 200)
        self.status = "rejected"
        self._meet("complaints.accept", at)
        return self._record("rejected", by, at, reasons=reasons, competent_body=competent_body)

    def start_mediation(self, by: str, at: datetime) -> Entry:
        if self.kind != "complaint":
            raise Conflict(f"only a complaint is mediated, not a {self.kind}")
        self._require("mediate", "accepted")
        self.status = "in_mediation"
        return self._record("mediation_started", by, at)

    def end_mediation(
        self, outcome: Literal["settled", "terminated"], summary: str, by: str, at: datetime
    ) -> Entry:
        """Record the mediation's outcome; both parties must then be told within 7 days."""
        self._require("end mediation of", "in_mediation")
        if outcome not in ("settled", "terminated"):
            raise RuleViolated("outcome", "outcome is settled or terminated")
        _text("summary", summary)
        self.status = outcome
        self._meet("complaints.mediation", at)
        self._clock("mediation_ended", at)
        return self._record("mediation_ended", by, at, outcome=outcome, summary=summary)

    def filing_decided(self, filed: bool, real_name: bool, by: str, at: datetime) -> Entry:
        """Enforcement decided whether to file the report; a real-name reporter is told."""
        if self.kind != "report":
            raise Conflict(f"only a report is transferred for filing, not a {self.kind}")
        self._require("record the filing decision of", "accepted")
        if real_name:
            self._clock("filing_decided", at)
        return self._record("filing_decided", by, at, filed="yes" if filed else "no")

    # -- every kind -------------------------------------------------------------------------

    def reply(self, text: str, by: str, at: datetime) -> Entry:
        """The closing reply to the submitter."""
        allowed = _REPLY_FROM.get(self.kind, ("received",))
        self._require("reply to", *allowed)
        if self.kind == "report" and not any(e.action == "filing_decided" for e in self.history):
            # The reply tells the reporter whether a case was filed (art. 31).
            raise Conflict("a report is replied to once enforcement decided whether to file it")
        _text("text", text)
        self.status = "replied"
        self._meet("complaints.mediation_notice", at)
        self._meet("complaints.tell_reporter", at)
        return self._record("replied", by, at, text=text)

    def close(self, by: str, at: datetime) -> Entry:
        self._require("close", "replied", "rejected")
        self.status = "closed"
        return self._record("closed", by, at)

    def follow_up(self, satisfaction: int, remarks: str, by: str, at: datetime) -> Entry:
        """The satisfaction follow-up (回访) after closing, 1 (worst) to 5."""
        self._handling("be followed up")
        self._require("follow up", "closed")
        if isinstance(satisfaction, bool) or not 1 <= satisfaction <= 5:
            raise RuleViolated("satisfaction", "satisfaction is 1..5")
        self.status, self.satisfaction = "followed_up", satisfaction
        return self._record("followed_up", by, at, satisfaction=str(satisfaction), remarks=remarks)

    def ask_reopen(self, reason: str, by: str, at: datetime) -> Entry:
        """A dissatisfied party asks to reopen; a handler decides."""
        self._require("ask to reopen", "followed_up")
        _text("reason", reason)
        if self.satisfaction is None or self.satisfaction >= DISSATISFIED_BELOW:
            raise Conflict("only a dissatisfied party may ask to reopen")
        if self.reopen_requested:
            raise Conflict("a reopening is already asked for")
        self.reopen_requested = True
        return self._record("reopen_asked", by, at, reason=reason)

    def decide_reopen(self, reopen: bool, reason: str, by: str, at: datetime) -> Entry:
        """The handler's decision on the record; a reopened ticket is accepted again."""
        if not self.reopen_requested:
            raise Conflict("nobody asked to reopen this ticket")
        _text("reason", reason)
        self.reopen_requested = False
        if reopen:
            self.status, self.satisfaction = "accepted", None
        return self._record("reopened" if reopen else "reopen_refused", by, at, reason=reason)
