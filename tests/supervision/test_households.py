"""Households opened from licensing's events, routed to their grid's owner, claimed."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import httpx
import sqlalchemy as sa

from chassis.legalclock import shanghai_today
from contracts import Envelope
from contracts.licensing import LicenceCancelled, LicenceChanged
from contracts.values import Address, CreditCode, GeoPoint
from services.supervision.tables import delegations
from tests.conftest import directory_knows, handled, person, publish
from tests.supervision.conftest import (
    ADMIN,
    AUDITOR,
    GRIDS,
    UNKNOWN_COMMUNITY,
    Supervision,
    assigned_times,
    assignments,
    file_of,
    head,
    household_where,
    inspector,
    issued,
    licence_issued,
    new_credit_code,
    standby,
)

NOWHERE = (103.5, 30.0)  # a point in no grid


async def test_a_new_licence_becomes_a_household_of_the_grid_owner(
    supervision: Supervision,
) -> None:
    grid = GRIDS["inspector01"]
    code = new_credit_code()
    await supervision.licensing_publishes(
        licence_issued(code, lon=104.015, lat=30.735, community=grid["community_codes"][0]), 1
    )
    household = await supervision.household(code)
    assert household["status"] == "assigned"
    assert household["grid_id"] == grid["id"]
    assert household["owner"] == "inspector01"
    assert household["routed_by"] == "point"
    mine = await supervision.client.get(f"/households/{code}", headers=inspector(1))
    assert mine.status_code == 200
    theirs = await supervision.client.get(f"/households/{code}", headers=inspector(2))
    assert theirs.status_code == 404
    claimed = await supervision.client.post(f"/households/{code}/claim", headers=inspector(1))
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["status"] == "claimed"
    assigned = await supervision.published("supervision.household.assigned", code)
    assert [e["data"]["owner"] for e in assigned] == ["inspector01"]


# -- helpers -------------------------------------------------------------------------------


async def unrouted(supervision: Supervision, office: str) -> str:
    """A licence issued by `office` for an address in no grid and no known community."""
    code = new_credit_code()
    event = licence_issued(code, lon=NOWHERE[0], lat=NOWHERE[1], community=UNKNOWN_COMMUNITY)
    await supervision.licensing_publishes(event.model_copy(update={"office_code": office}), 1)
    await household_where(supervision, code, status="unrouted")
    return code


def address_in(owner: int, lon: float, lat: float) -> Address:
    community = GRIDS[f"inspector{owner:02d}"]["community_codes"][0]
    return Address(
        text="示范区新址路 8 号", community_code=community, location=GeoPoint(lon=lon, lat=lat)
    )


async def set_delegation_dates(supervision: Supervision, delegation_id: str, day: date) -> None:
    """Make a delegation run on `day` only, directly in the database."""
    async with supervision.transaction() as connection:
        await connection.execute(
            sa.update(delegations)
            .where(delegations.c.id == uuid.UUID(delegation_id))
            .values(start=day, end=day)
        )


# -- routing through the bus ---------------------------------------------------------------


async def test_a_point_on_a_border_goes_to_the_lower_grid(supervision: Supervision) -> None:
    # lon 104.03 is the border of inspector04's grid (west) and inspector05's (east).
    code = await issued(supervision, 5, point=(104.03, 30.705))
    [assigned] = await assigned_times(supervision, code, 1)
    assert assigned["grid_code"] == GRIDS["inspector04"]["id"]
    assert assigned["owner"] == "inspector04"
    household = await household_where(supervision, code, status="assigned")
    assert household["routed_by"] == "point"


async def test_only_a_community_code_routes_to_the_grid_covering_it(
    supervision: Supervision,
) -> None:
    code = await issued(supervision, 6, point=None, community=1)
    [assigned] = await assigned_times(supervision, code, 1)
    assert assigned["owner"] == "inspector06"
    assert assigned["agent"] is None
    household = await household_where(supervision, code, status="assigned")
    assert household["grid_id"] == GRIDS["inspector06"]["id"]
    assert household["routed_by"] == "community"
    assert household["claim_deadline"] == assigned["claim_deadline"]


async def test_an_unrouted_household_is_assigned_by_its_office_head(
    supervision: Supervision,
) -> None:
    code = await unrouted(supervision, "office-01")
    household = await household_where(supervision, code)
    assert (household["owner"], household["grid_id"], household["routed_by"]) == (
        None,
        None,
        "none",
    )
    assert household["office_id"] == "office-01"
    for outsider in (inspector(1), head(2)):
        hidden = await supervision.client.get(f"/households/{code}", headers=outsider)
        assert hidden.status_code == 404
    queue = await supervision.client.get("/households?status=unrouted", headers=head(1))
    assert code in [h["credit_code"] for h in queue.json()["households"]]

    grid = GRIDS["inspector01"]["id"]
    answer = await supervision.client.post(
        f"/households/{code}/assign", json={"grid_id": grid}, headers=head(1)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["owner"] == "inspector01"
    assert answer.json()["routed_by"] == "hand"
    [assigned] = await assigned_times(supervision, code, 1)
    assert (assigned["grid_code"], assigned["owner"]) == (grid, "inspector01")
    mine = await supervision.client.get(f"/households/{code}", headers=inspector(1))
    assert mine.json()["status"] == "assigned"


async def test_an_office_head_assigns_only_to_their_own_office(supervision: Supervision) -> None:
    code = await unrouted(supervision, "office-05")
    elsewhere = await supervision.client.post(
        f"/households/{code}/assign", json={"grid_id": GRIDS["inspector01"]["id"]}, headers=head(5)
    )
    assert elsewhere.status_code == 403
    assert elsewhere.headers["content-type"] == "application/problem+json"
    not_theirs = await supervision.client.post(
        f"/households/{code}/assign", json={"grid_id": GRIDS["inspector01"]["id"]}, headers=head(1)
    )
    assert not_theirs.status_code == 404
    unknown = await supervision.client.post(
        f"/households/{code}/assign", json={"grid_id": "510106009009001"}, headers=head(5)
    )
    assert unknown.status_code == 422
    assert (await household_where(supervision, code))["status"] == "unrouted"
    assert assignments(supervision, code) == []


# -- duplicates and disorder ---------------------------------------------------------------


async def disorderly_licence(supervision: Supervision) -> str:
    """A licence whose events arrive changed-first, redelivered, copied, cancelled, late."""
    code = new_credit_code()
    changed = LicenceChanged(
        credit_code=CreditCode(code), name="王记便利店", changed_at=datetime.now(UTC)
    )
    await supervision.licensing_publishes(changed, 2)
    await household_where(supervision, code, name="王记便利店", owner=None)

    grid = GRIDS["inspector07"]
    issued_once = Envelope.wrap(
        licence_issued(code, lon=104.015, lat=30.675, community=grid["community_codes"][0]),
        source="licensing",
        sequence=1,
    )
    await publish(supervision.settings.bus_prefix, issued_once)
    await publish(supervision.settings.bus_prefix, issued_once)
    copy = await supervision.licensing_publishes(changed, 2)  # under a new envelope id
    await assigned_times(supervision, code, 1)
    await handled(supervision.settings.database_url, issued_once.id, copy)
    household = await household_where(supervision, code, status="assigned")
    assert (household["name"], household["owner"]) == ("王记便利店", "inspector07")
    assert len(assignments(supervision, code)) == 1

    cancelled = LicenceCancelled(
        credit_code=CreditCode(code), cancelled_at=datetime.now(UTC), reason="歇业"
    )
    await supervision.licensing_publishes(cancelled, 3)
    await household_where(supervision, code, status="cancelled")
    late = await supervision.licensing_publishes(changed, 2)  # a late copy of the old change
    await handled(supervision.settings.database_url, late)
    return code


async def test_duplicates_and_disorder_leave_one_household_in_the_right_state(
    supervision: Supervision,
) -> None:
    code = await disorderly_licence(supervision)
    household = await household_where(supervision, code)
    assert (household["status"], household["name"]) == ("cancelled", "王记便利店")
    assert household["operator_name"] == "王某"
    listed = await supervision.client.get(
        f"/households?grid_id={GRIDS['inspector07']['id']}", headers=AUDITOR
    )
    assert [h["credit_code"] for h in listed.json()["households"]].count(code) == 1
    assert len(assignments(supervision, code)) == 1


async def test_the_file_keeps_each_licence_event_once(supervision: Supervision) -> None:
    code = await disorderly_licence(supervision)
    kinds = Counter(entry["kind"] for entry in await file_of(supervision, code))
    # changed (2), issued (1) and cancelled (3), whatever arrived twice; one assignment.
    assert kinds == {"licence": 3, "assignment": 1}


# -- an address change ---------------------------------------------------------------------


async def test_an_address_change_moves_the_household_keeping_its_history(
    supervision: Supervision,
) -> None:
    code = await issued(supervision, 8, point=(104.045, 30.675))
    await assigned_times(supervision, code, 1)
    claimed = await supervision.client.post(f"/households/{code}/claim", headers=inspector(8))
    assert claimed.status_code == 200, claimed.text

    moved = LicenceChanged(
        credit_code=CreditCode(code),
        address=address_in(9, 104.075, 30.675),
        changed_at=datetime.now(UTC),
    )
    await supervision.licensing_publishes(moved, 2)
    first, second = await assigned_times(supervision, code, 2)
    assert (first["owner"], second["owner"]) == ("inspector08", "inspector09")
    assert second["grid_code"] == GRIDS["inspector09"]["id"]

    now = await supervision.client.get(f"/households/{code}", headers=inspector(9))
    assert now.status_code == 200
    assert (now.json()["owner"], now.json()["status"]) == ("inspector09", "assigned")
    assert now.json()["address"]["text"] == "示范区新址路 8 号"
    before = await supervision.client.get(f"/households/{code}", headers=inspector(8))
    assert before.status_code == 404
    story = [(e["kind"], e.get("owner")) for e in await file_of(supervision, code)]
    assert ("assignment", "inspector08") in story
    assert ("claim", None) in story
    assert story.index(("assignment", "inspector09")) > story.index(("claim", None))


# -- position agents -----------------------------------------------------------------------


async def test_the_agent_sees_and_claims_the_officers_new_household(
    supervision: Supervision,
) -> None:
    today = shanghai_today()
    span = (today, today + timedelta(days=2))
    named = await supervision.delegate("inspector03", "standby03", span, head(3))
    assert named.status_code == 201, named.text

    code = await issued(supervision, 3, point=(104.075, 30.735))
    [assigned] = await assigned_times(supervision, code, 1)
    assert (assigned["owner"], assigned["agent"]) == ("inspector03", "standby03")
    seen = await supervision.client.get(f"/households/{code}", headers=standby(3))
    assert seen.status_code == 200
    assert seen.json()["agent"] == "standby03"
    hidden = await supervision.client.get(f"/households/{code}", headers=inspector(1))
    assert hidden.status_code == 404
    claimed = await supervision.client.post(f"/households/{code}/claim", headers=standby(3))
    assert claimed.status_code == 200, claimed.text
    assert (claimed.json()["status"], claimed.json()["claimed_by"]) == ("claimed", "standby03")


async def test_a_delegation_ending_before_it_starts_is_refused_naming_the_field(
    supervision: Supervision,
) -> None:
    today = shanghai_today()
    span = (today, today - timedelta(days=1))
    answer = await supervision.delegate("inspector03", "inspector02", span, head(3))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in answer.json()["errors"]] == ["body.end"]


async def test_a_head_names_no_agent_for_another_offices_inspector(
    supervision: Supervision,
) -> None:
    today = shanghai_today()
    answer = await supervision.delegate("inspector05", "inspector01", (today, today), head(1))
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    for officer, agent in (("inspector01", "inspector05"), ("inspector01", "nobody01")):
        refused = await supervision.delegate(officer, agent, (today, today), head(1))
        assert refused.status_code == 403, refused.text
    listed = await supervision.client.get("/delegations", headers=inspector(5))
    assert [d for d in listed.json()["delegations"] if d["agent"] == "inspector01"] == []


async def test_a_delegation_longer_than_the_configured_days_is_refused_naming_the_field(
    supervision: Supervision,
) -> None:
    today = shanghai_today()
    month = (today, today + timedelta(days=29))
    named = await supervision.delegate("inspector04", "standby04", month, head(4))
    assert named.status_code == 201, named.text
    longer = (today, today + timedelta(days=30))
    answer = await supervision.delegate("inspector04", "standby04", longer, head(4))
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("body.end", "too_long")


async def test_the_directory_follows_person_changed_through_the_bus(
    supervision: Supervision,
) -> None:
    today = shanghai_today()
    await directory_knows(supervision.settings, person("standby06", "grid_inspector", None))
    moved = await supervision.delegate("inspector06", "standby06", (today, today), head(6))
    assert moved.status_code == 403, moved.text
    await directory_knows(supervision.settings, person("standby06", "grid_inspector", "office-06"))
    back = await supervision.delegate("inspector06", "standby06", (today, today), head(6))
    assert back.status_code == 201, back.text
    # An older event arriving late (a redelivery, a replay) changes nothing.
    stale = person("standby06", "grid_inspector", "office-06", active=False)
    late = Envelope.wrap(stale, source="identity", sequence=1)
    await publish(supervision.settings.bus_prefix, late)
    await handled(supervision.settings.database_url, late.id)
    again = await supervision.delegate("inspector06", "standby06", (today, today), head(6))
    assert again.status_code == 201, again.text
    gone = person("standby06", "grid_inspector", "office-06", active=False)
    await directory_knows(supervision.settings, gone)
    refused = await supervision.delegate("inspector06", "standby06", (today, today), head(6))
    assert refused.status_code == 403, refused.text


async def test_each_finds_the_delegations_they_are_part_of(supervision: Supervision) -> None:
    today = shanghai_today()
    for agent, span in (
        ("inspector12", (today, today)),
        ("inspector13", (today + timedelta(days=7), today + timedelta(days=9))),
    ):
        answer = await supervision.delegate("inspector11", agent, span, ADMIN)
        assert answer.status_code == 201, answer.text

    def pairs(answer: httpx.Response) -> set[tuple[str, str]]:
        assert answer.status_code == 200, answer.text
        return {(d["officer"], d["agent"]) for d in answer.json()["delegations"]}

    mine = await supervision.client.get("/delegations", headers=inspector(11))
    assert pairs(mine) == {("inspector11", "inspector12"), ("inspector11", "inspector13")}
    today_only = await supervision.client.get(
        "/delegations", params={"on": str(today)}, headers=inspector(11)
    )
    assert pairs(today_only) == {("inspector11", "inspector12")}
    as_agent = await supervision.client.get("/delegations", headers=inspector(13))
    assert pairs(as_agent) == {("inspector11", "inspector13")}
    outsider = await supervision.client.get("/delegations", headers=inspector(14))
    assert pairs(outsider) == set()
    everyone = await supervision.client.get("/delegations", headers=AUDITOR)
    assert {("inspector11", "inspector12"), ("inspector11", "inspector13")} <= pairs(everyone)


async def test_a_former_agent_no_longer_sees_the_officers_households(
    supervision: Supervision,
) -> None:
    today = shanghai_today()
    named = await supervision.delegate("inspector07", "standby07", (today, today), ADMIN)
    assert named.status_code == 201, named.text
    code = await issued(supervision, 7, point=(104.005, 30.665))
    [assigned] = await assigned_times(supervision, code, 1)
    assert assigned["agent"] == "standby07"

    # The delegation is over (as it will be tomorrow): the agent acts for nobody any more.
    await set_delegation_dates(supervision, named.json()["id"], today - timedelta(days=1))
    gone = await supervision.client.get(f"/households/{code}", headers=standby(7))
    assert gone.status_code == 404
    refused = await supervision.client.post(f"/households/{code}/claim", headers=standby(7))
    assert refused.status_code == 404


# -- scope ---------------------------------------------------------------------------------


async def test_each_sees_and_acts_within_their_scope(supervision: Supervision) -> None:
    code = await issued(supervision, 4, point=(104.015, 30.705))
    await assigned_times(supervision, code, 1)
    grid = GRIDS["inspector04"]["id"]

    async def listed(who: dict[str, str]) -> list[str]:
        answer = await supervision.client.get(f"/households?grid_id={grid}", headers=who)
        assert answer.status_code == 200, answer.text
        return [h["credit_code"] for h in answer.json()["households"]]

    assert code in await listed(inspector(4))
    assert await listed(inspector(5)) == []
    assert code in await listed(AUDITOR)
    assert code in await listed(head(4))
    assert await listed(head(5)) == []

    hidden = await supervision.client.post(f"/households/{code}/claim", headers=inspector(5))
    assert hidden.status_code == 404
    head_claims = await supervision.client.post(f"/households/{code}/claim", headers=head(4))
    assert head_claims.status_code == 403
    auditor_claims = await supervision.client.post(f"/households/{code}/claim", headers=AUDITOR)
    assert auditor_claims.status_code == 403
    owner_claims = await supervision.client.post(f"/households/{code}/claim", headers=inspector(4))
    assert owner_claims.status_code == 200, owner_claims.text
    again = await supervision.client.post(f"/households/{code}/claim", headers=inspector(4))
    assert again.status_code == 409
