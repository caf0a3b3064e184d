"""What the qms service keeps for the life of its process: the log's signing key, and how
far the log verified."""

from __future__ import annotations

from dataclasses import dataclass, field

from chassis.context import ServiceContext
from services.qms.domain.notes import ED25519, SignerKey
from services.qms.keys import signer_key_from_file
from services.qms.record_check import RecordCheck
from services.qms.settings import QmsSettings


@dataclass
class QmsContext(ServiceContext[QmsSettings]):
    """The chassis context with the key the log signs its checkpoints with, and the state of
    its periodic verification."""

    signer: SignerKey = field(init=False)
    record_check: RecordCheck = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.signer = signer_key_from_file(settings.key_file, settings.audit_origin, ED25519)
        self.record_check = RecordCheck(settings.service)
