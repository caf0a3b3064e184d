"""The witness process over real HTTP, and the log's client asking it (C2SP tlog-witness)."""

from __future__ import annotations

import asyncio
import os
import stat
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from services.qms.app import spec
from services.qms.domain.merkle import consistency_proof, leaf_hash, tree_root
from services.qms.domain.notes import (
    COSIGNATURE_V1,
    Checkpoint,
    Note,
    SignerKey,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    verify_note,
)
from services.qms.domain.witnessing import Cosign, WitnessedTree, format_add_checkpoint
from services.qms.settings import Witness
from services.qms.usecases.witnessing import (
    Conflict,
    Cosigned,
    Refused,
    WitnessAnswer,
    ask_witness,
)
from services.qms.witness import WitnessSettings, WitnessState, create_witness_app
from tests.conftest import serving

ORIGIN = "shijian.test/qms/audit"
WITNESS_NAME = "witness.office-02"
LOG_KEY = SignerKey.generate(ORIGIN)
LEAVES = [leaf_hash(f"licensing.licence.issued {number}".encode()) for number in range(64)]


def checkpoint_note(size: int, key: SignerKey = LOG_KEY, origin: str = ORIGIN) -> str:
    """The log's signed checkpoint over the first `size` leaves."""
    return Note(Checkpoint(origin, size, tree_root(LEAVES[:size])).text()).signed(key).format()


def proof(old_size: int, size: int) -> list[bytes]:
    return consistency_proof(old_size, size, LEAVES) if 0 < old_size < size else []


def settings_in(folder: Path, name: str = WITNESS_NAME) -> WitnessSettings:
    other_log = SignerKey.generate("shijian.test/another/log")
    return WitnessSettings(
        witness_name=name,
        witness_key_file=folder / "keys" / "witness-key.txt",
        witness_state=folder / "state" / "witness.db",
        witness_logs=f"{other_log.verifier_key().text()}, {LOG_KEY.verifier_key().text()}",
    )


@asynccontextmanager
async def witness_at(folder: Path) -> AsyncIterator[tuple[Witness, httpx.AsyncClient]]:
    """A witness process keeping its key and state in `folder`, and a client to it."""
    settings = settings_in(folder)
    app = create_witness_app(settings)
    async with serving(app) as url, httpx.AsyncClient(timeout=10) as client:
        yield Witness(url, settings.key().verifier_key()), client


async def ask(
    client: httpx.AsyncClient, witness: Witness, old_size: int, size: int
) -> WitnessAnswer:
    return await ask_witness(
        client, witness, old_size, proof(old_size, size), checkpoint_note(size)
    )


async def post(client: httpx.AsyncClient, witness: Witness, body: bytes) -> httpx.Response:
    return await client.post(f"{witness.url}/add-checkpoint", content=body)


def assert_cosigned(answer: WitnessAnswer, witness: Witness, size: int) -> None:
    """The cosignature is the witness key's, over the checkpoint, made just now."""
    assert isinstance(answer, Cosigned), answer
    log_signed = parse_note(checkpoint_note(size))
    note = Note(log_signed.text, (*log_signed.signatures, *answer.signatures))
    (verified,) = verify_note(note, [witness.key])
    assert verified.timestamp is not None
    assert abs(verified.timestamp - time.time()) < 60


async def test_a_chain_of_checkpoints_is_cosigned_as_the_log_grows(tmp_path: Path) -> None:
    async with witness_at(tmp_path) as (witness, client):
        assert_cosigned(await ask(client, witness, 0, 5), witness, 5)
        assert_cosigned(await ask(client, witness, 5, 13), witness, 13)
        assert_cosigned(await ask(client, witness, 13, 16), witness, 16)
        assert_cosigned(await ask(client, witness, 16, 17), witness, 17)

        # Asking from size 0 is how a log learns the latest size the witness cosigned.
        assert await ask(client, witness, 0, 20) == Conflict(17)


async def test_a_stale_old_size_is_409_with_the_witness_s_size(tmp_path: Path) -> None:
    async with witness_at(tmp_path) as (witness, client):
        assert_cosigned(await ask(client, witness, 0, 9), witness, 9)

        response = await post(
            client, witness, format_add_checkpoint(5, proof(5, 12), checkpoint_note(12))
        )
        answer = await ask(client, witness, 5, 12)

        assert response.status_code == 409
        assert response.headers["Content-Type"] == "text/x.tlog.size"
        assert response.text == "9\n"
        assert answer == Conflict(9)
        # The caller asks again from the witness's size.
        assert_cosigned(await ask(client, witness, answer.size, 12), witness, 12)


