"""Which listed quarterly a `future.series` hedge holds: the nearest (`quarter`) or the one
after (`next_quarter`), never one in its last hour, and the held contract kept until it has
expired. Times epoch ms (venue clock)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.dated_series import DatedSeries, Expiry, held_or_resolved, resolve_series
from bot.domain.instrument import CLOSE_BEFORE_MS
from bot.domain.model import Market

from ._factories import linear

DEC = 1_798_185_600_000  # 2026-12-25 08:00 UTC
MAR = 1_806_134_400_000  # 2027-03-26 08:00 UTC
JUN = 1_813_996_800_000  # 2027-06-25 08:00 UTC
SERIES = "BTC/USDT:USDT"


def _dated(symbol: str, expiry_ms: int) -> Market:
    return replace(linear(symbol=symbol), expiry_ms=expiry_ms)


LISTED = (
    linear(),  # the perpetual of the same pair is not part of the series
    _dated("BTC/USDT:USDT-270326", MAR),
    _dated("BTC/USDT:USDT-261225", DEC),
    _dated("ETH/USDT:USDT-261225", DEC),
    replace(linear(symbol="BTC/USD:BTC-261225"), expiry_ms=DEC),
)


def _series(expiry: Expiry = Expiry.QUARTER) -> DatedSeries:
    return DatedSeries(SERIES, expiry, 72)


@pytest.mark.parametrize(
    ("expiry", "expected"),
    [(Expiry.QUARTER, "BTC/USDT:USDT-261225"), (Expiry.NEXT_QUARTER, "BTC/USDT:USDT-270326")],
)
def test_the_series_resolves_to_the_listed_contract_asked_for(
    expiry: Expiry, expected: str
) -> None:
    """`quarter` is the nearest listed contract of the series, `next_quarter` the one after."""
    assert resolve_series(LISTED, _series(expiry), DEC - 30 * 86_400_000) == expected


def test_a_contract_in_its_last_hour_is_never_chosen() -> None:
    """In December's last hour `quarter` is March (and `next_quarter` has nothing listed)."""
    now = DEC - CLOSE_BEFORE_MS
    assert resolve_series(LISTED, _series(), now) == "BTC/USDT:USDT-270326"
    assert resolve_series(LISTED, _series(Expiry.NEXT_QUARTER), now) is None


def test_a_series_the_venue_does_not_list_resolves_to_nothing() -> None:
    """No listed contract of the series: None (the daemon refuses to start on it)."""
    assert resolve_series(LISTED, DatedSeries("SOL/USDT:USDT", Expiry.QUARTER, 72), DEC) is None


def test_the_held_contract_is_kept_until_it_expires() -> None:
    """Held December stays held in its last hour (its close-out flattens it), even though the
    series would now resolve to March; after delivery the hedge moves to March."""
    held = "BTC/USDT:USDT-261225"
    assert held_or_resolved(held, LISTED, _series(), DEC - 1) == held
    assert held_or_resolved(held, LISTED, _series(), DEC) == "BTC/USDT:USDT-270326"


def test_a_delisted_or_foreign_held_contract_is_replaced() -> None:
    """A held contract the venue no longer lists, or of another series, is re-resolved."""
    after = (*LISTED[1:2], _dated("BTC/USDT:USDT-270625", JUN))
    assert held_or_resolved("BTC/USDT:USDT-261225", after, _series(), DEC - 1) == (
        "BTC/USDT:USDT-270326"
    )
    foreign = held_or_resolved("ETH/USDT:USDT-261225", LISTED, _series(), DEC - 86_400_000)
    assert foreign == "BTC/USDT:USDT-261225"
