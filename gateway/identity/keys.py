"""The gateway's Ed25519 signing keys: kept in its database, the private halves sealed
(AES-GCM) under the data keys (DATA_KEYS); rotated, published as JWKS, reread by every replica."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import Database
from chassis.sealing import Keyring
from gateway.identity.tables import signing_keys

log = logging.getLogger("shijian.gateway.keys")
KID_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
# Clock skew allowed to the services that verify tokens.
LEEWAY = timedelta(minutes=1)
# What a sealed private half is bound to (the rekey command re-seals it under this name).
SIGNING_KEY_FIELD = "signing_key"


@dataclass(frozen=True)
class SigningKey:
    """One key pair; its id says when it was made."""

    kid: str
    created_at: datetime
    private_key: Ed25519PrivateKey

    @classmethod
    def new(cls, now: datetime) -> SigningKey:
        """A fresh key pair made at `now` (its id says the second; the time it keeps is exact,
        so a key made within the same second as another still sorts after it)."""
        kid = f"{now.strftime(KID_TIME_FORMAT)}-{secrets.token_hex(3)}"
        return cls(kid, now, Ed25519PrivateKey.generate())

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
    """The keys in hand, and which of them signs and which are published when.

    A new key is published at once but signs only after `activation_delay`, so that every
    service (and every replica of the gateway) has it before the first token it signed
    arrives; an older key stays published until the tokens it signed have expired.
    """

    def __init__(self, token_lifetime: timedelta, activation_delay: timedelta = timedelta(0)):
        self.token_lifetime = token_lifetime
        self.activation_delay = activation_delay
        self._keys: list[SigningKey] = []

    def replace(self, keys: Iterable[SigningKey]) -> None:
        """Hold exactly `keys` from now on."""
        self._keys = sorted(keys, key=lambda k: (k.created_at, k.kid))

    def signs_from(self, key: SigningKey) -> datetime:
        """When `key` starts signing (the first key at once)."""
        first = not self._keys or key.kid == self._keys[0].kid
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


class KeyStore:
    """The signing keys in the gateway's database, read into a KeyRing."""

    def __init__(
        self, database: Database, keyring: Keyring, ring: KeyRing, legacy_dir: Path | None
    ) -> None:
        self.database = database
        self.keyring = keyring
        self.ring = ring
        self.legacy_dir = legacy_dir

    async def load(self) -> None:
        """Read every key into the ring; on first start, make or import the first ones."""
        async with self.database.engine.connect() as connection:
            rows = (await connection.execute(sa.select(signing_keys))).all()
        if not rows:
            await self._first_keys()
            async with self.database.engine.connect() as connection:
                rows = (await connection.execute(sa.select(signing_keys))).all()
        self.ring.replace(
            SigningKey(row.kid, row.created_at, self._open(row.private_key)) for row in rows
        )

    async def add(self, connection: AsyncConnection, key: SigningKey) -> None:
        """Store `key` in the caller's transaction (every replica reads it within seconds)."""
        raw = key.private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        sealed = self.keyring.seal_text(SIGNING_KEY_FIELD, base64.b64encode(raw).decode())
        await connection.execute(
            sa.insert(signing_keys).values(
                kid=key.kid, created_at=key.created_at, private_key=sealed
            )
        )

    def _open(self, sealed: str) -> Ed25519PrivateKey:
        raw = base64.b64decode(self.keyring.open_text(SIGNING_KEY_FIELD, sealed))
        return Ed25519PrivateKey.from_private_bytes(raw)

    async def _first_keys(self) -> None:
        async with self.database.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Replicas starting together make one first key, not one each.
                await connection.execute(
                    sa.text("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
                )
            if await connection.scalar(sa.select(sa.func.count()).select_from(signing_keys)):
                return
            keys = self._legacy_keys() or [SigningKey.new(datetime.now(UTC))]
            for key in keys:
                await self.add(connection, key)

    def _legacy_keys(self) -> list[SigningKey]:
        """Keys an earlier gateway kept as PEM files, imported once into the database."""
        if self.legacy_dir is None or not self.legacy_dir.is_dir():
            return []
        keys = []
        for path in sorted(self.legacy_dir.glob("*.pem")):
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path}: not an Ed25519 private key")
            keys.append(SigningKey(path.stem, _created_at(path.stem), key))
        if keys:
            log.warning(
                "signing keys imported from files into the database; the files may be removed",
                extra={"folder": str(self.legacy_dir), "keys": len(keys)},
            )
        return keys
