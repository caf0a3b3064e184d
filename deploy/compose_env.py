"""Fresh secrets for `docker compose up`, as an env file: `python3 deploy/compose_env.py > .env`.

docker compose reads `.env` beside docker-compose.yml, which refuses to start without these:
each process' broker password (the `bus-users` service gives each process its own user with
it), the data keys personal data and signing keys are sealed with, complaints' identity keys
and the first admin's password. Standard library only: it runs before anything is installed.
Keep `.env` out of version control; losing the data keys loses what they sealed.
"""

from __future__ import annotations

import base64
import secrets

PROCESSES = ("gateway", "licensing", "supervision", "enforcement", "complaints", "qms")


def key() -> str:
    """A fresh 256-bit AES key, base64."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def compose_secrets() -> dict[str, str]:
    """Every variable docker-compose.yml requires, with a fresh value."""
    values = {f"{process.upper()}_BUS_PASSWORD": secrets.token_urlsafe(24) for process in PROCESSES}
    values |= {
        "DATA_KEYS": f"k1:{key()}",
        "DATA_KEY_ID": "k1",
        "DATA_HASH_KEY": key(),
        "IDENTITY_KEYS": f"k1:{key()}",
        "IDENTITY_KEY_CURRENT": "k1",
        "IDENTITY_HASH_KEY": key(),
        "ADMIN_PASSWORD": secrets.token_urlsafe(18),
    }
    return values


if __name__ == "__main__":
    for name, value in compose_secrets().items():
        print(f"{name}={value}")
