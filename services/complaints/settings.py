"""Complaints settings: the keys of the confidentiality wall, the demo stations, the clocks'
watch and the duplicate window."""

from __future__ import annotations

import base64
from pathlib import Path

from pydantic import Field, model_validator

from chassis.sealing import Keyring, keyring_of
from chassis.settings import Settings

DEMO_DISTRICT = Path(__file__).resolve().parents[2] / "deploy" / "demo" / "district.json"
# Development and test only (refused in production): anyone with the source can open these.
_DEV_KEYS = "dev:" + base64.b64encode(b"shijian-dev-identity-key-32bytes").decode()
_DEV_HASH_KEY = base64.b64encode(b"shijian-dev-lookup-hash-key").decode()


class ComplaintsSettings(Settings):
    """Where submitters' identities are sealed with, and how the 12315 network is mapped."""

    # AES-GCM keys as `id:base64key,id:base64key`; new values are sealed with the current one
    # and old values open with their own, so a key is rotated by adding one and moving current.
    identity_keys: str = _DEV_KEYS
    identity_key_current: str = "dev"
    # The key of the keyed hash that finds "the same submitter" (never rotated in place: the
    # hashes stored would stop matching).
    identity_hash_key: str = _DEV_HASH_KEY
    # With SEED_DEMO, the demo district's stations are registered on start. (Offices and grids
    # come from supervision's events, never from this file.)
    seed_demo: bool = False
    demo_district_file: Path = DEMO_DISTRICT
    deadline_check_seconds: float = Field(default=60.0, gt=0, le=86400)
    # Tickets about the same business and kind within this many days are proposed as
    # duplicates; a submitter with this many tickets in the window is flagged as serial.
    duplicate_window_days: int = Field(default=30, ge=1, le=365)
    serial_submitter_tickets: int = Field(default=5, ge=2, le=1000)

    @model_validator(mode="after")
    def _keys(self) -> ComplaintsSettings:
        if self.environment == "production" and self.seed_demo:
            raise ValueError("SEED_DEMO: the demo stations are not for production")
        if self.environment == "production" and (
            self.identity_keys == _DEV_KEYS or self.identity_hash_key == _DEV_HASH_KEY
        ):
            raise ValueError("IDENTITY_KEYS, IDENTITY_HASH_KEY: the development keys are refused")
        self.keyring()  # refuse a keyring that would not open
        return self

    def keyring(self) -> Keyring:
        """The keys of the confidentiality wall."""
        return keyring_of(
            self.identity_keys,
            self.identity_key_current,
            self.identity_hash_key,
            names=("IDENTITY_KEYS", "IDENTITY_HASH_KEY"),
        )
