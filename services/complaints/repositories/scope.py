"""Which tickets a caller may see: the bureau's 12315 desk all, an office its own and its
stations', station staff their station's, auditors all (never the submitter's identity)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from chassis.auth import Principal
from services.complaints.tables import stations, tickets

# A complaints handler of no office, or of this one, works at the bureau's 12315 desk.
BUREAU_DESK = "complaints"


def at_bureau(principal: Principal) -> bool:
    """Whether the caller sees the whole network: auditors, admins and the bureau's desk."""
    if principal.has_any("auditor", "admin"):
        return True
    return principal.has_any("complaints_handler") and principal.office in (None, BUREAU_DESK)


def in_scope(principal: Principal) -> Any:
    """The SQL condition on `tickets` of the caller's tickets."""
    if at_bureau(principal):
        return sa.true()
    if principal.has_any("complaints_handler"):
        office_stations = sa.select(stations.c.id).where(stations.c.office == principal.office)
        return sa.or_(
            sa.and_(tickets.c.unit_level == "office", tickets.c.unit_id == principal.office),
            sa.and_(tickets.c.unit_level == "station", tickets.c.unit_id.in_(office_stations)),
        )
    if principal.has_any("station_staff") and principal.office is not None:
        return sa.and_(tickets.c.unit_level == "station", tickets.c.unit_id == principal.office)
    return sa.false()
