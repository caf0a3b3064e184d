"""The people enforcement's rules name, as the gateway's directory says they stand now: who may
handle a case, and whom an office's inspector may penalise on the spot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from chassis.errors import Forbidden, RuleViolated

ENFORCEMENT_OFFICER = "enforcement_officer"
ARTICLE_42 = "Administrative Penalty Law art. 42"


@dataclass(frozen=True)
class Officer:
    """A person of the bureau: roles, unit, and law-enforcement certificate (执法证) if any."""

    username: str
    roles: frozenset[str]
    office: str | None
    active: bool
    certificate_number: str | None = None
    certificate_valid_until: date | None = None

    def certified_on(self, day: date) -> bool:
        """Whether they are an active enforcement officer with a certificate valid on `day`."""
        return (
            self.active
            and ENFORCEMENT_OFFICER in self.roles
            and self.certificate_number is not None
            and self.certificate_valid_until is not None
            and day <= self.certificate_valid_until
        )


def uncertified(handlers: Sequence[str], people: Mapping[str, Officer], on: date) -> list[str]:
    """The handlers who hold no valid law-enforcement certificate on `on` (an unknown one
    holds none), in the order given."""
    return [h for h in handlers if h not in people or not people[h].certified_on(on)]


def require_certified(handlers: Sequence[str], people: Mapping[str, Officer], on: date) -> None:
    """Refuse handlers who cannot take a case on `on`, naming the rule and them."""
    if missing := uncertified(handlers, people, on):
        raise RuleViolated(
            "handlers",
            f"{ARTICLE_42}: each handler must be an enforcement officer holding a valid "
            f"law-enforcement certificate on {on.isoformat()}; {', '.join(missing)} does not",
            "uncertified_handler",
        )


def may_penalise(inspector_office: str | None, business_office: str | None) -> bool:
    """Whether an inspector of `inspector_office` may penalise on the spot a party whose
    business `business_office` supervises: one of their own office, or a party with no licence
    found in the district (None)."""
    return business_office is None or (
        inspector_office is not None and business_office == inspector_office
    )


def require_may_penalise(inspector_office: str | None, business_office: str | None) -> None:
    """Forbidden unless the inspector may penalise the party on the spot."""
    if not may_penalise(inspector_office, business_office):
        raise Forbidden("The business is supervised by another office: penalise only your own")
