"""Unified social credit codes (GB 32100-2015) and their GB 11714 organisation code."""

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts import CreditCode, InvalidCodeError
from contracts.values import CREDIT_CODE_ALPHABET
from tests.unit.contracts.changes import accepted_changes

PUBLISHED = {
    "914403001922038216": "Huawei Technologies Co., Ltd.",
    "91440300708461136T": "Shenzhen Tencent Computer Systems Co., Ltd.",
    "91330100716105852F": "Alibaba (China) Co., Ltd.",
    "91110000802100433B": "Beijing Baidu Netcom Science and Technology Co., Ltd.",
    "91110108551385082Q": "Xiaomi Inc.",
    "91110000710926094P": "China Petroleum & Chemical Corporation (Sinopec)",
    "91520000214434146R": "Kweichow Moutai Co., Ltd.",
    "91440300192317458F": "BYD Co., Ltd.",
    "911000001000013428": "Bank of China Ltd.",
    "9144030071526726XG": "published enterprise code with 'X' at position 17",
    "92211282MA0XME1F4Q": "individual business, code on its own website",
    "92140727MAE8C7WN66": "individual business, code on its own website",
    "92440300MA5EQ7GQ4X": "individual business, 'X' at position 18",
}

# Worked by hand (docs/domain.md, the credit code). 91510106000033179T: GB 11714 over 00003317 is
# 3*5 + 3*8 + 1*4 + 7*2 = 57, 57 mod 11 = 2, 11 - 2 = 9; GB 32100 over the first 17 is
# 780, 780 mod 31 = 5, 31 - 5 = 26 = 'T'. The others cover the special cases.
HAND_COMPUTED = {
    "91510106000033179T": "plain case",
    "9251010600010482XT": "11 - (78 mod 11) = 10, written X",
    "925101060000000002": "11 - (0 mod 11) = 11, written 0",
    "925101060000003770": "31 - (sum mod 31) = 31, written 0",
    "92510106000000019Y": "highest symbol value, 30 = Y",
    "9251010600000321XX": "X at both check positions",
}

VALID = sorted({**PUBLISHED, **HAND_COMPUTED})


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_validate(code: str) -> None:
    assert CreditCode(code) == code
    assert TypeAdapter(CreditCode).validate_python(code) == code


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_change_is_rejected(code: str) -> None:
    assert accepted_changes(code, CREDIT_CODE_ALPHABET, CreditCode) == []


def test_lowercase_and_whitespace_are_normalised() -> None:
    code = CreditCode("  92440300ma5eq7gq4x\n")
    assert code == "92440300MA5EQ7GQ4X"
    assert type(code) is CreditCode


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91440300708461136", "18 characters"),
        ("91440300708461136TT", "18 characters"),
        ("9144030070846113IT", "position 17"),
        ("91440300708461136S", "outside the GB 32100 alphabet"),
        ("91440300708461146T", "position 17, GB 11714"),
        ("91440300708461136U", "position 18, GB 32100"),
        ("81440300708461136T", "position 18, GB 32100"),
    ],
)
def test_messages_say_which_check_failed(value: str, message: str) -> None:
    with pytest.raises(InvalidCodeError, match=message):
        CreditCode(value)


def test_pydantic_field_reports_the_failed_check() -> None:
    class Holder(BaseModel):
        code: CreditCode

    assert isinstance(Holder(code="914403001922038216").code, CreditCode)
    assert Holder.model_validate_json('{"code": "914403001922038216"}').code.region == "440300"
    with pytest.raises(ValidationError, match="position 18"):
        Holder(code="914403001922038217")
    with pytest.raises(ValidationError):
        Holder.model_validate({"code": 914403001922038216})
    schema = Holder.model_json_schema()["properties"]["code"]
    assert schema["type"] == "string"
    assert schema["pattern"] == "^[0123456789ABCDEFGHJKLMNPQRTUWXY]{18}$"


def test_parts() -> None:
    code = CreditCode("91440300708461136T")
    assert (code.authority, code.category, code.region) == ("9", "1", "440300")
    assert code.organisation_code == "708461136"


@pytest.mark.parametrize("sequence", [0, 1, 3317, 10_482, 5_000_000, 99_999_999])
@pytest.mark.parametrize("category", ["1", "2", "3"])
def test_generated_codes_validate(category: str, sequence: int) -> None:
    code = CreditCode.generate(category=category, region="510106", sequence=sequence)
    assert CreditCode(str(code)) == code
    assert code[:8] == f"9{category}510106"
    assert code.organisation_code[:8] == f"{sequence:08d}"


def test_generation_is_deterministic_and_distinct() -> None:
    codes = [CreditCode.generate(category="2", region="510106", sequence=n) for n in range(500)]
    assert len(set(codes)) == 500
    assert codes[3317 % 500] == CreditCode.generate(category="2", region="510106", sequence=317)
    assert CreditCode.generate(category="1", region="510106", sequence=3317) == (
        "91510106000033179T"
    )


@pytest.mark.parametrize(
    "arguments",
    [
        {"category": "2", "region": "510106", "sequence": -1},
        {"category": "2", "region": "510106", "sequence": 100_000_000},
        {"category": "2", "region": "51010", "sequence": 1},
        {"category": "2", "region": "51O106", "sequence": 1},
        {"category": "I", "region": "510106", "sequence": 1},
        {"category": "12", "region": "510106", "sequence": 1},
        {"authority": "Z", "category": "1", "region": "510106", "sequence": 1},
    ],
)
def test_generate_rejects_what_does_not_fit(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CreditCode.generate(**arguments)  # type: ignore[arg-type]
