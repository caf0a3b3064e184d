"""RabbitMQ nodes and PostgreSQL servers of a test's own, in temporary directories.

Fault tests stop, kill and pause these, never the machine's servers (other people's tests run
on those). Each server listens on loopback ports the OS hands out, runs as the user its
package runs as (they refuse root or would write files root owns) and is stopped and removed
when the test is done with it.

A RabbitMQ node shares the machine's Erlang cookie (it runs with the rabbitmq user's home), so
`rabbitmqctl -n NODE` reaches it as it reaches the machine's node; nothing else of the
machine's node is touched, and epmd only registers the nodes' names.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Where Debian's package keeps the scripts its /usr/sbin wrappers run as the rabbitmq user.
RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
# Ports the machine's servers and CI's launch test use: never handed to an own server.
RESERVED_PORTS = frozenset({5432, 5672, 15672, 25672, *range(8000, 8008)})
BOOT_SECONDS = 90
_numbers = itertools.count(1)


class ServerError(RuntimeError):
    """An own server did not start, stop or answer as asked."""


def free_port() -> int:
    """A loopback port the OS considers free now (bound to port 0, then released)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in RESERVED_PORTS:
            return port


@dataclass(frozen=True)
class Account:
    """The system user a server runs as, with the home its tools read (the Erlang cookie)."""

    name: str | None
    home: str

    @classmethod
    def of(cls, package_user: str) -> Account:
        """The package's own user when we are root (its servers refuse root or would leave
        root-owned files), else ourselves."""
        if os.geteuid() != 0:
            return cls(None, os.environ.get("HOME", str(Path.home())))
        return cls(package_user, pwd.getpwnam(package_user).pw_dir)

    def owns(self, path: Path) -> None:
        """Give `path` to the account, so the server can write in it."""
        if self.name is not None:
            shutil.chown(path, self.name, self.name)

    def run_kwargs(self) -> dict[str, Any]:
        """subprocess arguments running a command as the account."""
        return {"user": self.name, "group": self.name} if self.name is not None else {}


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} unreadable)"


def _tempdir(prefix: str, account: Account) -> Path:
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    account.owns(directory)
    return directory


# --- RabbitMQ ------------------------------------------------------------------------------


def _rabbitmq_script(name: str) -> str:
    script = RABBITMQ_BIN / name
    if script.exists():
        return str(script)
    found = shutil.which(name)
    if found is None:
        raise ServerError(f"{name} not found: install rabbitmq-server (apt-get install it)")
    return found


