"""The demo register (`SEED_DEMO=1`): licences spread over the demo district's grids.

They are issued like any other licence, through the outbox, so supervision receives them.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from chassis.sealing import Keyring
from contracts.values import InvalidCodeError, ResidentId
from services.licensing.context import LicensingContext
from services.licensing.domain.applications import Application, Step
from services.licensing.domain.places import Place
from services.licensing.domain.rules import Status
from services.licensing.repositories.applications import Applications
from services.licensing.tables import licences
from services.licensing.usecases.licences import issue_licence

log = logging.getLogger("shijian.licensing.demo")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明"]
# Trade words and the scope items such a business carries.
TRADES = [
    ("面馆", ["catering"]),
    ("超市", ["retail_general", "retail_food"]),
    ("五金店", ["retail_general"]),
    ("理发店", ["hairdressing"]),
    ("茶楼", ["catering", "gathering_venue"]),
    ("网吧", ["internet_cafe"]),
    ("汽修店", ["vehicle_repair"]),
    ("宾馆", ["hotel"]),
    ("便利店", ["retail_general", "retail_food"]),
    ("服装店", ["retail_general"]),
]
BATCH = 50


def _resident_id(rng: random.Random, region: str) -> str:
    """A resident ID of someone born 1960-2000 in the region, with its check character."""
    born = datetime(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
    first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    for check in "0123456789X":
        try:
            return str(ResidentId(first17 + check))
        except InvalidCodeError:
            continue
    raise AssertionError("no check character fits")  # one always does (ISO 7064)


def _inside(rng: random.Random, low: float, high: float) -> float:
    margin = (high - low) / 100
    return rng.uniform(low + margin, high - margin)


def demo_applications(
    district: Mapping[str, Any], count: int, now: datetime, keyring: Keyring, seed: int = 2006
) -> list[Application]:
    """`count` issued establishments, round-robin over the grids, at points inside each."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo, not a secret
    region = district["district"]["region_code"]
    grids = district["grids"]
    made = []
    for n in range(count):
        grid = grids[n % len(grids)]
        ring = grid["polygon"]["coordinates"][0]
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        # The grids are rectangles: a point inside the bounds, off the edges, is in the grid.
        lon = round(_inside(rng, min(lons), max(lons)), 6)
        lat = round(_inside(rng, min(lats), max(lats)), 6)
        road = rng.choice(grid["roads"])
        trade, scope = rng.choice(TRADES)
        company = n % 10 == 0
        operator = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
        issued_at = now - timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
        operator_id = keyring.seal_id_number(_resident_id(rng, region))
        made.append(
            Application(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                kind="establishment",
                entity_type="company" if company else "individual_business",
                name=f"示范区{road}{operator}{trade}{'有限公司' if company else ''}{n + 1}",
                operator_name=operator,
                operator_id_number=operator_id.masked,
                sealed_operator_id_number=operator_id.sealed,
                operator_id_number_hash=operator_id.hash,
                address=Place(
                    f"示范区{road}{rng.randrange(1, 300)}号",
                    rng.choice(grid["community_codes"]),
                    lon,
                    lat,
                ),
                business_scope=list(scope),
                registered_capital=Decimal(500_000) if company else None,
                channel=rng.choice(["window", "window", "mobile", "online"]),
                materials=[],
                status=Status.ISSUED,
                office_code=grid["office"],
                submitted_by="demo",
                submitted_at=issued_at,
                accepted_at=issued_at,
                updated_at=issued_at,
                new_steps=[Step("demo", None, Status.ISSUED, "demo", issued_at)],
            )
        )
    return made


async def seed_demo(ctx: LicensingContext) -> None:
    """Issue the demo licences once (nothing when the register already holds licences)."""
    settings = ctx.settings
    if not settings.seed_demo:
        return
    async with ctx.database.engine.connect() as connection:
        if await connection.scalar(sa.select(sa.func.count()).select_from(licences)):
            return
    district = json.loads(settings.demo_district_file.read_text(encoding="utf-8"))
    made = demo_applications(district, settings.demo_licences, ctx.clock.now(), ctx.keyring)
    for first in range(0, len(made), BATCH):
        async with ctx.unit_of_work() as uow:
            applications = Applications(uow.connection)
            for application in made[first : first + BATCH]:
                await applications.add(application)
                accepted_at = application.accepted_at or application.submitted_at
                application.credit_code = await issue_licence(
                    ctx, uow.work, application, accepted_at
                )
                await applications.save(application)
            await uow.commit()
    log.info("demo licences issued", extra={"count": len(made)})
