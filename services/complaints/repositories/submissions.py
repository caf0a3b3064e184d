"""Submissions with their sealed submitter, and the log of who opened an identity."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.errors import NotFound
from chassis.sealing import Sealed
from services.complaints.domain.confidentiality import SealedSubmitter
from services.complaints.domain.submissions import Submission
from services.complaints.tables import identity_reads, submissions, tickets


def _token(sealed: Sealed | None) -> str | None:
    return None if sealed is None else sealed.token


def _sealed(token: str | None) -> Sealed | None:
    return None if token is None else Sealed.parse(token)


class SubmissionRepository:
    """The only place the sealed identity is read or written."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(
        self, submission_id: uuid.UUID, submission: Submission, sealed: SealedSubmitter, by: str
    ) -> None:
        location = submission.location
        await self.connection.execute(
            sa.insert(submissions).values(
                id=submission_id,
                channel=submission.channel,
                description=submission.description,
                credit_code=submission.business.credit_code,
                business_name=submission.business.name,
                location=None if location is None else _location(location),
                anonymous=sealed.anonymous,
                sealed_name=_token(sealed.name),
                sealed_phone=_token(sealed.phone),
                sealed_id_number=_token(sealed.id_number),
                phone_hash=sealed.phone_hash,
                id_number_hash=sealed.id_number_hash,
                received_at=submission.received_at,
                recorded_by=by,
            )
        )

    async def get(self, submission_id: uuid.UUID) -> Any:
        """The stored submission (description, channel, place; the identity still sealed)."""
        found = (
            await self.connection.execute(
                sa.select(submissions).where(submissions.c.id == submission_id)
            )
        ).first()
        if found is None:
            raise NotFound("submission")
        return found

    async def sealed_submitter(self, submission_id: uuid.UUID) -> SealedSubmitter:
        found = await self.get(submission_id)
        return SealedSubmitter(
            anonymous=found.anonymous,
            name=_sealed(found.sealed_name),
            phone=_sealed(found.sealed_phone),
            id_number=_sealed(found.sealed_id_number),
            phone_hash=found.phone_hash,
            id_number_hash=found.id_number_hash,
        )

    async def log_read(self, ticket_id: uuid.UUID, by: str, at: datetime) -> None:
        await self.connection.execute(
            sa.insert(identity_reads).values(ticket_id=ticket_id, read_by=by, read_at=at)
        )

    async def reads_of(self, ticket_id: uuid.UUID) -> list[Any]:
        rows = await self.connection.execute(
            sa.select(identity_reads)
            .where(identity_reads.c.ticket_id == ticket_id)
            .order_by(identity_reads.c.id)
        )
        return list(rows)

    async def tickets_of_submitter(self, submission_id: uuid.UUID, since: datetime) -> int:
        """How many tickets the same submitter (by phone or ID number hash) has had since
        `since`; 0 for an anonymous one."""
        own = await self.get(submission_id)
        same = [
            column == value
            for column, value in (
                (submissions.c.phone_hash, own.phone_hash),
                (submissions.c.id_number_hash, own.id_number_hash),
            )
            if value is not None
        ]
        if not same:
            return 0
        count = await self.connection.scalar(
            sa.select(sa.func.count())
            .select_from(tickets.join(submissions, tickets.c.submission_id == submissions.c.id))
            .where(sa.or_(*same), submissions.c.received_at >= since)
        )
        return int(count or 0)


def _location(location: Any) -> dict[str, Any]:
    fields = ("lon", "lat", "address", "community_code")
    return {name: getattr(location, name) for name in fields if getattr(location, name) is not None}
