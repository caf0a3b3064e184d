"""What the licensing service keeps for the life of its process, handed to routes and handlers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from chassis.context import ServiceContext
from services.licensing.domain import AreaMap
from services.licensing.joint import JointLicensing
from services.licensing.settings import LicensingSettings
from services.licensing.usecases import Licensing


@dataclass
class LicensingContext(ServiceContext[LicensingSettings]):
    """The chassis context, the bureau's map and the wake-up of the webhook pusher."""

    area_map: AreaMap = field(default_factory=lambda: AreaMap({}))
    # Set after committing a scheduled push: the pusher pushes at once, not at its next poll.
    webhook_due: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.licensing = Licensing(self.settings)
        self.joint_licensing = JointLicensing(self.licensing)
