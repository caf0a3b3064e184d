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
