"""One example instance of every published contract: the data of the committed samples."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from contracts import complaints, enforcement, identity, licensing, qms, supervision
from contracts.base import Contract
from contracts.values import Address, CreditCode, GeoPoint, GeoPolygon

__all__ = ["example"]

_NOODLE_SHOP = CreditCode.generate(category="2", region="510106", sequence=10_482)
_TRADING_CO = CreditCode.generate(category="1", region="510106", sequence=3_317)
_ADDRESS = Address(
    text="四川省成都市金牛区营门口路 18 号附 3 号",
    community_code="510106005003",
    location=GeoPoint(lon=104.0312, lat=30.6921),
)
_CASE = uuid.UUID("6f0a1c2e-7d43-4b8e-9a51-0c3d2e1f4a55")
_CASE_SOURCE = uuid.UUID("2b7e5c10-93f4-4d2a-8c61-5e0f1a2b3c4d")
_TICKET = uuid.UUID("3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f")
_STAMP = datetime(2025, 3, 12, 2, 30, tzinfo=UTC)
_APPLICATION = uuid.UUID("5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
_PARTNER_REQUEST = uuid.UUID("7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f")
_NONCONFORMITY = uuid.UUID("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6")
_PLAN = uuid.UUID("8e9f0a1b-2c3d-4e5f-8a6b-7c8d9e0f1a2b")
_NEIGHBOURS = (CreditCode("92510106000104838T"), CreditCode("92510106000104846M"))
_DRAW_RULES = supervision.DrawRulesShape(
    algorithm="shijian-draw-v1",
    ratios={"A": "0.05", "B": "0.10", "C": "0.20", "D": "0.50"},
    pool=("inspector-0007", "inspector-0012", "inspector-0019", "inspector-0023"),
    inspectors_per_household=2,
)
# A real draw of this seed, snapshot and rules: `draw verify` holds on the sample.
_DRAW_COMMITMENT = "e07020d590d6ba7e9035e6216a8d74d051a56e8ce3ebb8d8b36cb6aa85a246cc"
_SNAPSHOT_HASH = "f0681b573d940e0e49785cfd31d8e9f18f0b51487abaadf3377dbd1227e2257f"
_RULES_HASH = "97075e65da37c259f733f8b7f5095e288d2a255d1beb200c4b8c744e831f6556"
_EVIDENCE = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _examples() -> tuple[Contract, ...]:
    """One new instance of every contract that has an example."""
    return (
        licensing.LicenceIssued(
            credit_code=_NOODLE_SHOP,
            name="成都市金牛区老王面馆",
            entity_type="individual_business",
            operator_name="王某",
            address=_ADDRESS,
            business_scope=("餐饮服务", "预包装食品销售"),
            issued_at=_STAMP,
            office_code="ymk",
            channel="window",
            same_day=True,
            after_hours=False,
            business_scope_codes=("catering", "retail_food"),
        ),
        licensing.ApplicationSubmitted(
            application_id=_APPLICATION,
            kind="establishment",
            entity_type="individual_business",
            name="成都市金牛区老王面馆",
            channel="window",
            missing_materials=("premises_proof",),
            submitted_at=_STAMP,
            submitted_by="clerk-0007",
        ),
        licensing.ApplicationAccepted(
            application_id=_APPLICATION,
            accepted_at=_STAMP,
            accepted_by="clerk-0007",
            deadline=date(2025, 3, 17),
        ),
        licensing.ApplicationReturned(
            application_id=_APPLICATION,
            missing_materials=("premises_proof",),
            reasons=("经营场所证明未提交",),
            returned_at=_STAMP,
            returned_by="clerk-0007",
        ),
        licensing.ApplicationRejected(
            application_id=_APPLICATION,
            reasons=("health: 后厨布局不符合食品安全要求",),
            rejected_at=_STAMP,
            rejected_by="health",
            partner_agency="health",
        ),
        licensing.JointApprovalRequested(
            application_id=_APPLICATION,
            request_id=_PARTNER_REQUEST,
            agency="health",
            name="成都市金牛区老王面馆",
            business_scope=("餐饮服务 Catering",),
            requested_at=_STAMP,
            deadline=date(2025, 5, 19),
        ),
        licensing.JointApprovalDecided(
            application_id=_APPLICATION,
            request_id=_PARTNER_REQUEST,
            agency="health",
            decision="approved",
            permit_number="JY25101060012345",
            decided_at=_STAMP,
        ),
        licensing.LicenceChanged(
            credit_code=_NOODLE_SHOP,
            business_scope=("餐饮服务", "预包装食品销售", "食品互联网销售"),
            changed_at=_STAMP,
        ),
        licensing.LicenceCancelled(
            credit_code=_NOODLE_SHOP, cancelled_at=_STAMP, reason="经营者申请注销"
        ),
        licensing.LicensingCaseSourceTransferred(
            case_source_id=_CASE_SOURCE,
            credit_code=_TRADING_CO,
            allegation="股东签名涉嫌伪造",
            evidence_refs=(_EVIDENCE,),
            transferred_at=_STAMP,
            transferred_by="clerk-0007",
            discovered_on=date(2025, 3, 11),
        ),
        licensing.OperatorRead(
            record="application",
            record_id=_APPLICATION,
            fields=("id_number",),
            read_by="clerk-0007",
            read_at=_STAMP,
        ),
        enforcement.PartyRead(
            record="on_the_spot_penalty",
            record_id=_CASE,
            fields=("id_number",),
            read_by="officer-0011",
            read_at=_STAMP,
        ),
        supervision.OfficeChanged(
            office_code="ymk",
            name="营门口市场监管所",
            area=1,
            changed_by="admin",
            changed_at=_STAMP,
        ),
        supervision.GridChanged(
            grid_code="510106005003001",
            office_code="ymk",
            name="营门口网格",
            owner="inspector-0042",
            community_codes=("510106005003", "510106005004"),
            polygon=GeoPolygon(
                coordinates=(
                    (
                        (104.02, 30.68),
                        (104.04, 30.68),
                        (104.04, 30.70),
                        (104.02, 30.70),
                        (104.02, 30.68),
                    ),
                )
            ),
            changed_by="admin",
            changed_at=_STAMP,
        ),
        supervision.HouseholdAssigned(
            credit_code=_NOODLE_SHOP,
            grid_code="510106005003002",
            office_code="ymk",
            owner="inspector-0012",
            agent="inspector-0019",
            claim_deadline=date(2025, 3, 17),
            assigned_at=_STAMP,
        ),
        supervision.ClaimOverdue(
            credit_code=_NOODLE_SHOP,
            grid_code="510106005003002",
            office_code="ymk",
            owner="inspector-0012",
            claim_deadline=date(2025, 3, 17),
            detected_at=datetime(2025, 3, 18, 1, 0, tzinfo=UTC),
        ),
        supervision.SupervisionDeadlineMissed(
            subject_id=_NOODLE_SHOP,
            deadline="inspection_visit",
            rule_code="supervision.plan_d",
            basis="local setting (risk class D: about every month)",
            due=date(2026, 10, 8),
            office_code="ymk",
            credit_code=_NOODLE_SHOP,
            owner="inspector-0012",
            detected_at=datetime(2026, 10, 9, 1, 0, tzinfo=UTC),
        ),
        supervision.InspectionRecorded(
            inspection_id=uuid.UUID("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
            version=1,
            inspector="inspector-0012",
            office_code="ymk",
            households=(_NOODLE_SHOP,),
            findings="后厨卫生良好，健康证在有效期内",
            actions=("告知定期检查灭蝇设施",),
            evidence_refs=(_EVIDENCE,),
            started_at=_STAMP,
            ended_at=datetime(2025, 3, 12, 3, 10, tzinfo=UTC),
            recorded_at=datetime(2025, 3, 12, 3, 15, tzinfo=UTC),
        ),
        supervision.DrawCommitted(
            plan_id=_PLAN,
            number=1,
            office_code="ymk",
            title="2025 年第一季度双随机抽查",
            commitment=_DRAW_COMMITMENT,
            snapshot_hash=_SNAPSHOT_HASH,
            rules_hash=_RULES_HASH,
            households=3,
            committed_by="head-ymk",
            committed_at=_STAMP,
        ),
        supervision.Drawn(
            plan_id=_PLAN,
            number=1,
            office_code="ymk",
            commitment=_DRAW_COMMITMENT,
            seed="5f2c8e0a7b3d4916c1e8f0a2b4d6c8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1",
            snapshot=(
                supervision.SnapshotHousehold(
                    credit_code=_NOODLE_SHOP,
                    grid_id="510106005003002",
                    owner="inspector-0012",
                    agent="inspector-0019",
                    risk_class="B",
                ),
                supervision.SnapshotHousehold(
                    credit_code=_NEIGHBOURS[0],
                    grid_id="510106005003002",
                    owner="inspector-0012",
                    agent=None,
                    risk_class="D",
                ),
                supervision.SnapshotHousehold(
                    credit_code=_NEIGHBOURS[1],
                    grid_id="510106005003001",
                    owner="inspector-0007",
                    agent=None,
                    risk_class="A",
                ),
            ),
            snapshot_hash=_SNAPSHOT_HASH,
            rules=_DRAW_RULES,
            rules_hash=_RULES_HASH,
            selection=(
                supervision.SelectedHousehold(
                    credit_code=_NOODLE_SHOP,
                    risk_class="B",
                    grid_id="510106005003002",
                    owner="inspector-0012",
                    inspectors=("inspector-0007", "inspector-0023"),
                ),
                supervision.SelectedHousehold(
                    credit_code=_NEIGHBOURS[0],
                    risk_class="D",
                    grid_id="510106005003002",
                    owner="inspector-0012",
                    inspectors=("inspector-0023", "inspector-0007"),
                ),
                supervision.SelectedHousehold(
                    credit_code=_NEIGHBOURS[1],
                    risk_class="A",
                    grid_id="510106005003001",
                    owner="inspector-0007",
                    inspectors=("inspector-0023", "inspector-0012"),
                ),
            ),
            drawn_by="head-ymk",
            drawn_at=datetime(2025, 3, 12, 2, 35, tzinfo=UTC),
        ),
        supervision.DrawResultsPublished(
            plan_id=_PLAN,
            number=1,
            office_code="ymk",
            results=(
                supervision.InspectionResult(
                    credit_code=_NOODLE_SHOP,
                    inspectors=("inspector-0007", "inspector-0023"),
                    outcome="compliant",
                    recorded_at=datetime(2025, 3, 20, 6, 0, tzinfo=UTC),
                    publish_by=date(2025, 4, 18),
                ),
            ),
            published_by="head-ymk",
            published_at=datetime(2025, 3, 21, 2, 0, tzinfo=UTC),
        ),
        supervision.SupervisionCaseSourceTransferred(
            case_source_id=_CASE_SOURCE,
            credit_code=_NOODLE_SHOP,
            allegation="超范围经营",
            evidence_refs=(_EVIDENCE,),
            transferred_at=_STAMP,
            transferred_by="inspector-0012",
            office_code="ymk",
            discovered_on=date(2025, 3, 10),
        ),
        supervision.UnlicensedTradingFound(
            finding_id=uuid.UUID("c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"),
            address=_ADDRESS,
            description="路边无照烧烤摊，已告知可到流动办照车办理",
            found_at=_STAMP,
            found_by="inspector-0012",
        ),
        enforcement.CaseFiled(
            case_id=_CASE, case_source_id=_CASE_SOURCE, credit_code=_TRADING_CO, filed_at=_STAMP
        ),
        enforcement.CaseNotFiled(
            case_source_id=_CASE_SOURCE,
            reasons=("违法事实不能成立",),
            decided_at=_STAMP,
        ),
        enforcement.PenaltyDecided(
            case_id=_CASE,
            credit_code=_TRADING_CO,
            procedure="general",
            penalty_kinds=("warning", "fine"),
            fine_amount=Decimal("5000.00"),
            legal_basis="《市场主体登记管理条例》第四十五条",
            source_department="licensing",
            case_source_id=_CASE_SOURCE,
            decided_at=_STAMP,
        ),
        enforcement.PenaltyPublished(
            case_id=_CASE,
            credit_code=_TRADING_CO,
            published_at=_STAMP,
            due=date(2025, 4, 14),
            on_time=True,
        ),
        enforcement.CaseClosed(
            case_id=_CASE,
            case_source_id=_CASE_SOURCE,
            credit_code=_TRADING_CO,
            satisfaction="satisfied",
            closed_at=_STAMP,
        ),
        enforcement.DeadlineMissed(
            subject_id=_CASE,
            deadline="decide",
            rule_code="enforcement.decide",
            basis="Administrative Penalty Law art. 60; SAMR provisions",
            due=date(2026, 10, 30),
            section="section-1",
            credit_code=_TRADING_CO,
            detected_at=_STAMP,
        ),
        enforcement.DeadlineMissedV2(
            subject_id=_CASE,
            deadline="serve",
            rule_code="enforcement.serve",
            basis="Administrative Penalty Law art. 61 (7 days; working days per art. 85)",
            due=date(2026, 10, 12),
            section="section-1",
            credit_code=_TRADING_CO,
            detected_at=_STAMP,
        ),
        licensing.ApplicationDeadlineMissed(
            application_id=_APPLICATION,
            rule_code="registration.on_the_spot",
            basis="Market Entity Registration Regulations (2021) art. 19",
            due=date(2026, 10, 9),
            channel="window",
            office_code="ymk",
            detected_at=_STAMP,
        ),
        complaints.ReportTransferred(
            report_id=uuid.UUID("8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b"),
            case_source_id=_CASE_SOURCE,
            credit_code=_NOODLE_SHOP,
            allegation="销售过期食品",
            office_code="ymk",
            transferred_at=_STAMP,
            discovered_on=date(2025, 3, 9),
        ),
        complaints.TicketReceived(
            ticket_id=_TICKET,
            kind="complaint",
            credit_code=_NOODLE_SHOP,
            channel="phone",
            business_name="成都市金牛区老王面馆",
            received_at=_STAMP,
        ),
        complaints.TicketRouted(
            ticket_id=_TICKET,
            kind="complaint",
            credit_code=_NOODLE_SHOP,
            unit_level="office",
            unit_id="ymk",
            rule="business_grid",
            routed_at=_STAMP,
        ),
        complaints.TicketAccepted(
            ticket_id=_TICKET, kind="complaint", credit_code=_NOODLE_SHOP, accepted_at=_STAMP
        ),
        complaints.TicketRejected(
            ticket_id=_TICKET,
            kind="complaint",
            credit_code=_NOODLE_SHOP,
            competent_body="区卫生健康局",
            rejected_at=_STAMP,
        ),
        complaints.TicketClosed(
            ticket_id=_TICKET,
            kind="complaint",
            credit_code=_NOODLE_SHOP,
            outcome="settled",
            closed_at=_STAMP,
        ),
        complaints.TicketFollowedUp(
            ticket_id=_TICKET,
            kind="complaint",
            credit_code=_NOODLE_SHOP,
            satisfaction=4,
            followed_up_at=_STAMP,
        ),
        complaints.TicketDeadlineMissed(
            ticket_id=_TICKET,
            kind="complaint",
            credit_code=_NOODLE_SHOP,
            rule="complaints.accept",
            basis="Interim Measures for Handling Complaints and Reports (2022) art. 14",
            due=date(2025, 3, 21),
            unit_level="office",
            unit_id="ymk",
            detected_at=_STAMP,
        ),
        qms.NonconformityRaised(
            nonconformity_id=_NONCONFORMITY,
            basis="time_limit_rule",
            basis_code="enforcement.decide",
            description="案件超过 90 日未作出处罚决定",
            raised_at=_STAMP,
            subject_id=str(_CASE),
            office="section-1",
            evidence_event_id=uuid.UUID("8e9f0a1b-2c3d-4e5f-8a6b-7c8d9e0f1a2b"),
        ),
        qms.NonconformityClosed(
            nonconformity_id=_NONCONFORMITY,
            basis="time_limit_rule",
            basis_code="enforcement.decide",
            subject_id=str(_CASE),
            office="section-1",
            raised_at=_STAMP,
            corrective_actions=2,
            effectiveness_checks=1,
            closed_at=datetime(2025, 5, 20, 8, 0, tzinfo=UTC),
        ),
        qms.ObjectiveBreached(
            objective_code="complaints.answered_in_time",
            period="2025-02",
            office="office-03",
            value=0.92,
            target=0.98,
            measured_at=_STAMP,
        ),
        identity.UserCreated(
            username="inspector01",
            roles=("grid_inspector",),
            office="office-01",
            by="admin",
            at=_STAMP,
        ),
        identity.UserChanged(
            username="inspector01",
            roles=("grid_inspector", "office_head"),
            office="office-01",
            changes=("roles",),
            by="admin",
            at=_STAMP,
        ),
        identity.UserDeactivated(username="inspector01", by="admin", at=_STAMP),
        identity.PersonChanged(
            username="officer11",
            roles=("enforcement_officer",),
            office="section-1",
            active=True,
            certificate_number="51010621000123",
            certificate_valid_until=date(2028, 6, 30),
            by="admin",
            at=_STAMP,
        ),
        identity.PasswordReset(username="inspector01", by="admin", at=_STAMP),
        identity.PasswordChanged(username="inspector01", by="inspector01", at=_STAMP),
        identity.AccountLocked(
            username="inspector01",
            failed_sign_ins=5,
            locked_until=datetime(2025, 3, 12, 2, 45, tzinfo=UTC),
            by="system:lockout",
            at=_STAMP,
        ),
        identity.RolePolicyChanged(
            role="enforcement_officer", totp_required=True, by="admin", at=_STAMP
        ),
        identity.SigningKeyRotated(
            kid="20250312T023000Z-3f9a1c",
            signs_from=datetime(2025, 3, 12, 2, 31, tzinfo=UTC),
            by="admin",
            at=_STAMP,
        ),
        identity.TokensRevoked(
            username="inspector01",
            tokens=(
                identity.RevokedToken(
                    jti="9c1f0e7a2b4d4e6f8a0b1c2d3e4f5a6b",
                    expires_at=datetime(2025, 3, 12, 2, 45, tzinfo=UTC),
                ),
            ),
            issued_before=_STAMP,
            refused_until=datetime(2025, 3, 12, 2, 46, tzinfo=UTC),
            by="admin",
            at=_STAMP,
        ),
        identity.ClientCreated(
            client_id="health", name="区卫生健康局", agency="health", by="admin", at=_STAMP
        ),
        qms.DocumentApproved(
            document_id=uuid.UUID("5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"),
            version=2,
            kind="procedure",
            code="QP-07",
            title="12315 投诉处理程序",
            process="complaints-12315",
            effective_date=date(2025, 4, 1),
            approved_by="quality-0002",
            approved_at=_STAMP,
        ),
    )


def example(contract: type[Contract]) -> Contract:
    """A new example instance of a contract class (KeyError if it has none yet)."""
    return {type(instance): instance for instance in _examples()}[contract]
