"""The event catalogue generated from the contracts: JSON Schemas, samples, AsyncAPI."""

from __future__ import annotations

import copy
import inspect
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

import contracts
from contracts.base import Contract
from contracts.envelope import MEDIA_TYPE, Envelope
from contracts.examples import example
from contracts.registry import all_contracts

__all__ = [
    "ASYNCAPI_PATH",
    "SAMPLE_DIR",
    "SCHEMA_DIR",
    "asyncapi_document",
    "contract_schema",
    "file_stem",
    "generated_files",
    "producer",
    "published",
    "render_asyncapi",
    "render_json",
    "sample",
]

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = PACKAGE_DIR / "schemas"
SAMPLE_DIR = PACKAGE_DIR / "samples"
ASYNCAPI_PATH = PACKAGE_DIR.parent / "docs" / "asyncapi.yaml"

EXCHANGE = "events"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SAMPLE_NAMESPACE = uuid.UUID("0b5e8a52-3d1c-5c4e-9d4f-7a2b6c8e1f30")
_SAMPLE_TIME = datetime(2025, 3, 12, 2, 30, 0, 125000, tzinfo=UTC)
_SAMPLE_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
_COMPONENT_REF = "#/components/schemas/{model}"
_AMQP_BINDING = "0.3.0"


def published() -> list[type[Contract]]:
    """The contracts of the producers' modules, sorted: what the catalogue describes."""
    modules = {module.__name__ for module in contracts.PRODUCERS.values()}
    return [c for c in all_contracts() if c.__module__ in modules]


def producer(contract: type[Contract]) -> str:
    """The service that publishes a contract: the name of its module."""
    return contract.__module__.rsplit(".", 1)[-1]


def file_stem(contract: type[Contract]) -> str:
    """`<type>.v<version>`: the name of its schema and sample files."""
    return contract.routing_key()


def contract_schema(contract: type[Contract]) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a contract's `data`, as written on the wire."""
    schema = contract.model_json_schema(mode="serialization")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:shijian:contracts:{file_stem(contract)}",
        **schema,
    }


def sample(contract: type[Contract]) -> Envelope:
    """A deterministic envelope around the contract's example: the committed sample."""
    key = contract.routing_key()
    return Envelope.wrap(
        example(contract),
        source=producer(contract),
        sequence=1,
        id=uuid.uuid5(_SAMPLE_NAMESPACE, key),
        time=_SAMPLE_TIME,
        correlationid=uuid.uuid5(_SAMPLE_NAMESPACE, f"{key}/correlation"),
        causationid=uuid.uuid5(_SAMPLE_NAMESPACE, f"{key}/cause"),
        traceparent=_SAMPLE_TRACE,
    )


def render_json(document: Any) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, UTF-8, final newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def generated_files() -> dict[Path, str]:
    """Every schema and sample file as `python -m contracts schemas` writes it."""
    files: dict[Path, str] = {}
    for contract in published():
        stem = file_stem(contract)
        files[SCHEMA_DIR / f"{stem}.json"] = render_json(contract_schema(contract))
        files[SAMPLE_DIR / f"{stem}.json"] = render_json(json.loads(sample(contract).to_json()))
    return files


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of every published contract on the `events` exchange."""
    schemas: dict[str, Any] = {}
    envelope = Envelope.model_json_schema(mode="serialization", ref_template=_COMPONENT_REF)
    _hoist(envelope, schemas)
    schemas["Envelope"] = envelope
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for contract in published():
        key = contract.routing_key()
        service = producer(contract)
        data = contract.model_json_schema(mode="serialization", ref_template=_COMPONENT_REF)
        _hoist(data, schemas)
        schemas[key] = data
        description = _prose(contract.__doc__ or contract.__name__)
        summary = description.split("\n", 1)[0]
        message_name = f"{contract.__name__}.v{contract.event_version}"
        messages[key] = {
            "name": message_name,
            "title": f"{contract.event_type} v{contract.event_version}",
            "summary": summary,
            "contentType": MEDIA_TYPE,
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": contract.event_type},
                            "dataversion": {"const": contract.event_version},
                            "source": {"const": f"/services/{service}"},
                            "data": {"$ref": f"#/components/schemas/{key}"},
                        },
                    },
                ]
            },
            "examples": [{"name": "sample", "payload": json.loads(sample(contract).to_json())}],
            "bindings": {
                "amqp": {"messageType": contract.event_type, "bindingVersion": _AMQP_BINDING}
            },
        }
        channels[key] = {
            "address": key,
            "title": message_name,
            "description": description,
            "messages": {message_name: {"$ref": f"#/components/messages/{key}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {
                        "name": EXCHANGE,
                        "type": "topic",
                        "durable": True,
                        "autoDelete": False,
                        "vhost": "/",
                    },
                    "bindingVersion": _AMQP_BINDING,
                }
            },
        }
        operations[f"{service}.send.{key}"] = {
            "action": "send",
            "title": f"{service} publishes {message_name}",
            "summary": f"Published by {service} (/services/{service}) through its outbox.",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{message_name}"}],
            "tags": [{"name": service}],
            "bindings": {
                "amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": _AMQP_BINDING}
            },
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "shijian events",
            "version": "1.0.0",
            "description": (
                "Facts the shijian services publish on the durable topic exchange "
                f"`{EXCHANGE}` (every broker name carries the environment's configurable "
                "prefix). Each message is a CloudEvents 1.0 envelope in structured JSON mode; "
                "the routing key is `<type>.v<dataversion>`. Generated by "
                "`python -m contracts asyncapi`: do not edit."
            ),
        },
        "defaultContentType": MEDIA_TYPE,
        "servers": {
            "rabbitmq": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
                "description": "Development broker (BUS_URL default).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def _prose(docstring: str) -> str:
    """A docstring as paragraphs of one line each (stable, readable YAML)."""
    paragraphs = inspect.cleandoc(docstring).split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _hoist(schema: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Move a generated schema's `$defs` into the shared components, refusing clashes."""
    for name, definition in schema.pop("$defs", {}).items():
        if name in schemas and schemas[name] != definition:
            raise ValueError(f"two different schemas are both named {name!r}")
        schemas[name] = copy.deepcopy(definition)


def render_asyncapi() -> str:
    """The AsyncAPI document as deterministic YAML text (sorted keys)."""
    header = "# Generated by `python -m contracts asyncapi` from contracts/: do not edit.\n"
    body = yaml.safe_dump(
        asyncapi_document(), sort_keys=True, allow_unicode=True, default_flow_style=False, width=100
    )
    return header + body
