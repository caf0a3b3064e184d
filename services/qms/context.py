"""What the qms service keeps for the life of its process: the log's signing key."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from chassis.context import ServiceContext
from services.qms.domain.notes import SignerKey, parse_signer_key
from services.qms.settings import QmsSettings


def load_or_make_key(path: Path, name: str) -> SignerKey:
    """The signer key in `path`, made (readable by its owner alone) on first start."""
    if path.exists():
        key = parse_signer_key(path.read_text(encoding="utf-8").strip())
        if key.name != name:
            raise ValueError(f"{path} holds the key of {key.name!r}, not of {name!r}")
        return key
    key = SignerKey.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key.text() + "\n")
    return key


@dataclass
class QmsContext(ServiceContext[QmsSettings]):
    """The chassis context with the key the log signs its checkpoints with."""

    signer: SignerKey = field(init=False)

    def __post_init__(self) -> None:
        self.signer = load_or_make_key(self.settings.key_file, self.settings.audit_origin)
