"""Rows and dataclasses meet by name; a None in a JSON column is SQL NULL."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from chassis.copying import made_from
from chassis.rows import values_for

metadata = sa.MetaData()
licences = sa.Table(
    "licences",
    metadata,
    sa.Column("credit_code", sa.String, primary_key=True),
    sa.Column("name", sa.String),
    sa.Column("scope", sa.JSON, nullable=True),
    sa.Column("stored_only", sa.String),
)


@dataclass(frozen=True)
class Licence:
    credit_code: str
    name: str
    scope: list[str] | None
    derived: int = 0


def test_a_row_loads_into_the_fields_of_the_same_names() -> None:
    row = {
        "credit_code": "91510106000033179T",
        "name": "老王面馆",
        "scope": None,
        "stored_only": "x",
    }
    assert made_from(Licence, row, derived=3) == Licence("91510106000033179T", "老王面馆", None, 3)


def test_values_take_the_columns_the_dataclass_has_and_json_none_is_sql_null() -> None:
    values = values_for(licences, Licence("91510106000033179T", "老王面馆", None), name="新名")
    assert set(values) == {"credit_code", "name", "scope"}
    assert values["name"] == "新名"
    assert isinstance(values["scope"], sa.Null)


@dataclass(frozen=True)
class Tally:
    name: str
    count: int = 0


def test_a_row_is_read_by_its_columns_not_its_tuple_methods() -> None:
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        row = connection.execute(sa.select(sa.literal("老王面馆").label("name"))).one()
    assert made_from(Tally, row) == Tally("老王面馆")
