"""The compatibility checker itself: additive changes pass, everything else is named."""

from typing import Any

from contracts.compat import breaking_changes

OLD: dict[str, Any] = {
    "type": "object",
    "properties": {
        "case_id": {"type": "string", "format": "uuid"},
        "amount": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "kind": {"enum": ["warning", "fine"], "type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "address": {"$ref": "#/$defs/Address"},
    },
    "required": ["case_id", "kind", "address"],
    "$defs": {
        "Address": {
            "type": "object",
            "properties": {"text": {"type": "string"}, "code": {"type": "string"}},
            "required": ["text", "code"],
        }
    },
}


def changed(**edits: Any) -> dict[str, Any]:
    import copy

    new = copy.deepcopy(OLD)
    for dotted, value in edits.items():
        *parents, last = dotted.split("__")
        target = new
        for part in parents:
            target = target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return new


def test_identical_schemas_are_compatible() -> None:
    assert breaking_changes(OLD, changed()) == []


def test_adding_an_optional_property_or_a_description_is_additive() -> None:
    new = changed(
        properties__note={"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        properties__case_id={"type": "string", "format": "uuid", "description": "the case"},
    )
    new["$defs"]["Address"]["properties"]["location"] = {"type": "object"}
    assert breaking_changes(OLD, new) == []


def test_removing_a_property_breaks() -> None:
    assert breaking_changes(OLD, changed(properties__tags=None)) == ["data.tags: property removed"]


def test_removing_a_nested_property_breaks_through_refs() -> None:
    new = changed()
    del new["$defs"]["Address"]["properties"]["code"]
    assert breaking_changes(OLD, new) == ["data.address.code: property removed"]


def test_changing_a_type_breaks() -> None:
    assert breaking_changes(OLD, changed(properties__tags__items={"type": "integer"})) == [
        "data.tags[]: type changed from string to integer"
    ]
    assert breaking_changes(OLD, changed(properties__amount={"type": "string"})) == [
        "data.amount: type changed from null | string to string"
    ]
    assert breaking_changes(OLD, changed(properties__case_id={"type": "string"})) == [
        "data.case_id: format changed from uuid to None"
    ]


def test_changing_the_allowed_values_breaks() -> None:
    new = changed(properties__kind={"enum": ["warning", "fine", "closure"], "type": "string"})
    assert breaking_changes(OLD, new) == [
        "data.kind: allowed values changed from ['fine', 'warning'] "
        "to ['closure', 'fine', 'warning']"
    ]


def test_a_new_required_property_breaks() -> None:
    new = changed(
        properties__office={"type": "string"}, required=["case_id", "kind", "address", "office"]
    )
    assert breaking_changes(OLD, new) == ["data.office: new required property"]
    made_required = changed(required=["case_id", "kind", "address", "tags"])
    assert breaking_changes(OLD, made_required) == ["data.tags: new required property"]
