"""Partner webhooks: admins allow hosts, partners register, requests are pushed signed and retried.

A real PostgreSQL, the service's push loop, and real HTTP receivers on loopback ports.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from multidict import CIMultiDict
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chassis.app import ServiceSpec, create_service_app
from chassis.auth import dev_private_key
from services.licensing.addresses import resolve_host
from services.licensing.api.webhooks import router
from services.licensing.app import spec
from services.licensing.context import LicensingContext
from services.licensing.domain.joint import PartnerRequestView
from services.licensing.domain.places import Place
from services.licensing.domain.webhooks import IPAddress, sign, url_host
from services.licensing.push import backoff, pinned_request, push_client, push_webhooks
from services.licensing.repositories.joint import PartnerRequests
from services.licensing.settings import LicensingSettings
from services.licensing.tables import applications, webhook_deliveries, webhooks
from services.licensing.usecases.webhooks import schedule_push
from tests.conftest import CreateDatabase, free_port, migrate, running, wait_until
from tests.licensing.conftest import licensing_settings
from tests.tokens import mint_token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


ADMIN = bearer(mint_token(subject="admin01", roles=["admin"]))
CLERK = bearer(mint_token(subject="clerk01", roles=["licensing_clerk"], office="office-01"))


def agency_named(label: str) -> str:
    """An agency name no other test uses (tests share one service and its database)."""
    return f"{label}-{uuid.uuid4().hex[:6]}"


def partner(agency: str) -> dict[str, str]:
    """The headers of the agency's client token."""
    return bearer(
        mint_token(subject=agency, roles=["partner_agency"], kind="partner", agency=agency)
    )


@dataclass
class Dns:
    """The resolver the service under test looks webhook hosts up with: the names a test
    scripts resolve as it says, anything else (IP literals, localhost) for real."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def script(self, name: str, *answers: list[str]) -> None:
        """`name` resolves to each answer in turn, then to the last one for good; given no
        answer, it does not resolve."""
        self.answers[name] = list(answers)

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        self.asked.append(host)
        script = self.answers.get(host)
        if script is None:
            return await resolve_host(host, port)
        if not script:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = script.pop(0) if len(script) > 1 else script[0]
        return [ipaddress.ip_address(address) for address in answer]


@dataclass
class Service:
    """The licensing service with only the webhook routes and the push loop."""

    client: httpx.AsyncClient
    app: FastAPI
    spec: ServiceSpec
    settings: LicensingSettings
    dns: Dns

    @property
    def engine(self) -> AsyncEngine:
        """The service's database engine."""
        engine: AsyncEngine = self.app.state.database.engine
        return engine


@pytest.fixture(scope="module")
async def service(create_database: CreateDatabase, bus_prefix: str) -> AsyncIterator[Service]:
    """A licensing service on its own database whose pushes give up after three attempts."""
    settings = await licensing_settings(
        create_database, bus_prefix, webhook_max_attempts=3, webhook_timeout_seconds=1.0
    )
    dns = Dns()

    async def scripted_dns(ctx: LicensingContext) -> None:
        ctx.resolve = dns.resolve

    webhook_spec = dataclasses.replace(
        spec,
        routers=[router],
        background=[push_webhooks],
        on_startup=[*spec.on_startup, scripted_dns],
    )
    await migrate(webhook_spec, settings)
    app = create_service_app(webhook_spec, settings)
    async with running(app) as client:
        yield Service(client, app, webhook_spec, settings, dns)


@dataclass(frozen=True)
class Push:
    """One POST a receiver got."""

    headers: CIMultiDict[str]
    body: bytes


