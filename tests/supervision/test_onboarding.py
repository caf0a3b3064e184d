"""Bulk onboarding: a register routed like live households, idempotent, no event per household."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from chassis.db import Database, outbox
from chassis.legalclock.deadlines import shanghai_today
from chassis.uow import UnitOfWork
from contracts.values import Address, CreditCode, GeoPoint
from services.supervision import domain
from services.supervision.app import spec
from services.supervision.context import SupervisionContext
from services.supervision.domain import Delegation, LicenceFact, Office
from services.supervision.register import COLUMNS, ImportRefusedError
from services.supervision.repositories.delegations import Delegations
from services.supervision.repositories.map import GridIndex
from services.supervision.settings import SupervisionSettings
from services.supervision.tables import (
    claim_overdue,
    household_history,
    households,
    licence_facts,
)
from services.supervision.usecases import map as grid_map
from services.supervision.usecases.households import raise_overdue_claims
from services.supervision.usecases.onboarding import Outcome, onboard
from services.supervision.usecases.routing import RecordLicenceFact, record_licence_fact
from tests.conftest import CreateDatabase, migrate

ROOT = Path(__file__).resolve().parents[2]
# Two grids side by side, sharing the border lon = 104.01; WEST has the lower id.
WEST = "510106001001001"
EAST = "510106001001002"
_sequence = iter(range(7_000_000, 8_000_000))


def rectangle(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def new_code() -> str:
    return str(CreditCode.generate(category="2", region="510106", sequence=next(_sequence)))


def bad_check_digit(code: str) -> str:
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last


@dataclass
class Register:
    """A migrated database with two grids, an agent for EAST's owner, and its settings."""

    settings: SupervisionSettings
    database: Database

    async def count(self, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
        """How many rows of `table` match `where`."""
        async with self.database.engine.connect() as connection:
            found = await connection.scalar(
                sa.select(sa.func.count()).select_from(table).where(*where)
            )
        return int(found or 0)


@pytest.fixture(scope="module")
async def register(create_database: CreateDatabase, bus_prefix: str) -> AsyncIterator[Register]:
    settings = SupervisionSettings(
        service="supervision",
        environment="test",
        database_url=await create_database("onboarding"),
        bus_prefix=f"{bus_prefix}-onboarding",
        onboarding_claim_workdays=5,
    )
    await migrate(spec, settings)
    database = Database(settings.database_url)
    ctx = SupervisionContext(settings=settings, database=database)
    async with UnitOfWork(database, "supervision") as uow:
        await grid_map.create_office(ctx, uow, Office("office-01", "营门口所", 1), by="admin")
    for grid_id, west, community, owner in (
        (WEST, 104.00, "510106001001", "insp-west"),
        (EAST, 104.01, "510106001002", "insp-east"),
    ):
        shape = rectangle(west, 30.70, west + 0.01, 30.71)
        drawn = grid_map.DrawGrid(
            grid_id, "office-01", f"grid {grid_id[-3:]}", shape, [community], owner
        )
        async with UnitOfWork(database, "supervision") as uow:
            await grid_map.create_grid(ctx, uow, drawn, by="admin")
    today, now = shanghai_today(), datetime.now(UTC)
    agent = Delegation("insp-east", "agent-east", today, today, uuid.uuid4(), "admin", now)
    async with database.engine.begin() as connection:
        await Delegations(connection).add(agent)
    try:
        yield Register(settings, database)
    finally:
        await database.dispose()


def entity(code: str, **changes: Any) -> dict[str, Any]:
    return {
        "credit_code": code,
        "name": f"示范区商户{code[-6:]}",
        "entity_type": "individual_business",
        "operator_name": "王某",
        "address_text": "示范区营门口路 1 号",
        "community_code": "510106001001",
        "lon": None,
        "lat": None,
        "business_scope": ["日用百货零售", "预包装食品销售"],
        "office_code": None,
    } | changes


def cases() -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Good and bad lines (in file order) and the credit codes of the good ones by case."""
    codes = {name: new_code() for name in ("inside", "border", "community", "nowhere")}
    lines = [
        entity(codes["inside"], lon=104.015, lat=30.705, community_code="510106001001"),
        entity(codes["border"], lon=104.01, lat=30.705),
        entity(codes["community"], community_code="510106001002"),
        entity(codes["nowhere"], community_code="510106009999", office_code="office-01"),
        entity(bad_check_digit(new_code())),
        entity(new_code(), community_code="51010600100"),
        entity(new_code(), lon=200.0, lat=30.705),
        entity(new_code(), entity_type="street_stall"),
        entity(codes["inside"], name="a second line for the same business"),
    ]
    return lines, codes


def write_csv(path: Path, lines: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        for line in lines:
            scope = ";".join(line["business_scope"])
            writer.writerow(
                {k: "" if v is None else v for k, v in line.items()} | {"business_scope": scope}
            )
    return path


def write_jsonl(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    return path


async def stored(register: Register, codes: list[str]) -> dict[str, Any]:
    async with register.database.engine.connect() as connection:
        rows = await connection.execute(
            sa.select(households).where(households.c.credit_code.in_(codes))
        )
        return {row.credit_code: row for row in rows}


def assert_rejections(outcome: Outcome, first_line: int) -> None:
    """The five bad lines of `cases()`, the first of them on `first_line`."""
    assert dict(outcome.rejected) == {
        "credit_code": 1,
        "community_code": 1,
        "lon": 1,
        "entity_type": 1,
        "repeated": 1,
    }
    lines = [line for line, _ in outcome.first_rejected]
    assert lines == list(range(first_line, first_line + 5))
    reasons = [reason for _, reason in outcome.first_rejected]
    assert reasons[0].startswith("credit_code: credit code fails the check character")
    assert reasons[1] == "community_code: must be 12 digits, got '51010600100'"
    assert reasons[2] == "lon: must be within -180..180, got 200"
    assert reasons[3].startswith("entity_type: must be one of ")
    assert reasons[4] == f"credit code repeats line {first_line - 4}"


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
async def test_a_register_is_routed_as_live_households_and_a_rerun_adds_nothing(
    register: Register, tmp_path: Path, suffix: str
) -> None:
    lines, codes = cases()
    write = write_csv if suffix == ".csv" else write_jsonl
    path = write(tmp_path / f"register{suffix}", lines)
    first_line = 2 if suffix == ".csv" else 1  # the CSV header is line 1

    outcome = await onboard(register.settings, path, batch=100)

    assert (outcome.read, outcome.by_point, outcome.by_community, outcome.unrouted) == (9, 2, 1, 1)
    assert outcome.already_there == 0
    assert_rejections(outcome, first_line + 4)
    rows = await stored(register, list(codes.values()))
    assert set(rows) == set(codes.values())
    async with register.database.engine.connect() as connection:
        grid_map = await GridIndex().current(connection)
    deadline = domain.claim_deadline(shanghai_today(), 5)
    for line in lines[:4]:
        row = rows[line["credit_code"]]
        live = grid_map.route(line["lon"], line["lat"], line["community_code"])
        assert (row.grid_id, row.routed_by) == (live.grid.id if live.grid else None, live.by)
        location = GeoPoint(lon=line["lon"], lat=line["lat"]) if line["lon"] else None
        address = Address(
            text=line["address_text"], community_code=line["community_code"], location=location
        )
        assert row.address == address.model_dump(mode="json")
        assert row.business_scope == line["business_scope"]
        assert row.licensed
    inside, border = rows[codes["inside"]], rows[codes["border"]]
    community, nowhere = rows[codes["community"]], rows[codes["nowhere"]]
    assert (inside.grid_id, inside.owner, inside.agent) == (EAST, "insp-east", "agent-east")
    assert (border.grid_id, border.owner, border.agent) == (WEST, "insp-west", None)
    assert (community.grid_id, community.routed_by) == (EAST, "community")
    for row in (inside, border, community):
        assert (row.status, row.claim_deadline, row.office_id) == (
            "assigned",
            deadline,
            "office-01",
        )
    assert (nowhere.status, nowhere.grid_id, nowhere.owner) == ("unrouted", None, None)
    assert (nowhere.office_id, nowhere.claim_deadline, nowhere.routed_by) == (
        "office-01",
        None,
        "none",
    )
    # The first line of a repeated credit code is the one kept.
    assert inside.name == lines[0]["name"]

    async with register.database.engine.connect() as connection:
        history = (
            await connection.execute(
                sa.select(household_history).where(
                    household_history.c.credit_code.in_(list(codes.values()))
                )
            )
        ).all()
    assert sorted((h.credit_code, h.kind) for h in history) == sorted(
        (code, "import") for code in codes.values()
    )
    entry = next(h for h in history if h.credit_code == codes["inside"])
    assert entry.detail | {"claim_deadline": None} == {
        "file": path.name,
        "line": first_line,
        "grid_id": EAST,
        "office_id": "office-01",
        "owner": "insp-east",
        "agent": "agent-east",
        "routed_by": "point",
        "claim_deadline": None,
    }
    assert entry.detail["claim_deadline"] == deadline.isoformat()
    # No event per household: the only ones are the map's, drawn before the import.
    map_events = outbox.c.routing_key.in_(
        ["supervision.office.changed.v1", "supervision.grid.changed.v1"]
    )
    assert await register.count(outbox, ~map_events) == 0

    again = await onboard(register.settings, path, batch=100)

    assert (again.read, again.stored, again.already_there) == (9, 0, 4)
    assert_rejections(again, first_line + 4)
    assert await stored(register, list(codes.values())) == rows
    in_register = household_history.c.credit_code.in_(list(codes.values()))
    assert await register.count(household_history, in_register) == 4


async def test_a_licence_change_after_the_import_applies_on_top_of_the_register(
    register: Register, tmp_path: Path
) -> None:
    code = new_code()
    path = write_jsonl(tmp_path / "one.jsonl", [entity(code, lon=104.005, lat=30.705)])
    assert (await onboard(register.settings, path)).by_point == 1
    change = LicenceFact(3, "changed", {"credit_code": code, "name": "新名字"})
    ctx = SupervisionContext(settings=register.settings, database=register.database)
    async with UnitOfWork(register.database, "supervision") as uow:
        await record_licence_fact(ctx, uow.work, RecordLicenceFact(code, change, datetime.now(UTC)))
        await uow.commit()
    row = (await stored(register, [code]))[code]
    assert (row.name, row.entity_type, row.operator_name) == (
        "新名字",
        "individual_business",
        "王某",
    )
    assert (row.licensed, row.status, row.grid_id) == (True, "assigned", WEST)
    async with register.database.engine.connect() as connection:
        facts = (
            await connection.execute(
                sa.select(licence_facts.c.sequence, licence_facts.c.kind).where(
                    licence_facts.c.credit_code == code
                )
            )
        ).all()
    assert sorted(facts) == [(0, "issued"), (3, "changed")]


async def test_by_default_an_imported_household_owes_no_claim_and_is_never_overdue(
    register: Register, tmp_path: Path
) -> None:
    code = new_code()
    path = write_jsonl(tmp_path / "inherited.jsonl", [entity(code, lon=104.005, lat=30.705)])
    settings = register.settings.model_copy(update={"onboarding_claim_workdays": None})
    assert (await onboard(settings, path)).by_point == 1
    row = (await stored(register, [code]))[code]
    assert (row.status, row.owner, row.claim_deadline) == ("assigned", "insp-west", None)
    ctx = SupervisionContext(settings=settings, database=register.database)
    async with UnitOfWork(register.database, "supervision") as uow:
        far_future = shanghai_today() + timedelta(days=3650)
        await raise_overdue_claims(ctx, uow, far_future)
    assert await register.count(claim_overdue, claim_overdue.c.credit_code == code) == 0


async def test_what_cannot_be_imported_is_refused_with_one_line(
    register: Register, tmp_path: Path
) -> None:
    headless = tmp_path / "short.csv"
    headless.write_text("credit_code,name\n")
    with pytest.raises(ImportRefusedError, match="the header lacks entity_type"):
        await onboard(register.settings, headless)
    with pytest.raises(ImportRefusedError, match=r"a \.csv, \.jsonl or \.ndjson file"):
        await onboard(register.settings, tmp_path / "register.xlsx")
    sqlite = register.settings.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    )
    with pytest.raises(ImportRefusedError, match="SQLite is not supported"):
        await onboard(sqlite, write_jsonl(tmp_path / "a.jsonl", []))


async def test_the_command_line_imports_and_prints_the_summary(
    register: Register, tmp_path: Path
) -> None:
    good = [entity(new_code(), lon=104.005, lat=30.705), entity(new_code())]
    path = write_csv(tmp_path / "cli.csv", [*good, entity(new_code(), lon=200.0, lat=1.0)])
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SEED_DEMO", "BUS_PREFIX", "PORT"}
    } | {"DATABASE_URL": register.settings.database_url, "ENVIRONMENT": "test"}
    finished = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "services.supervision", "import", str(path), "--batch", "100"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 1, finished.stderr  # one line rejected
    summary = finished.stdout
    assert "imported cli.csv in" in summary
    assert re.search(r"routed by point +1\n", summary), summary
    assert re.search(r"routed by community +1\n", summary), summary
    assert re.search(r"rejected +1\n +lon +1\n", summary), summary
    assert "line 4: lon: must be within -180..180, got 200" in summary
    assert "no events published" in summary
    assert len(await stored(register, [line["credit_code"] for line in good])) == 2


async def test_unreadable_lines_are_rejected_and_the_rest_go_on(
    register: Register, tmp_path: Path
) -> None:
    first, second = entity(new_code()), entity(new_code(), business_scope=[])
    csv_path = write_csv(tmp_path / "messy.csv", [first])
    text = csv_path.read_bytes()
    header, line = text.splitlines(keepends=True)
    csv_path.write_bytes(
        b"\xef\xbb\xbf" + header + b"\r\n" + b"a,b,c\r\n" + line.replace(b"\xe7", b"\xff")
    )
    outcome = await onboard(register.settings, csv_path)
    assert (outcome.read, outcome.stored) == (2, 0)
    assert outcome.first_rejected == [(3, "has 3 fields, the header 10"), (4, "not UTF-8 text")]

    jsonl_path = tmp_path / "messy.jsonl"
    jsonl_path.write_text(
        "{not json\n[1, 2]\n\n"
        + json.dumps(first)
        + "\n"
        + json.dumps(second | {"lon": "104.005", "lat": 30.705})
        + "\n"
        + json.dumps(entity(new_code(), lon=104.0))
        + "\n"
    )
    outcome = await onboard(register.settings, jsonl_path)
    assert (outcome.read, outcome.by_point, outcome.by_community) == (5, 1, 1)
    assert [line for line, _ in outcome.first_rejected] == [1, 2, 6]
    assert outcome.first_rejected[1][1] == "not a JSON object"
    assert outcome.first_rejected[2][1] == "lat: lon and lat go together"
    assert dict(outcome.rejected) == {"unreadable": 2, "lat": 1}
