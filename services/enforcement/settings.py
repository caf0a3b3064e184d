"""Enforcement settings: the chassis settings and the simple procedure's limits."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from chassis.context import ServiceContext
from chassis.sealing import DataKeys
from chassis.settings import Settings


class EnforcementSettings(Settings, DataKeys):
    """What may be imposed on the spot, when the deadline watch looks, and the keys parties'
    ID numbers are sealed with."""

    # Administrative Penalty Law art. 51 and 68 (settings, as the bureau's rules table says).
    on_the_spot_citizen_fine_max: Decimal = Field(default=Decimal(200), ge=0)
    on_the_spot_organisation_fine_max: Decimal = Field(default=Decimal(3000), ge=0)
    on_the_spot_cash_max: Decimal = Field(default=Decimal(100), ge=0)

    # Days a party has to pay a fine from the decision (Administrative Penalty Law art. 67).
    fine_payment_days: int = Field(default=15, ge=1, le=90)
    # The deadline watch: how often it looks, and how near a deadline counts as due soon.
    deadline_check_seconds: float = Field(default=60.0, gt=0, le=86400)
    deadline_soon_days: int = Field(default=3, ge=0, le=30)


# What routes, handlers and the deadline watch are handed (the chassis' context, typed).
EnforcementContext = ServiceContext[EnforcementSettings]
