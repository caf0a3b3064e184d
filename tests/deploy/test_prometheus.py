"""Prometheus's configuration and alerts are valid (`promtool check`), every alert is unit
tested both firing and not (`promtool test rules`), and every alert tells the operator how bad
it is and where its runbook is."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.unit.test_docs import anchors

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULES = PROMETHEUS / "rules" / "shijian.yml"
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
OPERATIONS = ROOT / "docs" / "operations.md"


def promtool(*arguments: str) -> subprocess.CompletedProcess[str]:
    """promtool (Debian's `prometheus` package; .ci/run installs it when missing)."""
    found = shutil.which("promtool")
    assert found, "promtool is not installed: apt-get install prometheus"
    return subprocess.run(
        [found, *arguments], capture_output=True, text=True, timeout=120, check=False
    )


def alerts() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_the_configuration_and_its_rules_are_valid() -> None:
    checked = promtool("check", "config", str(PROMETHEUS / "prometheus.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(alerts())} rules found" in checked.stdout
    checked = promtool("check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_alerts_pass_their_unit_tests() -> None:
    assert RULE_TESTS
    tested = promtool("test", "rules", *map(str, RULE_TESTS))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_is_tested_firing_and_not_firing() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {alert["alert"] for alert in alerts()}
    assert names - firing == set(), "never seen firing"
    assert names - quiet == set(), "never seen quiet"


def test_every_alert_has_a_severity_a_summary_and_a_runbook_in_the_operations_guide() -> None:
    sections = anchors(OPERATIONS)
    for alert in alerts():
        assert alert["labels"]["severity"] in {"critical", "warning"}, alert["alert"]
        annotations = alert["annotations"]
        assert annotations["summary"] and annotations["description"], alert["alert"]
        page, _, section = annotations["runbook_url"].partition("#")
        assert page == "docs/operations.md", alert["alert"]
        assert section == alert["alert"].lower() and section in sections, alert["alert"]
