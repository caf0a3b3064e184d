"""deploy/k8s renders, with kustomize, into objects that Kubernetes accepts and that keep the
bureau's rules: every process deployed, migrated first, probed, bounded, hardened, highly
available in production, reachable only through the gateway, and no secret in the repository.

Built-in objects are checked against Kubernetes' own schemas (kubernetes-validate). The custom
resources of the operators (CloudNativePG, RabbitMQ) are not in those schemas: they are checked
here against the fields the operators require, not against the operators' CRDs.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import kubernetes_validate
import pytest

from chassis import platform
from chassis.bus.topology import Topology
from tests.deploy.manifests import (
    BUILT_IN_GROUPS,
    K8S,
    KUBERNETES_VERSION,
    OVERLAYS,
    ROOT,
    STAGES,
    Object,
    availability_problems,
    containers,
    egress_of,
    group,
    image_problems,
    of_kind,
    outside_ingress_problems,
    pod_labels,
    probe_problems,
    render,
    repository_secret_problems,
    resource_problems,
    secret_value_problems,
    security_problems,
)

PROCESSES = {process.name: process for process in platform.PROCESSES}
SERVICES = [process.name for process in platform.SERVICES]
DEFINITIONS = json.loads((ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text())


def servers(objects: list[Object]) -> dict[str, Object]:
    return {
        name: deployment
        for name, deployment in of_kind(objects, "Deployment").items()
        if pod_labels(deployment).get("app.kubernetes.io/component") == "server"
    }


def env_of(workload: Object) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in containers(workload)[0].get("env", [])}


# --- it renders, and Kubernetes would accept it ----------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_built_in_objects_are_valid_for_the_pinned_kubernetes(overlay: str) -> None:
    checked = 0
    for document in render(overlay):
        if group(document) in BUILT_IN_GROUPS:
            # Strict: a misspelt or misplaced field is an error, not silently dropped.
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            checked += 1
    assert checked > 40


def test_the_schema_check_refuses_a_misplaced_field() -> None:
    deployment = copy.deepcopy(servers(render("production"))["licensing"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessprobe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def _custom_resource_problems(document: Object, names: dict[str, set[str]]) -> list[str]:
    """What each operator needs of its objects (its CRD's required fields and the references
    between them)."""
    kind, spec = document["kind"], document.get("spec", {})
    where = f"{kind}/{document['metadata']['name']}"

    def need(condition: bool, what: str) -> list[str]:
        return [] if condition else [f"{where}: {what}"]

    cluster_ref = spec.get("rabbitmqClusterReference", {}).get("name")
    match (group(document), document["apiVersion"], kind):
        case ("postgresql.cnpg.io", "postgresql.cnpg.io/v1", "Cluster"):
            roles = spec.get("managed", {}).get("roles", [])
            return (
                need(isinstance(spec.get("instances"), int) and spec["instances"] >= 1, "instances")
                + need(bool(spec.get("storage", {}).get("size")), "storage.size")
                + need(not image_problems(spec.get("imageName", "")), "a pinned imageName")
                + need(all(r.get("passwordSecret", {}).get("name") for r in roles), "passwords")
            )
        case ("postgresql.cnpg.io", "postgresql.cnpg.io/v1", "Pooler"):
            return (
                need(spec.get("cluster", {}).get("name") in names["Cluster"], "its Cluster")
                + need(document["metadata"]["name"] not in names["Cluster"], "a name of its own")
                + need(spec.get("type") in ("rw", "ro"), "type rw or ro")
                + need(
                    spec.get("pgbouncer", {}).get("poolMode") in ("session", "transaction"),
                    "poolMode",
                )
            )
        case ("postgresql.cnpg.io", "postgresql.cnpg.io/v1", "Database"):
            return need(
                spec.get("cluster", {}).get("name") in names["Cluster"], "its Cluster"
            ) + need(bool(spec.get("name")) and bool(spec.get("owner")), "name and owner")
        case ("rabbitmq.com", "rabbitmq.com/v1beta1", "RabbitmqCluster"):
            return need(isinstance(spec.get("replicas"), int), "replicas") + need(
                not image_problems(spec.get("image", "")), "a pinned image"
            )
        case ("rabbitmq.com", "rabbitmq.com/v1beta1", "User"):
            return need(cluster_ref in names["RabbitmqCluster"], "its RabbitmqCluster") + need(
                bool(spec.get("importCredentialsSecret", {}).get("name")), "its Secret"
            )
        case ("rabbitmq.com", "rabbitmq.com/v1beta1", "Permission" | "TopicPermission"):
            fields = (
                ("configure", "write", "read")
                if kind == "Permission"
                else ("exchange", "write", "read")
            )
            return (
                need(cluster_ref in names["RabbitmqCluster"], "its RabbitmqCluster")
                + need(spec.get("userReference", {}).get("name") in names["User"], "its User")
                + need(bool(spec.get("vhost")), "vhost")
                + need(all(spec.get("permissions", {}).get(f) for f in fields), "permissions")
            )
        case ("rabbitmq.com", "rabbitmq.com/v1beta1", "Policy"):
            return (
                need(cluster_ref in names["RabbitmqCluster"], "its RabbitmqCluster")
                + need(bool(spec.get("name")) and bool(spec.get("pattern")), "name and pattern")
                + need(isinstance(spec.get("definition"), dict), "definition")
                + need(
                    spec.get("applyTo", "all")
                    in ("queues", "classic_queues", "quorum_queues", "exchanges", "all"),
                    "applyTo",
                )
            )
    return [f"{where}: {document['apiVersion']} is not a kind these tests know"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_custom_resources_have_what_their_operators_require(overlay: str) -> None:
    objects = render(overlay)
    names = {kind: set(of_kind(objects, kind)) for kind in ("Cluster", "RabbitmqCluster", "User")}
    problems = [
        problem
        for document in objects
        if group(document) not in BUILT_IN_GROUPS
        for problem in _custom_resource_problems(document, names)
    ]
    assert problems == []


def test_the_custom_resource_check_refuses_a_broken_reference() -> None:
    objects = render("production")
    names = {kind: set(of_kind(objects, kind)) for kind in ("Cluster", "RabbitmqCluster", "User")}
    pooler = copy.deepcopy(of_kind(objects, "Pooler")["shijian-db-pooler"])
    pooler["spec"]["cluster"]["name"] = "another-db"
    assert _custom_resource_problems(pooler, names) == ["Pooler/shijian-db-pooler: its Cluster"]


# --- every process: deployed, served, migrated first ------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_has_a_deployment_a_service_and_a_migration_job(overlay: str) -> None:
    objects = render(overlay)
    deployments, services, jobs = (
        servers(objects),
        of_kind(objects, "Service"),
        of_kind(objects, "Job"),
    )
    for name, process in PROCESSES.items():
        assert name in deployments, f"no Deployment runs {name}"
        container = containers(deployments[name])[0]
        assert container["command"] == ["python", "-m", process.module]
        assert container["ports"] == [{"name": "http", "containerPort": process.port}]
        assert env_of(deployments[name])["PORT"]["value"] == str(process.port)
        service = services[name]
        assert service["spec"]["selector"] == pod_labels(deployments[name])
        assert service["spec"]["ports"] == [
            {"name": "http", "port": process.port, "targetPort": "http"}
        ]
        job = jobs[f"{name}-migrate"]
        assert containers(job)[0]["command"] == ["python", "-m", process.module, "migrate"]
        # The Job migrates the database the process serves from (the primary, not the pooler).
        served = env_of(deployments[name])["DATABASE_URL"]["value"]
        migrated = env_of(job)["DATABASE_URL"]["value"]
        assert migrated == served.replace("@shijian-db-pooler:", "@shijian-db-rw:")
        assert job["spec"]["parallelism"] == 1
    # The witness runs at another office: not in these manifests.
    assert "witness" not in deployments


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_is_in_a_stage_migrations_between_infrastructure_and_serving(
    overlay: str,
) -> None:
    objects = render(overlay)
    stage = {
        f"{o['kind']}/{o['metadata']['name']}": o["metadata"].get("labels", {}).get("shijian/stage")
        for o in objects
    }
    assert {key for key, value in stage.items() if value not in STAGES} == set()
    migrations = {key for key, value in stage.items() if value == "migration"}
    assert migrations == {f"Job/{name}" for name in of_kind(objects, "Job")}
    # What a migration needs exists before it: the databases, the broker, the settings.
    for kind in ("Cluster", "Pooler", "Database", "RabbitmqCluster", "NetworkPolicy", "ConfigMap"):
        assert {stage[f"{kind}/{name}"] for name in of_kind(objects, kind)} == {"infrastructure"}
    assert {stage[f"Deployment/{name}"] for name in of_kind(objects, "Deployment")} == {"serve"}


# --- production's rules -------------------------------------------------------------------------


def test_production_processes_are_probed_bounded_and_highly_available() -> None:
    objects = render("production")
    problems = [
        problem
        for deployment in servers(objects).values()
        for problem in probe_problems(deployment)
        + resource_problems(deployment)
        + availability_problems(objects, deployment)
    ]
    assert problems == []
    assert set(servers(objects)) == set(PROCESSES)


def test_production_replicas_spread_across_nodes() -> None:
    for name, deployment in servers(render("production")).items():
        spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        by_node = [c for c in spread if c["topologyKey"] == "kubernetes.io/hostname"]
        assert by_node, f"{name} is not spread across nodes"
        assert by_node[0]["whenUnsatisfiable"] == "DoNotSchedule"
        assert "app.kubernetes.io/name" in by_node[0]["matchLabelKeys"]


def test_the_demo_runs_one_replica_of_each_and_seeds_the_demo_district() -> None:
    objects = render("demo")
    for name, deployment in servers(objects).items():
        assert deployment["spec"]["replicas"] == 1
        seeds = env_of(deployment).get("SEED_DEMO", {}).get("value") == "true"
        assert seeds == PROCESSES[name].seeds_demo, name
    assert of_kind(objects, "Cluster")["shijian-db"]["spec"]["instances"] == 1


def test_the_availability_check_finds_a_process_without_budget_or_autoscaler() -> None:
    objects = render("production")
    alone = [o for o in objects if o["metadata"]["name"] != "qms" or o["kind"] == "Deployment"]
    deployment = copy.deepcopy(servers(alone)["qms"])
    deployment["spec"]["replicas"] = 1
    del containers(deployment)[0]["readinessProbe"]
    del containers(deployment)[0]["resources"]["limits"]
    assert availability_problems(alone, deployment) == [
        "qms: fewer than 2 replicas",
        "qms: no PodDisruptionBudget selects it",
        "qms: no HorizontalPodAutoscaler scales it",
    ]
    assert probe_problems(deployment) == ["qms/server: no readinessProbe"]
    assert resource_problems(deployment) == [
        "qms/server: no cpu in limits",
        "qms/server: no memory in limits",
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_is_hardened_and_its_image_pinned(overlay: str) -> None:
    workloads = [o for o in render(overlay) if o["kind"] in ("Deployment", "Job")]
    assert [p for w in workloads for p in security_problems(w) + resource_problems(w)] == []


def test_the_hardening_check_finds_root_writable_escalating_latest() -> None:
    job = copy.deepcopy(of_kind(render("production"), "Job")["qms-migrate"])
    container = containers(job)[0]
    container["image"] = "registry.bureau.example/shijian:latest"
    container["securityContext"] = {"runAsUser": 0}
    del job["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
    assert security_problems(job) == [
        "qms-migrate/migrate: may run as root",
        "qms-migrate/migrate: runs as uid 0",
        "qms-migrate/migrate: writable root filesystem",
        "qms-migrate/migrate: privilege escalation allowed",
        "qms-migrate/migrate: capabilities not dropped",
        "registry.bureau.example/shijian:latest: :latest",
    ]
    assert image_problems("redis") == ["redis: no tag"]
    assert image_problems("registry:5000/shijian") == ["registry:5000/shijian: no tag"]
    assert image_problems("shijian@sha256:" + "0" * 64) == []


# --- secrets -------------------------------------------------------------------------------------


def test_no_secret_value_in_the_repository() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert len(files) > 10
    assert repository_secret_problems(files) == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_value_in_what_is_applied(overlay: str) -> None:
    objects = render(overlay)
    assert of_kind(objects, "Secret") == {}
    assert secret_value_problems(objects) == []


def test_the_secret_check_finds_written_passwords() -> None:
    deployment = copy.deepcopy(servers(render("production"))["gateway"])
    env = containers(deployment)[0]["env"]
    for item in env:
        if item["name"] == "BUS_URL":
            item["value"] = "amqp://shijian-gateway:hunter2@shijian-broker:5672/"
        if item["name"] == "DATABASE_URL":
            item["value"] = item["value"].replace("$(DB_PASSWORD)", "$(PORT)")
    env.append({"name": "ADMIN_TOTP_SECRET", "value": "JBSWY3DPEHPK3PXP"})
    secret = {"kind": "Secret", "metadata": {"name": "keys"}, "stringData": {"k": "v"}}
    assert secret_value_problems([deployment, secret]) == [
        "Deployment/gateway/server DATABASE_URL: a password written in the URL",
        "Deployment/gateway/server BUS_URL: a password written in the URL",
        "Deployment/gateway/server ADMIN_TOTP_SECRET: a secret's value written in the manifest",
        "Secret/keys: a Secret with its values",
    ]


def test_each_process_reads_its_own_database_and_broker_secrets() -> None:
    objects = render("production")
    roles = {
        role["name"]: role["passwordSecret"]["name"]
        for role in of_kind(objects, "Cluster")["shijian-db"]["spec"]["managed"]["roles"]
    }
    databases = {
        d["spec"]["name"]: d["spec"]["owner"] for d in of_kind(objects, "Database").values()
    }
    users = {
        u["spec"]["importCredentialsSecret"]["name"] for u in of_kind(objects, "User").values()
    }
    for name, deployment in servers(objects).items():
        env = env_of(deployment)
        assert databases[name] == name, f"{name} does not own the database {name}"
        assert env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == roles[name]
        assert env["DATABASE_URL"]["value"].startswith(
            f"postgresql+asyncpg://{name}:$(DB_PASSWORD)@"
        )
        bus_secret = env["BUS_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"]
        assert bus_secret in users
        assert env["BUS_URL"]["value"].startswith(f"amqp://shijian-{name}:$(BUS_PASSWORD)@")


# --- the network -------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_takes_traffic_from_outside_the_namespace(overlay: str) -> None:
    assert outside_ingress_problems(render(overlay)) == []


def test_the_ingress_check_finds_a_service_opened_to_another_namespace() -> None:
    objects = render("production")
    opened = copy.deepcopy(of_kind(objects, "NetworkPolicy")["services-from-gateway"])
    opened["spec"]["ingress"][0]["from"].append({"namespaceSelector": {}})
    problems = outside_ingress_problems([*objects, opened])
    assert problems == [
        "NetworkPolicy/services-from-gateway lets {'namespaceSelector': {}} reach "
        "['complaints', 'enforcement', 'licensing', 'qms', 'supervision']"
    ]
    without_deny = [o for o in objects if o["metadata"]["name"] != "default-deny"]
    assert outside_ingress_problems(without_deny) == [
        "no default-deny NetworkPolicy (every pod, ingress and egress)"
    ]


def _peer(**selector: str) -> str:
    return json.dumps({"podSelector": {"matchLabels": selector}}, sort_keys=True)


POOLER = (_peer(**{"cnpg.io/poolerName": "shijian-db-pooler"}), "TCP/5432")
BROKER = (_peer(**{"app.kubernetes.io/name": "shijian-broker"}), "TCP/5672")
GATEWAY = (
    _peer(**{"app.kubernetes.io/name": "gateway", "app.kubernetes.io/component": "server"}),
    "TCP/http",
)
REDIS = (_peer(**{"app.kubernetes.io/name": "shijian-redis"}), "TCP/6379")
DNS_PEER = json.dumps(
    {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
    },
    sort_keys=True,
)
DNS = {(DNS_PEER, "UDP/53"), (DNS_PEER, "TCP/53")}
ANYWHERE = json.dumps({"ipBlock": {"cidr": "0.0.0.0/0"}}, sort_keys=True)
# Beyond the cluster: partners' webhooks (licensing), the witnesses at other offices (qms).
OUTSIDE = {
    "licensing": {(ANYWHERE, "TCP/443")},
    "qms": {(ANYWHERE, "TCP/443"), (ANYWHERE, "TCP/8007")},
}


@pytest.mark.parametrize("name", SERVICES)
def test_a_service_reaches_its_database_the_broker_dns_and_the_key_set_alone(name: str) -> None:
    objects = render("production")
    labels = pod_labels(servers(objects)[name])
    # The gateway's key set (JWKS_URL): how a service checks the tokens it is shown.
    expected = {POOLER, BROKER, GATEWAY, *DNS} | OUTSIDE.get(name, set())
    assert egress_of(objects, labels) == expected


def test_the_gateway_reaches_the_services_its_database_the_broker_and_redis() -> None:
    objects = render("production")
    services = json.dumps(
        {
            "podSelector": {
                "matchExpressions": [
                    {"key": "app.kubernetes.io/component", "operator": "In", "values": ["server"]},
                    {"key": "app.kubernetes.io/name", "operator": "In", "values": SERVICES},
                ]
            }
        },
        sort_keys=True,
    )
    labels = pod_labels(servers(objects)["gateway"])
    assert egress_of(objects, labels) == {POOLER, BROKER, REDIS, (services, "TCP/http"), *DNS}


def test_the_ingress_sends_tls_to_the_gateway_alone() -> None:
    ingresses = of_kind(render("production"), "Ingress")
    assert list(ingresses) == ["gateway"]
    spec = ingresses["gateway"]["spec"]
    assert spec["tls"][0]["secretName"] and spec["tls"][0]["hosts"] == [spec["rules"][0]["host"]]
    backends = {path["backend"]["service"]["name"] for path in spec["rules"][0]["http"]["paths"]}
    assert backends == {"gateway"}


# --- the broker and the database mirror the code ----------------------------------------------


def test_broker_users_have_exactly_the_rights_chassis_bus_users_gives() -> None:
    objects = render("production")
    users = {u["metadata"]["name"]: u for u in of_kind(objects, "User").values()}
    permissions = {
        f"shijian-{p['spec']['userReference']['name'].removeprefix('shijian-bus-')}": p["spec"]
        for p in of_kind(objects, "Permission").values()
    }
    topics = {
        f"shijian-{p['spec']['userReference']['name'].removeprefix('shijian-bus-')}": p["spec"]
        for p in of_kind(objects, "TopicPermission").values()
    }
    assert len(users) == len(PROCESSES)
    for expected in DEFINITIONS["permissions"]:
        granted = permissions[expected["user"]]
        assert granted["vhost"] == expected["vhost"]
        assert granted["permissions"] == {k: expected[k] for k in ("configure", "write", "read")}
    for expected in DEFINITIONS["topic_permissions"]:
        granted = topics[expected["user"]]
        assert granted["permissions"] == {k: expected[k] for k in ("exchange", "write", "read")}


@pytest.mark.parametrize("name", list(PROCESSES))
def test_queue_policies_are_the_ones_make_migrate_sets(name: str) -> None:
    topology = Topology("shijian")
    policies = {
        p["spec"]["name"]: p["spec"] for p in of_kind(render("production"), "Policy").values()
    }
    policy = policies[topology.queue(name)]
    expected = topology.queue_policy(name)
    assert policy["applyTo"] == "quorum_queues"
    assert policy["pattern"] == expected["pattern"]
    assert policy["definition"] == expected["definition"]


def test_the_broker_runs_three_nodes_with_the_plugins_it_needs() -> None:
    broker = of_kind(render("production"), "RabbitmqCluster")["shijian-broker"]["spec"]
    assert broker["replicas"] == 3
    assert {"rabbitmq_prometheus", "rabbitmq_consistent_hash_exchange"} <= set(
        broker["rabbitmq"]["additionalPlugins"]
    )


def test_the_pooler_pools_transactions_and_keeps_asyncpg_prepared_statements() -> None:
    objects = render("production")
    assert of_kind(objects, "Cluster")["shijian-db"]["spec"]["instances"] == 3
    pgbouncer = of_kind(objects, "Pooler")["shijian-db-pooler"]["spec"]["pgbouncer"]
    assert pgbouncer["poolMode"] == "transaction"
    # asyncpg prepares every statement: PgBouncer (>= 1.21) must track them per server connection.
    assert int(pgbouncer["parameters"]["max_prepared_statements"]) > 0
