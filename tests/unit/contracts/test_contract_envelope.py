"""The CloudEvents envelope: wrapping, routing keys, opening, the JSON wire form."""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from contracts import (
    Address,
    CreditCode,
    Envelope,
    HouseholdAssigned,
    LicenceIssued,
    UnknownContract,
    service_source,
)

CODE = CreditCode.generate(category="2", region="510106", sequence=77)


def licence() -> LicenceIssued:
    return LicenceIssued(
        credit_code=CODE,
        name="成都市金牛区测试小吃店",
        entity_type="individual_business",
        operator_name="李某",
        address=Address(text="营门口路 1 号", community_code="510106005003"),
        business_scope=("餐饮服务",),
        issued_at=datetime(2025, 1, 6, 1, 0, tzinfo=UTC),
    )


def wrapped(**overrides: Any) -> Envelope:
    return Envelope.wrap(licence(), source="licensing", sequence=1, **overrides)


def test_wrap_fills_the_cloudevents_attributes() -> None:
    envelope = wrapped()
    assert envelope.specversion == "1.0"
    assert envelope.source == "/services/licensing"
    assert envelope.type == "licensing.licence.issued"
    assert envelope.subject == CODE
    assert envelope.dataversion == 1
    assert envelope.datacontenttype == "application/json"
    assert envelope.correlationid == envelope.id
    assert envelope.causationid is None
    assert envelope.time.tzinfo is not None
    assert envelope.data["credit_code"] == CODE


def test_wrap_keeps_what_it_is_given() -> None:
    ids = [uuid.uuid4() for _ in range(3)]
    beijing = timezone(timedelta(hours=8))
    envelope = wrapped(
        id=ids[0],
        correlationid=ids[1],
        causationid=ids[2],
        subject="explicit",
        time=datetime(2025, 1, 6, 9, 0, tzinfo=beijing),
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )
    assert (envelope.id, envelope.correlationid, envelope.causationid) == tuple(ids)
    assert envelope.subject == "explicit"
    assert envelope.time == datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
    assert envelope.time.utcoffset() == timedelta(0)


def test_routing_key_is_type_dot_v_version() -> None:
    assert wrapped().routing_key == "licensing.licence.issued.v1"
    assert LicenceIssued.routing_key() == "licensing.licence.issued.v1"


def test_source_accepts_a_service_name_or_its_path() -> None:
    assert service_source("qms") == "/services/qms"
    assert service_source("/services/qms") == "/services/qms"
    with pytest.raises(ValueError):
        service_source("Not A Service")


def test_json_round_trip_opens_to_an_equal_contract() -> None:
    envelope = wrapped(causationid=uuid.uuid4())
    parsed = Envelope.from_json(envelope.to_json())
    assert parsed == envelope
    assert parsed.open() == licence()
    assert parsed.open_as(LicenceIssued) == licence()
    assert isinstance(parsed.open(), LicenceIssued)


def test_absent_optional_attributes_are_left_out_of_the_json() -> None:
    body = json.loads(wrapped().to_json())
    assert "causationid" not in body
    assert "traceparent" not in body
    assert body["time"].endswith("Z")


def body(**changes: Any) -> bytes:
    document = json.loads(wrapped().to_json())
    document.update(changes)
    return json.dumps(document).encode()


def test_unknown_type_or_version_raises_unknown_contract() -> None:
    for changes in ({"type": "licensing.licence.teleported"}, {"dataversion": 99}):
        envelope = Envelope.from_json(body(**changes))
        with pytest.raises(UnknownContract) as caught:
            envelope.open()
        assert isinstance(caught.value, KeyError)
    assert "known versions: [1]" in str(caught.value)


def test_wrong_data_raises_validation_error() -> None:
    data = json.loads(wrapped().to_json())["data"]
    data["credit_code"] = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="position 18"):
        Envelope.from_json(body(data=data)).open()
    del data["credit_code"]
    with pytest.raises(ValidationError):
        Envelope.from_json(body(data=data)).open()


def test_unknown_fields_are_ignored() -> None:
    data = json.loads(wrapped().to_json())["data"]
    data["added_in_a_later_release"] = {"anything": True}
    envelope = Envelope.from_json(body(data=data, someextension="x"))
    assert envelope.open() == licence()


def test_open_as_refuses_another_contract() -> None:
    with pytest.raises(TypeError, match=r"licensing\.licence\.issued\.v1"):
        wrapped().open_as(HouseholdAssigned)


@pytest.mark.parametrize(
    "changes",
    [
        {"specversion": "0.3"},
        {"id": "not-a-uuid"},
        {"source": "licensing"},
        {"type": "Licensing.Licence.Issued"},
        {"type": "licensing.#"},
        {"subject": ""},
        {"time": "2025-01-06T01:00:00"},
        {"dataversion": 0},
        {"dataversion": "1"},
        {"sequence": -1},
        {"correlationid": None},
        {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"},
        {"traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"},
        {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"},
        {"traceparent": "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
        {"traceparent": "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"},
        {"data": [1, 2]},
    ],
)
def test_invalid_envelopes_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Envelope.from_json(body(**changes))


def test_malformed_json_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        Envelope.from_json(b"{not json")


def test_envelope_and_contracts_are_frozen() -> None:
    envelope = wrapped()
    with pytest.raises(ValidationError):
        envelope.sequence = 2  # type: ignore[misc]
    with pytest.raises(ValidationError):
        envelope.open().name = "changed"  # type: ignore[attr-defined]
    assert hash(licence()) == hash(licence())
