"""A ticket's steps as its handler takes them: each on the record with who and when, the legal
clocks kept, the events published, and illegal steps or bad bodies refused with nothing
changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chassis.legalclock import shanghai_today
from tests.complaints.conftest import (
    DESK,
    Complaints,
    fields_of,
    refused,
)
from tests.conftest import tapping

SETTLED = {"outcome": "settled", "summary": "商家同意退款 38 元"}


def actions(ticket: dict[str, Any]) -> list[str]:
    return [entry["action"] for entry in ticket["history"]]


def met_on(ticket: dict[str, Any]) -> dict[str, str | None]:
    """Each deadline's rule and the day it was kept (None: still running)."""
    return {d["rule"]: d["met_on"] for d in ticket["deadlines"]}


async def received_complaint(complaints: Complaints) -> str:
    (ticket,) = (await complaints.submit())["tickets"]
    return str(ticket["id"])


async def test_a_settled_complaint_from_receipt_to_follow_up(complaints: Complaints) -> None:
    started = datetime.now(UTC)
    async with tapping(complaints.settings.bus_prefix, "complaints.ticket.#") as tap:
        ticket_id = await received_complaint(complaints)
        accepted = await complaints.act(ticket_id, "accept")
        assert accepted["status"] == "accepted"
        assert [d["rule"] for d in accepted["deadlines"]] == [
            "complaints.accept",
            "complaints.mediation",
        ]
        assert (await complaints.act(ticket_id, "mediation", SETTLED))["status"] == "settled"
        replied = await complaints.act(ticket_id, "reply", {"text": "已退款，请查收"})
        assert replied["status"] == "replied"
        assert (await complaints.act(ticket_id, "close"))["status"] == "closed"
        await tap.wait_for("complaints.ticket.closed")
        followed = await complaints.act(
            ticket_id, "follow-up", {"satisfaction": 5, "remarks": "满意"}
        )
        assert (followed["status"], followed["satisfaction"]) == ("followed_up", 5)
        await tap.wait_for("complaints.ticket.followed_up")

    ticket = await complaints.ticket(ticket_id)
    assert actions(ticket) == [
        "received",
        "accepted",
        "mediation_started",
        "mediation_ended",
        "replied",
        "closed",
        "followed_up",
    ]
    finished = datetime.now(UTC)
    for entry in ticket["history"]:
        assert entry["by"] == "handler01"  # the desk's handler took every step
        assert started <= datetime.fromisoformat(entry["at"]) <= finished
    ended = ticket["history"][3]
    assert ended["details"] == SETTLED
    assert ticket["history"][-1]["details"] == {"satisfaction": "5", "remarks": "满意"}
    today = shanghai_today().isoformat()
    assert met_on(ticket) == {
        "complaints.accept": today,
        "complaints.mediation": today,
        "complaints.mediation_notice": today,
    }
    for deadline in ticket["deadlines"]:
        assert deadline["due"] > today and "art. " in deadline["basis"]

    mine = [e for e in tap.envelopes if e["subject"] == ticket_id]
    (accepted_event,) = [e for e in mine if e["type"] == "complaints.ticket.accepted"]
    (closed_event,) = [e for e in mine if e["type"] == "complaints.ticket.closed"]
    assert accepted_event["data"]["kind"] == "complaint"
    assert closed_event["data"]["outcome"] == "settled"
    # The satisfaction told goes to the quality system; who told it does not.
    (followed_event,) = [e for e in mine if e["type"] == "complaints.ticket.followed_up"]
    assert followed_event["data"] == {
        "ticket_id": ticket_id,
        "kind": "complaint",
        "credit_code": None,
        "satisfaction": 5,
        "followed_up_at": followed_event["data"]["followed_up_at"],
    }


