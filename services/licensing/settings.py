"""Licensing settings: the chassis settings, the registering authority and its office hours."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from pydantic import Field, IPvAnyAddress, model_validator

from chassis.sealing import DataKeys
from chassis.settings import Settings

DEMO_DISTRICT = Path(__file__).resolve().parents[2] / "deploy" / "demo" / "district.json"


class LicensingSettings(Settings, DataKeys):
    """Where credit codes are issued, when the window is open, how partners are pushed to,
    and the keys operators' ID numbers and webhook secrets are sealed with."""

    # Administrative division code of the registering authority: positions 3-8 of every
    # credit code it issues (GB 32100-2015).
    region_code: str = Field(default="510106", pattern=r"^[0-9]{6}$")
    office_opens: time = time(9, 0)
    office_closes: time = time(17, 30)
    # With SEED_DEMO, demo licences are issued inside the demo district's grids. (The map that
    # says which area a place lies in comes from supervision's events, never from this file.)
    seed_demo: bool = False
    demo_district_file: Path = DEMO_DISTRICT
    demo_licences: int = Field(default=300, ge=0, le=100_000)
    # Pushing joint-licensing requests to partners' webhooks.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    webhook_backoff_seconds: float = Field(default=5.0, gt=0)
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # Addresses the platform is reached at that no interface of this host shows (its load
    # balancer, its NAT): like the interfaces' own, never a webhook's destination.
    platform_addresses: list[IPvAnyAddress] = Field(default_factory=list)
    # How often the deadline watch looks for registration and joint decisions not made in time.
    deadline_check_seconds: float = Field(default=60.0, gt=0, le=86400)

    @model_validator(mode="after")
    def _coherent(self) -> LicensingSettings:
        if self.office_closes <= self.office_opens:
            raise ValueError("OFFICE_CLOSES: must be after OFFICE_OPENS")
        if self.environment == "production" and self.seed_demo:
            raise ValueError("SEED_DEMO: demo licences are not for production")
        return self
