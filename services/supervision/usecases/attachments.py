"""Attachments: photos and documents kept once by the SHA-256 of their content."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.errors import NotFound
from chassis.problems import Problem
from chassis.uow import UnitOfWork
from services.supervision.context import SupervisionContext
from services.supervision.domain import Attachment, may_read, media_type_of
from services.supervision.repositories.inspections import Inspections
from services.supervision.usecases.delegations import viewer_of

CHUNK = 256 * 1024


async def store(
    ctx: SupervisionContext,
    uow: UnitOfWork,
    principal: Principal,
    chunks: AsyncIterator[bytes],
) -> Attachment:
    """Keep an upload if it is an allowed type within the size limit; same content, same
    address (a second upload of it stores nothing new)."""
    limit = ctx.settings.attachment_max_bytes
    ctx.attachment_dir.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    handle, temporary = tempfile.mkstemp(dir=ctx.attachment_dir, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as spool:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    # The transport refuses it (like the request body limit): not a domain rule.
                    raise Problem("payload-too-large", 413, f"file: larger than {limit} bytes")
                if len(head) < 16:
                    head = (head + chunk)[:16]
                digest.update(chunk)
                spool.write(chunk)
        media_type = media_type_of(head)
        if media_type is None:
            raise Problem(
                "unsupported-media-type",
                415,
                "file: only JPEG, PNG and PDF documents may be attached",
            )
        sha256 = digest.hexdigest()
        target = ctx.attachment_path(sha256)
        target.parent.mkdir(exist_ok=True)
        # Written before the row: a failed commit leaves an unreferenced file, never a row
        # without its content.
        os.replace(temporary, target)
    finally:
        # Gone already when it became the attachment's file.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    stored = Attachment(sha256, media_type, size, principal.subject, ctx.clock.now())
    await Inspections(uow.connection).add_attachment(stored)
    await uow.commit()
    return await attachment(uow.connection, sha256)


async def attachment(connection: AsyncConnection, sha256: str) -> Attachment:
    """An attachment's record; NotFound if absent."""
    found = await Inspections(connection).attachment(sha256)
    if found is None:
        raise NotFound("attachment")
    return found


async def readable(
    ctx: SupervisionContext, connection: AsyncConnection, principal: Principal, sha256: str
) -> Attachment:
    """An attachment the caller may read: theirs, or cited by a record or a case transfer in
    their scope; NotFound otherwise (absent and out of scope are never told apart)."""
    found = await attachment(connection, sha256)
    viewer = await viewer_of(ctx, connection, principal)
    if may_read(viewer, found, await Inspections(connection).citing(found.ref)):
        return found
    raise NotFound("attachment")
