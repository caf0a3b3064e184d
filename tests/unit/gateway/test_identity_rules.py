"""Identity rules without a database: passwords, lockout, second factor, rotation, key ring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from gateway.identity import domain
from gateway.identity.keys import LEEWAY, KeyRing, SigningKey

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_weak_passwords_are_named() -> None:
    assert domain.password_problems("li", "Str0ng-pass") == []
    assert "at least 8 characters" in domain.password_problems("li", "a1-b")
    assert any("two of" in p for p in domain.password_problems("li", "abcdefghij"))
    assert "must not contain the username" in domain.password_problems("wangfang", "wangfang-99")


def test_lockout_after_the_fifth_failure_for_fifteen_minutes() -> None:
    rule = domain.Lockout(max_failures=5, lock_for=timedelta(minutes=15))
    failures, locked_until = 0, None
    for _ in range(4):
        failures, locked_until = rule.after_failure(failures, NOW)
        assert locked_until is None
    failures, locked_until = rule.after_failure(failures, NOW)
    assert locked_until == NOW + timedelta(minutes=15)
    assert rule.locked(locked_until, NOW + timedelta(minutes=14))
    assert not rule.locked(locked_until, NOW + timedelta(minutes=15))


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
