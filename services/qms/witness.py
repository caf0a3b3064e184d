"""`python -m services.qms witness`: a witness of the record of everything (C2SP tlog-witness).

A small process meant to run at another office, with its own key and its own SQLite file: it
cosigns a log's checkpoint only when a consistency proof shows it extends the tree it cosigned
last, so the log cannot show one history to some and another to others, nor rewrite its past,
without the witness noticing. It has no bus and no service database.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
import time
from collections.abc import Callable
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any, Literal, assert_never

import uvicorn
from fastapi import FastAPI, Request, Response
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from chassis.app import Command
from chassis.observability import configure_logging
from chassis.settings import Settings, exit_on_bad_settings
from services.qms.domain.notes import (
    COSIGNATURE_V1,
    ED25519,
    NoteError,
    SignatureError,
    SignerKey,
    VerifierKey,
    parse_verifier_key,
    verify_note,
)
from services.qms.domain.witnessing import (
    SIZE_MEDIA_TYPE,
    AddCheckpoint,
    BadProof,
    Cosign,
    Decision,
    Fork,
    Malformed,
    RequestError,
    StaleOldSize,
    WitnessedTree,
    decide,
    format_size,
    parse_add_checkpoint,
)
from services.qms.keys import signer_key_from_file

log = logging.getLogger("shijian.witness")
# An old size line, 63 proof hashes and a checkpoint with a hundred signatures fit well within.
MAX_REQUEST_BYTES = 64 * 1024
_TEXT = "text/plain; charset=utf-8"


def parse_logs(text: str) -> dict[str, tuple[VerifierKey, ...]]:
    """`KEY, KEY`: the logs' verifier keys (name+id+key), by origin (the key's name)."""
    logs: dict[str, tuple[VerifierKey, ...]] = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        try:
            key = parse_verifier_key(entry.strip())
        except NoteError as error:
            raise ValueError(f"WITNESS_LOGS: {error}") from None
        if key.signature_type != ED25519:
            raise ValueError(f"WITNESS_LOGS: {key.name} is not a log's Ed25519 key (type 0x01)")
        logs[key.name] = (*logs.get(key.name, ()), key)
    return logs


class WitnessSettings(BaseSettings):
    """The witness's own settings, read from the environment alone (not the service's)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    # The witness's key name, as logs name it in AUDIT_WITNESSES (e.g. witness.office-02).
    witness_name: str = Field(pattern=r"^[^\s+]{1,200}$")
    # Where it keeps what follows unless told otherwise (as every process, DATA_DIR): a witness
    # must not meet the state of another platform's log.
    data_dir: Path = Path("var")
    # Its cosigning key (note format); made on first start when missing.
    witness_key_file: Path | None = None
    # The latest tree it cosigned per log.
    witness_state: Path | None = None
    # The logs it witnesses: their verifier keys, comma separated.
    witness_logs: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8007, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("witness_logs")
    @classmethod
    def _logs(cls, value: str) -> str:
        parse_logs(value)
        return value

    @model_validator(mode="after")
    def _in_data_dir(self) -> WitnessSettings:
        folder = self.data_dir / "witness"
        if self.witness_key_file is None:
            object.__setattr__(self, "witness_key_file", folder / "witness-key.txt")
        if self.witness_state is None:
            object.__setattr__(self, "witness_state", folder / "witness.db")
        return self

    @property
    def key_file(self) -> Path:
        """The cosigning key's file (DATA_DIR/witness/witness-key.txt unless set)."""
        assert self.witness_key_file is not None  # set by the validator
        return self.witness_key_file

    @property
    def state_file(self) -> Path:
        """The state's database (DATA_DIR/witness/witness.db unless set)."""
        assert self.witness_state is not None  # set by the validator
        return self.witness_state

    @property
    def logs(self) -> dict[str, tuple[VerifierKey, ...]]:
        return parse_logs(self.witness_logs)

    def key(self) -> SignerKey:
        """The cosigning key, made on first use."""
        return signer_key_from_file(self.key_file, self.witness_name, COSIGNATURE_V1)


class WitnessState:
    """The latest tree cosigned for each log, one row per origin in a SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as connection:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS witnessed ("
                " origin TEXT PRIMARY KEY,"
                " size INTEGER NOT NULL CHECK (size >= 0),"
                " root BLOB NOT NULL CHECK (length(root) = 32))"
            )

    def _connect(self) -> sqlite3.Connection:
        # Autocommit, so that the transaction is the explicit BEGIN IMMEDIATE alone; a request
        # waits while another holds the write lock.
        return sqlite3.connect(self.path, isolation_level=None, timeout=30)

    def advance(self, origin: str, judge: Callable[[WitnessedTree | None], Decision]) -> Decision:
        """Judge against the latest tree and keep the new one if cosigned, in one transaction:
        two requests from the same old size cannot both advance (blocking; run in a thread)."""
        with closing(self._connect()) as connection:
            # IMMEDIATE takes the write lock before reading, so no one advances in between.
            connection.execute("BEGIN IMMEDIATE")
            try:
                row = connection.execute(
                    "SELECT size, root FROM witnessed WHERE origin = ?", (origin,)
                ).fetchone()
                decision = judge(None if row is None else WitnessedTree(row[0], row[1]))
                if isinstance(decision, Cosign):
                    connection.execute(
                        "INSERT INTO witnessed (origin, size, root) VALUES (?, ?, ?)"
                        " ON CONFLICT (origin) DO UPDATE"
                        " SET size = excluded.size, root = excluded.root",
                        (origin, decision.tree.size, decision.tree.root),
                    )
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return decision


def _answer(status: int, text: str, media_type: str = _TEXT) -> Response:
    # The header is set whole: Starlette would add a charset to text/x.tlog.size.
    return Response(text, status_code=status, headers={"Content-Type": media_type})


async def _body(request: Request) -> bytes | None:
    """The request body, or None when larger than MAX_REQUEST_BYTES (not read further)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BYTES:
            return None
    return bytes(body)


