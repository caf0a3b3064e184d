"""What the licensing service keeps for the life of its process, handed to routes and handlers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from chassis.context import ServiceContext
from chassis.sealing import Keyring
from services.licensing.addresses import Resolver, resolve_host
from services.licensing.domain.rules import OfficeHours
from services.licensing.domain.webhooks import IPAddress
from services.licensing.settings import LicensingSettings


@dataclass
class LicensingContext(ServiceContext[LicensingSettings]):
    """The chassis context, the webhook pusher's wake-up and progress, and what webhook
    destinations are checked with."""

    # Set after committing a scheduled push: the pusher pushes at once, not at its next poll.
    webhook_due: asyncio.Event = field(default_factory=asyncio.Event)
    # Rounds the pusher has finished: a round after a moment has seen everything due then.
    webhook_rounds: int = 0
    # Looks up webhook hosts, once per registration and per push.
    resolve: Resolver = resolve_host
    # This host's and the platform's addresses, which no webhook may point at.
    own_addresses: frozenset[IPAddress] = frozenset()
    # Seals operators' ID numbers and webhook secrets.
    keyring: Keyring = field(init=False)

    def __post_init__(self) -> None:
        self.keyring = self.settings.data_keyring()

    @property
    def office_hours(self) -> OfficeHours:
        """The window's hours, from the settings."""
        return OfficeHours(self.settings.office_opens, self.settings.office_closes)
