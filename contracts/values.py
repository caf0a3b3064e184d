"""Value types shared by the contracts: identifiers with check characters, places, instants."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "Address",
    "CommunityCode",
    "CreditCode",
    "GeoPoint",
    "GeoPolygon",
    "GridCode",
    "InvalidCodeError",
    "Money",
    "NonEmptyStr",
    "ResidentId",
    "UtcDateTime",
]

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_BEIJING = ZoneInfo("Asia/Shanghai")


class InvalidCodeError(ValueError):
    """A credit code or resident ID that fails its standard's rules."""


def _organisation_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    # GB 11714 values letters over the full Latin alphabet (A=10 … Z=35), not the
    # 31-symbol index that GB 32100 uses for position 18.
    total = sum(
        (int(char) if char.isdigit() else ord(char) - ord("A") + 10) * weight
        for char, weight in zip(body, _ORGANISATION_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _credit_check(first17: str) -> str:
    """GB 32100 check character (position 18) of the first 17 characters."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def _resident_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID."""
    total = sum(int(d) * w for d, w in zip(first17, _RESIDENT_WEIGHTS, strict=True))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


class _CheckedStr(str):
    """A normalised, validated string usable as a pydantic field type."""

    json_schema: ClassVar[dict[str, Any]]

    def __new__(cls, value: str) -> Self:
        """Normalise (strip, uppercase) and validate `value`, raising InvalidCodeError."""
        if not isinstance(value, str):
            raise TypeError(f"{cls.__name__} expects a str, got {type(value).__name__}")
        text = value.strip().upper()
        cls._validate(text)
        return super().__new__(cls, text)

    @classmethod
    def _validate(cls, text: str) -> None:
        raise NotImplementedError

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Validate as str, then through the class constructor."""
        return core_schema.no_info_after_validator_function(cls, core_schema.str_schema())

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The canonical (normalised) wire form as a JSON Schema string."""
        return dict(cls.json_schema)


class CreditCode(_CheckedStr):
    """Unified social credit code (统一社会信用代码, GB 32100-2015), check characters verified."""

    json_schema: ClassVar[dict[str, Any]] = {
        "type": "string",
        "pattern": f"^[{CREDIT_CODE_ALPHABET}]{{18}}$",
        "description": "Unified social credit code, GB 32100-2015 (check characters verified)",
    }

    @classmethod
    def _validate(cls, text: str) -> None:
        if len(text) != 18:
            raise InvalidCodeError(f"credit code must have 18 characters, got {len(text)}")
        for position, char in enumerate(text, start=1):
            if char not in CREDIT_CODE_ALPHABET:
                raise InvalidCodeError(
                    f"credit code has {char!r} at position {position}, outside the GB 32100 "
                    f"alphabet {CREDIT_CODE_ALPHABET} (no I, O, S, V, Z)"
                )
        if _organisation_check(text[8:16]) != text[16]:
            raise InvalidCodeError(
                "credit code fails the organisation-code check (position 17, GB 11714 "
                "over positions 9-16)"
            )
        if _credit_check(text[:17]) != text[17]:
            raise InvalidCodeError("credit code fails the check character (position 18, GB 32100)")

    @classmethod
    def generate(
        cls, *, authority: str = "9", category: str, region: str, sequence: int
    ) -> CreditCode:
        """Build a valid code whose organisation code body is the zero-padded `sequence`."""
        for label, symbol in (("authority", authority), ("category", category)):
            if len(symbol) != 1 or symbol not in CREDIT_CODE_ALPHABET:
                raise ValueError(f"{label} must be one symbol of {CREDIT_CODE_ALPHABET}")
        if len(region) != 6 or not region.isascii() or not region.isdigit():
            raise ValueError("region must be a 6-digit administrative division code")
        if not 0 <= sequence <= 99_999_999:
            raise ValueError("sequence must be between 0 and 99999999 (8 digits)")
        body = f"{sequence:08d}"
        first17 = f"{authority}{category}{region}{body}{_organisation_check(body)}"
        return cls(first17 + _credit_check(first17))

    @property
    def authority(self) -> str:
        """Registration authority (position 1; '9' is market regulation)."""
        return self[0]

    @property
    def category(self) -> str:
        """Entity category under the authority (position 2; under '9': 1 enterprise, 2 individual business, 3 cooperative)."""  # noqa: E501
        return self[1]

    @property
    def region(self) -> str:
        """Administrative division code of the registering authority (positions 3-8)."""
        return self[2:8]

    @property
    def organisation_code(self) -> str:
        """Organisation code, GB 11714, with its own check character (positions 9-17)."""
        return self[8:17]


class ResidentId(_CheckedStr):
    """PRC resident identity number (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check.

    Personal data: error messages never echo the value, but pydantic's own ValidationError
    shows the input unless the model sets `hide_input_in_errors=True`.
    """

    json_schema: ClassVar[dict[str, Any]] = {
        "type": "string",
        "pattern": "^[0-9]{17}[0-9X]$",
        "description": "Resident identity number, GB 11643 (check character verified)",
    }

    @classmethod
    def _validate(cls, text: str) -> None:
        if len(text) != 18 or not text.isascii():
            raise InvalidCodeError("resident ID must have 18 characters")
        if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
            raise InvalidCodeError("resident ID must be 17 digits followed by a digit or X")
        try:
            born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        except ValueError:
            raise InvalidCodeError(
                "resident ID birth date (positions 7-14) is not a date"
            ) from None
        if born > datetime.now(_BEIJING).date():
            raise InvalidCodeError("resident ID birth date (positions 7-14) is in the future")
        if _resident_check(text[:17]) != text[17]:
            raise InvalidCodeError(
                "resident ID fails the check character (position 18, ISO 7064 MOD 11-2)"
            )

    @property
    def birth_date(self) -> date:
        """Date of birth (positions 7-14)."""
        return date(int(self[6:10]), int(self[10:12]), int(self[12:14]))


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDateTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""An instant: timezone-aware on input (naive is refused), held and written in UTC."""

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Text with at least one non-blank character, surrounding whitespace stripped."""

CommunityCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
"""Community code: district (6 digits) + street (3) + community (3)."""

GridCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{15}$")]
"""Grid code: the community code (12 digits) + grid (3)."""


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2),
    PlainSerializer(_decimal_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$", "description": "CNY amount"},
        mode="serialization",
    ),
]
"""An amount in CNY (yuan, two decimals at most), written as a decimal string on the wire."""


class GeoPoint(BaseModel):
    """A point in WGS 84 (EPSG:4326) degrees; convert GCJ-02 map picks before publishing."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)


class Address(BaseModel):
    """A postal address as written, located in a community and optionally on the map."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    text: NonEmptyStr
    community_code: CommunityCode
    location: GeoPoint | None = None

    @property
    def district_code(self) -> str:
        """Administrative division code of the district (first 6 digits)."""
        return self.community_code[:6]

    @property
    def street_code(self) -> str:
        """Code of the street (sub-district) within the district (first 9 digits)."""
        return self.community_code[:9]


Position = tuple[float, ...]
"""A GeoJSON position: longitude and latitude in WGS 84 degrees (an altitude may follow)."""


class GeoPolygon(BaseModel):
    """A GeoJSON Polygon in WGS 84 degrees: a closed outer ring, then any holes (RFC 7946)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: Literal["Polygon"] = "Polygon"
    coordinates: tuple[
        Annotated[
            tuple[Annotated[Position, Field(min_length=2, max_length=3)], ...], Field(min_length=4)
        ],
        ...,
    ] = Field(min_length=1)
