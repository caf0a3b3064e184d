"""One broker user per process, allowed exactly what its relay, consumer and DLQ tools do.

A process' user is `<BUS_PREFIX>-<process>`. It may publish on the events exchange only the
routing keys of the event types it owns (topic permissions; `contracts.owner`), bind its queue
only to the keys it consumes, and declare, read and write only the exchanges every process
declares and its own queue and dead-letter queue. Definitions carry the users without a
password; `provision` gives each its password from a file, and sets the queues' policies
(limits and dead-lettering), through the management API when the broker has it, else through
one `rabbitmqctl import_definitions`.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx

from chassis.brokers import broker_urls
from chassis.bus.topology import Topology
from contracts import owned_prefixes

VHOST = "/"
# The default exchange: the DLQ tools replay a letter straight onto the service's own queue.
# The broker cannot narrow it by queue; what another process could put on a queue this way is
# refused by the queue's consumer, which checks every event's publishing user.
DEFAULT_EXCHANGE = "amq.default"
MANAGEMENT_PORT = 15672
MANAGEMENT_TIMEOUT_SECONDS = 2.0
RABBITMQCTL_TIMEOUT_SECONDS = 60


class ProvisioningError(RuntimeError):
    """The broker's users could not be created or updated."""


def broker_user(prefix: str, process: str) -> str:
    """The broker user a process connects as: `shijian-licensing`."""
    return f"{prefix}-{process}"


def _exactly(names: Sequence[str]) -> str:
    return "^(" + "|".join(re.escape(name) for name in sorted(set(names))) + ")$"


@dataclass(frozen=True)
class Grant:
    """A process' permissions: vhost regexes, and topic regexes on the events exchange."""

    configure: str
    write: str
    read: str
    topic_write: str
    topic_read: str


def grant(topology: Topology, process: str, consumed: Sequence[str]) -> Grant:
    """What `process` may do on the broker: `consumed` are its queue's binding keys.

    Every process' relay declares the events exchange (with its alternate: read on it, write
    on the alternate), the unrouted queue bound to it and the dead-letter exchange; a consumer
    declares its queue (dead-lettering to the dead-letter exchange: write on it) and DLQ, binds
    them, consumes, parks invalid messages through the dead-letter exchange; its DLQ tools read
    the DLQ and replay through the default exchange.
    """
    shared = [topology.exchange, topology.unrouted, topology.dead_letter_exchange]
    own = [topology.queue(process), topology.dead_letter_queue(process)] if consumed else []
    owned = "|".join(re.escape(prefix) for prefix in owned_prefixes(process))
    return Grant(
        configure=_exactly(shared + own),
        write=_exactly(shared + own + ([DEFAULT_EXCHANGE] if consumed else [])),
        read=_exactly(shared + own),
        topic_write=f"^({owned})\\.",
        topic_read=_exactly(consumed) if consumed else "^$",
    )


