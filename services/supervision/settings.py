"""Supervision settings: the chassis settings, the claim time limit, the deadline watch and
the demo map."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from chassis.settings import Settings

DEMO_DISTRICT = Path(__file__).resolve().parents[2] / "deploy" / "demo" / "district.json"


class SupervisionSettings(Settings):
    """How long an owner has to claim a household, and how often missed claims are looked for."""

    # The local rule ("within the set time limit", docs/domain.md); working days from assignment.
    claim_workdays: int = Field(default=3, ge=1, le=60)
    # A register imported in bulk was under supervision already: by default its households
    # carry no claim deadline (a million deadlines would come due together as overdue events);
    # a number here makes owners confirm their inherited households within that many days.
    onboarding_claim_workdays: int | None = Field(default=None, ge=1, le=250)
    overdue_check_seconds: float = Field(default=60.0, gt=0, le=86400)
    # The deadline watch (results to publish, plan visits): how often missed ones are looked
    # for, and how many working days ahead one counts as due soon.
    deadline_check_seconds: float = Field(default=60.0, gt=0, le=86400)
    deadline_soon_days: int = Field(default=3, ge=0, le=30)
    # Inspection records: attachments up to this size (how often a household is due a visit
    # is its risk class's rule, services/supervision/data/risk_classes.toml).
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    # A position agent stands in for at most this many days (both ends included).
    delegation_max_days: int = Field(default=30, ge=1, le=366)
    # With SEED_DEMO, offices and grids come from this file on first start.
    seed_demo: bool = False
    district_file: Path = DEMO_DISTRICT

    @model_validator(mode="after")
    def _no_demo_in_production(self) -> SupervisionSettings:
        if self.environment == "production" and self.seed_demo:
            raise ValueError("SEED_DEMO: the demo map is not for production")
        return self
