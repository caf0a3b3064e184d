"""Deadline rules held as data: one rule per legal time limit, with its basis in law.

The bundled ``data/rules.toml`` holds the defaults of docs/domain.md's table. A service may declare
extra rules in its own TOML file (``load_rules(path)``); an administrator may change any rule
through ``LEGALCLOCK_RULES``. Later sources replace whole rules of the same code.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

RULES_ENV = "LEGALCLOCK_RULES"
BUNDLED_RULES = Path(__file__).with_name("data") / "rules.toml"

Unit = Literal["workdays", "days"]
_IDENT = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[str, Field(pattern=_IDENT)]


class RulesError(ValueError):
    """A rules file is missing, unreadable or invalid; the message names the file."""


class UnknownRuleError(KeyError):
    """No deadline rule has the requested code."""

    def __str__(self) -> str:
        # KeyError's own str() is the repr of its argument; show the message as written.
        return str(self.args[0]) if self.args else "unknown deadline rule"


class DeadlineRule(BaseModel):
    """One legal time limit: its length, unit, extensions and the intervals that do not count."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
    title: str = Field(min_length=1)
    runs_from: str = Field(min_length=1)
    basis: str = Field(min_length=1)
    unit: Unit
    length: int = Field(ge=1)
    extension_length: int = Field(default=0, ge=0)
    extension_approver: Identifier | None = None
    beyond_extension: Identifier | None = None
    excluded: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> DeadlineRule:
        if self.extension_length == 0 and (self.extension_approver or self.beyond_extension):
            raise ValueError("a rule without extension_length can have no approver or beyond")
        if self.extension_length > 0 and not self.extension_approver:
            raise ValueError("an extension needs an extension_approver")
        if len(set(self.excluded)) != len(self.excluded):
            raise ValueError("excluded kinds must not repeat")
        return self

    @property
    def max_extensions(self) -> int | None:
        """How many extensions the rule allows (None: unlimited, each by ``beyond_extension``)."""
        if self.extension_length == 0:
            return 0
        return None if self.beyond_extension else 1


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()
    )


def parse_rules(data: Mapping[str, Any], source: str = "<rules>") -> dict[str, DeadlineRule]:
    """Validate the ``[[rule]]`` tables of a parsed rules document, keyed by code."""
    entries = data.get("rule", [])
    unknown = sorted(set(data) - {"rule"})
    if unknown or not isinstance(entries, list):
        raise RulesError(f"rules file {source}: expected only [[rule]] tables, found {unknown}")
    rules: dict[str, DeadlineRule] = {}
    for index, entry in enumerate(entries):
        try:
            parsed = DeadlineRule.model_validate(entry)
        except ValidationError as exc:
            code = entry.get("code", "?") if isinstance(entry, dict) else "?"
            raise RulesError(
                f"rules file {source}: rule #{index + 1} ({code}): {_describe(exc)}"
            ) from exc
        if parsed.code in rules:
            raise RulesError(f"rules file {source}: rule {parsed.code} is defined twice")
        rules[parsed.code] = parsed
    return rules


def read_rules_file(path: Path | str) -> dict[str, DeadlineRule]:
    """Read and validate one rules TOML file (no merging); RulesError names the file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise RulesError(f"rules file {path}: not found") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"rules file {path}: unreadable: {exc}") from exc
    return parse_rules(data, source=str(path))


def load_rules(
    path: Path | str | None = None, *, environ: Mapping[str, str] | None = None
) -> dict[str, DeadlineRule]:
    """The bundled rules, then ``path``'s (a service's own), then ``LEGALCLOCK_RULES``'s."""
    env = os.environ if environ is None else environ
    rules = read_rules_file(BUNDLED_RULES)
    if path is not None:
        rules.update(read_rules_file(path))
    # The administrator's setting has the last word over both the defaults and a service.
    override = env.get(RULES_ENV, "").strip()
    if override:
        rules.update(read_rules_file(override))
    return rules


@cache
def _default_rules() -> dict[str, DeadlineRule]:
    return load_rules()


def default_rules() -> dict[str, DeadlineRule]:
    """The process-wide rules (bundled plus ``LEGALCLOCK_RULES``), loaded once; a copy."""
    return dict(_default_rules())


def reload_rules() -> dict[str, DeadlineRule]:
    """Forget the cached rules and load them again."""
    _default_rules.cache_clear()
    return default_rules()


def rule(code: str, rules: Mapping[str, DeadlineRule] | None = None) -> DeadlineRule:
    """The rule with this code (from ``rules`` or the defaults); UnknownRuleError otherwise."""
    table = _default_rules() if rules is None else rules
    try:
        return table[code]
    except KeyError:
        known = ", ".join(sorted(table))
        raise UnknownRuleError(f"no deadline rule {code!r}; known rules: {known}") from None