async def test_a_terminated_mediation_closes_as_terminated(complaints: Complaints) -> None:
    async with tapping(complaints.settings.bus_prefix, "complaints.ticket.closed.#") as tap:
        ticket_id = await received_complaint(complaints)
        await complaints.act(ticket_id, "accept")
        ended = await complaints.act(
            ticket_id, "mediation", {"outcome": "terminated", "summary": "双方未达成一致"}
        )
        assert ended["status"] == "terminated"
        await complaints.act(ticket_id, "reply", {"text": "调解终止，可向法院起诉"})
        await complaints.act(ticket_id, "close")
        await tap.wait_for("complaints.ticket.closed")
    (closed,) = [e for e in tap.envelopes if e["subject"] == ticket_id]
    assert closed["data"]["outcome"] == "terminated"


async def test_a_rejection_names_why_and_who_is_competent(complaints: Complaints) -> None:
    refusal = {
        "reasons": "属于劳动争议，不属于市场监管部门职责",
        "competent_body": "区劳动人事争议仲裁院",
    }
    async with tapping(complaints.settings.bus_prefix, "complaints.ticket.#") as tap:
        ticket_id = await received_complaint(complaints)
        rejected = await complaints.act(ticket_id, "reject", refusal)
        assert rejected["status"] == "rejected"
        assert rejected["history"][-1]["action"] == "rejected"
        assert rejected["history"][-1]["details"] == refusal
        assert met_on(rejected)["complaints.accept"] == shanghai_today().isoformat()
        await complaints.act(ticket_id, "close")
        await tap.wait_for("complaints.ticket.closed")
    mine = {e["type"]: e["data"] for e in tap.envelopes if e["subject"] == ticket_id}
    assert mine["complaints.ticket.rejected"]["competent_body"] == "区劳动人事争议仲裁院"
    assert mine["complaints.ticket.closed"]["outcome"] == "rejected"
    assert "complaints.ticket.accepted" not in mine


async def test_a_dissatisfied_party_asks_to_reopen_and_the_handler_decides(
    complaints: Complaints,
) -> None:
    ticket_id = await received_complaint(complaints)
    for step, body in (("accept", None), ("mediation", SETTLED), ("reply", {"text": "已处理"})):
        await complaints.act(ticket_id, step, body)
    await complaints.act(ticket_id, "close")
    asked = await complaints.act(
        ticket_id,
        "follow-up",
        {"satisfaction": 1, "remarks": "退款未到账", "reopen_reason": "商家未履行调解协议"},
    )
    assert (asked["status"], asked["satisfaction"], asked["reopen_requested"]) == (
        "followed_up",
        1,
        True,
    )
    reopened = await complaints.act(
        ticket_id, "reopen", {"reopen": True, "reason": "核实商家未退款，重新受理"}
    )
    assert (reopened["status"], reopened["reopen_requested"]) == ("accepted", False)
    assert actions(reopened)[-3:] == ["followed_up", "reopen_asked", "reopened"]
    assert reopened["history"][-2]["details"] == {"reason": "商家未履行调解协议"}
    assert reopened["history"][-1]["details"] == {"reason": "核实商家未退款，重新受理"}
    assert reopened["history"][-1]["by"] == "handler01"
    # Nobody asks twice: a second decision is refused.
    again = await complaints.client.post(
        f"/tickets/{ticket_id}/reopen", json={"reopen": True, "reason": "再次"}, headers=DESK
    )
    refused(again, 409)
    # Mediated again, the reopened complaint closes once more.
    await complaints.act(ticket_id, "mediation", SETTLED)
    await complaints.act(ticket_id, "reply", {"text": "已退款到账"})
    assert (await complaints.act(ticket_id, "close"))["status"] == "closed"


async def test_a_refused_reopening_stays_on_the_record(complaints: Complaints) -> None:
    ticket_id = await received_complaint(complaints)
    await complaints.act(ticket_id, "reject", {"reasons": "无具体诉求", "competent_body": "无"})
    await complaints.act(ticket_id, "close")
    satisfied = {"satisfaction": 5, "reopen_reason": "想再谈谈"}
    answer = await complaints.client.post(
        f"/tickets/{ticket_id}/follow-up", json=satisfied, headers=DESK
    )
    refused(answer, 409)  # only a dissatisfied party may ask; the follow-up is not kept either
    assert (await complaints.ticket(ticket_id))["status"] == "closed"
    await complaints.act(ticket_id, "follow-up", {"satisfaction": 2, "reopen_reason": "理由不充分"})
    kept = await complaints.act(
        ticket_id, "reopen", {"reopen": False, "reason": "不属于本部门职责，已告知"}
    )
    assert (kept["status"], kept["reopen_requested"], kept["satisfaction"]) == (
        "followed_up",
        False,
        2,
    )
    assert actions(kept)[-1] == "reopen_refused"


