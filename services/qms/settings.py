"""QMS settings: the log's name and key, where its checkpoints go, how often, and which
witnesses must cosign them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator

from chassis.settings import Settings
from services.qms.domain.notes import NoteError, VerifierKey, parse_verifier_key


@dataclass(frozen=True)
class Witness:
    """A witness: where it listens, and the key its cosignatures are checked with."""

    url: str
    key: VerifierKey


def parse_witnesses(text: str) -> list[Witness]:
    """`URL KEY, URL KEY`: each witness's address and its verifier key (name+id+key)."""
    witnesses = []
    for entry in text.split(","):
        if not entry.strip():
            continue
        parts = entry.split()
        if len(parts) != 2 or not parts[0].startswith(("http://", "https://")):
            raise ValueError("AUDIT_WITNESSES: entries are `URL KEY`, separated by commas")
        try:
            witnesses.append(Witness(parts[0].rstrip("/"), parse_verifier_key(parts[1])))
        except NoteError as error:
            raise ValueError(f"AUDIT_WITNESSES: {error}") from None
    return witnesses


class QmsSettings(Settings):
    """The record of everything: its origin line, signing key, checkpoints and witnesses."""

    # The log's name in its checkpoints (C2SP tlog-checkpoint origin), and of its key.
    audit_origin: str = Field(default="shijian.local/qms/audit", pattern=r"^[^\s+]{1,200}$")
    # The log's Ed25519 signer key (note format); made on first start when missing.
    audit_key_file: Path | None = None
    # Checkpoints are also written here, outside the database, so that whoever can rewrite
    # the database cannot rewrite them too.
    audit_checkpoint_dir: Path | None = None
    audit_checkpoint_every: int = Field(default=1000, ge=1, le=10_000_000)
    audit_checkpoint_seconds: float = Field(default=10.0, gt=0, le=86_400)
    audit_witnesses: str = ""
    # The rows appended since the last check are verified this often; every row at start and
    # every AUDIT_FULL_VERIFY_SECONDS (an edit of rows verified before shows then).
    audit_verify_seconds: float = Field(default=60.0, gt=0, le=86_400)
    audit_full_verify_seconds: float = Field(default=86_400.0, gt=0, le=30 * 86_400)
    audit_witness_quorum: int = Field(default=1, ge=0, le=100)
    # Appends are serial (each holds the tree's lock): one lane taking big batches keeps up
    # best, each batch appended under one hold of the lock.
    bus_concurrency: int = Field(default=1, ge=1, le=100)
    bus_batch: int = Field(default=64, ge=1, le=500)
    bus_prefetch: int = Field(default=256, ge=1, le=1000)

    @field_validator("audit_witnesses")
    @classmethod
    def _witnesses(cls, value: str) -> str:
        parse_witnesses(value)
        return value

    @property
    def witnesses(self) -> list[Witness]:
        return parse_witnesses(self.audit_witnesses)

    @property
    def key_file(self) -> Path:
        return self.audit_key_file or self.data_dir / "qms" / "audit-key.txt"

    @property
    def checkpoint_dir(self) -> Path:
        return self.audit_checkpoint_dir or self.data_dir / "qms" / "checkpoints"
