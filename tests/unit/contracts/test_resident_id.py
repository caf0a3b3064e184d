"""PRC resident identity numbers (GB 11643, ISO 7064 MOD 11-2)."""

from datetime import date, timedelta

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from contracts import InvalidCodeError, ResidentId
from tests.unit.contracts.changes import accepted_changes

# 11010519491231002X is the example printed in GB 11643; the others were constructed and
# their check digits worked out by hand with the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
VALID = [
    "11010519491231002X",
    "510106199001011233",
    "110101200002290042",
    "440305198512315679",
    "510106194910010024",
]
SYMBOLS = "0123456789X"


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_validate(number: str) -> None:
    assert ResidentId(number) == number
    assert TypeAdapter(ResidentId).validate_python(number) == number


@pytest.mark.parametrize("number", VALID)
def test_every_single_character_change_is_rejected(number: str) -> None:
    assert accepted_changes(number, SYMBOLS, ResidentId) == []


def test_lowercase_x_and_whitespace_are_normalised() -> None:
    number = ResidentId(" 11010519491231002x ")
    assert number == "11010519491231002X"
    assert type(number) is ResidentId


def test_birth_date() -> None:
    assert ResidentId("11010519491231002X").birth_date == date(1949, 12, 31)
    assert ResidentId("110101200002290042").birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1101051949123100", "18 characters"),
        ("11010519491231002Y", "17 digits followed by a digit or X"),
        ("1101051949123100X2", "17 digits followed by a digit or X"),
        ("110105194902300021", "not a date"),
        ("11010519491231003X", "check character"),
    ],
)
def test_messages_say_which_check_failed(value: str, message: str) -> None:
    with pytest.raises(InvalidCodeError, match=message):
        ResidentId(value)


def test_birth_date_in_the_future_is_rejected() -> None:
    tomorrow = date.today() + timedelta(days=2)
    first17 = f"510106{tomorrow:%Y%m%d}123"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = (12 - sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11) % 11
    with pytest.raises(InvalidCodeError, match="future"):
        ResidentId(first17 + ("X" if check == 10 else str(check)))


def test_messages_do_not_echo_the_number() -> None:
    with pytest.raises(InvalidCodeError) as caught:
        ResidentId("11010519491231003X")
    assert "1101051949" not in str(caught.value)


def test_pydantic_field() -> None:
    class Person(BaseModel):
        model_config = ConfigDict(hide_input_in_errors=True)
        resident_id: ResidentId

    assert Person(resident_id="11010519491231002x").resident_id == "11010519491231002X"
    with pytest.raises(ValidationError) as caught:
        Person(resident_id="11010519491231003X")
    assert "check character" in str(caught.value)
    assert "11010519491231003X" not in str(caught.value)
