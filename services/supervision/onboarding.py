"""`python -m services.supervision import FILE`: the bulk onboarding command (批量建档)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import asyncpg
import sqlalchemy as sa

from chassis.app import Command
from chassis.settings import Settings
from services.supervision.register import ImportRefusedError
from services.supervision.settings import SupervisionSettings
from services.supervision.usecases.onboarding import DEFAULT_BATCH, Outcome, onboard

HELP = """Load an existing register of market entities as households (PostgreSQL only).

FILE is CSV with a header row (.csv) or JSON Lines (.jsonl, .ndjson), one entity a record:
credit_code, name, entity_type, operator_name, address_text, community_code, lon and lat
(optional, WGS 84), business_scope (CSV: items separated by ';'; JSON Lines: a list) and
office_code (optional: whose unrouted queue takes the household when no grid is found).

Each household is routed as live ones are: the grid containing its point (border included),
else the grid covering its community code, else unrouted. A routed one goes to the grid's
owner (and the agent of a delegation running today), without a claim deadline unless the
ONBOARDING_CLAIM_WORKDAYS setting asks for one (the register was supervised already). A bad line
is rejected with its number and reason; the rest go on. A credit code already present is
skipped ("already there"), so re-running a file adds nothing and re-routes nothing.

No event is published per household: onboarding a register is not news, and a million
supervision.household.assigned events would flood every inspector's notifications.

Exit status: 0 when every line is stored or already there, 1 when some lines were rejected
(the others are stored), 2 when the file or the database cannot be used. SQLite is not
supported: the import uses PostgreSQL's COPY."""


# -- the command -----------------------------------------------------------------------------


def describe(outcome: Outcome) -> list[str]:
    """The summary printed at the end."""
    counts = [
        ("read", outcome.read),
        ("stored", outcome.stored),
        ("  routed by point", outcome.by_point),
        ("  routed by community", outcome.by_community),
        ("  unrouted", outcome.unrouted),
        ("already there", outcome.already_there),
        ("rejected", outcome.rejected_total),
        *((f"  {name}", count) for name, count in sorted(outcome.rejected.items())),
    ]
    lines = [
        f"imported {outcome.file} in {outcome.seconds:.1f} s"
        f" ({outcome.read / max(outcome.seconds, 1e-9):,.0f} lines/s)",
        *(f"  {label:<24}{count:>12,}" for label, count in counts),
    ]
    if outcome.first_rejected:
        lines.append("  first rejected lines:")
        lines += [f"    line {line}: {reason}" for line, reason in outcome.first_rejected]
        more = outcome.rejected_total - len(outcome.first_rejected)
        if more:
            lines.append(f"    … and {more:,} more")
    lines.append("  no events published (onboarding a register is not news)")
    return lines


def configure(parser: argparse.ArgumentParser) -> None:
    """The import's arguments."""
    parser.add_argument("file", type=Path, metavar="FILE", help="a .csv, .jsonl or .ndjson file")
    parser.add_argument(
        "--batch",
        type=int,
        default=DEFAULT_BATCH,
        metavar="N",
        help=f"lines routed and stored together, one transaction each (default {DEFAULT_BATCH})",
    )


def run_import(settings: Settings, args: argparse.Namespace) -> int:
    """`python -m services.supervision import FILE [--batch N]`: the exit status."""
    if not isinstance(settings, SupervisionSettings):
        raise TypeError("the import needs the supervision settings")
    if not 100 <= args.batch <= 1_000_000:
        print("supervision import: --batch must be between 100 and 1000000", file=sys.stderr)
        return 2
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description:<15}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    try:
        # On a terminal only; gone once done (the summary says it all).
        bar = Progress(*columns, console=console, transient=True, disable=not console.is_terminal)
        with bar as progress:
            outcome = asyncio.run(onboard(settings, args.file, batch=args.batch, progress=progress))
    except ImportRefusedError as error:
        print(f"supervision import: {error}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError, sa.exc.SQLAlchemyError) as error:
        reason = str(getattr(error, "orig", None) or error).split("\n", 1)[0]
        print(f"supervision import: database: {type(error).__name__}: {reason}", file=sys.stderr)
        return 2
    print("\n".join(describe(outcome)))
    return 1 if outcome.rejected_total else 0


IMPORT = Command(name="import", help=HELP, configure=configure, run=run_import)
