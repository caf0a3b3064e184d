"""Keyset cursors: what a page ends at is what the next page resumes after; a made-up cursor
is refused on the `cursor` query parameter; a page read one row long tells that more follow."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, date, datetime

import pytest

from chassis.errors import RuleViolated
from chassis.paging import cursor_after, page_of, resume_after


def test_a_cursor_gives_back_the_key_it_was_made_from() -> None:
    at = datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=UTC)
    ticket = uuid.uuid4()
    cursor = cursor_after(at, ticket, 7, "91510106MA6C1234X5")
    assert resume_after(cursor, datetime, uuid.UUID, int, str) == (
        at,
        ticket,
        7,
        "91510106MA6C1234X5",
    )
    assert cursor.isascii() and "/" not in cursor and "+" not in cursor  # safe in a URL


def test_a_day_in_the_key_comes_back_a_day_and_an_instant_is_no_day() -> None:
    source = uuid.uuid4()
    assert resume_after(cursor_after(date(2026, 12, 31), source), date, uuid.UUID) == (
        date(2026, 12, 31),
        source,
    )
    instant = cursor_after(datetime(2026, 12, 31, 8, tzinfo=UTC), source)
    with pytest.raises(RuleViolated):
        resume_after(instant, date, uuid.UUID)


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"{}").decode(),  # JSON, not a key
        base64.urlsafe_b64encode(b'["2026-12-06T09:30:00"]').decode(),  # a part short
        cursor_after("yesterday", uuid.uuid4()),  # not a time
        cursor_after(datetime(2026, 12, 6, tzinfo=UTC), "someone"),  # not an id
        cursor_after(date(2026, 12, 6), uuid.uuid4()),  # a day, not an instant
        cursor_after(datetime(2026, 12, 6, 9, 30), uuid.uuid4()),  # an instant of no zone
    ],
)
def test_a_cursor_this_list_did_not_give_is_refused_on_the_cursor_parameter(cursor: str) -> None:
    with pytest.raises(RuleViolated) as refused:
        resume_after(cursor, datetime, uuid.UUID)
    assert (refused.value.where, refused.value.field, refused.value.status) == (
        "query",
        "cursor",
        422,
    )


def test_a_page_read_one_row_long_keeps_its_limit_and_resumes_after_its_last_row() -> None:
    days = [(date(2026, 12, day), uuid.uuid4()) for day in (1, 2, 3)]
    page, following = page_of(days, 2, lambda row: row)
    assert page == days[:2]
    assert following is not None
    assert resume_after(following, date, uuid.UUID) == days[1]


@pytest.mark.parametrize("read", [0, 1, 2])
def test_a_page_with_nothing_after_it_has_no_cursor(read: int) -> None:
    names = ["clerk01", "clerk02"][:read]
    assert page_of(names, 2, lambda name: (name,)) == (names, None)
