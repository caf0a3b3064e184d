"""The one list of processes: the launcher, settings and broker definitions read it."""

from __future__ import annotations

import importlib

import pytest

from chassis.launch import environment
from chassis.platform import GATEWAY, PROCESSES, SERVICES
from chassis.settings import Settings


def test_every_process_has_its_own_port_and_a_spec_of_its_name() -> None:
    assert len({process.port for process in PROCESSES}) == len(PROCESSES)
    for process in PROCESSES:
        assert importlib.import_module(process.spec_module).spec.name == process.name


def test_the_launcher_gives_each_process_its_port_and_the_gateways_key_set() -> None:
    for process in SERVICES:
        env = environment(process, {"GATEWAY_PORT": "9000"})
        assert env["PORT"] == str(process.port)
        assert env["JWKS_URL"] == "http://127.0.0.1:9000/.well-known/jwks.json"
    assert "JWKS_URL" not in environment(GATEWAY, {})
    assert environment(SERVICES[0], {"LICENSING_PORT": "9101"})["PORT"] == "9101"
    assert environment(SERVICES[0], {"SEED_DEMO": "0"})["SEED_DEMO"] == "0"


def test_a_service_without_a_port_setting_listens_on_its_listed_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PORT", raising=False)
    for process in PROCESSES:
        assert Settings(service=process.name).port == process.port


def test_two_replicas_share_a_database_per_process_and_the_gateway_lists_both() -> None:
    base = {
        "REPLICAS": "2",
        "BUS_PREFIX": "sj-try",
        "DATABASE_SERVER": "postgresql+asyncpg://u@db:5432",
    }
    licensing = SERVICES[0]
    first, second = environment(licensing, base, 0), environment(licensing, base, 1)
    assert (first["PORT"], second["PORT"]) == ("8001", "8011")
    assert (
        first["DATABASE_URL"]
        == second["DATABASE_URL"]
        == "postgresql+asyncpg://u@db:5432/sj_try_licensing"
    )
    # One replica seeds the demo data; two would race to seed it twice.
    assert (first["SEED_DEMO"], second["SEED_DEMO"]) == ("1", "0")
    gateways = [environment(GATEWAY, base, k) for k in (0, 1)]
    assert {g["PORT"] for g in gateways} == {"8000"}
    assert all(g["REUSE_PORT"] == "1" for g in gateways)
    assert gateways[1]["LICENSING_URL"] == "http://127.0.0.1:8001,http://127.0.0.1:8011"


def test_one_replica_keeps_sqlite_and_a_bad_replica_count_is_refused() -> None:
    assert "DATABASE_URL" not in environment(SERVICES[0], {"REPLICAS": "1"})
    assert environment(GATEWAY, {})["LICENSING_URL"] == "http://127.0.0.1:8001"
    for bad in ("0", "9", "two"):
        with pytest.raises(SystemExit, match="REPLICAS"):
            environment(GATEWAY, {"REPLICAS": bad})
