"""The Merkle hash tree of RFC 6962 §2.1 (restated in RFC 9162 §2.1) over the log's entries.

A leaf is the exact stored bytes of an entry. Roots, inclusion proofs and consistency proofs
follow RFC 9162; the verifiers are the algorithms of §2.1.3.2 and §2.1.4.2 step by step, and
raise ProofError naming what is wrong. Hashing is hashlib's SHA-256: a verifier recomputes a
million leaves within seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from hashlib import sha256

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()  # MTH({}) = SHA-256() (RFC 9162 §2.1.1)

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


class ProofError(ValueError):
    """A proof that does not prove what it claims, or that is malformed."""


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d): the prefix keeps leaves apart from inner nodes."""
    return sha256(_LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right), the hash of an inner node."""
    return sha256(_NODE_PREFIX + left + right).digest()


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The root hash of the tree over all the given leaf hashes."""
    return _range_root(leaf_hashes, 0, len(leaf_hashes))


def _range_root(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]), level by level without recursion.

    Pairing neighbours and lifting a lone last node unchanged to the next level builds the same
    tree as RFC 9162's split at the largest power of two below n: that split leaves every left
    subtree perfect, so the only unpaired node of a level is always the rightmost one.
    """
    if start >= end:
        return EMPTY_ROOT
    level = list(leaf_hashes[start:end])
    while len(level) > 1:
        lone = level[-1] if len(level) % 2 else None
        level = [
            sha256(_NODE_PREFIX + left + right).digest()
            for left, right in zip(level[0::2], level[1::2], strict=False)
        ]
        if lone is not None:
            level.append(lone)
    return level[0]


def _largest_power_of_two_below(n: int) -> int:
    """k with k < n <= 2k, where RFC 9162 splits a tree of n > 1 leaves."""
    return 1 << ((n - 1).bit_length() - 1)


class Frontier:
    """The compact range [0, size): the roots of the perfect subtrees the tree decomposes into.

    One root per set bit of size, largest (leftmost) first, so appending and taking the root
    cost O(log n) time and the state kept between appends is O(log n) hashes.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0:
            raise ValueError(f"a tree size is not negative, got {size}")
        if len(hashes) != size.bit_count():
            raise ValueError(
                f"a tree of {size} leaves has {size.bit_count()} perfect subtrees, "
                f"got {len(hashes)} hashes"
            )
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError(f"subtree hashes are {HASH_SIZE} bytes")
        self._size = size
        self._hashes = list(hashes)

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The perfect subtree roots, largest first: what to store to resume appending."""
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        # Each trailing 1 bit of the old size is a subtree of the new leaf's height that the
        # new leaf completes: merge them, as a binary counter carries.
        hashes = self._hashes
        carry = leaf_hash
        size = self._size
        while size & 1:
            carry = sha256(_NODE_PREFIX + hashes.pop() + carry).digest()
            size >>= 1
        hashes.append(carry)
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for leaf in leaf_hashes:
            self.append(leaf)

    def root(self) -> bytes:
        """The tree's root: the subtree roots folded right to left (RFC 9162 §2.1.1)."""
        if not self._hashes:
            return EMPTY_ROOT
        root = self._hashes[-1]
        for subtree in reversed(self._hashes[:-1]):
            root = sha256(_NODE_PREFIX + subtree + root).digest()
        return root


