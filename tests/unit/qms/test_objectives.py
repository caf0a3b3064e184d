"""Quality objectives measured from events: what each event adds to which objective and month,
the figures those sums give against the data file's targets, and the 12-month trend."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contracts import Contract, CreditCode, Envelope
from contracts.complaints import TicketAccepted, TicketDeadlineMissed, TicketFollowedUp
from contracts.enforcement import CaseFiled, DeadlineMissed, PenaltyDecided, PenaltyPublished
from contracts.examples import example
from contracts.licensing import LicenceIssued
from contracts.supervision import ClaimOverdue, HouseholdAssigned
from services.qms.domain.objectives import (
    Observation,
    figures,
    month_of,
    months_up_to,
    objectives,
    objectives_from_toml,
    observe,
    tally,
)

# 2026-11-30 17:00 UTC is already 1 December in Shanghai.
LAST_EVENING = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
SHOP = CreditCode.generate(category="9", region="510106", sequence=42)


def wrapped(event: Contract) -> Envelope:
    return Envelope.wrap(event, source="test", sequence=1)


def issued(same_day: bool, office: str = "office-03", at: datetime = LAST_EVENING) -> Envelope:
    event = example(LicenceIssued).model_copy(
        update={
            "same_day": same_day,
            "after_hours": not same_day,
            "office_code": office,
            "issued_at": at,
        }
    )
    return wrapped(event)


def by_code(found: list[Observation]) -> dict[str, Observation]:
    return {seen.objective: seen for seen in found}


def test_a_licence_counts_in_the_month_shanghai_had_when_it_was_issued() -> None:
    seen = by_code(observe(issued(same_day=False)))
    assert seen["licensing.same_day"] == Observation(
        "licensing.same_day", "2026-12", "office-03", 0, 1
    )
    assert seen["licensing.after_hours"] == Observation(
        "licensing.after_hours", "2026-12", "office-03", 1, 1
    )


def test_a_miss_takes_one_from_the_month_its_limit_ran_out_in() -> None:
    assigned = HouseholdAssigned(
        credit_code=SHOP,
        grid_code="510106001003001",
        office_code="office-03",
        owner="inspector03",
        claim_deadline=date(2026, 10, 31),
        assigned_at=LAST_EVENING,
    )
    overdue = ClaimOverdue(
        credit_code=SHOP,
        grid_code="510106001003001",
        office_code="office-03",
        owner="inspector03",
        claim_deadline=date(2026, 10, 31),
        detected_at=LAST_EVENING,
    )
    sums = tally([*observe(wrapped(assigned)), *observe(wrapped(overdue))])
    assert sums == {("supervision.claims_on_time", "2026-10"): (0, 1)}


def test_only_the_facts_each_objective_counts_are_observed() -> None:
    ticket_missed = example(TicketDeadlineMissed)
    assert ticket_missed.model_dump()["rule"] == "complaints.accept"
    mediation_missed = ticket_missed.model_copy(update={"rule": "complaints.mediation"})
    found_in_the_act = example(CaseFiled).model_copy(update={"case_source_id": None})
    on_the_spot = example(PenaltyDecided).model_copy(update={"procedure": "on_the_spot"})
    assert observe(wrapped(mediation_missed)) == []
    assert observe(wrapped(found_in_the_act)) == []
    assert observe(wrapped(on_the_spot)) == []
    assert [s.objective for s in observe(wrapped(example(DeadlineMissed)))] == [
        "enforcement.decided_in_90_days"
    ]
    assert [s.objective for s in observe(wrapped(ticket_missed))] == ["complaints.accepted_in_time"]
    late = example(PenaltyPublished).model_copy(update={"on_time": False})
    (published,) = observe(wrapped(late))
    assert (published.objective, published.numerator, published.denominator) == (
        "enforcement.publicity_on_time",
        0,
        1,
    )


def test_an_event_no_objective_counts_or_a_malformed_one_adds_nothing() -> None:
    accepted = wrapped(example(TicketAccepted))
    malformed = accepted.model_copy(update={"data": {"ticket_id": "not a uuid"}})
    unknown = accepted.model_copy(update={"type": "elsewhere.thing.happened"})
    assert observe(malformed) == [] and observe(unknown) == []


def test_satisfaction_is_the_average_of_the_scores_told() -> None:
    told = [
        wrapped(example(TicketFollowedUp).model_copy(update={"satisfaction": score}))
        for score in (5, 4, 2)
    ]
    period = month_of(example(TicketFollowedUp).model_dump()["followed_up_at"])
    sums = tally(seen for envelope in told for seen in observe(envelope))
    (satisfaction,) = [f for f in figures(sums, period) if f.code == "complaints.satisfaction"]
    assert (satisfaction.numerator, satisfaction.denominator) == (11, 3)
    assert satisfaction.value == pytest.approx(3.6667)
    assert satisfaction.status == "breached"  # the data file's target is 4


def test_a_rate_below_target_is_breached_and_the_trend_shows_twelve_months() -> None:
    november = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
    told = [issued(True, at=november) for _ in range(8)] + [issued(False, at=november)] * 2
    told.append(issued(True, "office-07", at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC)))
    observations = [seen for envelope in told for seen in observe(envelope)]
    found = {f.code: f for f in figures(tally(observations), "2026-11")}
    same_day = found["licensing.same_day"]
    assert (same_day.value, same_day.numerator, same_day.denominator) == (0.8, 8, 10)
    assert (same_day.target, same_day.status) == (0.9, "breached")
    assert [m.period for m in same_day.trend] == months_up_to("2026-11")
    assert same_day.trend[0].period == "2025-12"
    assert {m.period: m.value for m in same_day.trend if m.denominator} == {
        "2026-03": 1.0,
        "2026-11": 0.8,
    }
    # A count is its numerator; a rate with nothing counted has no value and is met.
    assert (found["licensing.after_hours"].value, found["licensing.after_hours"].status) == (
        2.0,
        "met",
    )
    claims = found["supervision.claims_on_time"]
    assert (claims.value, claims.denominator, claims.status) == (None, 0, "met")
    # One office's figures count only the observations naming it.
    office_07 = {f.code: f for f in figures(tally(observations, "office-07"), "2026-03")}
    assert office_07["licensing.same_day"].numerator == 1
    assert office_07["licensing.same_day"].trend[-2].denominator == 0


def test_the_data_file_lists_each_objective_of_the_issue_once() -> None:
    codes = [objective.code for objective in objectives()]
    assert len(codes) == 9 == len(set(codes))
    with pytest.raises(ValueError, match="twice"):
        objectives_from_toml(
            '[[objective]]\ncode="a"\ntitle="A"\nkind="rate"\ntarget=1\ncomparison="at_least"\n' * 2
        )
    with pytest.raises(ValueError, match="unknown kind"):
        objectives_from_toml(
            '[[objective]]\ncode="a"\ntitle="A"\nkind="median"\ntarget=1\ncomparison="at_least"\n'
        )


def test_a_month_of_an_instant_and_of_a_day() -> None:
    assert month_of(LAST_EVENING) == "2026-12"
    assert month_of(date(2026, 1, 31)) == "2026-01"
    assert months_up_to("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
