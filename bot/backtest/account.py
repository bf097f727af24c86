"""One backtest hedge's account as the daemon would read it: the bar and the ledger → the
`AccountSnapshot` a gather returns, and the `DecisionInputs` the engine's input builder
(`bot.engine.inputs.hedge_inputs`) would build from it. Pure.

Venue model: each hedge has its own account (its share of the run's collateral). The
collateral is the futures wallet's free balance (where margin and top-ups come from); the
position is isolated, its wallet the ledger's `wallet`; the spot wallet holds the holding.
The quote is the perp close as bid with the ask one tick above, the mark the mark close, all
stamped at the decision time (the bar's close), so the data is always fresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from bot.backtest.bars import Bar
from bot.backtest.ledger import Ledger, unrealised_pnl
from bot.domain.decision import DecisionInputs
from bot.domain.hedge import HedgePolicy
from bot.domain.liquidation import MarginBracket, liquidation_price
from bot.domain.memory import HedgeMemory
from bot.domain.model import (
    AccountSnapshot,
    Balance,
    Fill,
    MarginMode,
    Market,
    Order,
    Position,
    Quote,
    frozen_map,
)
from bot.domain.risk_policy import RiskPolicy
from bot.domain.target_rules import Observation, Rules

__all__ = ["BarView", "HedgeSetup", "decision_inputs", "ledger_liquidation", "snapshot"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class HedgeSetup:
    """What stays fixed for one hedge through a run: its policies, market, brackets, the
    spot `holding` (coins of the spot asset), the run's risk settings the engine passes on,
    the hedge's target `rules` (None: `target_ratio` alone) and, for a proxy hedge (another
    asset than the perp's base, sized by value: `bot.domain.proxy`), the spot market the
    holding is priced at (`spot_symbol`, e.g. SOL/USDT; its price is the bar's spot leg)."""

    policy: HedgePolicy
    risk_policy: RiskPolicy
    market: Market
    brackets: tuple[MarginBracket, ...]
    holding: Decimal
    max_age_ms: int
    allow_reduce: bool = True
    account: str = "backtest"
    rules: Rules | None = None
    spot_symbol: str | None = None


@dataclass(frozen=True, slots=True)
class BarView:
    """What the journal would tell the input builder at one decision: our live orders and
    when we sent them, our fills since the trusted baseline, our newest fill, today's
    turnover (quote)."""

    live_orders: tuple[Order, ...] = ()
    sent_at_ms: Mapping[str, int] = field(default_factory=frozen_map)
    fills_since_trusted: tuple[Fill, ...] = ()
    last_fill_ms: int | None = None
    turnover_today: Decimal = ZERO


def ledger_liquidation(
    ledger: Ledger, market: Market, brackets: tuple[MarginBracket, ...]
) -> Decimal | None:
    """Binance's liquidation price of the ledger's isolated position (None when flat)."""
    if ledger.contracts == 0 or ledger.entry_price is None:
        return None
    return liquidation_price(
        size=ledger.contracts * market.contract_size,
        entry_price=ledger.entry_price,
        wallet_balance=ledger.wallet,
        brackets=brackets,
    )


def _quote(market: Market, bar: Bar, now_ms: int) -> Quote:
    bid = bar.perp.close.quantize(market.price_tick, rounding=ROUND_DOWN)
    return Quote(
        market.symbol,
        bid,
        bid + market.price_tick,
        now_ms,
        last=bar.perp.close,
        mark=bar.mark.close,
    )


def _position(
    setup: HedgeSetup, ledger: Ledger, mark: Decimal, now_ms: int, liquidation: Decimal | None
) -> Position:
    market = setup.market
    upnl = unrealised_pnl(ledger, mark, market)
    return Position(
        symbol=market.symbol,
        contracts=ledger.contracts,
        entry_price=ledger.entry_price,
        mark_price=mark,
        liquidation_price=liquidation,
        leverage=Decimal(setup.policy.leverage),
        margin_mode=MarginMode.ISOLATED,
        collateral=ledger.wallet + upnl if ledger.contracts else ZERO,
        unrealized_pnl=upnl,
        timestamp_ms=now_ms,
    )


def snapshot(
    setup: HedgeSetup,
    ledger: Ledger,
    bar: Bar,
    now_ms: int,
    live: tuple[Order, ...],
    liquidation: Decimal | None = None,
) -> AccountSnapshot:
    """The hedge's account at the bar's close, as one gather would read it (spot and perp
    in one account). `liquidation`: the position's price when already worked out
    (`ledger_liquidation`), else it is computed here."""
    if liquidation is None:
        liquidation = ledger_liquidation(ledger, setup.market, setup.brackets)
    market, policy = setup.market, setup.policy
    settle = market.settle or market.quote
    position = _position(setup, ledger, bar.mark.close, now_ms, liquidation)
    upnl = position.unrealized_pnl or ZERO
    futures_total = ledger.collateral + ledger.wallet + upnl
    return AccountSnapshot(
        account=setup.account,
        taken_at_ms=now_ms,
        markets=frozen_map({market.symbol: market}),
        spot=frozen_map(
            {policy.spot_asset: Balance(policy.spot_asset, setup.holding, ZERO, setup.holding)}
        ),
        futures=frozen_map(
            {
                settle: Balance(
                    settle, ledger.collateral, futures_total - ledger.collateral, futures_total
                )
            }
        ),
        positions=frozen_map({market.symbol: position}),
        open_orders=live,
        quotes=frozen_map(_quotes(setup, bar, now_ms)),
    )


def _quotes(setup: HedgeSetup, bar: Bar, now_ms: int) -> dict[str, Quote]:
    """The perp's quote and, for a proxy, the holding's spot price (its last trade: the spot
    leg's close), as a gather reads the spot ticker."""
    quotes = {setup.market.symbol: _quote(setup.market, bar, now_ms)}
    if setup.spot_symbol is not None:
        close = bar.spot.close
        quotes[setup.spot_symbol] = Quote(setup.spot_symbol, close, close, now_ms, last=close)
    return quotes


def decision_inputs(
    setup: HedgeSetup,
    account: AccountSnapshot,
    memory: HedgeMemory,
    now_ms: int,
    view: BarView,
    observation: Observation | None = None,
) -> DecisionInputs:
    """The `DecisionInputs` the engine builds from `account` (spot and perp legs in it), the
    journal facts in `view` and what the rules see (`rule_watch.observation`): the same
    fields, filled the same way."""
    return DecisionInputs(
        policy=setup.policy,
        risk_policy=setup.risk_policy,
        spot=account,
        perp=account,
        memory=memory,
        now_ms=now_ms,
        max_age_ms=setup.max_age_ms,
        brackets=setup.brackets,
        live_orders=view.live_orders,
        sent_at_ms=view.sent_at_ms,
        fills_since_trusted=view.fills_since_trusted,
        last_fill_ms=view.last_fill_ms,
        turnover_today=view.turnover_today,
        allow_reduce=setup.allow_reduce,
        rules=setup.rules,
        observation=observation,
    )