@dataclass
class Receiver:
    """A partner's webhook endpoint: records what it gets, answers the scripted statuses."""

    answers: list[int]
    location: str | None = None
    hang: bool = False
    delay: float = 0.0
    url: str = ""
    pushes: list[Push] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def hook(self, request: web.Request) -> web.Response:
        self.pushes.append(Push(request.headers.copy(), await request.read()))
        if self.hang:
            await self.release.wait()
        await asyncio.sleep(self.delay)
        status = self.answers.pop(0) if self.answers else 200
        self.answered.append(status)
        headers = {"Location": self.location} if self.location else {}
        return web.Response(status=status, headers=headers)


@asynccontextmanager
async def receiving(
    *answers: int,
    location: str | None = None,
    hang: bool = False,
    delay: float = 0.0,
    host: str = "127.0.0.1",
    port: int = 0,
    tls: ssl.SSLContext | None = None,
) -> AsyncIterator[Receiver]:
    """A receiver on a loopback address and port (a free one by default): `answers` first,
    then 200 to everything; over TLS with `tls`."""
    receiver = Receiver(list(answers), location=location, hang=hang, delay=delay)
    app = web.Application()
    app.router.add_post("/hook", receiver.hook)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=tls)
    await site.start()
    scheme = "https" if tls else "http"
    receiver.url = f"{scheme}://{host}:{runner.addresses[0][1]}/hook"
    try:
        yield receiver
    finally:
        receiver.release.set()
        await runner.cleanup()


async def allow(service: Service, agency: str, host: str) -> None:
    """An admin allows `host` for the agency."""
    allowed = await service.client.put(f"/admin/webhook-hosts/{agency}/{host}", headers=ADMIN)
    assert allowed.status_code == 200, allowed.text


async def register(service: Service, agency: str, url: str) -> str:
    """The agency registers its webhook; the secret it is given."""
    registered = await service.client.put(
        "/partner/webhook", json={"url": url}, headers=partner(agency)
    )
    assert registered.status_code == 200, registered.text
    secret: str = registered.json()["secret"]
    return secret


async def hooked(service: Service, agency: str, url: str) -> str:
    """An agency whose webhook at `url` (on 127.0.0.1) is allowed and registered; its secret."""
    await allow(service, agency, "127.0.0.1")
    return await register(service, agency, url)


async def write_request(
    connection: AsyncConnection, agency: str
) -> tuple[uuid.UUID, dict[str, Any], bool]:
    """A partner request written as the licensing flow writes it, with its push scheduled.

    Gives the request id, the payload and whether a push was scheduled.
    """
    now = datetime.now(UTC)
    application_id, request_id = uuid.uuid4(), uuid.uuid4()
    address = {"text": "示范区营门口路 18 号", "community_code": "510106001001"}
    request = PartnerRequestView(
        id=request_id,
        application_id=application_id,
        agency=agency,
        status="pending",
        requested_at=now,
        deadline=date(2099, 1, 1),
        name=f"示范区小吃店{request_id.hex[:6]}",
        entity_type="individual_business",
        address=Place(address["text"], address["community_code"]),
        business_scope=["catering"],
    )
    # The request as the agency reads it at GET /partner/requests/{id}.
    payload = {
        "id": str(request_id),
        "application_id": str(application_id),
        "agency": agency,
        "status": "pending",
        "name": request.name,
        "entity_type": "individual_business",
        "address": address | {"lon": None, "lat": None},
        "business_scope": ["catering"],
        "requested_at": now.isoformat().replace("+00:00", "Z"),
        "deadline": "2099-01-01",
        "permit_number": None,
        "reason": None,
        "decided_at": None,
    }
    await connection.execute(
        sa.insert(applications).values(
            id=application_id,
            kind="establishment",
            entity_type="individual_business",
            name=request.name,
            operator_name="王某",
            operator_id_number="110105********002X",
            sealed_operator_id_number="dev.c2VhbGVkIGVsc2V3aGVyZQ==",
            operator_id_number_hash="0" * 64,
            address=address,
            business_scope=["catering"],
            channel="window",
            materials=["application_form", "operator_id", "premises_proof"],
            status="awaiting_partners",
            submitted_by="clerk01",
            submitted_at=now,
            updated_at=now,
        )
    )
    await PartnerRequests(connection).add(request)
    scheduled = await schedule_push(connection, request, now)
    return request_id, payload, scheduled


