"""`python -m services.supervision draw verify DRAWN.json [--commitment HEX]`: recompute a
random inspection's draw from what was published, offline (no database, no broker).

DRAWN.json is the `supervision.draw.drawn` event (its envelope, or only its data); with
`--commitment`, the commitment of the `supervision.draw.committed` event published before the
seed must be the one the inputs give too. Exit 0 when the commitment and the selection both
match, 1 when either does not, 2 when the file cannot be read as a draw.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from chassis.app import Command
from chassis.settings import Settings
from services.supervision.domain.draws import verify


def configure(parser: argparse.ArgumentParser) -> None:
    """`draw verify FILE [--commitment HEX]`."""
    steps = parser.add_subparsers(dest="step", required=True)
    check = steps.add_parser("verify", help="recompute a published draw and compare")
    check.add_argument("drawn", type=Path, help="the supervision.draw.drawn event (JSON)")
    check.add_argument(
        "--commitment", help="the commitment published before the draw (supervision.draw.committed)"
    )


def run_draw(settings: Settings, args: argparse.Namespace) -> int:
    """Print what matches and what does not; the exit status."""
    try:
        published = json.loads(args.drawn.read_text(encoding="utf-8"))
        data = published.get("data", published)
        found = verify(data, committed=args.commitment)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"draw verify: cannot read {args.drawn} as a published draw: {error}")
        return 2
    said = {True: "matches", False: "does not match"}
    print(f"commitment: {said[found.commitment_matches]}")
    print(f"selection: {said[found.selection_matches]}")
    if not found.selection_matches:
        print("recomputed selection:")
        print(json.dumps(found.recomputed, ensure_ascii=False, indent=2))
    print("draw verified" if found.holds else "draw does not match its published inputs")
    return 0 if found.holds else 1


DRAW = Command(
    name="draw",
    help="random inspection draws: `draw verify FILE` recomputes a published draw offline",
    configure=configure,
    run=run_draw,
)
