"""Supervision rules, free of I/O: the map and routing, households and their licence, claims
and deadlines, position agents and scope, inspection records, findings and case sources."""

from services.supervision.domain.delegations import (
    Delegation,
    Viewer,
    agent_of,
    may_act,
    may_see,
    represented,
    visible,
)
from services.supervision.domain.findings import CaseTransfer, UnlicensedFinding
from services.supervision.domain.households import (
    FileEntry,
    Household,
    HouseholdStatus,
    LicenceFact,
    LicenceState,
    claim_deadline,
    fold_licence,
    is_overdue,
)
from services.supervision.domain.inspections import (
    MEDIA_SIGNATURES,
    Attachment,
    Inspection,
    InspectionReport,
    check_correction,
    check_times,
    check_visited,
    due_for_visit,
    media_type_of,
)
from services.supervision.domain.map import (
    Grid,
    GridClash,
    GridMap,
    GridShapeError,
    Office,
    Route,
    grid_shape,
)

__all__ = [
    "MEDIA_SIGNATURES",
    "Attachment",
    "CaseTransfer",
    "Delegation",
    "FileEntry",
    "Grid",
    "GridClash",
    "GridMap",
    "GridShapeError",
    "Household",
    "HouseholdStatus",
    "Inspection",
    "InspectionReport",
    "LicenceFact",
    "LicenceState",
    "Office",
    "Route",
    "UnlicensedFinding",
    "Viewer",
    "agent_of",
    "check_correction",
    "check_times",
    "check_visited",
    "claim_deadline",
    "due_for_visit",
    "fold_licence",
    "grid_shape",
    "is_overdue",
    "may_act",
    "may_see",
    "media_type_of",
    "represented",
    "visible",
]
