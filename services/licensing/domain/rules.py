"""Registration rules, free of I/O: what must be handed in, which steps each status allows,
joint licensing's outcome, and when a licence counts as same-day or after hours."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import get_args
from zoneinfo import ZoneInfo

from chassis.errors import Conflict, RuleViolated
from chassis.legalclock import default_calendar
from contracts.licensing import EntityType

DATA = Path(__file__).parents[1] / "data"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The published language names the entity types; the registration rules follow it.
ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)
KINDS = ("establishment", "change", "cancellation")
CHANNELS = ("window", "mobile", "online", "partner")
# GB 32100-2015 appendix A: under authority 9 (market regulation), category 1 is an
# enterprise, 2 an individual business, 3 a farmers' specialised cooperative.
CREDIT_CODE_CATEGORIES: dict[str, str] = {
    "individual_business": "2",
    "farmers_cooperative": "3",
    "company": "1",
    "sole_proprietorship": "1",
    "partnership": "1",
    "branch": "1",
}


class Status(StrEnum):
    """Where an application stands."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # 受理
    RETURNED = "returned"  # 补正: returned for correction
    AWAITING_PARTNERS = "awaiting_partners"  # 联合办照: waiting for partner permits
    ISSUED = "issued"  # 核发
    REJECTED = "rejected"


class IllegalTransition(Conflict):
    """The application is not in a state that allows the step."""

    def __init__(self, step: str, status: Status) -> None:
        super().__init__(
            f"cannot {step} an application that is {status.value}", status_now=status.value
        )
        self.step = step
        self.status_now = status


class MaterialsMissing(Conflict):
    """Acceptance needs every required material; all missing ones are named at once."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"Materials missing: {', '.join(missing)}", missing_materials=missing)
        self.missing = missing


@dataclass(frozen=True)
class Material:
    """A document an applicant hands in."""

    code: str
    name: str


@dataclass(frozen=True)
class ScopeItem:
    """A business-scope item; `partner_agency` when it needs that agency's permit."""

    code: str
    name: str
    partner_agency: str | None


@dataclass(frozen=True)
class Requirements:
    """The requirements table: materials by entity type and kind."""

    materials: dict[str, Material]
    table: dict[str, dict[str, tuple[str, ...]]]
    needs_capital: frozenset[str]

    @classmethod
    def from_toml(cls, text: str) -> Requirements:
        """Read the table; every listed code must be a known material."""
        data = tomllib.loads(text)
        materials = {code: Material(code, name) for code, name in data["materials"].items()}
        table = {
            entity: {kind: tuple(codes) for kind, codes in kinds.items()}
            for entity, kinds in data["requirements"].items()
        }
        for entity in ENTITY_TYPES:
            for kind in KINDS:
                if kind not in table.get(entity, {}):
                    raise ValueError(f"{entity}/{kind}: no requirements listed")
                unknown = set(table[entity][kind]) - materials.keys()
                if unknown:
                    raise ValueError(f"{entity}/{kind}: unknown materials {sorted(unknown)}")
        return cls(materials, table, frozenset(data["needs_capital"]))

    def required(self, entity_type: str, kind: str) -> list[Material]:
        """What an application of this entity type and kind must hand in."""
        return [self.materials[code] for code in self.table[entity_type][kind]]

    def missing(self, entity_type: str, kind: str, handed_in: list[str]) -> list[str]:
        """The required materials not handed in, in the table's order (one notice, all)."""
        given = set(handed_in)
        return [code for code in self.table[entity_type][kind] if code not in given]

    def unknown_materials(self, codes: list[str]) -> list[str]:
        """The codes that name no material."""
        return [code for code in codes if code not in self.materials]

    def capital_required(self, entity_type: str, kind: str) -> bool:
        """Whether an establishment of this type records a registered capital."""
        return kind == "establishment" and entity_type in self.needs_capital


@dataclass(frozen=True)
class ScopeCatalogue:
    """The business-scope items a licence can carry."""

    items: dict[str, ScopeItem]

    @classmethod
    def from_toml(cls, text: str) -> ScopeCatalogue:
        """Read the catalogue."""
        items = [
            ScopeItem(item["code"], item["name"], item.get("partner_agency"))
            for item in tomllib.loads(text)["item"]
        ]
        return cls({item.code: item for item in items})

    def unknown(self, codes: list[str]) -> list[str]:
        """The codes that are not in the catalogue."""
        return [code for code in codes if code not in self.items]

    def partner_agencies(self, codes: list[str]) -> list[str]:
        """The agencies whose permits the scope needs, each once, sorted."""
        return sorted({a for code in codes if (a := self.items[code].partner_agency)})


@cache
def requirements() -> Requirements:
    """The bundled requirements table."""
    return Requirements.from_toml((DATA / "requirements.toml").read_text(encoding="utf-8"))


@cache
def scope_catalogue() -> ScopeCatalogue:
    """The bundled scope catalogue."""
    return ScopeCatalogue.from_toml((DATA / "scope_catalogue.toml").read_text(encoding="utf-8"))


