"""Domain errors become one problem+json answer each, whatever raised them."""

from __future__ import annotations

from chassis.errors import Conflict, Forbidden, NotFound, RuleViolated
from chassis.problems import problem_of


def test_not_found_is_404_naming_what_was_looked_for() -> None:
    body = problem_of(NotFound("case")).body()
    assert (body["status"], body["type"], body["detail"]) == (
        404,
        "/problems/not-found",
        "No such case",
    )


def test_a_step_out_of_order_is_409_conflict() -> None:
    body = problem_of(Conflict("the notice comes first")).body()
    assert (body["status"], body["type"]) == (409, "/problems/conflict")
    assert body["detail"] == "the notice comes first"


def test_a_broken_rule_is_422_naming_the_field() -> None:
    body = problem_of(RuleViolated("handlers", "two different officers", "handlers")).body()
    assert body["status"] == 422
    assert body["detail"] == "Invalid fields: body.handlers"
    assert body["errors"] == [
        {"field": "body.handlers", "message": "two different officers", "code": "handlers"}
    ]


def test_forbidden_is_403() -> None:
    assert problem_of(Forbidden("not your office")).status == 403
