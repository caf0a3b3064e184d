"""BUS_URL: one broker's AMQP URL, or several separated by commas (the nodes of one cluster).

Each is a complete URL with its own user and password, so any one of them can be handed to
another AMQP tool as it is; all must name the same user, since a relay stamps every event with
its connection's user and the broker refuses any other. A process connects to the first that
answers and moves to the next when its connection is lost (chassis.bus.transport).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

_AMQP_URL = re.compile(r"^amqps?://[^/\s,]+(/[^\s,]*)?$")


def broker_urls(bus_url: str) -> list[str]:
    """The URLs of a BUS_URL, in the order a process tries them.

    ValueError when one is not an AMQP URL or they do not all name the same user.
    """
    urls = [part.strip() for part in bus_url.split(",") if part.strip()]
    if not urls:
        raise ValueError("expected amqp://user:password@host:port/vhost")
    for url in urls:
        if not _AMQP_URL.match(url):
            raise ValueError(
                f"{address(url)}: expected amqp://user:password@host:port/vhost "
                "(several separated by commas)"
            )
    users = {url_user(url) for url in urls}
    if len(users) > 1:
        raise ValueError(
            "every broker URL must give the same user (a relay stamps each event with it); "
            f"found {', '.join(sorted(users))}"
        )
    return urls


def url_user(url: str) -> str:
    """The user name in a BUS_URL (its first URL's: they all name the same)."""
    return unquote(urlsplit(url.split(",", 1)[0].strip()).username or "guest")


def address(url: str) -> str:
    """`host:port` of one broker URL: what a log line may say of it (never the password)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = 5671 if parts.scheme == "amqps" else 5672
    return f"{parts.hostname or '127.0.0.1'}:{port or default}"


def with_user(bus_url: str, user: str, password: str) -> str:
    """`bus_url` connecting as `user` with `password` instead of its own credentials, on each
    of its brokers."""
    rewritten = []
    for url in broker_urls(bus_url):
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
        rewritten.append(
            urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
        )
    return ",".join(rewritten)
