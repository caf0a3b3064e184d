"""Reports computed from the records: the monthly work report (JSON and CSV with the same
numbers) compares each objective with its target and the month before and counts the month's
nonconformities and audit findings; the management review pack sums a span of months; each
reader sees their scope; a bad month is refused by name."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from chassis.legalclock.deadlines import shanghai_today
from contracts.examples import example
from contracts.licensing import LicenceIssued
from services.qms.domain.objectives import month_of, months_up_to
from services.qms.domain.reports import month_start
from tests.conftest import staff_bearer
from tests.qms.conftest import AUDITOR, MANAGER, Qms
from tests.qms.test_nonconformities import claim_overdue
from tests.qms.test_objectives import envelope_of, told

HEAD_03 = staff_bearer("head03", "office_head", office="office-03")
INSPECTOR = staff_bearer("inspector03", "grid_inspector", office="office-03")
REVIEWER = staff_bearer("quality02", "qms_manager", office="quality")
# The day the module is read: a run crossing Shanghai's midnight reads the clock again where
# a day must not be past (an action's due day).
TODAY = shanghai_today()
THIS = month_of(TODAY)
PREVIOUS = months_up_to(THIS, 2)[0]


def issued(same_day: bool, month: str, office: str) -> Any:
    licence = example(LicenceIssued).model_copy(
        update={
            "same_day": same_day,
            "after_hours": False,
            "office_code": office,
            "issued_at": month_start(month) + timedelta(minutes=5),
        }
    )
    return envelope_of(licence, "licensing")


async def ok(qms: Qms, path: str, headers: dict[str, str], **params: str) -> Any:
    answer = await qms.client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer


async def seed(qms: Qms) -> None:
    """Licences this month and the month before; a missed claim deadline (office-03); a
    person's nonconformity closed and one left open (office-07); an audit of office-03 this
    month with a major finding and an observation; a procedure approved."""
    await told(
        qms,
        *(issued(True, THIS, "office-03") for _ in range(3)),
        issued(False, THIS, "office-07"),
        issued(True, PREVIOUS, "office-03"),
        issued(False, PREVIOUS, "office-03"),
        envelope_of(claim_overdue("office-03"), "supervision"),
    )
    client = qms.client

    async def post(
        path: str, body: dict[str, Any] | None, headers: dict[str, str] = MANAGER
    ) -> Any:
        answer = await client.post(path, json=body, headers=headers)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    closing = await post("/nonconformities", {"subject": "QP-07", "description": "Late"})
    path = f"/nonconformities/{closing['id']}"
    action = {"description": "Remind", "owner": "head03", "due": str(shanghai_today())}
    await post(f"{path}/actions", action)
    await post(f"{path}/actions/1/done", None)
    await post(f"{path}/effectiveness", {"effective": True, "evidence": "none late since"})
    left = {"subject": "QP-08", "description": "Unsigned", "office": "office-07"}
    await post("/nonconformities", left)
    audit = {
        "title": "Office 3: grid supervision",
        "process": "supervision",
        "office": "office-03",
        "planned_on": str(TODAY),
        "auditors": ["auditor01"],
        "checklist": [{"question": "Are claim deadlines watched daily?"}],
    }
    planned = await post("/audits", audit)
    findings = f"/audits/{planned['id']}/findings"
    await post(findings, {"description": "Overdue claims unseen", "severity": "major"})
    await post(findings, {"description": "Captions", "severity": "observation"})
    procedure = {
        "kind": "procedure",
        "code": "QP-07",
        "title": "12315 投诉处理程序",
        "process": "complaints-12315",
        "text": "1. 受理。",
    }
    written = await post("/documents", procedure)
    await post(f"/documents/{written['id']}/versions/1/approve", None, REVIEWER)


def by_code(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["code"]: line for line in report["objectives"]}


def by_name(counts: list[dict[str, Any]]) -> dict[str | None, tuple[int, int, int]]:
    return {c["name"]: (c["raised"], c["closed"], c["open_at_end"]) for c in counts}


async def test_the_monthly_report_in_json_and_csv_for_the_bureau_and_an_office(qms: Qms) -> None:
    await seed(qms)
    bureau = (await ok(qms, "/reports/monthly", AUDITOR, month=THIS)).json()
    assert (bureau["month"], bureau["office"]) == (THIS, None)
    same_day = by_code(bureau)["licensing.same_day"]
    assert (same_day["numerator"], same_day["denominator"], same_day["value"]) == (3, 4, 0.75)
    assert (same_day["target"], same_day["status"]) == (0.9, "breached")
    assert (same_day["previous_value"], same_day["change"]) == (0.5, 0.25)
    assert len(same_day["series"]) == 12
    assert [m["value"] for m in same_day["series"][-2:]] == [0.5, 0.75]
    # The same figures as GET /objectives.
    figures = (await ok(qms, "/objectives", AUDITOR, period=THIS)).json()["items"]
    for figure in figures:
        line = by_code(bureau)[figure["code"]]
        assert (line["value"], line["status"]) == (figure["value"], figure["status"])
    assert by_name(bureau["nonconformities"]) == {
        "time_limit_rule": (1, 0, 1),
        "quality_objective": (0, 0, 0),
        "person": (2, 1, 1),
        "audit_finding": (1, 0, 1),
    }
    assert by_name([bureau["nonconformities_total"]]) == {None: (4, 1, 3)}
    (audit,) = bureau["audits"]
    assert (audit["office"], audit["planned_on"]) == ("office-03", str(TODAY))
    assert audit["findings"] == {"major": 1, "minor": 0, "observation": 1}
    assert bureau["findings"] == {"major": 1, "minor": 0, "observation": 1}

    answer = await ok(qms, "/reports/monthly", MANAGER, month=THIS, format="csv")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="qms-monthly-{THIS}-bureau.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    objective_rows = {r["name"]: r for r in rows if r["section"] == "objective"}
    assert set(objective_rows) == set(by_code(bureau))
    row = objective_rows["licensing.same_day"]
    assert (row["value"], row["numerator"], row["denominator"], row["status"]) == (
        "0.75",
        "3",
        "4",
        "breached",
    )
    assert (float(row["previous_value"]), float(row["change"])) == (0.5, 0.25)
    counted = {
        r["name"]: (int(r["raised"]), int(r["closed"]), int(r["open_at_end"]))
        for r in rows
        if r["section"] == "nonconformities"
    }
    assert counted == by_name(bureau["nonconformities"]) | {"total": (4, 1, 3)}

    # An office's report: its own figures, nonconformities and audits.
    office = (await ok(qms, "/reports/monthly", MANAGER, month=THIS, office="office-03")).json()
    same_day = by_code(office)["licensing.same_day"]
    assert (same_day["value"], same_day["previous_value"], same_day["change"]) == (1.0, 0.5, 0.5)
    assert same_day["status"] == "met"
    assert by_name(office["nonconformities"])["time_limit_rule"] == (1, 0, 1)
    assert by_name(office["nonconformities"])["person"] == (0, 0, 0)
    assert [a["id"] for a in office["audits"]] == [audit["id"]]
    other = (await ok(qms, "/reports/monthly", MANAGER, month=THIS, office="office-07")).json()
    assert other["audits"] == [] and by_name(other["nonconformities"])["person"] == (1, 0, 1)
    # The month before: its own figure, nothing raised yet.
    before = (await ok(qms, "/reports/monthly", AUDITOR, month=PREVIOUS)).json()
    assert by_code(before)["licensing.same_day"]["value"] == 0.5
    assert by_name([before["nonconformities_total"]]) == {None: (0, 0, 0)}


async def test_an_office_head_reads_their_own_office_s_report_only(qms: Qms) -> None:
    await seed(qms)
    mine = (await ok(qms, "/reports/monthly", HEAD_03, month=THIS)).json()
    named = (await ok(qms, "/reports/monthly", HEAD_03, month=THIS, office="office-03")).json()
    assert (
        mine
        == named
        == (await ok(qms, "/reports/monthly", AUDITOR, month=THIS, office="office-03")).json()
    )
    assert mine["office"] == "office-03"
    client = qms.client
    params = {"month": THIS, "office": "office-07"}
    assert (await client.get("/reports/monthly", params=params, headers=HEAD_03)).status_code == 404
    for csv_too in ({}, {"format": "csv"}):
        answer = await client.get(
            "/reports/monthly", params={"month": THIS} | csv_too, headers=INSPECTOR
        )
        assert answer.status_code == 403
    pack = {"from": THIS, "to": THIS}
    assert (await client.get("/reviews/pack", params=pack, headers=HEAD_03)).status_code == 403


async def test_a_bad_month_or_span_is_refused_by_name(qms: Qms) -> None:
    client = qms.client
    for month in ("2026-13", "2026-1", "26-01", "1999-12", "2026-00", "abcd-ef"):
        answer = await client.get("/reports/monthly", params={"month": month}, headers=MANAGER)
        assert answer.status_code == 422, month
        assert answer.json()["errors"][0]["field"] == "query.month"
    answer = await client.get("/reports/monthly", headers=MANAGER)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "query.month"
    answer = await client.get(
        "/reports/monthly", params={"month": THIS, "format": "pdf"}, headers=MANAGER
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "query.format"
    for span, field in (
        ({"from": "2026-13", "to": "2026-12"}, "query.from"),
        ({"from": "2026-01", "to": "2026-1"}, "query.to"),
        ({"from": "2026-05", "to": "2026-04"}, "query.to"),
        ({"from": "2020-01", "to": "2026-12"}, "query.to"),
    ):
        answer = await client.get("/reviews/pack", params=span, headers=AUDITOR)
        assert answer.status_code == 422, span
        assert answer.json()["errors"][0]["field"] == field


async def test_the_management_review_pack_sums_the_span(qms: Qms) -> None:
    await seed(qms)
    pack = (await ok(qms, "/reviews/pack", AUDITOR, **{"from": PREVIOUS, "to": THIS})).json()
    assert (pack["first"], pack["last"]) == (PREVIOUS, THIS)
    same_day = by_code(pack)["licensing.same_day"]
    assert (same_day["numerator"], same_day["denominator"], same_day["value"]) == (4, 6, 0.6667)
    assert (same_day["status"], same_day["months_breached"]) == ("breached", 2)
    assert [(m["period"], m["value"]) for m in same_day["series"]] == [
        (PREVIOUS, 0.5),
        (THIS, 0.75),
    ]
    assert by_name(pack["nonconformities_by_source"])["person"] == (2, 1, 1)
    assert by_name(pack["nonconformities_by_office"]) == {
        "office-03": (2, 0, 2),
        None: (1, 1, 0),
        "office-07": (1, 0, 1),
    }
    assert by_name([pack["nonconformities_total"]]) == {None: (4, 1, 3)}
    # Actions are due today at the earliest: none is overdue yet.
    assert pack["overdue_actions"] == []
    assert [a["title"] for a in pack["audits"]] == ["Office 3: grid supervision"]
    assert pack["findings"] == {"major": 1, "minor": 0, "observation": 1}
    (changed,) = pack["documents_changed"]
    assert (changed["code"], changed["version"], changed["approver"]) == ("QP-07", 1, "quality02")
    # A span before any of it: nothing raised, nothing approved.
    earlier = months_up_to(PREVIOUS, 2)[0]
    old = (await ok(qms, "/reviews/pack", MANAGER, **{"from": earlier, "to": earlier})).json()
    assert old["documents_changed"] == [] and old["audits"] == []
    assert by_name([old["nonconformities_total"]]) == {None: (0, 0, 0)}
