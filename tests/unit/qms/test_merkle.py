"""The Merkle tree of RFC 6962/9162: hashes, roots, the frontier, and the proofs it generates."""

from __future__ import annotations

import base64
import json
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest

from services.qms.domain.merkle import (
    EMPTY_ROOT,
    Frontier,
    ProofError,
    consistency_proof,
    consistency_proof_after,
    inclusion_proof,
    leaf_hash,
    node_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parent / "vectors"

# The leaf inputs behind transparency-dev/merkle's vectors (the RFC 6962 test inputs of
# certificate-transparency): the vectors' roots and proofs are over these entries.
ENTRIES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243")] + [
    bytes.fromhex("5051525354555657"),
    bytes.fromhex("606162636465666768696a6b6c6d6e6f"),
]
LEAVES = [leaf_hash(entry) for entry in ENTRIES]


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH written as RFC 9162 §2.1.1 defines it, recursively: the spec, to check against."""
    if not leaves:
        return sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])).digest()


def happy_paths(kind: str) -> list[dict[str, Any]]:
    entries = json.loads((VECTORS / f"{kind}.json").read_text())
    return [entry["probe"] for entry in entries if entry["path"].endswith("/happy-path.json")]


def hashes(values: list[str] | None) -> list[bytes]:
    return [base64.b64decode(value) for value in values or []]


def test_hashes_are_domain_separated_sha256() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"") == sha256(b"\x00").digest()
    assert leaf_hash(b"event") == sha256(b"\x00event").digest()
    assert node_hash(b"L" * 32, b"R" * 32) == sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    # A leaf and an inner node over the same bytes never share a hash.
    assert leaf_hash(b"\x01" + b"L" * 32 + b"R" * 32) != node_hash(b"L" * 32, b"R" * 32)


def test_the_root_of_no_leaves_is_the_hash_of_nothing() -> None:
    assert tree_root([]) == EMPTY_ROOT
    assert Frontier().root() == EMPTY_ROOT


def test_the_root_is_rfc_9162_mth_for_every_size_up_to_70() -> None:
    leaves = [leaf_hash(bytes([n])) for n in range(70)]
    for size in range(71):
        assert tree_root(leaves[:size]) == reference_root(leaves[:size]), size


def test_the_roots_of_the_reference_vectors() -> None:
    roots: dict[int, str] = {}
    for probe in happy_paths("consistency"):
        roots[probe["size1"]] = probe["root1"]
        roots[probe["size2"]] = probe["root2"]
    assert sorted(roots) == [1, 2, 5, 6, 7, 8]
    for size, root in roots.items():
        assert tree_root(LEAVES[:size]) == base64.b64decode(root), size


def test_generated_proofs_are_the_reference_proofs() -> None:
    for probe in happy_paths("inclusion"):
        index, size = probe["leafIdx"], probe["treeSize"]
        assert inclusion_proof(index, size, LEAVES) == hashes(probe["proof"]), probe
    for probe in happy_paths("consistency"):
        old, new = probe["size1"], probe["size2"]
        assert consistency_proof(old, new, LEAVES) == hashes(probe["proof"]), probe


def test_the_frontier_gives_the_root_after_every_append() -> None:
    leaves = [leaf_hash(n.to_bytes(2, "big")) for n in range(300)]
    frontier = Frontier()
    for size, leaf in enumerate(leaves, start=1):
        frontier.append(leaf)
        assert frontier.size == size
        assert len(frontier.hashes) == size.bit_count()
        assert frontier.root() == tree_root(leaves[:size]), size


def test_a_frontier_resumes_from_its_stored_size_and_hashes() -> None:
    leaves = [leaf_hash(n.to_bytes(2, "big")) for n in range(100)]
    first = Frontier()
    first.extend(leaves[:37])
    resumed = Frontier(first.size, first.hashes)
    resumed.extend(leaves[37:])
    assert resumed.size == 100
    assert resumed.root() == tree_root(leaves)


@pytest.mark.parametrize(
    ("size", "count", "length"),
    [(-1, 0, 32), (5, 1, 32), (5, 3, 32), (4, 1, 31)],
    ids=["negative size", "too few hashes", "too many hashes", "short hash"],
)
def test_a_frontier_refuses_a_state_no_tree_has(size: int, count: int, length: int) -> None:
    with pytest.raises(ValueError, match=r"size|subtree|hash"):
        Frontier(size, [b"\x00" * length] * count)


def test_proofs_are_only_generated_for_leaves_and_trees_that_exist() -> None:
    with pytest.raises(ValueError, match="leaf 3 is not in a tree of 3"):
        inclusion_proof(3, 3, LEAVES)
    with pytest.raises(ValueError, match="needs 9 leaf hashes"):
        inclusion_proof(0, 9, LEAVES)
    with pytest.raises(ValueError, match="non-empty tree"):
        consistency_proof(0, 4, LEAVES)
    with pytest.raises(ValueError, match="at least as large"):
        consistency_proof(5, 4, LEAVES)
    with pytest.raises(ValueError, match="needs 9 leaf hashes"):
        consistency_proof(2, 9, LEAVES)


def test_a_tree_is_consistent_with_itself_by_an_empty_proof() -> None:
    root = tree_root(LEAVES[:5])
    assert consistency_proof(5, 5, LEAVES) == []
    verify_consistency(5, 5, root, root, [])


def test_verification_names_what_is_wrong() -> None:
    root = tree_root(LEAVES)
    proof = inclusion_proof(2, 8, LEAVES)
    with pytest.raises(ProofError, match="leaf 8 is not in a tree of 8"):
        verify_inclusion(LEAVES[2], 8, 8, proof, root)
    with pytest.raises(ProofError, match="proof hash 1 is 31 bytes"):
        verify_inclusion(LEAVES[2], 2, 8, [proof[0], proof[1][1:], proof[2]], root)
    with pytest.raises(ProofError, match="more hashes"):
        verify_inclusion(LEAVES[2], 2, 8, [*proof, proof[0]], root)
    with pytest.raises(ProofError, match="fewer hashes"):
        verify_inclusion(LEAVES[2], 2, 8, proof[:2], root)
    with pytest.raises(ProofError, match="another root"):
        verify_inclusion(LEAVES[3], 2, 8, proof, root)
    old = tree_root(LEAVES[:3])
    step = consistency_proof(3, 8, LEAVES)
    with pytest.raises(ProofError, match="cannot grow"):
        verify_consistency(8, 3, root, old, step)
    with pytest.raises(ProofError, match="non-empty tree"):
        verify_consistency(0, 8, EMPTY_ROOT, root, [])
    with pytest.raises(ProofError, match="proof is empty"):
        verify_consistency(3, 8, old, root, [])
    with pytest.raises(ProofError, match="root for the tree of 3"):
        verify_consistency(3, 8, root, root, step)
    with pytest.raises(ProofError, match="root for the tree of 8"):
        verify_consistency(3, 8, old, old, step)


def test_a_consistency_proof_from_the_old_frontier_and_the_new_leaves_alone() -> None:
    leaves = [leaf_hash(str(n).encode()) for n in range(140)]
    for old_size in (1, 2, 3, 5, 8, 13, 64, 100, 127):
        old = Frontier()
        old.extend(leaves[:old_size])
        for new_size in (old_size, old_size + 1, old_size + 7, 128, 140):
            if new_size < old_size:
                continue
            proof = consistency_proof_after(old, leaves[old_size:new_size])
            assert proof == consistency_proof(old_size, new_size, leaves)
