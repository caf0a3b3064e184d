"""The public pages without JavaScript: the 12315 form posted as a plain HTML form reaches the
complaints service; the number it gives tracks the request; the tracking page never shows who
submitted; refusals come back on the form with the reason and what was typed; the publicity
list renders; random inspection results are there once published, naming no staff; every
page carries its own CSP and speaks zh-CN by default, English on asking."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from gateway.public.text import TEXT, Language
from tests.conftest import CreateDatabase, wait_until
from tests.e2e.conftest import Databases
from tests.e2e.test_household_flow import shop
from tests.e2e.test_licensing_flow import signed_in
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


async def test_published_random_inspection_results_are_public_and_others_are_not(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    async with (
        running_platform(
            create_database,
            f"{bus_prefix}-e2e-public-draws",
            tmp_path / "keys",
            services={"supervision": {"seed_demo": True}},
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        people = {
            username: await signed_in(
                client, grant_type="password", username=username, password=f"demo-{username}"
            )
            for username in ("clerk01", "head01", "head02")
        }
        # One licensed shop in office-01's grid, one in office-02's.
        codes = {}
        for office, community in (("01", "510106001001"), ("02", "510106001003")):
            application_form = shop(f"示范区抽查样例{office}号店")
            application_form["address"] = {"text": "示范区样例路 1 号", "community_code": community}
            path = "/api/licensing/applications"
            created = await client.post(path, json=application_form, headers=people["clerk01"])
            assert created.status_code == 201, created.text
            application = f"{path}/{created.json()['id']}"
            await client.post(f"{application}/accept", headers=people["clerk01"])
            approved = await client.post(f"{application}/approve", headers=people["clerk01"])
            assert approved.json()["status"] == "issued", approved.text
            codes[office] = approved.json()["credit_code"]

        async def inspected(office: str, outcome: str, *, publish: bool) -> None:
            """The office's head draws their office's register and records the result of every
            household drawn (publishing them if asked)."""
            head = people[f"head{office}"]
            household = f"/api/supervision/households/{codes[office]}"

            async def routed() -> bool:
                return (await client.get(household, headers=head)).status_code == 200

            await wait_until(routed, within=15)
            plan = {
                "title": "2026 年双随机抽查",
                "inspectors": [f"inspector{office}", f"standby{office}"],
                "inspectors_per_household": 1,
            }
            created = await client.post(
                "/api/supervision/random-inspections", json=plan, headers=head
            )
            assert created.status_code == 201, created.text
            plan_path = f"/api/supervision/random-inspections/{created.json()['id']}"
            committed = await client.post(f"{plan_path}/draws", json={}, headers=head)
            assert committed.status_code == 201, committed.text
            drawn = await client.post(f"{plan_path}/draws/1/reveal", headers=head)
            assert drawn.status_code == 200, drawn.text
            assert [s["credit_code"] for s in drawn.json()["selection"]] == [codes[office]]
            result = {"credit_code": codes[office], "outcome": outcome, "note": "见检查记录"}
            recorded = await client.post(f"{plan_path}/results", json=result, headers=head)
            assert recorded.status_code == 201, recorded.text
            if publish:
                published = await client.post(f"{plan_path}/results/publish", headers=head)
                assert published.status_code == 200, published.text

        await inspected("01", "problems_found", publish=True)
        await inspected("02", "compliant", publish=False)

        languages: tuple[Language, ...] = ("zh-CN", "en")
        for lang in languages:
            page = await client.get(f"/public/publicity/random-inspections?lang={lang}")
            assert page.status_code == 200, page.text
            nonce_of(page)
            text = TEXT[lang]
            assert text["random.title"] in page.text
            row = re.search(rf'<tr data-credit-code="{codes["01"]}">(.*?)</tr>', page.text)
            assert row is not None, page.text
            assert "示范区抽查样例01号店" in row.group(1)
            assert text["outcome.problems_found"] in row.group(1)
            assert codes["02"] not in page.text  # recorded, not published
            # Who inspected, and what they noted, stay inside.
            for private in ("inspector01", "standby01", "head01", "见检查记录"):
                assert private not in page.text
