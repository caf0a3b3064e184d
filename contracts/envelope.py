"""The envelope: a contract instance as a CloudEvents 1.0 event in structured JSON mode."""

from __future__ import annotations

import builtins
import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from contracts.base import Contract
from contracts.registry import EVENT_TYPE_PATTERN, lookup
from contracts.values import UtcDateTime

__all__ = ["MEDIA_TYPE", "Envelope", "service_source"]

MEDIA_TYPE = "application/cloudevents+json"
"""AMQP `content_type` of an envelope (CloudEvents structured mode)."""

SOURCE_PATTERN = r"^/services/[a-z][a-z0-9_-]*$"
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_TRACEPARENT = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"

C = TypeVar("C", bound=Contract)
ContractClass = type[Contract]


def service_source(service: str) -> str:
    """The CloudEvents `source` of a service: `licensing` → `/services/licensing`."""
    if service.startswith("/services/"):
        return service
    if not _SERVICE_NAME.fullmatch(service):
        raise ValueError(f"not a service name: {service!r}")
    return f"/services/{service}"


class Envelope(BaseModel):
    """One event on the bus: CloudEvents 1.0 attributes around a contract's data."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    media_type: ClassVar[str] = MEDIA_TYPE

    specversion: Literal["1.0"]
    id: uuid.UUID
    source: Annotated[str, StringConstraints(pattern=SOURCE_PATTERN)]
    type: Annotated[str, StringConstraints(pattern=EVENT_TYPE_PATTERN)]
    subject: Annotated[str, StringConstraints(min_length=1)]
    time: UtcDateTime
    datacontenttype: Literal["application/json"]
    dataversion: int = Field(ge=1, strict=True)
    sequence: int = Field(ge=0, strict=True)
    correlationid: uuid.UUID
    causationid: uuid.UUID | None = None
    traceparent: Annotated[str, StringConstraints(pattern=_TRACEPARENT)] | None = Field(
        default=None, description="W3C trace context `traceparent` header"
    )
    data: dict[str, Any]

    @field_validator("traceparent")
    @classmethod
    def _real_trace(cls, value: str | None) -> str | None:
        if value is not None:
            version, trace_id, parent_id, _flags = value.split("-")
            if version == "ff" or set(trace_id) == {"0"} or set(parent_id) == {"0"}:
                raise ValueError("traceparent has version ff or an all-zero id")
        return value

    @classmethod
    def wrap(
        cls,
        event: Contract,
        *,
        source: str,
        sequence: int,
        subject: str | None = None,
        correlationid: uuid.UUID | None = None,
        causationid: uuid.UUID | None = None,
        traceparent: str | None = None,
        id: uuid.UUID | None = None,
        time: datetime | None = None,
    ) -> Envelope:
        """Put `event` in an envelope; `source` is a service name or `/services/<name>`."""
        event_id = id or uuid.uuid4()
        return cls(
            specversion="1.0",
            id=event_id,
            source=service_source(source),
            type=event.event_type,
            subject=subject if subject is not None else event.subject(),
            time=time or datetime.now(UTC),
            datacontenttype="application/json",
            dataversion=event.event_version,
            sequence=sequence,
            correlationid=correlationid or event_id,
            causationid=causationid,
            traceparent=traceparent,
            data=event.model_dump(mode="json"),
        )

    @property
    def routing_key(self) -> str:
        """`<type>.v<dataversion>`: the key it is published with on the topic exchange."""
        return f"{self.type}.v{self.dataversion}"

    def contract(self) -> ContractClass:
        """The registered contract class for this type and version, or UnknownContract."""
        return lookup(self.type, self.dataversion)

    def open(self) -> Contract:
        """The data validated by its contract (UnknownContract or pydantic.ValidationError)."""
        return self.contract().model_validate(self.data)

    def open_as(self, contract: builtins.type[C]) -> C:
        """The data validated as `contract`; TypeError if the envelope carries another one."""
        if self.routing_key != contract.routing_key():
            raise TypeError(f"envelope carries {self.routing_key}, not {contract.routing_key()}")
        return contract.model_validate(self.data)

    def to_json(self) -> bytes:
        """The structured-mode JSON body (UTF-8); absent optional attributes are left out."""
        unset = {name for name in ("causationid", "traceparent") if getattr(self, name) is None}
        return self.model_dump_json(exclude=unset).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        """Parse and validate a body; malformed JSON or attributes raise ValidationError."""
        return cls.model_validate_json(raw)
