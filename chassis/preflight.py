"""`python -m chassis.preflight`: stop `make run` at once if RabbitMQ is not there."""

from __future__ import annotations

import socket
import sys
from urllib.parse import urlsplit

from chassis.settings import load_settings

HOW_TO_START = (
    "start one with `rabbitmq-server -detached` (Debian: apt-get install rabbitmq-server) "
    "or `docker compose up -d rabbitmq`, or set BUS_URL"
)


def broker_reachable(bus_url: str, timeout: float = 3.0) -> tuple[bool, str]:
    """Whether a TCP connection to the broker of `bus_url` opens; and where it looked."""
    parts = urlsplit(bus_url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True, where
    except OSError:
        return False, where


def main() -> int:
    """Exit 0 when the broker answers, 1 with one explanatory line when it does not."""
    settings = load_settings("launcher")
    reachable, where = broker_reachable(settings.bus_url)
    if not reachable:
        print(f"shijian: no RabbitMQ at {where} (BUS_URL); {HOW_TO_START}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
