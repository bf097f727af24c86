"""Where each hedge's fills query starts: at its memory's cursor, never further back than the
venue's 7-day window (found by the chaos suite's replays)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.model import Side
from bot.engine.fills import FILL_LOOKBACK_MS, fill_query_start

from .fake_exchange import SYMBOL
from .service import open_service

VENUE_NOW = 1_700_000_000_000
DAY = 24 * 3600 * 1000


@pytest.mark.parametrize(
    ("cursor", "venue_now", "expected"),
    [
        (None, VENUE_NOW, None),  # nothing journaled yet: the venue's default window
        (VENUE_NOW - DAY, None, VENUE_NOW - DAY),  # venue clock unknown yet
        (VENUE_NOW - DAY, VENUE_NOW, VENUE_NOW - DAY),  # recent cursor kept
        (VENUE_NOW - 30 * DAY, VENUE_NOW, VENUE_NOW - FILL_LOOKBACK_MS),  # old: clamped
    ],
)
def test_fill_query_start(cursor: int | None, venue_now: int | None, expected: int | None) -> None:
    """The fills query starts at the cursor, never further back than the lookback."""
    assert fill_query_start(cursor, venue_now) == expected


def test_lookback_is_inside_binances_seven_day_window() -> None:
    """Binance/ccxt cut a query starting ≥ 7 days back to those 7 days."""
    assert FILL_LOOKBACK_MS < 7 * DAY


async def test_a_fill_is_journaled_once_and_moves_the_hedges_cursor(tmp_path: Path) -> None:
    """Our sell fills: the next cycle journals it (once, however often the venue repeats it),
    the memory's cursor moves to it, and the hedge is trusted at -2."""
    service = open_service(tmp_path)
    await service.cycle()
    (order,) = service.fake.open_orders()
    service.clock.advance(2)
    fill = service.fake.fill(order.client_id or "")
    await service.cycles(3)
    assert service.rt.journal.count("fills") == 1
    memory = service.rt.memory["BTC"]
    assert memory.fill_cursor_ms == fill.timestamp_ms
    assert memory.trusted is not None and memory.trusted.contracts == -2
    assert fill.side is Side.SELL and service.fake.positions[SYMBOL].contracts == -2
