"""Random inspections (双随机、一公开): a draw of households from an office's register and of
inspectors from a pool, that anyone can check from what was published.

The algorithm ("shijian-draw-v1", docs/domain.md) is deterministic in three inputs:

- the seed: 32 random bytes, secret until the draw, published then (hex);
- the snapshot: the office's open households as canonical JSON (below), sorted by credit code;
- the rules: sampling ratio per risk class, the inspector pool, inspectors per household.

Canonical JSON is UTF-8 `json.dumps(value, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`; a hash is the lowercase hex SHA-256 of it. The commitment, published
before the seed, is SHA-256(seed ‖ snapshot hash ‖ rules hash) over the raw bytes (32 each).

Each choice ranks candidates by HMAC-SHA256(key = seed, message = snapshot hash ‖ rules hash ‖
label) as a big-endian number, lowest first (ties, never seen in practice, by the label):

- households: within each risk class of n households, the ceil(n × ratio) with the lowest
  score of label `household:<credit code>`;
- inspectors: for each drawn household, the pool less its grid's owner and the owner's agent,
  the `inspectors_per_household` with the lowest score of label `inspector:<credit code>:<user>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from chassis.errors import RuleViolated

ALGORITHM = "shijian-draw-v1"
SEED_BYTES = 32


def canonical(value: Any) -> bytes:
    """The canonical JSON of a value (what is hashed)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(content: bytes) -> str:
    """Lowercase hex SHA-256."""
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class SnapshotEntry:
    """One household of the register as the draw sees it."""

    credit_code: str
    grid_id: str
    owner: str
    agent: str | None
    risk_class: str


@dataclass(frozen=True)
class DrawRules:
    """What a plan draws by: the share of each risk class, who may be sent, how many each."""

    ratios: Mapping[str, Decimal]
    pool: tuple[str, ...]
    inspectors_per_household: int

    def as_json(self) -> dict[str, Any]:
        """The rules as published (ratios as decimal text, the pool sorted)."""
        return {
            "algorithm": ALGORITHM,
            "ratios": {code: str(ratio) for code, ratio in sorted(self.ratios.items())},
            "pool": sorted(self.pool),
            "inspectors_per_household": self.inspectors_per_household,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DrawRules:
        """The rules as published; ValueError for another algorithm."""
        if data.get("algorithm") != ALGORITHM:
            raise ValueError(f"rules: algorithm is not {ALGORITHM}")
        return cls(
            ratios={code: Decimal(ratio) for code, ratio in data["ratios"].items()},
            pool=tuple(data["pool"]),
            inspectors_per_household=int(data["inspectors_per_household"]),
        )

    @property
    def hash(self) -> str:
        """The rules hash."""
        return sha256_hex(canonical(self.as_json()))


@dataclass(frozen=True)
class Selected:
    """A drawn household and the inspectors drawn to inspect it."""

    credit_code: str
    risk_class: str
    grid_id: str
    owner: str
    inspectors: tuple[str, ...]


def snapshot_json(entries: Iterable[SnapshotEntry]) -> list[dict[str, Any]]:
    """The snapshot as published: its entries sorted by credit code."""
    return [asdict(entry) for entry in sorted(entries, key=lambda e: e.credit_code)]


def snapshot_hash(entries: Iterable[SnapshotEntry]) -> str:
    """The snapshot hash."""
    return sha256_hex(canonical(snapshot_json(entries)))


def entries_of(data: Sequence[Mapping[str, Any]]) -> list[SnapshotEntry]:
    """The snapshot's entries from its published form."""
    return [SnapshotEntry(**dict(entry)) for entry in data]


def commitment(seed: bytes, snapshot: str, rules: str) -> str:
    """SHA-256(seed ‖ snapshot hash ‖ rules hash), the hashes as raw bytes."""
    return sha256_hex(seed + bytes.fromhex(snapshot) + bytes.fromhex(rules))


def check_pool(entries: Iterable[SnapshotEntry], rules: DrawRules) -> None:
    """RuleViolated naming the field unless every household can get its inspectors from the
    pool without its owner or the owner's agent."""
    if len(set(rules.pool)) != len(rules.pool):
        raise RuleViolated("inspectors", "an inspector is named twice", "duplicate")
    for entry in entries:
        eligible = set(rules.pool) - {entry.owner, entry.agent}
        if len(eligible) < rules.inspectors_per_household:
            raise RuleViolated(
                "inspectors",
                f"{entry.credit_code} (grid of {entry.owner}) needs "
                f"{rules.inspectors_per_household} inspectors besides its owner and agent",
                "pool_too_small",
            )


def draw(seed: bytes, entries: Sequence[SnapshotEntry], rules: DrawRules) -> list[Selected]:
    """The selection of the draw, sorted by credit code (see the module's description)."""
    context = bytes.fromhex(snapshot_hash(entries)) + bytes.fromhex(rules.hash)

    def score(label: str) -> tuple[bytes, str]:
        return hmac.new(seed, context + label.encode(), hashlib.sha256).digest(), label

    by_class: dict[str, list[SnapshotEntry]] = {}
    for entry in entries:
        by_class.setdefault(entry.risk_class, []).append(entry)
    chosen: list[SnapshotEntry] = []
    for code, members in by_class.items():
        count = math.ceil(len(members) * rules.ratios.get(code, Decimal(0)))
        ranked = sorted(members, key=lambda e: score(f"household:{e.credit_code}"))
        chosen.extend(ranked[:count])
    selection = []
    for entry in sorted(chosen, key=lambda e: e.credit_code):
        eligible = sorted(set(rules.pool) - {entry.owner, entry.agent})
        ranked_people = sorted(eligible, key=lambda u: score(f"inspector:{entry.credit_code}:{u}"))
        inspectors = tuple(ranked_people[: rules.inspectors_per_household])
        selection.append(
            Selected(entry.credit_code, entry.risk_class, entry.grid_id, entry.owner, inspectors)
        )
    return selection


def selection_json(selection: Iterable[Selected]) -> list[dict[str, Any]]:
    """The selection as published."""
    return [asdict(selected) | {"inspectors": list(selected.inspectors)} for selected in selection]


@dataclass(frozen=True)
class Verification:
    """What `draw verify` found: whether the published commitment and selection are the ones
    the published inputs give, and the selection they give."""

    commitment_matches: bool
    selection_matches: bool
    recomputed: list[dict[str, Any]]

    @property
    def holds(self) -> bool:
        """Both match."""
        return self.commitment_matches and self.selection_matches


def verify(published: Mapping[str, Any], committed: str | None = None) -> Verification:
    """Check a published draw (`supervision.draw.drawn`'s data) from its own inputs: the
    commitment recomputed from the seed, the snapshot and the rules against the published one
    (and against `committed`, the one published before the seed, when given), and the
    selection recomputed against the published one."""
    seed = bytes.fromhex(published["seed"])
    entries = entries_of(published["snapshot"])
    rules = DrawRules.from_json(published["rules"])
    recomputed_commitment = commitment(seed, snapshot_hash(entries), rules.hash)
    expected = {published["commitment"]} | ({committed} if committed is not None else set())
    recomputed = selection_json(draw(seed, entries, rules))
    return Verification(
        commitment_matches=expected == {recomputed_commitment},
        selection_matches=recomputed == [dict(s) for s in published["selection"]],
        recomputed=recomputed,
    )
