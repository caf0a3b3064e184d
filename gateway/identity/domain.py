"""Identity rules, free of I/O: passwords, sign-in throttling, second factor, refresh-token
rotation."""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import pyotp

from chassis.auth import ROLES

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
# Who did an administrative act the gateway did by itself (the `by` of its events): a colon is
# never in a username, so no account can pass for these.
BY_START = "system:start"
BY_LOCKOUT = "system:lockout"
# The first sign-in of `admin` without an authenticator enrols one (ADMIN_TOTP_SECRET unset).
BY_FIRST_SIGN_IN = "system:first-sign-in"
FIRST_ADMIN = "admin"
MIN_PASSWORD_LENGTH = 12
# The roles that must sign in with a second factor unless an admin decides otherwise
# (GB/T 22239-2019 level 3): they administer people, read the journal, run the quality system.
SECOND_FACTOR_ROLES = ("admin", "auditor", "qms_manager")
# A code of the time step before or after the current one is accepted (clock drift, RFC 6238 §5.2).
TOTP_DRIFT_STEPS = 1


def password_problems(username: str, password: str, common: Collection[str]) -> list[str]:
    """What is wrong with a new password (GB/T 22239-2019 asks for complexity, NIST SP 800-63B
    §5.1.1.2 for a check against passwords known to be common); empty if fine. `common` holds
    common passwords in lower case."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"at least {MIN_PASSWORD_LENGTH} characters")
    if is_common(password, common):
        problems.append("not a common password, nor one with digits or symbols around it")
    classes = sum(
        bool(re.search(pattern, password)) for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^\w]|_")
    )
    if classes < 2:
        problems.append("at least two of: lower case, upper case, digits, other characters")
    if username.lower() in password.lower():
        problems.append("must not contain the username")
    return problems


def is_common(password: str, common: Collection[str]) -> bool:
    """Whether `password` is a common one, in any case, or one padded with digits and symbols
    (`Password2024!`): the length rule alone lets those through."""
    lowered = password.lower()
    core = lowered.strip(string.digits + string.punctuation + string.whitespace)
    return lowered in common or (bool(core) and core in common)


def unknown_roles(roles: list[str]) -> list[str]:
    """The roles that are not the bureau's."""
    return sorted(set(roles) - ROLES)


def account_throttle_applies(known_address: bool, valid_code: bool) -> bool:
    """Whether the throttle of an account's failed sign-ins holds this attempt back.

    Failures are throttled per source address always, and per account only for attempts from
    an address the person has not signed in from lately and without a valid code of their
    authenticator (NIST SP 800-63B §5.2.2): whoever floods an account with wrong passwords
    cannot keep its owner out, who signs in from where they work or holds their authenticator.
    """
    return not (known_address or valid_code)


def policy_refusal(role: str, totp_required: bool, environment: str) -> str | None:
    """Why a second-factor policy may not be set; None when it may. In production the
    administrator always signs in with a second factor."""
    if environment == "production" and role == "admin" and not totp_required:
        return "the admin role requires a second factor in production"
    return None


def temporary_password() -> str:
    """A one-time password an admin gives out after a reset: 120 random bits."""
    return secrets.token_urlsafe(15)


def accepted_totp_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step `code` belongs to, if it is valid and newer than the last one used."""
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue  # a code is good once (RFC 6238 §5.2)
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def is_totp_secret(secret: str) -> bool:
    """Whether `secret` is base32 of at least 80 bits, as RFC 4226 §4 asks of a shared secret."""
    try:
        return len(secret) >= 16 and len(pyotp.TOTP(secret).byte_secret()) >= 10
    except ValueError:
        return False


def new_totp_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="shijian")


def token_digest(token: str) -> str:
    """How a refresh token or an Open311 API key is stored: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


# GeoReport v2 lets anyone read; a caller without an API key reads as this client.
OPEN311_PUBLIC = "public"


def new_api_key() -> str:
    """A fresh Open311 API key: 256 random bits.

    It is stored as its plain SHA-256 (token_digest), not a slow salted password hash: a slow
    hash only protects guessable secrets, and nobody guesses or tries a dictionary on 2^256
    values, so a fast hash is as safe here. It also finds the key with one indexed lookup on
    every request, where salted hashes would have to be tried one stored key at a time.
    """
    return secrets.token_urlsafe(32)


def open311_subject(client: str) -> str:
    """The token subject of an Open311 client."""
    return f"open311:{client}"


def api_key_refusal(method: str, given: bool, valid: bool) -> str | None:
    """Why an Open311 request is refused for its api_key; None when it may go on.

    GeoReport v2 requires an api_key to post a service request; reading needs none, but a key
    that is given must be a valid one (a client told nothing would think its key works).
    """
    if not given:
        return "api_key is required to post a service request" if method == "POST" else None
    if not valid:
        return "api_key is not valid: unknown or revoked"
    return None


@dataclass(frozen=True)
class RefreshState:
    """A stored refresh token as the rotation rule sees it."""

    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


def refresh_verdict(state: RefreshState | None, now: datetime) -> str:
    """`ok`, or why it is refused: `unknown`, `expired`, `revoked`, or `reused`.

    A token used twice means it was stolen or replayed: its whole family is revoked (OAuth 2.0
    Security BCP, refresh token rotation).
    """
    if state is None:
        return "unknown"
    if state.revoked_at is not None:
        return "revoked"
    if state.used_at is not None:
        return "reused"
    if now >= state.expires_at:
        return "expired"
    return "ok"