@dataclass
class RabbitNode:
    """One RabbitMQ node of a test's own; guest/guest may connect to it over loopback."""

    directory: Path
    account: Account
    name: str = field(default_factory=lambda: f"shijian-test-{next(_numbers)}-{os.getpid()}")
    port: int = field(default_factory=free_port)
    dist_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def node(self) -> str:
        """The Erlang node name rabbitmqctl takes with -n."""
        return f"{self.name}@localhost"

    @property
    def url(self) -> str:
        """The administrator's AMQP URL of this node."""
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def log_path(self) -> Path:
        """What the node printed to its console (boot failures land here)."""
        return self.directory / "console.log"

    def _environment(self) -> dict[str, str]:
        base = self.directory
        return {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "HOME": self.account.home,
            "LANG": "C.UTF-8",
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            # Not the machine's rabbitmq-env.conf: it names the machine's node.
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def prepare(self) -> None:
        """Write the node's configuration into its directory."""
        self.directory.mkdir(parents=True, exist_ok=True)
        files = {
            # The disk alarm is raised by the tests on purpose, not by a full /tmp.
            "rabbitmq.conf": "disk_free_limit.absolute = 1MB\n",
            "enabled_plugins": "[].\n",
            "rabbitmq-env.conf": "",
        }
        for name, text in files.items():
            (self.directory / name).write_text(text)
        for path in (self.directory, *self.directory.iterdir()):
            self.account.owns(path)

    def launch(self) -> None:
        """Start the node's VM in the background (see `await_boot`)."""
        if self.process is not None and self.process.poll() is None:
            raise ServerError(f"{self.node} is already running")
        with self.log_path.open("ab") as console:
            self.process = subprocess.Popen(
                [_rabbitmq_script("rabbitmq-server")],
                env=self._environment(),
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                # Its own process group: a kill takes the VM and its helpers, nothing else.
                start_new_session=True,
                **self.account.run_kwargs(),
            )

    def ctl(self, *arguments: str, timeout: float = 120, check: bool = True) -> str:
        """`rabbitmqctl -n NODE ARGUMENTS`; its output."""
        done = subprocess.run(
            [_rabbitmq_script("rabbitmqctl"), "-q", "-n", self.node, *arguments],
            env={"PATH": os.environ.get("PATH", ""), "HOME": self.account.home},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **self.account.run_kwargs(),
        )
        if check and done.returncode != 0:
            raise ServerError(
                f"rabbitmqctl -n {self.node} {' '.join(arguments)}: "
                f"{(done.stderr or done.stdout).strip()[:2000]}"
            )
        return str(done.stdout)

    def await_boot(self, within: float = BOOT_SECONDS) -> None:
        """Wait until the node runs the broker application (its VM may not be up yet)."""
        deadline = time.monotonic() + within
        while True:
            if self.process is None or self.process.poll() is not None:
                raise ServerError(f"{self.node} exited while booting:\n{_tail(self.log_path)}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServerError(f"{self.node} not booted in {within} s:\n{_tail(self.log_path)}")
            # Fails at once while the VM has not registered its name yet: try again.
            try:
                self.ctl("await_startup", "--timeout", str(max(1, int(remaining))))
                return
            except ServerError:
                time.sleep(0.3)

    def start(self) -> None:
        """Launch the node and wait until it has booted."""
        self.launch()
        self.await_boot()

    def stop_app(self) -> None:
        """Stop the broker application; the VM stays (clients are disconnected)."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        """Start the broker application again."""
        self.ctl("start_app")

    def signal(self, number: signal.Signals) -> None:
        """Send a signal to the node's whole process group."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, number)

    def kill(self) -> None:
        """SIGKILL the node (no goodbye to clients or peers) and reap it."""
        if self.process is None:
            return
        self.signal(signal.SIGKILL)
        self.process.wait(30)

    def terminate(self) -> None:
        """Ask the node to shut down (SIGTERM: a clean stop) without waiting for it."""
        self.signal(signal.SIGCONT)  # a paused node cannot stop
        self.signal(signal.SIGTERM)

    def stop(self) -> None:
        """Stop the node cleanly (SIGKILL if it has not stopped within 30 s) and reap it."""
        if self.process is None:
            return
        self.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def restore(self) -> None:
        """Bring the node back to running, whatever a test left it in (killed, paused, its
        application stopped)."""
        if self.process is None or self.process.poll() is not None:
            self.start()
            return
        self.signal(signal.SIGCONT)
        self.start_app()  # a no-op when it runs

    def join(self, first: RabbitNode) -> None:
        """Join `first`'s cluster (this node must have booted and be empty)."""
        self.stop_app()
        self.ctl("join_cluster", first.node)
        self.start_app()


@contextlib.contextmanager
def rabbit_nodes(count: int, *, clustered: bool) -> Iterator[list[RabbitNode]]:
    """`count` own RabbitMQ nodes, booted side by side (and joined into one cluster when
    `clustered`); all stopped and their files removed afterwards, whatever happened."""
    account = Account.of("rabbitmq")
    root = _tempdir("shijian-rabbit-", account)
    nodes = [RabbitNode(root / f"node{n}", account) for n in range(1, count + 1)]
    try:
        for node in nodes:
            node.prepare()
            node.launch()
        for node in nodes:
            node.await_boot()
        if clustered:
            for node in nodes[1:]:
                node.join(nodes[0])
        yield nodes
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.stop()
        shutil.rmtree(root, ignore_errors=True)


def broker_urls(nodes: Sequence[RabbitNode]) -> str:
    """A BUS_URL listing the nodes, in order."""
    return ",".join(node.url for node in nodes)


# --- PostgreSQL ----------------------------------------------------------------------------


def _postgres_tool(name: str) -> str:
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise ServerError(f"{name} not found: install postgresql")
    return found


@dataclass
class PostgresServer:
    """One PostgreSQL server of a test's own: trust authentication, loopback only."""

    directory: Path
    account: Account
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        """The cluster's data directory."""
        return self.directory / "data"

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=self.directory,
            **self.account.run_kwargs(),
        )
        if done.returncode != 0:
            raise ServerError(
                f"{Path(command[0]).name}: {(done.stderr or done.stdout).strip()[:2000]}\n"
                f"{_tail(self.directory / 'server.log')}"
            )

    def initialise(self) -> None:
        """Create the cluster (initdb) with the `postgres` superuser."""
        self._run(
            _postgres_tool("initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            # A test's data is thrown away: no need to wait on the disk.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            _postgres_tool("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        """Stop the server at once (open connections are cut)."""
        self._run(_postgres_tool("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        """Whether the server is up."""
        done = subprocess.run(
            [_postgres_tool("pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
            check=False,
            **self.account.run_kwargs(),
        )
        return done.returncode == 0

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A started own PostgreSQL server; stopped and removed afterwards, whatever happened."""
    account = Account.of("postgres")
    server = PostgresServer(_tempdir("shijian-postgres-", account), account)
    try:
        server.initialise()
        server.start()
        yield server
    finally:
        if server.data.exists() and server.running():
            with contextlib.suppress(ServerError):
                server.stop()
        shutil.rmtree(server.directory, ignore_errors=True)
