"""Building one object from another by the names their fields share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from chassis.copying import made_from
from contracts.licensing import LicenceCancelled


@dataclass
class Source:
    credit_code: str
    cancelled_at: datetime
    unrelated: str = "left out"

    @property
    def computed(self) -> str:
        return "read as an attribute"


@dataclass
class Target:
    credit_code: str
    computed: str
    extra: int = 7


def test_fields_are_taken_by_name_and_given_ones_replace_them() -> None:
    source = Source("92510106000000019Y", datetime(2026, 1, 2, tzinfo=UTC))
    assert made_from(Target, source) == Target("92510106000000019Y", "read as an attribute")
    assert made_from(Target, source, computed="given", extra=1) == Target(
        "92510106000000019Y", "given", 1
    )


def test_a_contract_is_built_and_validated_the_same_way() -> None:
    source = Source("92510106000000019Y", datetime(2026, 1, 2, tzinfo=UTC))
    event = made_from(LicenceCancelled, source, reason="申请注销")
    assert event == LicenceCancelled(
        credit_code="92510106000000019Y", cancelled_at=source.cancelled_at, reason="申请注销"
    )


def test_a_given_field_is_never_read_from_the_source() -> None:
    class Raising:
        credit_code = "92510106000000019Y"

        @property
        def computed(self) -> str:
            raise AssertionError(str(uuid.uuid4()))

    assert made_from(Target, Raising(), computed="given").computed == "given"
