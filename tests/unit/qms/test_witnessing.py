"""The witness's add-checkpoint request and its decision (C2SP tlog-witness)."""

from __future__ import annotations

import base64

import pytest

from services.qms.domain.merkle import EMPTY_ROOT, consistency_proof, leaf_hash, tree_root
from services.qms.domain.notes import Checkpoint, Note, SignerKey
from services.qms.domain.witnessing import (
    AddCheckpoint,
    BadProof,
    Cosign,
    Fork,
    Malformed,
    RequestError,
    StaleOldSize,
    WitnessedTree,
    decide,
    format_add_checkpoint,
    format_size,
    parse_add_checkpoint,
    parse_size,
)

ORIGIN = "shijian.test/qms/audit"
LOG_KEY = SignerKey.generate(ORIGIN)
LEAVES = [leaf_hash(f"event {number}".encode()) for number in range(40)]

# The example request body of tlog-witness ("Example request body").
SPEC_EXAMPLE = (
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5"
    "/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks"
    "+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
)


def tree(size: int) -> WitnessedTree:
    return WitnessedTree(size, tree_root(LEAVES[:size]))


def signed(checkpoint: Checkpoint) -> str:
    return Note(checkpoint.text()).signed(LOG_KEY).format()


def request(old_size: int, size: int, proof: list[bytes] | None = None) -> AddCheckpoint:
    """A request for the tree of `size` from `old_size`, with the right proof unless given."""
    if proof is None:
        proof = consistency_proof(old_size, size, LEAVES) if 0 < old_size < size else []
    checkpoint = Checkpoint(ORIGIN, size, tree_root(LEAVES[:size]))
    return parse_add_checkpoint(format_add_checkpoint(old_size, proof, signed(checkpoint)))


def flipped(proof: list[bytes], position: int = 0) -> list[bytes]:
    changed = bytearray(proof[position])
    changed[0] ^= 1
    return [*proof[:position], bytes(changed), *proof[position + 1 :]]


# -- the request ------------------------------------------------------------------------------


def test_the_spec_example_request_parses() -> None:
    parsed = parse_add_checkpoint(SPEC_EXAMPLE.encode())

    assert parsed.old_size == 20852014
    assert len(parsed.proof) == 4
    assert parsed.proof[0] == base64.b64decode("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=")
    assert parsed.checkpoint.origin == "example.com/behind-the-sofa"
    assert parsed.checkpoint.size == 20852163
    assert [s.name for s in parsed.note.signatures] == ["example.com/behind-the-sofa"] * 2


def test_a_formatted_request_reads_back_as_written() -> None:
    proof = consistency_proof(5, 13, LEAVES)
    checkpoint = Checkpoint(ORIGIN, 13, tree_root(LEAVES[:13]), ("extension line",))
    note = signed(checkpoint)

    body = format_add_checkpoint(5, proof, note)
    parsed = parse_add_checkpoint(body)

    assert body.decode().startswith("old 5\n" + base64.b64encode(proof[0]).decode() + "\n")
    assert (parsed.old_size, list(parsed.proof), parsed.checkpoint) == (5, proof, checkpoint)
    assert parsed.note.format() == note


def test_a_request_from_the_empty_tree_has_no_proof_lines() -> None:
    note = signed(Checkpoint(ORIGIN, 3, tree_root(LEAVES[:3])))

    assert format_add_checkpoint(0, [], note) == f"old 0\n\n{note}".encode()
    assert parse_add_checkpoint(f"old 0\n\n{note}".encode()).proof == ()


CHECKPOINT = Checkpoint(ORIGIN, 3, tree_root(LEAVES[:3]))
NOTE = signed(CHECKPOINT)
NEWLINE_3, NEWLINE_03 = "\n3\n", "\n03\n"
HASH = base64.b64encode(LEAVES[0]).decode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"old 0\n\xff\n", "UTF-8"),
        (f"old 0\n{CHECKPOINT.text()}".encode(), "empty line"),
        (f"new 0\n\n{NOTE}".encode(), "starts with `old <size>`"),
        (f"old 01\n\n{NOTE}".encode(), "without leading zeros"),
        (f"old -1\n\n{NOTE}".encode(), "without leading zeros"),
        (f"old {2**63}\n\n{NOTE}".encode(), "beyond 2^63 - 1"),
        (f"old 1\nnot a hash!\n\n{NOTE}".encode(), "proof line 1 is not base64"),
        (f"old 1\n{HASH}\n{HASH[:-4]}\n\n{NOTE}".encode(), "proof line 2 is not one SHA-256"),
        (f"old 1\n{HASH}\n\n\n{NOTE}".encode(), "the checkpoint"),
        (("old 1\n" + f"{HASH}\n" * 64 + f"\n{NOTE}").encode(), "at most 63"),
        (f"old 0\n\n{CHECKPOINT.text()}".encode(), "the checkpoint"),
        (f"old 0\n\n{NOTE.replace(NEWLINE_3, NEWLINE_03, 1)}".encode(), "leading zeros"),
        (f"old 0\n\n{signed(Checkpoint(ORIGIN, 2**63, LEAVES[0]))}".encode(), "beyond 2^63 - 1"),
        (f"old 0\n\n{signed(Checkpoint(ORIGIN, 0, LEAVES[0]))}".encode(), "empty tree's root"),
    ],
)
def test_a_malformed_request_is_refused_naming_what_is_wrong(body: bytes, reason: str) -> None:
    with pytest.raises(RequestError, match=reason.replace("^", r"\^")):
        parse_add_checkpoint(body)