def inclusion_proof(index: int, size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, the sibling nearest the leaf first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    if size > len(leaf_hashes):
        raise ValueError(f"a tree of {size} leaves needs {size} leaf hashes")
    # Walk down from the root; the subtree on the other side of each split is a sibling.
    siblings = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _largest_power_of_two_below(end - start)
        if index < middle:
            siblings.append(_range_root(leaf_hashes, middle, end))
            end = middle
        else:
            siblings.append(_range_root(leaf_hashes, start, middle))
            start = middle
    siblings.reverse()
    return siblings


def consistency_proof(old_size: int, new_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) = SUBPROOF(old_size, D[0:new_size], true) of RFC 9162
    §2.1.4.1; empty when the sizes are equal.
    """
    if new_size > len(leaf_hashes):
        raise ValueError(f"a tree of {new_size} leaves needs {new_size} leaf hashes")
    return _consistency_path(
        old_size, new_size, lambda start, end: _range_root(leaf_hashes, start, end)
    )


def consistency_proof_after(old: Frontier, new_leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The same proof, from the old tree's frontier and only the leaves appended since.

    Every subtree a consistency proof names lies wholly inside the old tree, where it is one
    of the old frontier's perfect subtrees, or wholly among the new leaves: so a log proves a
    new checkpoint against an old one without reading its history again.
    """
    old_size, new_size = old.size, old.size + len(new_leaf_hashes)
    subtrees: dict[tuple[int, int], bytes] = {}
    start = 0
    for height in reversed(range(old_size.bit_length())):
        if old_size >> height & 1:
            subtrees[start, start + (1 << height)] = old.hashes[len(subtrees)]
            start += 1 << height

    def range_root(start: int, end: int) -> bytes:
        if start >= old_size:
            return _range_root(new_leaf_hashes, start - old_size, end - old_size)
        found = subtrees.get((start, end))
        if found is None:
            raise ValueError(f"[{start}, {end}) is not a subtree of the old frontier")
        return found

    return _consistency_path(old_size, new_size, range_root)


def _consistency_path(
    old_size: int, new_size: int, range_root: Callable[[int, int], bytes]
) -> list[bytes]:
    if not 0 < old_size <= new_size:
        raise ValueError(
            f"a consistency proof goes from a non-empty tree to one at least as large, "
            f"got {old_size} -> {new_size}"
        )
    # SUBPROOF(m, D[start:end], whole): `whole` stays true while the old tree is the left
    # edge of the subtree, whose hash the verifier already holds as the old root.
    hashes = []
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        middle = start + _largest_power_of_two_below(end - start)
        if m <= middle - start:
            hashes.append(range_root(middle, end))
            end = middle
        else:
            hashes.append(range_root(start, middle))
            m -= middle - start
            start = middle
            whole = False
    if not whole:
        hashes.append(range_root(start, end))
    hashes.reverse()
    return hashes


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        if len(value) != HASH_SIZE:
            raise ProofError(
                f"proof hash {position} is {len(value)} bytes, a SHA-256 hash is {HASH_SIZE}"
            )


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless proof shows the leaf at index in the tree of size with root."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    if len(leaf_hash) != HASH_SIZE:
        raise ProofError(f"the leaf hash is {len(leaf_hash)} bytes, a SHA-256 hash is {HASH_SIZE}")
    _check_proof_hashes(proof)
    # RFC 9162 §2.1.3.2: fn walks the leaf's path, sn the tree's right edge.
    fn, sn = index, size - 1
    computed = leaf_hash
    for sibling in proof:
        if sn == 0:
            raise ProofError(f"the proof has more hashes than the path of leaf {index} in {size}")
        if fn & 1 or fn == sn:
            computed = node_hash(sibling, computed)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            computed = node_hash(computed, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the proof has fewer hashes than the path of leaf {index} in {size}")
    if computed != root:
        raise ProofError(f"the proof of leaf {index} leads to another root than the tree's")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ProofError unless proof shows the tree (old_size, old_root) is a prefix of the
    tree (new_size, new_root).

    The empty tree is refused: RFC 9162 §2.1.4 defines proofs from 0 < old_size, and a prefix
    of nothing needs no proof (tlog-witness handles an old size of 0 itself).
    """
    if old_size < 0 or old_size > new_size:
        raise ProofError(f"a tree of {old_size} leaves cannot grow into one of {new_size}")
    if old_size == 0:
        raise ProofError("a consistency proof starts from a non-empty tree (RFC 9162 §2.1.4)")
    if old_size == new_size:
        if proof:
            raise ProofError("trees of equal size need an empty consistency proof")
        if old_root != new_root:
            raise ProofError(f"two trees of {old_size} leaves have different roots")
        return
    if not proof:
        raise ProofError(f"the tree of {old_size} leaves differs from {new_size}: proof is empty")
    _check_proof_hashes(proof)
    old_computed, new_computed = _roots_from_consistency(old_size, new_size, old_root, proof)
    if old_computed != old_root:
        raise ProofError(f"the proof leads to another root for the tree of {old_size} leaves")
    if new_computed != new_root:
        raise ProofError(f"the proof leads to another root for the tree of {new_size} leaves")


def _roots_from_consistency(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """RFC 9162 §2.1.4.2 steps 2 to 6, for 0 < old_size < new_size: the old and new roots."""
    hashes = list(proof)
    if old_size & (old_size - 1) == 0:
        hashes.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old_computed = new_computed = hashes[0]
    for value in hashes[1:]:
        if sn == 0:
            raise ProofError(
                f"the proof has more hashes than a proof from {old_size} to {new_size}"
            )
        if fn & 1 or fn == sn:
            old_computed = node_hash(value, old_computed)
            new_computed = node_hash(value, new_computed)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            new_computed = node_hash(new_computed, value)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the proof has fewer hashes than a proof from {old_size} to {new_size}")
    return old_computed, new_computed
