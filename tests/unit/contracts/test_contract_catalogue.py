"""The committed catalogue: schemas, samples and AsyncAPI match the contracts."""

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from contracts import Contract, Envelope
from contracts.__main__ import main
from contracts.catalogue import (
    ASYNCAPI_PATH,
    SAMPLE_DIR,
    SCHEMA_DIR,
    asyncapi_document,
    contract_schema,
    file_stem,
    generated_files,
    published,
    render_asyncapi,
)
from contracts.compat import breaking_changes
from contracts.examples import example

CONTRACTS = published()
IDS = [c.routing_key() for c in CONTRACTS]
ENVELOPE_SCHEMA = Envelope.model_json_schema(mode="serialization")


def committed(directory: Path, contract: type[Contract]) -> Any:
    path = directory / f"{file_stem(contract)}.json"
    if not path.exists():
        pytest.fail(f"{path} is missing: run python -m contracts schemas and commit it")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_sample_validates_against_the_committed_schema_and_opens(
    contract: type[Contract],
) -> None:
    sample = committed(SAMPLE_DIR, contract)
    schema = committed(SCHEMA_DIR, contract)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(sample["data"], schema, cls=jsonschema.Draft202012Validator)
    jsonschema.validate(sample, ENVELOPE_SCHEMA, cls=jsonschema.Draft202012Validator)
    envelope = Envelope.from_json(json.dumps(sample).encode())
    assert envelope.routing_key == contract.routing_key()
    assert envelope.open() == example(contract)


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_current_schema_is_an_additive_change_of_the_committed_one(
    contract: type[Contract],
) -> None:
    problems = breaking_changes(committed(SCHEMA_DIR, contract), contract_schema(contract))
    if problems:
        pytest.fail(
            f"{contract.__name__} ({contract.routing_key()}) changed in a way that breaks its "
            "consumers:\n  " + "\n  ".join(problems) + "\nLeave this version as it was "
            "committed and add a new version instead: a class with the same event_type and "
            f"event_version = {contract.event_version + 1}, published beside the old one until "
            "no consumer binds the old routing key.",
            pytrace=False,
        )


def test_committed_schemas_and_samples_are_current() -> None:
    stale = [
        str(path)
        for path, text in generated_files().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"stale: {stale}; run python -m contracts schemas"


def test_no_committed_contract_has_disappeared() -> None:
    current = {f"{file_stem(c)}.json" for c in CONTRACTS}
    orphans = sorted(p.name for p in SCHEMA_DIR.glob("*.json") if p.name not in current)
    assert not orphans, (
        f"{orphans} are committed but no longer registered: keep publishing a version until no "
        "consumer binds it, then delete its schema and sample files by hand"
    )


def test_asyncapi_document_is_current() -> None:
    committed_text = ASYNCAPI_PATH.read_text(encoding="utf-8") if ASYNCAPI_PATH.exists() else ""
    assert render_asyncapi() == committed_text, (
        "docs/asyncapi.yaml is stale: run python -m contracts asyncapi"
    )


def test_asyncapi_document_describes_every_contract_and_its_refs_resolve() -> None:
    document = yaml.safe_load(render_asyncapi())
    assert document["asyncapi"] == "3.0.0"
    assert sorted(document["channels"]) == sorted(IDS)
    for key, channel in document["channels"].items():
        assert channel["address"] == key
        assert channel["bindings"]["amqp"]["exchange"] == {
            "name": "events",
            "type": "topic",
            "durable": True,
            "autoDelete": False,
            "vhost": "/",
        }
    actions = {op["channel"]["$ref"]: op["action"] for op in document["operations"].values()}
    assert actions == {f"#/channels/{key}": "send" for key in IDS}
    assert "Envelope" in document["components"]["schemas"]
    for ref in _refs(document):
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_asyncapi_generation_is_deterministic() -> None:
    assert render_asyncapi() == render_asyncapi()
    assert asyncapi_document() == asyncapi_document()


def test_cli_check_passes_on_the_committed_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", "--check"]) == 0
    assert main(["asyncapi", "--check"]) == 0
    assert main(["list"]) == 0
    assert "licensing.licence.issued.v1" in capsys.readouterr().out


def test_cli_asyncapi_writes_the_document(tmp_path: Path) -> None:
    target = tmp_path / "asyncapi.yaml"
    assert main(["asyncapi", "--check", "--output", str(target)]) == 1
    assert main(["asyncapi", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_asyncapi()


def test_cli_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "schemas" in out
    assert "asyncapi" in out