def test_sizes_are_written_and_read_as_text_x_tlog_size() -> None:
    assert format_size(20852163) == "20852163\n"
    assert parse_size("0\n") == 0
    assert parse_size(format_size(12)) == 12
    for bad in ("12", "012\n", "-1\n", "twelve\n", ""):
        with pytest.raises(ValueError, match="decimal and a newline"):
            parse_size(bad)


# -- the decision -----------------------------------------------------------------------------


def test_the_first_checkpoint_from_the_empty_tree_is_cosigned() -> None:
    assert decide(None, request(0, 7)) == Cosign(tree(7))


def test_the_empty_tree_is_cosigned_once_and_grown_from() -> None:
    empty = WitnessedTree(0, EMPTY_ROOT)

    assert decide(None, request(0, 0)) == Cosign(empty)
    assert decide(empty, request(0, 0)) == Cosign(empty)
    assert decide(empty, request(0, 9)) == Cosign(tree(9))


def test_a_proof_from_the_empty_tree_is_a_bad_proof() -> None:
    decision = decide(None, request(0, 7, proof=[LEAVES[0]]))

    assert decision == BadProof("the proof from the empty tree is empty")


def test_a_consistent_checkpoint_is_cosigned_and_becomes_the_latest() -> None:
    assert decide(tree(7), request(7, 20)) == Cosign(tree(20))
    assert decide(tree(20), request(20, 21)) == Cosign(tree(21))
    assert decide(tree(8), request(8, 16)) == Cosign(tree(16))


def test_an_old_size_other_than_the_latest_cosigned_is_stale() -> None:
    assert decide(None, request(3, 7)) == StaleOldSize(0)
    assert decide(tree(7), request(3, 9)) == StaleOldSize(7)
    assert decide(tree(7), request(0, 9)) == StaleOldSize(7)
    assert decide(tree(7), request(9, 12)) == StaleOldSize(7)


def test_an_old_size_beyond_the_checkpoint_is_malformed_before_any_other_check() -> None:
    decision = decide(tree(7), request(12, 9, proof=[]))

    assert decision == Malformed("the old size 12 is larger than the checkpoint's 9")


@pytest.mark.parametrize("position", [0, 1, 2])
def test_a_proof_with_a_flipped_bit_is_a_bad_proof(position: int) -> None:
    proof = flipped(consistency_proof(7, 20, LEAVES), position)

    assert isinstance(decide(tree(7), request(7, 20, proof=proof)), BadProof)


def test_a_proof_to_another_tree_or_of_the_wrong_length_is_a_bad_proof() -> None:
    to_another_size = consistency_proof(7, 21, LEAVES)
    full = consistency_proof(7, 20, LEAVES)

    assert isinstance(decide(tree(7), request(7, 20, proof=to_another_size)), BadProof)
    assert isinstance(decide(tree(7), request(7, 20, proof=full[:-1])), BadProof)
    assert isinstance(decide(tree(7), request(7, 20, proof=[])), BadProof)
    assert isinstance(decide(tree(7), request(7, 20, proof=[*full, LEAVES[0]])), BadProof)


def test_a_checkpoint_forked_before_the_known_tree_is_a_bad_proof() -> None:
    # The known tree of 7 has a different leaf 3 than the log now claims.
    forked = [*LEAVES[:3], leaf_hash(b"rewritten"), *LEAVES[4:]]
    known = WitnessedTree(7, tree_root(forked[:7]))

    assert isinstance(decide(known, request(7, 20)), BadProof)


def test_the_same_checkpoint_again_is_cosigned_again() -> None:
    assert decide(tree(7), request(7, 7)) == Cosign(tree(7))


def test_the_latest_size_with_another_root_is_a_fork() -> None:
    other = WitnessedTree(7, tree_root(LEAVES[1:8]))

    decision = decide(other, request(7, 7))

    assert decision == Fork("the tree of 7 leaves cosigned before has another root")


def test_equal_sizes_with_a_proof_is_a_bad_proof() -> None:
    decision = decide(tree(7), request(7, 7, proof=[LEAVES[0]]))

    assert decision == BadProof("the proof between trees of equal size is empty")
