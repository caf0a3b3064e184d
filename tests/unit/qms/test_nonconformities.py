"""The nonconformity: its life from raised to closed, its PDCA stage, the effectiveness check
that alone closes it, and the once key that makes one fact one nonconformity."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.errors import Conflict, NotFound, RuleViolated
from services.qms.domain.nonconformities import (
    Evidence,
    Nonconformity,
    Origin,
    missed_time_limit,
    objective_breached,
    raised_by_person,
)

AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
CASE = "6f0a1c2e-7d43-4b8e-9a51-0c3d2e1f4a55"


def missed(due: date = date(2026, 11, 18), subject: str = CASE) -> Origin:
    return missed_time_limit(
        rule_code="enforcement.decide",
        subject=subject,
        due=due,
        office="section-1",
        description="not decided in 90 days",
        evidence=Evidence("Administrative Penalty Law art. 60", uuid.uuid4(), "x.y"),
    )


def raised(origin: Origin | None = None) -> Nonconformity:
    return Nonconformity.raise_(uuid.uuid4(), origin or missed(), "qms", AT)


def plan(nc: Nonconformity, what: str = "retrain the case team") -> None:
    nc.plan_action(
        what, "head-sec1", TODAY + timedelta(days=14), by="quality01", at=AT, today=TODAY
    )


def test_from_raised_to_closed_through_every_pdca_stage() -> None:
    nc = raised()
    assert (nc.status, nc.stage, nc.actions, nc.checks) == ("open", "plan", [], [])
    plan(nc)
    plan(nc, "weekly deadline review")
    assert (nc.status, nc.stage) == ("in_progress", "do")
    assert [(a.number, a.owner, a.done) for a in nc.actions] == [
        (1, "head-sec1", False),
        (2, "head-sec1", False),
    ]
    nc.complete_action(2, "head-sec1", AT)
    assert (nc.status, nc.stage) == ("in_progress", "do")
    nc.complete_action(1, "head-sec1", AT)
    assert (nc.status, nc.stage) == ("awaiting_check", "check")
    check = nc.check_effectiveness(True, "no case over 90 days since", "quality01", AT)
    assert (check.number, check.effective) == (1, True)
    assert (nc.status, nc.stage, nc.closed_at) == ("closed", "act", AT)


def test_it_closes_only_through_an_effective_check_of_done_actions() -> None:
    nc = raised()
    with pytest.raises(Conflict, match="no corrective action"):
        nc.check_effectiveness(True, "looks fine", "quality01", AT)
    plan(nc)
    with pytest.raises(Conflict, match="corrective actions 1 are not done"):
        nc.check_effectiveness(True, "looks fine", "quality01", AT)
    assert (nc.status, nc.checks, nc.closed_at) == ("in_progress", [], None)
    nc.complete_action(1, "head-sec1", AT)
    assert nc.status == "awaiting_check" and nc.closed_at is None


def test_an_ineffective_check_reopens_corrective_work() -> None:
    nc = raised()
    plan(nc)
    nc.complete_action(1, "head-sec1", AT)
    nc.check_effectiveness(False, "two more cases late in December", "quality01", AT)
    assert (nc.status, nc.stage, nc.closed_at) == ("open", "plan", None)
    with pytest.raises(Conflict, match="no corrective action is planned"):
        nc.check_effectiveness(True, "again", "quality01", AT)
    plan(nc, "a second officer on every case")
    nc.complete_action(2, "head-sec1", AT)
    nc.check_effectiveness(True, "none late in the quarter", "quality01", AT)
    assert nc.status == "closed"
    assert [c.effective for c in nc.checks] == [False, True]


def test_a_closed_nonconformity_takes_no_further_step() -> None:
    nc = raised()
    plan(nc)
    nc.complete_action(1, "head-sec1", AT)
    nc.check_effectiveness(True, "fine", "quality01", AT)
    with pytest.raises(Conflict, match="closed"):
        plan(nc)
    with pytest.raises(Conflict, match="closed"):
        nc.check_effectiveness(True, "fine", "quality01", AT)
    with pytest.raises(Conflict, match="closed"):
        nc.complete_action(1, "x", AT)


def test_actions_are_done_once_and_by_their_number() -> None:
    nc = raised()
    plan(nc)
    nc.complete_action(1, "head-sec1", AT)
    with pytest.raises(Conflict, match="already done"):
        nc.complete_action(1, "head-sec1", AT)
    with pytest.raises(NotFound):
        nc.complete_action(2, "head-sec1", AT)
    with pytest.raises(NotFound):
        nc.complete_action(0, "head-sec1", AT)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": "  "}, "description"),
        ({"owner": ""}, "owner"),
        ({"owner": "x" * 101}, "owner"),
        ({"due": TODAY - timedelta(days=1)}, "due"),
    ],
)
def test_a_bad_action_is_refused_by_field_and_not_kept(
    changes: dict[str, object], field: str
) -> None:
    nc = raised()
    given: dict[str, object] = {"description": "retrain", "owner": "head", "due": TODAY}
    with pytest.raises(RuleViolated) as refused:
        nc.plan_action(**(given | changes), by="q", at=AT, today=TODAY)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert (nc.actions, nc.status) == ([], "open")


def test_blank_evidence_is_refused_and_nothing_checked() -> None:
    nc = raised()
    plan(nc)
    nc.complete_action(1, "h", AT)
    with pytest.raises(RuleViolated) as refused:
        nc.check_effectiveness(True, " ", "q", AT)
    assert refused.value.field == "evidence"
    assert (nc.status, nc.checks) == ("awaiting_check", [])


def test_one_missed_deadline_has_one_once_key_and_another_due_day_another() -> None:
    assert missed().once_key == missed().once_key
    assert missed().once_key == f"time_limit_rule|enforcement.decide|{CASE}|2026-11-18"
    assert missed(due=date(2026, 12, 18)).once_key != missed().once_key
    assert missed(subject="other").once_key != missed().once_key


def test_an_objective_breach_once_per_objective_unit_and_period() -> None:
    def breach(office: str | None, period: str) -> Origin:
        return objective_breached(
            objective_code="complaints.answered_in_time",
            period=period,
            office=office,
            value=0.92,
            target=0.98,
            event_id=None,
            event_type=None,
        )

    first = breach("office-03", "2026-11")
    assert (first.source, first.basis_code, first.subject, first.office) == (
        "quality_objective",
        "complaints.answered_in_time",
        "2026-11",
        "office-03",
    )
    assert dict(first.evidence.facts) == {"period": "2026-11", "value": "0.92", "target": "0.98"}
    assert "0.92 against a target of 0.98 for office-03 in 2026-11" in first.description
    assert breach("office-03", "2026-11").once_key == first.once_key
    keys = {breach(o, p).once_key for o in ("office-03", None) for p in ("2026-11", "2026-12")}
    assert len(keys) == 4


def test_a_person_raises_against_any_record_never_deduplicated() -> None:
    origin = raised_by_person(
        subject="91510106MA61234567", description="licence shown late", office=None, basis_code=None
    )
    assert (origin.source, origin.once_key, origin.evidence) == ("person", None, Evidence())
    with pytest.raises(RuleViolated) as refused:
        raised_by_person(subject=" ", description="x", office=None, basis_code=None)
    assert refused.value.field == "subject"
    with pytest.raises(RuleViolated) as refused:
        raised_by_person(subject="s", description="x", office="o" * 65, basis_code=None)
    assert refused.value.field == "office"
