"""Every metric an alert or a dashboard panel asks for is one the platform exports: the whole
platform is started as `make run` starts it (one process each, on ports of the test's own),
driven through the gateway, then every process's /metrics is read.

A family is taken as exported when its process declares it (its HELP and TYPE lines, which
prometheus_client writes for a labelled family even before its first sample), so a dead
letter need not be provoked; the flow still makes the busiest families show samples. The
broker's names (rabbitmq_*) come from its rabbitmq_prometheus plugin, which the machine's
broker does not run: they are checked against the list below, from the plugin's documentation,
and `up` is Prometheus's own."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from chassis.platform import GATEWAY, PROCESSES, SERVICES
from tests.conftest import delete_broker_objects, free_port
from tests.deploy.promql import declared_samples, every_expression, metric_names, names_in
from tests.gateway.signin import demo_sign_in

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 120
# rabbitmq_prometheus's aggregated /metrics (rabbitmq.com/docs/prometheus, and the plugin's
# metrics.md: "Alarms" and "Cluster" groups).
BROKER_METRICS = frozenset(
    {
        "rabbitmq_alarms_memory_used_watermark",
        "rabbitmq_alarms_free_disk_space_watermark",
        "rabbitmq_alarms_file_descriptor_limit",
        "rabbitmq_unreachable_cluster_peers_count",
    }
)
PROMETHEUS_OWN = frozenset({"up"})


def test_the_names_are_read_out_of_promql() -> None:
    expression = (
        "sum by (service, le) (rate(shijian_http_request_duration_seconds_bucket"
        '{service=~"$service", route!~"/metrics|/healthz"}[$__rate_interval]))'
        " / on (service) group_left max without"
        ' (instance) (shijian_outbox_backlog offset 5m) or time() - up{job="x"} > bool 0.5'
        " unless histogram_quantile(0.9, other:recorded_rule) and absent(shijian_missing_total)"
    )
    assert metric_names(expression) == {
        "shijian_http_request_duration_seconds_bucket",
        "shijian_outbox_backlog",
        "up",
        "other:recorded_rule",
        "shijian_missing_total",
    }


def ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def platform(tmp_path: Path, bus_prefix: str) -> Iterator[dict[str, int]]:
    """Every process of the platform (demo seed on, SQLite) on free ports: name → port."""
    ports = {process.name: free_port() for process in PROCESSES}
    prefix = f"{bus_prefix}-metric-names"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PORT", "MAKEFLAGS"}}
    env |= {f"{name.upper()}_PORT": str(port) for name, port in ports.items()}
    # The gateway's upstreams (LICENSING_URL, ...) where the services listen.
    env |= {f"{s.name.upper()}_URL": f"http://127.0.0.1:{ports[s.name]}" for s in SERVICES}
    env |= {
        "WITNESS_PORT": str(free_port()),
        "DATA_DIR": str(tmp_path / "var"),
        "BUS_PREFIX": prefix,
        "DEMO_LICENCES": "20",
    }
    launch = [sys.executable, "-m", "chassis.launch"]
    log = (tmp_path / "platform.log").open("w")
    try:
        migrate = [*launch, "migrate"]
        subprocess.run(migrate, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
        # Its own process group, as `make run` in a terminal: one signal stops every process.
        process = subprocess.Popen(
            launch, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            started = time.monotonic()
            pending = dict(ports)
            while pending and time.monotonic() - started < START_SECONDS:
                pending = {name: port for name, port in pending.items() if not ready(port)}
                time.sleep(0.5)
            output = (tmp_path / "platform.log").read_text()
            assert not pending, f"not ready: {sorted(pending)}\n{output[-3000:]}"
            yield ports
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)
    finally:
        log.close()
        asyncio.run(delete_broker_objects(prefix))


def exposition(port: int) -> str:
    answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert answer.status_code == 200
    return answer.text


def has_sample(text: str, name: str, **labels: str) -> bool:
    return any(
        sample.name == name and labels.items() <= sample.labels.items() and sample.value > 0
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    )


def drive(ports: dict[str, int]) -> None:
    """A clerk signs in and reads through the gateway; a wrong password is refused; then wait
    for the demo seed's licences to be published, handled downstream and journalled by qms."""
    with httpx.Client(base_url=f"http://127.0.0.1:{ports[GATEWAY.name]}", timeout=30) as client:
        refused = client.post("/auth/token", data=demo_sign_in("clerk01") | {"password": "no"})
        assert refused.status_code in (400, 401), refused.text
        signed_in = client.post("/auth/token", data=demo_sign_in("clerk01"))
        assert signed_in.status_code == 200, signed_in.text
        bearer = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        for path in ("/api/licensing/applications", "/api/licensing/no-such-path"):
            client.get(path, headers=bearer)
    expected = {
        "licensing": ("shijian_events_published_total", {"type": "licensing.licence.issued"}),
        "supervision": ("shijian_events_consumed_total", {"type": "licensing.licence.issued"}),
        "qms": ("shijian_audit_log_verified", {"service": "qms"}),
        GATEWAY.name: ("shijian_gateway_upstream_requests_total", {"service": "licensing"}),
    }
    deadline = time.monotonic() + 60
    while expected and time.monotonic() < deadline:
        expected = {
            process: (name, labels)
            for process, (name, labels) in expected.items()
            if not has_sample(exposition(ports[process]), name, **labels)
        }
        time.sleep(0.5)
    assert not expected, f"no samples yet: {expected}"


def test_every_metric_the_alerts_and_dashboards_use_is_exported(
    platform: dict[str, int],
) -> None:
    drive(platform)
    declared = {name: declared_samples(exposition(port)) for name, port in platform.items()}
    exported = set().union(*declared.values())
    used = names_in(every_expression())
    broker = {name for name in used if name.startswith("rabbitmq_")}
    assert broker <= BROKER_METRICS, "broker metrics not in the plugin's list"
    missing = {
        name: sorted(where)
        for name, where in used.items()
        if name not in exported | BROKER_METRICS | PROMETHEUS_OWN
    }
    assert not missing, f"asked for but exported by no process: {missing}"
    # qms alone keeps the record of everything; every service has an outbox and a consumer.
    assert "shijian_audit_log_verified" in declared["qms"]
    assert "shijian_audit_log_verified" not in declared["licensing"]
    for process in PROCESSES:
        assert {"shijian_outbox_oldest_unsent_seconds", "shijian_bus_consumers_attached"} <= (
            declared[process.name]
        ), process.name
