"""Internal audits (内部审核), ISO 9001 clause 9.2: the programme of audits, each with its
scope (a process, an office or both), planned day, auditors and checklist, and its findings.

A major or minor finding is a nonconformity: it is raised with the finding, once per finding;
an observation is only noted (an opportunity for improvement).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from chassis.errors import RuleViolated
from services.qms.domain.nonconformities import (
    CODE_MAX,
    OFFICE_MAX,
    Evidence,
    Origin,
    text,
)

Severity = Literal["major", "minor", "observation"]
NONCONFORMING: frozenset[Severity] = frozenset({"major", "minor"})
TITLE_MAX = 200
QUESTION_MAX = 1000


@dataclass(frozen=True)
class ChecklistItem:
    """One question the auditors ask, and the requirement it checks (an ISO 9001 clause, a
    procedure's or a legal rule's code), when it names one."""

    number: int
    question: str
    reference: str | None = None


@dataclass(frozen=True)
class Finding:
    """What the audit found against a checklist item (or outside the checklist)."""

    number: int
    description: str
    severity: Severity
    checklist_item: int | None
    recorded_by: str
    recorded_at: datetime
    nonconformity_id: uuid.UUID | None = None


@dataclass
class Audit:
    """An entry of the audit programme and what it found."""

    id: uuid.UUID
    title: str
    process: str | None
    office: str | None
    planned_on: date
    auditors: tuple[str, ...]
    checklist: tuple[ChecklistItem, ...]
    planned_by: str
    planned_at: datetime
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def plan(
        cls,
        audit_id: uuid.UUID,
        *,
        title: str,
        process: str | None,
        office: str | None,
        planned_on: date,
        auditors: tuple[str, ...],
        checklist: tuple[tuple[str, str | None], ...],
        by: str,
        at: datetime,
    ) -> Audit:
        """An audit of a process, an office or both, with at least one auditor and question."""
        text("title", title, TITLE_MAX)
        if process is None and office is None:
            raise RuleViolated("process", "an audit covers a process, an office or both")
        if process is not None:
            text("process", process, CODE_MAX)
        if office is not None:
            text("office", office, OFFICE_MAX)
        if not auditors:
            raise RuleViolated("auditors", "an audit has at least one auditor")
        for index, auditor in enumerate(auditors):
            text(f"auditors.{index}", auditor, CODE_MAX)
        if len(set(auditors)) != len(auditors):
            raise RuleViolated("auditors", "an auditor is named once")
        if not checklist:
            raise RuleViolated("checklist", "an audit has at least one checklist item")
        items = []
        for index, (question, reference) in enumerate(checklist):
            text(f"checklist.{index}.question", question, QUESTION_MAX)
            if reference is not None:
                text(f"checklist.{index}.reference", reference, CODE_MAX)
            items.append(ChecklistItem(index + 1, question, reference))
        return cls(audit_id, title, process, office, planned_on, auditors, tuple(items), by, at)

    def record_finding(
        self,
        *,
        description: str,
        severity: Severity,
        checklist_item: int | None,
        by: str,
        at: datetime,
        nonconformity_id: uuid.UUID,
    ) -> tuple[Finding, Origin | None]:
        """Record a finding; a major or minor one comes with the nonconformity it raises (under
        `nonconformity_id`), an observation with none."""
        text("description", description)
        item = None
        if checklist_item is not None:
            if not 1 <= checklist_item <= len(self.checklist):
                raise RuleViolated(
                    "checklist_item", f"the checklist has items 1..{len(self.checklist)}"
                )
            item = self.checklist[checklist_item - 1]
        raises = severity in NONCONFORMING
        finding = Finding(
            len(self.findings) + 1,
            description,
            severity,
            checklist_item,
            by,
            at,
            nonconformity_id if raises else None,
        )
        self.findings.append(finding)
        return finding, self._origin(finding, item) if raises else None

    def _origin(self, finding: Finding, item: ChecklistItem | None) -> Origin:
        facts = [("audit", self.title), ("finding", str(finding.number))]
        facts.append(("severity", finding.severity))
        if item is not None:
            facts.append(("checklist_item", str(item.number)))
        evidence = Evidence(None if item is None else item.question, facts=tuple(facts))
        return Origin(
            "audit_finding",
            None if item is None else item.reference,
            str(self.id),
            self.office,
            finding.description,
            evidence,
            f"audit_finding|{self.id}|{finding.number}",
        )