async def partner_request(service: Service, agency: str) -> tuple[uuid.UUID, dict[str, Any], bool]:
    """A partner request committed with its push, and the push loop woken as the flow would."""
    async with service.engine.begin() as connection:
        written = await write_request(connection, agency)
    service.app.state.context.webhook_due.set()
    return written


async def deliveries(service: Service, request_id: uuid.UUID) -> list[sa.Row[Any]]:
    """The pushes scheduled for a request."""
    async with service.engine.connect() as connection:
        rows = await connection.execute(
            sa.select(webhook_deliveries).where(webhook_deliveries.c.request_id == request_id)
        )
        return list(rows.all())


async def delivery(service: Service, request_id: uuid.UUID) -> sa.Row[Any]:
    """The one push scheduled for a request."""
    (row,) = await deliveries(service, request_id)
    return row


async def quiet(*apps: FastAPI) -> None:
    """Wait until each app's pusher has finished a whole round begun after this call: every
    push due by now, and any duplicate of one, has been sent."""
    contexts: list[LicensingContext] = [app.state.context for app in apps]
    begun = [context.webhook_rounds for context in contexts]
    for context in contexts:
        context.webhook_due.set()

    async def rounds_done() -> bool:
        # The first round counted may have begun before; the second began after.
        return all(c.webhook_rounds >= n + 2 for c, n in zip(contexts, begun, strict=True))

    await wait_until(rounds_done, within=10, interval=0.02)


def settled(service: Service, request_id: uuid.UUID) -> Callable[[], Awaitable[bool]]:
    """Whether the request's push was delivered or given up."""

    async def condition() -> bool:
        row = await delivery(service, request_id)
        return row.delivered_at is not None or row.failed_at is not None

    return condition


async def test_a_request_is_pushed_once_signed_with_the_agencys_secret(service: Service) -> None:
    health = agency_named("health")
    async with receiving() as receiver:
        allowed = await service.client.put(
            f"/admin/webhook-hosts/{health}/127.0.0.1", headers=ADMIN
        )
        assert allowed.status_code == 200
        assert allowed.json() == {"agency": health, "host": "127.0.0.1"}
        registered = await service.client.put(
            "/partner/webhook", json={"url": receiver.url}, headers=partner(health)
        )
        assert registered.status_code == 200, registered.text
        assert registered.headers["cache-control"] == "no-store"
        secret = registered.json()["secret"]
        assert registered.json()["url"] == receiver.url and len(secret) >= 40
        shown = await service.client.get("/partner/webhook", headers=partner(health))
        assert shown.json()["url"] == receiver.url and "secret" not in shown.json()

        request_id, payload, scheduled = await partner_request(service, health)
        assert scheduled
        await wait_until(settled(service, request_id), within=10)
        await quiet(service.app)

    assert len(receiver.pushes) == 1
    push = receiver.pushes[0]
    row = await delivery(service, request_id)
    assert row.delivered_at is not None and row.attempts == 1 and row.last_error is None
    assert push.headers["Content-Type"] == "application/json"
    assert push.headers["X-Shijian-Delivery"] == str(row.id)
    assert json.loads(push.body) == payload
    # Compact UTF-8: what a partner hashes is exactly these bytes.
    assert push.body == json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(push.headers["X-Shijian-Timestamp"])
    assert abs(timestamp - datetime.now(UTC).timestamp()) < 60
    assert push.headers["X-Shijian-Signature"] == sign(secret, timestamp, push.body)
    # What the partners' documentation tells them to compute.
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + push.body, hashlib.sha256)
    assert push.headers["X-Shijian-Signature"] == f"sha256={digest.hexdigest()}"
    assert push.headers["X-Shijian-Signature"] != sign("another secret", timestamp, push.body)
    metrics = (await service.client.get("/metrics")).text
    assert 'shijian_licensing_webhook_pushes_total{outcome="delivered"}' in metrics


