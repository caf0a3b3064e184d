"""Response bodies of the qms routes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EntryOut(BaseModel):
    """One leaf: its index and its entry (the exact bytes, UTF-8 JSON of an event)."""

    leaf_index: int
    entry: str


class EntryList(BaseModel):
    entries: list[EntryOut]


class ProofOut(BaseModel):
    """A proof (base64 hashes, nearest the leaf or the old tree first) and the roots it ties."""

    size: int
    root: str = Field(description="base64 root hash of the tree of `size` leaves")
    proof: list[str]
    index: int | None = None
    old_size: int | None = None
    old_root: str | None = None


class VerifyOut(BaseModel):
    """Whether the stored log gives every signed checkpoint, and where it first does not."""

    verified: bool
    size: int
    first_bad_index: int | None
    problem: str | None
