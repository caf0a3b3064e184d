"""A submission as received on a channel, and its split into one ticket draft per kind.

A submission that is both a complaint and a report becomes two linked tickets, each on its own
clock (docs/domain.md, 12315). Anonymity is allowed only for reports and suggestions.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from chassis.errors import RuleViolated
from contracts.values import CreditCode, InvalidCodeError, ResidentId

Channel = Literal["phone", "web", "station", "partner", "open311"]
Kind = Literal["complaint", "report", "suggestion", "consultation"]
CHANNELS: frozenset[str] = frozenset(get_args(Channel))
KINDS: frozenset[str] = frozenset(get_args(Kind))
# Kinds a submitter may file without giving who they are.
ANONYMOUS_KINDS: frozenset[str] = frozenset({"report", "suggestion"})
DESCRIPTION_MAX = 4000
NAME_MAX = 100
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,23}$")


@dataclass(frozen=True)
class Submitter:
    """Who submitted: a real name (with phone, optional ID number) or nobody (anonymous)."""

    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    anonymous: bool = False

    def __post_init__(self) -> None:
        if self.anonymous:
            if self.name or self.phone or self.id_number:
                raise RuleViolated(
                    "submitter.anonymous", "an anonymous submitter gives no name, phone or ID"
                )
            return
        if not self.name or not self.name.strip() or len(self.name) > NAME_MAX:
            raise RuleViolated(
                "submitter.name", f"a real-name submitter has a name of 1..{NAME_MAX} characters"
            )
        if self.phone is not None and not _PHONE.match(self.phone):
            raise RuleViolated("submitter.phone", "not a phone number")
        if self.id_number is not None:
            try:
                ResidentId(self.id_number)
            except InvalidCodeError as error:
                raise RuleViolated("submitter.id_number", str(error), "resident_id") from None


@dataclass(frozen=True)
class Business:
    """The business a submission is about, as far as the submitter knows it."""

    credit_code: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.credit_code is not None:
            try:
                CreditCode(self.credit_code)
            except InvalidCodeError as error:
                raise RuleViolated("business.credit_code", str(error), "credit_code") from None
        if self.name is not None and not (0 < len(self.name.strip()) <= 200):
            raise RuleViolated("business.name", "a business name has 1..200 characters")


@dataclass(frozen=True)
class Location:
    """Where: coordinates (lon/lat), or an address with its community code."""

    lon: float | None = None
    lat: float | None = None
    address: str | None = None
    community_code: str | None = None

    def __post_init__(self) -> None:
        has_point = self.lon is not None or self.lat is not None
        if has_point:
            if self.lon is None or self.lat is None:
                raise RuleViolated("location", "coordinates need both lon and lat")
            if not -180 <= self.lon <= 180:
                raise RuleViolated("location.lon", "longitude is outside -180..180")
            if not -90 <= self.lat <= 90:
                raise RuleViolated("location.lat", "latitude is outside -90..90")
        elif not self.address or not self.community_code:
            raise RuleViolated("location", "give lon and lat, or an address and community_code")


@dataclass(frozen=True)
class TicketDraft:
    """One kind of a submission, to become a ticket; ``linked`` names its sibling drafts."""

    id: str
    kind: Kind
    submission: Submission
    linked: tuple[str, ...]


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Submission:
    """What came in on a channel: who, what, about whom, where and when (the clocks start)."""

    channel: str
    kinds: tuple[str, ...]
    submitter: Submitter
    description: str
    received_at: datetime
    business: Business = field(default_factory=Business)
    location: Location | None = None

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise RuleViolated("channel", f"channel must be one of {sorted(CHANNELS)}")
        if not self.kinds:
            raise RuleViolated("kinds", "a submission has at least one kind")
        for kind in self.kinds:
            if kind not in KINDS:
                raise RuleViolated("kinds", f"kind must be one of {sorted(KINDS)}")
        if len(set(self.kinds)) != len(self.kinds):
            raise RuleViolated("kinds", "a kind is given twice")
        if self.submitter.anonymous and not set(self.kinds) <= ANONYMOUS_KINDS:
            raise RuleViolated(
                "submitter.anonymous",
                "anonymity is allowed only for reports and suggestions",
                "anonymous",
            )
        if not self.description.strip() or len(self.description) > DESCRIPTION_MAX:
            raise RuleViolated("description", f"a description has 1..{DESCRIPTION_MAX} characters")
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise RuleViolated("received_at", "the receipt time needs a time zone")

    def split(self, new_id: Callable[[], str] = _new_id) -> list[TicketDraft]:
        """One ticket draft per kind, each linked to all the others."""
        ids: Sequence[str] = [new_id() for _ in self.kinds]
        return [
            TicketDraft(
                id=ids[index],
                kind=kind,  # type: ignore[arg-type]  # checked against KINDS above
                submission=self,
                linked=tuple(other for other in ids if other != ids[index]),
            )
            for index, kind in enumerate(self.kinds)
        ]
