"""Internal audits: what an audit must name, and which findings raise a nonconformity."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chassis.errors import RuleViolated
from services.qms.domain.audits import Audit

AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
CHECKLIST = (
    ("Are the claim deadlines of the grid watched daily?", "QP-07"),
    ("Is every inspection record signed?", None),
)


def planned(**changes: Any) -> Audit:
    given: dict[str, Any] = {
        "title": "Office 3, grid supervision",
        "process": "supervision",
        "office": "office-03",
        "planned_on": date(2026, 12, 3),
        "auditors": ("auditor01", "quality02"),
        "checklist": CHECKLIST,
        "by": "quality01",
        "at": AT,
    }
    return Audit.plan(uuid.uuid4(), **(given | changes))


def test_an_audit_numbers_its_checklist() -> None:
    audit = planned()
    assert [(i.number, i.reference) for i in audit.checklist] == [(1, "QP-07"), (2, None)]
    assert planned(process=None).office == "office-03"
    assert planned(office=None).process == "supervision"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"process": None, "office": None}, "process"),
        ({"auditors": ()}, "auditors"),
        ({"auditors": ("a", "a")}, "auditors"),
        ({"auditors": ("a", " ")}, "auditors.1"),
        ({"checklist": ()}, "checklist"),
        ({"checklist": (("  ", None),)}, "checklist.0.question"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_audit_is_refused_by_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(RuleViolated) as refused:
        planned(**changes)
    assert refused.value.field == field


def test_a_major_or_minor_finding_raises_a_nonconformity_an_observation_does_not() -> None:
    audit = planned()
    nc_id = uuid.uuid4()
    finding, origin = audit.record_finding(
        description="Three claims overdue unseen for a week",
        severity="major",
        checklist_item=1,
        by="quality01",
        at=AT,
        nonconformity_id=nc_id,
    )
    assert (finding.number, finding.nonconformity_id) == (1, nc_id)
    assert origin is not None
    assert (origin.source, origin.basis_code, origin.subject, origin.office) == (
        "audit_finding",
        "QP-07",
        str(audit.id),
        "office-03",
    )
    assert origin.evidence.basis == CHECKLIST[0][0]
    assert origin.once_key == f"audit_finding|{audit.id}|1"
    minor, minor_origin = audit.record_finding(
        description="One record unsigned",
        severity="minor",
        checklist_item=None,
        by="quality01",
        at=AT,
        nonconformity_id=uuid.uuid4(),
    )
    assert minor.nonconformity_id is not None
    assert minor_origin is not None and minor_origin.basis_code is None
    note, none = audit.record_finding(
        description="Photos could be labelled better",
        severity="observation",
        checklist_item=2,
        by="quality01",
        at=AT,
        nonconformity_id=uuid.uuid4(),
    )
    assert (note.number, note.nonconformity_id, none) == (3, None, None)
    assert [f.number for f in audit.findings] == [1, 2, 3]


def test_a_finding_names_an_item_of_the_checklist() -> None:
    audit = planned()
    with pytest.raises(RuleViolated) as refused:
        audit.record_finding(
            description="x",
            severity="minor",
            checklist_item=3,
            by="q",
            at=AT,
            nonconformity_id=uuid.uuid4(),
        )
    assert refused.value.field == "checklist_item"
    assert audit.findings == []
