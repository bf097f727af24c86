"""The per-hedge memory value: small pure updates, the reload reset, the journal form."""

from __future__ import annotations

import json
from dataclasses import fields
from decimal import Decimal as D

import pytest

from bot.domain.backoff import Backoff
from bot.domain.memory import (
    HedgeLegs,
    HedgeMemory,
    Suspect,
    Trusted,
    after_reload,
    from_data,
    note_fill,
    note_order_outcome,
    request_rebaseline,
    to_data,
)

BTC = HedgeLegs("main", "BTC", "main", "BTC/USDT:USDT")
ETH = HedgeLegs("main", "ETH", "main", "ETH/USDT:USDT")
FULL = HedgeMemory(
    BTC,
    trusted=Trusted(D("-1.234"), 1_700_000_000_123),
    suspect=Suspect(D(0), 2),
    rebaseline=True,
    risk_hold=True,
    rejections=4,
    fill_cursor_ms=1_700_000_000_000,
    brackets_missing=True,
    backoff=Backoff("BTC:grow:0>-1", 3, 1_700_000_040_000),
    margin_short=True,
)


def test_journal_form_round_trips_every_field_exactly() -> None:
    """to_data → JSON → from_data gives the same value (Decimals exact)."""
    assert from_data(json.loads(json.dumps(to_data(FULL)))) == FULL
    assert from_data(to_data(HedgeMemory(ETH))) == HedgeMemory(ETH)
    assert {f.name for f in fields(HedgeMemory)} <= set(to_data(FULL))


@pytest.mark.parametrize(
    "damaged",
    [
        {},
        {"legs": ["main", "BTC", "main"]},
        {**to_data(FULL), "trusted": ["not a number", 1]},
        {**to_data(FULL), "rejections": "4"},
        {**to_data(FULL), "risk_hold": "yes"},
        {**to_data(FULL), "backoff": ["BTC:grow:0>-1", "3", 5]},
    ],
)
def test_a_damaged_journal_form_is_ignored_not_trusted(damaged: dict[str, object]) -> None:
    """Anything but a memory `to_data` wrote reads as None."""
    assert from_data(damaged) is None


def test_a_reload_keeps_unchanged_hedges_resets_moved_ones_and_forgets_removed_ones() -> None:
    """BTC keeps its memory; ETH moved to another symbol starts afresh at the venue clock;
    a removed hedge is dropped."""
    moved = HedgeLegs("main", "ETH", "main", "ETH/USDC:USDC")
    memories = {"BTC": FULL, "ETH": HedgeMemory(ETH, trusted=Trusted(D(-5), 1)), "OLD": FULL}
    out = after_reload(memories, {"BTC": BTC, "ETH": moved}, {"BTC": 5, "ETH": 9})
    assert out == {"BTC": FULL, "ETH": HedgeMemory(moved, fill_cursor_ms=9)}


def test_fill_cursor_only_moves_forward() -> None:
    """A fill older than the cursor leaves it; a newer one moves it."""
    memory = HedgeMemory(BTC, fill_cursor_ms=100)
    assert note_fill(memory, 50) is memory
    assert note_fill(memory, 150).fill_cursor_ms == 150
    assert note_fill(HedgeMemory(BTC), 7).fill_cursor_ms == 7


def test_rejections_count_in_a_row_and_reset_on_any_other_outcome() -> None:
    """Two rejections count 2; a placement resets to 0."""
    memory = note_order_outcome(note_order_outcome(HedgeMemory(BTC), rejected=True), rejected=True)
    assert memory.rejections == 2
    assert note_order_outcome(memory, rejected=False).rejections == 0


def test_resume_requests_a_rebaseline() -> None:
    """The operator's resume sets the flag the next decision consumes."""
    assert request_rebaseline(HedgeMemory(BTC)).rebaseline is True
