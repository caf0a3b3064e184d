"""Legal clock commands (python -m chassis.legalclock): due, rules, show-calendar, seed-calendar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from chassis.legalclock.deadlines import compute_deadline
from chassis.legalclock.rules import RulesError, UnknownRuleError, load_rules, rule
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


def _due(args: argparse.Namespace) -> int:
    found = rule(args.rule, load_rules())
    deadline = compute_deadline(
        found,
        args.start,
        extensions=1 if args.extended else 0,
        undated_excluded_days=args.excluded_days,
        calendar=load_default_calendar(),
    )
    # The first line is the answer, for scripts; the rest explains it.
    print(deadline.due.isoformat())
    print(f"provisional  {'yes' if deadline.provisional else 'no'}")
    print(f"rule         {found.code}: {found.title}")
    print(f"basis        {found.basis}")
    counted = f"{found.length} {found.unit}"
    if deadline.extended_by:
        counted += f" + {deadline.extended_by} extension"
    if deadline.excluded_days:
        counted += f" + {deadline.excluded_days} that do not count"
    print(f"counted      {counted} from the day after {deadline.start.isoformat()}")
    if deadline.rolled_to_workday:
        print("             (the last day was a day off: moved to the next working day)")
    print(f"calendar     {deadline.calendar_version}")
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
    due = commands.add_parser(
        "due", help="print the due day of a rule's period and whether it is provisional"
    )
    due.add_argument("rule", help="rule code, e.g. enforcement.payment")
    due.add_argument(
        "start", type=date.fromisoformat, help="the day the period runs from (YYYY-MM-DD)"
    )
    due.add_argument("--extended", action="store_true", help="with the rule's one extension")
    due.add_argument(
        "--excluded-days",
        type=int,
        default=0,
        metavar="N",
        help="days that do not count (a suspension, a hearing, testing)",
    )
    due.set_defaults(handler=_due)
    rules = commands.add_parser("rules", help="print the deadline rules in force")
    rules.set_defaults(handler=_rules)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; data errors are printed, not raised."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.handler(args)
    except (CalendarError, RulesError, UnknownRuleError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
