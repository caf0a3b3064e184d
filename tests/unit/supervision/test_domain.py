"""Supervision rules without I/O: routing, grid shapes, the licence fold, deadlines, scope."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import permutations
from typing import Any

import pytest
from shapely.geometry import box

from chassis.legalclock import default_calendar
from services.supervision import domain
from services.supervision.domain import (
    Delegation,
    Grid,
    GridMap,
    HouseholdStatus,
    LicenceFact,
    LicenceState,
    Route,
    Viewer,
)

# Two grids side by side sharing the border lon = 1; the map is given them in reverse order.
WEST = Grid("510106001001001", "office-01", "inspector01", box(0, 0, 1, 1), ("510106001001",))
EAST = Grid("510106001002001", "office-02", "inspector02", box(1, 0, 2, 1), ("510106001002",))
MAP = GridMap([EAST, WEST])


# -- routing -------------------------------------------------------------------------------


def test_a_point_inside_a_grid_goes_to_it() -> None:
    assert MAP.route(1.5, 0.5, "510106001001") == Route(EAST, "point")


def test_a_point_on_a_shared_border_goes_to_the_lower_id_every_time() -> None:
    for _ in range(5):
        assert MAP.route(1.0, 0.5, None) == Route(WEST, "point")
    reversed_input = GridMap([WEST, EAST])
    assert reversed_input.route(1.0, 0.5, None) == Route(WEST, "point")


def test_a_point_outside_every_grid_falls_back_to_the_community() -> None:
    assert MAP.route(5.0, 5.0, "510106001002") == Route(EAST, "community")


def test_only_a_community_code() -> None:
    assert MAP.route(None, None, "510106001001") == Route(WEST, "community")


def test_nothing_usable_is_unrouted() -> None:
    assert MAP.route(None, None, "510106009009") == Route(None, "none")
    assert MAP.route(5.0, 5.0, None) == Route(None, "none")
    assert GridMap([]).route(0.5, 0.5, "510106001001") == Route(None, "none")


def test_a_grid_is_found_by_id() -> None:
    assert MAP.get(EAST.id) is EAST
    assert MAP.get("510106009009001") is None


# -- grid shapes ---------------------------------------------------------------------------


def ring(*points: tuple[float, float]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[list(point) for point in points]]}


def test_a_square_is_a_grid_shape() -> None:
    assert domain.grid_shape(ring((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))).area == 1


@pytest.mark.parametrize(
    "polygon",
    [
        {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]},
        {"type": "Point", "coordinates": [0, 0]},
        {"coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        ring((0, 0), (1, 1), (1, 0), (0, 1), (0, 0)),  # a bow-tie crossing itself
        {"type": "Polygon", "coordinates": []},
        ring((0, 0), (1, 1), (2, 2), (0, 0)),  # every point on one line: no area
        ring((0, 0), (1, 0), (0, 0)),  # too few points for a ring
        {"type": "Polygon", "coordinates": "not a ring"},
    ],
    ids=["multipolygon", "point", "no-type", "bow-tie", "empty", "flat", "short", "garbage"],
)
def test_what_is_not_a_grid_shape(polygon: dict[str, Any]) -> None:
    with pytest.raises(domain.GridShapeError):
        domain.grid_shape(polygon)


# -- the licence a household follows -------------------------------------------------------

ADDRESS = {"text": "示范区某路 1 号", "community_code": "510106001001", "location": None}
MOVED = {"text": "示范区另一路 9 号", "community_code": "510106001002", "location": None}
ISSUED = LicenceFact(
    1,
    "issued",
    {
        "name": "老王小卖部",
        "entity_type": "individual_business",
        "operator_name": "王某",
        "address": ADDRESS,
        "business_scope": ["日用百货零售"],
        "office_code": "office-01",
        "issued_at": "2026-03-06T02:00:00Z",
    },
)
CHANGED = LicenceFact(
    2, "changed", {"name": "王记便利店", "address": MOVED, "business_scope": None}
)
CANCELLED = LicenceFact(3, "cancelled", {"reason": "歇业"})


def test_issued_then_changed() -> None:
    state = domain.fold_licence([ISSUED, CHANGED])
    assert state == LicenceState(
        issued=True,
        name="王记便利店",
        entity_type="individual_business",
        operator_name="王某",
        address=MOVED,
        business_scope=("日用百货零售",),
        office_code="office-01",
        issued_at="2026-03-06T02:00:00Z",
    )


def test_any_arrival_order_and_repetition_gives_the_in_order_state() -> None:
    in_order = domain.fold_licence([ISSUED, CHANGED, CANCELLED])
    assert in_order.cancelled and in_order.name == "王记便利店"
    for arrival in permutations([ISSUED, CHANGED, CANCELLED]):
        assert domain.fold_licence(arrival) == in_order
        assert domain.fold_licence([*arrival, *arrival]) == in_order


def test_a_change_arriving_before_the_issue() -> None:
    assert domain.fold_licence([CHANGED, ISSUED]) == domain.fold_licence([ISSUED, CHANGED])


def test_a_sequence_is_applied_once_even_with_other_data() -> None:
    copy = LicenceFact(2, "changed", {"name": "别的名字", "address": None, "business_scope": None})
    assert domain.fold_licence([ISSUED, CHANGED, copy]).name == "王记便利店"


def test_a_change_alone_is_not_an_issued_licence() -> None:
    state = domain.fold_licence([CHANGED])
    assert not state.issued
    assert state.name == "王记便利店"


def test_a_cancellation_first_still_cancels() -> None:
    assert domain.fold_licence([CANCELLED, ISSUED]).cancelled


# -- claim deadline ------------------------------------------------------------------------


def test_three_working_days_from_a_friday_skip_the_weekend() -> None:
    assert domain.claim_deadline(date(2026, 3, 6), 3) == date(2026, 3, 11)


def test_national_day_does_not_count() -> None:
    calendar = default_calendar()
    start = date(2026, 9, 30)
    due = domain.claim_deadline(start, 3)
    days = [start + timedelta(days=n) for n in range(1, (due - start).days + 1)]
    assert [day for day in days if calendar.is_workday(day)][-1] == due
    assert sum(calendar.is_workday(day) for day in days) == 3
    assert not any(calendar.is_workday(date(2026, 10, n)) for n in range(1, 8))
    assert due > date(2026, 10, 7)


def test_the_claim_time_limit_is_a_setting() -> None:
    assert domain.claim_deadline(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_overdue_only_when_assigned_and_past_the_deadline() -> None:
    deadline = date(2026, 3, 11)
    assert domain.is_overdue(HouseholdStatus.ASSIGNED, deadline, date(2026, 3, 12))
    assert not domain.is_overdue(HouseholdStatus.ASSIGNED, deadline, deadline)
    assert not domain.is_overdue(HouseholdStatus.CLAIMED, deadline, date(2026, 3, 12))
    assert not domain.is_overdue(HouseholdStatus.CANCELLED, deadline, date(2026, 3, 12))
    assert not domain.is_overdue(HouseholdStatus.ASSIGNED, None, date(2026, 3, 12))


# -- position agents -----------------------------------------------------------------------

AWAY = Delegation("inspector03", "inspector02", date(2026, 3, 9), date(2026, 3, 11))


@pytest.mark.parametrize(
    ("day", "agent"),
    [
        (date(2026, 3, 8), None),
        (date(2026, 3, 9), "inspector02"),
        (date(2026, 3, 11), "inspector02"),
        (date(2026, 3, 12), None),
    ],
)
def test_the_agent_acts_from_start_to_end_inclusive(day: date, agent: str | None) -> None:
    assert domain.agent_of("inspector03", [AWAY], day) == agent
    expected = {"inspector02", "inspector03"} if agent else {"inspector02"}
    assert domain.represented("inspector02", [AWAY], day) == expected


def test_the_latest_starting_delegation_wins() -> None:
    later = Delegation("inspector03", "inspector01", date(2026, 3, 10), date(2026, 3, 10))
    assert domain.agent_of("inspector03", [later, AWAY], date(2026, 3, 10)) == "inspector01"
    assert domain.agent_of("inspector01", [later, AWAY], date(2026, 3, 10)) is None


# -- scope ---------------------------------------------------------------------------------

DAY = date(2026, 3, 10)


def viewer(subject: str, role: str, office: str | None = None) -> Viewer:
    acts_for = domain.represented(subject, [AWAY], DAY)
    return Viewer(subject, frozenset({role}), office, acts_for)


@pytest.mark.parametrize(
    ("who", "sees", "acts"),
    [
        (viewer("inspector03", "grid_inspector", "office-03"), True, True),
        (viewer("inspector01", "grid_inspector", "office-03"), False, False),
        (viewer("inspector02", "grid_inspector", "office-02"), True, True),
        (viewer("head03", "office_head", "office-03"), True, False),
        (viewer("head01", "office_head", "office-01"), False, False),
        (viewer("auditor01", "auditor"), True, False),
        (viewer("admin", "admin"), True, False),
    ],
    ids=["owner", "other-inspector", "agent", "own-head", "other-head", "auditor", "admin"],
)
def test_who_may_see_and_act(who: Viewer, sees: bool, acts: bool) -> None:
    assert domain.may_see(who, owner="inspector03", office_id="office-03") is sees
    assert domain.may_act(who, owner="inspector03") is acts


def test_an_agent_whose_delegation_is_over_neither_sees_nor_acts() -> None:
    former_agent = Viewer(
        "inspector05", frozenset({"grid_inspector"}), "office-05", frozenset({"inspector05"})
    )
    assert not domain.may_see(former_agent, owner="inspector03", office_id="office-03")
    assert not domain.may_act(former_agent, owner="inspector03")
