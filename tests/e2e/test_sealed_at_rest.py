"""Personal data and secrets sealed at rest: after a flow through the gateway that stores each
kind (an operator's and a penalised citizen's resident ID number, a submitter's phone and ID
number, a TOTP secret, a partner's webhook secret), and each is read back where it is needed,
a dump of every database shows none of them, nor anything shaped like an ID number or a mobile
number, in clear."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pyotp
from sqlalchemy.engine import make_url

from contracts.values import InvalidCodeError, ResidentId
from tests.conftest import CreateDatabase, wait_until
from tests.e2e.test_household_flow import shop
from tests.e2e.test_licensing_flow import signed_in
from tests.gateway.conftest import running_platform
from tests.tokens import mint_token

OPERATOR_ID = "11010519491231002X"
PARTY_ID = "440524188001010014"
SUBMITTER_ID = "510106198506153873"
PHONE = "13712345678"
# Anything that could be a resident ID (18 characters, the last a digit or X) or a mainland
# mobile number, standing alone: not inside a hash, a base64 text or a longer number.
ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
MOBILE_SHAPED = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
# pg_dump writes bytea (the outbox's and inbox's envelopes) as hex, which no grep would read.
BYTEA = re.compile(r"\\\\x((?:[0-9a-f]{2})+)")


async def dump(database_url: str) -> str:
    """`pg_dump` of one database: its schema and every row, as an operator would take it."""
    url = make_url(database_url)
    process = await asyncio.create_subprocess_exec(
        "pg_dump",
        "--no-owner",
        "-h",
        url.host or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
        url.database or "",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    text = out.decode()
    decoded = [bytes.fromhex(found).decode(errors="replace") for found in BYTEA.findall(text)]
    return "\n".join([text, *decoded])


def resident_ids(text: str) -> list[str]:
    """The valid resident ID numbers (GB 11643: check character and birth date) in `text`."""
    found = []
    for candidate in ID_SHAPED.findall(text):
        try:
            ResidentId(candidate)
        except (InvalidCodeError, ValueError):
            continue
        found.append(candidate)
    return found


async def test_a_dump_of_every_database_holds_no_personal_data_or_secret_in_clear(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    urls: dict[str, str] = {}

    async def recorded(label: str) -> str:
        urls[label] = await create_database(label)
        return urls[label]

    async with (
        running_platform(
            recorded,
            f"{bus_prefix}-e2e-sealed",
            tmp_path / "keys",
            services={
                # Demo licences: 20 operators' ID numbers generated and stored at start.
                "licensing": {"seed_demo": True, "demo_licences": 20, "relay_poll_seconds": 0.2},
                "supervision": {"seed_demo": True, "relay_poll_seconds": 0.2},
                "enforcement": {"relay_poll_seconds": 0.2},
                "complaints": {"relay_poll_seconds": 0.2},
            },
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        key = platform.gateway.state.identity.keys.active
        token = mint_token(subject="admin", roles=["admin"], key=key.private_key, key_id=key.kid)
        people = {"admin": {"Authorization": f"Bearer {token}"}}
        for username in ("clerk01", "inspector07", "officer21", "handler01"):
            people[username] = await signed_in(
                client, grant_type="password", username=username, password=f"demo-{username}"
            )
        people["health"] = await signed_in(
            client, grant_type="client_credentials", client_id="health", client_secret="demo-health"
        )

        async def call(
            who: str, method: str, path: str, body: Any = None, status: int = 200
        ) -> Any:
            answer = await client.request(method, path, json=body, headers=people[who])
            assert answer.status_code == status, answer.text
            return answer.json()

        # A second factor enrolled, and used: the sealed secret opens at sign-in.
        enrolled = await call("admin", "POST", "/api/admin/users/auditor01/totp")
        totp_secret = enrolled["secret"]
        await signed_in(
            client,
            grant_type="password",
            username="auditor01",
            password="demo-auditor01",
            totp=pyotp.TOTP(totp_secret).now(),
        )

        # A partner's webhook, its secret shown once.
        await call("admin", "PUT", "/api/licensing/admin/webhook-hosts/health/127.0.0.1")
        registered = await call(
            "health", "PUT", "/api/licensing/partner/webhook", {"url": "http://127.0.0.1:9/hook"}
        )
        webhook_secret = registered["secret"]

        # An application at the window; the clerk reads the ID number against the papers.
        application = shop("示范区西华路封存便利店")
        application["operator"]["id_number"] = OPERATOR_ID
        created = await call("clerk01", "POST", "/api/licensing/applications", application, 201)
        assert created["operator_id_number"] == "110105********002X"
        operator = f"/api/licensing/applications/{created['id']}/operator"
        assert (await call("clerk01", "GET", operator))["id_number"] == OPERATOR_ID

        # An on-the-spot warning to a citizen in office-07's area (section-2), read back there.
        penalty = await call(
            "inspector07",
            "POST",
            "/api/enforcement/on-the-spot-penalties",
            {
                "party": {"kind": "citizen", "name": "李某", "id_number": PARTY_ID},
                "penalty": {"kind": "warning"},
                "facts": "占道经营，经劝阻拒不改正",
                "legal_basis": "《无证无照经营查处办法》第十三条",
            },
            201,
        )
        assert penalty["party"]["id_number"] == "440524********0014"
        party = f"/api/enforcement/on-the-spot-penalties/{penalty['id']}/party"
        assert (await call("officer21", "GET", party))["id_number"] == PARTY_ID

        # A 12315 complaint by phone, its submitter opened by the handler.
        received = await call(
            "handler01",
            "POST",
            "/api/complaints/submissions",
            {
                "channel": "phone",
                "kinds": ["complaint"],
                "submitter": {"name": "欧阳明月", "phone": PHONE, "id_number": SUBMITTER_ID},
                "description": "在该店买到过期酸奶，要求退款",
                "business": {"name": "示范区西华路副食店"},
            },
            201,
        )
        (ticket,) = received["tickets"]
        submitter = f"/api/complaints/tickets/{ticket['id']}/submitter"
        assert (await call("handler01", "GET", submitter))["phone"] == PHONE

        # Every read is in the quality system's journal before the dumps are taken.
        async def journalled() -> bool:
            kept = await dump(urls["qms"])
            return "licensing.operator.read" in kept and "enforcement.party.read" in kept

        await wait_until(journalled, within=20)

        dumps = {label: await dump(url) for label, url in urls.items()}
    assert set(dumps) == {"licensing", "supervision", "enforcement", "complaints", "qms", "gateway"}
    secrets = (OPERATOR_ID, PARTY_ID, SUBMITTER_ID, PHONE, totp_secret, webhook_secret)
    for label, text in dumps.items():
        for secret in secrets:
            assert secret not in text, (label, secret)
        assert resident_ids(text) == [], label
        assert MOBILE_SHAPED.findall(text) == [], label
    # The dumps are real: the masked forms are there to be seen, and the events' bytes read.
    assert '"specversion"' in dumps["licensing"]
    assert "110105********002X" in dumps["licensing"]
    assert "440524********0014" in dumps["enforcement"]
