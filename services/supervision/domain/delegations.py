"""Position agents (职位代理) and scope: who stands in for whom, who may see and act on what."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from chassis.errors import Forbidden, NotFound, RuleViolated

# Who may stand in for whom: a grid inspector, for a grid inspector.
STANDS_IN = "grid_inspector"


@dataclass(frozen=True)
class Person:
    """Someone of the bureau as the directory says they stand now."""

    username: str
    roles: frozenset[str]
    office: str | None
    active: bool

    def stands_in_at(self, office: str | None) -> bool:
        """Whether they are an active grid inspector of `office`."""
        of_office = office is not None and self.office == office
        return self.active and STANDS_IN in self.roles and of_office


@dataclass(frozen=True)
class Namer:
    """Who names a delegation: username, roles and office as their token says."""

    username: str
    roles: frozenset[str]
    office: str | None


def check_delegation(
    namer: Namer,
    officer: str,
    agent: str,
    people: Mapping[str, Person],
    *,
    start: date,
    end: date,
    max_days: int,
) -> None:
    """Refuse a delegation the bureau does not allow.

    Only the officer, their office head or an admin names one (Forbidden); it lasts at most
    `max_days` days, both ends included (RuleViolated on `end`); the officer and the agent are
    active grid inspectors of the namer's own office (Forbidden), or, named by an admin, of one
    office (RuleViolated on the one who is not). `people`: the directory entries known of them.
    """
    if not (namer.username == officer or namer.roles & {"office_head", "admin"}):
        raise Forbidden("Only the officer, an office head or an admin")
    if (end - start).days + 1 > max_days:
        raise RuleViolated("end", f"a delegation lasts at most {max_days} days", "too_long")
    if "admin" in namer.roles:
        office = people[officer].office if officer in people else None
        for field, username in (("officer", officer), ("agent", agent)):
            if username not in people or not people[username].stands_in_at(office):
                raise RuleViolated(
                    field, "both must be active grid inspectors of one office", "not_of_office"
                )
        return
    if not all(u in people and people[u].stands_in_at(namer.office) for u in (officer, agent)):
        raise Forbidden("The officer and the agent must be grid inspectors of your own office")


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
        by: Namer,
        people: Mapping[str, Person],
        at: datetime,
        max_days: int,
    ) -> Delegation:
        """A new delegation, if `check_delegation` allows it."""
        check_delegation(by, officer, agent, people, start=start, end=end, max_days=max_days)
        return cls(officer, agent, start, end, uuid.uuid4(), by.username, at)

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
