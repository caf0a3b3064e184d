"""The metric names the alerts and the dashboards ask Prometheus for, and the sample names a
process's /metrics declares: enough PromQL to compare the two, not a parser."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "rules" / "shijian.yml"
DASHBOARDS = ROOT / "deploy" / "grafana" / "dashboards"

# Quoted strings first (label values like "5.." or event types), then what holds label names
# or durations rather than metric names: {matchers}, [ranges], by/without/on/ignoring/group_*
# (label lists), offsets, and Grafana's $variables.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_LABEL_LIST = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_OFFSET = re.compile(r"\boffset\s+-?[0-9a-z]+")
_VARIABLE = re.compile(r"\$\{?\w+\}?")
# An identifier that no call follows: a function's or an aggregation's name is followed by "(".
_NAME = re.compile(r"(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")
# Words of the language that are not followed by "(" (`sum by (x) (...)`, `a and b`).
_KEYWORDS = frozenset(
    {
        "and",
        "or",
        "unless",
        "bool",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "offset",
        "sum",
        "min",
        "max",
        "avg",
        "count",
        "group",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "quantile",
        "count_values",
        "inf",
        "nan",
    }
)


def metric_names(expression: str) -> set[str]:
    """The metric names an expression selects."""
    text = _STRING.sub(" ", expression)
    for pattern in (_MATCHERS, _RANGE, _LABEL_LIST, _OFFSET, _VARIABLE):
        text = pattern.sub(" ", text)
    return {name for name in _NAME.findall(text) if name.lower() not in _KEYWORDS}


def rule_expressions() -> Iterator[tuple[str, str]]:
    """(alert, PromQL) of every alert."""
    for group in yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]:
        for rule in group["rules"]:
            yield rule.get("alert") or rule["record"], rule["expr"]


def _targets(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("expr"), str):
            yield node["expr"]
        for value in node.values():
            yield from _targets(value)
    elif isinstance(node, list):
        for item in node:
            yield from _targets(item)


def dashboard_expressions() -> Iterator[tuple[str, str]]:
    """(dashboard file, PromQL) of every panel's query."""
    for path in sorted(DASHBOARDS.glob("*.json")):
        for expression in _targets(json.loads(path.read_text(encoding="utf-8"))):
            yield path.name, expression


def every_expression() -> list[tuple[str, str]]:
    return [*rule_expressions(), *dashboard_expressions()]


# The sample names each kind of family exposes (prometheus_client's text format).
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("", "_sum", "_count", "_created"),
    "info": ("_info",),
}


def declared_samples(exposition: str) -> set[str]:
    """Every sample name the families of a /metrics text declare (by their TYPE), whether or
    not they have samples yet: a labelled family with no children still has its HELP and TYPE
    lines in prometheus_client's exposition."""
    names: set[str] = set()
    for family in text_string_to_metric_families(exposition):
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
    return names


def names_in(expressions: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Metric name → where it is used."""
    used: dict[str, set[str]] = {}
    for where, expression in expressions:
        for name in metric_names(expression):
            used.setdefault(name, set()).add(where)
    return used
