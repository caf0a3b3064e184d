"""What the qms service keeps for the life of its process: the log's signing key."""

from __future__ import annotations

from dataclasses import dataclass, field

from chassis.context import ServiceContext
from services.qms.domain.notes import ED25519, SignerKey
from services.qms.keys import signer_key_from_file
from services.qms.settings import QmsSettings


@dataclass
class QmsContext(ServiceContext[QmsSettings]):
    """The chassis context with the key the log signs its checkpoints with."""

    signer: SignerKey = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.signer = signer_key_from_file(settings.key_file, settings.audit_origin, ED25519)
