"""The verifier names the first bad index for every way of tampering with the stored log, and
raises no false alarm on an untouched one."""

from __future__ import annotations

from dataclasses import replace

from services.qms.domain.merkle import Frontier, leaf_hash
from services.qms.domain.notes import Checkpoint, Note, SignerKey
from services.qms.domain.verification import StoredLeaf, Verdict, Verifier, verify_log

LOG = SignerKey.generate("shijian.test/qms")
CHECKPOINT_SIZES = (4, 10, 16)


def stored_log(size: int = 20) -> tuple[list[StoredLeaf], list[str]]:
    """Rows as the appender stores them, and signed checkpoints at a few sizes."""
    frontier, rows, notes = Frontier(), [], []
    for n in range(size):
        entry = f'{{"id": {n}, "type": "probe.sample.recorded"}}'.encode()
        frontier.append(leaf_hash(entry))
        rows.append(StoredLeaf(n, entry, frontier.root()))
        if n + 1 in CHECKPOINT_SIZES:
            body = Checkpoint(LOG.verifier_key().name, n + 1, frontier.root()).text()
            notes.append(Note(body).signed(LOG).format())
    return rows, notes


def verdict(rows: list[StoredLeaf], notes: list[str]) -> tuple[bool, int | None]:
    found = verify_log(rows, notes, LOG.verifier_key())
    return found.verified, found.first_bad_index


def with_roots_recomputed(rows: list[StoredLeaf]) -> list[StoredLeaf]:
    """What a careful forger does after changing rows: store the roots they now give."""
    frontier, fixed = Frontier(), []
    for row in rows:
        frontier.append(leaf_hash(row.entry))
        fixed.append(replace(row, tree_root=frontier.root()))
    return fixed


def test_an_untouched_log_verifies() -> None:
    rows, notes = stored_log()
    found = verify_log(rows, notes, LOG.verifier_key())
    assert (found.verified, found.size, found.first_bad_index, found.problem) == (
        True,
        20,
        None,
        None,
    )


def test_each_tampering_names_the_first_bad_index() -> None:
    rows, notes = stored_log()
    edited = list(rows)
    edited[7] = replace(rows[7], entry=rows[7].entry.replace(b"probe", b"fraud"))
    assert verdict(edited, notes) == (False, 7)
    deleted = rows[:5] + rows[6:]
    assert verdict(deleted, notes) == (False, 5)
    swapped = list(rows)
    swapped[3], swapped[9] = replace(rows[9], leaf_index=3), replace(rows[3], leaf_index=9)
    assert verdict(swapped, notes) == (False, 3)
    inserted = (
        rows[:12]
        + [StoredLeaf(12, b'{"forged": true}', rows[12].tree_root)]
        + [replace(row, leaf_index=row.leaf_index + 1) for row in rows[12:]]
    )
    assert verdict(inserted, notes) == (False, 12)
    truncated = rows[:14]
    assert verdict(truncated, notes) == (False, 14)
    rolled_back = rows[:9]  # an earlier state of the whole table
    assert verdict(rolled_back, notes) == (False, 9)


def test_rows_rewritten_with_their_roots_are_caught_by_the_next_checkpoint() -> None:
    rows, notes = stored_log()
    forged = list(rows)
    forged[11] = replace(rows[11], entry=b'{"forged": true}')
    found = verify_log(with_roots_recomputed(forged), notes, LOG.verifier_key())
    assert (found.verified, found.first_bad_index) == (False, 10)  # after the last good one
    assert "16" in (found.problem or "")


def test_a_checkpoint_not_signed_by_the_log_is_refused() -> None:
    rows, notes = stored_log()
    stranger = SignerKey.generate("shijian.test/qms")
    body = Checkpoint("shijian.test/qms", 4, rows[3].tree_root).text()
    found = verify_log(rows, [*notes, Note(body).signed(stranger).format()], LOG.verifier_key())
    assert not found.verified and "checkpoint" in (found.problem or "")


def go_on(rows: list[StoredLeaf], notes: list[str], verified: int) -> Verdict:
    """A verification going on from the tree of the first `verified` rows of the untouched
    log, over `rows` as stored now, as qms's periodic check does: the last row verified
    looked up again, then the rows after it."""
    before = Verifier(notes, LOG.verifier_key())
    for row in stored_log()[0][:verified]:
        assert before.feed(row)
    verifier = Verifier(notes, LOG.verifier_key(), before.frontier)
    last = next((row for row in rows if row.leaf_index == verified - 1), None)
    if verifier.resume(last):
        for row in rows[verified:]:
            if not verifier.feed(row):
                break
    return verifier.verdict()


def test_going_on_from_verified_rows_checks_the_new_ones_against_their_checkpoints() -> None:
    rows, notes = stored_log()
    found = go_on(rows, notes, 12)
    assert (found.verified, found.size) == (True, 20)
    # A new row edited, even with the roots recomputed, misses the checkpoint of 16.
    forged = list(rows)
    forged[13] = replace(rows[13], entry=b'{"forged": true}')
    assert (go_on(forged, notes, 12).first_bad_index) == 13
    found = go_on(with_roots_recomputed(forged), notes, 12)
    assert (found.verified, found.first_bad_index) == (False, 12)


def test_going_on_fails_when_the_last_row_verified_is_cut_or_rewritten() -> None:
    rows, notes = stored_log()
    found = go_on(rows[:8], notes, 12)  # rolled back below what was verified
    assert (found.verified, found.first_bad_index) == (False, 11)
    rewritten = list(rows)
    rewritten[11] = replace(rows[11], entry=b"{}")
    found = go_on(with_roots_recomputed(rewritten), notes, 12)
    assert (found.verified, found.first_bad_index) == (False, 11)
    # An earlier row edited in place is not read again by going on: only a verification
    # from the start (at qms's start and each AUDIT_FULL_VERIFY_SECONDS) names it.
    edited = list(rows)
    edited[5] = replace(rows[5], entry=b"{}")
    assert go_on(edited, notes, 12).verified
    assert verdict(edited, notes) == (False, 5)
