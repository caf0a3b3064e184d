"""The gateway's own tables: people, partner clients, Open311 keys, tokens, signing keys,
policies, notifications."""

import sqlalchemy as sa

from chassis.db import UtcDateTime, new_metadata

metadata = new_metadata()

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("office", sa.String(64), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    # Base32 TOTP secret (RFC 6238) once a second factor is enrolled, sealed (chassis.sealing).
    sa.Column("totp_secret", sa.Text, nullable=True),
    # The last time step accepted, so that one code is never accepted twice.
    sa.Column("totp_last_step", sa.BigInteger, nullable=True),
    # Until when sign-ins from addresses the person has not signed in from are held back,
    # after repeated failures (the throttle's counts are kept with the rate limits).
    sa.Column("locked_until", UtcDateTime, nullable=True),
    # Set by an admin's reset: the temporary password only serves to choose a new one.
    sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # The law-enforcement certificate (执法证) a case handler must hold, and its last valid day.
    sa.Column("certificate_number", sa.String(32), nullable=True),
    sa.Column("certificate_valid_until", sa.Date, nullable=True),
    # Whether `identity.person.changed` has told the services of them: people from before the
    # directory existed are told once, at the next start.
    sa.Column("listed", sa.Boolean, nullable=False, server_default=sa.false()),
)

clients = sa.Table(
    "clients",
    metadata,
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("agency", sa.String(64), nullable=False),
    sa.Column("secret_hash", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# Refresh tokens are stored by SHA-256 only; a family is one sign-in and its rotations.
refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("family", sa.Uuid, nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

# API keys of Open311 clients, stored by SHA-256 only (the key is shown once, when issued).
open311_keys = sa.Table(
    "open311_keys",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

# The Ed25519 signing keys, every replica's; the private half sealed under the data keys
# (DATA_KEYS, its key id in the value), never stored in clear.
signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("kid", sa.String(64), primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("private_key", sa.Text, nullable=False),
)

# Where each person signed in from lately: their sign-ins from there are never held back by
# the failures of others on their account.
sign_in_addresses = sa.Table(
    "sign_in_addresses",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("address", sa.String(64), primary_key=True),
    sa.Column("signed_in_at", UtcDateTime, nullable=False),
)

# Which roles must sign in with a second factor (set by an admin).
role_policies = sa.Table(
    "role_policies",
    metadata,
    sa.Column("role", sa.String(64), primary_key=True),
    sa.Column("totp_required", sa.Boolean, nullable=False),
)

# Events addressed to a person, kept an hour for the live stream's replay (Last-Event-ID).
notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("recipient", sa.String(64), nullable=False),
    sa.Column("event_id", sa.Uuid, nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
    sa.UniqueConstraint("recipient", "event_id"),
    sa.Index("ix_notifications_recipient_id", "recipient", "id"),
)