def _answer_decision(decision: Decision, submission: AddCheckpoint, key: SignerKey) -> Response:
    checkpoint = submission.checkpoint
    match decision:
        case Cosign():
            # The text signed is the checkpoint as understood, which parsing made sure is the
            # note's text byte for byte.
            cosignature = key.sign(checkpoint.text(), timestamp=int(time.time()))
            return _answer(200, cosignature.line())
        case StaleOldSize(known_size=known_size):
            return _answer(409, format_size(known_size), SIZE_MEDIA_TYPE)
        case Fork(reason=reason) | BadProof(reason=reason):
            # Signed by the log yet refused: evidence that the log misbehaves, kept in the logs.
            log.warning(
                "checkpoint refused",
                extra={
                    "origin": checkpoint.origin,
                    "old_size": submission.old_size,
                    "reason": reason,
                    "note": submission.note.format(),
                },
            )
            return _answer(409 if isinstance(decision, Fork) else 422, f"{reason}\n")
        case Malformed(reason=reason):
            return _answer(400, f"{reason}\n")
        case _:
            assert_never(decision)


def create_witness_app(settings: WitnessSettings) -> FastAPI:
    """The witness's HTTP interface: POST /add-checkpoint (tlog-witness) and GET /healthz."""
    key = settings.key()
    state = WitnessState(settings.state_file)
    logs = settings.logs
    app = FastAPI(title="shijian witness", openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/add-checkpoint")
    async def add_checkpoint(request: Request) -> Response:
        body = await _body(request)
        if body is None:
            return _answer(413, f"a request is at most {MAX_REQUEST_BYTES} bytes\n")
        try:
            submission = parse_add_checkpoint(body)
        except RequestError as error:
            return _answer(400, f"{error}\n")
        checkpoint = submission.checkpoint
        trusted = logs.get(checkpoint.origin)
        if trusted is None:
            return _answer(404, f"no log {checkpoint.origin!r} is witnessed here\n")
        try:
            verify_note(submission.note, trusted)
        except SignatureError as error:
            return _answer(403, f"{error}\n")
        decision = await asyncio.to_thread(
            state.advance, checkpoint.origin, partial(decide, request=submission)
        )
        return _answer_decision(decision, submission, key)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "alive", "service": "witness", "witness": key.name}

    return app


def _load_settings() -> WitnessSettings:
    try:
        return WitnessSettings()
    except ValidationError as error:
        exit_on_bad_settings("witness", error)


def run_witness(_: Settings, args: argparse.Namespace) -> int:
    """`python -m services.qms witness`: serve until stopped."""
    settings = _load_settings()
    if not settings.logs:
        print("shijian witness: bad setting WITNESS_LOGS: no log to witness", file=sys.stderr)
        return 2
    configure_logging("witness", settings.log_level)
    try:
        app = create_witness_app(settings)
    except (OSError, ValueError) as error:
        print(f"shijian witness: {error}", file=sys.stderr)
        return 2
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
    )
    return 0


def run_witness_key(_: Settings, args: argparse.Namespace) -> int:
    """`python -m services.qms witness-key`: the verifier key, for the log's AUDIT_WITNESSES."""
    settings = _load_settings()
    try:
        key = settings.key()
    except (OSError, ValueError) as error:
        print(f"shijian witness: {error}", file=sys.stderr)
        return 2
    print(key.verifier_key().text())
    return 0


def _no_arguments(_: argparse.ArgumentParser) -> None:
    """Everything is in the WITNESS_* settings."""


WITNESS = Command(
    name="witness",
    help="run a witness of a record of everything, at another office (C2SP tlog-witness)\n\n"
    "Settings: WITNESS_NAME, WITNESS_KEY_FILE, WITNESS_STATE, WITNESS_LOGS, HOST, PORT "
    "(default 8007). See docs/operations.md, The witness.",
    configure=_no_arguments,
    run=run_witness,
)
WITNESS_KEY = Command(
    name="witness-key",
    help="print the witness's verifier key (made on first use), for AUDIT_WITNESSES",
    configure=_no_arguments,
    run=run_witness_key,
)
