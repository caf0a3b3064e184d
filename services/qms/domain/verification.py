"""Verifying the record of everything from its stored rows and its signed checkpoints.

One pass over the rows in leaf order recomputes every leaf hash from the stored bytes and the
tree's root after each, which must equal the root stored with the row; at each checkpoint's
size the root must equal the checkpoint's, whose note must carry the log's signature. The
first row that breaks any of this is named. Rows rewritten together with their stored roots
still meet the next checkpoint, kept outside the database, and are named from the last
checkpoint they pass; a log shorter than a checkpoint was truncated or rolled back.

A verification can also go on from the tree of the rows verified before (qms checks the rows
appended since its last check every minute): the last of those rows must still be there with
the root it had, and the new rows must extend it; rows verified before are read again only by
a verification from the start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.qms.domain.merkle import Frontier, leaf_hash
from services.qms.domain.notes import (
    Checkpoint,
    NoteError,
    VerifierKey,
    parse_checkpoint,
    parse_note,
    verify_note,
)


@dataclass(frozen=True)
class StoredLeaf:
    """One row of the log as stored: its index, its bytes, the root stored with it."""

    leaf_index: int
    entry: bytes
    tree_root: bytes


@dataclass(frozen=True)
class Verdict:
    """What a verification found: the size it checked, and the first bad index and why."""

    verified: bool
    size: int
    first_bad_index: int | None = None
    problem: str | None = None


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint whose note carries the log's signature."""

    checkpoint: Checkpoint
    note: str


def signed_checkpoints(notes: Iterable[str], log_key: VerifierKey) -> list[SignedCheckpoint]:
    """The checkpoints of these notes, by size; NoteError if one is not the log's."""
    found: dict[int, SignedCheckpoint] = {}
    for text in notes:
        note = parse_note(text)
        verify_note(note, [log_key])
        checkpoint = parse_checkpoint(note.text)
        if checkpoint.origin != log_key.name:
            raise NoteError(f"a checkpoint of {checkpoint.origin!r}, not of this log")
        same = found.get(checkpoint.size)
        if same is not None and same.checkpoint.root_hash != checkpoint.root_hash:
            raise NoteError(f"two checkpoints of size {checkpoint.size} with different roots")
        found[checkpoint.size] = SignedCheckpoint(checkpoint, text)
    return [found[size] for size in sorted(found)]


class Verifier:
    """The verification fed one row at a time (a million rows need not be held at once)."""

    def __init__(
        self, notes: Sequence[str], log_key: VerifierKey, verified: Frontier | None = None
    ) -> None:
        """`verified`: the tree of the rows verified before, to go on from (see `resume`)."""
        self.frontier = Frontier(verified.size, verified.hashes) if verified else Frontier()
        self.failed: Verdict | None = None
        # The size of the last checkpoint the rows met (or of the rows verified before).
        self.last_good = self.frontier.size
        try:
            checkpoints = signed_checkpoints(notes, log_key)
        except NoteError as error:
            self.failed = Verdict(False, 0, None, f"a checkpoint does not verify: {error}")
            checkpoints = []
        self.roots = {signed.checkpoint.size: signed.checkpoint.root_hash for signed in checkpoints}
        self.largest = checkpoints[-1].checkpoint.size if checkpoints else 0

    def resume(self, last: StoredLeaf | None) -> bool:
        """Check that the last row verified before (`last`, None when it is gone) is still
        there with the root it had; False if not. Only when going on from a verified tree."""
        n = self.frontier.size
        if n == 0 or self.failed is not None:
            return self.failed is None
        if last is None or last.leaf_index != n - 1 or last.tree_root != self.frontier.root():
            problem = f"leaf {n - 1}, verified before, is gone or no longer has its root"
            self.failed = Verdict(False, n, n - 1, problem)
            return False
        return True

    def feed(self, leaf: StoredLeaf) -> bool:
        """Check the next row; False once something is wrong (see `verdict`)."""
        if self.failed is not None:
            return False
        n = self.frontier.size
        if leaf.leaf_index != n:
            why = "is missing" if leaf.leaf_index > n else "is out of place"
            self.failed = Verdict(False, n, n, f"leaf {n} {why} (found {leaf.leaf_index} there)")
            return False
        self.frontier.append(leaf_hash(leaf.entry))
        root = self.frontier.root()
        if root != leaf.tree_root:
            problem = f"leaf {n}'s bytes do not give the root stored with it"
            self.failed = Verdict(False, n, n, problem)
            return False
        checkpoint_root = self.roots.get(n + 1)
        if checkpoint_root is not None:
            if checkpoint_root != root:
                problem = (
                    f"leaves {self.last_good}..{n} do not give the signed checkpoint "
                    f"of size {n + 1}"
                )
                self.failed = Verdict(False, n + 1, self.last_good, problem)
                return False
            self.last_good = n + 1
        return True

    def verdict(self) -> Verdict:
        """The verdict once every row was fed (or the first failure)."""
        if self.failed is not None:
            return self.failed
        size = self.frontier.size
        if self.largest > size:
            problem = f"the log ends at {size} leaves but a signed checkpoint covers {self.largest}"
            return Verdict(False, size, size, problem)
        return Verdict(True, size)


def verify_log(leaves: Iterable[StoredLeaf], notes: Sequence[str], log_key: VerifierKey) -> Verdict:
    """Verify the rows (in leaf order) against each other and against the signed checkpoints."""
    verifier = Verifier(notes, log_key)
    for leaf in leaves:
        if not verifier.feed(leaf):
            break
    return verifier.verdict()
