"""The one scope rule of the sub-bureau's work: one's section's rows (the token's office), or
every row for auditors and admins."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from chassis.auth import Principal


def sees_every_section(principal: Principal) -> bool:
    """Auditors and admins read every section's work."""
    return principal.has_any("auditor", "admin")


def in_section(principal: Principal, section: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """Rows of the caller's section, or every row for auditors and admins; none for someone of
    no section (never the rows waiting for one)."""
    if sees_every_section(principal):
        return sa.true()
    if principal.office is None:
        return sa.false()
    return section == principal.office
