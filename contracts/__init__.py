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
    PasswordChanged,
    PasswordReset,
    RolePolicyChanged,
    SigningKeyRotated,
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
    HouseholdAssigned,
    InspectionRecorded,
    SupervisionCaseSourceTransferred,
    UnlicensedTradingFound,
)
from contracts.values import (
    Address,
    CommunityCode,
    CreditCode,
    GeoPoint,
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
    "PasswordChanged",
    "PasswordReset",
    "PenaltyDecided",
    "ReportTransferred",
    "ResidentId",
    "RolePolicyChanged",
    "SigningKeyRotated",
    "SupervisionCaseSourceTransferred",
    "TicketAccepted",
    "TicketClosed",
    "TicketDeadlineMissed",
    "TicketReceived",
    "TicketRejected",
    "TicketRouted",
    "UnknownContract",
    "UnlicensedTradingFound",
    "UserChanged",
    "UserCreated",
    "UserDeactivated",
    "UtcDateTime",
    "all_contracts",
    "lookup",
    "service_source",
]
