"""Random inspections without I/O: a draw is reproducible from its published inputs, any
change of them changes it, owners never inspect their own grid, ratios hold, and risk classes
and their deadlines follow the data files."""

from __future__ import annotations

import math
import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chassis.errors import RuleViolated
from contracts.values import CreditCode
from services.supervision.domain.draws import (
    DrawRules,
    SnapshotEntry,
    check_pool,
    commitment,
    draw,
    selection_json,
    snapshot_hash,
    snapshot_json,
    verify,
)
from services.supervision.domain.risk import (
    HistoryCounts,
    parse_risk_rules,
    results_publication_due,
    risk_rules,
)

RATIOS = {"A": Decimal("0.05"), "B": Decimal("0.10"), "C": Decimal("0.20"), "D": Decimal("0.50")}
OWNERS = [f"inspector{n:02d}" for n in range(1, 9)]
POOL = (*OWNERS, "standby01", "standby02")
RULES = DrawRules(RATIOS, POOL, 2)
SEED = bytes(range(32))


def code(n: int) -> str:
    return str(CreditCode.generate(category="2", region="510106", sequence=n))


def register(size: int, rng: random.Random) -> list[SnapshotEntry]:
    """A register of `size` households in eight grids with risk classes at random; every other
    owner has an agent today."""
    entries = []
    for n in range(size):
        owner = rng.randrange(len(OWNERS))
        agent = f"standby0{owner % 2 + 1}" if owner % 2 else None
        entries.append(
            SnapshotEntry(
                code(n), f"51010600100{owner}001", OWNERS[owner], agent, rng.choice("ABCD")
            )
        )
    return entries


REGISTER = register(400, random.Random(7))


def published(seed: bytes, entries: list[SnapshotEntry], rules: DrawRules) -> dict[str, object]:
    """The data of `supervision.draw.drawn` for a draw made honestly."""
    return {
        "seed": seed.hex(),
        "snapshot": snapshot_json(entries),
        "rules": rules.as_json(),
        "commitment": commitment(seed, snapshot_hash(entries), rules.hash),
        "selection": selection_json(draw(seed, entries, rules)),
    }


def test_a_draw_verifies_from_its_published_inputs() -> None:
    data = published(SEED, REGISTER, RULES)
    found = verify(data, committed=str(data["commitment"]))
    assert found.holds
    assert found.recomputed == data["selection"]
    # The order households are listed in changes nothing: the snapshot is canonical.
    assert draw(SEED, list(reversed(REGISTER)), RULES) == draw(SEED, REGISTER, RULES)


def test_one_household_changed_in_the_snapshot_changes_the_selection_and_fails() -> None:
    data = published(SEED, REGISTER, RULES)
    tampered = list(REGISTER)
    tampered[17] = SnapshotEntry(
        tampered[17].credit_code, tampered[17].grid_id, tampered[17].owner, None, "D"
    )
    assert tampered[17] != REGISTER[17]
    assert draw(SEED, tampered, RULES) != draw(SEED, REGISTER, RULES)
    found = verify(data | {"snapshot": snapshot_json(tampered)})
    assert not found.commitment_matches
    assert not found.selection_matches


