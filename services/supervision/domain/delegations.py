"""Position agents (职位代理) and scope: who stands in for whom, who may see and act on what."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from chassis.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Delegation:
    """A position agent (职位代理): `agent` acts for `officer` from `start` to `end`."""

    officer: str
    agent: str
    start: date
    end: date
    id: uuid.UUID | None = None
    created_by: str | None = None
    created_at: datetime | None = None

    @classmethod
    def named(
        cls,
        *,
        officer: str,
        agent: str,
        start: date,
        end: date,
        by: str,
        by_roles: frozenset[str],
        at: datetime,
    ) -> Delegation:
        """A new delegation, named by the officer themself, their office head or an admin."""
        if not (by == officer or by_roles & {"office_head", "admin"}):
            raise Forbidden("Only the officer, an office head or an admin")
        return cls(officer, agent, start, end, uuid.uuid4(), by, at)

    def runs_on(self, day: date) -> bool:
        """Whether the agent acts for the officer on `day` (both ends included)."""
        return self.start <= day <= self.end


def agent_of(officer: str, delegations: Iterable[Delegation], day: date) -> str | None:
    """Who acts for `officer` on `day` (the latest-starting delegation when several run)."""
    running = [d for d in delegations if d.officer == officer and d.runs_on(day)]
    return max(running, key=lambda d: d.start).agent if running else None


def represented(person: str, delegations: Iterable[Delegation], day: date) -> frozenset[str]:
    """The officers `person` may act as on `day`: themself and those they are agent for."""
    return frozenset(
        {person} | {d.officer for d in delegations if d.agent == person and d.runs_on(day)}
    )


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as scope needs them."""

    subject: str
    roles: frozenset[str]
    office: str | None
    acts_for: frozenset[str]  # themself and the officers they are agent for today

    @property
    def sees_everything(self) -> bool:
        """Auditors and admins read the whole district."""
        return bool(self.roles & {"auditor", "admin"})


def may_see(viewer: Viewer, *, owner: str | None, office_id: str | None) -> bool:
    """Whether a household (or anything of a grid) with this owner and office is in scope.

    An agent sees through `acts_for` (today's delegations), never through the agent named on
    the household at assignment: that delegation may be over.
    """
    if viewer.sees_everything:
        return True
    if "office_head" in viewer.roles and office_id is not None and viewer.office == office_id:
        return True
    if "grid_inspector" in viewer.roles:
        return owner in viewer.acts_for
    return False


class Supervised(Protocol):
    """What scope reads of a household, a record or a finding: whose it is, which office's."""

    @property
    def supervisor(self) -> str | None:
        """The inspector it belongs to."""
        ...

    @property
    def office_id(self) -> str | None:
        """The office it belongs to."""
        ...


S = TypeVar("S", bound=Supervised)


def visible(viewer: Viewer, found: S | None, what: str) -> S:
    """`found` if it is in the viewer's scope; NotFound(what) if absent or outside it (the two
    are never told apart)."""
    if found is None or not may_see(viewer, owner=found.supervisor, office_id=found.office_id):
        raise NotFound(what)
    return found


def may_act(viewer: Viewer, *, owner: str | None) -> bool:
    """Whether the viewer may act (claim, inspect) as the household's owner or their agent."""
    return "grid_inspector" in viewer.roles and owner in viewer.acts_for
