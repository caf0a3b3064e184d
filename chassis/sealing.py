"""Personal data and secrets sealed at rest: AES-GCM under rotating keys, a keyed hash for
exact look-ups, and the masked form of a resident ID number.

Each sealed value names the key that sealed it (`key_id.base64(nonce + ciphertext)`), so keys
rotate: sealing uses the current key, opening the value's own, and `rekey` re-seals every value
under the current one so an old key can then be removed. What a value is (`id_number`,
`totp_secret`, ...) is bound in as associated data: a sealed secret copied into an ID-number
column does not open there. The keyed HMAC-SHA256 of a normalised value finds equal values
without opening anything; its key is never rotated in place (stored hashes would stop matching).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

NONCE_BYTES = 12
# Development and test only (refused in production): anyone with the source can open these.
DEV_DATA_KEYS = "dev:" + base64.b64encode(b"shijian-dev-personal-data-key-32").decode()
DEV_DATA_HASH_KEY = base64.b64encode(b"shijian-dev-data-lookup-hash-key").decode()


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
        """The sealed value of its stored text form; SealBrokenError if it is not one."""
        key_id, sep, body = token.rpartition(".")
        try:
            raw = base64.urlsafe_b64decode(body.encode())
        except ValueError:
            raise SealBrokenError("a sealed value is not base64") from None
        if not sep or not key_id or len(raw) <= NONCE_BYTES:
            raise SealBrokenError("a sealed value is malformed")
        return cls(key_id, raw[:NONCE_BYTES], raw[NONCE_BYTES:])


def normalise(field: str, value: str) -> str:
    """The form hashed for look-ups: a phone's digits (no +86 or 0086), an ID number
    upper-cased without spaces, anything else with its whitespace collapsed."""
    if field == "phone":
        digits = "".join(char for char in value if char.isdigit())
        for prefix in ("0086", "86"):  # China's country code, dialled either way
            if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
                return digits[len(prefix) :]
        return digits
    if field == "id_number":
        return "".join(value.split()).upper()
    return " ".join(value.split())


def mask_id_number(value: str) -> str:
    """A resident ID number as shown to those who need not read it: its first 6 characters
    (the region) and last 4, the rest starred (`110105********002X`)."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


@dataclass(frozen=True)
class SealedIdNumber:
    """A resident ID number as stored: sealed, its look-up hash and its masked form."""

    sealed: str
    hash: str
    masked: str


@dataclass(frozen=True)
class Keyring:
    """AES-GCM keys by id, the current key id, and the key of the look-up hash."""

    keys: Mapping[str, bytes]
    current: str
    hash_key: bytes

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise ValueError(f"the current key id {self.current!r} has no key")
        for key_id, key in self.keys.items():
            if not key_id or "." in key_id or len(key) not in (16, 24, 32):
                raise ValueError(f"key {key_id!r}: an id without dots and a 128/192/256-bit key")
        if len(self.hash_key) < 16:
            raise ValueError("the hash key has at least 16 bytes")

    def seal(self, field: str, value: str) -> Sealed:
        """Seal under the current key; the field name is bound in as associated data."""
        nonce = os.urandom(NONCE_BYTES)
        box = AESGCM(self.keys[self.current])
        return Sealed(self.current, nonce, box.encrypt(nonce, value.encode(), field.encode()))

    def open(self, field: str, sealed: Sealed) -> str:
        """Open with the value's own key id; refused if tampered with or the key is unknown."""
        key = self.keys.get(sealed.key_id)
        if key is None:
            raise SealBrokenError(f"no key {sealed.key_id!r} to open a sealed {field}")
        try:
            plain = AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, field.encode())
        except InvalidTag:
            raise SealBrokenError(f"a sealed {field} does not open (tampered?)") from None
        return plain.decode()

    def seal_text(self, field: str, value: str) -> str:
        """`seal`, in its stored text form."""
        return self.seal(field, value).token

    def open_text(self, field: str, token: str) -> str:
        """`open` of a value in its stored text form."""
        return self.open(field, Sealed.parse(token))

    def resealed(self, field: str, token: str) -> str | None:
        """The value sealed again under the current key, or None when it already is."""
        sealed = Sealed.parse(token)
        if sealed.key_id == self.current:
            return None
        return self.seal_text(field, self.open(field, sealed))

    def seal_id_number(self, value: str) -> SealedIdNumber:
        """A resident ID number sealed, hashed for look-ups and masked for display."""
        return SealedIdNumber(
            self.seal_text("id_number", value),
            self.lookup_hash("id_number", value),
            mask_id_number(normalise("id_number", value)),
        )

    def lookup_hash(self, field: str, value: str) -> str:
        """Keyed HMAC-SHA256 (hex) of the normalised value, for exact look-ups."""
        message = f"{field}:{normalise(field, value)}".encode()
        return hmac.new(self.hash_key, message, hashlib.sha256).hexdigest()


def _decoded(name: str, text: str) -> bytes:
    try:
        return base64.b64decode(text.encode(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name}: not base64") from None


def keyring_of(
    keys: str,
    current: str,
    hash_key: str,
    *,
    names: tuple[str, str] = ("DATA_KEYS", "DATA_HASH_KEY"),
) -> Keyring:
    """The keyring of settings text: keys as `id:base64key,id:base64key`, the current key's id
    and the base64 hash key; ValueError naming the setting when one is malformed."""
    keys_name, hash_name = names
    parsed: dict[str, bytes] = {}
    for entry in keys.split(","):
        key_id, sep, text = entry.strip().partition(":")
        if not sep:
            raise ValueError(f"{keys_name}: entries are id:base64key")
        parsed[key_id] = _decoded(keys_name, text)
    return Keyring(keys=parsed, current=current, hash_key=_decoded(hash_name, hash_key))


class DataKeys(BaseSettings):
    """The keys personal data and secrets are sealed with, from the environment.

    Mixed into a process's settings; also read alone by the migrations that seal values
    stored before sealing began.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: str = "development"
    # AES-GCM keys as `id:base64key,id:base64key` (16, 24 or 32 bytes each); new values are
    # sealed with DATA_KEY_ID's, old ones open with their own.
    data_keys: str = DEV_DATA_KEYS
    data_key_id: str = "dev"
    # The key of the keyed hash for exact look-ups (never rotated in place).
    data_hash_key: str = DEV_DATA_HASH_KEY

    @model_validator(mode="after")
    def _data_keys(self) -> DataKeys:
        if self.environment == "production" and (
            self.data_keys == DEV_DATA_KEYS or self.data_hash_key == DEV_DATA_HASH_KEY
        ):
            raise ValueError("DATA_KEYS, DATA_HASH_KEY: the development keys are refused")
        self.data_keyring()  # refuse a keyring that would not open
        return self

    def data_keyring(self) -> Keyring:
        """The keyring personal data and secrets are sealed with."""
        return keyring_of(self.data_keys, self.data_key_id, self.data_hash_key)
