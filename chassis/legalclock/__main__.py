"""Legal clock commands (python -m chassis.legalclock): seed-calendar, show-calendar, rules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from chassis.legalclock.rules import RulesError, load_rules
from chassis.legalclock.workdays import (
    BUNDLED_CALENDAR,
    CALENDAR_ENV,
    CalendarError,
    load_default_calendar,
)


def _seed_calendar(args: argparse.Namespace) -> int:
    from chassis.legalclock.seed import write_calendar

    path = write_calendar(args.output, revision=args.revision)
    print(f"wrote {path}")
    return 0


def _year_ranges(years: Sequence[int]) -> str:
    # Show "2004–2026" rather than 23 numbers; gaps (if an override has any) stay visible.
    spans: list[list[int]] = []
    for year in sorted(years):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in spans) or "none"


def _show_calendar(_: argparse.Namespace) -> int:
    calendar = load_default_calendar()
    print(f"version  {calendar.version}")
    print(f"file     {calendar.source}")
    print(f"years    {_year_ranges(sorted(calendar.known_years))}")
    print(
        f"holidays {len(calendar.holidays)}, make-up working days {len(calendar.makeup_workdays)}"
    )
    print(f"(set {CALENDAR_ENV} to a newer file to override; later version wins)")
    return 0


def _rules(_: argparse.Namespace) -> int:
    rules = load_rules()
    header = ("code", "length", "extension", "approver", "beyond", "excluded", "basis")
    rows = [
        (
            r.code,
            f"{r.length} {r.unit}",
            f"+{r.extension_length}" if r.extension_length else "-",
            r.extension_approver or "-",
            r.beyond_extension or "-",
            ",".join(r.excluded) or "-",
            r.basis,
        )
        for r in sorted(rules.values(), key=lambda r: r.code)
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m chassis.legalclock``."""
    parser = argparse.ArgumentParser(prog="python -m chassis.legalclock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser(
        "seed-calendar", help="regenerate the bundled calendar from the chinese-calendar package"
    )
    seed.add_argument("--output", type=Path, default=BUNDLED_CALENDAR, help="file to write")
    seed.add_argument(
        "--revision", type=int, default=1, help="N of the version <last year>.N (default 1)"
    )
    seed.set_defaults(handler=_seed_calendar)
    show = commands.add_parser("show-calendar", help="print the calendar in force")
    show.set_defaults(handler=_show_calendar)
    rules = commands.add_parser("rules", help="print the deadline rules in force")
    rules.set_defaults(handler=_rules)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; data errors are printed, not raised."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.handler(args)
    except (CalendarError, RulesError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
