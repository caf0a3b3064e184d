"""The response bodies of the enforcement routes, from the use cases' typed results."""

from __future__ import annotations

from services.enforcement.domain import (
    Case,
    CaseSource,
    InvestigationRecord,
    OnTheSpotPenalty,
    Publication,
)
from services.enforcement.schemas import (
    CaseFiledOut,
    CaseOut,
    CaseSourceOut,
    CaseStep,
    InvestigationRecordOut,
    OfficeYear,
    OnTheSpotPenaltyOut,
    PublicityEntry,
    SectionFigures,
    WatchedDeadline,
)
from services.enforcement.usecases import deadlines, reports
from services.enforcement.usecases.cases import CaseFile


def case_source_out(source: CaseSource) -> CaseSourceOut:
    """A case source as the routes show it."""
    extension = source.verify_extension
    return CaseSourceOut(
        id=source.id,
        source_department=source.source_department,
        source_ref=source.source_ref,
        credit_code=source.credit_code,
        allegation=source.allegation,
        evidence=list(source.evidence),
        office_id=source.office_id,
        section=source.section,
        status=source.status,
        received_at=source.received_at,
        verify_due=source.verify_due,
        verify_deadline=source.verify_deadline.model_dump(mode="json"),
        transferred_by=source.transferred_by,
        transferred_at=source.transferred_at,
        verify_extension=None if extension is None else extension.as_json(),
        verify_testing=[t.as_json() for t in source.verify_testing],
        decided_by=source.decided_by,
        decided_at=source.decided_at,
        decline_reasons=None if source.decline_reasons is None else list(source.decline_reasons),
    )


def case_filed_out(case: Case) -> CaseFiledOut:
    """The new case and when its decision is due."""
    return CaseFiledOut(
        case_id=case.id,
        case_source_id=case.case_source_id,
        status=case.status,
        handlers=list(case.handlers),
        filed_by=case.filed_by,
        filed_at=case.filed_at,
        decision_due=case.decision_due,
        decision_deadline=case.decision_deadline.model_dump(mode="json"),
    )


def record_out(record: InvestigationRecord) -> InvestigationRecordOut:
    """A stored investigation record."""
    return InvestigationRecordOut(
        id=record.id,
        case_id=record.case_id,
        kind=record.kind,
        summary=record.summary,
        evidence=list(record.evidence),
        recorded_by=record.recorded_by,
        recorded_at=record.recorded_at,
    )


def case_out(file: CaseFile) -> CaseOut:
    """A case, its notice, its investigation records and its history."""
    case = file.case
    return CaseOut(
        id=case.id,
        case_source_id=case.case_source_id,
        credit_code=case.credit_code,
        section=case.section,
        status=case.status,
        handlers=list(case.handlers),
        filed_by=case.filed_by,
        filed_at=case.filed_at,
        decision_due=case.decision_due,
        decision_deadline=case.decision_deadline.model_dump(mode="json"),
        notice=None if case.notice is None else case.notice.as_json(),
        decision=None if case.decision is None else case.decision.as_json(),
        decided_at=case.decided_at,
        decided_on_time=case.decided_on_time,
        payment_due=case.payment_due,
        paid_on=case.paid_on,
        late_payment_surcharge=file.late_payment_surcharge,
        return_visit=None if case.return_visit is None else case.return_visit.as_json(),
        closed_at=case.closed_at,
        investigation_records=[record_out(r) for r in case.records],
        history=[
            CaseStep(step=h.step, at=h.at, actor=h.actor, detail=h.detail) for h in case.history
        ],
    )


def penalty_out(penalty: OnTheSpotPenalty) -> OnTheSpotPenaltyOut:
    """A recorded on-the-spot penalty."""
    return OnTheSpotPenaltyOut(
        id=penalty.id,
        party=penalty.party.as_json(),
        penalty_kind=penalty.penalty_kind,
        amount=penalty.amount,
        collected_on_spot=penalty.collected_on_spot,
        facts=penalty.facts,
        legal_basis=penalty.legal_basis,
        office_id=penalty.office_id,
        section=penalty.section,
        decided_by=penalty.decided_by,
        decided_at=penalty.decided_at,
    )


def publicity_entry(publication: Publication) -> PublicityEntry:
    """A published penalty."""
    return PublicityEntry(
        case_id=publication.case_id,
        credit_code=publication.credit_code,
        penalty=publication.penalty.as_json(),
        legal_basis=publication.legal_basis,
        decided_at=publication.decided_at,
        published_at=publication.published_at,
        publish_deadline=publication.publish_deadline.model_dump(mode="json"),
    )


def watched(entry: deadlines.WatchedDeadline) -> WatchedDeadline:
    """An open deadline that is overdue or due soon."""
    return WatchedDeadline.model_validate(entry, from_attributes=True)


def office_year(line: reports.OfficeYear) -> OfficeYear:
    """One office's year beside its section's."""
    figures, section = line.figures, line.section
    return OfficeYear(
        office_id=line.office_id,
        name=line.name,
        area=line.area,
        case_sources=figures.case_sources,
        filed=figures.filed,
        decided_on_time=figures.decided_on_time,
        on_the_spot_penalties=line.on_the_spot_penalties,
        section=SectionFigures(
            id=section.id,
            case_sources=section.figures.case_sources,
            filed=section.figures.filed,
            decided_on_time=section.figures.decided_on_time,
        ),
    )
