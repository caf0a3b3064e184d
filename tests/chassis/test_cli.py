"""A service adds its own commands to `python -m services.<name>` through its ServiceSpec."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from chassis.app import Command
from chassis.cli import run
from chassis.settings import Settings
from tests.chassis.conftest import PROBE


def greeting(calls: list[tuple[str, argparse.Namespace]], status: int) -> Command:
    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("who")
        parser.add_argument("--times", type=int, default=1)

    def greet(settings: Settings, args: argparse.Namespace) -> int:
        calls.append((settings.service, args))
        return status

    return Command(name="greet", help="say hello\n\nat length", configure=configure, run=greet)


def test_a_command_is_called_with_the_settings_and_its_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[tuple[str, argparse.Namespace]] = []
    spec = dataclasses.replace(PROBE, commands=[greeting(calls, 0)])
    run(spec, ["greet", "world", "--times", "2"])
    [(service, args)] = calls
    assert (service, args.command, args.who, args.times) == ("probe", "greet", "world", 2)
    with pytest.raises(SystemExit):
        run(spec, ["--help"])
    listed = capsys.readouterr().out
    assert "greet" in listed and "say hello" in listed and "at length" not in listed
    assert "migrate" in listed  # the chassis' own commands are still there


def test_a_failing_command_exits_with_its_status() -> None:
    spec = dataclasses.replace(PROBE, commands=[greeting([], 3)])
    with pytest.raises(SystemExit) as stopped:
        run(spec, ["greet", "world"])
    assert stopped.value.code == 3


def test_a_command_may_not_take_a_chassis_name() -> None:
    taken = dataclasses.replace(greeting([], 0), name="migrate")
    with pytest.raises(ValueError, match="'migrate' is taken"):
        run(dataclasses.replace(PROBE, commands=[taken]), ["migrate"])
