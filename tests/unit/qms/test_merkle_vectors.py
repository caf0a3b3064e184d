"""transparency-dev/merkle's test vectors (see vectors/SOURCE.md): every proof it marks good
verifies, every one it marks bad is refused."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from services.qms.domain.merkle import ProofError, verify_consistency, verify_inclusion

VECTORS = Path(__file__).parent / "vectors"


def load(kind: str) -> list[Any]:
    entries = json.loads((VECTORS / f"{kind}.json").read_text())
    return [pytest.param(entry["probe"], id=entry["path"]) for entry in entries]


def decoded(values: list[str] | None) -> list[bytes]:
    return [base64.b64decode(value) for value in values or []]


def test_the_vectors_hold_good_and_bad_proofs_of_both_kinds() -> None:
    for kind in ("inclusion", "consistency"):
        probes = [param.values[0] for param in load(kind)]
        assert sum(not probe["wantErr"] for probe in probes) >= 5, kind
        assert sum(probe["wantErr"] for probe in probes) >= 80, kind


@pytest.mark.parametrize("probe", load("inclusion"))
def test_inclusion_vector(probe: dict[str, Any]) -> None:
    # Older files name the index leafIndex, later ones leafIdx.
    index = probe["leafIdx"] if "leafIdx" in probe else probe["leafIndex"]

    def verify() -> None:
        verify_inclusion(
            base64.b64decode(probe["leafHash"]),
            index,
            probe["treeSize"],
            decoded(probe["proof"]),
            base64.b64decode(probe["root"]),
        )

    if probe["wantErr"]:
        with pytest.raises(ProofError):
            verify()
    else:
        verify()


@pytest.mark.parametrize("probe", load("consistency"))
def test_consistency_vector(probe: dict[str, Any]) -> None:
    def verify() -> None:
        verify_consistency(
            probe["size1"],
            probe["size2"],
            base64.b64decode(probe["root1"]),
            base64.b64decode(probe["root2"]),
            decoded(probe["proof"]),
        )

    if probe["wantErr"]:
        with pytest.raises(ProofError):
            verify()
    else:
        verify()
