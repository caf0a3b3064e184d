"""Identity rules without a database: passwords, throttling, second factor, rotation, key ring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from gateway.identity import domain
from gateway.identity.keys import LEEWAY, KeyRing, SigningKey
from gateway.identity.passwords import common_passwords

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


COMMON = common_passwords()


def test_weak_passwords_are_named() -> None:
    assert domain.password_problems("li", "Str0ng-pass-of-the-bureau", COMMON) == []
    assert "at least 12 characters" in domain.password_problems("li", "Str0ng-pass", COMMON)
    assert any("two of" in p for p in domain.password_problems("li", "abcdefghijklm", COMMON))
    assert "must not contain the username" in domain.password_problems(
        "wangfang", "wangfang-99-bureau", COMMON
    )


def test_common_passwords_are_refused_in_any_case_and_padded_with_digits_or_symbols() -> None:
    assert {"password", "qwerty", "dragon"} <= COMMON
    for common in ("PASSWORD12345!", "Qwerty123456789", "!!dragon-2024!!", "1qaz2wsx3edc"):
        assert any("common" in p for p in domain.password_problems("li", common, COMMON)), common
    assert not domain.is_common("Wuhou-grid-07-inspection", COMMON)


def test_the_account_throttle_spares_known_addresses_and_valid_codes() -> None:
    assert domain.account_throttle_applies(known_address=False, valid_code=False)
    assert not domain.account_throttle_applies(known_address=True, valid_code=False)
    assert not domain.account_throttle_applies(known_address=False, valid_code=True)


def test_production_never_drops_the_administrator_s_second_factor() -> None:
    assert domain.policy_refusal("admin", False, "production") is not None
    assert domain.policy_refusal("admin", True, "production") is None
    assert domain.policy_refusal("auditor", False, "production") is None
    assert domain.policy_refusal("admin", False, "development") is None


def test_a_temporary_password_is_long_and_new_each_time() -> None:
    first, second = domain.temporary_password(), domain.temporary_password()
    assert len(first) >= 20 and first != second


def test_a_totp_secret_is_base32_of_80_bits_at_least() -> None:
    assert domain.is_totp_secret(domain.new_totp_secret())
    assert not domain.is_totp_secret("JBSWY3DP")
    assert not domain.is_totp_secret("not base32 at all!")


def test_a_totp_code_is_good_once_and_within_one_step_of_drift() -> None:
    secret = domain.new_totp_secret()
    totp = pyotp.TOTP(secret)
    code = totp.at(NOW)
    step = domain.accepted_totp_step(secret, code, NOW, None)
    assert step == totp.timecode(NOW)
    assert domain.accepted_totp_step(secret, code, NOW, step) is None  # replayed
    earlier = totp.at(NOW - timedelta(seconds=30))
    assert domain.accepted_totp_step(secret, earlier, NOW, None) is not None
    stale = totp.at(NOW - timedelta(seconds=90))
    assert domain.accepted_totp_step(secret, stale, NOW, None) is None
    assert domain.accepted_totp_step(secret, "abcdef", NOW, None) is None
    assert domain.totp_uri(secret, "li").startswith("otpauth://totp/shijian:li?")


def test_refresh_verdicts() -> None:
    later = NOW + timedelta(hours=1)
    assert domain.refresh_verdict(None, NOW) == "unknown"
    assert domain.refresh_verdict(domain.RefreshState(later, None, None), NOW) == "ok"
    assert domain.refresh_verdict(domain.RefreshState(later, NOW, None), NOW) == "reused"
    assert domain.refresh_verdict(domain.RefreshState(later, None, NOW), NOW) == "revoked"
    assert domain.refresh_verdict(domain.RefreshState(NOW, None, None), NOW) == "expired"


def test_a_rotated_key_is_published_before_it_signs_and_after_its_tokens_expire() -> None:
    lifetime, delay = timedelta(minutes=15), timedelta(minutes=1)
    ring = KeyRing(lifetime, delay)
    first = SigningKey.new(NOW)
    ring.replace([first])
    assert ring.signing_key(NOW) == first
    rotated_at = NOW + timedelta(hours=1)
    second = SigningKey.new(rotated_at)
    # Another replica reads the same keys in any order.
    ring.replace([second, first])
    # Published at once, signing only once every service can have fetched it.
    assert {k.kid for k in ring.published(rotated_at)} == {first.kid, second.kid}
    assert ring.signing_key(rotated_at) == first
    assert ring.signing_key(rotated_at + delay) == second
    # The first key's last tokens expire a lifetime after the second starts signing.
    still = rotated_at + delay + lifetime
    assert {k.kid for k in ring.published(still)} == {first.kid, second.kid}
    assert [k.kid for k in ring.published(still + LEEWAY)] == [second.kid]
    assert {k["kid"] for k in ring.jwks(rotated_at)["keys"]} == {first.kid, second.kid}


def test_a_key_rotated_within_the_first_keys_second_still_waits_before_it_signs() -> None:
    delay = timedelta(minutes=1)
    ring = KeyRing(timedelta(minutes=15), delay)
    first = SigningKey.new(NOW + timedelta(microseconds=100))
    rotated_at = NOW + timedelta(microseconds=900_000)
    # Its random id part may sort before the first key's: the order is still when each was made.
    second = SigningKey.new(rotated_at)
    for keys in ([first, second], [second, first]):
        ring.replace(keys)
        assert ring.signs_from(second) == second.created_at + delay
        assert ring.signing_key(rotated_at) == first


def test_an_open311_key_is_needed_to_post_and_must_be_valid_when_given() -> None:
    assert domain.api_key_refusal("GET", given=False, valid=False) is None
    assert domain.api_key_refusal("GET", given=True, valid=True) is None
    assert domain.api_key_refusal("POST", given=True, valid=True) is None
    assert domain.api_key_refusal("POST", given=False, valid=False) == (
        "api_key is required to post a service request"
    )
    for method in ("GET", "POST"):
        assert "unknown or revoked" in (domain.api_key_refusal(method, True, False) or "")


def test_an_open311_key_is_256_random_bits_stored_by_its_digest() -> None:
    key, other = domain.new_api_key(), domain.new_api_key()
    assert key != other
    assert len(key) == 43  # 32 bytes, URL-safe base64 without padding
    assert domain.token_digest(key) != key
    assert domain.open311_subject("kiosk") == "open311:kiosk"
