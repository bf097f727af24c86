"""The backtest account's venue-side ledger: entries, realised P&L, fees, funding, transfers,
and a short liquidated in a hand-made rally at high leverage (but not at 2x)."""

from __future__ import annotations

from decimal import Decimal as D

from bot.backtest.bars import Bar, Ohlc
from bot.backtest.fills import FeeSchedule, bar_funding, fill_post_only, liquidated
from bot.backtest.ledger import (
    Ledger,
    apply_fill,
    apply_funding,
    equity,
    liquidate,
    transfer,
    unrealised_pnl,
)
from bot.domain.liquidation import MarginBracket, liquidation_price
from bot.domain.model import Fill, Market, MarketKind, Order, OrderStatus, Side

HOUR = 3_600_000
PERP = Market(
    "BTC/USDT:USDT", "BTCUSDT", MarketKind.LINEAR, "BTC", "USDT", "USDT", D("0.001"), D(1), D("0.1")
)
BRACKETS = (
    MarginBracket(D(0), D(50_000), D("0.004"), D(0), 125),
    MarginBracket(D(50_000), D(250_000), D("0.005"), D(50), 100),
)


def _fill(side: Side, contracts: str, price: str, fee: str = "0") -> Fill:
    return Fill("f", "o", PERP.symbol, side, D(contracts), D(price), D(fee), "USDT", True, 0)


def test_opening_a_short_moves_margin_and_pays_the_fee() -> None:
    """1 BTC short at 50,000 with 25,000 margin: fee from the wallet, entry 50,000, and a
    fall to 45,000 shows +5,000 unrealised in the equity."""
    ledger, moved = transfer(Ledger(collateral=D(30_000)), D(25_000))
    ledger = apply_fill(ledger, _fill(Side.SELL, "1000", "50000", fee="10"), PERP)
    assert moved == D(25_000) and ledger.collateral == D(5_000) and ledger.wallet == D(24_990)
    assert (ledger.contracts, ledger.entry_price) == (D(-1000), D(50_000))
    assert unrealised_pnl(ledger, D(45_000), PERP) == D(5_000)
    assert equity(ledger, D(45_000), PERP) == D(34_990)


def test_adding_averages_the_entry() -> None:
    """Sells at 50,000 and 52,000 of one BTC each average to 51,000."""
    ledger = apply_fill(Ledger(D(0)), _fill(Side.SELL, "1000", "50000"), PERP)
    ledger = apply_fill(ledger, _fill(Side.SELL, "1000", "52000"), PERP)
    assert (ledger.contracts, ledger.entry_price) == (D(-2000), D(51_000))


def test_reducing_realises_and_flipping_reopens_at_the_fill_price() -> None:
    """Buying back 0.4 of a 1 BTC short from 50,000 at 45,000 realises 2,000 and keeps the
    entry; buying 1 BTC more at 44,000 realises 3,600 on the 0.6 left and opens 0.4 long."""
    ledger = apply_fill(Ledger(D(0)), _fill(Side.SELL, "1000", "50000"), PERP)
    ledger = apply_fill(ledger, _fill(Side.BUY, "400", "45000"), PERP)
    assert (ledger.contracts, ledger.entry_price, ledger.wallet) == (D(-600), D(50000), D(2000))
    ledger = apply_fill(ledger, _fill(Side.BUY, "1000", "44000"), PERP)
    assert (ledger.contracts, ledger.entry_price) == (D(400), D(44_000))
    assert ledger.realised == D(5_600) and ledger.wallet == D(5_600)
    flat = apply_fill(ledger, _fill(Side.SELL, "400", "44000"), PERP)
    assert flat.contracts == 0 and flat.entry_price is None


def test_transfers_are_bounded_by_their_source() -> None:
    """A top-up cannot take more than the collateral; a release no more than the wallet."""
    ledger, moved = transfer(Ledger(collateral=D(100), wallet=D(50)), D(500))
    assert moved == D(100) and (ledger.collateral, ledger.wallet) == (D(0), D(150))
    ledger, moved = transfer(ledger, D(-400))
    assert moved == D(-150) and (ledger.collateral, ledger.wallet) == (D(150), D(0))


def _rally_run(leverage: int) -> tuple[Ledger, int]:
    """A 1 BTC short opened at 50,000 (post-only, filled by the next candle), then hourly
    candles rallying 1 % each, funding at 0.01 % every 8 h; returns the final ledger and the
    hour of the liquidation (-1: none)."""
    order = Order(
        "o1",
        "hb-1",
        PERP.symbol,
        Side.SELL,
        D(1000),
        D(0),
        D(50_000),
        OrderStatus.OPEN,
        post_only=True,
        timestamp_ms=HOUR,
    )
    margin = D(50_000) / leverage
    ledger, _ = transfer(Ledger(collateral=D(50_000)), margin)
    price = D(49_950)
    for hour in range(1, 13):
        close = price * D("1.01")
        mark = Ohlc(price, close + 5, price - 60, close)
        bar = Bar(hour * HOUR, mark, mark, mark, D("0.0001") if hour % 8 == 0 else None)
        ledger = apply_funding(ledger, bar_funding(PERP, ledger.contracts, bar))
        fill = fill_post_only(order, PERP, bar, FeeSchedule()) if ledger.contracts == 0 else None
        if fill is not None:
            ledger = apply_fill(ledger, fill, PERP)
        if ledger.contracts and ledger.entry_price is not None:
            liq = liquidation_price(
                size=ledger.contracts * PERP.contract_size,
                entry_price=ledger.entry_price,
                wallet_balance=ledger.wallet,
                brackets=BRACKETS,
            )
            if liquidated(ledger.contracts, liq, bar):
                assert liq is not None
                return liquidate(ledger, liq, PERP), hour
        price = close
    return ledger, -1


def test_short_at_20x_is_liquidated_in_a_rally_and_loses_its_margin() -> None:
    """At 20x (2,500 margin) a ~+4.5 % rally reaches the liquidation price: the position is
    closed and the isolated wallet forfeited; the collateral outside it survives."""
    ledger, hour = _rally_run(leverage=20)
    assert 4 <= hour <= 6
    assert ledger.contracts == 0 and ledger.wallet == 0 and ledger.collateral == D(47_500)
    assert ledger.realised < D(-2_000)


def test_short_at_2x_survives_the_same_rally() -> None:
    """At 2x (25,000 margin) the same twelve hours (+12.7 %) leave the short open."""
    ledger, hour = _rally_run(leverage=2)
    assert hour == -1 and ledger.contracts == D(-1000)
    assert ledger.wallet > D(24_000)  # margin minus the fee, plus a little funding