def user_definitions(
    topology: Topology,
    consumed: Mapping[str, Sequence[str]],
    passwords: Mapping[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Users, permissions and topic permissions in the definitions format, one per process.

    Without `passwords` the users have none (an empty hash: nobody can sign in as them until
    `provision` sets theirs), which is what the committed definitions hold.
    """
    users, permissions, topics = [], [], []
    for process, keys in sorted(consumed.items()):
        name = broker_user(topology.prefix, process)
        secret = (
            {"password": passwords[process]}
            if passwords is not None
            else {"password_hash": "", "hashing_algorithm": "rabbit_password_hashing_sha256"}
        )
        users.append({"name": name, "tags": []} | secret)
        rights = grant(topology, process, keys)
        permissions.append(
            {
                "user": name,
                "vhost": VHOST,
                "configure": rights.configure,
                "write": rights.write,
                "read": rights.read,
            }
        )
        topics.append(
            {
                "user": name,
                "vhost": VHOST,
                "exchange": topology.exchange,
                "write": rights.topic_write,
                "read": rights.topic_read,
            }
        )
    return {"users": users, "permissions": permissions, "topic_permissions": topics}


@functools.cache
def management_api(admin_url: str) -> str | None:
    """The management API's base URL beside the (first) broker of `admin_url`, if it answers there
    (asked once per process: a broker does not gain or lose its plugin while we run)."""
    parts = urlsplit(broker_urls(admin_url)[0])
    base = f"http://{parts.hostname or '127.0.0.1'}:{MANAGEMENT_PORT}/api"
    try:
        answer = httpx.get(
            f"{base}/overview", auth=_credentials(admin_url), timeout=MANAGEMENT_TIMEOUT_SECONDS
        )
    except httpx.HTTPError:
        return None
    return base if answer.status_code == 200 else None


def _credentials(admin_url: str) -> tuple[str, str]:
    parts = urlsplit(broker_urls(admin_url)[0])
    return unquote(parts.username or "guest"), unquote(parts.password or "guest")


def _rabbitmqctl(*arguments: str, stdin: str | None = None, node: str | None = None) -> str:
    executable = shutil.which("rabbitmqctl")
    if executable is None:
        raise ProvisioningError(
            "neither the management API (port 15672) nor rabbitmqctl is available on this host"
        )
    done = subprocess.run(  # noqa: S603 - the broker's own tool, arguments we built
        [executable, "-q", *(["-n", node] if node else []), *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=RABBITMQCTL_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise ProvisioningError(f"rabbitmqctl {arguments[0]}: {done.stderr.strip()}")
    return done.stdout


def provision(
    admin_url: str,
    topology: Topology,
    passwords: Mapping[str, str],
    consumed: Mapping[str, Sequence[str]],
    *,
    node: str | None = None,
) -> str:
    """Create or update `<prefix>-<process>` for every process of `consumed` with its password
    and permissions, and the policies of the consuming services' queues, in one request; how
    it was done (`management API` or `rabbitmqctl`).

    `node` names the Erlang node to reach through rabbitmqctl instead (a node without the
    management API, beside another broker's: the tests' own nodes)."""
    missing = sorted(set(consumed) - set(passwords))
    if missing:
        raise ProvisioningError(f"no password for {', '.join(missing)}")
    entries: dict[str, Any] = user_definitions(topology, consumed, passwords)
    entries["policies"] = topology.policies(name for name, keys in consumed.items() if keys)
    api = None if node else management_api(admin_url)
    if api is not None:
        answer = httpx.post(
            f"{api}/definitions",
            json=entries,
            auth=_credentials(admin_url),
            timeout=RABBITMQCTL_TIMEOUT_SECONDS,
        )
        if answer.status_code >= 300:
            raise ProvisioningError(f"management API: {answer.status_code} {answer.text[:500]}")
        return "management API"
    # On its standard input: the passwords are never written to a file.
    _rabbitmqctl("import_definitions", stdin=json.dumps(entries), node=node)
    return "rabbitmqctl"


def delete_provisioned(admin_url: str, prefix: str, *, node: str | None = None) -> int:
    """Delete every broker user and queue policy whose name starts with `prefix` (what
    `provision` made); how many there were (`node`: as for `provision`)."""
    api = None if node else management_api(admin_url)
    if api is not None:
        auth = _credentials(admin_url)
        listed = httpx.get(f"{api}/users", auth=auth, timeout=RABBITMQCTL_TIMEOUT_SECONDS)
        names = [user["name"] for user in listed.json() if user["name"].startswith(prefix)]
        if names:
            httpx.post(
                f"{api}/users/bulk-delete",
                json={"users": names},
                auth=auth,
                timeout=RABBITMQCTL_TIMEOUT_SECONDS,
            ).raise_for_status()
        vhost = quote(VHOST, safe="")
        listed = httpx.get(
            f"{api}/policies/{vhost}", auth=auth, timeout=RABBITMQCTL_TIMEOUT_SECONDS
        )
        policies = [p["name"] for p in listed.json() if p["name"].startswith(prefix)]
        for policy in policies:
            httpx.delete(
                f"{api}/policies/{vhost}/{quote(policy, safe='')}",
                auth=auth,
                timeout=RABBITMQCTL_TIMEOUT_SECONDS,
            ).raise_for_status()
        return len(names) + len(policies)
    lines = _rabbitmqctl("list_users", "--no-table-headers", node=node).splitlines()
    names = [line.split("\t", 1)[0] for line in lines if line.startswith(prefix)]
    lines = _rabbitmqctl("list_policies", "--no-table-headers", node=node).splitlines()
    policies = [
        fields[1]
        for fields in (line.split("\t") for line in lines)
        if len(fields) > 1 and fields[1].startswith(prefix)
    ]
    if names or policies:
        # One call for them all: each rabbitmqctl call costs half a second.
        def binaries(values: list[str]) -> str:
            return ", ".join(f"<<{json.dumps(value)}/utf8>>" for value in values)

        _rabbitmqctl(
            "eval",
            f'[rabbit_auth_backend_internal:delete_user(U, <<"shijian">>)'
            f" || U <- [{binaries(names)}]],"
            f' [rabbit_policy:delete(<<"/">>, P, <<"shijian">>)'
            f" || P <- [{binaries(policies)}]].",
            node=node,
        )
    return len(names) + len(policies)
