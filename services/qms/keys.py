"""Note signing keys kept in files: read at start, made on the first one."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from services.qms.domain.notes import SignerKey, parse_signer_key


def signer_key_from_file(path: Path, name: str, signature_type: int) -> SignerKey:
    """The key in `path` (its PRIVATE+KEY text form), made there when the file is missing.

    ValueError when the file holds another name's key or another type: a renamed process
    must not sign under its old name.
    """
    if not path.exists():
        _write_new(path, SignerKey.generate(name, signature_type))
    key = parse_signer_key(path.read_text(encoding="utf-8").strip())
    if (key.name, key.signature_type) != (name, signature_type):
        raise ValueError(
            f"{path} holds the key of {key.name} (type {key.signature_type:#04x}), "
            f"not of {name} (type {signature_type:#04x})"
        )
    return key


def _write_new(path: Path, key: SignerKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under a temporary name, readable by the owner alone, then linked in place:
    # linking fails if another process made the key meanwhile, and that key is kept.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(key.text() + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()
