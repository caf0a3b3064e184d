"""Access tokens refused before they expire: the one set the gateway and every service consult.

The gateway revokes (a logout, a deactivated person), stores the revocation in its database and
publishes `identity.tokens.revoked`; each service's handler stores it in the service's own
database and refuses the tokens at once. Every process rereads its table on start and every
`RELOAD_SECONDS` (another replica of the same process may have stored what this one has not
seen), so a revocation outlives restarts until the tokens it names have expired.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.bus.handlers import HandlerRegistry
from chassis.db import Database, revoked_token_ids, token_cutoffs, upsert
from chassis.uow import Work
from contracts import Envelope, TokensRevoked

if TYPE_CHECKING:
    from chassis.auth import Principal

# Well under the 5 s within which a revocation must be refused everywhere.
RELOAD_SECONDS = 1.0


class Revocations:
    """Token ids refused until they expire, and people whose earlier tokens are all refused."""

    def __init__(self) -> None:
        self._tokens: dict[str, datetime] = {}
        # username → (issued at or before this, refused until this)
        self._cutoffs: dict[str, tuple[datetime, datetime]] = {}

    def refuses(self, principal: Principal) -> bool:
        """Whether the principal's token is revoked."""
        if principal.token_id is not None and principal.token_id in self._tokens:
            return True
        cutoff = self._cutoffs.get(principal.subject) if principal.kind == "staff" else None
        return (
            cutoff is not None
            and principal.issued_at is not None
            and principal.issued_at <= cutoff[0].timestamp()
        )

    def add(self, event: TokensRevoked) -> None:
        """Refuse what `event` revokes from now on."""
        for token in event.tokens:
            self._tokens[token.jti] = token.expires_at
        if event.issued_before is not None and event.refused_until is not None:
            known = self._cutoffs.get(event.username)
            if known is None or known[0] < event.issued_before:
                self._cutoffs[event.username] = (event.issued_before, event.refused_until)

    async def reload(self, database: Database) -> None:
        """Take what this process' replicas have stored; forget what has expired."""
        now = datetime.now(UTC)
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.delete(revoked_token_ids).where(revoked_token_ids.c.expires_at < now)
            )
            await connection.execute(
                sa.delete(token_cutoffs).where(token_cutoffs.c.refused_until < now)
            )
            tokens = (await connection.execute(sa.select(revoked_token_ids))).all()
            cutoffs = (await connection.execute(sa.select(token_cutoffs))).all()
        # Merged, not replaced: a revocation added in memory may not be committed yet, and a
        # revocation is never taken back.
        kept_tokens = {jti: until for jti, until in self._tokens.items() if until >= now}
        self._tokens = kept_tokens | {row.jti: row.expires_at for row in tokens}
        kept = {name: cut for name, cut in self._cutoffs.items() if cut[1] >= now}
        for row in cutoffs:
            known = kept.get(row.username)
            if known is None or known[0] < row.issued_before:
                kept[row.username] = (row.issued_before, row.refused_until)
        self._cutoffs = kept


async def store(connection: AsyncConnection, event: TokensRevoked) -> None:
    """Keep what `event` revokes in this process' database (the same event twice: no change)."""
    await upsert(
        connection,
        revoked_token_ids,
        [{"jti": token.jti, "expires_at": token.expires_at} for token in event.tokens],
        ["jti"],
    )
    if event.issued_before is not None and event.refused_until is not None:
        await upsert(
            connection,
            token_cutoffs,
            {
                "username": event.username,
                "issued_before": event.issued_before,
                "refused_until": event.refused_until,
            },
            ["username"],
            # The latest cut-off wins, whatever order the events arrive in.
            where=token_cutoffs.c.issued_before < event.issued_before,
        )


handlers = HandlerRegistry("chassis")
"""What every service that verifies the gateway's tokens consumes besides its own events."""


@handlers.on(TokensRevoked)
async def refuse_revoked_tokens(
    context: Any, work: Work, event: TokensRevoked, _: Envelope
) -> None:
    """Store the revocation and refuse its tokens at once."""
    await store(work.connection, event)
    # Before the batch commits: a revocation is never taken back, and a batch that fails is
    # delivered again and stored then.
    context.revocations.add(event)
