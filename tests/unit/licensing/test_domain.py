"""Licensing rules without a database: materials, transitions, joint licensing, hours."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from contracts import CreditCode, InvalidCodeError, ResidentId
from services.licensing import domain
from services.licensing.domain import (
    ENTITY_TYPES,
    KINDS,
    IllegalTransition,
    MaterialsMissing,
    OfficeHours,
    PartnerDecision,
    Status,
)


def test_every_entity_type_and_kind_has_requirements_from_the_data_file() -> None:
    table = domain.requirements()
    for entity_type in ENTITY_TYPES:
        for kind in KINDS:
            required = table.required(entity_type, kind)
            assert required, f"{entity_type}/{kind} requires nothing"
            assert required[0].code == "application_form"
    assert table.capital_required("company", "establishment")
    assert not table.capital_required("individual_business", "establishment")
    assert not table.capital_required("company", "cancellation")


def test_missing_materials_are_all_listed_at_once_in_the_table_order() -> None:
    table = domain.requirements()
    missing = table.missing("company", "establishment", ["application_form", "articles"])
    assert missing == ["investor_id", "representative_appointment", "premises_proof"]
    complete = [m.code for m in table.required("company", "establishment")]
    assert table.missing("company", "establishment", complete) == []


def test_a_table_with_unknown_materials_or_gaps_is_refused() -> None:
    whole = (domain.DATA / "requirements.toml").read_text(encoding="utf-8")
    unknown = whole.replace(
        'establishment = ["application_form", "operator_id", "premises_proof"]',
        'establishment = ["application_form", "made_up"]',
    )
    with pytest.raises(ValueError, match=r"individual_business/establishment: unknown .*made_up"):
        domain.Requirements.from_toml(unknown)
    gap = whole.replace(
        'cancellation = ["application_form", "tax_clearance", "original_licence"]', ""
    )
    with pytest.raises(ValueError, match="branch/cancellation: no requirements listed"):
        domain.Requirements.from_toml(gap)


def test_scope_items_name_the_partner_agencies_whose_permits_they_need() -> None:
    catalogue = domain.scope_catalogue()
    assert catalogue.partner_agencies(["retail_general", "tech_services"]) == []
    assert catalogue.partner_agencies(["catering", "retail_food"]) == ["health"]
    assert catalogue.partner_agencies(["gathering_venue", "internet_cafe", "dry_cleaning"]) == [
        "culture",
        "environment",
        "fire",
    ]
    assert catalogue.unknown(["catering", "space_travel"]) == ["space_travel"]


def test_acceptance_needs_complete_materials() -> None:
    with pytest.raises(MaterialsMissing) as refusal:
        domain.accept(Status.SUBMITTED, ["premises_proof", "operator_id"])
    assert refusal.value.missing == ["premises_proof", "operator_id"]
    assert domain.accept(Status.SUBMITTED, []) == Status.ACCEPTED


@pytest.mark.parametrize(
    ("step", "allowed"),
    [
        ("accept", {Status.SUBMITTED}),
        ("return", {Status.SUBMITTED}),
        ("resubmit", {Status.RETURNED}),
        ("approve", {Status.ACCEPTED}),
        ("decide_partner", {Status.AWAITING_PARTNERS}),
        (
            "reject",
            {Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED, Status.AWAITING_PARTNERS},
        ),
    ],
)
def test_each_step_is_allowed_only_from_its_states(step: str, allowed: set[Status]) -> None:
    for status in Status:
        if status in allowed:
            domain.check_step(step, status)
        else:
            with pytest.raises(IllegalTransition, match=status.value):
                domain.check_step(step, status)


def test_nothing_moves_an_issued_or_rejected_application() -> None:
    for step in domain.ALLOWED:
        for final in (Status.ISSUED, Status.REJECTED):
            with pytest.raises(IllegalTransition):
                domain.check_step(step, final)


def test_approval_waits_for_partners_only_when_the_scope_needs_permits() -> None:
    assert domain.approve(Status.ACCEPTED, []) == Status.ISSUED
    assert domain.approve(Status.ACCEPTED, ["health"]) == Status.AWAITING_PARTNERS


def test_joint_licensing_issues_when_all_approve_and_rejects_on_one_refusal() -> None:
    agencies = ["fire", "health"]
    health_yes = PartnerDecision("health", approved=True, permit_number="JY-1")
    assert domain.joint_outcome(agencies, []) == (Status.AWAITING_PARTNERS, None)
    assert domain.joint_outcome(agencies, [health_yes]) == (Status.AWAITING_PARTNERS, None)
    fire_yes = PartnerDecision("fire", approved=True, permit_number="XF-2")
    assert domain.joint_outcome(agencies, [health_yes, fire_yes]) == (Status.ISSUED, None)
    fire_no = PartnerDecision("fire", approved=False, reason="exits blocked")
    assert domain.joint_outcome(agencies, [fire_no]) == (Status.REJECTED, "fire: exits blocked")


def test_same_day_and_after_hours_are_judged_in_shanghai_time() -> None:
    hours = OfficeHours(time(9), time(17))
    # 2026-11-27 is a Friday: 08:30 and 18:00 Shanghai are outside hours, 10:00 inside.
    assert hours.after_hours(datetime(2026, 11, 27, 0, 30, tzinfo=UTC))
    assert not hours.after_hours(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    assert hours.after_hours(datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    # A Saturday is after hours all day.
    assert hours.after_hours(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))
    # 23:30 UTC on the 26th is 07:30 on the 27th in Shanghai: the same day as 10:00 on the 27th.
    submitted = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert domain.same_day(submitted, datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    assert not domain.same_day(submitted, datetime(2026, 11, 27, 17, 0, tzinfo=UTC))


def test_credit_codes_and_resident_ids_are_checked() -> None:
    code = CreditCode.generate(category="9", region="510106", sequence=42)
    assert CreditCode(str(code)) == code
    broken = str(code)[:-1] + ("0" if str(code)[-1] != "0" else "1")
    with pytest.raises(InvalidCodeError):
        CreditCode(broken)
    with pytest.raises(InvalidCodeError):
        ResidentId("11010519491231002Y")
    assert ResidentId("11010519491231002X").birth_date.year == 1949


def check(**changes: object) -> None:
    """Check an individual business's establishment, changed as given."""
    application: dict[str, object] = {
        "kind": "establishment",
        "entity_type": "individual_business",
        "business_scope": ["retail_general"],
        "materials": ["application_form"],
        "registered_capital": None,
        "credit_code": None,
    }
    domain.check_application(
        domain.requirements(),
        domain.scope_catalogue(),
        **(application | changes),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"business_scope": ["retail_general", "casino"]}, "business_scope"),
        ({"business_scope": []}, "business_scope"),
        ({"materials": ["bribe"]}, "materials"),
        ({"credit_code": "92510106000104822K"}, "credit_code"),
        ({"kind": "change"}, "credit_code"),
        ({"kind": "cancellation"}, "credit_code"),
        ({"entity_type": "company"}, "registered_capital"),
        ({"registered_capital": 1000}, "registered_capital"),
    ],
)
def test_an_application_breaking_a_registration_rule_names_the_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(domain.InvalidApplication) as refused:
        check(**changes)
    assert refused.value.field == field


