"""Enforcement settings: the chassis settings and the simple procedure's limits."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from chassis.context import ServiceContext
from chassis.sealing import DataKeys
from chassis.settings import Settings


class EnforcementSettings(Settings, DataKeys):
    """What may be imposed on the spot, which penalties give a hearing, when the deadline
    watch looks, and the keys parties' ID numbers are sealed with."""

    # Administrative Penalty Law art. 51 and 68 (settings, as the bureau's rules table says).
    on_the_spot_citizen_fine_max: Decimal = Field(default=Decimal(200), ge=0)
    on_the_spot_organisation_fine_max: Decimal = Field(default=Decimal(3000), ge=0)
    on_the_spot_cash_max: Decimal = Field(default=Decimal(100), ge=0)

    # Where a fine or confiscation is "large" (较大数额) and gives the party a hearing
    # (Administrative Penalty Law art. 63): the bureau's own amounts, in CNY.
    hearing_citizen_amount: Decimal = Field(default=Decimal(10_000), gt=0)
    hearing_organisation_amount: Decimal = Field(default=Decimal(100_000), gt=0)
    # The deadline watch: how often it looks, and how near a deadline counts as due soon.
    deadline_check_seconds: float = Field(default=60.0, gt=0, le=86400)
    deadline_soon_days: int = Field(default=3, ge=0, le=30)


# What routes, handlers and the deadline watch are handed (the chassis' context, typed).
EnforcementContext = ServiceContext[EnforcementSettings]
