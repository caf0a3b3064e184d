"""What the complaints service keeps for the life of its process, handed by the chassis to
routes, handlers and the deadline watch."""

from __future__ import annotations

from dataclasses import dataclass, field

from chassis.context import ServiceContext
from chassis.sealing import Keyring
from services.complaints.settings import ComplaintsSettings


@dataclass
class ComplaintsContext(ServiceContext[ComplaintsSettings]):
    """The chassis context with the keyring of the confidentiality wall."""

    keyring: Keyring = field(init=False)

    def __post_init__(self) -> None:
        self.keyring = self.settings.keyring()
