"""The response bodies of the enforcement routes, from the use cases' typed results: each
aggregate as its JSON document, read by the response model of the same field names."""

from __future__ import annotations

from pydantic import TypeAdapter

from services.enforcement.domain import (
    Case,
    CaseSource,
    InvestigationRecord,
    OnTheSpotPenalty,
    Party,
    Publication,
)
from services.enforcement.domain.history import document as shown
from services.enforcement.repositories.cases import ListedCase
from services.enforcement.schemas import (
    CaseFiledOut,
    CaseList,
    CaseOut,
    CaseSourceList,
    CaseSourceOut,
    CaseSummary,
    CitizenPartyOut,
    InvestigationRecordOut,
    OfficeYear,
    OnTheSpotPenaltyOut,
    OrganisationPartyOut,
    PartyOut,
    PublicityEntry,
    WatchedDeadline,
)
from services.enforcement.usecases import deadlines, reports
from services.enforcement.usecases.cases import CaseFile

_PARTY: TypeAdapter[CitizenPartyOut | OrganisationPartyOut] = TypeAdapter(PartyOut)


def case_source_out(source: CaseSource) -> CaseSourceOut:
    """A case source as the routes show it."""
    return CaseSourceOut.model_validate(shown(source))


def case_source_list(sources: list[CaseSource], next_cursor: str | None) -> CaseSourceList:
    """A page of case sources and where the next one starts."""
    return CaseSourceList(
        case_sources=[case_source_out(source) for source in sources], next_cursor=next_cursor
    )


def case_list(found: list[ListedCase], next_cursor: str | None) -> CaseList:
    """A page of cases as a list shows them, and where the next one starts."""
    return CaseList(
        cases=[CaseSummary.model_validate(shown(case)) for case in found], next_cursor=next_cursor
    )


def case_filed_out(case: Case) -> CaseFiledOut:
    """The new case and when its decision is due."""
    return CaseFiledOut.model_validate(shown(case) | {"case_id": case.id})


def case_out(file: CaseFile) -> CaseOut:
    """A case, its notice, its investigation records and its history."""
    case = shown(file.case) | {
        "investigation_records": file.case.records,
        "late_payment_surcharge": file.late_payment_surcharge,
        "deadlines": [vars(clock) for clock in file.deadlines],
    }
    return CaseOut.model_validate(case, from_attributes=True)


def record_out(record: InvestigationRecord) -> InvestigationRecordOut:
    """A stored investigation record."""
    return InvestigationRecordOut.model_validate(record, from_attributes=True)


def penalty_out(penalty: OnTheSpotPenalty) -> OnTheSpotPenaltyOut:
    """A recorded on-the-spot penalty."""
    return OnTheSpotPenaltyOut.model_validate(shown(penalty))


def party_out(party: Party) -> CitizenPartyOut | OrganisationPartyOut:
    """A penalised party as the route shows it."""
    shown_party: CitizenPartyOut | OrganisationPartyOut = _PARTY.validate_python(party.as_json())
    return shown_party


def publicity_entry(publication: Publication) -> PublicityEntry:
    """A published penalty."""
    return PublicityEntry.model_validate(shown(publication))


def watched(entry: deadlines.WatchedDeadline) -> WatchedDeadline:
    """An open deadline that is overdue or due soon."""
    return WatchedDeadline.model_validate(entry, from_attributes=True)


def office_year(line: reports.OfficeYear) -> OfficeYear:
    """One office's year beside its section's."""
    figures, section = vars(line.figures), vars(line.section.figures)
    return OfficeYear.model_validate(
        vars(line) | figures | {"section": {"id": line.section.id} | section}
    )
