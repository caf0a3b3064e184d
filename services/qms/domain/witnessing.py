"""The witness's side of C2SP tlog-witness: the add-checkpoint request, and what to answer it.

The request body is "old <size>\\n", the consistency proof one base64 hash a line, an empty line,
then the signed checkpoint. The witness keeps, per log origin, the size and root of the latest
checkpoint it cosigned, and cosigns a new one only when it extends that tree: `decide` says what
to do given what is kept; storing the answer atomically with the check is the caller's part.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from services.qms.domain.merkle import EMPTY_ROOT, HASH_SIZE, ProofError, verify_consistency
from services.qms.domain.notes import Checkpoint, Note, NoteError, parse_checkpoint, parse_note

# tlog-witness: "The client MUST NOT send more than 63 consistency proof lines."
MAX_PROOF_LINES = 63
# Sizes are kept as signed 64-bit integers (SQLite's, Go's witnesses' int64): larger trees are
# refused as malformed rather than stored wrongly.
MAX_TREE_SIZE = 2**63 - 1
# The body of a 409 about the old size (text/x.tlog.size).
SIZE_MEDIA_TYPE = "text/x.tlog.size"

_DECIMAL = re.compile(r"0|[1-9][0-9]*", re.ASCII)


class RequestError(ValueError):
    """A malformed add-checkpoint request (400)."""


@dataclass(frozen=True)
class AddCheckpoint:
    """A log asks for a cosignature on `note`, proving it extends the tree of `old_size`."""

    old_size: int
    proof: tuple[bytes, ...]
    note: Note
    checkpoint: Checkpoint


def _parse_size(text: str, what: str) -> int:
    if not _DECIMAL.fullmatch(text):
        raise RequestError(f"{what} is a decimal without leading zeros, got {text!r}")
    size = int(text)
    if size > MAX_TREE_SIZE:
        raise RequestError(f"{what} {size} is beyond 2^63 - 1")
    return size


def _parse_hash(line: str, position: int) -> bytes:
    try:
        value = base64.b64decode(line, validate=True)
    except binascii.Error:
        raise RequestError(f"proof line {position} is not base64: {line!r}") from None
    if len(value) != HASH_SIZE or base64.b64encode(value).decode() != line:
        raise RequestError(f"proof line {position} is not one SHA-256 hash in canonical base64")
    return value


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """The request as tlog-witness writes it; RequestError naming what is malformed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestError("the request is UTF-8 text") from None
    # The first empty line ends the proof: the checkpoint's origin line is never empty.
    head, separator, signed = text.partition("\n\n")
    if not separator:
        raise RequestError("the proof ends with an empty line, before the checkpoint")
    old_line, *proof_lines = head.split("\n")
    if not old_line.startswith("old "):
        raise RequestError(f"the request starts with `old <size>`, got {old_line[:40]!r}")
    old_size = _parse_size(old_line.removeprefix("old "), "the old size")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise RequestError(f"a consistency proof has at most {MAX_PROOF_LINES} hashes")
    proof = tuple(_parse_hash(line, position) for position, line in enumerate(proof_lines, 1))
    try:
        note = parse_note(signed)
        checkpoint = parse_checkpoint(note.text)
    except NoteError as error:
        raise RequestError(f"the checkpoint: {error}") from None
    if checkpoint.size > MAX_TREE_SIZE:
        raise RequestError(f"the checkpoint's size {checkpoint.size} is beyond 2^63 - 1")
    if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
        raise RequestError("a checkpoint of no leaves has the empty tree's root")
    return AddCheckpoint(old_size, proof, note, checkpoint)


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The request body for a signed checkpoint `note` extending the tree of `old_size`."""
    lines = [f"old {old_size}", *(base64.b64encode(value).decode() for value in proof)]
    return ("".join(line + "\n" for line in lines) + "\n" + note).encode()


def format_size(size: int) -> str:
    """A text/x.tlog.size body: the size in decimal and a newline."""
    return f"{size}\n"


def parse_size(text: str) -> int:
    """The size in a text/x.tlog.size body; ValueError when it is not one."""
    if not text.endswith("\n") or not _DECIMAL.fullmatch(text[:-1]):
        raise ValueError(f"a tree size is a decimal and a newline, got {text[:40]!r}")
    return int(text)


@dataclass(frozen=True)
class WitnessedTree:
    """The latest tree a witness cosigned for one log."""

    size: int
    root: bytes


@dataclass(frozen=True)
class Cosign:
    """Cosign the checkpoint and keep its tree as the latest (200)."""

    tree: WitnessedTree


@dataclass(frozen=True)
class StaleOldSize:
    """The request builds on another size than the witness's latest (409, text/x.tlog.size)."""

    known_size: int


@dataclass(frozen=True)
class Fork:
    """A tree of the size cosigned already, with another root: the log shows two views (409)."""

    reason: str


@dataclass(frozen=True)
class BadProof:
    """The consistency proof does not prove the checkpoint extends the known tree (422)."""

    reason: str


@dataclass(frozen=True)
class Malformed:
    """A request that cannot be right whatever is known (400)."""

    reason: str


Decision: TypeAlias = Cosign | StaleOldSize | Fork | BadProof | Malformed


def decide(known: WitnessedTree | None, request: AddCheckpoint) -> Decision:
    """What the witness answers, in tlog-witness's order of checks, the checkpoint's signature
    already verified; `known` is the latest tree it cosigned for the origin (None: never)."""
    checkpoint = request.checkpoint
    new = WitnessedTree(checkpoint.size, checkpoint.root_hash)
    if request.old_size > new.size:
        return Malformed(
            f"the old size {request.old_size} is larger than the checkpoint's {new.size}"
        )
    known_size = known.size if known is not None else 0
    if request.old_size != known_size:
        return StaleOldSize(known_size)
    refusal = _refusal(known, request.proof, new)
    return Cosign(new) if refusal is None else refusal


def _refusal(
    known: WitnessedTree | None, proof: Sequence[bytes], new: WitnessedTree
) -> Fork | BadProof | None:
    """Why `new` does not extend `known`, the tree the request builds on; None when it does."""
    if known is None or known.size == 0:
        # Nothing to be consistent with: RFC 9162 has no proof from the empty tree, and
        # tlog-witness asks for none.
        return BadProof("the proof from the empty tree is empty") if proof else None
    if known.size == new.size:
        if proof:
            return BadProof("the proof between trees of equal size is empty")
        if new.root != known.root:
            return Fork(f"the tree of {new.size} leaves cosigned before has another root")
        return None
    try:
        verify_consistency(known.size, new.size, known.root, new.root, proof)
    except ProofError as error:
        return BadProof(str(error))
    return None
