"""Who may call what: the access matrix of every route, kept here and published as docs/access.md.

`python -m tests.access.matrix` rewrites docs/access.md; a test fails when a route is missing
from the matrix, when a role gets an answer the matrix does not say, or when docs/access.md is
stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chassis.auth import PARTNER_ROLES, ROLE_ORDER

PUBLIC = "public"
SIGNED_IN = "signed-in"
SERVICES = ("licensing", "supervision", "enforcement", "complaints", "qms")


@dataclass(frozen=True)
class Rule:
    """One route: who gets through, and a request that succeeds for them."""

    process: str  # "gateway" or a service name
    method: str
    path: str  # as the process declares it
    allowed: str | frozenset[str]  # PUBLIC, SIGNED_IN or the roles
    sample_path: str | None = None  # the path with its parameters filled in
    body: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None  # a multipart upload
    streams: bool = False  # an event stream: only its opening is checked
    per_call: frozenset[str] = field(default_factory=frozenset)  # body fields made unique
    # What the sample request answers those allowed when it cannot succeed for each of them
    # (a password change can happen once): anything but 401 or 403 shows they got through.
    answers: int | None = None

    def allows(self, role: str | None) -> bool:
        """Whether `role` (None: no token) gets a 2xx answer."""
        if self.allowed == PUBLIC:
            return True
        if role is None:
            return False
        return self.allowed == SIGNED_IN or role in self.allowed

    @property
    def url_path(self) -> str:
        """Where the request goes through the gateway (services: under /api/<service>)."""
        path = self.sample_path or self.path
        return path if self.process == "gateway" else f"/api/{self.process}{path}"

    @property
    def label(self) -> str:
        """The route as a reader of the table sees it."""
        where = "" if self.process == "gateway" else f"/api/{self.process}"
        return f"{self.method} {where}{self.path}"


ADMIN = frozenset({"admin"})
CLERK = frozenset({"licensing_clerk"})
CLERK_READERS = frozenset({"licensing_clerk", "auditor"})
# Who looks a business up in the licence register: the clerks and everyone naming a business.
REGISTER_READERS = CLERK_READERS | {
    "grid_inspector",
    "office_head",
    "enforcement_officer",
    "complaints_handler",
    "station_staff",
}
PARTNER = frozenset({"partner_agency"})
SAMPLE_USER = "sample01"
STAFF = frozenset({"grid_inspector", "office_head", "auditor", "admin"})
SAMPLE_OFFICE = "office-01"  # of every staff token but the enforcement officer's
SAMPLE_GRID = "510106001001001"
INSPECTOR = frozenset({"grid_inspector"})
OFFICER = frozenset({"enforcement_officer"})
STREET = frozenset({"grid_inspector", "office_head"})
HEAD = frozenset({"office_head"})
SUB_BUREAU_READERS = frozenset({"enforcement_officer", "auditor", "admin"})
SAMPLE_SECTION = "section-1"  # the matrix's enforcement officer's section (area 1's)
# 12315: the matrix's complaints handler works at the bureau's desk (every ticket), its
# station staff at the sample station, whose community routes the sample submissions there.
SAMPLE_DESK = "complaints"
SAMPLE_STATION = "station-sample"
SAMPLE_STATION_COMMUNITY = "510106001099"
INTAKE = frozenset({"complaints_handler", "station_staff", "partner_agency"})
TICKET_HANDLERS = frozenset({"complaints_handler", "station_staff"})
TICKET_READERS = frozenset({"complaints_handler", "station_staff", "auditor"})
QUALITY_READERS = frozenset({"qms_manager", "auditor"})
QUALITY_OFFICE = frozenset({"qms_manager"})
STAFF_ROLES = frozenset(ROLE_ORDER) - PARTNER_ROLES
# The quality system's sample procedure (its process's one), made and approved before the calls.
DOCUMENT_SAMPLE: dict[str, Any] = {
    "kind": "procedure",
    "code": "QP-S1",
    "title": "质量管理程序",
    "process": "quality-management",
    "text": "文件控制：编写、审批、发布、修订。",
}
NC_READERS = frozenset({"qms_manager", "auditor", "office_head"})
AUDIT_SAMPLE: dict[str, Any] = {
    "title": "样例所网格监管内审",
    "process": "supervision",
    "office": SAMPLE_OFFICE,
    "planned_on": "2026-12-03",
    "auditors": ["auditor", "qms-manager"],
    "checklist": [{"question": "是否每日跟踪户口认领时限？", "reference": "QP-07"}],
}
SUBMISSION_SAMPLE: dict[str, Any] = {
    "channel": "phone",
    "kinds": ["complaint"],
    "submitter": {"name": "王芳", "phone": "13800138000"},
    "description": "买到过期牛奶",
    "location": {"address": "示范区样例商场", "community_code": SAMPLE_STATION_COMMUNITY},
}
# The smallest thing that passes for a PNG: attachments are recognised by their first bytes.
PNG_SAMPLE = b"\x89PNG\r\n\x1a\n" + bytes(32)
INSPECTION_SAMPLE: dict[str, Any] = {
    "started_at": "2026-11-20T09:00:00+08:00",
    "ended_at": "2026-11-20T10:30:00+08:00",
    "route": [[104.001, 30.721], [104.004, 30.724]],
    "households": ["{credit_code}"],
    "findings": "证照齐全，亮照经营",
    "actions": ["提醒更新食品安全公示栏"],
    "attachments": ["sha256:{sha256}"],
}


def person_of(role: str) -> str:
    """The username of the matrix's person holding `role` (e.g. grid-inspector)."""
    return role.replace("_", "-")


