"""The registry: every contract registered once, found by type and version."""

import pytest

import contracts
from contracts import (
    Contract,
    ContractDefinitionError,
    DuplicateContractError,
    LicenceIssued,
    UnknownContract,
    all_contracts,
    lookup,
)
from contracts.catalogue import producer, published


def test_lookup_finds_the_class() -> None:
    assert lookup("licensing.licence.issued", 1) is LicenceIssued


def test_lookup_of_an_unknown_pair_says_what_is_missing() -> None:
    with pytest.raises(UnknownContract, match=r"'licensing\.licence\.issued' version 7"):
        lookup("licensing.licence.issued", 7)
    with pytest.raises(KeyError):
        lookup("nobody.nothing.happened", 1)


def test_all_contracts_is_sorted_and_holds_every_producer_module() -> None:
    keys = [(c.event_type, c.event_version) for c in all_contracts()]
    assert keys == sorted(keys)
    declared = {
        value
        for module in contracts.PRODUCERS.values()
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Contract) and "event_type" in vars(value)
    }
    assert set(published()) == declared
    assert {producer(c) for c in published()} == set(contracts.PRODUCERS)


def test_each_event_type_starts_with_its_producer() -> None:
    for contract in published():
        assert contract.event_type.split(".")[0] == producer(contract)


def test_every_contract_is_frozen_ignores_extras_and_has_a_docstring() -> None:
    for contract in published():
        assert contract.model_config.get("frozen") is True
        assert contract.model_config.get("extra") == "ignore"
        assert contract.__doc__
        assert contract.model_fields[contract.subject_field].is_required()


def test_a_duplicate_type_and_version_raises_at_definition() -> None:
    class First(Contract):
        event_type = "test.registry.duplicated"
        subject_field = "key"
        key: str

    with pytest.raises(DuplicateContractError, match="new event_version"):

        class Second(Contract):
            event_type = "test.registry.duplicated"
            subject_field = "key"
            key: str

    class Next(First):
        event_version = 2

    assert lookup("test.registry.duplicated", 1) is First
    assert lookup("test.registry.duplicated", 2) is Next
    assert Next.routing_key() == "test.registry.duplicated.v2"


def test_a_shape_without_event_type_is_not_registered() -> None:
    before = len(all_contracts())

    class Shape(Contract):
        key: str

    assert len(all_contracts()) == before


@pytest.mark.parametrize(
    ("event_type", "version", "subject_field"),
    [
        ("Test.Bad.Case", 1, "key"),
        ("test.*.wildcard", 1, "key"),
        ("single", 1, "key"),
        ("test.bad.version", 0, "key"),
        ("test.bad.subject", 1, "missing"),
    ],
)
def test_bad_declarations_raise_at_definition(
    event_type: str, version: int, subject_field: str
) -> None:
    with pytest.raises(ContractDefinitionError):
        type(
            "Bad",
            (Contract,),
            {
                "__annotations__": {"key": str},
                "event_type": event_type,
                "event_version": version,
                "subject_field": subject_field,
            },
        )


def test_subject_is_the_subject_field_as_text() -> None:
    from contracts.examples import example

    event = example(LicenceIssued)
    assert isinstance(event, LicenceIssued)
    assert event.subject() == event.credit_code