async def test_a_bad_proof_is_422_and_changes_nothing(tmp_path: Path) -> None:
    async with witness_at(tmp_path) as (witness, client):
        assert_cosigned(await ask(client, witness, 0, 9), witness, 9)
        bad = proof(9, 30)
        bad[1] = bytes([bad[1][0] ^ 0x80, *bad[1][1:]])

        response = await post(client, witness, format_add_checkpoint(9, bad, checkpoint_note(30)))
        answer = await ask_witness(client, witness, 9, bad, checkpoint_note(30))

        assert response.status_code == 422
        assert "root" in response.text
        assert isinstance(answer, Refused)
        assert answer.status == 422
        assert await ask(client, witness, 0, 30) == Conflict(9)
        assert_cosigned(await ask(client, witness, 9, 30), witness, 30)


async def test_the_same_checkpoint_again_is_cosigned_again(tmp_path: Path) -> None:
    async with witness_at(tmp_path) as (witness, client):
        assert_cosigned(await ask(client, witness, 0, 9), witness, 9)

        assert_cosigned(await ask(client, witness, 9, 9), witness, 9)
        assert await ask(client, witness, 0, 10) == Conflict(9)


async def test_the_same_size_with_another_root_is_a_fork_not_a_size_conflict(
    tmp_path: Path,
) -> None:
    async with witness_at(tmp_path) as (witness, client):
        assert_cosigned(await ask(client, witness, 0, 9), witness, 9)
        other_root = tree_root([leaf_hash(b"rewritten"), *LEAVES[1:9]])
        forked = Note(Checkpoint(ORIGIN, 9, other_root).text()).signed(LOG_KEY).format()

        response = await post(client, witness, format_add_checkpoint(9, [], forked))
        answer = await ask_witness(client, witness, 9, [], forked)

        assert response.status_code == 409
        assert response.headers["Content-Type"] != "text/x.tlog.size"
        assert "another root" in response.text
        # Not a Conflict: asking again from the witness's size would not help.
        assert answer == Refused(409, "the tree of 9 leaves cosigned before has another root")


async def test_a_cosignature_by_another_key_than_the_one_configured_is_refused(
    tmp_path: Path,
) -> None:
    async with witness_at(tmp_path) as (witness, client):
        rekeyed = SignerKey.generate(WITNESS_NAME, COSIGNATURE_V1).verifier_key()

        answer = await ask(client, Witness(witness.url, rekeyed), 0, 5)

        assert isinstance(answer, Refused)
        assert answer.status == 200
        assert "answered no valid cosignature" in answer.reason


async def test_a_checkpoint_no_known_key_signed_is_403(tmp_path: Path) -> None:
    impostor = SignerKey.generate(ORIGIN)
    async with witness_at(tmp_path) as (witness, client):
        response = await post(
            client, witness, format_add_checkpoint(0, [], checkpoint_note(5, impostor))
        )

        assert response.status_code == 403
        assert response.text == "no trusted key signed the note\n"
        assert_cosigned(await ask(client, witness, 0, 5), witness, 5)


async def test_a_known_key_s_bad_signature_is_403(tmp_path: Path) -> None:
    genuine = parse_note(checkpoint_note(5))
    tampered = Note(
        Checkpoint(ORIGIN, 6, tree_root(LEAVES[:6])).text(), genuine.signatures
    ).format()
    async with witness_at(tmp_path) as (witness, client):
        response = await post(client, witness, format_add_checkpoint(0, [], tampered))

        assert response.status_code == 403
        assert "does not verify" in response.text


async def test_an_unknown_origin_is_404(tmp_path: Path) -> None:
    stranger = SignerKey.generate("elsewhere.example/log")
    async with witness_at(tmp_path) as (witness, client):
        note = checkpoint_note(5, stranger, "elsewhere.example/log")
        response = await post(client, witness, format_add_checkpoint(0, [], note))

        assert response.status_code == 404
        assert "elsewhere.example/log" in response.text


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"hello\n", 400, "empty line"),
        (b"old 1O\n\n" + checkpoint_note(5).encode(), 400, "old size is a decimal"),
        (format_add_checkpoint(9, [], checkpoint_note(5)), 400, "larger than the checkpoint's 5"),
        (b"old 0\n\n" + b"x" * (64 * 1024 + 1), 413, "at most 65536 bytes"),
    ],
)
async def test_a_malformed_request_is_refused_naming_what_is_wrong(
    tmp_path: Path, body: bytes, status: int, reason: str
) -> None:
    async with witness_at(tmp_path) as (witness, client):
        response = await post(client, witness, body)

        assert response.status_code == status
        assert reason in response.text
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


