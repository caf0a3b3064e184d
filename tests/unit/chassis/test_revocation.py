"""Which tokens a revocation set refuses: by id, and a person's issued up to a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chassis.auth import Principal
from chassis.revocation import Revocations
from contracts import RevokedToken, TokensRevoked

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=15)


def principal(subject: str, jti: str, issued: datetime, kind: str = "staff") -> Principal:
    return Principal(
        subject=subject,
        name=subject,
        roles=frozenset({"licensing_clerk"} if kind == "staff" else {"partner_agency"}),
        kind="staff" if kind == "staff" else "partner",
        token_id=jti,
        issued_at=int(issued.timestamp()),
        expires_at=int(LATER.timestamp()),
    )


def test_a_logout_refuses_that_token_alone() -> None:
    revocations = Revocations()
    revocations.add(
        TokensRevoked(
            username="li",
            tokens=(RevokedToken(jti="a1", expires_at=LATER),),
            by="li",
            at=NOW,
        )
    )
    assert revocations.refuses(principal("li", "a1", NOW))
    assert not revocations.refuses(principal("li", "a2", NOW))


def test_a_deactivation_refuses_every_token_issued_until_then_and_the_latest_cut_wins() -> None:
    revocations = Revocations()
    revocations.add(
        TokensRevoked(username="wang", issued_before=NOW, refused_until=LATER, by="admin", at=NOW)
    )
    assert revocations.refuses(principal("wang", "x", NOW - timedelta(minutes=5)))
    assert revocations.refuses(principal("wang", "y", NOW))
    # Reactivated and signed in again afterwards: the new token is good.
    assert not revocations.refuses(principal("wang", "z", NOW + timedelta(seconds=1)))
    # Another person, or a partner system with the same name, is not concerned.
    assert not revocations.refuses(principal("li", "x", NOW))
    assert not revocations.refuses(principal("wang", "x", NOW, kind="partner"))
    # An older cut arriving late changes nothing.
    revocations.add(
        TokensRevoked(
            username="wang",
            issued_before=NOW - timedelta(hours=1),
            refused_until=LATER,
            by="admin",
            at=NOW,
        )
    )
    assert revocations.refuses(principal("wang", "y", NOW))
