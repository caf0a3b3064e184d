"""docker-compose.yml and the deploy/ files it mounts agree with what the processes expect.

Read as data, without a Docker engine: the environment each process is given, the databases the
init script creates, the broker user, the health checks, the scrape targets and the image.
"""

from __future__ import annotations

import fnmatch
import json
import re
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import SplitResult, urlsplit

import pytest
import yaml

from chassis import platform

ROOT = Path(__file__).resolve().parents[3]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"

SERVICES = {process.name: process.port for process in platform.SERVICES}
PROCESSES = platform.PORTS
DEFINITIONS_IN_CONTAINER = "/etc/rabbitmq/definitions.json"


@cache
def compose() -> dict[str, Any]:
    return cast(dict[str, Any], yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")))


def service(name: str) -> dict[str, Any]:
    services = cast(dict[str, Any], compose()["services"])
    assert name in services, f"docker-compose.yml has no service {name!r}"
    return cast(dict[str, Any], services[name])


def env(name: str) -> dict[str, str]:
    raw = service(name).get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {str(key): str(value) for key, value in raw.items()}


def url(name: str, variable: str) -> SplitResult:
    """The URL, each `${VAR:?message}` compose fills from .env read as `var`."""
    value = env(name).get(variable)
    assert value, f"{name}: {variable} is not set"
    return urlsplit(re.sub(r"\$\{([A-Z0-9_]+):\?[^}]*\}", lambda m: m[1].lower(), value))


def depends_on(name: str) -> dict[str, str]:
    raw = service(name).get("depends_on") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw, "service_started")
    return {dep: str(spec.get("condition", "service_started")) for dep, spec in raw.items()}


def volumes(name: str) -> list[tuple[str, str, str]]:
    """(type, source, target) of each volume of the service; in the short syntax a source
    starting with . or / is a bind mount, any other a named volume."""
    found = []
    for volume in service(name).get("volumes") or []:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
            found.append(("bind" if source.startswith((".", "/")) else "volume", source, target))
        else:
            found.append((volume.get("type"), volume.get("source"), volume["target"]))
    return found


def bind_mounts(name: str) -> dict[str, Path]:
    """Container path → host path of each file or folder bound into the service."""
    found = volumes(name)
    return {target: (ROOT / source).resolve() for kind, source, target in found if kind == "bind"}


def named_volumes(name: str) -> dict[str, str]:
    """Container path → volume name of each named volume of the service."""
    return {target: source for kind, source, target in volumes(name) if kind == "volume"}


def healthcheck(name: str) -> str:
    check = service(name).get("healthcheck") or {}
    assert not check.get("disable"), f"{name}: the health check is disabled"
    test = check.get("test")
    assert test, f"{name} has no health check"
    if isinstance(test, str):
        return test
    assert test[0] in ("CMD", "CMD-SHELL"), f"{name}: health check {test!r}"
    return " ".join(test[1:])


def command(name: str) -> str:
    raw = service(name).get("command")
    assert raw, f"{name} has no command"
    return raw if isinstance(raw, str) else " ".join(raw)


def created_databases() -> set[str]:
    scripts = [
        path
        for target, path in bind_mounts("postgres").items()
        if target.startswith("/docker-entrypoint-initdb.d")
    ]
    assert scripts, "postgres mounts no init script into /docker-entrypoint-initdb.d"
    names: set[str] = set()
    for script in scripts:
        files = sorted(script.glob("*.sql")) if script.is_dir() else [script]
        for file in files:
            sql = re.sub(r"--[^\n]*", "", file.read_text(encoding="utf-8"))
            names |= set(re.findall(r'CREATE\s+DATABASE\s+"?(\w+)"?', sql, re.IGNORECASE))
    return names


