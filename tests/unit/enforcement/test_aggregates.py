"""The aggregates' steps without a database: what each step changes, the history entry and the
events it returns, and the steps their state refuses."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chassis.errors import Conflict, RuleViolated
from contracts.enforcement import (
    CaseClosed,
    CaseFiled,
    CaseNotFiled,
    PenaltyDecided,
    PenaltyPublished,
)
from services.enforcement import domain
from services.enforcement.domain import (
    Case,
    CaseSource,
    CaseStatus,
    Decision,
    FaultFinding,
    InvestigationRecord,
    Notice,
    OnTheSpotLimits,
    OnTheSpotPenalty,
    Party,
    Penalty,
    PenaltyNotice,
    Publication,
    ReturnVisit,
    Stop,
    Transfer,
    Withdrawal,
)

NOW = datetime(2026, 8, 3, 2, 0, tzinfo=UTC)  # Mon 3 Aug 2026, 10:00 in Shanghai


def received() -> CaseSource:
    transfer = Transfer(
        id=uuid.uuid4(),
        source_department="supervision",
        credit_code=None,
        allegation="无照经营",
        evidence=(),
        office_id="office-01",
        transferred_by="inspector01",
        transferred_at=NOW,
    )
    return CaseSource.receive(transfer, "office-01", 1, NOW)


def filed() -> Case:
    step = received().file(["zhao", "qian", "zhao"], "officer1", NOW)
    [case] = step.added
    assert isinstance(case, Case)
    return case


def test_a_received_source_goes_to_its_area_s_section_with_its_verification_deadline() -> None:
    source = received()
    assert (source.section, source.status) == ("section-1", "received")
    assert source.verify_due == domain.verify_deadline(date(2026, 8, 3)).due


def test_filing_makes_the_case_and_a_decided_source_takes_no_other_decision() -> None:
    source = received()
    step = source.file(["zhao", "qian", "zhao"], "officer1", NOW)
    [case] = step.added
    assert isinstance(case, Case) and case.handlers == ("zhao", "qian")
    assert case.decision_due == domain.decision_deadline(date(2026, 8, 3)).due
    assert [type(e) for e in step.events] == [CaseFiled]
    assert (step.entry.step, step.entry.detail["case_id"]) == ("filed", str(case.id))
    assert (source.status, source.decided_by) == ("filed", "officer1")
    with pytest.raises(Conflict, match="already filed"):
        source.decline(["重复"], "officer1", NOW)


def test_a_declined_source_tells_its_reasons() -> None:
    source = received()
    step = source.decline(["证据不足"], "officer1", NOW)
    assert isinstance(step.events[0], CaseNotFiled) and source.decline_reasons == ("证据不足",)


def test_the_verification_period_is_extended_once_and_testing_moves_it() -> None:
    source = received()
    source.extend_verification("head", "复杂", "officer1", NOW)
    assert source.verify_due == domain.verify_deadline(date(2026, 8, 3), extended=True).due
    with pytest.raises(Conflict, match="once already"):
        source.extend_verification("head", "复杂", "officer1", NOW)
    period = domain.TestingPeriod(date(2026, 8, 10), date(2026, 8, 14), "检测", "officer1")
    step = source.exclude_testing(period, NOW)
    assert step.entry.detail["verify_due"] == source.verify_due.isoformat()
    assert source.verify_deadline.excluded_days == 5


def test_one_fewer_handler_than_two_is_refused_naming_the_field() -> None:
    with pytest.raises(RuleViolated) as refused:
        received().file(["zhao", "zhao"], "officer1", NOW)
    assert refused.value.field == "handlers"


def notice() -> Notice:
    return Notice("当事人", NOW, "in_person", "officer1", NOW)


def told(case: Case, penalty: Penalty) -> None:
    """The intended penalty served today on an organisation, which waived its statement."""
    notice = PenaltyNotice.served(
        facts="事实",
        legal_basis="依据",
        penalty=penalty,
        party_kind="organisation",
        served_on=NOW.date(),
        served_how="in_person",
        thresholds=domain.HearingThresholds(),
        by="officer1",
        now=NOW,
    )
    case.serve_penalty_notice(notice, NOW.date())
    case.record_waiver(NOW.date(), "officer1", NOW)


def record(case: Case) -> InvestigationRecord:
    return InvestigationRecord(uuid.uuid4(), case.id, "inquiry", "询问", (), "officer1", NOW)


def test_a_case_goes_notice_records_decision_visit_and_keeps_its_history() -> None:
    case = filed()
    with pytest.raises(domain.CaseStepError, match="supervision notice"):
        case.add_record(record(case))
    case.deliver_notice(notice())
    case.add_record(record(case))
    decision = Decision(Penalty("fine", Decimal(2000)), "《价格法》第四十二条", "officer1")
    told(case, decision.penalty)
    step = case.decide(decision, NOW)
    assert case.status is CaseStatus.DECIDED and case.decided_on_time
    # Served within 7 working days; the fine's 15 days run from its service.
    assert (case.service_due, case.payment_due) == (date(2026, 8, 12), None)
    assert case.return_visit_due == date(2026, 9, 2)
    event, published = step.events
    assert isinstance(event, PenaltyDecided) and event.fine_amount == Decimal(2000)
    assert [type(a) for a in step.added] == [Publication]
    # Made public as it is decided: within its 20 working days, told to the quality system.
    assert isinstance(published, PenaltyPublished) and case.publication is not None
    assert (published.case_id, published.published_at) == (case.id, NOW)
    assert (published.due, published.on_time) == (case.publication.publish_deadline.due, True)
    case.serve_decision(date(2026, 8, 3), "in_person", "officer1", NOW)
    assert case.payment_due == date(2026, 8, 18)
    closed = case.close(ReturnVisit("满意", "satisfied", "officer1"), NOW)
    assert isinstance(closed.events[0], CaseClosed) and CaseStatus(case.status) is CaseStatus.CLOSED
    steps = [entry.step for entry in case.history]
    assert steps == [
        "notice_delivered",
        "investigation_record",
        "penalty_notice_served",
        "rights_waived",
        "decided",
        "decision_served",
        "closed",
    ]


def test_a_warning_is_not_published_and_a_fine_needs_its_amount() -> None:
    case = filed()
    case.deliver_notice(notice())
    told(case, Penalty("warning"))
    step = case.decide(Decision(Penalty("warning"), "依据", "officer1"), NOW)
    assert step.added == () and case.payment_due is None
    assert not [e for e in step.events if isinstance(e, PenaltyPublished)]
    with pytest.raises(RuleViolated) as refused:
        Penalty("fine")
    assert refused.value.field == "penalty.amount"


def test_the_clock_stops_and_extends_only_while_the_case_runs() -> None:
    case = filed()
    start, end = date(2026, 8, 10), date(2026, 8, 19)
    stop = Stop(uuid.uuid4(), case.id, start, end, "听证", "hearing", "officer1", NOW)
    step = case.stop_clock(stop)
    assert case.decision_deadline.excluded_days == 10 and step.added == (stop,)
    case.extend("head", "复杂", None, "officer1", NOW)
    with pytest.raises(RuleViolated):
        case.extend("head", "复杂", None, "officer1", NOW)
    case.extend("head", "集体讨论", 20, "officer1", NOW)
    assert case.decision_deadline.beyond_extension == "collective_decision"
    case.deliver_notice(notice())
    told(case, Penalty("warning"))
    case.decide(Decision(Penalty("warning"), "依据", "officer1"), NOW)
    with pytest.raises(Conflict, match="its clock has stopped"):
        case.stop_clock(stop)


def test_a_fine_is_paid_once_and_a_publication_withdrawn_once() -> None:
    case = filed()
    with pytest.raises(Conflict, match="no fine"):
        case.record_payment(NOW.date(), "officer1", NOW)
    case.deliver_notice(notice())
    told(case, Penalty("fine", Decimal(100)))
    case.decide(Decision(Penalty("fine", Decimal(100)), "依据", "officer1"), NOW)
    with pytest.raises(Conflict, match="not served"):
        case.record_payment(NOW.date(), "officer1", NOW)
    case.serve_decision(NOW.date(), "post", "officer1", NOW)
    with pytest.raises(RuleViolated):
        case.record_payment(NOW.date() - timedelta(days=1), "officer1", NOW)
    case.record_payment(date(2026, 8, 20), "officer1", NOW)  # two days late
    assert case.late_payment_surcharge(date(2026, 12, 1)) == Decimal("6.00")
    with pytest.raises(Conflict, match="paid on"):
        case.record_payment(date(2026, 8, 20), "officer1", NOW)
    with pytest.raises(RuleViolated) as refused:
        case.withdraw_publication("annulled", NOW.date() + timedelta(1), "撤销", "officer1", NOW)
    assert refused.value.field == "changed_on"
    step = case.withdraw_publication("annulled", NOW.date(), "复议撤销", "officer1", NOW)
    assert isinstance(step.added[0], Withdrawal)
    with pytest.raises(Conflict, match="not on the publicity feed"):
        case.withdraw_publication("annulled", NOW.date(), "复议撤销", "officer1", NOW)


def test_a_fault_is_found_only_against_a_step_the_case_took() -> None:
    case = filed()
    case.deliver_notice(notice())
    with pytest.raises(RuleViolated) as refused:
        case.find_fault(FaultFinding("decided", "越权", ("zhao",)), "admin", NOW)
    assert refused.value.field == "step"
    step = case.find_fault(FaultFinding("notice_delivered", "送达瑕疵", ("zhao",)), "admin", NOW)
    assert step.entry.detail["responsible"] == ["zhao"]


def test_an_on_the_spot_penalty_beyond_article_51_is_refused_naming_the_field() -> None:
    party = Party("citizen", "李某", id_number="11010519491231002X")
    arguments = {
        "collected_on_spot": False,
        "facts": "占道经营",
        "legal_basis": "依据",
        "office_id": "office-07",
        "section": "section-2",
        "by": "inspector07",
        "now": NOW,
        "limits": OnTheSpotLimits(),
    }
    with pytest.raises(RuleViolated) as refused:
        OnTheSpotPenalty.impose(party, "fine", Decimal(201), **arguments)  # type: ignore[arg-type]
    assert refused.value.field == "penalty.amount"
    penalty, event = OnTheSpotPenalty.impose(party, "fine", Decimal(200), **arguments)  # type: ignore[arg-type]
    assert (event.procedure, event.case_id, penalty.credit_code) == (
        "on_the_spot",
        penalty.id,
        None,
    )
