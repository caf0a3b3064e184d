"""The database engine and the chassis' own tables (outbox, inbox, idempotency keys, revoked
tokens)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from pydantic_core import from_json
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

if TYPE_CHECKING:
    from chassis.settings import Settings


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored with its zone and always read back aware, in UTC.

    PostgreSQL keeps the zone; SQLite (the embedded default) keeps none and hands back naive
    values, which RFC 3339 answers and comparisons with aware values refuse.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        # SQLite drops the offset when it stores: keep every stored value in UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        # asyncpg reads timestamptz's binary form, which is UTC, as an aware value in UTC: a
        # call per value read (500-row pages, two or three timestamps a row) would change nothing.
        if dialect.driver == "asyncpg":
            return None
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# One naming convention for chassis and service tables, so Alembic names constraints stably.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> sa.MetaData:
    """A MetaData for a service's tables, with the shared naming convention."""
    return sa.MetaData(naming_convention=NAMING_CONVENTION)


chassis_metadata = new_metadata()

outbox = sa.Table(
    "outbox",
    chassis_metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("routing_key", sa.String(200), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("sequence", sa.BigInteger, nullable=False),
    sa.Column("envelope", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
)
# The relay claims unsent rows by status, oldest first.
sa.Index(
    "ix_outbox_unsent",
    outbox.c.created_at,
    sqlite_where=outbox.c.published_at.is_(None),
    postgresql_where=outbox.c.published_at.is_(None),
)

# Pruning finds published rows by age.
sa.Index("ix_outbox_published", outbox.c.published_at)

inbox = sa.Table(
    "inbox",
    chassis_metadata,
    sa.Column("event_id", sa.Uuid, primary_key=True),
    sa.Column("routing_key", sa.String(200), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
)
sa.Index("ix_inbox_received", inbox.c.received_at)

# The last error of each event a handler failed on: the DLQ command shows it beside the message.
delivery_failures = sa.Table(
    "delivery_failures",
    chassis_metadata,
    sa.Column("event_id", sa.Uuid, primary_key=True),
    sa.Column("routing_key", sa.String(200), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("failed_at", UtcDateTime, nullable=False),
)

event_sequences = sa.Table(
    "event_sequences",
    chassis_metadata,
    sa.Column("subject", sa.String(200), primary_key=True),
    sa.Column("last_sequence", sa.BigInteger, nullable=False),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    chassis_metadata,
    sa.Column("scope", sa.String(300), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    # Empty while the creation it guards runs (the key is claimed before, answered after).
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("response", sa.JSON, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# Access tokens refused before they expire (chassis/revocation.py): kept across restarts, each
# row until the tokens it refuses would have expired anyway.
revoked_token_ids = sa.Table(
    "revoked_token_ids",
    chassis_metadata,
    sa.Column("jti", sa.String(64), primary_key=True),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
)

# A deactivated person: every token issued to them at or before `issued_before` is refused.
token_cutoffs = sa.Table(
    "token_cutoffs",
    chassis_metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("issued_before", UtcDateTime, nullable=False),
    sa.Column("refused_until", UtcDateTime, nullable=False, index=True),
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """One service's engine; each unit of work takes its own connection from the pool.

    On PostgreSQL the pool holds `pool_size` connections and opens up to `max_overflow` more
    while busy; SQLite has no server whose connections are counted.
    """

    def __init__(self, url: str, *, pool_size: int = 8, max_overflow: int = 4) -> None:
        parsed = make_url(url)
        options: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            # No pre-ping: a round trip per checkout; a disconnect invalidates the pool anyway.
            options.update(pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800)
        self.url = url
        # JSON columns are read by pydantic's parser in Rust, three times faster than `json`'s
        # (a listing of 500 households decodes a thousand documents).
        self.engine: AsyncEngine = create_async_engine(url, json_deserializer=from_json, **options)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    @classmethod
    def of(cls, settings: Settings) -> Database:
        """The serving process' database, its pool sized by DB_POOL_SIZE and DB_MAX_OVERFLOW."""
        return cls(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )

    def with_own_connection(self) -> Database:
        """On PostgreSQL, the same database through one connection of its own, for work that
        must not wait behind requests for the pool (the outbox relay); on SQLite, this one."""
        if self.dialect == "sqlite":
            return self
        return Database(self.url, pool_size=1, max_overflow=0)

    @property
    def dialect(self) -> str:
        """The backend's name: `postgresql` or `sqlite`."""
        return self.engine.dialect.name

    async def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def elements_of(array: sa.ColumnElement[Any], dialect: str) -> sa.TableValuedAlias:
    """Within a query on its table: a JSON array column's elements as rows, each in `value`."""
    # Each database has its own function to read a JSON array as rows.
    elements = sa.func.json_each if dialect == "sqlite" else sa.func.json_array_elements_text
    return elements(array).table_valued("value")


def holds(array: sa.ColumnElement[Any], wanted: str, dialect: str) -> sa.Exists:
    """Within a query on its table: the JSON array column has `wanted` among its elements."""
    held = elements_of(array, dialect)
    return sa.exists().select_from(held).where(held.c.value == wanted)


T = TypeVar("T")


def for_each_dialect(build: Callable[[Any], T]) -> dict[str, T]:
    """`build(dialect module)` for each dialect the platform runs on, by dialect name: a
    statement built once at import (building one per call costs more CPU than its round trip),
    then taken by `connection.dialect.name`."""
    return {"postgresql": build(postgresql), "sqlite": build(sqlite)}


def dialect_of(connection: AsyncConnection) -> Any:
    """The SQLAlchemy dialect module of the connection, for its `insert … on conflict`."""
    return postgresql if connection.dialect.name == "postgresql" else sqlite


async def upsert(
    connection: AsyncConnection,
    table: sa.Table,
    rows: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    key: Sequence[str],
    *,
    where: Any = None,
) -> None:
    """Insert `rows`, or bring the row with the same `key` columns up to date with their other
    values (only where `where` holds, e.g. an older timestamp: the newest fact wins)."""
    values = [rows] if isinstance(rows, Mapping) else list(rows)
    if not values:
        return
    statement = dialect_of(connection).insert(table).values(values)
    changed = {name: statement.excluded[name] for name in values[0] if name not in key}
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c[name] for name in key], set_=changed, where=where
        )
    )
