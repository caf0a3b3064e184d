"""Document control's rules: versions in force by day, approval by another person, not
backdated and in order; what staff outside the quality office read; the processes' list."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.errors import Conflict, Forbidden, NotFound, RuleViolated
from services.qms.domain.documents import (
    TEXT_MAX_BYTES,
    Document,
    Processes,
    SeparationOfDuties,
    processes,
)

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Mon 2 Mar 10:00 in Shanghai
TODAY = date(2026, 3, 2)


def procedure(process: str = "complaints-12315", by: str = "author") -> Document:
    return Document.write(
        id=uuid.uuid4(),
        kind="procedure",
        code="QP-07",
        title="12315 投诉处理程序",
        process=process,
        procedure=None,
        text="1. 受理 2. 调解 3. 答复",
        change_note=None,
        by=by,
        at=AT,
    )


def instruction(under: Document | None, process: str = "complaints-12315") -> Document:
    return Document.write(
        id=uuid.uuid4(),
        kind="work_instruction",
        code="WI-07-01",
        title="电话受理作业指导书",
        process=process,
        procedure=under,
        text="接听电话时……",
        change_note=None,
        by="author",
        at=AT,
    )


def statuses(document: Document, day: date) -> list[str]:
    return [document.status(version, day) for version in document.versions]


def test_a_draft_is_not_in_force_and_an_approved_version_is_from_its_effective_day() -> None:
    document = procedure()
    assert (statuses(document, TODAY), document.in_force(TODAY)) == (["draft"], None)
    document.approve(1, "approver", AT, TODAY, TODAY + timedelta(days=3))
    for day in (TODAY, TODAY + timedelta(days=2)):
        assert (statuses(document, day), document.in_force(day)) == (["approved"], None)
    effective = TODAY + timedelta(days=3)
    in_force = document.in_force(effective)
    assert (statuses(document, effective), in_force and in_force.number) == (["in_force"], 1)


def test_approval_defaults_to_the_day_of_approval() -> None:
    document = procedure()
    approved = document.approve(1, "approver", AT, TODAY, None)
    assert approved.approval is not None
    assert (approved.approval.approver, approved.approval.effective_date) == ("approver", TODAY)
    assert statuses(document, TODAY) == ["in_force"]


def test_a_new_version_in_force_supersedes_the_one_before_which_stays() -> None:
    document = procedure()
    document.approve(1, "approver", AT, TODAY, None)
    later = TODAY + timedelta(days=10)
    document.draft("1. 受理（含网络渠道）", "网络渠道", "author", AT + timedelta(days=1))
    assert statuses(document, later) == ["in_force", "draft"]
    document.approve(2, "approver", AT + timedelta(days=2), TODAY + timedelta(days=2), later)
    assert statuses(document, later - timedelta(days=1)) == ["in_force", "approved"]
    assert statuses(document, later) == ["superseded", "in_force"]
    assert [v.number for v in document.versions] == [1, 2]
    # Asked about a day before the new version took effect, the old one was in force then.
    before = document.in_force(later - timedelta(days=1))
    assert before is not None and before.number == 1


def test_the_author_may_not_approve_their_own_version() -> None:
    document = procedure(by="quality01")
    with pytest.raises(SeparationOfDuties) as refused:
        document.approve(1, "quality01", AT, TODAY, None)
    assert isinstance(refused.value, Forbidden)
    assert refused.value.extensions == {"rule": "separation_of_duties"}
    assert document.versions[0].approval is None


def test_an_effective_date_before_the_day_of_approval_is_refused() -> None:
    document = procedure()
    with pytest.raises(RuleViolated) as refused:
        document.approve(1, "approver", AT, TODAY, TODAY - timedelta(days=1))
    assert refused.value.field == "effective_date"
    assert document.versions[0].approval is None


def test_a_version_is_approved_once_and_never_after_a_later_one() -> None:
    document = procedure()
    document.draft("v2", "改", "author", AT)
    document.draft("v3", "再改", "author", AT)
    document.approve(3, "approver", AT, TODAY, None)
    with pytest.raises(Conflict, match="approved already"):
        document.approve(3, "approver", AT, TODAY, None)
    with pytest.raises(Conflict, match="version 3 is approved already"):
        document.approve(2, "approver", AT, TODAY, None)
    with pytest.raises(NotFound):
        document.approve(4, "approver", AT, TODAY, None)
    assert statuses(document, TODAY) == ["draft", "draft", "in_force"]


def test_only_one_version_is_in_force_even_when_a_later_one_takes_effect_sooner() -> None:
    document = procedure()
    document.draft("v2", "改", "author", AT)
    document.draft("v3", "再改", "author", AT)
    document.approve(2, "approver", AT, TODAY, TODAY + timedelta(days=20))
    document.approve(3, "approver", AT, TODAY, TODAY + timedelta(days=5))
    assert statuses(document, TODAY + timedelta(days=5)) == ["draft", "approved", "in_force"]
    # Version 2's day comes after version 3 took over: 3 stays the one in force.
    assert statuses(document, TODAY + timedelta(days=20)) == ["draft", "superseded", "in_force"]


def test_staff_read_only_what_has_taken_effect() -> None:
    document = procedure()
    document.approve(1, "approver", AT, TODAY, None)
    document.draft("v2", "改", "author", AT)
    document.draft("v3", "再改", "author", AT)
    document.approve(2, "approver", AT, TODAY, TODAY + timedelta(days=1))
    document.approve(3, "approver", AT, TODAY, TODAY + timedelta(days=7))
    published = document.published(TODAY + timedelta(days=1))
    assert [v.number for v in published.versions] == [1, 2]
    assert statuses(published, TODAY + timedelta(days=1)) == ["superseded", "in_force"]
    with pytest.raises(NotFound):
        published.version(3)
    assert procedure().published(TODAY).versions == []


def test_a_work_instruction_belongs_to_a_procedure_of_its_process() -> None:
    parent = procedure()
    assert instruction(parent).procedure_id == parent.id
    with pytest.raises(RuleViolated) as missing:
        instruction(None)
    with pytest.raises(RuleViolated) as elsewhere:
        instruction(parent, process="reports-12315")
    with pytest.raises(RuleViolated) as not_a_procedure:
        instruction(instruction(parent))
    assert "QP-07 is the procedure of complaints-12315" in elsewhere.value.message
    assert {missing.value.field, elsewhere.value.field, not_a_procedure.value.field} == {
        "procedure_id"
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "qp-07"}, "code"),
        ({"code": "QP"}, "code"),
        ({"title": "   "}, "title"),
        ({"process": "no-such-process"}, "process"),
        ({"text": " \n "}, "text"),
        ({"text": "质" * (TEXT_MAX_BYTES // 3 + 1)}, "text"),
        ({"change_note": ""}, "change_note"),
    ],
)
def test_bad_values_are_refused_by_field(changes: dict[str, str], field: str) -> None:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "kind": "procedure",
        "code": "QP-07",
        "title": "程序",
        "process": "registration",
        "procedure": None,
        "text": "正文",
        "change_note": None,
        "by": "author",
        "at": AT,
    }
    with pytest.raises(RuleViolated) as refused:
        Document.write(**(values | changes))  # type: ignore[arg-type]
    assert refused.value.field == field


def test_a_text_of_100_kb_is_taken() -> None:
    document = procedure()
    document.draft("a" * TEXT_MAX_BYTES, "满", "author", AT)
    assert len(document.versions) == 2


def test_the_bureaus_processes_cover_its_lines_of_work() -> None:
    codes = [process.code for process in processes().items]
    for code in ("registration", "grid-supervision", "general-procedure", "on-the-spot-penalty"):
        assert code in codes
    assert {"complaints-12315", "reports-12315", "quality-management"} <= set(codes)
    with pytest.raises(RuleViolated) as refused:
        processes().check("nowhere", where="query")
    assert (refused.value.where, refused.value.field) == ("query", "process")


def test_a_process_list_with_a_code_twice_or_malformed_is_refused() -> None:
    twice = '[[process]]\ncode = "a"\nname = "A"\n[[process]]\ncode = "a"\nname = "B"\n'
    with pytest.raises(ValueError, match="twice"):
        Processes.from_toml(twice)
    with pytest.raises(ValueError, match="malformed"):
        Processes.from_toml('[[process]]\ncode = "Bad Code"\nname = "A"\n')