def rabbitmq_conf() -> dict[str, str]:
    path = bind_mounts("rabbitmq").get("/etc/rabbitmq/rabbitmq.conf")
    assert path, "rabbitmq mounts no /etc/rabbitmq/rabbitmq.conf"
    settings: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        setting = line.split("#", 1)[0].strip()
        if setting:
            key, _, value = setting.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/Dockerfile, continuation lines joined."""
    assert DOCKERFILE.is_file(), "deploy/Dockerfile is missing"
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\s*\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


# --- the processes: one image, their own database, the bus, ports and health ----------------


def test_every_process_is_a_compose_service() -> None:
    for name in PROCESSES:
        service(name)


def test_every_process_runs_the_one_image_built_from_deploy_dockerfile() -> None:
    builds = set()
    for name in PROCESSES:
        build = service(name).get("build")
        assert build, f"{name} is not built from deploy/Dockerfile"
        if isinstance(build, str):
            build = {"context": build}
        context = (ROOT / build.get("context", ".")).resolve()
        dockerfile = (context / build.get("dockerfile", "Dockerfile")).resolve()
        assert context == ROOT, f"{name}: build context {context} is not the repository root"
        assert dockerfile == DOCKERFILE, f"{name}: built from {dockerfile}"
        builds.add((service(name).get("image"), json.dumps(build, sort_keys=True)))
    assert len(builds) == 1, f"the processes are built differently: {builds}"


@pytest.mark.parametrize("name", PROCESSES)
def test_database_url_names_the_process_database_on_postgres(name: str) -> None:
    database = url(name, "DATABASE_URL")
    postgres = env("postgres")
    assert database.scheme == "postgresql+asyncpg"
    assert database.hostname == "postgres"
    assert database.port == 5432
    assert database.path == f"/{name}"
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"]
    assert name in created_databases(), f"the postgres init script never creates {name!r}"


def test_no_two_processes_share_a_database() -> None:
    databases = [url(name, "DATABASE_URL").path for name in PROCESSES]
    assert len(set(databases)) == len(databases), databases


@pytest.mark.parametrize("name", PROCESSES)
def test_bus_url_points_at_the_rabbitmq_service(name: str) -> None:
    bus = url(name, "BUS_URL")
    assert bus.scheme == "amqp"
    assert bus.hostname == "rabbitmq"
    assert bus.port == 5672
    assert re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,62}", env(name).get("BUS_PREFIX", "")), (
        f"{name}: BUS_PREFIX is not set to a valid prefix"
    )


def test_every_process_shares_one_broker_and_one_prefix_as_its_own_user() -> None:
    # Events only meet their consumers when every process names the same exchange and queues;
    # each speaks as its own broker user, whom the broker lets publish only its own keys.
    assert (
        len({(url(name, "BUS_URL").hostname, url(name, "BUS_URL").port) for name in PROCESSES}) == 1
    )
    assert len({env(name)["BUS_PREFIX"] for name in PROCESSES}) == 1
    for name in PROCESSES:
        bus = url(name, "BUS_URL")
        assert bus.username == f"{env(name)['BUS_PREFIX']}-{name}"
        assert f"${{{name.upper()}_BUS_PASSWORD:?" in env(name)["BUS_URL"]


def test_bus_users_are_provisioned_before_any_process_starts() -> None:
    provisioning = env("bus-users")
    assert "chassis.bus" in command("bus-users") and "provision" in command("bus-users")
    assert provisioning["BUS_PREFIX"] == env("licensing")["BUS_PREFIX"]
    for name in PROCESSES:
        assert provisioning[f"{name.upper()}_BUS_PASSWORD"].startswith(
            f"${{{name.upper()}_BUS_PASSWORD:?"
        )
        assert depends_on(name).get("bus-users") == "service_completed_successfully"


def test_the_administrator_that_provisions_is_created_by_rabbitmq_conf() -> None:
    # A broker that imports definitions at boot seeds no default user: default_users.<name>.*
    # is what creates it (see deploy/rabbitmq/rabbitmq.conf).
    bus = url("bus-users", "BUS_URL")
    conf = rabbitmq_conf()
    assert bus.username, "BUS_URL carries no user"
    assert conf.get(f"default_users.{bus.username}.password") == bus.password
    for permission in ("configure", "read", "write"):
        assert conf.get(f"default_users.{bus.username}.{permission}") == ".*"
    assert conf.get(f"default_users.{bus.username}.tags") == "administrator"


def test_the_secrets_script_gives_every_variable_compose_requires() -> None:
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", COMPOSE_FILE.read_text(encoding="utf-8")))
    namespace: dict[str, Any] = {}
    exec((ROOT / "deploy" / "compose_env.py").read_text(encoding="utf-8"), namespace)
    made = namespace["compose_secrets"]()
    assert required <= set(made), required - set(made)
    assert all(made.values())


@pytest.mark.parametrize(("name", "port"), PROCESSES.items())
def test_port_and_listen_address(name: str, port: int) -> None:
    assert env(name).get("PORT") == str(port)
    # The chassis listens on 127.0.0.1 by default, which no other container can reach.
    assert env(name).get("HOST") == "0.0.0.0"


@pytest.mark.parametrize(("name", "port"), PROCESSES.items())
def test_healthcheck_asks_readyz_on_the_process_port(name: str, port: int) -> None:
    check = healthcheck(name)
    assert re.search(rf"http://(127\.0\.0\.1|localhost):{port}/readyz\b", check), check
    assert check.split()[0] == "python", f"{name}: the slim image has no curl or wget: {check}"


@pytest.mark.parametrize("name", PROCESSES)
def test_waits_for_healthy_postgres_and_rabbitmq(name: str) -> None:
    dependencies = depends_on(name)
    assert dependencies.get("postgres") == "service_healthy"
    assert dependencies.get("rabbitmq") == "service_healthy"


@pytest.mark.parametrize("name", SERVICES)
def test_service_migrates_then_serves(name: str) -> None:
    run = command(name)
    migrate = run.find(f"python -m services.{name} migrate")
    assert migrate >= 0, f"{name} never migrates: {run}"
    assert re.search(rf"&&\s*(exec\s+)?python -m services\.{name}\s*$", run[migrate:]), run


@pytest.mark.parametrize("name", PROCESSES)
def test_production_settings_and_jwks_from_the_gateway(name: str) -> None:
    assert env(name).get("ENVIRONMENT") == "production"
    assert env(name).get("LOG_LEVEL") in {"DEBUG", "INFO", "WARNING", "ERROR"}
    jwks = url(name, "JWKS_URL")
    assert (jwks.scheme, jwks.hostname, jwks.port) == ("http", "gateway", PROCESSES["gateway"])
    assert jwks.path == "/.well-known/jwks.json"


# --- the gateway -------------------------------------------------------------------------


def test_gateway_migrates_then_runs_the_gateway() -> None:
    run = command("gateway")
    migrate = run.find("python -m gateway migrate")
    assert migrate >= 0, f"the gateway never migrates: {run}"
    assert re.search(r"&&\s*(exec\s+)?python -m gateway$", run[migrate:]), run


def test_the_first_admin_password_must_be_given() -> None:
    assert str(env("gateway").get("ADMIN_PASSWORD", "")).startswith("${ADMIN_PASSWORD:?")


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_gateway_routes_to_each_service(name: str, port: int) -> None:
    upstream = url("gateway", f"{name.upper()}_URL")
    assert (upstream.scheme, upstream.hostname, upstream.port) == ("http", name, port)
    assert upstream.path in ("", "/")


def test_gateway_waits_for_every_service_to_be_healthy() -> None:
    dependencies = depends_on("gateway")
    for name in SERVICES:
        assert dependencies.get(name) == "service_healthy", f"gateway does not wait for {name}"


def test_gateway_is_published_on_the_host() -> None:
    ports = [str(port) for port in service("gateway").get("ports") or []]
    assert any(port.endswith(":8000") for port in ports), ports


# --- PostgreSQL, RabbitMQ, Prometheus, Grafana ---------------------------------------------


def test_postgres_15_with_health_check_and_named_volume() -> None:
    assert str(service("postgres")["image"]).startswith("postgres:15")
    assert "pg_isready" in healthcheck("postgres")
    volume = named_volumes("postgres").get("/var/lib/postgresql/data")
    assert volume in (compose().get("volumes") or {}), "postgres data is not in a named volume"


def test_rabbitmq_with_management_plugin_and_health_check() -> None:
    image = str(service("rabbitmq")["image"])
    match = re.fullmatch(r"rabbitmq:(\d+)\.(\d+)[\w.-]*", image)
    assert match, image
    assert (int(match[1]), int(match[2])) >= (3, 10), image
    plugins = bind_mounts("rabbitmq").get("/etc/rabbitmq/enabled_plugins")
    enabled = plugins.read_text(encoding="utf-8") if plugins else ""
    assert "management" in image or "rabbitmq_management" in enabled
    check = healthcheck("rabbitmq")
    assert "rabbitmq-diagnostics" in check
    assert "ping" in check


def test_rabbitmq_mounts_and_loads_the_generated_definitions() -> None:
    definitions = bind_mounts("rabbitmq").get(DEFINITIONS_IN_CONTAINER)
    assert definitions == ROOT / "deploy" / "rabbitmq" / "definitions.json"
    conf = rabbitmq_conf()
    loaded = conf.get("load_definitions") or conf.get("definitions.local.path")
    assert loaded == DEFINITIONS_IN_CONTAINER


def scrape_targets() -> dict[str, set[str]]:
    """host:port → the metrics paths Prometheus scrapes there."""
    path = bind_mounts("prometheus").get("/etc/prometheus/prometheus.yml")
    assert path, "prometheus mounts no /etc/prometheus/prometheus.yml"
    config = cast(dict[str, Any], yaml.safe_load(path.read_text(encoding="utf-8")))
    targets: dict[str, set[str]] = {}
    for job in config.get("scrape_configs") or []:
        for static in job.get("static_configs") or []:
            for target in static.get("targets") or []:
                targets.setdefault(target, set()).add(job.get("metrics_path", "/metrics"))
    return targets


@pytest.mark.parametrize(("name", "port"), PROCESSES.items())
def test_prometheus_scrapes_the_process_metrics(name: str, port: int) -> None:
    assert "/metrics" in scrape_targets().get(f"{name}:{port}", set()), scrape_targets()


def test_grafana_is_provisioned_with_the_prometheus_datasource() -> None:
    provisioning = bind_mounts("grafana").get("/etc/grafana/provisioning")
    assert provisioning, "grafana mounts no /etc/grafana/provisioning"
    sources: list[dict[str, Any]] = []
    for file in sorted((provisioning / "datasources").glob("*.y*ml")):
        config = cast(dict[str, Any], yaml.safe_load(file.read_text(encoding="utf-8")))
        sources += config.get("datasources") or []
    prometheus = [s for s in sources if s.get("type") == "prometheus"]
    assert prometheus, "no Prometheus datasource is provisioned"
    where = urlsplit(prometheus[0]["url"])
    assert (where.hostname, where.port) == ("prometheus", 9090)
    for dashboards in bind_mounts("grafana").values():
        for file in dashboards.glob("*.json") if dashboards.is_dir() else []:
            assert json.loads(file.read_text(encoding="utf-8"))["panels"], file


# --- the image ---------------------------------------------------------------------------


def test_dockerfile_builds_on_python_3_11_and_the_console_on_node_20() -> None:
    bases = [args.split()[0] for keyword, args in dockerfile_instructions() if keyword == "FROM"]
    assert bases, "deploy/Dockerfile has no FROM"
    consoles = [base for base in bases if base.startswith("node:")]
    assert consoles and all(re.fullmatch(r"node:20([.-][\w.-]*)?", b) for b in consoles), bases
    for base in set(bases) - set(consoles):
        assert re.fullmatch(r"python:3\.11([.-][\w.-]*)?", base), base


def test_dockerfile_installs_the_project_and_runs_in_app_as_a_user() -> None:
    instructions = dockerfile_instructions()
    runs = [args for keyword, args in instructions if keyword == "RUN"]
    assert any(re.search(r"pip install (--[\w-]+ )*\.(\s|$)", run) for run in runs), runs
    final = instructions[max(i for i, (k, _) in enumerate(instructions) if k == "FROM") :]
    workdirs = [args for keyword, args in final if keyword == "WORKDIR"]
    assert workdirs and workdirs[-1] == "/app", workdirs
    users = [args for keyword, args in final if keyword == "USER"]
    assert users, "the image runs as root: no USER"
    assert users[-1].split(":")[0] not in {"root", "0"}, users[-1]


def test_dockerignore_keeps_what_pip_install_needs() -> None:
    ignore = ROOT / ".dockerignore"
    assert ignore.is_file(), ".dockerignore is missing: the whole tree would be sent to build"
    patterns = [
        line.strip().removeprefix("/").removeprefix("**/")
        for line in ignore.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "!"))
    ]
    assert ".git" in patterns
    assert ".venv" in patterns
    for needed in ("pyproject.toml", "chassis", "contracts", "services", "gateway"):
        ignored = [p for p in patterns if fnmatch.fnmatch(needed, p)]
        assert not ignored, f".dockerignore leaves {needed} out of the build: {ignored}"