# Both grid inspectors of the sample office (the gateway tells supervision so).
DELEGATION_SAMPLE = {
    "officer": person_of("grid_inspector"),
    "agent": "inspector02",
    "start": "2026-01-01",
    "end": "2026-01-02",
}
# A random inspection plan of the sample office drawing from both its grid inspectors: the
# sample household's owner is never drawn for it, so its agent of the sample is.
RANDOM_PLAN_SAMPLE: dict[str, Any] = {
    "title": "样例双随机抽查",
    "inspectors": [person_of("grid_inspector"), DELEGATION_SAMPLE["agent"]],
    "inspectors_per_household": 1,
}


def square(lon: float, lat: float) -> dict[str, Any]:
    """A GeoJSON square of 0.01° with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


# Filled in by tests/access/samples.py with objects made before the calls (ids, codes).
APPLICATION_SAMPLE: dict[str, Any] = {
    "kind": "establishment",
    "entity_type": "individual_business",
    "name": "示范区样例商店",
    "operator": {"name": "王某", "id_number": "11010519491231002X"},
    "address": {"text": "示范区营门口路 1 号", "community_code": "510106001001"},
    "business_scope": ["retail_general"],
    "materials": ["application_form", "operator_id", "premises_proof"],
}

MATRIX: tuple[Rule, ...] = (
    # The gateway's own routes.
    Rule("gateway", "GET", "/healthz", PUBLIC),
    Rule("gateway", "GET", "/readyz", PUBLIC),
    Rule("gateway", "GET", "/metrics", PUBLIC),
    Rule("gateway", "GET", "/openapi.json", PUBLIC),
    Rule("gateway", "GET", "/docs", PUBLIC),
    Rule("gateway", "GET", "/.well-known/jwks.json", PUBLIC),
    Rule(
        "gateway",
        "POST",
        "/auth/token",
        PUBLIC,
        form={
            "grant_type": "client_credentials",
            "client_id": "sample",
            "client_secret": "sample-secret-1",
        },
    ),
    Rule(
        "gateway",
        "POST",
        "/auth/password",
        PUBLIC,
        form={
            "username": SAMPLE_USER,
            "password": "Pass-word-9-of-the-bureau",
            "new_password": "x",
        },
        answers=422,
    ),
    Rule("gateway", "GET", "/auth/me", SIGNED_IN),
    Rule("gateway", "POST", "/auth/logout", SIGNED_IN),
    Rule("gateway", "GET", "/api/notifications/stream", SIGNED_IN, streams=True),
    Rule(
        "gateway",
        "POST",
        "/api/admin/users",
        ADMIN,
        body={
            "username": "u",
            "password": "Pass-word-9-of-the-bureau",
            "name": "Sample",
            "roles": ["auditor"],
        },
        per_call=frozenset({"username"}),
    ),
    Rule("gateway", "GET", "/api/admin/users", ADMIN),
    Rule("gateway", "GET", "/api/admin/users/{username}", ADMIN, f"/api/admin/users/{SAMPLE_USER}"),
    Rule(
        "gateway",
        "PATCH",
        "/api/admin/users/{username}",
        ADMIN,
        f"/api/admin/users/{SAMPLE_USER}",
        body={"office": "office-02"},
    ),
    Rule(
        "gateway",
        "PUT",
        "/api/admin/users/{username}/certificate",
        ADMIN,
        f"/api/admin/users/{SAMPLE_USER}/certificate",
        body={"number": "51010621000999", "valid_until": "2030-12-31"},
    ),
    Rule(
        "gateway",
        "POST",
        "/api/admin/users/{username}/unlock",
        ADMIN,
        f"/api/admin/users/{SAMPLE_USER}/unlock",
    ),
    Rule(
        "gateway",
        "POST",
        "/api/admin/users/{username}/password-reset",
        ADMIN,
        f"/api/admin/users/{SAMPLE_USER}/password-reset",
    ),
    Rule(
        "gateway",
        "POST",
        "/api/admin/users/{username}/totp",
        ADMIN,
        f"/api/admin/users/{SAMPLE_USER}/totp",
    ),
    Rule(
        "gateway",
        "POST",
        "/api/admin/users/{username}/deactivate",
        ADMIN,
        f"/api/admin/users/{SAMPLE_USER}/deactivate",
    ),
    Rule(
        "gateway",
        "POST",
        "/api/admin/clients",
        ADMIN,
        body={
            "client_id": "c",
            "client_secret": "Client-secret-1",
            "name": "Sample",
            "agency": "health",
        },
        per_call=frozenset({"client_id"}),
    ),
    Rule("gateway", "GET", "/api/admin/clients", ADMIN),
    Rule("gateway", "POST", "/api/admin/open311-keys", ADMIN, body={"name": "matrix-app"}),
    Rule("gateway", "GET", "/api/admin/open311-keys", ADMIN),
    Rule(
        "gateway",
        "DELETE",
        "/api/admin/open311-keys/{key_id}",
        ADMIN,
        "/api/admin/open311-keys/{open311_key}",
    ),
    Rule("gateway", "GET", "/api/admin/role-policies", ADMIN),
    Rule(
        "gateway",
        "PUT",
        "/api/admin/role-policies/{role}",
        ADMIN,
        "/api/admin/role-policies/auditor",
        body={"totp_required": False},
    ),
    Rule("gateway", "GET", "/api/admin/signing-keys", ADMIN),
    Rule("gateway", "POST", "/api/admin/signing-keys", ADMIN),
    # Every service: its OpenAPI for anyone signed in (health and metrics are not forwarded).
    *(Rule(service, "GET", "/openapi.json", SIGNED_IN) for service in SERVICES),
    # Licensing: clerks act, auditors read, partners see their agency's requests only.
    Rule(
        "licensing",
        "GET",
        "/requirements",
        CLERK_READERS,
        "/requirements?entity_type=company&kind=establishment",
    ),
    Rule("licensing", "GET", "/scope-catalogue", CLERK_READERS),
    Rule(
        "licensing",
        "POST",
        "/applications",
        CLERK,
        body=APPLICATION_SAMPLE,
        per_call=frozenset({"name"}),
    ),
    Rule(
        "licensing",
        "POST",
        "/applications:batch",
        CLERK,
        body={"applications": [APPLICATION_SAMPLE | {"client_id": "matrix-van-1"}]},
    ),
    Rule("licensing", "GET", "/applications", CLERK_READERS, "/applications?status=submitted"),
    Rule(
        "licensing",
        "GET",
        "/applications/{application_id}",
        CLERK_READERS,
        "/applications/{submitted}",
    ),
    Rule(
        "licensing",
        "GET",
        "/applications/{application_id}/operator",
        CLERK,
        "/applications/{submitted}/operator",
    ),
    Rule(
        "licensing",
        "POST",
        "/applications/{application_id}/accept",
        CLERK,
        "/applications/{submitted}/accept",
    ),
    Rule(
        "licensing",
        "POST",
        "/applications/{application_id}/return",
        CLERK,
        "/applications/{to_return}/return",
        body={"reasons": ["样例"]},
    ),
    Rule(
        "licensing",
        "POST",
        "/applications/{application_id}/resubmit",
        CLERK,
        "/applications/{returned}/resubmit",
        body={"materials": ["premises_proof"]},
    ),
    Rule(
        "licensing",
        "POST",
        "/applications/{application_id}/extend",
        CLERK,
        "/applications/{accepted}/extend",
        body={"approved_by": "局长", "reason": "样例"},
    ),
    Rule(
        "licensing",
        "POST",
        "/applications/{application_id}/approve",
        CLERK,
        "/applications/{accepted}/approve",
    ),
    Rule(
        "licensing",
        "POST",
        "/applications/{application_id}/reject",
        CLERK,
        "/applications/{to_reject}/reject",
        body={"reasons": ["样例"]},
    ),
    Rule("licensing", "GET", "/licences", REGISTER_READERS),
    Rule(
        "licensing",
        "GET",
        "/licences/{credit_code}",
        REGISTER_READERS,
        "/licences/{credit_code}",
    ),
    Rule(
        "licensing",
        "POST",
        "/case-transfers",
        CLERK,
        body={"application_id": "{submitted}", "allegation": "股东签名涉嫌伪造"},
    ),
    Rule("licensing", "GET", "/case-transfers", CLERK_READERS),
    Rule(
        "licensing",
        "GET",
        "/case-transfers/{case_source_id}",
        CLERK_READERS,
        "/case-transfers/{window_transfer}",
    ),
    Rule("licensing", "GET", "/partner/requests", PARTNER),
    Rule(
        "licensing",
        "GET",
        "/partner/requests/{request_id}",
        PARTNER,
        "/partner/requests/{health_request}",
    ),
    Rule(
        "licensing",
        "POST",
        "/partner/requests/{request_id}/decision",
        PARTNER,
        "/partner/requests/{health_request}/decision",
        body={"decision": "approved", "permit_number": "JY-0001"},
    ),
    Rule("licensing", "GET", "/mobile/visits", CLERK_READERS),
    # Supervision: the map is the admin's; households are seen within one's scope.
    Rule(
        "supervision",
        "POST",
        "/offices",
        ADMIN,
        body={"id": "office-m", "name": "样例所", "area": 2},
        per_call=frozenset({"id"}),
    ),
    Rule("supervision", "GET", "/offices", STAFF),
    Rule(
        "supervision",
        "POST",
        "/grids",
        ADMIN,
        body={
            "id": "510106009001001",
            "office_id": SAMPLE_OFFICE,
            "name": "样例网格二",
            "polygon": square(105.0, 31.0),
            "community_codes": ["510106009001"],
            "owner": "inspector09",
        },
    ),
    Rule("supervision", "GET", "/grids", STAFF),
    Rule("supervision", "GET", "/grids/{grid_id}", STAFF, f"/grids/{SAMPLE_GRID}"),
    Rule(
        "supervision",
        "PUT",
        "/grids/{grid_id}",
        ADMIN,
        f"/grids/{SAMPLE_GRID}",
        body={"name": "样例网格（改名）"},
    ),
    Rule("supervision", "GET", "/households", STAFF),
    Rule("supervision", "GET", "/households/{credit_code}", STAFF, "/households/{credit_code}"),
    Rule(
        "supervision",
        "POST",
        "/households/{credit_code}/claim",
        INSPECTOR,
        "/households/{credit_code}/claim",
    ),
    Rule(
        "supervision",
        "POST",
        "/households/{credit_code}/assign",
        frozenset({"office_head", "admin"}),
        "/households/{credit_code}/assign",
        body={"grid_id": SAMPLE_GRID},
    ),
    Rule(
        "supervision",
        "POST",
        "/delegations",
        frozenset({"grid_inspector", "office_head", "admin"}),
        body=DELEGATION_SAMPLE,
    ),
    Rule("supervision", "GET", "/delegations", STAFF),
    Rule(
        "supervision",
        "GET",
        "/households/{credit_code}/file",
        STAFF,
        "/households/{credit_code}/file",
    ),
    # Inspections and what the street brings back: attachments, findings, case sources.
    Rule(
        "supervision",
        "POST",
        "/attachments",
        STREET,
        files={"file": ("shopfront.png", PNG_SAMPLE, "image/png")},
    ),
    Rule("supervision", "GET", "/attachments/{sha256}", STAFF, "/attachments/{sha256}"),
    Rule("supervision", "POST", "/inspections", INSPECTOR, body=INSPECTION_SAMPLE),
    Rule(
        "supervision",
        "POST",
        "/inspections/{inspection_id}/corrections",
        INSPECTOR,
        "/inspections/{inspection_id}/corrections",
        body=INSPECTION_SAMPLE | {"reason": "漏记整改要求"},
    ),
    Rule(
        "supervision",
        "GET",
        "/inspections/{inspection_id}",
        STAFF,
        "/inspections/{inspection_id}",
    ),
    Rule("supervision", "GET", "/inspection-plan", INSPECTOR),
    # The deadline watch: the head's office's results to publish and plan visits, the
    # inspector's own plan visits, the district's for auditors and admins.
    Rule("supervision", "GET", "/deadlines", STAFF),
    # Random inspections (双随机、一公开): the office head plans and draws; a result is the
    # drawn inspector's (the matrix's inspector acts for the one drawn today) or the head's,
    # each on a plan drawn for them (`drawn_plan@<role>`); the results feed is public.
    Rule(
        "supervision",
        "POST",
        "/random-inspections",
        HEAD,
        body=RANDOM_PLAN_SAMPLE,
    ),
    Rule("supervision", "GET", "/random-inspections", STAFF),
    Rule(
        "supervision",
        "GET",
        "/random-inspections/{plan_id}",
        STAFF,
        "/random-inspections/{drawn_plan}",
    ),
    Rule(
        "supervision",
        "POST",
        "/random-inspections/{plan_id}/draws",
        HEAD,
        "/random-inspections/{plan_to_draw}/draws",
        body={},
    ),
    Rule(
        "supervision",
        "POST",
        "/random-inspections/{plan_id}/draws/{number}/reveal",
        HEAD,
        "/random-inspections/{plan_to_reveal}/draws/1/reveal",
    ),
    Rule(
        "supervision",
        "POST",
        "/random-inspections/{plan_id}/results",
        STREET,
        "/random-inspections/{drawn_plan}/results",
        body={"credit_code": "{drawn_code}", "outcome": "compliant"},
    ),
    Rule(
        "supervision",
        "POST",
        "/random-inspections/{plan_id}/results/publish",
        HEAD,
        "/random-inspections/{plan_to_publish}/results/publish",
    ),
    Rule("supervision", "GET", "/random-inspection-results", SIGNED_IN),
    Rule(
        "supervision",
        "POST",
        "/unlicensed-findings",
        INSPECTOR,
        body={
            "address": {
                "text": "示范区营门口路 3 号门前",
                "community_code": APPLICATION_SAMPLE["address"]["community_code"],
                "location": {"lon": 104.002, "lat": 30.722},
            },
            "description": "无照经营水果摊",
        },
    ),
    Rule(
        "supervision",
        "GET",
        "/unlicensed-findings/{finding_id}",
        STAFF,
        "/unlicensed-findings/{finding_id}",
    ),
    Rule(
        "supervision",
        "POST",
        "/case-transfers",
        STREET,
        body={
            "credit_code": "{credit_code}",
            "allegation": "超范围经营",
            "evidence": ["sha256:{sha256}"],
        },
    ),
    Rule("supervision", "GET", "/case-transfers", STAFF),
    Rule(
        "supervision",
        "GET",
        "/case-transfers/{case_source_id}",
        STAFF,
        "/case-transfers/{office_transfer}",
    ),
    # Enforcement: case sources, within one's section.
    Rule(
        "enforcement",
        "POST",
        "/case-sources",
        frozenset({"enforcement_officer", "admin"}),
        body={"source_department": "trademark", "allegation": "销售假冒注册商标的商品"},
    ),
    Rule("enforcement", "GET", "/case-sources", SUB_BUREAU_READERS),
    Rule(
        "enforcement",
        "GET",
        "/case-sources/{case_source_id}",
        SUB_BUREAU_READERS,
        "/case-sources/{case_source}",
    ),
    Rule(
        "enforcement",
        "POST",
        "/case-sources/{case_source_id}/extension",
        OFFICER,
        "/case-sources/{to_extend}/extension",
        body={"approved_by": "head.subbureau", "reason": "需检测鉴定"},
    ),
    Rule(
        "enforcement",
        "POST",
        "/case-sources/{case_source_id}/file",
        OFFICER,
        "/case-sources/{to_file}/file",
        body={"handlers": ["zhao", "qian"]},
    ),
    Rule(
        "enforcement",
        "POST",
        "/case-sources/{case_source_id}/decline",
        OFFICER,
        "/case-sources/{to_decline}/decline",
        body={"reasons": ["违法事实不成立"]},
    ),
    Rule("enforcement", "GET", "/cases", SUB_BUREAU_READERS),
    Rule("enforcement", "GET", "/cases/{case_id}", SUB_BUREAU_READERS, "/cases/{filed}"),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/notice",
        OFFICER,
        "/cases/{filed}/notice",
        body={
            "delivered_to": "王某",
            "delivered_at": "2026-11-20T10:00:00+08:00",
            "method": "post",
        },
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/investigation-records",
        OFFICER,
        "/cases/{investigated}/investigation-records",
        body={"kind": "inquiry", "summary": "询问笔录：当事人承认销售过期食品"},
    ),
    Rule(
        "enforcement",
        "POST",
        "/on-the-spot-penalties",
        STREET,
        body={
            "party": {
                "kind": "organisation",
                "name": "示范区样例商店",
                "credit_code": "{credit_code}",
            },
            "penalty": {"kind": "fine", "amount": "100"},
            "facts": "占道经营",
            "legal_basis": "《无证无照经营查处办法》第十三条",
        },
    ),
    Rule(
        "enforcement",
        "GET",
        "/on-the-spot-penalties",
        frozenset({"grid_inspector", "office_head", "enforcement_officer", "auditor", "admin"}),
    ),
    Rule(
        "enforcement",
        "GET",
        "/on-the-spot-penalties/{penalty_id}/party",
        frozenset({"enforcement_officer"}),
        "/on-the-spot-penalties/{penalty}/party",
    ),
    Rule(
        "enforcement",
        "POST",
        "/on-the-spot-penalties/{penalty_id}/cash-handover",
        STREET,
        # No such penalty: a role let through is told so (each hand-over is recorded once).
        "/on-the-spot-penalties/00000000-0000-4000-8000-000000000000/cash-handover",
        body={"handed_over_on": "{today}", "receipt": "ICBC-0001"},
        answers=404,
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/penalty-notice",
        OFFICER,
        "/cases/{investigated}/penalty-notice",
        body={
            "facts": "强买强卖",
            "legal_basis": "《价格法》第四十二条",
            "penalty": {"kind": "fine", "amount": "800"},
            "party_kind": "organisation",
            "served_on": "{today}",
            "served_how": "post",
        },
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/statements",
        OFFICER,
        "/cases/{told}/statements",
        body={"received_on": "{today}", "content": "请求从轻处罚"},
    ),
    # The steps below happen once a case: their samples are refused after the role check.
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/statements/{number}/answer",
        OFFICER,
        "/cases/{told}/statements/999/answer",
        body={"accepted": False, "reasons": "不予采纳"},
        answers=422,
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/waiver",
        OFFICER,
        "/cases/{told}/waiver",
        body={"received_on": "2020-01-01"},
        answers=422,
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/hearing-request",
        OFFICER,
        "/cases/{told}/hearing-request",
        body={"requested_on": "{today}"},
        answers=422,
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/hearing",
        OFFICER,
        "/cases/{told}/hearing",
        body={"start": "2026-12-01", "end": "2026-12-01", "conclusion": "维持"},
        answers=409,
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/service",
        OFFICER,
        "/cases/{decided}/service",
        body={"served_on": "2020-01-01", "served_how": "post"},
        answers=422,
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/decision",
        OFFICER,
        "/cases/{to_decide}/decision",
        body={"penalty": {"kind": "fine", "amount": "2000"}, "legal_basis": "《价格法》第四十二条"},
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/return-visit",
        OFFICER,
        "/cases/{decided}/return-visit",
        body={"party_view": "无异议", "satisfaction": "satisfied"},
    ),
    Rule("enforcement", "GET", "/publicity", SIGNED_IN),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/stops",
        OFFICER,
        "/cases/{investigated}/stops",
        body={"kind": "testing", "start": "2026-12-01", "end": "2026-12-05", "reason": "送检"},
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/extensions",
        OFFICER,
        "/cases/{investigated}/extensions",
        body={"approved_by": "head.subbureau", "reason": "案情复杂"},
    ),
    Rule("enforcement", "GET", "/deadlines", SUB_BUREAU_READERS),
    Rule(
        "enforcement",
        "GET",
        "/reports/offices",
        frozenset({"office_head", "auditor", "admin"}),
        "/reports/offices?year=2026",
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/fault-findings",
        ADMIN,
        "/cases/{filed}/fault-findings",
        body={"step": "filed", "finding": "立案审批表缺负责人签字", "responsible": ["zhao"]},
    ),
    Rule(
        "enforcement",
        "POST",
        "/case-sources/{case_source_id}/testing",
        OFFICER,
        "/case-sources/{case_source}/testing",
        body={"start": "2026-12-01", "end": "2026-12-03", "reason": "送检"},
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/payment",
        OFFICER,
        "/cases/{fined}/payment",
        body={"paid_on": "2030-01-01"},
    ),
    Rule(
        "enforcement",
        "POST",
        "/cases/{case_id}/publicity-withdrawal",
        OFFICER,
        "/cases/{fined}/publicity-withdrawal",
        body={"change": "changed", "changed_on": "{today}", "reason": "复议变更"},
    ),
    # 12315: a step a role may take needs its own ticket in the right state for each such
    # role (samples named `<sample>@<role>`).
    Rule("complaints", "POST", "/submissions", INTAKE, body=SUBMISSION_SAMPLE),
    Rule("complaints", "POST", "/routing:preview", INTAKE, body=SUBMISSION_SAMPLE),
    Rule("complaints", "GET", "/tickets", TICKET_READERS),
    Rule("complaints", "GET", "/tickets/{ticket_id}", TICKET_READERS, "/tickets/{ticket}"),
    Rule(
        "complaints",
        "GET",
        "/tickets/{ticket_id}/submitter",
        frozenset({"complaints_handler"}),
        "/tickets/{ticket}/submitter",
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/accept",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_accept}/accept",
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/reject",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_reject}/reject",
        body={"reasons": "不属于本局管辖", "competent_body": "区卫生健康局"},
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/handover",
        TICKET_HANDLERS,
        "/tickets/{ticket}/handover",
        body={"to": "handler", "reason": "轮班"},
        per_call=frozenset({"to"}),
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/return",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_return}/return",
        body={"reason": "不属本站受理范围"},
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/reassign",
        frozenset({"complaints_handler"}),
        "/tickets/{ticket_to_reassign}/reassign",
        body={"unit": {"level": "office", "id": SAMPLE_OFFICE}, "reason": "属地管辖"},
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/mediation",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_mediate}/mediation",
        body={"outcome": "settled", "summary": "退款"},
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/reply",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_reply}/reply",
        body={"text": "已答复"},
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/close",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_close}/close",
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/follow-up",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_follow_up}/follow-up",
        body={"satisfaction": 2, "remarks": "不满意", "reopen_reason": "未退款"},
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/reopen",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_reopen}/reopen",
        body={"reopen": True, "reason": "核实未退款"},
    ),
    Rule(
        "complaints",
        "POST",
        "/tickets/{ticket_id}/merge",
        TICKET_HANDLERS,
        "/tickets/{ticket_to_merge}/merge",
        body={"into": "{ticket_merge_into}"},
    ),
    Rule(
        "complaints",
        "POST",
        "/stations",
        frozenset({"complaints_handler", "admin"}),
        body={
            "id": "station-x",
            "name": "样例市场投诉站",
            "kind": "market",
            "office": SAMPLE_OFFICE,
            "community_codes": ["510106001098"],
        },
        per_call=frozenset({"id", "name"}),
    ),
    Rule(
        "complaints",
        "GET",
        "/stations",
        frozenset({"complaints_handler", "station_staff", "auditor", "admin"}),
    ),
    # The quality system's record of everything (every event the samples caused is in it).
    Rule("qms", "GET", "/audit/checkpoint", QUALITY_READERS),
    Rule("qms", "GET", "/audit/entries", QUALITY_READERS, "/audit/entries?start=0&end=2"),
    Rule(
        "qms",
        "GET",
        "/audit/proofs/inclusion",
        QUALITY_READERS,
        "/audit/proofs/inclusion?index=0&size=2",
    ),
    Rule(
        "qms",
        "GET",
        "/audit/proofs/consistency",
        QUALITY_READERS,
        "/audit/proofs/consistency?from=1&to=2",
    ),
    Rule("qms", "GET", "/audit/verify", QUALITY_READERS),
    Rule("qms", "GET", "/audit/trail", QUALITY_READERS, "/audit/trail?subject={credit_code}"),
    # Document control: the quality office writes, and approves what another member of it
    # wrote; every member of the staff reads what is in force.
    Rule("qms", "GET", "/processes", STAFF_ROLES),
    Rule("qms", "GET", "/documents", STAFF_ROLES),
    Rule(
        "qms",
        "POST",
        "/documents",
        QUALITY_OFFICE,
        body=DOCUMENT_SAMPLE
        | {"kind": "work_instruction", "code": "WI-S", "procedure_id": "{document}"},
        per_call=frozenset({"code"}),
    ),
    Rule("qms", "GET", "/documents/{id}", STAFF_ROLES, "/documents/{document}"),
    Rule(
        "qms",
        "POST",
        "/documents/{id}/versions",
        QUALITY_OFFICE,
        "/documents/{document}/versions",
        body={"text": "文件控制：编写、审批、发布、修订、作废。", "change_note": "加作废"},
    ),
    # Nonconformities: the quality office follows them up, auditors read them, an office head
    # reads and raises their office's (the samples are of the matrix's office).
    Rule("qms", "GET", "/nonconformities", NC_READERS, "/nonconformities?status=open"),
    Rule(
        "qms",
        "POST",
        "/nonconformities",
        frozenset({"qms_manager", "office_head"}),
        body={"subject": "{credit_code}", "description": "亮照经营不规范"},
    ),
    Rule(
        "qms",
        "GET",
        "/documents/{id}/versions/{n}",
        STAFF_ROLES,
        "/documents/{document}/versions/1",
    ),
    Rule(
        "qms",
        "GET",
        "/nonconformities/{nonconformity_id}",
        NC_READERS,
        "/nonconformities/{nonconformity}",
    ),
    Rule(
        "qms",
        "POST",
        "/documents/{id}/versions/{n}/approve",
        QUALITY_OFFICE,
        "/documents/{document_to_approve}/versions/1/approve",
    ),
    Rule(
        "qms",
        "POST",
        "/nonconformities/{nonconformity_id}/actions",
        QUALITY_OFFICE,
        "/nonconformities/{nonconformity}/actions",
        body={"description": "全所培训", "owner": "office-head", "due": "{action_due}"},
    ),
    Rule(
        "qms",
        "POST",
        "/nonconformities/{nonconformity_id}/actions/{number}/done",
        QUALITY_OFFICE,
        "/nonconformities/{nonconformity_to_complete}/actions/1/done",
    ),
    Rule(
        "qms",
        "POST",
        "/nonconformities/{nonconformity_id}/effectiveness",
        QUALITY_OFFICE,
        "/nonconformities/{nonconformity_to_check}/effectiveness",
        body={"effective": True, "evidence": "抽查十户均已规范亮照"},
    ),
    # Internal audits: the quality office runs them, auditors read them.
    Rule("qms", "GET", "/audits", QUALITY_READERS),
    Rule("qms", "POST", "/audits", QUALITY_OFFICE, body=AUDIT_SAMPLE),
    Rule("qms", "GET", "/audits/{audit_id}", QUALITY_READERS, "/audits/{audit}"),
    Rule(
        "qms",
        "POST",
        "/audits/{audit_id}/findings",
        QUALITY_OFFICE,
        "/audits/{audit}/findings",
        body={"checklist_item": 1, "description": "一户认领超时", "severity": "minor"},
    ),
    # Quality objectives: the quality office and auditors read any office's, an office head
    # their own (by default).
    Rule("qms", "GET", "/objectives", NC_READERS, "/objectives?period=2026-11"),
    Rule("qms", "GET", "/objectives/recomputed", NC_READERS),
    # Reports: the monthly report scoped as the objectives; the review pack for the quality
    # office and auditors.
    Rule("qms", "GET", "/reports/monthly", NC_READERS, "/reports/monthly?month=2026-11"),
    Rule(
        "qms",
        "GET",
        "/reviews/pack",
        QUALITY_READERS,
        "/reviews/pack?from=2026-01&to=2026-11",
    ),
    # Partners' webhooks, on hosts an admin allows (in this order: allow, register, remove).
    Rule(
        "licensing",
        "PUT",
        "/admin/webhook-hosts/{agency}/{host}",
        ADMIN,
        "/admin/webhook-hosts/health/127.0.0.1",
    ),
    Rule("licensing", "GET", "/admin/webhook-hosts", ADMIN),
    Rule(
        "licensing",
        "PUT",
        "/partner/webhook",
        PARTNER,
        body={"url": "http://127.0.0.1:9/shijian-hook"},
    ),
    Rule("licensing", "GET", "/partner/webhook", PARTNER),
    Rule("licensing", "DELETE", "/partner/webhook", PARTNER),
    Rule(
        "licensing",
        "DELETE",
        "/admin/webhook-hosts/{agency}/{host}",
        ADMIN,
        "/admin/webhook-hosts/health/127.0.0.1",
    ),
)
# Served by each service itself, never through the gateway.
INFRASTRUCTURE = frozenset({"/healthz", "/readyz", "/metrics"})


def render_markdown() -> str:
    """The table: ✓ gets through, · is refused (401 without a token, else 403)."""
    header = ["route", "no token", *ROLE_ORDER]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for rule in MATRIX:
        cells = ["✓" if rule.allows(role) else "·" for role in (None, *ROLE_ORDER)]
        lines.append(f"| `{rule.label}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


ACCESS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "access.md"
PAGE_HEAD = """\
# Access

