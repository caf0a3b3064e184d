"""The gateway's Ed25519 signing keys: generated on first start, rotated, published as JWKS."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

KID_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
# Clock skew allowed to the services that verify tokens.
LEEWAY = timedelta(minutes=1)


@dataclass(frozen=True)
class SigningKey:
    """One key pair; its id says when it was made."""

    kid: str
    created_at: datetime
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The half that verifies."""
        return self.private_key.public_key()

    def jwk(self) -> dict[str, Any]:
        """The public key as a JWK (RFC 8037)."""
        jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(self.public_key))
        return jwk | {"kid": self.kid, "alg": "EdDSA", "use": "sig"}


def _created_at(kid: str) -> datetime:
    return datetime.strptime(kid.split("-", 1)[0], KID_TIME_FORMAT).replace(tzinfo=UTC)


class KeyRing:
    """The keys in one folder.

    A new key is published at once but signs only after `activation_delay`, so that every
    service has fetched it before the first token it signed arrives; an older key stays
    published until the tokens it signed have expired.
    """

    def __init__(
        self,
        directory: Path,
        token_lifetime: timedelta,
        activation_delay: timedelta = timedelta(0),
    ) -> None:
        self.directory = directory
        self.token_lifetime = token_lifetime
        self.activation_delay = activation_delay
        self._keys: list[SigningKey] = []

    def load(self, now: datetime | None = None) -> None:
        """Read the folder; make the first key when there is none."""
        self.directory.mkdir(parents=True, exist_ok=True)
        keys = []
        for path in sorted(self.directory.glob("*.pem")):
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path}: not an Ed25519 private key")
            keys.append(SigningKey(path.stem, _created_at(path.stem), key))
        self._keys = sorted(keys, key=lambda k: (k.created_at, k.kid))
        if not self._keys:
            self.rotate(now)

    def rotate(self, now: datetime | None = None) -> SigningKey:
        """Make a new key, which signs from now on; the previous one stays published."""
        created = (now or datetime.now(UTC)).replace(microsecond=0)
        kid = f"{created.strftime(KID_TIME_FORMAT)}-{secrets.token_hex(3)}"
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written whole under a temporary name, readable by the owner alone, then renamed.
        temporary = self.directory / f".{kid}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        temporary.rename(self.directory / f"{kid}.pem")
        signing_key = SigningKey(kid, created, key)
        self._keys.append(signing_key)
        return signing_key

    def signs_from(self, key: SigningKey) -> datetime:
        """When `key` starts signing (the first key at once)."""
        first = key is self._keys[0]
        return key.created_at if first else key.created_at + self.activation_delay

    def signing_key(self, now: datetime | None = None) -> SigningKey:
        """The key that signs new tokens at `now`: the newest one already active."""
        moment = now or datetime.now(UTC)
        return [key for key in self._keys if self.signs_from(key) <= moment][-1]

    @property
    def active(self) -> SigningKey:
        """The key that signs new tokens now."""
        return self.signing_key()

    def published(self, now: datetime | None = None) -> list[SigningKey]:
        """The keys a token in circulation, or about to be, may be signed with."""
        moment = now or datetime.now(UTC)
        keys = []
        for key, successor in zip(self._keys, [*self._keys[1:], None], strict=True):
            # Tokens it signed live on for their lifetime after its successor takes over.
            if successor is None or moment < (
                self.signs_from(successor) + self.token_lifetime + LEEWAY
            ):
                keys.append(key)
        return keys

    def jwks(self, now: datetime | None = None) -> dict[str, Any]:
        """The JSON Web Key Set services verify tokens with."""
        return {"keys": [key.jwk() for key in self.published(now)]}

    def public_keys(self, now: datetime | None = None) -> dict[str, Ed25519PublicKey]:
        """Key id → public key, of the published keys."""
        return {key.kid: key.public_key for key in self.published(now)}
