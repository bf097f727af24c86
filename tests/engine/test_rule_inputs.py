"""What the engine reads for a hedge's rules each cycle (`rule_inputs.observe`): only what
the rules need, from the right market, with the recent high including the price now."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from bot.domain.candles import Candle
from bot.domain.memory import HedgeLegs
from bot.domain.model import AccountSnapshot, Position, Quote, frozen_map
from bot.domain.target_rules import FundingRule, LadderStep, Rules, TakeProfit
from bot.engine.rule_inputs import observe, short_gain_pct

from .fake_exchange import SYMBOL, btc_perp

LEGS = HedgeLegs("main", "BTC", "main", SYMBOL)
NOW = 1_796_000_000_000


class Recorder:
    """The reads `observe` may make, recorded; answers are fixed."""

    account = "main"

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def fetch_quote(self, symbol: str) -> Quote:
        self.calls.append(f"quote {symbol}")
        return Quote(symbol, D(59990), D(60010), NOW, last=D(60000))

    async def fetch_candles(
        self, symbol: str, interval: str, *, limit: int, **_: Any
    ) -> tuple[Candle, ...]:
        self.calls.append(f"candles {symbol} {interval} {limit}")
        return (Candle(NOW, D(1), D(64000), D(1), D(1)),)

    async def fetch_funding_rates(self, symbol: str, **_: Any) -> tuple[tuple[int, D], ...]:
        self.calls.append(f"funding {symbol}")
        return ((NOW, D("-0.0005")),)


def _perp(position: Position | None = None) -> AccountSnapshot:
    return AccountSnapshot(
        account="main",
        taken_at_ms=NOW,
        markets=frozen_map({SYMBOL: btc_perp()}),
        positions=frozen_map({SYMBOL: position or Position(SYMBOL, D(0))}),
        quotes=frozen_map({SYMBOL: Quote(SYMBOL, D(61000), D(61001), NOW, mark=D(61000))}),
    )


BASE = Rules(base_ratio=D("0.3"), max_ratio=D(1))
TP = TakeProfit(D(0), D(60000), price_below=D(55000))


async def test_a_hedge_without_rules_sends_no_request() -> None:
    """No rule, no extra read: the cycle costs what it did before rules existed."""
    venue = Recorder()
    obs = await observe(BASE, LEGS, {"main": venue}, _perp(), NOW)  # type: ignore[dict-item]
    assert venue.calls == []
    assert obs.price is None and obs.settlements == () and dict(obs.highs) == {}


async def test_price_rules_watch_the_holdings_spot_market() -> None:
    """A take-profit reads BTC/USDT (the holding's spot market), at its last trade."""
    venue = Recorder()
    rules = Rules(BASE.base_ratio, BASE.max_ratio, take_profit=TP)
    obs = await observe(rules, LEGS, {"main": venue}, _perp(), NOW)  # type: ignore[dict-item]
    assert venue.calls == ["quote BTC/USDT"]
    assert obs.price == D(60000)


async def test_ladder_and_funding_read_candles_and_settlements() -> None:
    """A 30-day ladder reads 720 hourly candles; the high includes the price now; a funding
    rule reads the perp's settlements. With `price: perp` the perp's mark is watched."""
    venue = Recorder()
    rules = Rules(
        BASE.base_ratio,
        BASE.max_ratio,
        funding=FundingRule(D("-0.0003"), 3, D("0.5")),
        ladder=(LadderStep(D("0.1"), 30, D("0.5")),),
        perp_price=True,
    )
    obs = await observe(rules, LEGS, {"main": venue}, _perp(), NOW)  # type: ignore[dict-item]
    assert venue.calls == [f"candles {SYMBOL} 1h 720", f"funding {SYMBOL}"]
    assert obs.price == D(61000)
    assert dict(obs.highs) == {30: D(64000)}
    assert obs.settlements == ((NOW, D("-0.0005")),)


def test_short_gain_is_the_unrealised_pnl_over_the_entry_notional() -> None:
    """A 2 BTC short from 60,000 with +9,600 unrealised is an 8 % gain; flat is None."""
    market = btc_perp()  # 1 BTC per contract
    short = Position(SYMBOL, D(-2), entry_price=D(60000), unrealized_pnl=D(9600))
    assert short_gain_pct(short, market) == D(8)
    assert short_gain_pct(Position(SYMBOL, D(0)), market) is None
