"""`python -m contracts`: write the committed schemas, samples and AsyncAPI document."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from contracts.catalogue import (
    ASYNCAPI_PATH,
    SAMPLE_DIR,
    SCHEMA_DIR,
    contract_schema,
    file_stem,
    generated_files,
    published,
    render_asyncapi,
)
from contracts.compat import breaking_changes


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m contracts", description="Generate the committed event catalogue."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    schemas = commands.add_parser(
        "schemas", help="(re)write contracts/schemas/*.json and contracts/samples/*.json"
    )
    schemas.add_argument("--check", action="store_true", help="write nothing; fail if stale")
    schemas.add_argument(
        "--allow-breaking",
        action="store_true",
        help="overwrite a committed schema even with a non-additive change (never for a "
        "version that was released)",
    )
    asyncapi = commands.add_parser("asyncapi", help="(re)write docs/asyncapi.yaml")
    asyncapi.add_argument("--check", action="store_true", help="write nothing; fail if stale")
    asyncapi.add_argument("--output", type=Path, default=ASYNCAPI_PATH, help="where to write")
    commands.add_parser("list", help="print the routing key and class of every contract")
    args = parser.parse_args(argv)

    if args.command == "list":
        for contract in published():
            print(f"{contract.routing_key():45} {contract.__module__}.{contract.__name__}")
        return 0
    if args.command == "asyncapi":
        return _sync({args.output: render_asyncapi()}, check=args.check)
    broken = [] if args.allow_breaking else _breaking()
    for line in broken:
        print(line, file=sys.stderr)
    if broken:
        print(
            "non-additive change of a committed contract: keep that version unchanged and add "
            "a class with the next event_version instead",
            file=sys.stderr,
        )
        return 1
    status = _sync(generated_files(), check=args.check)
    _report_retired()
    return status


def _breaking() -> list[str]:
    lines = []
    for contract in published():
        path = SCHEMA_DIR / f"{file_stem(contract)}.json"
        if path.exists():
            committed = json.loads(path.read_text(encoding="utf-8"))
            current = contract_schema(contract)
            lines += [f"{path.name}: {p}" for p in breaking_changes(committed, current)]
    return lines


def _sync(files: dict[Path, str], *, check: bool) -> int:
    stale = [
        path
        for path, text in sorted(files.items())
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    for path in stale:
        if check:
            print(f"stale: {path}", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[path], encoding="utf-8")
            print(f"wrote {path}")
    return 1 if check and stale else 0


def _report_retired() -> None:
    current = {f"{file_stem(c)}.json" for c in published()}
    for directory in (SCHEMA_DIR, SAMPLE_DIR):
        for path in sorted(directory.glob("*.json")):
            if path.name not in current:
                print(
                    f"{path} has no contract any more: delete it by hand once no consumer "
                    "binds that version",
                    file=sys.stderr,
                )


if __name__ == "__main__":
    sys.exit(main())
