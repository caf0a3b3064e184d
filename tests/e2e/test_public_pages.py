"""The public pages without JavaScript: the 12315 form posted as a plain HTML form reaches the
complaints service; the number it gives tracks the request; the tracking page never shows who
submitted; refusals come back on the form with the reason and what was typed; the publicity
list renders; every page carries its own CSP and speaks zh-CN by default, English on asking."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from gateway.public.text import TEXT
from tests.e2e.conftest import Databases
from tests.gateway.conftest import running_platform

NAME, PHONE = "欧阳明月", "13712345678"
NONCE = re.compile(r"<style nonce=\"([^\"]+)\">")


def nonce_of(page: httpx.Response) -> str:
    found = NONCE.search(page.text)
    assert found is not None, page.text[:300]
    policy = page.headers["content-security-policy"]
    assert f"style-src 'nonce-{found.group(1)}'" in policy
    assert "default-src 'none'" in policy and "script-src" not in policy
    return found.group(1)


async def test_a_citizen_complains_and_tracks_without_javascript(
    databases: Databases, bus_prefix: str, tmp_path: Path
) -> None:
    async with (
        running_platform(
            databases.create,
            f"{bus_prefix}-e2e-public-{databases.kind}",
            tmp_path / "keys",
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        form = await client.get("/public/12315")
        assert form.status_code == 200
        assert '<html lang="zh-CN">' in form.text and TEXT["zh-CN"]["form.title"] in form.text
        assert 'value="complaint"' in form.text and 'value="report"' in form.text
        first = nonce_of(form)
        assert nonce_of(await client.get("/public/12315")) != first

        refused = await client.post(
            "/public/12315?lang=en",
            data={"service_code": "bribery", "description": "商场电梯长期停运", "phone": PHONE},
        )
        assert refused.status_code == 422
        assert "service_code must be one of" in refused.text
        assert "商场电梯长期停运" in refused.text  # what was typed is kept

        received = await client.post(
            "/public/12315",
            data={
                "service_code": "complaint",
                "description": "商场电梯长期停运",
                "last_name": NAME,
                "phone": PHONE,
            },
        )
        assert received.status_code == 201, received.text
        numbers = re.findall(r'data-request-id="([0-9a-f-]{36})"', received.text)
        assert len(numbers) == 1

        track = await client.get(f"/public/12315/track?request_id={numbers[0]}&lang=en")
        assert track.status_code == 303
        page = await client.get(track.headers["location"])
        assert page.status_code == 200
        assert '<html lang="en">' in page.text
        assert "Consumer complaint" in page.text and TEXT["en"]["status.open"] in page.text
        assert NAME not in page.text and PHONE not in page.text

        unknown = await client.get("/public/12315/requests/not-a-number")
        assert unknown.status_code == 404
        assert TEXT["zh-CN"]["track.notFound"] in unknown.text

        # The complaints service has the ticket, with its submitter sealed there.
        handler = await client.post(
            "/auth/token",
            data={"grant_type": "password", "username": "handler01", "password": "demo-handler01"},
        )
        headers = {"Authorization": f"Bearer {handler.json()['access_token']}"}
        ticket = await client.get(f"/api/complaints/tickets/{numbers[0]}", headers=headers)
        assert ticket.status_code == 200, ticket.text
        assert ticket.json()["kind"] == "complaint"

        publicity = await client.get("/public/publicity?lang=en")
        assert publicity.status_code == 200
        assert TEXT["en"]["publicity.title"] in publicity.text
        nonce_of(publicity)
