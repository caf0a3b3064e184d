"""The flows through the gateway run on PostgreSQL; the few marked `on_both_databases` also run on
the embedded default (SQLite) that `make run` keeps, as its smoke test (every flow twice cost
minutes of CI for what the SQLite-specific tests of the chassis already show)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CreateDatabase


@dataclass(frozen=True)
class Databases:
    """Where a platform under test keeps its databases, and a label for its bus prefix."""

    kind: str
    create: CreateDatabase


on_both_databases = pytest.mark.parametrize("databases", ["postgresql", "sqlite"], indirect=True)


@pytest.fixture
def databases(
    request: pytest.FixtureRequest, create_database: CreateDatabase, tmp_path: Path
) -> Databases:
    """Fresh PostgreSQL databases, or SQLite files as `make run` keeps them."""
    if getattr(request, "param", "postgresql") == "postgresql":
        return Databases("postgresql", create_database)

    async def sqlite_file(label: str) -> str:
        return f"sqlite+aiosqlite:///{tmp_path / 'var' / label}.db"

    return Databases("sqlite", sqlite_file)