@pytest.mark.parametrize("bit", [0, 7, 100, 255])
def test_one_bit_of_the_seed_flipped_changes_the_selection_and_fails(bit: int) -> None:
    data = published(SEED, REGISTER, RULES)
    flipped = bytearray(SEED)
    flipped[bit // 8] ^= 1 << (bit % 8)
    assert draw(bytes(flipped), REGISTER, RULES) != draw(SEED, REGISTER, RULES)
    found = verify(data | {"seed": bytes(flipped).hex()})
    assert not found.commitment_matches
    assert not found.selection_matches


def test_a_commitment_other_than_the_one_published_first_fails() -> None:
    data = published(SEED, REGISTER, RULES)
    assert not verify(data, committed="0" * 64).holds
    # A changed selection with honest inputs: the commitment holds, the selection does not.
    data["selection"] = list(data["selection"])[1:]  # type: ignore[call-overload]
    found = verify(data)
    assert found.commitment_matches
    assert not found.selection_matches


@given(
    seed=st.binary(min_size=32, max_size=32),
    layout=st.integers(min_value=0, max_value=2**32),
    size=st.integers(min_value=1, max_value=120),
    per_household=st.integers(min_value=1, max_value=3),
)
@settings(max_examples=300, deadline=None, database=None)
def test_no_owner_or_agent_is_ever_drawn_for_their_own_households(
    seed: bytes, layout: int, size: int, per_household: int
) -> None:
    entries = register(size, random.Random(layout))
    rules = DrawRules(RATIOS, POOL, per_household)
    check_pool(entries, rules)
    for selected in draw(seed, entries, rules):
        entry = next(e for e in entries if e.credit_code == selected.credit_code)
        assert entry.owner not in selected.inspectors
        assert entry.agent not in selected.inspectors
        assert len(set(selected.inspectors)) == per_household
        assert set(selected.inspectors) <= set(POOL)


def test_realised_ratios_match_the_rule_within_binomial_bounds() -> None:
    """Over 10,000 households each class is drawn at its ratio (rounded up), and the draw is
    not biased towards any part of the register: in every grid the count drawn of a class
    stays within p·n ± 4·sqrt(n·p·(1−p))."""
    entries = register(10_000, random.Random(2026))
    selection = draw(SEED, entries, RULES)
    for risk_class, ratio in RATIOS.items():
        members = [e for e in entries if e.risk_class == risk_class]
        drawn = [s for s in selection if s.risk_class == risk_class]
        assert len(drawn) == math.ceil(len(members) * ratio)
        p = float(ratio)
        for owner in OWNERS:
            n = sum(e.owner == owner for e in members)
            in_grid = sum(s.owner == owner for s in drawn)
            bound = 4 * math.sqrt(n * p * (1 - p))
            assert abs(in_grid - p * n) <= bound, (risk_class, owner, in_grid, p * n)
        # Nor towards low or high credit codes: the first half of the class gets about half.
        first_half = {e.credit_code for e in sorted(members, key=lambda e: e.credit_code)[::2]}
        n, q = len(drawn), 0.5
        assert abs(sum(s.credit_code in first_half for s in drawn) - n * q) <= 4 * math.sqrt(
            n * q * (1 - q)
        )


def test_different_seeds_draw_every_household_about_equally_often() -> None:
    entries = register(60, random.Random(3))
    counts = dict.fromkeys((e.credit_code for e in entries), 0)
    rules = DrawRules(dict.fromkeys("ABCD", Decimal("0.5")), POOL, 1)
    draws = 400
    for n in range(draws):
        for selected in draw(n.to_bytes(32, "big"), entries, rules):
            counts[selected.credit_code] += 1
    bound = 4 * math.sqrt(draws * 0.25)
    # Classes of odd size round up, so their households are drawn slightly more than half.
    assert all(abs(c - draws * 0.5) <= bound + draws * 0.1 for c in counts.values())


def test_a_pool_without_enough_inspectors_besides_the_owner_is_refused() -> None:
    entry = SnapshotEntry(code(1), "510106001001001", "inspector01", "standby01", "A")
    with pytest.raises(RuleViolated) as refused:
        check_pool([entry], DrawRules(RATIOS, ("inspector01", "standby01", "inspector02"), 2))
    assert refused.value.field == "inspectors"
    with pytest.raises(RuleViolated):
        check_pool([entry], DrawRules(RATIOS, ("inspector02", "inspector02", "inspector03"), 1))
    check_pool([entry], DrawRules(RATIOS, ("inspector01", "inspector02", "inspector03"), 2))


# -- risk classes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (HistoryCounts(), "A"),
        (HistoryCounts(complaints=2), "B"),
        (HistoryCounts(complaints=1, overdue_claims=1, findings=1), "C"),
        (HistoryCounts(penalties=1), "C"),
        (HistoryCounts(penalties=1, complaints=2), "D"),
        (HistoryCounts(findings=3), "D"),
    ],
)
def test_the_risk_class_follows_the_points_of_the_history(
    counts: HistoryCounts, expected: str
) -> None:
    assert risk_rules().classify(counts) == expected


@given(
    st.integers(0, 5), st.integers(0, 20), st.integers(0, 5), st.integers(0, 5), st.integers(0, 3)
)
@settings(max_examples=200, deadline=None, database=None)
def test_more_history_never_lowers_the_class(
    penalties: int, complaints: int, overdue: int, findings: int, more: int
) -> None:
    rules = risk_rules()
    before = HistoryCounts(penalties, complaints, overdue, findings)
    after = HistoryCounts(penalties + more, complaints, overdue, findings + more)
    assert rules.classify(after) >= rules.classify(before)


def test_a_risk_file_whose_last_class_is_bounded_is_refused() -> None:
    data = {
        "points": {"penalty": 1, "complaint": 1, "overdue_claim": 1, "finding": 1},
        "class": [
            {
                "code": "A",
                "up_to_points": 0,
                "sampling_ratio": "0.1",
                "plan_rule": "supervision.plan_a",
            }
        ],
    }
    with pytest.raises(ValueError, match="last class"):
        parse_risk_rules(data)


# -- deadlines across the 2026 National Day holiday ------------------------------------------


def test_results_are_published_within_20_working_days_across_national_day() -> None:
    # Recorded on Mon 28 Sep: 29, 30 Sep; 8, 9, 10 (make-up Saturday) Oct … the 20th is 30 Oct.
    due = results_publication_due(date(2026, 9, 28))
    assert due.due == date(2026, 10, 30)
    assert due.rule_code == "supervision.draw_results"
    assert "Enterprise Information Publicity art. 6" in due.basis
    assert due.unit == "workdays"


def test_a_class_d_household_claimed_before_the_holiday_is_due_after_it() -> None:
    # Claimed on 1 Sep: 30 days is 1 Oct, a holiday; the visit is due on the next working day.
    due = risk_rules().plan_due("D", date(2026, 9, 1))
    assert due.due == date(2026, 10, 8)
    assert due.rolled_to_workday
    assert (due.rule_code, due.basis) == (
        "supervision.plan_d",
        "local setting (risk class D: about every month)",
    )
    assert risk_rules().plan_due("A", date(2026, 9, 1)).due == date(2026, 9, 1).replace(year=2027)