async def test_of_concurrent_requests_from_the_same_size_exactly_one_advances(
    tmp_path: Path,
) -> None:
    async with witness_at(tmp_path) as (witness, client):
        assert_cosigned(await ask(client, witness, 0, 10), witness, 10)

        answers = await asyncio.gather(*(ask(client, witness, 10, size) for size in range(11, 19)))

        sizes = [
            size
            for size, answer in zip(range(11, 19), answers, strict=True)
            if isinstance(answer, Cosigned)
        ]
        assert len(sizes) == 1
        assert [a for a in answers if not isinstance(a, Cosigned)] == [Conflict(sizes[0])] * 7
        assert await ask(client, witness, 0, 40) == Conflict(sizes[0])


def test_the_check_and_the_store_are_one_transaction(tmp_path: Path) -> None:
    """While one request is being judged, another waits and then judges the new tree."""
    state = WitnessState(tmp_path / "witness.db")
    first_inside = threading.Event()
    seen_by_second: list[WitnessedTree | None] = []

    def first(known: WitnessedTree | None) -> Cosign:
        first_inside.set()
        time.sleep(0.3)  # ample time for the second to read, were it not kept waiting
        return Cosign(WitnessedTree(10, LEAVES[10]))

    def second(known: WitnessedTree | None) -> Cosign:
        seen_by_second.append(known)
        return Cosign(WitnessedTree(11, LEAVES[11]))

    thread = threading.Thread(target=state.advance, args=(ORIGIN, first))
    thread.start()
    first_inside.wait(5)
    state.advance(ORIGIN, second)
    thread.join()

    assert seen_by_second == [WitnessedTree(10, LEAVES[10])]


async def test_a_restarted_witness_keeps_its_state_and_its_key(tmp_path: Path) -> None:
    async with witness_at(tmp_path) as (witness, client):
        assert_cosigned(await ask(client, witness, 0, 9), witness, 9)
        assert_cosigned(await ask(client, witness, 9, 21), witness, 21)

    async with witness_at(tmp_path) as (restarted, client):
        assert restarted.key == witness.key
        assert await ask(client, restarted, 9, 30) == Conflict(21)
        assert_cosigned(await ask(client, restarted, 21, 30), witness, 30)


def test_the_key_file_is_made_owner_only_and_reused(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)

    made = settings.key()
    again = settings.key()

    key_file = tmp_path / "keys" / "witness-key.txt"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert key_file.read_text().startswith(f"PRIVATE+KEY+{WITNESS_NAME}+")
    assert again.verifier_key() == made.verifier_key()
    assert made.signature_type == COSIGNATURE_V1
    assert [p.name for p in key_file.parent.iterdir()] == ["witness-key.txt"]


def test_a_key_file_of_another_name_is_refused(tmp_path: Path) -> None:
    settings_in(tmp_path).key()

    with pytest.raises(ValueError, match=f"holds the key of {WITNESS_NAME}"):
        settings_in(tmp_path, "witness.office-03").key()


def test_witness_key_prints_the_verifier_key_for_audit_witnesses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from chassis.cli import run

    monkeypatch.setenv("WITNESS_NAME", WITNESS_NAME)
    monkeypatch.setenv("WITNESS_KEY_FILE", str(tmp_path / "witness-key.txt"))

    run(spec, ["witness-key"])
    printed = capsys.readouterr().out
    run(spec, ["witness-key"])

    key = parse_verifier_key(printed.strip())
    assert (key.name, key.signature_type) == (WITNESS_NAME, COSIGNATURE_V1)
    assert capsys.readouterr().out == printed
    kept = parse_signer_key((tmp_path / "witness-key.txt").read_text().strip())
    assert kept.verifier_key() == key


def test_the_witness_refuses_to_start_without_a_log_to_witness(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from chassis.cli import run

    monkeypatch.setenv("WITNESS_NAME", WITNESS_NAME)
    monkeypatch.delenv("WITNESS_LOGS", raising=False)

    with pytest.raises(SystemExit) as stopped:
        run(spec, ["witness"])

    assert stopped.value.code == 2
    assert "WITNESS_LOGS: no log to witness" in capsys.readouterr().err


def test_a_log_key_that_is_not_a_log_s_is_a_bad_setting(tmp_path: Path) -> None:
    cosigner = SignerKey.generate("witness.elsewhere", COSIGNATURE_V1)

    with pytest.raises(ValueError, match="not a log's Ed25519 key"):
        WitnessSettings(witness_name=WITNESS_NAME, witness_logs=cosigner.verifier_key().text())
