"""The confidentiality wall (art. 33): the submitter's identity sealed at rest.

Name, phone and ID number are sealed with AES-GCM; each sealed value carries the id of the key
that sealed it, so keys rotate: sealing uses the current key, opening the value's own. A keyed
HMAC-SHA256 of the normalised phone or ID number finds "the same submitter" without opening
anything. Keys are passed in; nothing here reads settings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.complaints.domain.submissions import Submitter

Field = Literal["name", "phone", "id_number"]
NONCE_BYTES = 12


class SealBrokenError(ValueError):
    """A sealed value that does not open: tampered with, or under an unknown key id."""


@dataclass(frozen=True)
class Sealed:
    """A sealed value: the key id beside the nonce and ciphertext (tag included)."""

    key_id: str
    nonce: bytes
    ciphertext: bytes

    @property
    def token(self) -> str:
        """Text form for storage: ``key_id.base64(nonce + ciphertext)``."""
        return f"{self.key_id}.{base64.urlsafe_b64encode(self.nonce + self.ciphertext).decode()}"

    @classmethod
    def parse(cls, token: str) -> Sealed:
        key_id, sep, body = token.rpartition(".")
        try:
            raw = base64.urlsafe_b64decode(body.encode())
        except ValueError:
            raise SealBrokenError("a sealed value is not base64") from None
        if not sep or not key_id or len(raw) <= NONCE_BYTES:
            raise SealBrokenError("a sealed value is malformed")
        return cls(key_id, raw[:NONCE_BYTES], raw[NONCE_BYTES:])


def normalise(field: Field, value: str) -> str:
    """The form hashed for lookups: a phone's digits (no +86 or 0086), an ID number
    upper-cased."""
    if field == "phone":
        digits = "".join(char for char in value if char.isdigit())
        for prefix in ("0086", "86"):  # China's country code, dialled either way
            if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
                return digits[len(prefix) :]
        return digits
    if field == "id_number":
        return "".join(value.split()).upper()
    return " ".join(value.split())


@dataclass(frozen=True)
class Keyring:
    """AES-GCM keys by id, the current key id, and the key of the lookup hash."""

    keys: Mapping[str, bytes]
    current: str
    hash_key: bytes

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise ValueError(f"the current key id {self.current!r} has no key")
        for key_id, key in self.keys.items():
            if "." in key_id or len(key) not in (16, 24, 32):
                raise ValueError(f"key {key_id!r}: an id without dots and a 128/192/256-bit key")
        if len(self.hash_key) < 16:
            raise ValueError("the hash key has at least 16 bytes")

    def seal(self, field: Field, value: str) -> Sealed:
        """Seal under the current key; the field name is bound in as associated data."""
        nonce = os.urandom(NONCE_BYTES)
        box = AESGCM(self.keys[self.current])
        return Sealed(self.current, nonce, box.encrypt(nonce, value.encode(), field.encode()))

    def open(self, field: Field, sealed: Sealed) -> str:
        """Open with the value's own key id; refused if tampered with or the key is unknown."""
        key = self.keys.get(sealed.key_id)
        if key is None:
            raise SealBrokenError(f"no key {sealed.key_id!r} to open a sealed {field}")
        try:
            plain = AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, field.encode())
        except InvalidTag:
            raise SealBrokenError(f"a sealed {field} does not open (tampered?)") from None
        return plain.decode()

    def lookup_hash(self, field: Field, value: str) -> str:
        """Keyed HMAC-SHA256 (hex) of the normalised value, for "same submitter" lookups."""
        message = f"{field}:{normalise(field, value)}".encode()
        return hmac.new(self.hash_key, message, hashlib.sha256).hexdigest()


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
