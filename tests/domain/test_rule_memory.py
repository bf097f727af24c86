"""The rule memory's journal form: every field round-trips, older rows read as fresh."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from bot.domain.memory import HedgeLegs, HedgeMemory, from_data, to_data
from bot.domain.rule_memory import RuleMemory

LEGS = HedgeLegs("main", "BTC", "main", "BTC/USDT:USDT")
RULES = RuleMemory(
    armed=(1, 0, 2), take_profit_at=D("54980.5"), funding_streak=3, funding_seen_ms=7
)


def test_rule_state_round_trips_through_the_journal_form() -> None:
    """Tranches armed (in order), a take-profit hit and a funding streak survive to_data/JSON."""
    memory = HedgeMemory(LEGS, rules=RULES)
    assert from_data(json.loads(json.dumps(to_data(memory)))) == memory


def test_a_memory_journaled_before_rules_existed_reads_with_fresh_rule_state() -> None:
    """A journal row without `rules` (an older daemon) is still a memory, rules fresh."""
    data = to_data(HedgeMemory(LEGS, rejections=2))
    del data["rules"]
    assert from_data(data) == HedgeMemory(LEGS, rejections=2)


@pytest.mark.parametrize(
    "rules",
    [
        "armed",
        {"armed": ["1"]},
        {"take_profit_at": 54980},
        {"funding_streak": True},
    ],
)
def test_damaged_rule_state_is_ignored_not_trusted(rules: object) -> None:
    """A damaged `rules` part makes the whole row unreadable (None), never half-trusted."""
    assert from_data({**to_data(HedgeMemory(LEGS)), "rules": rules}) is None
