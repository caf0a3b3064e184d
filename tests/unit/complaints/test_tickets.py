"""The ticket aggregate: every transition, illegal ones, one owner across handovers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.errors import Conflict, RuleViolated
from services.complaints.domain.routing import INTAKE, Routing, Unit
from services.complaints.domain.submissions import Submission, Submitter
from services.complaints.domain.tickets import Ticket

AT = datetime(2026, 9, 28, 17, 0, tzinfo=UTC)  # Tue 29 Sep 01:00 in Shanghai
OFFICE = Unit("office", "office-1")


def ticket(kind: str = "complaint", anonymous: bool = False) -> Ticket:
    who = Submitter(anonymous=True) if anonymous else Submitter(name="王芳", phone="13800138000")
    submission = Submission("phone", (kind,), who, "Sold expired milk", AT)
    (draft,) = submission.split(lambda: "t1")
    return Ticket.open(draft, Routing(OFFICE, "office_area"), by="intake-1")


def later(days: int) -> datetime:
    return AT + timedelta(days=days)


def test_a_complaint_through_every_step() -> None:
    t = ticket()
    assert (t.status, t.owner, t.unit) == ("received", "office:office-1", OFFICE)
    assert dict(t.history[0].details) == {"unit": "office:office-1", "rule": "office_area"}
    assert [(d.rule, d.due) for d in t.deadlines] == [("complaints.accept", date(2026, 10, 14))]
    t.accept("handler-a", later(1))
    assert t.deadlines[0].met_on == date(2026, 9, 30)
    assert t.deadlines[1].rule == "complaints.mediation"
    t.start_mediation("handler-a", later(2))
    t.end_mediation("settled", "refund agreed", "handler-a", later(3))
    assert (
        t.deadlines[1].met_on is not None and t.deadlines[2].rule == "complaints.mediation_notice"
    )
    t.reply("Refunded on 2 Oct", "handler-a", later(4))
    assert t.deadlines[2].met_on is not None
    t.close("handler-a", later(5))
    t.follow_up(5, "happy", "handler-a", later(6))
    assert (t.status, t.satisfaction) == ("followed_up", 5)
    assert [e.action for e in t.history] == [
        "received", "accepted", "mediation_started", "mediation_ended",
        "replied", "closed", "followed_up",
    ]  # fmt: skip
    assert [e.status for e in t.history][-1] == "followed_up"


def test_terminated_mediation_is_replied_too() -> None:
    t = ticket()
    t.accept("a", AT)
    t.start_mediation("a", AT)
    t.end_mediation("terminated", "no agreement", "a", AT)
    assert t.status == "terminated"
    entry = t.reply("Mediation ended without agreement", "a", AT)
    assert entry.status == "replied"


def test_rejection_names_reasons_and_competent_body_then_closes() -> None:
    t = ticket()
    with pytest.raises(RuleViolated) as refused:
        t.reject("outside our remit", "", "a", AT)
    assert refused.value.field == "competent_body"
    with pytest.raises(RuleViolated) as refused:
        t.reject("", "District Housing Bureau", "a", AT)
    assert refused.value.field == "reasons"
    entry = t.reject("outside our remit", "District Housing Bureau", "a", later(1))
    assert dict(entry.details)["competent_body"] == "District Housing Bureau"
    assert t.deadlines[0].met_on is not None
    t.close("a", later(2))
    assert t.status == "closed"


def test_a_report_with_a_filing_decision_tells_the_real_name_reporter() -> None:
    t = ticket("report")
    assert t.deadlines == []
    t.accept("a", AT)
    t.filing_decided(True, True, "enforcement", datetime(2026, 9, 28, 4, tzinfo=UTC))
    assert [(d.rule, d.due) for d in t.deadlines] == [
        ("complaints.tell_reporter", date(2026, 10, 10))
    ]
    t.reply("A case was filed", "a", AT)
    assert t.deadlines[0].met_on is not None
    t.close("a", AT)
    t.follow_up(4, "", "a", AT)


def test_an_anonymous_report_has_no_reporter_clock() -> None:
    t = ticket("report", anonymous=True)
    t.accept("a", AT)
    t.filing_decided(False, False, "enforcement", AT)
    assert t.deadlines == []


@pytest.mark.parametrize("kind", ["consultation", "suggestion"])
def test_consultations_and_suggestions_are_answered_and_closed(kind: str) -> None:
    t = ticket(kind)
    assert t.deadlines == []
    steps: list[Callable[[], object]] = [
        lambda: t.accept("a", AT),
        lambda: t.reject("r", "b", "a", AT),
        lambda: t.start_mediation("a", AT),
    ]
    for step in steps:
        with pytest.raises(Conflict):
            step()
    t.reply("Here is the answer", "a", AT)
    t.close("a", AT)
    assert t.status == "closed"
    with pytest.raises(Conflict):
        t.follow_up(3, "", "a", AT)


def test_illegal_steps_raise_conflict() -> None:
    t = ticket()
    illegal: list[Callable[[], object]] = [
        lambda: t.start_mediation("a", AT),
        lambda: t.end_mediation("settled", "s", "a", AT),
        lambda: t.reply("text", "a", AT),
        lambda: t.close("a", AT),
        lambda: t.follow_up(3, "", "a", AT),
        lambda: t.ask_reopen("why", "a", AT),
        lambda: t.decide_reopen(True, "why", "a", AT),
        lambda: t.filing_decided(True, True, "a", AT),
    ]
    for step in illegal:
        with pytest.raises(Conflict):
            step()
    t.accept("a", AT)
    with pytest.raises(Conflict):
        t.accept("a", AT)
    with pytest.raises(Conflict):
        t.reject("r", "b", "a", AT)
    with pytest.raises(Conflict):
        t.return_to_intake("not ours", "a", AT)
    report = ticket("report")
    report.accept("a", AT)
    with pytest.raises(Conflict):
        report.start_mediation("a", AT)
    assert len(t.history) == 2


def test_bad_values_on_steps() -> None:
    t = ticket()
    t.accept("a", AT)
    t.start_mediation("a", AT)
    with pytest.raises(RuleViolated) as refused:
        t.end_mediation("abandoned", "s", "a", AT)  # type: ignore[arg-type]
    assert refused.value.field == "outcome"
    t.end_mediation("settled", "s", "a", AT)
    t.reply("r", "a", AT)
    t.close("a", AT)
    for score in (0, 6):
        with pytest.raises(RuleViolated) as refused:
            t.follow_up(score, "", "a", AT)
        assert refused.value.field == "satisfaction"


def test_dissatisfied_party_asks_to_reopen_and_a_handler_decides() -> None:
    t = ticket("report")
    t.accept("a", AT)
    t.filing_decided(False, True, "enforcement", AT)
    t.reply("r", "a", AT)
    t.close("a", AT)
    t.follow_up(1, "nothing happened", "a", AT)
    t.ask_reopen("nothing happened", "submitter", AT)
    with pytest.raises(Conflict):
        t.ask_reopen("again", "submitter", AT)
    t.decide_reopen(False, "the case was handled", "lead", AT)
    assert t.status == "followed_up"
    t.ask_reopen("still nothing", "submitter", AT)
    t.decide_reopen(True, "new facts", "lead", AT)
    assert (t.status, t.satisfaction) == ("accepted", None)
    assert [e.action for e in t.history][-4:] == [
        "reopen_asked", "reopen_refused", "reopen_asked", "reopened",
    ]  # fmt: skip


def test_a_satisfied_party_cannot_ask_to_reopen() -> None:
    t = ticket("report")
    t.accept("a", AT)
    t.filing_decided(False, True, "enforcement", AT)
    t.reply("r", "a", AT)
    t.close("a", AT)
    t.follow_up(3, "", "a", AT)
    with pytest.raises(Conflict):
        t.ask_reopen("why not", "submitter", AT)


def test_one_owner_across_handovers() -> None:
    t = ticket()
    t.handover("handler-b", "on leave", "handler-a", later(1))
    t.accept("handler-b", later(2))
    entry = t.handover("handler-c", "specialist", "lead", later(3))
    assert t.owner == "handler-c"
    assert dict(entry.details) == {"from": "handler-b", "to": "handler-c", "reason": "specialist"}
    assert (entry.by, entry.at) == ("lead", later(3))
    handed = [dict(e.details) for e in t.history if e.action == "handed_over"]
    assert [(h["from"], h["to"]) for h in handed] == [
        ("office:office-1", "handler-b"),
        ("handler-b", "handler-c"),
    ]
    with pytest.raises(Conflict):
        t.handover("handler-c", "again", "lead", AT)
    with pytest.raises(RuleViolated) as refused:
        t.handover("handler-d", "", "lead", AT)
    assert refused.value.field == "reason"
    assert t.owner == "handler-c"


def test_no_handover_once_closed() -> None:
    t = ticket("consultation")
    t.reply("r", "a", AT)
    t.close("a", AT)
    with pytest.raises(Conflict):
        t.handover("b", "why", "a", AT)


def test_return_to_intake_with_its_reason() -> None:
    t = ticket()
    with pytest.raises(RuleViolated):
        t.return_to_intake(" ", "handler-a", AT)
    entry = t.return_to_intake("not our area", "handler-a", AT)
    assert (t.unit, t.owner) == (INTAKE, "bureau:intake")
    assert dict(entry.details) == {"unit": "office:office-1", "reason": "not our area"}
    with pytest.raises(Conflict):
        t.return_to_intake("again", "intake", AT)


def test_only_the_intake_desk_reassigns_a_ticket_to_a_unit() -> None:
    t = ticket()
    station = Unit("station", "market-1")
    with pytest.raises(Conflict):  # an office cannot pass it sideways
        t.reassign(station, "closer to the market", "handler-a", AT)
    t.return_to_intake("not our area", "handler-a", AT)
    with pytest.raises(Conflict):
        t.reassign(INTAKE, "stay", "intake-1", AT)
    entry = t.reassign(station, "the market's station", "intake-1", later(1))
    assert (t.unit, t.owner) == (station, "station:market-1")
    assert dict(entry.details) == {"unit": "station:market-1", "reason": "the market's station"}


def test_a_duplicate_merges_keeping_both_histories_and_stops_its_clocks() -> None:
    first, second = ticket(), ticket()
    second.id = "t2"
    assert second.open_deadlines
    second.merge_into(first, "handler-a", later(1))
    assert (second.status, second.merged_into) == ("merged", "t1")
    assert second.open_deadlines == []
    assert [e.action for e in second.history] == ["received", "merged"]
    assert [e.action for e in first.history] == ["received", "merged_in"]
    assert dict(first.history[-1].details) == {"ticket": "t2"}
    with pytest.raises(Conflict):
        second.merge_into(first, "handler-a", later(1))
    with pytest.raises(Conflict):
        first.merge_into(first, "handler-a", later(1))
    with pytest.raises(Conflict):
        first.merge_into(ticket("report"), "handler-a", later(1))


def test_a_missed_deadline_is_raised_once_whether_open_or_kept_late() -> None:
    t = ticket()  # accept due Wed 14 Oct 2026
    assert t.next_due == date(2026, 10, 14)
    assert t.newly_missed(date(2026, 10, 14)) == []
    (late,) = t.newly_missed(date(2026, 10, 15))
    assert late.rule == "complaints.accept"
    assert t.newly_missed(date(2026, 10, 20)) == []
    assert t.next_due is None  # the watch no longer looks at it
    t.accept("handler-a", datetime(2026, 10, 16, 2, 0, tzinfo=UTC))
    assert t.newly_missed(date(2026, 10, 16)) == []  # kept late, but raised already
    assert t.next_due is not None and t.next_due > date(2026, 10, 16)


def test_a_deadline_kept_late_before_the_watch_saw_it_is_raised_by_the_step() -> None:
    t = ticket()
    t.accept("handler-a", datetime(2026, 10, 15, 2, 0, tzinfo=UTC))
    (late,) = t.newly_missed(date(2026, 10, 15))
    assert (late.rule, late.met_on) == ("complaints.accept", date(2026, 10, 15))


def test_a_report_is_replied_to_only_after_the_filing_decision() -> None:
    t = ticket("report")
    t.accept("a", AT)
    with pytest.raises(Conflict):
        t.reply("transferred to enforcement", "a", later(1))
    t.filing_decided(True, True, "enforcement", later(3))
    t.reply("a case was filed", "a", later(4))
    assert t.deadlines[-1].met_on is not None