def test_a_complete_application_passes_the_rules() -> None:
    check()
    check(entity_type="company", registered_capital=500_000)
    check(kind="change", credit_code="92510106000104822K", business_scope=[])


def test_return_needs_something_to_correct_and_resubmission_needs_a_return() -> None:
    with pytest.raises(domain.InvalidApplication):
        domain.return_for_correction(Status.SUBMITTED, [], [])
    assert domain.return_for_correction(Status.SUBMITTED, ["operator_id"], []) is Status.RETURNED
    assert domain.resubmit(Status.RETURNED) is Status.SUBMITTED
    with pytest.raises(IllegalTransition):
        domain.resubmit(Status.ACCEPTED)
    assert domain.reject(Status.AWAITING_PARTNERS) is Status.REJECTED
    with pytest.raises(IllegalTransition):
        domain.reject(Status.ISSUED)


def test_credit_code_category_follows_the_entity_type() -> None:
    assert set(domain.CREDIT_CODE_CATEGORIES) == set(ENTITY_TYPES)
    code = CreditCode.generate(
        category=domain.CREDIT_CODE_CATEGORIES["farmers_cooperative"], region="510106", sequence=7
    )
    assert code.category == "3"
    assert code.region == "510106"


def test_the_area_of_a_community_comes_from_the_bureau_map() -> None:
    areas = domain.AreaMap.of(
        {"office-01": 1, "office-06": 2},
        [
            ("office-01", ["510106001001", "510106001002"]),
            ("office-06", ["510106003001"]),
            ("office-10", ["510106003002"]),  # its office is not known yet
        ],
    )
    assert areas.area_of("510106001002") == 1
    assert areas.area_of("510106003001") == 2
    assert areas.area_of("510106009009") is None
    assert areas.area_of("510106003002") is None
    assert areas.communities_of(2) == ["510106003001"]
    assert domain.AreaMap.of({}, []).area_of("510106001001") is None
