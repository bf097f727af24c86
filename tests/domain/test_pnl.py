"""Hedge P&L with funding and fees: hand-worked examples, and exact additivity against an
independent venue-style ledger (average entry price, realized P&L on each close, kept in
exact fractions) over random fill and funding sequences, linear and inverse."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.model import Fill, FundingPayment, Market, Side
from bot.domain.pnl import HedgePnl, Holdings, Marks, coin_value, hedge_pnl

from ._factories import inverse, linear, spot_market

LINEAR = linear(contract_size="0.001", step="1")  # Binance-like: 1 contract = 0.001 BTC
INVERSE = inverse(contract_size="100")  # 1 contract = 100 USD, settled in BTC
SPOT = spot_market()


def fill(market: Market, side: Side, amount: str, price: str, fee: str, asset: str) -> Fill:
    return Fill("f", "o", market.symbol, side, D(amount), D(price), D(fee), asset, True, 0)


def funding(market: Market, amount: str) -> FundingPayment:
    return FundingPayment("p", market.symbol, market.settle or market.quote, D(amount), 0)


def hedged_sell(
    market: Market, contracts: str, price: str, fee: str, paid: str, end: int
) -> HedgePnl:
    """1 BTC held from 60,000, hedged by one sell of `contracts` at `price` paying `fee`
    (settle currency), `paid` funding received, both legs marked at `end`."""
    settle = market.settle or market.quote
    return hedge_pnl(
        SPOT,
        market,
        Holdings(D(1), D(0), Marks(D(60_000), D(60_000))),
        Marks(D(end), D(end)),
        perp_fills=[fill(market, Side.SELL, contracts, price, fee, settle)],
        funding=[funding(market, paid)],
    )


def test_hand_worked_linear_hedge() -> None:
    """1 BTC at 60,000 hedged by selling 1,000 contracts (1 BTC) at 60,010 with a 0.02 %
    maker fee (12.002 USDT), +6 USDT funding, price down to 55,000:
    spot −5,000, perp +5,010, funding +6, fees 12.002 → +3.998 USDT."""
    result = hedged_sell(LINEAR, "1000", "60010", "12.002", "6", 55_000)
    assert (result.spot, result.perp, result.funding) == (D(-5_000), D(5_010), D(6))
    assert (result.spot_fees, result.perp_fees) == (D(0), D("12.002"))
    assert result.total == D("3.998")


def test_hand_worked_inverse_hedge() -> None:
    """1 BTC held, short 600 inverse contracts (60,000 USD = 1 BTC) at 60,000, price down to
    50,000: the short gains 600 × 100 × (1/50,000 − 1/60,000) = 0.2 BTC; with 0.0001 BTC
    funding and a 0.0005 BTC fee the futures leg is +0.1996 BTC = 9,980 USD, the spot −10,000:
    total −20 USD (the fee and funding, in USD)."""
    result = hedged_sell(INVERSE, "600", "60000", "0.0005", "0.0001", 50_000)
    assert result.perp == D("0.2") and result.settle == "BTC"
    assert result.futures == D("0.1996")
    assert result.spot == D(-10_000)
    assert result.total == D(-20)


@pytest.mark.parametrize(
    ("fills", "spot", "fees"),
    [
        # bought 0.5 BTC at 58,000, fee 0.0005 BTC (valued at the end price 61,000)
        ([("buy", "0.5", "58000", "0.0005", "BTC")], "1500", "30.5"),
        # sold 0.25 at 62,000 (short spot, 1,000 above the end price), fee 15.5 USDT
        ([("sell", "0.25", "62000", "15.5", "USDT")], "250", "15.5"),
        # a maker rebate is a negative fee
        ([("buy", "1", "60000", "-6", "USDT")], "1000", "-6"),
    ],
)
def test_spot_trades_and_their_fees(fills: list[tuple[str, ...]], spot: str, fees: str) -> None:
    """Spot fills are marked from their own price to the end price; base-coin fees are
    valued at the end price, rebates count as negative fees."""
    result = hedge_pnl(
        SPOT,
        LINEAR,
        Holdings(D(0), D(0), Marks(D(60_000), D(60_000))),
        Marks(D(61_000), D(61_000)),
        spot_fills=[fill(SPOT, Side(s), a, p, f, asset) for s, a, p, f, asset in fills],
    )
    assert (result.spot, result.spot_fees) == (D(spot), D(fees))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"perp_fills": [fill(LINEAR, Side.SELL, "1", "60000", "0.1", "BNB")]}, "fee in BNB"),
        ({"spot_fills": [fill(SPOT, Side.BUY, "1", "60000", "0.1", "BNB")]}, "fee in BNB"),
        ({"funding": [FundingPayment("p", LINEAR.symbol, "BTC", D(1), 0)]}, "paid in BTC"),
        ({"perp_fills": [fill(SPOT, Side.SELL, "1", "60000", "0", "USDT")]}, "is not BTC/USDT:"),
    ],
)
def test_foreign_assets_and_symbols_are_refused(kwargs: dict[str, object], message: str) -> None:
    """A fee, payment or fill that cannot be valued in the hedge's currencies is refused,
    naming it, rather than silently mis-added."""
    start = Holdings(D(0), D(0), Marks(D(60_000), D(60_000)))
    with pytest.raises(ValueError, match=message):
        hedge_pnl(SPOT, LINEAR, start, Marks(D(1), D(1)), **kwargs)  # type: ignore[arg-type]


# --- the independent ledger ---------------------------------------------------------------
@dataclass
class Ledger:
    """A venue's books in exact fractions: spot wallet (quote cash, base coins), futures
    wallet (settle), and the position with its average entry (linear: price; inverse: the
    coin value the open contracts were booked at)."""

    market: Market
    cash: Fraction = Fraction(0)
    base: Fraction = Fraction(0)
    wallet: Fraction = Fraction(0)
    contracts: Fraction = Fraction(0)
    entry: Fraction = Fraction(0)  # linear: average entry price; inverse: coin booked

    def value(self, contracts: Fraction, price: D) -> Fraction:
        """Linear: contracts × price (× size later); inverse: the booked coin value."""
        if self.market.kind.value == "inverse":
            return Fraction(
                coin_value(self.market, D(contracts.numerator) / contracts.denominator, price)
            )
        return contracts * Fraction(price)

    def trade_perp(self, signed: Fraction, price: D, fee: D) -> None:
        booked = self.value(signed, price)
        closing = min(abs(signed), abs(self.contracts)) if signed * self.contracts < 0 else 0
        if closing:
            share = Fraction(closing) / abs(self.contracts)
            closed_part = booked * closing / abs(signed)
            if self.market.kind.value == "inverse":
                realized = self.entry * share + closed_part
                self.entry -= self.entry * share
            else:
                sign = 1 if self.contracts > 0 else -1
                realized = closing * (Fraction(price) - self.entry) * sign
                realized *= Fraction(self.market.contract_size)
            self.wallet += realized
            self.contracts += closing if self.contracts < 0 else -closing
            booked -= closed_part
            signed -= closing if signed > 0 else -closing
        if signed:
            self.open(signed, booked, price)
        self.wallet -= Fraction(fee)

    def open(self, signed: Fraction, booked: Fraction, price: D) -> None:
        if signed == 0:
            return
        if self.market.kind.value == "inverse":
            self.entry += booked
        else:
            total = abs(self.contracts) + abs(signed)
            self.entry = (abs(self.contracts) * self.entry + abs(signed) * Fraction(price)) / total
        self.contracts += signed

    def unrealized(self, mark: D) -> Fraction:
        if self.market.kind.value == "inverse":
            return self.entry - self.value(self.contracts, mark)
        size = Fraction(self.market.contract_size)
        return self.contracts * (Fraction(mark) - self.entry) * size

    def futures_equity(self, mark: D) -> Fraction:
        return self.wallet + self.unrealized(mark)

    def spot_equity(self, price: D) -> Fraction:
        return self.cash + self.base * Fraction(price)


prices = st.integers(20_000, 90_000).map(lambda n: D(n) / 10)  # one decimal, like a tick
Period = tuple[Market, Holdings, Marks, list[Fill], list[Fill], list[FundingPayment]]


@st.composite
def periods(draw: st.DrawFn) -> Period:
    market = draw(st.sampled_from([LINEAR, INVERSE]))
    settle = market.settle or market.quote
    start = Holdings(
        D(draw(st.integers(0, 5_000))) / 1000,
        D(draw(st.integers(-3_000, 500))),
        Marks(draw(prices), draw(prices)),
    )
    spot_fills = [
        Fill("s", "o", SPOT.symbol, draw(st.sampled_from(list(Side))),
             D(draw(st.integers(1, 2_000))) / 1000, draw(prices),
             D(draw(st.integers(-100, 10_000))) / 10**8 * draw(st.sampled_from([1, 10**5])),
             draw(st.sampled_from(["USDT", "BTC"])), True, 0)
        for _ in range(draw(st.integers(0, 6)))
    ]  # fmt: skip
    perp_fills = [
        Fill("p", "o", market.symbol, draw(st.sampled_from(list(Side))),
             D(draw(st.integers(1, 3_000))), draw(prices),
             D(draw(st.integers(-100, 10_000))) / 10**8, settle, True, 0)
        for _ in range(draw(st.integers(0, 10)))
    ]  # fmt: skip
    payments = [
        FundingPayment("f", market.symbol, settle, D(draw(st.integers(-(10**6), 10**6))) / 10**8, 0)
        for _ in range(draw(st.integers(0, 4)))
    ]
    return market, start, Marks(draw(prices), draw(prices)), spot_fills, perp_fills, payments


def replay(period: Period) -> tuple[Fraction, Fraction]:
    """Δ spot-wallet equity (quote) and Δ futures equity (settle) by the ledger."""
    market, start, end, spot_fills, perp_fills, payments = period
    book = Ledger(market, base=Fraction(start.spot))
    held = Fraction(start.contracts)
    book.open(held, book.value(held, start.marks.perp), start.marks.perp)
    spot0 = book.spot_equity(start.marks.spot)
    futures0 = book.futures_equity(start.marks.perp)
    for f in spot_fills:
        signed = Fraction(f.amount) * (1 if f.side is Side.BUY else -1)
        book.cash -= signed * Fraction(f.price)
        book.base += signed
        if f.fee_asset == "BTC":
            book.base -= Fraction(f.fee)
        else:
            book.cash -= Fraction(f.fee)
    for f in perp_fills:
        book.trade_perp(Fraction(f.amount) * (1 if f.side is Side.BUY else -1), f.price, f.fee)
    for p in payments:
        book.wallet += Fraction(p.amount)
    return book.spot_equity(end.spot) - spot0, book.futures_equity(end.perp) - futures0


@settings(max_examples=300, deadline=None)
@given(periods())
def test_parts_add_up_to_the_equity_change_exactly(period: Period) -> None:
    """spot − spot fees and perp + funding − perp fees equal, with no rounding at all, the
    change in each wallet's equity as a venue books it (average entry, realized P&L on
    closes and flips), for linear and inverse perps; the total is their sum in quote."""
    market, start, end, spot_fills, perp_fills, payments = period
    result: HedgePnl = hedge_pnl(
        SPOT, market, start, end, spot_fills=spot_fills, perp_fills=perp_fills, funding=payments
    )
    spot_change, futures_change = replay(period)
    assert Fraction(result.spot - result.spot_fees) == spot_change
    assert Fraction(result.futures) == futures_change
    assert Fraction(result.total) == spot_change + futures_change * Fraction(result.settle_price)
