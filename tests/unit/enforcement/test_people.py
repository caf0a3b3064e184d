"""Who may handle a case (certified officers, art. 42), whom an office's inspector may penalise
on the spot, and what a sectionless officer reads, without a database."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import Forbidden, RuleViolated
from services.enforcement.domain import (
    Officer,
    may_penalise,
    require_certified,
    require_may_penalise,
    uncertified,
)
from services.enforcement.repositories.scope import in_section

FILED_ON = date(2026, 11, 20)


def officer(username: str, valid_until: date | None, **changes: object) -> Officer:
    values: dict[str, object] = {
        "username": username,
        "roles": frozenset({"enforcement_officer"}),
        "office": "section-1",
        "active": True,
        "certificate_number": "51010621000123" if valid_until else None,
        "certificate_valid_until": valid_until,
    }
    return Officer(**(values | changes))  # type: ignore[arg-type]


DIRECTORY = {
    "officer11": officer("officer11", date(2030, 12, 31)),
    "officer12": officer("officer12", FILED_ON),  # valid to the end of the filing day
    "lapsed": officer("lapsed", date(2026, 11, 19)),
    "uncertified": officer("uncertified", None),
    "gone": officer("gone", date(2030, 12, 31), active=False),
    "inspector01": officer("inspector01", date(2030, 12, 31), roles=frozenset({"grid_inspector"})),
}


def test_two_certified_officers_may_handle_a_case() -> None:
    assert uncertified(["officer11", "officer12"], DIRECTORY, FILED_ON) == []
    require_certified(["officer11", "officer12"], DIRECTORY, FILED_ON)


@pytest.mark.parametrize("handler", ["lapsed", "uncertified", "gone", "inspector01", "zhao"])
def test_a_handler_without_a_valid_certificate_is_refused_naming_the_rule(handler: str) -> None:
    with pytest.raises(RuleViolated) as refused:
        require_certified(["officer11", handler], DIRECTORY, FILED_ON)
    assert (refused.value.field, refused.value.code) == ("handlers", "uncertified_handler")
    assert "Administrative Penalty Law art. 42" in refused.value.message
    assert handler in refused.value.message


@pytest.mark.parametrize(
    ("business_office", "allowed"),
    [("office-01", True), (None, True), ("office-05", False)],
)
def test_an_inspector_penalises_their_offices_businesses_or_unlicensed_parties(
    business_office: str | None, allowed: bool
) -> None:
    assert may_penalise("office-01", business_office) is allowed
    assert may_penalise(None, "office-01") is False


def test_an_officer_of_no_section_reads_no_row() -> None:
    column: sa.ColumnClause[str] = sa.column("section")
    nobody = Principal("officer99", "", frozenset({"enforcement_officer"}), "staff", office=None)
    assert str(in_section(nobody, column)) == str(sa.false())
    auditor = Principal("auditor01", "", frozenset({"auditor"}), "staff")
    assert str(in_section(auditor, column)) == str(sa.true())


def test_an_inspector_outside_the_office_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        require_may_penalise("office-01", "office-05")
