"""Password and client-secret hashing with argon2id (slow by design: run it off the loop), and
the list of common passwords a new one is checked against."""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 parameters
# Verified when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY = _hasher.hash("no such account")
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt"


async def hash_secret(secret: str) -> str:
    """The argon2id hash of `secret`."""
    return await asyncio.to_thread(_hasher.hash, secret)


async def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Whether `secret` matches; `None` (no such account) takes the same time and fails."""

    def verify() -> bool:
        try:
            return _hasher.verify(stored_hash or _DUMMY, secret) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, in lower case (read once)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.lower() for line in lines if line and not line.startswith("#"))
