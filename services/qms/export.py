"""`python -m services.qms audit export DIR`, `... audit verify DIR` and `... audit key`.

The export is what an auditor takes away: every stored row (index, the exact bytes, the root
stored with it), every checkpoint note (from the database and from the checkpoint folder), and
the log's public key. `verify` needs nothing but that folder (no database, no network): it
recomputes every leaf, checks each signed checkpoint and names the first bad index.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import sys
from collections.abc import Iterator
from pathlib import Path

from chassis.app import Command
from chassis.db import Database
from chassis.settings import Settings
from services.qms.domain.notes import ED25519, NoteError, parse_verifier_key
from services.qms.domain.verification import StoredLeaf, Verifier
from services.qms.keys import signer_key_from_file
from services.qms.repositories.log import AuditLog
from services.qms.settings import QmsSettings
from services.qms.usecases.checkpoints import checkpoint_files, write_checkpoint_file

ENTRIES = "entries.txt"  # one row a line: index, base64 entry, base64 stored root
CHECKPOINTS = "checkpoints"
KEY = "log-key.txt"


async def export(settings: QmsSettings, folder: Path) -> int:
    """Write the log's rows, checkpoints and public key to `folder`; how many rows."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    database = Database(settings.database_url)
    count = 0
    try:
        async with database.engine.connect() as connection:
            log = AuditLog(connection)
            with (folder / ENTRIES).open("w", encoding="ascii") as out:
                async for leaf in log.leaves():
                    entry = base64.b64encode(leaf.entry).decode()
                    root = base64.b64encode(leaf.tree_root).decode()
                    out.write(f"{leaf.leaf_index} {entry} {root}\n")
                    count += 1
            notes = await log.checkpoint_notes()
    finally:
        await database.dispose()
    notes += checkpoint_files(settings.checkpoint_dir)
    for number, note in enumerate(notes):
        write_checkpoint_file(folder / CHECKPOINTS, number, note)
    key = signer_key_from_file(settings.key_file, settings.audit_origin, ED25519).verifier_key()
    (folder / KEY).write_text(key.text() + "\n", encoding="utf-8")
    return count


def exported_leaves(folder: Path) -> Iterator[StoredLeaf]:
    """The rows of an export, in the order written."""
    with (folder / ENTRIES).open(encoding="ascii") as lines:
        for line in lines:
            index, entry, root = line.split()
            yield StoredLeaf(int(index), base64.b64decode(entry), base64.b64decode(root))


def verify_export(folder: Path, key_text: str) -> tuple[bool, str]:
    """Verify an export against the log key given; whether it holds, and what was found."""
    try:
        key = parse_verifier_key(key_text.strip())
    except NoteError as error:
        return False, f"the log key is not a verifier key: {error}"
    verifier = Verifier(checkpoint_files(folder / CHECKPOINTS), key)
    for leaf in exported_leaves(folder):
        if not verifier.feed(leaf):
            break
    verdict = verifier.verdict()
    if verdict.verified:
        return True, f"verified: {verdict.size} entries, every signed checkpoint holds"
    where = (
        "" if verdict.first_bad_index is None else f"first bad index {verdict.first_bad_index}: "
    )
    return False, f"NOT verified: {where}{verdict.problem}"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    out = actions.add_parser("export", help="write the log, its checkpoints and key to DIR")
    out.add_argument("folder", type=Path, metavar="DIR")
    check = actions.add_parser("verify", help="verify an export, without database or network")
    check.add_argument("folder", type=Path, metavar="DIR")
    actions.add_parser("key", help="print the log's verifier key (made on first use)")
    check.add_argument(
        "--key",
        help="the log's verifier key (name+id+key), got from the bureau out of band; "
        "default: the key in the export (which a forger could have replaced)",
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    """The exit status: 0 when the export is written or verifies, 1 when it does not verify."""
    if args.action in ("export", "key") and not isinstance(settings, QmsSettings):
        raise TypeError("the export needs the qms settings")
    if args.action == "key":
        assert isinstance(settings, QmsSettings)
        print(
            signer_key_from_file(settings.key_file, settings.audit_origin, ED25519)
            .verifier_key()
            .text()
        )
        return 0
    if args.action == "export":
        assert isinstance(settings, QmsSettings)
        count = asyncio.run(export(settings, args.folder))
        print(f"qms audit: exported {count} entries to {args.folder}")
        return 0
    key_text = args.key or (args.folder / KEY).read_text(encoding="utf-8")
    verified, message = verify_export(args.folder, key_text)
    print(f"qms audit: {message}", file=sys.stdout if verified else sys.stderr)
    return 0 if verified else 1


AUDIT = Command(
    name="audit",
    help="export the record of everything, or verify an export offline",
    configure=configure,
    run=run,
)