Who may call which route, by role. This page is generated from `tests/access/matrix.py` by
`python -m tests.access.matrix`; `tests/access/test_role_matrix.py` fails when a route is
missing from the matrix, when a role gets another answer than the matrix says from the running
services, or when this page is stale. Do not edit it by hand.

✓ gets a 2xx answer; · is refused: 401 without a token, 403 with one. Routes are written as
they are reached through the gateway (a service's under `/api/<service>`); `/healthz`,
`/readyz` and `/metrics` are also served by each service itself.

The role decides whether a route answers at all. Inside it, each service narrows what one sees
and acts on: an inspector the grids they own or stand in for today, an office head their
office, an enforcement officer their section (`office` in the token: `section-1` or
`section-2`), a community complaint station's staff their station (`office`: the station's
id), a partner agency its own requests; auditors and admins read everything. The quality
system's documents are read by all the staff, but only the versions that have taken effect;
the quality office and auditors read every version, and a version's author never approves it.
What is out of one's scope is 404 to read and 403 to act on. Nobody signs in as
`open311_client`: the gateway mints that role's tokens for the callers of `/open311/v2/...`
(with an API key or without).
Roles and people are described in [domain.md](domain.md#the-people), tokens in
[architecture.md](architecture.md#identity-and-access).

"""


def render_page() -> str:
    """docs/access.md: what the table means, then the table."""
    return PAGE_HEAD + render_markdown()


if __name__ == "__main__":
    ACCESS_PAGE.write_text(render_page(), encoding="utf-8")
    print(f"wrote {ACCESS_PAGE}")
