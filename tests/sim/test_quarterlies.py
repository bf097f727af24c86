"""Binance's quarterly schedule (last Friday of Mar/Jun/Sep/Dec, 08:00 UTC), the listings it
implies on the simulated clock, and the basis that decays to zero at delivery."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from bot.sim import quarterlies as q
from bot.sim.errors import SimError
from bot.sim.specs import get_spec, is_listed, listed_symbols


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    ("year", "month", "when"),
    [
        (2024, 3, "2024-03-29T08:00"),
        (2024, 6, "2024-06-28T08:00"),
        (2024, 9, "2024-09-27T08:00"),
        (2024, 12, "2024-12-27T08:00"),
        (2025, 3, "2025-03-28T08:00"),
        (2026, 12, "2026-12-25T08:00"),
        (2021, 9, "2021-09-24T08:00"),  # BTCUSDT_210924's deliveryDate 1632470400000
    ],
)
def test_delivery_is_the_last_friday_of_the_quarter_month_at_8_utc(
    year: int, month: int, when: str
) -> None:
    """Each quarterly delivers on its month's last Friday at 08:00 UTC."""
    assert q.delivery_ms(year, month) == _ms(when)


@pytest.mark.parametrize(
    ("now", "current", "following"),
    [
        ("2024-01-01T01:00", "240329", "240628"),
        ("2024-03-29T07:59", "240329", "240628"),
        ("2024-03-29T08:00", "240628", "240927"),  # delivered at 08:00: the next is current
        ("2024-12-31T23:00", "250328", "250627"),
    ],
)
def test_listing_is_the_current_and_next_quarter_of_the_simulated_time(
    now: str, current: str, following: str
) -> None:
    """At any time the venue lists the first delivery strictly after now and the one after."""
    listed = [q.suffix(d) for d in q.listed_deliveries(_ms(now))]
    assert listed == [current, following]
    symbols = listed_symbols("coinm", _ms(now))
    assert f"BTCUSD_{current}" in symbols and f"ETHUSD_{following}" in symbols


def test_contract_types_follow_the_clock() -> None:
    """A contract is NEXT_QUARTER, then CURRENT_QUARTER after the delivery before it, then gone."""
    june = q.delivery_ms(2024, 6)
    assert q.contract_type(june, _ms("2024-01-01T01:00")) == "NEXT_QUARTER"
    assert q.contract_type(june, _ms("2024-04-01T00:00")) == "CURRENT_QUARTER"
    assert q.contract_type(june, june) is None


def test_a_contract_is_onboarded_two_deliveries_before_its_own() -> None:
    """BTCUSDT_240628 is listed from the 2023-12-29 delivery until its own at 2024-06-28."""
    spec = get_spec("usdm", "BTCUSDT_240628")
    assert spec.onboard_ms == q.delivery_ms(2023, 12)
    assert is_listed(spec, _ms("2024-01-01T00:00")) and not is_listed(spec, spec.delivery_ms or 0)
    assert not is_listed(spec, q.delivery_ms(2023, 12) - 1)


@pytest.mark.parametrize("symbol", ["BTCUSDT_240328", "BTCUSDT_240429", "XRPUSDT_240329"])
def test_symbols_without_a_real_quarterly_date_are_unknown(symbol: str) -> None:
    """A suffix that is not a last-Friday quarter date, or a pair without quarterlies, is -1121."""
    with pytest.raises(SimError, match="-1121"):
        get_spec("usdm", symbol)


def test_deliveries_between_lists_every_crossing_in_order() -> None:
    """A year from 2024-01-01 crosses the four 2024 deliveries, oldest first."""
    crossed = q.deliveries_between(_ms("2024-01-01T00:00"), _ms("2025-01-01T00:00"))
    assert [q.suffix(d) for d in crossed] == ["240329", "240628", "240927", "241227"]


def test_basis_decays_linearly_to_zero_at_delivery() -> None:
    """8 %/yr over an index of 60,000 with half a year left is +2,400; a quarter left, +1,200;
    at delivery the future is the index."""
    delivery = 10 * q.YEAR_MS
    assert q.fair_price(D(60000), D("0.08"), delivery, delivery - q.YEAR_MS // 2) == D(62400)
    assert q.fair_price(D(60000), D("0.08"), delivery, delivery - q.YEAR_MS // 4) == D(61200)
    assert q.fair_price(D(60000), D("0.08"), delivery, delivery) == D(60000)
    assert q.fair_price(D(60000), D("0.08"), delivery, delivery + 1) == D(60000)