# Which steps each status allows; anything else is an illegal transition (409).
ALLOWED: dict[str, frozenset[Status]] = {
    "accept": frozenset({Status.SUBMITTED}),
    "return": frozenset({Status.SUBMITTED}),
    "resubmit": frozenset({Status.RETURNED}),
    "approve": frozenset({Status.ACCEPTED}),
    "decide_partner": frozenset({Status.AWAITING_PARTNERS}),
    "reject": frozenset(
        {Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED, Status.AWAITING_PARTNERS}
    ),
}


def check_step(step: str, status: Status) -> None:
    """Raise IllegalTransition unless `step` is allowed from `status`."""
    if status not in ALLOWED[step]:
        raise IllegalTransition(step, status)


class InvalidApplication(RuleViolated):
    """The application contradicts the registration rules; `field` names what is wrong."""


def check_application(
    rules: Requirements,
    catalogue: ScopeCatalogue,
    *,
    kind: str,
    entity_type: str,
    business_scope: list[str],
    materials: list[str],
    registered_capital: object | None,
    credit_code: str | None,
) -> None:
    """Raise InvalidApplication at the first rule the application breaks."""
    unknown_materials = rules.unknown_materials(materials)
    if unknown_materials:
        raise InvalidApplication("materials", f"unknown materials: {', '.join(unknown_materials)}")
    unknown = catalogue.unknown(business_scope)
    if unknown:
        raise InvalidApplication(
            "business_scope", f"not in the scope catalogue: {', '.join(unknown)}"
        )
    if kind == "establishment":
        if credit_code is not None:
            raise InvalidApplication(
                "credit_code", "an establishment gets its credit code when the licence is issued"
            )
        if not business_scope:
            raise InvalidApplication("business_scope", "an establishment needs a business scope")
    elif credit_code is None:
        raise InvalidApplication("credit_code", f"a {kind} names the licence concerned")
    needs_capital = rules.capital_required(entity_type, kind)
    if needs_capital and registered_capital is None:
        raise InvalidApplication(
            "registered_capital", f"a {entity_type.replace('_', ' ')} records a registered capital"
        )
    if entity_type not in rules.needs_capital and registered_capital is not None:
        raise InvalidApplication(
            "registered_capital",
            f"a {entity_type.replace('_', ' ')} records no registered capital",
        )


def accept(status: Status, missing: list[str]) -> Status:
    """受理: only with complete materials."""
    check_step("accept", status)
    if missing:
        raise MaterialsMissing(missing)
    return Status.ACCEPTED


def return_for_correction(status: Status, missing: list[str], reasons: list[str]) -> Status:
    """补正: returned with everything that is wrong, in one notice."""
    check_step("return", status)
    if not missing and not reasons:
        raise InvalidApplication("reasons", "say what must be corrected")
    return Status.RETURNED


def resubmit(status: Status) -> Status:
    """The applicant hands in the corrected application."""
    check_step("resubmit", status)
    return Status.SUBMITTED


def reject(status: Status) -> Status:
    """Refused before issue."""
    check_step("reject", status)
    return Status.REJECTED


def approve(status: Status, partner_agencies: list[str]) -> Status:
    """Approved: issued at once, or first waiting for the partners' permits."""
    check_step("approve", status)
    return Status.AWAITING_PARTNERS if partner_agencies else Status.ISSUED


@dataclass(frozen=True)
class PartnerDecision:
    """One agency's answer to a joint-licensing request."""

    agency: str
    approved: bool
    permit_number: str | None = None
    reason: str | None = None


def joint_outcome(
    agencies: list[str], decisions: list[PartnerDecision]
) -> tuple[Status, str | None]:
    """Where joint licensing stands: all approved → issued; one rejection → rejected with its
    reason; otherwise still waiting."""
    by_agency = {d.agency: d for d in decisions}
    for agency in agencies:
        decision = by_agency.get(agency)
        if decision is not None and not decision.approved:
            return Status.REJECTED, f"{agency}: {decision.reason or 'rejected'}"
    if all(agency in by_agency for agency in agencies):
        return Status.ISSUED, None
    return Status.AWAITING_PARTNERS, None


@dataclass(frozen=True)
class OfficeHours:
    """When the window is open on a working day (Asia/Shanghai)."""

    opens: time
    closes: time

    def after_hours(self, moment: datetime) -> bool:
        """Whether `moment` is outside office hours: before or after them, or on a day off."""
        local = moment.astimezone(SHANGHAI)
        if not default_calendar().is_workday(local.date()):
            return True
        return not self.opens <= local.time() < self.closes


def same_day(submitted_at: datetime, issued_at: datetime) -> bool:
    """Issued on the calendar day (Asia/Shanghai) the application was handed in."""
    return submitted_at.astimezone(SHANGHAI).date() == issued_at.astimezone(SHANGHAI).date()
