"""Process settings, read from the environment alone."""

from __future__ import annotations

import ipaddress
import re
import sys
from pathlib import Path
from typing import ClassVar, Literal, NoReturn, TypeVar, overload
from urllib.parse import unquote, urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from chassis.brokers import broker_urls
from chassis.platform import GATEWAY, PORTS

_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}
S = TypeVar("S", bound="Settings")
_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
# Broker passwords anyone can read: none, RabbitMQ's own, and the demo administrator's
# (deploy/rabbitmq/rabbitmq.conf).
DEFAULT_BUS_PASSWORDS = frozenset({"", "guest", "shijian"})


class Settings(BaseSettings):
    """Settings every shijian process reads; `service` is given by the process, not the env.

    BUS_URL is one broker's AMQP URL, or several separated by commas (the nodes of one
    cluster), each complete with the same user and its password:
    `amqp://u:p@h1:5672/,amqp://u:p@h2:5672/`. The process connects to the first that answers
    and moves to the next when its connection is lost.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service: str
    # The gateway signs tokens with its own keys; everyone else verifies them.
    issues_tokens: ClassVar[bool] = False
    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    bus_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    bus_prefix: str = "shijian"
    host: str = "127.0.0.1"
    port: int = 0
    # Several replicas of a process share its port (SO_REUSEPORT): the kernel spreads their
    # connections, as an Ingress or a Kubernetes Service would (`make run REPLICAS=2`).
    reuse_port: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    jwks_url: str | None = None
    jwt_public_keys: str | None = None
    jwt_issuer: str = "shijian-gateway"
    jwt_audience: str = "shijian"
    # Larger JSON bodies are refused (413) before they are read whole.
    max_request_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    # PostgreSQL connections of the process' requests and consumer (the relay has one of its
    # own): docs/operations.md weighs their sum over every replica against max_connections.
    db_pool_size: int = Field(default=8, ge=1, le=200)
    db_max_overflow: int = Field(default=4, ge=0, le=200)
    # Load shedding (chassis/admission.py): requests handled at once, how many more may wait
    # and how long; beyond, 503 with Retry-After. Sized in docs/operations.md.
    max_concurrent_requests: int = Field(default=16, ge=1, le=10_000)
    max_waiting_requests: int = Field(default=8, ge=0, le=10_000)
    max_wait_seconds: float = Field(default=0.05, ge=0, le=60)
    retry_after_seconds: int = Field(default=1, ge=1, le=3600)
    bus_delivery_limit: int = Field(default=5, ge=1, le=100)
    # Set on the broker as policies by `python -m chassis.bus provision` (`make migrate`).
    bus_queue_max_length: int = Field(default=1_000_000, ge=1000)
    bus_prefetch: int = Field(default=64, ge=1, le=1000)
    bus_concurrency: int = Field(default=8, ge=1, le=100)
    bus_batch: int = Field(default=16, ge=1, le=500)
    bus_heartbeat_seconds: int = Field(default=15, ge=1, le=600)
    relay_batch: int = Field(default=200, ge=1, le=5000)
    relay_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    publish_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    outbox_retention_hours: float = Field(default=72.0, gt=0)
    inbox_retention_days: float = Field(default=30.0, gt=0)
    crash_point: str | None = None
    crash_probability: float = Field(default=1.0, ge=0, le=1)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "not a database URL; expected postgresql+asyncpg://user@host/db "
                "or sqlite+aiosqlite:///path.db"
            ) from None
        driver = _DRIVERS.get(url.drivername)
        if driver is None:
            raise ValueError(f"unsupported driver {url.drivername!r}; use PostgreSQL or SQLite")
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @field_validator("bus_url")
    @classmethod
    def _bus_url(cls, value: str) -> str:
        # One broker, or several (one cluster's nodes) separated by commas, each with the same
        # user: chassis.brokers.
        return ",".join(broker_urls(value))

    @field_validator("bus_prefix")
    @classmethod
    def _bus_prefix(cls, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError("lowercase letters, digits, '.', '_' and '-' only")
        return value

    @field_validator("port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("must be between 1 and 65535")
        return value

    @field_validator("crash_point")
    @classmethod
    def _crash_point(cls, value: str | None) -> str | None:
        from chassis.bus.faults import CRASH_POINTS

        if value and value not in CRASH_POINTS:
            raise ValueError(f"one of {', '.join(sorted(CRASH_POINTS))}")
        return value or None

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if self.environment == "production" and not self.database_url:
            # Without it a production process would quietly keep its records in a local file.
            raise ValueError("DATABASE_URL: required in production (SQLite is for make run)")
        # Defaults that depend on the service's name are filled here, not by the env.
        if not self.database_url:
            path = (self.data_dir / f"{self.service}.db").as_posix()
            object.__setattr__(self, "database_url", f"sqlite+aiosqlite:///{path}")
        if self.port == 0:
            object.__setattr__(self, "port", PORTS.get(self.service, GATEWAY.port))
        if (
            self.environment == "production"
            and not self.issues_tokens
            and not (self.jwks_url or self.jwt_public_keys)
        ):
            raise ValueError("JWKS_URL: required in production (the development key is refused)")
        return self

    @property
    def trusts_development_key(self) -> bool:
        """Whether tokens signed with the committed development key are accepted: outside
        production, with no key set configured, and only on a loopback listener (its private
        half is in the repository: anyone who reaches the port could sign with it)."""
        return (
            self.environment != "production"
            and not self.issues_tokens
            and not self.jwks_url
            and not self.jwt_public_keys
            and _loopback(self.host)
        )

    def refusal_to_serve(self) -> str | None:
        """Why this process must not serve as configured, or None."""
        if self.environment == "production" and _default_bus_password(self.bus_url):
            return (
                "BUS_URL: the broker password is a published default (guest, shijian); "
                "give each process its own broker user and password (python -m chassis.bus "
                "provision)"
            )
        if self.issues_tokens or self.jwks_url or self.jwt_public_keys:
            return None
        if self.trusts_development_key:
            return None
        return (
            f"HOST: {self.host} is reachable from other machines, where the development key "
            "cannot be trusted: set JWKS_URL or JWT_PUBLIC_KEYS, or listen on 127.0.0.1"
        )

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


def _default_bus_password(bus_url: str) -> bool:
    return any(
        unquote(urlsplit(url).password or "") in DEFAULT_BUS_PASSWORDS
        for url in broker_urls(bus_url)
    )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def describe_error(service: str, error: ValidationError) -> str:
    """One line naming each bad setting, for a person reading a failed start."""
    parts = []
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        name = ".".join(str(p) for p in item["loc"]).upper()
        # Cross-field checks carry the setting's name at the start of their message.
        parts.append(f"{name}: {message}" if name else message)
    return f"shijian {service}: bad setting {'; '.join(parts)}"


def exit_on_bad_settings(service: str, error: ValidationError) -> NoReturn:
    """Stop the process with one line naming the bad setting."""
    print(describe_error(service, error), file=sys.stderr)
    raise SystemExit(2)


@overload
def load_settings(service: str) -> Settings: ...
@overload
def load_settings(service: str, cls: type[S]) -> S: ...
def load_settings(service: str, cls: type[Settings] = Settings) -> Settings:
    """Read the settings of `service` from the environment, or stop with one clear line."""
    try:
        return cls(service=service)
    except ValidationError as error:
        exit_on_bad_settings(service, error)
