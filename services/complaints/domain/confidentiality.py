"""The confidentiality wall (art. 33): the submitter's identity sealed at rest.

Name, phone and ID number are sealed (chassis.sealing: AES-GCM, each value naming its key, so
keys rotate); a keyed hash of the normalised phone or ID number finds "the same submitter"
without opening anything. Keys are passed in; nothing here reads settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chassis.sealing import Keyring, Sealed
from services.complaints.domain.submissions import Submitter

Field = Literal["name", "phone", "id_number"]


@dataclass(frozen=True)
class SealedSubmitter:
    """A submitter as stored: sealed identity and lookup hashes; anonymous has none."""

    anonymous: bool
    name: Sealed | None = None
    phone: Sealed | None = None
    id_number: Sealed | None = None
    phone_hash: str | None = None
    id_number_hash: str | None = None


def seal_submitter(keyring: Keyring, submitter: Submitter) -> SealedSubmitter:
    """Seal every identifying field of a submitter and hash the phone and ID number."""

    def sealed(field: Field, value: str | None) -> Sealed | None:
        return None if value is None else keyring.seal(field, value)

    def hashed(field: Field, value: str | None) -> str | None:
        return None if value is None else keyring.lookup_hash(field, value)

    return SealedSubmitter(
        anonymous=submitter.anonymous,
        name=sealed("name", submitter.name),
        phone=sealed("phone", submitter.phone),
        id_number=sealed("id_number", submitter.id_number),
        phone_hash=hashed("phone", submitter.phone),
        id_number_hash=hashed("id_number", submitter.id_number),
    )


def open_submitter(keyring: Keyring, stored: SealedSubmitter) -> Submitter:
    """The submitter back (for complaints handlers only; the caller logs the read)."""

    def opened(field: Field, value: Sealed | None) -> str | None:
        return None if value is None else keyring.open(field, value)

    return Submitter(
        name=opened("name", stored.name),
        phone=opened("phone", stored.phone),
        id_number=opened("id_number", stored.id_number),
        anonymous=stored.anonymous,
    )
