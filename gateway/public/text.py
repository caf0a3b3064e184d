"""What the public pages say, in zh-CN (the default) and English: the same keys in both."""

from __future__ import annotations

from typing import Literal

Language = Literal["zh-CN", "en"]

TEXT: dict[Language, dict[str, str]] = {
    "zh-CN": {
        "site": "市场监督管理局",
        "switch": "English",
        "form.title": "12315 投诉举报",
        "form.intro": (
            "请说明商家名称、地点、经过和您的诉求。联系方式仅供办理人员联系您，不会公开。"
        ),
        "form.kind": "类别",
        "form.description": "情况说明",
        "form.name": "姓名（可不填）",
        "form.phone": "联系电话（可不填）",
        "form.submit": "提交",
        "form.anonymous": "举报和建议可以匿名。",
        "done.title": "已收到",
        "done.number": "您的受理编号",
        "done.keep": "请保存受理编号，用于查询办理进度。",
        "track.title": "办理进度查询",
        "track.number": "受理编号",
        "track.submit": "查询",
        "track.status": "状态",
        "track.kind": "类别",
        "track.received": "受理时间",
        "track.updated": "更新时间",
        "track.expected": "预计办结",
        "track.unit": "承办单位",
        "track.notes": "说明",
        "track.notFound": "没有找到这个受理编号。",
        "status.open": "办理中",
        "status.closed": "已办结",
        "publicity.title": "行政处罚公示",
        "publicity.creditCode": "统一社会信用代码",
        "publicity.penalty": "处罚",
        "publicity.basis": "依据",
        "publicity.decided": "决定日期",
        "publicity.empty": "暂无公示信息。",
        "penalty.warning": "警告",
        "penalty.fine": "罚款",
        "penalty.confiscation": "没收",
        "penalty.order_to_correct": "责令改正",
        "currency": "元",
        "error.title": "未能提交",
        "error.unavailable": "服务暂时不可用，请稍后再试。",
        "nav.form": "投诉举报",
        "nav.track": "进度查询",
        "nav.publicity": "处罚公示",
        "nav.staff": "工作人员登录",
    },
    "en": {
        "site": "Market Regulation Bureau",
        "switch": "中文",
        "form.title": "12315 complaints and reports",
        "form.intro": (
            "Say which business, where, what happened and what you ask for. Your contact"
            " details are only for the officer handling it and are never published."
        ),
        "form.kind": "Kind",
        "form.description": "What happened",
        "form.name": "Name (optional)",
        "form.phone": "Phone (optional)",
        "form.submit": "Submit",
        "form.anonymous": "Reports and suggestions may be anonymous.",
        "done.title": "Received",
        "done.number": "Your request number",
        "done.keep": "Keep the number to track your request.",
        "track.title": "Track a request",
        "track.number": "Request number",
        "track.submit": "Track",
        "track.status": "Status",
        "track.kind": "Kind",
        "track.received": "Received",
        "track.updated": "Updated",
        "track.expected": "Expected by",
        "track.unit": "Handled by",
        "track.notes": "Notes",
        "track.notFound": "No request has this number.",
        "status.open": "Open",
        "status.closed": "Closed",
        "publicity.title": "Administrative penalties made public",
        "publicity.creditCode": "Unified social credit code",
        "publicity.penalty": "Penalty",
        "publicity.basis": "Legal basis",
        "publicity.decided": "Decided on",
        "publicity.empty": "Nothing is published yet.",
        "penalty.warning": "Warning",
        "penalty.fine": "Fine",
        "penalty.confiscation": "Confiscation",
        "penalty.order_to_correct": "Order to correct",
        "currency": "CNY",
        "error.title": "Not submitted",
        "error.unavailable": "The service is unavailable for the moment; try again later.",
        "nav.form": "Complain or report",
        "nav.track": "Track a request",
        "nav.publicity": "Penalties",
        "nav.staff": "Staff sign-in",
    },
}


def language_of(asked: str | None) -> Language:
    """English when `?lang=en` asks for it, else zh-CN."""
    return "en" if (asked or "").lower() == "en" else "zh-CN"
