"""Asking a witness to cosign the log's checkpoint (C2SP tlog-witness add-checkpoint)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import httpx

from services.qms.domain.notes import NoteError, Signature, parse_note, verify_note
from services.qms.domain.witnessing import SIZE_MEDIA_TYPE, format_add_checkpoint, parse_size
from services.qms.settings import Witness


@dataclass(frozen=True)
class Cosigned:
    """The witness's cosignatures on the checkpoint, each verified with its key."""

    signatures: tuple[Signature, ...]


@dataclass(frozen=True)
class Conflict:
    """The witness's latest cosigned tree has another size: ask again from this one."""

    size: int


@dataclass(frozen=True)
class Refused:
    """Anything else: a refusal (its status and text), or an answer that is no cosignature."""

    status: int
    reason: str


WitnessAnswer: TypeAlias = Cosigned | Conflict | Refused


async def ask_witness(
    http_client: httpx.AsyncClient,
    witness: Witness,
    old_size: int,
    proof: Sequence[bytes],
    note: str,
) -> WitnessAnswer:
    """Ask `witness` to cosign the signed checkpoint `note`, proven by `proof` to extend the
    tree of `old_size` the witness cosigned last (0: none).

    Asks once: retrying, from a Conflict's size or later, is the caller's choice. A witness that
    cannot be reached raises httpx's error.
    """
    text = parse_note(note).text
    response = await http_client.post(
        f"{witness.url}/add-checkpoint", content=format_add_checkpoint(old_size, proof, note)
    )
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if response.status_code == 409 and media_type == SIZE_MEDIA_TYPE:
        try:
            return Conflict(parse_size(response.text))
        except ValueError as error:
            return Refused(409, f"{witness.key.name} answered a conflict without a size: {error}")
    if response.status_code != 200:
        # A 409 without a size is a fork: the witness cosigned another tree of this size.
        return Refused(response.status_code, response.text.strip())
    try:
        # The answer is signature lines: appended to the checkpoint they make a note to verify.
        cosigned = parse_note(text + "\n" + response.text)
        verify_note(cosigned, [witness.key])
    except NoteError as error:
        return Refused(200, f"{witness.key.name} answered no valid cosignature: {error}")
    own = (witness.key.name, witness.key.key_id)
    return Cosigned(tuple(s for s in cosigned.signatures if (s.name, s.key_id) == own))
