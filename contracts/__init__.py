"""The published language of shijian: event contracts, the envelope, shared value types.

Importing the package imports every producer's module, so the registry is complete.
"""

from contracts import complaints, enforcement, identity, licensing, qms, supervision
from contracts.base import Contract
from contracts.complaints import (
    ReportTransferred,
    TicketAccepted,
    TicketClosed,
    TicketDeadlineMissed,
    TicketReceived,
    TicketRejected,
    TicketRouted,
)
from contracts.enforcement import (
    CaseClosed,
    CaseFiled,
    CaseNotFiled,
    DeadlineMissed,
    PenaltyDecided,
)
from contracts.envelope import MEDIA_TYPE, Envelope, service_source
from contracts.identity import (
    AccountLocked,
    ClientCreated,
    PersonChanged,
    RevokedToken,
    RolePolicyChanged,
    SigningKeyRotated,
    TokensRevoked,
    UserChanged,
    UserCreated,
    UserDeactivated,
)
from contracts.licensing import (
    ApplicationAccepted,
    ApplicationRejected,
    ApplicationReturned,
    ApplicationSubmitted,
    JointApprovalDecided,
    JointApprovalRequested,
    LicenceCancelled,
    LicenceChanged,
    LicenceIssued,
    LicensingCaseSourceTransferred,
)
from contracts.owners import OWNERS, domain, owned_prefixes, owner
from contracts.qms import NonconformityClosed, NonconformityRaised, ObjectiveBreached
from contracts.registry import (
    ContractDefinitionError,
    DuplicateContractError,
    UnknownContract,
    all_contracts,
    lookup,
)
from contracts.supervision import (
    ClaimOverdue,
    GridChanged,
    HouseholdAssigned,
    InspectionRecorded,
    OfficeChanged,
    SupervisionCaseSourceTransferred,
    UnlicensedTradingFound,
)
from contracts.values import (
    Address,
    CommunityCode,
    CreditCode,
    GeoPoint,
    GeoPolygon,
    GridCode,
    InvalidCodeError,
    Money,
    NonEmptyStr,
    ResidentId,
    UtcDateTime,
)

PRODUCERS = {
    "complaints": complaints,
    "enforcement": enforcement,
    "identity": identity,
    "licensing": licensing,
    "qms": qms,
    "supervision": supervision,
}
"""Each producing service and the module of the contracts it publishes."""

__all__ = [
    "MEDIA_TYPE",
    "OWNERS",
    "PRODUCERS",
    "AccountLocked",
    "Address",
    "ApplicationAccepted",
    "ApplicationRejected",
    "ApplicationReturned",
    "ApplicationSubmitted",
    "CaseClosed",
    "CaseFiled",
    "CaseNotFiled",
    "ClaimOverdue",
    "ClientCreated",
    "CommunityCode",
    "Contract",
    "ContractDefinitionError",
    "CreditCode",
    "DeadlineMissed",
    "DuplicateContractError",
    "Envelope",
    "GeoPoint",
    "GeoPolygon",
    "GridChanged",
    "GridCode",
    "HouseholdAssigned",
    "InspectionRecorded",
    "InvalidCodeError",
    "JointApprovalDecided",
    "JointApprovalRequested",
    "LicenceCancelled",
    "LicenceChanged",
    "LicenceIssued",
    "LicensingCaseSourceTransferred",
    "Money",
    "NonEmptyStr",
    "NonconformityClosed",
    "NonconformityRaised",
    "ObjectiveBreached",
    "OfficeChanged",
    "PenaltyDecided",
    "PersonChanged",
    "ReportTransferred",
    "ResidentId",
    "RevokedToken",
    "RolePolicyChanged",
    "SigningKeyRotated",
    "SupervisionCaseSourceTransferred",
    "TicketAccepted",
    "TicketClosed",
    "TicketDeadlineMissed",
    "TicketReceived",
    "TicketRejected",
    "TicketRouted",
    "TokensRevoked",
    "UnknownContract",
    "UnlicensedTradingFound",
    "UserChanged",
    "UserCreated",
    "UserDeactivated",
    "UtcDateTime",
    "all_contracts",
    "domain",
    "lookup",
    "owned_prefixes",
    "owner",
    "service_source",
]
