"""The application, licence and partner-request aggregates without a database."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from chassis.errors import Conflict
from chassis.sealing import Keyring
from contracts.values import CreditCode
from services.licensing.domain.applications import Application, Draft
from services.licensing.domain.joint import PartnerRequest
from services.licensing.domain.licences import Licence, NameTaken, check_name_free
from services.licensing.domain.places import Place
from services.licensing.domain.rules import (
    IllegalTransition,
    InvalidApplication,
    MaterialsMissing,
    OfficeHours,
    Status,
)

CODE = str(CreditCode.generate(category="2", region="510106", sequence=1))
# 2026-11-27 is a Friday: 10:00 in Shanghai.
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
HOURS = OfficeHours(time(9), time(17))
PLACE = Place("示范区营门口路 18 号", "510106001001", 104.015, 30.735)
KEYRING = Keyring({"k1": b"1" * 32}, "k1", b"h" * 32)
OPERATOR_ID = KEYRING.seal_id_number("11010519491231002X")


def draft(**changes: object) -> Draft:
    """A food shop's establishment with every material."""
    values: dict[str, object] = {
        "kind": "establishment",
        "entity_type": "individual_business",
        "name": "示范区老王面馆",
        "operator_name": "王某",
        "operator_id_number": "11010519491231002X",
        "address": PLACE,
        "business_scope": ("catering", "retail_general", "catering"),
        "registered_capital": None,
        "channel": "window",
        "materials": ("application_form", "operator_id", "premises_proof"),
    }
    return Draft(**(values | changes))  # type: ignore[arg-type]


def submitted(**changes: object) -> Application:
    application, _ = Application.submit(
        draft(**changes), operator_id=OPERATOR_ID, actor="clerk01", office="o1", now=NOW
    )
    return application


def test_submission_records_its_step_and_names_what_is_missing() -> None:
    application, event = Application.submit(
        draft(materials=("application_form",)),
        operator_id=OPERATOR_ID,
        actor="clerk01",
        office="o1",
        now=NOW,
    )
    assert application.status is Status.SUBMITTED
    assert application.operator_id_number == "110105********002X"
    assert "11010519491231002X" not in application.sealed_operator_id_number
    assert application.business_scope == ["catering", "retail_general"]
    assert event.missing_materials == ("operator_id", "premises_proof")
    assert [(s.step, s.from_status, s.to_status) for s in application.new_steps] == [
        ("submit", None, "submitted")
    ]


def test_acceptance_needs_every_material_and_starts_the_deadline() -> None:
    incomplete = submitted(materials=("application_form",))
    with pytest.raises(MaterialsMissing) as refused:
        incomplete.accept(actor="clerk01", now=NOW)
    assert refused.value.extensions == {"missing_materials": ["operator_id", "premises_proof"]}
    application = submitted()
    accepted = application.accept(actor="clerk01", now=NOW)
    assert application.status is Status.ACCEPTED and application.accepted_at == NOW
    assert application.deadline == accepted.deadline and application.deadline_rule
    with pytest.raises(IllegalTransition) as again:
        application.accept(actor="clerk01", now=NOW)
    assert again.value.status == 409 and again.value.extensions == {"status_now": "accepted"}


def test_return_and_resubmission_add_the_materials() -> None:
    application = submitted(materials=("application_form",))
    with pytest.raises(InvalidApplication):
        submitted().return_for_correction([], actor="clerk01", now=NOW)
    returned = application.return_for_correction(["unclear"], actor="clerk01", now=NOW)
    assert returned.missing_materials == ("operator_id", "premises_proof")
    with pytest.raises(InvalidApplication) as unknown:
        application.resubmit(["bribe"], actor="clerk01", now=NOW)
    assert unknown.value.field == "materials"
    again = application.resubmit(["operator_id", "premises_proof"], actor="clerk01", now=NOW)
    assert again.missing_materials == () and application.status is Status.SUBMITTED


def test_approval_waits_for_partners_with_their_deadline_or_completes() -> None:
    application = submitted()
    application.accept(actor="clerk01", now=NOW)
    assert application.approve(["health"], actor="clerk01", now=NOW) is Status.AWAITING_PARTNERS
    assert application.deadline_rule == "licensing.joint_decision"
    request, asked = PartnerRequest.ask(application, "health", application.deadline, NOW)  # type: ignore[arg-type]
    assert len(asked.business_scope) == 1
    assert request.view(application).business_scope == ["catering"]
    request.decide("approved", "JY-1", None, actor="health", now=NOW)
    with pytest.raises(Conflict, match="already approved"):
        request.expect_pending()
    application.complete(CODE, "joint_approval", actor="health", now=NOW)
    assert application.status is Status.ISSUED and application.credit_code


def test_a_licence_is_issued_changed_and_cancelled() -> None:
    application = submitted()
    application.accept(actor="clerk01", now=NOW)
    licence, issued = Licence.issue(application, CODE, NOW, HOURS)
    assert issued.same_day and not issued.after_hours and licence.status == "active"
    moved = Place("示范区另一条路 1 号", "510106001002")
    change = submitted(kind="change", address=moved, credit_code=licence.credit_code)
    changed = licence.change(change, NOW)
    assert changed.name is None and changed.address is not None and changed.business_scope is None
    assert licence.address == moved and licence.changed_at == NOW
    cancelled = licence.cancel(NOW)
    assert licence.status == "cancelled" and cancelled.cancelled_at == NOW


def test_a_name_held_by_another_active_licence_is_refused() -> None:
    check_name_free(None, None)
    check_name_free(CODE, CODE)
    with pytest.raises(NameTaken) as taken:
        check_name_free(CODE, None)
    assert taken.value.extensions["errors"][0]["code"] == "name_taken"


def test_a_place_keeps_its_stored_json() -> None:
    assert Place.from_json(PLACE.to_json()) == PLACE
    assert Place.from_json({"text": "x", "community_code": "510106001001"}).lon is None
    assert PLACE.contract().location is not None
