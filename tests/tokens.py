"""Tokens for tests: signed with the development key unless a key is given."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from chassis.auth import DEV_KEY_ID, dev_private_key, sign_token


def mint_token(
    *,
    subject: str,
    roles: list[str] | tuple[str, ...],
    kind: Literal["staff", "partner"] = "staff",
    name: str | None = None,
    office: str | None = None,
    agency: str | None = None,
    issuer: str = "shijian-gateway",
    audience: str = "shijian",
    # Modules mint their people's tokens at import: they must outlive the slowest whole run
    # (one took 25 min on this shared machine and its late modules met "Token expired").
    ttl: timedelta = timedelta(hours=3),
    key: Any = None,
    key_id: str = DEV_KEY_ID,
    algorithm: str = "EdDSA",
    now: datetime | None = None,
) -> str:
    """An access token as the gateway would issue it; the development key signs by default."""
    return sign_token(
        subject=subject,
        roles=roles,
        key=key or dev_private_key(),
        key_id=key_id,
        issuer=issuer,
        audience=audience,
        ttl=ttl,
        kind=kind,
        name=name,
        office=office,
        agency=agency,
        algorithm=algorithm,
        now=now,
    )