async def test_only_allowed_hosts_and_the_right_callers_may_set_webhooks(
    service: Service,
) -> None:
    health, fire = agency_named("health"), agency_named("fire")
    # A public address, looked up only: nothing is pushed to this agency.
    service.dns.script("hooks.health.example.org", ["93.184.215.14"])
    await allow(service, fire, "hooks.fire.example.org")

    refused = await service.client.put(
        "/partner/webhook",
        json={"url": "https://hooks.fire.example.org/shijian"},
        headers=partner(health),
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "/problems/rule-violation"
    assert "url" in problem["detail"]
    assert [error["field"] for error in problem["errors"]] == ["body.url"]
    absent = await service.client.get("/partner/webhook", headers=partner(health))
    assert absent.status_code == 404
    assert absent.headers["content-type"] == "application/problem+json"
    async with service.engine.connect() as connection:
        stored = await connection.scalar(
            sa.select(sa.func.count()).select_from(webhooks).where(webhooks.c.agency == health)
        )
    assert stored == 0

    # Exact match: neither another host of the same domain nor an upper-cased spelling slips by.
    await allow(service, health, "Hooks.Health.example.org")
    listed = await service.client.get("/admin/webhook-hosts", headers=ADMIN)
    assert {"agency": health, "host": "hooks.health.example.org"} in listed.json()["hosts"]
    for url in ("https://evil.hooks.health.example.org/x", "https://health.example.org/x"):
        other = await service.client.put(
            "/partner/webhook", json={"url": url}, headers=partner(health)
        )
        assert other.status_code == 422, url
    accepted = await service.client.put(
        "/partner/webhook",
        json={"url": "https://HOOKS.health.example.org:8443/shijian"},
        headers=partner(health),
    )
    assert accepted.status_code == 200, accepted.text

    for body in ({"url": "ftp://hooks.health.example.org/x"}, {"url": "https://a:b@x.org/"}):
        invalid = await service.client.put("/partner/webhook", json=body, headers=partner(health))
        assert invalid.status_code == 422 and invalid.json()["type"] == "/problems/validation"
    bad_host = await service.client.put(f"/admin/webhook-hosts/{health}/bad_host!", headers=ADMIN)
    assert bad_host.status_code == 422

    staff = await service.client.put(
        "/partner/webhook", json={"url": "https://hooks.health.example.org/"}, headers=CLERK
    )
    assert staff.status_code == 403
    assert staff.headers["content-type"] == "application/problem+json"
    for method, path in (
        ("PUT", f"/admin/webhook-hosts/{health}/evil.example.org"),
        ("GET", "/admin/webhook-hosts"),
        ("DELETE", f"/admin/webhook-hosts/{health}/hooks.health.example.org"),
    ):
        answer = await service.client.request(method, path, headers=partner(health))
        assert answer.status_code == 403, (method, path)
    unauthenticated = await service.client.get("/partner/webhook")
    assert unauthenticated.status_code == 401


async def test_registering_again_replaces_the_url_and_the_secret(service: Service) -> None:
    health = agency_named("health")
    first = await hooked(service, health, "http://127.0.0.1:9/first")
    second = await register(service, health, "http://127.0.0.1:9/second")
    assert first != second
    shown = await service.client.get("/partner/webhook", headers=partner(health))
    assert shown.json()["url"] == "http://127.0.0.1:9/second"

    deleted = await service.client.delete("/partner/webhook", headers=partner(health))
    assert deleted.status_code == 204
    gone = await service.client.get("/partner/webhook", headers=partner(health))
    assert gone.status_code == 404
    again = await service.client.delete("/partner/webhook", headers=partner(health))
    assert again.status_code == 404


async def test_a_failing_receiver_is_retried_until_it_accepts(service: Service) -> None:
    health = agency_named("health")
    async with receiving(500, 500) as receiver:
        await hooked(service, health, receiver.url)
        request_id, _, _ = await partner_request(service, health)
        await wait_until(settled(service, request_id), within=10)
        await quiet(service.app)

    row = await delivery(service, request_id)
    assert row.delivered_at is not None and row.failed_at is None
    assert row.attempts == 3
    assert receiver.answered == [500, 500, 200]
    # Every attempt is the same delivery: a partner can drop what it has already taken.
    assert len({push.headers["X-Shijian-Delivery"] for push in receiver.pushes}) == 1


async def test_a_partner_that_is_down_is_given_up_without_holding_up_others(
    service: Service,
) -> None:
    down, healthy = agency_named("health"), agency_named("fire")
    await hooked(service, down, f"http://127.0.0.1:{free_port()}/hook")
    async with receiving() as receiver:
        await hooked(service, healthy, receiver.url)
        stuck = [(await partner_request(service, down))[0] for _ in range(3)]
        request_id, _, _ = await partner_request(service, healthy)
        await wait_until(settled(service, request_id), within=10)
        for each in stuck:
            await wait_until(settled(service, each), within=10)

    assert (await delivery(service, request_id)).delivered_at is not None
    assert len(receiver.pushes) == 1
    for each in stuck:
        row = await delivery(service, each)
        assert row.delivered_at is None and row.failed_at is not None
        assert row.attempts == 3
        assert "ConnectError" in row.last_error


async def test_a_receiver_that_never_answers_is_cut_off_while_others_are_delivered(
    service: Service,
) -> None:
    slow, healthy = agency_named("health"), agency_named("fire")
    async with receiving(hang=True) as hanging, receiving() as receiver:
        await hooked(service, slow, hanging.url)
        await hooked(service, healthy, receiver.url)
        waiting, _, _ = await partner_request(service, slow)
        request_id, _, _ = await partner_request(service, healthy)
        await wait_until(settled(service, request_id), within=10)
        # Delivered while the other push still waits for its answer (1 s per attempt).
        row = await delivery(service, waiting)
        assert row.delivered_at is None and row.failed_at is None
        await wait_until(settled(service, waiting), within=20)

    row = await delivery(service, waiting)
    assert row.failed_at is not None and row.attempts == 3
    assert row.last_error == "no answer within 1 s"
    assert len(hanging.pushes) == 3


async def test_no_push_is_scheduled_for_an_agency_without_a_webhook(service: Service) -> None:
    request_id, _, scheduled = await partner_request(service, agency_named("culture"))
    assert scheduled is False
    assert await deliveries(service, request_id) == []


async def test_a_redirect_is_not_followed_and_counts_as_a_failure(service: Service) -> None:
    health = agency_named("health")
    async with receiving() as elsewhere:
        # Another host as far as the allow-list goes: `localhost` is not `127.0.0.1`.
        target = elsewhere.url.replace("127.0.0.1", "localhost")
        async with receiving(302, 302, 302, location=target) as receiver:
            await hooked(service, health, receiver.url)
            request_id, _, _ = await partner_request(service, health)
            await wait_until(settled(service, request_id), within=10)
        await quiet(service.app)

    row = await delivery(service, request_id)
    assert row.delivered_at is None and row.failed_at is not None and row.attempts == 3
    assert row.last_error == f"HTTP 302 to {target} (not followed)"
    assert len(receiver.pushes) == 3
    assert elsewhere.pushes == []


async def test_a_push_to_a_host_no_longer_allowed_is_never_sent(service: Service) -> None:
    health = agency_named("health")
    async with receiving() as receiver:
        await hooked(service, health, receiver.url)
        removed = await service.client.delete(
            f"/admin/webhook-hosts/{health}/127.0.0.1", headers=ADMIN
        )
        assert removed.status_code == 204
        request_id, _, scheduled = await partner_request(service, health)
        assert scheduled
        await wait_until(settled(service, request_id), within=10)
        await quiet(service.app)

    row = await delivery(service, request_id)
    assert row.failed_at is not None and row.attempts == 0
    assert row.last_error == f"host '127.0.0.1' of the webhook is no longer allowed for '{health}'"
    assert receiver.pushes == []
    again = await service.client.delete(f"/admin/webhook-hosts/{health}/127.0.0.1", headers=ADMIN)
    assert again.status_code == 404


INTERNAL = "an internal address is reached only when an administrator allowed that exact address"


def refused_for(answer: httpx.Response, reason: str) -> None:
    """Whether the answer is the 422 refusing the webhook URL for `reason`."""
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "/problems/rule-violation"
    assert reason in problem["detail"] and problem["detail"].startswith("url: ")
    assert [error["field"] for error in problem["errors"]] == ["body.url"]


async def test_a_webhook_on_a_name_resolving_to_an_internal_address_is_refused(
    service: Service,
) -> None:
    health, fire = agency_named("health"), agency_named("fire")
    service.dns.script(f"{health}.ten.test", ["10.20.30.40"])
    service.dns.script(f"{health}.metadata.test", ["169.254.169.254"])
    service.dns.script(f"{health}.mapped.test", ["::ffff:127.0.0.1"])
    service.dns.script(f"{health}.mixed.test", ["93.184.215.14", "192.168.1.20"])
    service.dns.script(f"{health}.nowhere.test")
    refusals = {
        # Resolved for real.
        "http://localhost:8080/hook": "(loopback)",
        f"https://{health}.ten.test/hook": f"resolves to 10.20.30.40 (private); {INTERNAL}",
        f"https://{health}.metadata.test/": "resolves to 169.254.169.254 (link-local)",
        f"https://{health}.mapped.test/hook": "resolves to ::ffff:7f00:1 (loopback)",
        f"https://{health}.mixed.test/hook": "resolves to 192.168.1.20 (private)",
        f"https://{health}.nowhere.test/hook": (
            f"the host '{health}.nowhere.test' does not resolve ([Errno -2] Name or service"
        ),
    }
    for url, reason in refusals.items():
        await allow(service, health, url_host(url))
        answer = await service.client.put(
            "/partner/webhook", json={"url": url}, headers=partner(health)
        )
        refused_for(answer, reason)
    # An address, literally, is reached only when an administrator allowed that very address
    # for this agency (another agency's allowance does not count).
    await allow(service, fire, "10.1.2.3")
    for url in (
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:9/hook",
    ):
        answer = await service.client.put(
            "/partner/webhook", json={"url": url}, headers=partner(health)
        )
        assert answer.status_code == 422, url
        assert answer.json()["errors"][0]["code"] == "host_not_allowed"
    absent = await service.client.get("/partner/webhook", headers=partner(health))
    assert absent.status_code == 404

    # The administrator allows that exact internal address: the name may point there.
    await allow(service, health, "10.20.30.40")
    accepted = await service.client.put(
        "/partner/webhook", json={"url": f"https://{health}.ten.test/hook"}, headers=partner(health)
    )
    assert accepted.status_code == 200, accepted.text
    # Only that one: the metadata service is still out of reach.
    refused_for(
        await service.client.put(
            "/partner/webhook",
            json={"url": f"https://{health}.metadata.test/"},
            headers=partner(health),
        ),
        "169.254.169.254 (link-local)",
    )
    removed = await service.client.delete("/partner/webhook", headers=partner(health))
    assert removed.status_code == 204


async def test_production_takes_webhooks_over_https_on_port_443_only(service: Service) -> None:
    public_key = (
        dev_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    settings = service.settings.model_copy(
        update={"environment": "production", "jwt_public_keys": public_key.decode()}
    )
    # Registration only: no push loop of its own beside the module's.
    production = create_service_app(dataclasses.replace(service.spec, background=[]), settings)
    health = agency_named("health")
    name = f"{health}.prod.test"
    service.dns.script(name, ["93.184.215.14"])
    headers = bearer(
        mint_token(
            subject=health,
            roles=["partner_agency"],
            kind="partner",
            agency=health,
            key_id="configured",
        )
    )
    async with running(production) as client:
        await allow(service, health, name)
        await allow(service, health, "127.0.0.1")
        for url, reason in (
            (f"http://{name}/hook", "only https is allowed in production"),
            (f"https://{name}:8443/hook", "only port 443 is allowed in production"),
            ("http://127.0.0.1/hook", "only https is allowed in production"),
        ):
            answer = await client.put("/partner/webhook", json={"url": url}, headers=headers)
            refused_for(answer, reason)
        for url in (f"https://{name}/hook", f"https://{name}:443/hook"):
            accepted = await client.put("/partner/webhook", json={"url": url}, headers=headers)
            assert accepted.status_code == 200, accepted.text
        removed = await client.delete("/partner/webhook", headers=headers)
        assert removed.status_code == 204


async def test_a_push_to_a_name_now_resolving_to_an_internal_address_is_never_sent(
    service: Service,
) -> None:
    health = agency_named("health")
    name = f"{health}.moved.test"
    # Listening where the name resolves now: a push that went there would be received.
    async with receiving(host="127.0.0.2") as receiver:
        port = urlsplit(receiver.url).port
        service.dns.script(name, ["127.0.0.1"], ["127.0.0.2"])
        await allow(service, health, name)
        await allow(service, health, "127.0.0.1")
        await register(service, health, f"http://{name}:{port}/hook")
        request_id, _, scheduled = await partner_request(service, health)
        assert scheduled
        await wait_until(settled(service, request_id), within=10)
        await quiet(service.app)

    row = await delivery(service, request_id)
    assert row.delivered_at is None and row.failed_at is not None and row.attempts == 0
    assert row.last_error == f"the host {name!r} resolves to 127.0.0.2 (loopback); {INTERNAL}"
    assert receiver.pushes == []


async def test_a_push_goes_to_the_address_that_was_checked(service: Service) -> None:
    health = agency_named("health")
    name = f"{health}.pinned.test"
    async with receiving() as receiver:
        port = urlsplit(receiver.url).port
        assert port is not None
        async with receiving(host="127.0.0.2", port=port) as elsewhere:
            # Looked up at registration, then for the push; a second look-up for the push
            # would be answered with an address that was never checked.
            service.dns.script(name, ["127.0.0.1"], ["127.0.0.1"], ["127.0.0.2"])
            await allow(service, health, name)
            await allow(service, health, "127.0.0.1")
            await allow(service, health, "127.0.0.2")
            secret = await register(service, health, f"http://{name}:{port}/hook")
            request_id, payload, _ = await partner_request(service, health)
            await wait_until(settled(service, request_id), within=10)
            await quiet(service.app)

    row = await delivery(service, request_id)
    assert row.delivered_at is not None and row.attempts == 1
    assert service.dns.asked.count(name) == 2
    assert elsewhere.pushes == []
    (push,) = receiver.pushes
    # The name travels in the Host header; the signature is the one for the body as sent.
    assert push.headers["Host"] == f"{name}:{port}"
    assert json.loads(push.body) == payload
    timestamp = int(push.headers["X-Shijian-Timestamp"])
    assert push.headers["X-Shijian-Signature"] == sign(secret, timestamp, push.body)


def tls_for(directory: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a certificate for `name` from a throwaway authority, and a client
    context that trusts that authority alone."""
    now = datetime.now(UTC)

    def certificate(
        subject: str,
        issuer: x509.Certificate | None,
        key: ec.EllipticCurvePrivateKey,
        signer: ec.EllipticCurvePrivateKey,
    ) -> x509.Certificate:
        subject_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject_name)
            .issuer_name(issuer.subject if issuer else subject_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), True)
        )
        if issuer is not None:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    authority_key, server_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    authority = certificate("test authority", None, authority_key, authority_key)
    server = certificate(name, authority, server_key, authority_key)
    chain, key = directory / "server.pem", directory / "server.key"
    chain.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(chain, key)
    trusting = ssl.create_default_context(
        cadata=authority.public_bytes(serialization.Encoding.PEM).decode()
    )
    return serving, trusting


async def test_a_pinned_push_over_tls_is_verified_for_the_name(tmp_path: Path) -> None:
    serving, trusting = tls_for(tmp_path, "hooks.tls.test")
    # The names clients ask the server for in the TLS handshake (SNI).
    server_names: list[str | None] = []
    serving.sni_callback = lambda _socket, name, _context: server_names.append(name)
    loopback = ipaddress.ip_address("127.0.0.1")
    headers = {"Content-Type": "application/json"}
    async with (
        receiving(tls=serving) as receiver,
        push_client(5.0, verify=trusting) as client,
    ):
        port = urlsplit(receiver.url).port
        url = f"https://hooks.tls.test:{port}/hook"
        answered = await client.send(pinned_request(client, url, loopback, b"{}", headers))
        assert answered.status_code == 200
        # The certificate is checked for the name, not the address connected to, even when
        # a connection to that address was just open.
        other = pinned_request(
            client, f"https://other.tls.test:{port}/hook", loopback, b"{}", headers
        )
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.send(other)

    (push,) = receiver.pushes
    assert server_names == ["hooks.tls.test", "other.tls.test"]
    assert push.headers["Host"] == f"hooks.tls.test:{port}"


async def test_a_push_for_an_agency_whose_webhook_is_gone_fails_saying_so(
    service: Service,
) -> None:
    health = agency_named("health")
    async with receiving() as receiver:
        await hooked(service, health, receiver.url)
        # The partner removes its webhook before the push went out (one transaction here,
        # so that the push loop cannot send it first).
        async with service.engine.begin() as connection:
            request_id, _, scheduled = await write_request(connection, health)
            await connection.execute(sa.delete(webhooks).where(webhooks.c.agency == health))
        assert scheduled
        await wait_until(settled(service, request_id), within=10)

    row = await delivery(service, request_id)
    assert row.failed_at is not None and row.attempts == 0
    assert row.last_error == f"agency '{health}' has no webhook"
    assert receiver.pushes == []


async def test_two_replicas_never_push_the_same_delivery(service: Service) -> None:
    health = agency_named("health")
    replica = create_service_app(service.spec, service.settings)
    async with receiving(delay=0.02) as receiver, running(replica):
        await hooked(service, health, receiver.url)
        async with service.engine.begin() as connection:
            written = [await write_request(connection, health) for _ in range(60)]
        service.app.state.context.webhook_due.set()
        replica.state.context.webhook_due.set()
        for request_id, _, _ in written:
            await wait_until(settled(service, request_id), within=20)
        await quiet(service.app, replica)

    ids = [push.headers["X-Shijian-Delivery"] for push in receiver.pushes]
    assert len(ids) == len(set(ids)) == 60
    for request_id, _, _ in written:
        row = await delivery(service, request_id)
        assert row.delivered_at is not None and row.attempts == 1


def test_backoff_grows_exponentially_with_jitter_and_is_capped_at_an_hour() -> None:
    assert backoff(1, 5.0) == 5.0
    for attempts in range(2, 8):
        waits = {backoff(attempts, 5.0) for _ in range(20)}
        assert all(5.0 <= wait <= 5.0 * 2 ** (attempts - 1) for wait in waits)
        assert len(waits) > 1
    assert max(backoff(40, 5.0) for _ in range(50)) <= 3600
    assert backoff(1, 7200.0) == 3600
