"""Properties over random trees: every generated proof verifies, and one flipped bit anywhere
(a proof hash, a root, the leaf, an index or a size) gets the proof refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from services.qms.domain.merkle import (
    Frontier,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

LARGEST_TREE = 300
# Flipping a bit of a size of at most 300 gives at most 300 | 512 < 1024 for bits 0 to 9.
BUILT = 1024
LEAVES = [leaf_hash(n.to_bytes(4, "big")) for n in range(BUILT)]
SETTINGS = settings(max_examples=200, deadline=None, database=None)


def all_roots() -> list[bytes]:
    frontier = Frontier()
    roots = [frontier.root()]
    for leaf in LEAVES:
        frontier.append(leaf)
        roots.append(frontier.root())
    return roots


ROOTS = all_roots()


def root_of(size: int, fallback: bytes) -> bytes:
    """The root of the tree of that size; for a tree too large to build, the proof's own root
    (a proof from a tree of at most 300 leaves is too short for one of 1024 or more)."""
    return ROOTS[size] if size <= BUILT else fallback


def flipped(value: bytes, bit: int) -> bytes:
    spoilt = bytearray(value)
    spoilt[bit // 8] ^= 1 << (bit % 8)
    return bytes(spoilt)


def with_flipped_hash(proof: Sequence[bytes], position: int, bit: int) -> list[bytes]:
    return [flipped(value, bit) if n == position else value for n, value in enumerate(proof)]


def refused(verify: Callable[..., None], *arguments: object) -> bool:
    try:
        verify(*arguments)
    except ProofError:
        return True
    return False


@st.composite
def leaf_in_tree(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, LARGEST_TREE))
    return draw(st.integers(0, size - 1)), size


@st.composite
def tree_and_older_tree(draw: st.DrawFn) -> tuple[int, int]:
    new_size = draw(st.integers(1, LARGEST_TREE))
    return draw(st.integers(1, new_size)), new_size


@SETTINGS
@given(leaf_in_tree(), st.integers(0, 255))
def test_inclusion_proofs_verify_and_one_flipped_bit_is_refused(
    case: tuple[int, int], bit: int
) -> None:
    index, size = case
    leaf, root = LEAVES[index], ROOTS[size]
    proof = inclusion_proof(index, size, LEAVES)
    verify_inclusion(leaf, index, size, proof, root)

    for position in range(len(proof)):
        spoilt = with_flipped_hash(proof, position, bit)
        assert refused(verify_inclusion, leaf, index, size, spoilt, root), position
    assert refused(verify_inclusion, leaf, index, size, proof, flipped(root, bit))
    assert refused(verify_inclusion, flipped(leaf, bit), index, size, proof, root)
    for size_bit in range(64):
        other_index = index ^ (1 << size_bit)
        assert refused(verify_inclusion, leaf, other_index, size, proof, root), other_index
        # A proof fixes the shape of its tree, not its size: leaf 0's paths in trees of 5 and
        # 7 leaves have one shape. So a changed size is checked with that tree's own root,
        # as a checkpoint signs size and root together.
        other = size ^ (1 << size_bit)
        assert refused(verify_inclusion, leaf, index, other, proof, root_of(other, root)), other


@SETTINGS
@given(tree_and_older_tree(), st.integers(0, 255))
def test_consistency_proofs_verify_and_one_flipped_bit_is_refused(
    sizes: tuple[int, int], bit: int
) -> None:
    old_size, new_size = sizes
    old_root, new_root = ROOTS[old_size], ROOTS[new_size]
    proof = consistency_proof(old_size, new_size, LEAVES)
    verify_consistency(old_size, new_size, old_root, new_root, proof)

    for position in range(len(proof)):
        spoilt = with_flipped_hash(proof, position, bit)
        assert refused(verify_consistency, old_size, new_size, old_root, new_root, spoilt)
    flipped_old, flipped_new = flipped(old_root, bit), flipped(new_root, bit)
    assert refused(verify_consistency, old_size, new_size, flipped_old, new_root, proof)
    assert refused(verify_consistency, old_size, new_size, old_root, flipped_new, proof)
    for size_bit in range(64):
        other_old = old_size ^ (1 << size_bit)
        other_new = new_size ^ (1 << size_bit)
        assert refused(
            verify_consistency, other_old, new_size, root_of(other_old, old_root), new_root, proof
        ), other_old
        assert refused(
            verify_consistency, old_size, other_new, old_root, root_of(other_new, new_root), proof
        ), other_new
