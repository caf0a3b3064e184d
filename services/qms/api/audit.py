"""The record of everything: checkpoint, entries, proofs, verification, trails."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from services.qms.context import QmsContext
from services.qms.schemas import EntryList, EntryOut, ProofOut, VerifyOut
from services.qms.usecases import audit

Ctx = Annotated[QmsContext, Depends(context_of)]
Uow = UnitOfWorkDep
router = APIRouter(tags=["qms"], responses={403: PROBLEM})
# The quality office manages the system; auditors read everything.
Reader = Annotated[Principal, require_roles("qms_manager", "auditor")]


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _entries(found: list[tuple[int, bytes]]) -> EntryList:
    return EntryList(
        entries=[
            EntryOut(leaf_index=index, entry=entry.decode("utf-8", "replace"))
            for index, entry in found
        ]
    )


@router.get(
    "/audit/checkpoint",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}, 404: PROBLEM},
)
async def checkpoint(principal: Reader, uow: Uow) -> PlainTextResponse:
    """The latest published checkpoint (C2SP signed note: the log's signature and the
    witnesses' cosignatures)."""
    return PlainTextResponse(await audit.published_checkpoint(uow))


@router.get("/audit/entries", response_model=EntryList, responses={422: PROBLEM})
async def entries(
    principal: Reader,
    uow: Uow,
    start: Annotated[int, Query(ge=0)] = 0,
    end: Annotated[int | None, Query(ge=1)] = None,
) -> EntryList:
    """Entries [start, end), at most 1,000 a call."""
    return _entries(await audit.entries(uow, start, end))


@router.get("/audit/proofs/inclusion", response_model=ProofOut, responses={422: PROBLEM})
async def inclusion(
    principal: Reader,
    uow: Uow,
    index: Annotated[int, Query(ge=0)],
    size: Annotated[int, Query(ge=1)],
) -> ProofOut:
    """The inclusion proof (RFC 9162 §2.1.3) of leaf `index` in the tree of `size` leaves."""
    proof = await audit.inclusion(uow, index, size)
    return ProofOut(
        size=proof.size, root=_b64(proof.root), proof=[_b64(h) for h in proof.hashes], index=index
    )


@router.get("/audit/proofs/consistency", response_model=ProofOut, responses={422: PROBLEM})
async def consistency(
    principal: Reader,
    uow: Uow,
    old_size: Annotated[int, Query(alias="from", ge=1)],
    new_size: Annotated[int, Query(alias="to", ge=1)],
) -> ProofOut:
    """The consistency proof (RFC 9162 §2.1.4) between the trees of `from` and `to` leaves."""
    proof = await audit.consistency(uow, old_size, new_size)
    return ProofOut(
        size=proof.size,
        root=_b64(proof.root),
        proof=[_b64(h) for h in proof.hashes],
        old_size=proof.old_size,
        old_root=None if proof.old_root is None else _b64(proof.old_root),
    )


@router.get("/audit/verify", response_model=VerifyOut)
async def verify(principal: Reader, ctx: Ctx, uow: Uow) -> VerifyOut:
    """Recompute every leaf from the stored bytes and check every signed checkpoint."""
    verdict = await audit.verify(ctx, uow)
    return VerifyOut.model_validate(verdict, from_attributes=True)


@router.get("/audit/trail", response_model=EntryList)
async def trail(
    principal: Reader,
    uow: Uow,
    subject: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> EntryList:
    """Every entry about a business (credit code), case or ticket, oldest first."""
    return _entries(await audit.trail(uow, subject, limit))
