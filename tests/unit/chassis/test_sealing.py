"""Sealing: round trip under rotating keys, re-sealing, the keyed hash, the masked ID number,
and the keys read from settings (the development keys refused in production)."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from chassis.sealing import DEV_DATA_KEYS, DataKeys, Keyring, SealBrokenError, mask_id_number

OLD = Keyring({"k1": b"1" * 32}, "k1", b"h" * 32)
ROTATED = Keyring({"k1": b"1" * 32, "k2": b"2" * 32}, "k2", b"h" * 32)
NEW_ONLY = Keyring({"k2": b"2" * 32}, "k2", b"h" * 32)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_sealed_value_names_its_key_and_holds_nothing_in_clear() -> None:
    token = OLD.seal_text("totp_secret", SECRET)
    assert token.startswith("k1.") and SECRET not in token
    assert OLD.open_text("totp_secret", token) == SECRET
    assert OLD.seal_text("totp_secret", SECRET) != token  # a fresh nonce each time


def test_a_value_opens_only_as_what_it_was_sealed_as() -> None:
    token = OLD.seal_text("webhook_secret", SECRET)
    with pytest.raises(SealBrokenError):
        OLD.open_text("totp_secret", token)


def test_rekey_moves_values_to_the_current_key_and_the_old_key_can_go() -> None:
    token = OLD.seal_text("id_number", "11010519491231002X")
    with pytest.raises(SealBrokenError):
        NEW_ONLY.open_text("id_number", token)  # the old key is still needed...
    fresh = ROTATED.resealed("id_number", token)
    assert fresh is not None and fresh.startswith("k2.")
    assert ROTATED.resealed("id_number", fresh) is None  # already under the current key
    assert NEW_ONLY.open_text("id_number", fresh) == "11010519491231002X"  # ...until rekey


def test_an_id_number_is_masked_to_its_first_6_and_last_4_characters() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    sealed = OLD.seal_id_number("11010519491231002x ")
    assert sealed.masked == "110105********002X"
    assert sealed.hash == OLD.lookup_hash("id_number", "11010519491231002X")
    assert OLD.open_text("id_number", sealed.sealed) == "11010519491231002x "


def test_the_keyed_hash_finds_equal_values_and_depends_on_its_key() -> None:
    assert OLD.lookup_hash("phone", "+86 137 1234 5678") == OLD.lookup_hash("phone", "13712345678")
    other = Keyring({"k1": b"1" * 32}, "k1", b"x" * 32)
    assert other.lookup_hash("phone", "13712345678") != OLD.lookup_hash("phone", "13712345678")


def test_keys_come_from_settings_and_production_refuses_the_development_ones() -> None:
    key = base64.b64encode(b"k" * 32).decode()
    hash_key = base64.b64encode(b"h" * 32).decode()
    keys = DataKeys(data_keys=f"old:{key},new:{key}", data_key_id="new", data_hash_key=hash_key)
    assert keys.data_keyring().current == "new"
    assert DataKeys().data_keyring().current == "dev"
    with pytest.raises(ValidationError, match="DATA_KEYS, DATA_HASH_KEY"):
        DataKeys(environment="production")
    with pytest.raises(ValidationError, match="DATA_KEYS"):
        DataKeys(data_keys="no-colon")
    with pytest.raises(ValidationError, match="current key id"):
        DataKeys(data_keys=DEV_DATA_KEYS, data_key_id="missing")
