"""Submissions: the split into linked tickets, the anonymity rule, bad values by field name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chassis.errors import RuleViolated
from contracts.values import CreditCode
from services.complaints.domain.submissions import Business, Location, Submission, Submitter

AT = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)
ID_NUMBER = "11010519491231002X"
CREDIT = str(CreditCode.generate(category="2", region="110105", sequence=42))
REAL = Submitter(name="王芳", phone="13800138000", id_number=ID_NUMBER)


def submission(**changes: Any) -> Submission:
    values: dict[str, Any] = {
        "channel": "phone",
        "kinds": ("complaint",),
        "submitter": REAL,
        "description": "Sold expired milk",
        "received_at": AT,
        "business": Business(credit_code=CREDIT, name="Corner shop"),
        "location": Location(lon=116.4, lat=39.9),
    }
    values.update(changes)
    return Submission(**values)


def test_one_kind_one_ticket_without_links() -> None:
    (draft,) = submission().split()
    assert draft.kind == "complaint" and draft.linked == ()


def test_complaint_and_report_become_two_linked_tickets() -> None:
    ids = iter(["t1", "t2"])
    drafts = submission(kinds=("complaint", "report")).split(lambda: next(ids))
    assert [(d.id, d.kind, d.linked) for d in drafts] == [
        ("t1", "complaint", ("t2",)),
        ("t2", "report", ("t1",)),
    ]


def test_three_kinds_each_linked_to_the_other_two() -> None:
    drafts = submission(kinds=("complaint", "report", "consultation")).split()
    for draft in drafts:
        others = {d.id for d in drafts} - {draft.id}
        assert set(draft.linked) == others


@pytest.mark.parametrize("kinds", [("report",), ("suggestion",), ("report", "suggestion")])
def test_anonymous_reports_and_suggestions_are_allowed(kinds: tuple[str, ...]) -> None:
    drafts = submission(kinds=kinds, submitter=Submitter(anonymous=True)).split()
    assert len(drafts) == len(kinds)


@pytest.mark.parametrize("kinds", [("complaint",), ("consultation",), ("report", "complaint")])
def test_anonymity_refused_unless_every_kind_allows_it(kinds: tuple[str, ...]) -> None:
    with pytest.raises(RuleViolated) as refused:
        submission(kinds=kinds, submitter=Submitter(anonymous=True))
    assert refused.value.field == "submitter.anonymous"


def test_anonymous_submitter_gives_no_identity() -> None:
    with pytest.raises(RuleViolated) as refused:
        Submitter(name="王芳", anonymous=True)
    assert refused.value.field == "submitter.anonymous"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: submission(channel="fax"), "channel"),
        (lambda: submission(kinds=()), "kinds"),
        (lambda: submission(kinds=("praise",)), "kinds"),
        (lambda: submission(kinds=("report", "report")), "kinds"),
        (lambda: submission(description=""), "description"),
        (lambda: submission(description="   "), "description"),
        (lambda: submission(description="x" * 4001), "description"),
        (lambda: submission(received_at=datetime(2026, 9, 29, 10)), "received_at"),
        (lambda: Submitter(name=""), "submitter.name"),
        (lambda: Submitter(name="王芳", phone="call me"), "submitter.phone"),
        (lambda: Submitter(name="王芳", id_number="110105194912310021"), "submitter.id_number"),
        (lambda: Business(credit_code="91110105MA00000000"), "business.credit_code"),
        (lambda: Business(name=""), "business.name"),
        (lambda: Location(lon=116.4), "location"),
        (lambda: Location(lon=200.0, lat=39.9), "location.lon"),
        (lambda: Location(lon=116.4, lat=-91.0), "location.lat"),
        (lambda: Location(address="1 Main St"), "location"),
    ],
)
def test_bad_values_refused_by_field_name(make: Any, field: str) -> None:
    with pytest.raises(RuleViolated) as refused:
        make()
    assert refused.value.field == field


def test_description_of_4000_characters_and_address_location_accepted() -> None:
    made = submission(
        description="x" * 4000, location=Location(address="1 Main St", community_code="110105001")
    )
    assert len(made.description) == 4000
