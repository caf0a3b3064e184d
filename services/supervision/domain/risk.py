"""Risk classes (风险分类) A–D of households from their history, and the inspection plan's due
dates by class; the rule is data (services/supervision/data/risk_classes.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from chassis.legalclock import Deadline, compute_deadline, rule

RISK_CLASSES_FILE = Path(__file__).resolve().parents[1] / "data" / "risk_classes.toml"
RESULTS_RULE = "supervision.draw_results"


@dataclass(frozen=True)
class HistoryCounts:
    """What a household's history holds that weighs on its risk."""

    penalties: int = 0
    complaints: int = 0
    overdue_claims: int = 0
    findings: int = 0


@dataclass(frozen=True)
class RiskClass:
    """One class: the highest points it takes (None: every higher score), the share of it a
    random inspection draws, and the legal-clock rule of its plan interval."""

    code: str
    up_to_points: int | None
    sampling_ratio: Decimal
    plan_rule: str


@dataclass(frozen=True)
class RiskRules:
    """Points per kind of history entry and the classes from the lowest risk up."""

    points: HistoryCounts
    classes: tuple[RiskClass, ...]

    def points_of(self, counts: HistoryCounts) -> int:
        """The household's score."""
        weights = self.points
        return (
            counts.penalties * weights.penalties
            + counts.complaints * weights.complaints
            + counts.overdue_claims * weights.overdue_claims
            + counts.findings * weights.findings
        )

    def classify(self, counts: HistoryCounts) -> str:
        """The class of a household with this history: the first whose bound its points keep."""
        score = self.points_of(counts)
        for risk_class in self.classes:
            if risk_class.up_to_points is None or score <= risk_class.up_to_points:
                return risk_class.code
        raise AssertionError("the last class takes every score")  # parse_risk_rules ensures it

    def of(self, code: str) -> RiskClass:
        """The class of this code."""
        return next(c for c in self.classes if c.code == code)

    @property
    def ratios(self) -> dict[str, Decimal]:
        """The sampling ratio of each class."""
        return {c.code: c.sampling_ratio for c in self.classes}

    def plan_due(self, code: str, since: date) -> Deadline:
        """When a claimed household of class `code` is next due a visit, counting from `since`
        (the day of its claim or of its last inspection, Asia/Shanghai)."""
        return compute_deadline(self.of(code).plan_rule, since)


def parse_risk_rules(data: dict[str, Any]) -> RiskRules:
    """The rules of a parsed risk-class file; ValueError when they cannot classify."""
    points = HistoryCounts(
        penalties=int(data["points"]["penalty"]),
        complaints=int(data["points"]["complaint"]),
        overdue_claims=int(data["points"]["overdue_claim"]),
        findings=int(data["points"]["finding"]),
    )
    classes = tuple(
        RiskClass(
            code=str(entry["code"]),
            up_to_points=entry.get("up_to_points"),
            sampling_ratio=Decimal(str(entry["sampling_ratio"])),
            plan_rule=str(entry["plan_rule"]),
        )
        for entry in data["class"]
    )
    if not classes or classes[-1].up_to_points is not None:
        raise ValueError("risk classes: the last class takes every higher score (no bound)")
    bounds = [c.up_to_points for c in classes[:-1] if c.up_to_points is not None]
    if len(bounds) != len(classes) - 1 or bounds != sorted(bounds):
        raise ValueError("risk classes: bounds rise from the first class to the last")
    for risk_class in classes:
        if not Decimal(0) <= risk_class.sampling_ratio <= Decimal(1):
            raise ValueError(f"risk class {risk_class.code}: sampling_ratio is within 0..1")
        rule(risk_class.plan_rule)  # UnknownRuleError if the legal clock lacks it
    return RiskRules(points, classes)


@cache
def risk_rules() -> RiskRules:
    """The bureau's risk-class rules, from the bundled file."""
    return parse_risk_rules(tomllib.loads(RISK_CLASSES_FILE.read_text(encoding="utf-8")))


def results_publication_due(recorded_on: date) -> Deadline:
    """The last day to publish a random inspection's result recorded on `recorded_on`."""
    return compute_deadline(RESULTS_RULE, recorded_on)
