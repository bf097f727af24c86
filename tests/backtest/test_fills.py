"""The fill model on hand-made candles: post-only fills only when a later candle trades
through the price, IOC at the candle-bounded far touch, fee and funding arithmetic, and a
short liquidated in a rally at high leverage."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.backtest.bars import Bar, Ohlc
from bot.backtest.fills import (
    FeeSchedule,
    bar_funding,
    fill_ioc,
    fill_post_only,
    funding_payment,
    liquidated,
)
from bot.domain.liquidation import MarginBracket, liquidation_price
from bot.domain.model import Market, MarketKind, Order, OrderStatus, Side

HOUR = 3_600_000
BTC_PERP = Market(
    symbol="BTC/USDT:USDT",
    exchange_symbol="BTCUSDT",
    kind=MarketKind.LINEAR,
    base="BTC",
    quote="USDT",
    settle="USDT",
    contract_size=D("0.001"),  # 1 contract = 0.001 BTC (as on OKX) to exercise the conversion
    amount_step=D(1),
    price_tick=D("0.1"),
)
FEES = FeeSchedule()


def _bar(ts_hours: int, o: str, h: str, l_: str, c: str, rate: str | None = None) -> Bar:
    candle = Ohlc(D(o), D(h), D(l_), D(c))
    return Bar(ts_hours * HOUR, candle, candle, candle, None if rate is None else D(rate))


def _order(side: Side, price: str | None, contracts: str = "1000", placed_hours: int = 1) -> Order:
    return Order(
        id="o1",
        client_id="hb-BTC-1",
        symbol=BTC_PERP.symbol,
        side=side,
        amount=D(contracts),
        filled=D(0),
        price=None if price is None else D(price),
        status=OrderStatus.OPEN,
        post_only=price is not None,
        timestamp_ms=placed_hours * HOUR,
    )


def test_post_only_sell_at_the_touch_is_not_filled_by_a_candle_that_only_touches_it() -> None:
    """A sell at 100 rests through a candle whose high is exactly 100."""
    assert (
        fill_post_only(_order(Side.SELL, "100"), BTC_PERP, _bar(1, "99", "100", "98", "99"), FEES)
        is None
    )


def test_post_only_sell_fills_at_its_price_when_a_later_candle_trades_through() -> None:
    """A sell at 100 fills at 100, as maker, in the first later candle with high > 100; the
    fee is 1 BTC × 100 × 0.02 % = 0.02 USDT."""
    fill = fill_post_only(
        _order(Side.SELL, "100"), BTC_PERP, _bar(2, "99", "100.1", "98", "100"), FEES
    )
    assert fill is not None
    assert (fill.price, fill.amount, fill.maker, fill.fee) == (D(100), D(1000), True, D("0.02"))
    assert fill.timestamp_ms == 2 * HOUR and fill.fee_asset == "USDT"


def test_post_only_buy_needs_a_low_strictly_below_its_price() -> None:
    """A buy at 100: a low of 100 leaves it resting, a low of 99.9 fills it."""
    order = _order(Side.BUY, "100")
    assert fill_post_only(order, BTC_PERP, _bar(1, "101", "102", "100", "101"), FEES) is None
    assert fill_post_only(order, BTC_PERP, _bar(1, "101", "102", "99.9", "101"), FEES) is not None


def test_the_candle_an_order_was_decided_on_cannot_fill_it() -> None:
    """An order placed at 01:00 (the 00:00 candle's close) ignores the 00:00 candle's range."""
    order = _order(Side.SELL, "100", placed_hours=1)
    assert fill_post_only(order, BTC_PERP, _bar(0, "99", "105", "98", "104"), FEES) is None


def test_ioc_buy_at_the_far_touch_bounded_by_the_candle_range() -> None:
    """An IOC buy sent against an ask of 101 fills at 101 inside the range, at the high when
    the ask is above the candle, and not at all when the price passes its limit."""
    order = _order(Side.BUY, "103")
    bar = _bar(1, "100", "102", "99", "101")
    inside = fill_ioc(order, BTC_PERP, bar, D(101), FEES)
    assert inside is not None and inside.price == D(101) and inside.maker is False
    assert inside.fee == D(1) * D(101) * D("0.0005")
    capped = fill_ioc(order, BTC_PERP, bar, D(108), FEES)
    assert capped is not None and capped.price == D(102)
    assert fill_ioc(_order(Side.BUY, "101.5"), BTC_PERP, bar, D(108), FEES) is None


def test_ioc_sell_is_bounded_by_the_low() -> None:
    """An IOC sell against a bid below the candle's low fills at the low."""
    fill = fill_ioc(
        _order(Side.SELL, None), BTC_PERP, _bar(1, "100", "102", "99", "101"), D(95), FEES
    )
    assert fill is not None and fill.price == D(99)


@pytest.mark.parametrize(
    ("contracts", "mark", "rate", "expected"),
    [
        ("-1000", "50000", "0.0001", "5"),  # short, positive rate: receives 1 × 50000 × 0.01 %
        ("-1000", "50000", "-0.0002", "-10"),  # short, negative rate: pays
        ("2000", "50000", "0.0001", "-10"),  # long, positive rate: pays
        ("0", "50000", "0.0001", "0"),
    ],
)
def test_funding_sign_and_size(contracts: str, mark: str, rate: str, expected: str) -> None:
    """Funding = −position × mark × rate: a positive rate makes shorts receive."""
    assert funding_payment(BTC_PERP, D(contracts), D(mark), D(rate)) == D(expected)


def test_bar_funding_uses_the_mark_at_the_settlement() -> None:
    """A settling candle pays on its mark open; a candle without a rate pays nothing."""
    mark = Ohlc(D(60000), D(61000), D(59000), D(60500))
    perp = Ohlc(D(1), D(1), D(1), D(1))
    bar = Bar(0, perp, perp, mark, D("0.0001"))
    assert bar_funding(BTC_PERP, D(-1000), bar) == D(6)
    assert bar_funding(BTC_PERP, D(-1000), bar._replace(funding_rate=None)) == 0


def test_fee_schedule_defaults_and_overrides() -> None:
    """Binance USDⓈ-M VIP 0 by default; a rebate may be negative; a percent is refused."""
    assert (FEES.maker, FEES.taker) == (D("0.0002"), D("0.0005"))
    assert FeeSchedule(maker=D("-0.00005")).fee(D(10000), maker=True) == D("-0.5")
    with pytest.raises(ValueError, match=r"fees\.taker: 0\.05 is not a fee rate"):
        FeeSchedule(taker=D("0.05"))


def test_short_at_high_leverage_is_liquidated_in_a_rally() -> None:
    """1 BTC short at 50,000 with 20x isolated margin (2,500 USDT) has its liquidation price
    near 52,289 (Binance's formula); a +3 % candle does not reach it, a +5 % one does."""
    brackets = (
        MarginBracket(D(0), D(50_000), D("0.004"), D(0), 125),
        MarginBracket(D(50_000), D(250_000), D("0.005"), D(50), 100),
    )
    liq = liquidation_price(
        size=D(-1), entry_price=D(50000), wallet_balance=D(2500), brackets=brackets
    )
    assert liq is not None and D(52000) < liq < D(52500)
    contracts = D(-1000)
    assert not liquidated(contracts, liq, _bar(1, "50000", "51500", "49900", "51400"))
    assert liquidated(contracts, liq, _bar(2, "51400", "52500", "51300", "52400"))
    assert not liquidated(D(0), liq, _bar(2, "51400", "52500", "51300", "52400"))


def test_long_is_liquidated_on_the_low() -> None:
    """For a long the candle's mark low is what reaches the liquidation price."""
    assert liquidated(D(5), D(90), _bar(1, "100", "101", "89", "95"))
    assert not liquidated(D(5), D(90), _bar(1, "100", "101", "91", "95"))


def test_inverse_markets_are_refused_clearly() -> None:
    """COIN-M markets are outside the model: a ValueError naming the symbol."""
    inverse = Market(
        "BTC/USD:BTC",
        "BTCUSD_PERP",
        MarketKind.INVERSE,
        "BTC",
        "USD",
        "BTC",
        D(100),
        D(1),
        D("0.1"),
    )
    with pytest.raises(ValueError, match="BTC/USD:BTC: the backtest fill model handles linear"):
        funding_payment(inverse, D(-1), D(50000), D("0.0001"))