async def test_a_consultation_or_suggestion_is_answered_and_closed(
    complaints: Complaints,
) -> None:
    for kind in ("consultation", "suggestion"):
        (ticket,) = (await complaints.submit(kinds=[kind]))["tickets"]
        ticket_id = ticket["id"]
        assert ticket["deadlines"] == []
        for step, body in (
            ("accept", None),
            ("reject", {"reasons": "x", "competent_body": "y"}),
            ("mediation", SETTLED),
        ):
            answer = await complaints.client.post(
                f"/tickets/{ticket_id}/{step}", json=body, headers=DESK
            )
            assert kind in refused(answer, 409)["detail"], (kind, step)
        await complaints.act(ticket_id, "reply", {"text": "依据《消费者权益保护法》第二十四条……"})
        closed = await complaints.act(ticket_id, "close")
        assert closed["status"] == "closed"
        assert actions(closed) == ["received", "replied", "closed"]
        follow = await complaints.client.post(
            f"/tickets/{ticket_id}/follow-up", json={"satisfaction": 4}, headers=DESK
        )
        refused(follow, 409)


async def test_illegal_steps_are_conflicts_and_nothing_changes(complaints: Complaints) -> None:
    ticket_id = await received_complaint(complaints)
    illegal = {
        "close": None,
        "reply": {"text": "未受理就答复"},
        "mediation": SETTLED,
        "follow-up": {"satisfaction": 3},
        "reopen": {"reopen": True, "reason": "无人申请"},
    }
    for step, body in illegal.items():
        answer = await complaints.client.post(
            f"/tickets/{ticket_id}/{step}", json=body, headers=DESK
        )
        refused(answer, 409)
    await complaints.act(ticket_id, "accept")
    twice = await complaints.client.post(f"/tickets/{ticket_id}/accept", headers=DESK)
    refused(twice, 409)
    ticket = await complaints.ticket(ticket_id)
    assert (ticket["status"], actions(ticket)) == ("accepted", ["received", "accepted"])
    unknown = await complaints.client.post(
        "/tickets/00000000-0000-4000-8000-000000000000/accept", headers=DESK
    )
    refused(unknown, 404)


async def test_bad_bodies_are_refused_naming_the_field(complaints: Complaints) -> None:
    ticket_id = await received_complaint(complaints)
    await complaints.act(ticket_id, "accept")
    bad = {
        "reject": ({"reasons": "不属于本部门"}, "body.competent_body"),
        "mediation": ({"outcome": "won", "summary": "x"}, "body.outcome"),
        "follow-up": ({"satisfaction": 6}, "body.satisfaction"),
        "handover": ({"to": "handler02", "reason": ""}, "body.reason"),
        "reopen": ({"reason": "缺少决定"}, "body.reopen"),
    }
    for step, (body, field) in bad.items():
        answer = await complaints.client.post(
            f"/tickets/{ticket_id}/{step}", json=body, headers=DESK
        )
        assert field in fields_of(refused(answer, 422)), (step, answer.text)
    ticket = await complaints.ticket(ticket_id)
    assert (ticket["status"], actions(ticket)) == ("accepted", ["received", "accepted"])
    # Blank text passes the schema; the rules refuse it by name.
    (consultation,) = (await complaints.submit(kinds=["consultation"]))["tickets"]
    blank = await complaints.client.post(
        f"/tickets/{consultation['id']}/reply", json={"text": "   "}, headers=DESK
    )
    assert fields_of(refused(blank, 422)) == ["body.text"]
    assert (await complaints.ticket(consultation["id"]))["status"] == "received"
