"""Contract math tables: exposure, conversions, rounding to step and tick, venue minimums."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.contracts import (
    base_exposure,
    contracts_for_base,
    contracts_for_notional,
    notional,
    order_size_problem,
    round_amount_down,
    round_amount_up,
    round_price_aggressive,
    round_price_nearest,
    round_price_passive,
)
from bot.domain.model import Market, Side

from ._factories import inverse, linear, spot_market

LIN = linear(contract_size="0.001", step="1", tick="0.1", min_amount="1", min_notional="100")
INV = inverse(contract_size="100")
SPOT = spot_market()


@pytest.mark.parametrize(
    ("market", "contracts", "price", "base"),
    [
        (LIN, "-5000", None, "-5"),
        (LIN, "250", None, "0.25"),
        (INV, "-3000", "60000", "-5"),
        (INV, "600", "30000", "2"),
        (SPOT, "1.5", None, "1.5"),
    ],
)
def test_base_exposure(market: Market, contracts: str, price: str | None, base: str) -> None:
    """Signed contracts convert to signed base units per contract kind."""
    px = None if price is None else D(price)
    assert base_exposure(market, D(contracts), px) == D(base)
    assert contracts_for_base(market, D(base), px) == D(contracts)


def test_inverse_needs_price() -> None:
    """Inverse conversions without a price fail with an error naming the market."""
    with pytest.raises(ValueError, match="BTC/USD:BTC"):
        base_exposure(INV, D(10))


@pytest.mark.parametrize(
    ("market", "contracts", "price", "value"),
    [(LIN, "-2000", "50000", "100000"), (INV, "7", "50000", "700"), (SPOT, "0.5", "100", "50")],
)
def test_notional_and_back(market: Market, contracts: str, price: str, value: str) -> None:
    """Notional is unsigned quote; contracts_for_notional inverts it."""
    assert notional(market, D(contracts), D(price)) == D(value)
    assert contracts_for_notional(market, D(value), D(price)) == abs(D(contracts))


@pytest.mark.parametrize(
    ("step", "amount", "down", "up"),
    [
        ("0.001", "1.23456", "1.234", "1.235"),
        ("0.001", "-1.23456", "-1.234", "-1.235"),
        ("1", "349.999", "349", "350"),
        ("0.01", "0.5", "0.50", "0.50"),
        ("5", "12", "10", "15"),
    ],
)
def test_amount_rounding(step: str, amount: str, down: str, up: str) -> None:
    """Amounts round toward zero (down) or away from zero (up) to the step."""
    market = linear(step=step)
    assert round_amount_down(market, D(amount)) == D(down)
    assert round_amount_up(market, D(amount)) == D(up)


@pytest.mark.parametrize(
    ("tick", "price", "buy_passive", "sell_passive", "nearest"),
    [
        ("0.1", "60000.04", "60000.0", "60000.1", "60000.0"),
        ("0.5", "60000.26", "60000.0", "60000.5", "60000.5"),
        ("0.1", "60000.1", "60000.1", "60000.1", "60000.1"),
    ],
)
def test_price_rounding(
    tick: str, price: str, buy_passive: str, sell_passive: str, nearest: str
) -> None:
    """Passive buys round down and sells up; aggressive does the opposite; nearest is nearest."""
    market = linear(tick=tick)
    assert round_price_passive(market, D(price), Side.BUY) == D(buy_passive)
    assert round_price_passive(market, D(price), Side.SELL) == D(sell_passive)
    assert round_price_aggressive(market, D(price), Side.BUY) == D(sell_passive)
    assert round_price_aggressive(market, D(price), Side.SELL) == D(buy_passive)
    assert round_price_nearest(market, D(price)) == D(nearest)


@pytest.mark.parametrize(
    ("amount", "price", "problem"),
    [
        ("1", "60000", "notional 60.00 is below the minimum 100"),
        ("0", "60000", "not positive"),
        ("2", "60000", None),
        ("1", "100000", None),
    ],
)
def test_order_size_problem(amount: str, price: str, problem: str | None) -> None:
    """Orders below min amount or min notional are named as such; big enough ones pass."""
    result = order_size_problem(LIN, D(amount), D(price))
    if problem is None:
        assert result is None
    else:
        assert result is not None and problem in result


def test_min_amount() -> None:
    """An amount under the venue's minimum contracts is refused."""
    market = linear(step="0.001", min_amount="0.002")
    assert "below the minimum 0.002" in (order_size_problem(market, D("0.001"), D("1e6")) or "")


def test_inverse_min_notional_is_contract_value() -> None:
    """Inverse notional is contracts × contract size, independent of price."""
    market = inverse(contract_size="10")
    assert notional(market, D(3), D(1)) == notional(market, D(3), D(99999)) == D(30)
