"""The confidentiality wall: sealing round-trip, key rotation, tampering, the keyed hash."""

from __future__ import annotations

import dataclasses

import pytest

from chassis.sealing import Keyring, SealBrokenError, Sealed
from services.complaints.domain.confidentiality import open_submitter, seal_submitter
from services.complaints.domain.submissions import Submitter

OLD = Keyring({"k1": b"1" * 32}, "k1", b"h" * 32)
ROTATED = Keyring({"k1": b"1" * 32, "k2": b"2" * 32}, "k2", b"h" * 32)
WHO = Submitter(name="王芳", phone="138 0013 8000", id_number="11010519491231002X")


def test_sealing_round_trip_and_no_plain_text() -> None:
    sealed = seal_submitter(OLD, WHO)
    assert sealed.name is not None and sealed.name.key_id == "k1"
    assert "王芳".encode() not in sealed.name.ciphertext
    assert "13800138000" not in repr(sealed) and "002X" not in repr(sealed)
    assert open_submitter(OLD, sealed) == WHO


def test_token_text_form_round_trip() -> None:
    sealed = OLD.seal("phone", "13800138000")
    assert sealed.token.startswith("k1.")
    assert OLD.open("phone", Sealed.parse(sealed.token)) == "13800138000"
    for bad in ("k1", ".AAAA", "k1.!!!!"):
        with pytest.raises(SealBrokenError):
            Sealed.parse(bad)


def test_each_seal_uses_a_fresh_nonce() -> None:
    assert OLD.seal("name", "王芳") != OLD.seal("name", "王芳")


def test_rotation_seals_with_the_current_key_and_opens_old_values() -> None:
    old = OLD.seal("name", "王芳")
    new = ROTATED.seal("name", "王芳")
    assert (old.key_id, new.key_id) == ("k1", "k2")
    assert ROTATED.open("name", old) == ROTATED.open("name", new) == "王芳"
    with pytest.raises(SealBrokenError):
        OLD.open("name", new)  # k2 unknown to the old ring


def test_tampered_values_are_refused() -> None:
    sealed = OLD.seal("phone", "13800138000")
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    with pytest.raises(SealBrokenError):
        OLD.open("phone", dataclasses.replace(sealed, ciphertext=flipped))
    with pytest.raises(SealBrokenError):
        OLD.open("phone", dataclasses.replace(sealed, nonce=bytes(12)))
    with pytest.raises(SealBrokenError):
        OLD.open("name", sealed)  # a phone moved into the name column
    wrong_key = Keyring({"k1": b"9" * 32}, "k1", b"h" * 32)
    with pytest.raises(SealBrokenError):
        wrong_key.open("phone", sealed)


def test_keyed_hash_is_stable_normalised_and_keyed() -> None:
    first = OLD.lookup_hash("phone", "138 0013 8000")
    assert first == ROTATED.lookup_hash("phone", "+86 138-0013-8000")  # same hash key
    assert first == ROTATED.lookup_hash("phone", "0086 138 0013 8000")
    assert first == OLD.lookup_hash("phone", "13800138000")
    assert len(first) == 64
    assert OLD.lookup_hash("id_number", "11010519491231002x") == OLD.lookup_hash(
        "id_number", "11010519491231002X"
    )
    assert first != OLD.lookup_hash("phone", "13800138001")
    other_key = Keyring({"k1": b"1" * 32}, "k1", b"x" * 32)
    assert first != other_key.lookup_hash("phone", "13800138000")
    assert first != OLD.lookup_hash("id_number", "13800138000")  # fields kept apart
    sealed = seal_submitter(OLD, WHO)
    assert sealed.phone_hash == first


def test_an_anonymous_submitter_has_nothing_sealed() -> None:
    sealed = seal_submitter(OLD, Submitter(anonymous=True))
    assert (sealed.name, sealed.phone, sealed.phone_hash, sealed.id_number_hash) == (None,) * 4
    assert open_submitter(OLD, sealed) == Submitter(anonymous=True)


@pytest.mark.parametrize(
    ("keys", "current", "hash_key"),
    [
        ({"k1": b"1" * 32}, "k2", b"h" * 32),
        ({"k1": b"short"}, "k1", b"h" * 32),
        ({"k.1": b"1" * 32}, "k.1", b"h" * 32),
        ({"k1": b"1" * 32}, "k1", b"h"),
    ],
)
def test_bad_keyrings_refused(keys: dict[str, bytes], current: str, hash_key: bytes) -> None:
    with pytest.raises(ValueError):
        Keyring(keys, current, hash_key)
