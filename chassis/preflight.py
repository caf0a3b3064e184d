"""`python -m chassis.preflight`: stop `make run` at once if RabbitMQ is not there or hung."""

from __future__ import annotations

import asyncio
import socket
import sys
from urllib.parse import urlsplit

import aio_pika

from chassis.brokers import address, broker_urls
from chassis.settings import load_settings

HOW_TO_START = (
    "start one with `rabbitmq-server -detached` (Debian: apt-get install rabbitmq-server) "
    "or `docker compose up -d rabbitmq`, or set BUS_URL"
)


def broker_address(url: str) -> tuple[str, int]:
    """The host and port of one broker URL."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or (5671 if parts.scheme == "amqps" else 5672)


def broker_reachable(bus_url: str, timeout: float = 3.0) -> bool:
    """Whether a TCP connection opens to one of BUS_URL's brokers."""
    for url in broker_urls(bus_url):
        try:
            with socket.create_connection(broker_address(url), timeout=timeout):
                return True
        except OSError:
            continue
    return False


async def broker_answers(bus_url: str, within: float = 10.0) -> bool:
    """Whether one of BUS_URL's brokers completes an AMQP handshake in time (each is given
    `within` seconds).

    A broker can accept TCP and never answer (seen on this machine): every
    service would then wait on it forever without a word.
    """
    for url in broker_urls(bus_url):
        try:
            connection = await asyncio.wait_for(aio_pika.connect(url), within)
        except (TimeoutError, OSError, aio_pika.exceptions.AMQPError):
            continue
        await connection.close()
        return True
    return False


def main() -> int:
    """Exit 0 when the broker answers, 1 with one explanatory line when it does not."""
    settings = load_settings("launcher")
    where = " or ".join(address(url) for url in broker_urls(settings.bus_url))
    if not broker_reachable(settings.bus_url):
        print(f"shijian: no RabbitMQ at {where} (BUS_URL); {HOW_TO_START}.", file=sys.stderr)
        return 1
    if not asyncio.run(broker_answers(settings.bus_url)):
        print(
            f"shijian: RabbitMQ at {where} accepts connections but does not complete an"
            " AMQP handshake (wrong credentials in BUS_URL, or a hung broker: restart it with"
            " `rabbitmqctl stop; rabbitmq-server -detached`).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
