"""The supervision aggregates without I/O: a household's steps, a grid as drawn, delegations,
inspection checks, and the grid change a PUT may ask for."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from chassis.errors import Conflict, Forbidden, NotFound, RuleViolated
from contracts.values import CreditCode
from services.supervision.domain import (
    Attachment,
    Citation,
    Delegation,
    Grid,
    GridClash,
    Household,
    HouseholdStatus,
    Inspection,
    LicenceFact,
    Namer,
    Person,
    Viewer,
    check_correction,
    check_visited,
    fold_licence,
    may_read,
)
from services.supervision.schemas import GridChange

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
CODE = str(CreditCode.generate(category="2", region="510106", sequence=9_000_001))


def rectangle(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def grid(grid_id: str = "510106001001001", west: float = 0.0, *codes: str) -> Grid:
    return Grid.drawn(
        id=grid_id,
        office_id="office-01",
        name="grid",
        polygon=rectangle(west, 0, west + 1, 1),
        community_codes=codes or ("510106001001",),
        owner="inspector01",
        updated_at=NOW,
    )


def inspector(subject: str, *acts_for: str) -> Viewer:
    return Viewer(
        subject, frozenset({"grid_inspector"}), "office-01", frozenset({subject, *acts_for})
    )


def licensed() -> Household:
    household = Household.opened(CODE, NOW)
    issued = {
        "name": "商户",
        "entity_type": "individual_business",
        "operator_name": "王某",
        "address": {"text": "某路 1 号", "community_code": "510106001001", "location": None},
        "business_scope": ["零售"],
        "issued_at": NOW.isoformat(),
    }
    fact = LicenceFact(1, "issued", issued)
    household.follow(fold_licence([fact]), fact, NOW)
    return household


def test_an_assigned_household_is_claimed_by_its_owner_or_their_agent_only() -> None:
    household = licensed()
    event = household.assign(
        grid(),
        agent="inspector02",
        deadline=date(2026, 3, 5),
        now=NOW,
        routed_by="point",
        actor=None,
    )
    assert (event.owner, event.agent, event.grid_code) == ("inspector01", "inspector02", grid().id)
    assert household.status is HouseholdStatus.ASSIGNED
    with pytest.raises(Forbidden):
        household.claim(inspector("inspector03"), NOW)
    household.claim(inspector("inspector02", "inspector01"), NOW)
    assert (household.status, household.claimed_by) == (HouseholdStatus.CLAIMED, "inspector02")
    assert household.news[-1].detail == {"for": "inspector01"}
    with pytest.raises(Conflict):
        household.claim(inspector("inspector01"), NOW)
    assert [entry.kind for entry in household.news] == ["licence", "assignment", "claim"]


def test_an_unrouted_household_in_its_office_queue_stays_without_a_new_entry() -> None:
    household = licensed()
    household.unroute("office-01", NOW)
    household.unroute("office-01", NOW)
    assert [entry.kind for entry in household.news] == ["licence", "unrouted"]
    assert (household.status, household.office_id, household.routed_by) == (
        HouseholdStatus.UNROUTED,
        "office-01",
        "none",
    )


def test_a_cancelled_household_is_not_assigned_by_hand() -> None:
    household = licensed()
    fact = LicenceFact(2, "cancelled", {"reason": "注销"})
    household.follow(fold_licence([fact]), fact, NOW)
    assert household.status is HouseholdStatus.CANCELLED
    with pytest.raises(Conflict):
        household.may_be_assigned_by_hand()


def test_an_overdue_claim_names_the_deadline_in_the_file() -> None:
    household = licensed()
    household.assign(
        grid(), agent=None, deadline=date(2026, 3, 5), now=NOW, routed_by="point", actor=None
    )
    event = household.overdue(NOW)
    assert (event.claim_deadline, event.owner) == (date(2026, 3, 5), "inspector01")
    assert household.news[-1].detail == {"claim_deadline": "2026-03-05"}


def test_a_grid_is_refused_for_its_shape_and_for_clashing_with_another() -> None:
    with pytest.raises(RuleViolated) as bad_shape:
        Grid.drawn(
            id="510106001001001",
            office_id="office-01",
            name="x",
            polygon={"type": "Point", "coordinates": [0, 0]},
            community_codes=(),
            owner="inspector01",
            updated_at=NOW,
        )
    assert bad_shape.value.field == "polygon"
    west = grid("510106001001001", 0.0, "510106001001")
    with pytest.raises(GridClash) as taken:
        grid("510106001002001", 5.0, "510106001001").check_against([west])
    assert (taken.value.status, taken.value.field) == (409, "community_codes")
    with pytest.raises(GridClash) as overlap:
        grid("510106001002001", 0.5, "510106001002").check_against([west])
    assert (overlap.value.field, overlap.value.detail) == ("polygon", f"overlaps grid {west.id}")
    grid("510106001002001", 1.0, "510106001002").check_against([west])  # a shared border
    west.check_against([west])  # itself, re-drawn


def person(username: str, office: str | None, *, role: str = "grid_inspector") -> Person:
    """An active person of the directory."""
    return Person(username, frozenset({role}), office, active=True)


# office-01's inspector and its standby, office-05's inspector, as the directory knows them.
DIRECTORY = {
    "inspector01": person("inspector01", "office-01"),
    "standby01": person("standby01", "office-01"),
    "inspector05": person("inspector05", "office-05"),
    "head01": person("head01", "office-01", role="office_head"),
    "gone01": Person("gone01", frozenset({"grid_inspector"}), "office-01", active=False),
}
HEAD01 = Namer("head01", frozenset({"office_head"}), "office-01")
ADMIN = Namer("admin", frozenset({"admin"}), None)


def named(by: Namer, officer: str, agent: str, days: int = 1, max_days: int = 30) -> Delegation:
    start = date(2026, 3, 2)
    return Delegation.named(
        officer=officer,
        agent=agent,
        start=start,
        end=start + timedelta(days=days - 1),
        by=by,
        people=DIRECTORY,
        at=NOW,
        max_days=max_days,
    )


@pytest.mark.parametrize(
    ("by", "allowed"),
    [
        (Namer("inspector01", frozenset({"grid_inspector"}), "office-01"), True),
        (HEAD01, True),
        (ADMIN, True),
        (Namer("standby01", frozenset({"grid_inspector"}), "office-01"), False),
    ],
)
def test_a_delegation_is_named_by_the_officer_a_head_or_an_admin(by: Namer, allowed: bool) -> None:
    if not allowed:
        with pytest.raises(Forbidden):
            named(by, "inspector01", "standby01")
        return
    delegation = named(by, "inspector01", "standby01")
    assert (delegation.created_by, delegation.runs_on(date(2026, 3, 2))) == (by.username, True)


@pytest.mark.parametrize(
    ("officer", "agent"),
    [
        ("inspector05", "inspector01"),  # another office's households
        ("inspector01", "inspector05"),  # another office's agent
        ("inspector01", "nobody01"),  # unknown to the directory
        ("inspector01", "gone01"),  # deactivated
        ("inspector01", "head01"),  # no grid inspector
    ],
)
def test_a_head_names_only_grid_inspectors_of_their_own_office(officer: str, agent: str) -> None:
    with pytest.raises(Forbidden):
        named(HEAD01, officer, agent)


def test_an_admin_names_an_officer_and_an_agent_of_one_office() -> None:
    with pytest.raises(RuleViolated) as refused:
        named(ADMIN, "inspector05", "inspector01")
    assert (refused.value.field, refused.value.code) == ("agent", "not_of_office")
    with pytest.raises(RuleViolated) as unknown:
        named(ADMIN, "nobody01", "inspector01")
    assert unknown.value.field == "officer"


def test_a_delegation_lasts_at_most_the_configured_days() -> None:
    assert named(HEAD01, "inspector01", "standby01", days=30).end == date(2026, 3, 31)
    with pytest.raises(RuleViolated) as refused:
        named(HEAD01, "inspector01", "standby01", days=31)
    assert (refused.value.field, refused.value.code) == ("end", "too_long")
    with pytest.raises(RuleViolated):
        named(HEAD01, "inspector01", "standby01", days=8, max_days=7)


def test_a_record_covers_only_ones_households_and_is_corrected_by_its_inspector() -> None:
    me = inspector("inspector01")
    with pytest.raises(RuleViolated) as unknown:
        check_visited(me, [CODE], {})
    assert unknown.value.field == "households"
    with pytest.raises(Forbidden):
        check_visited(me, [CODE], {CODE: "inspector02"})
    check_visited(me, [CODE], {CODE: "inspector01"})
    record = Inspection(
        id=uuid.uuid4(), version=1, inspector="inspector02", office_id="office-02",
        started_at=NOW, ended_at=NOW, route=[], households=[], findings="ok", actions=[],
        attachments=[], correction_reason=None, recorded_by="inspector02", recorded_at=NOW,
    )  # fmt: skip
    with pytest.raises(NotFound):
        check_correction(me, record)
    with pytest.raises(NotFound):
        check_correction(me, None)
    check_correction(inspector("inspector01", "inspector02"), record)


@pytest.mark.parametrize("field", ["polygon", "community_codes", "owner", "name", "office_id"])
def test_a_grid_change_refuses_an_explicit_null_by_name(field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        GridChange.model_validate({field: None})
    assert [error["loc"] for error in refused.value.errors()] == [(field,)]
    assert GridChange.model_validate({"name": "新名"}).model_dump(exclude_unset=True) == {
        "name": "新名"
    }


def test_an_attachment_is_read_through_a_record_citing_it() -> None:
    photo = Attachment("ab" * 32, "image/png", 10, "inspector01", NOW)
    office01 = [Citation("inspector01", "office-01")]
    head01 = Viewer("head01", frozenset({"office_head"}), "office-01", frozenset({"head01"}))
    head05 = Viewer("head05", frozenset({"office_head"}), "office-05", frozenset({"head05"}))
    auditor = Viewer("auditor01", frozenset({"auditor"}), None, frozenset({"auditor01"}))
    assert may_read(inspector("inspector01"), photo, [])  # its uploader
    assert may_read(auditor, photo, [])
    assert not may_read(head01, photo, [])  # nothing cites it yet
    assert may_read(head01, photo, office01)
    assert may_read(inspector("inspector02", "inspector01"), photo, office01)  # the agent
    assert not may_read(head05, photo, office01)
    assert not may_read(inspector("inspector05"), photo, office01)
