"""The backtest's venue rules: Binance's USDⓈ-M markets and margin brackets, as the simulator
serves them (`bot.sim.specs`: live filters and the brackets recorded from the real venue), so
a backtest sizes orders and liquidation prices exactly as the daemon does against the sim.
`bot.sim.specs` is plain data (no server); the backtest reads it, the daemon never does."""

from __future__ import annotations

from decimal import Decimal

from bot.backtest.errors import BacktestError
from bot.backtest.fills import FeeSchedule
from bot.domain.liquidation import MarginBracket
from bot.domain.model import Market, MarketKind
from bot.sim import specs

__all__ = ["perp_brackets", "perp_market"]


def _venue_id(symbol: str) -> str:
    """BTC/USDT:USDT → BTCUSDT; BacktestError for anything but a USDⓈ-M perp listed."""
    base, _, rest = symbol.partition("/")
    quote, _, settle = rest.partition(":")
    venue = f"{base}{quote}"
    if settle != quote or venue not in specs.symbols("usdm"):
        perps = specs.symbols("usdm")
        listed = ", ".join(f"{s[:-4]}/USDT:USDT" for s in perps[:5]) + f", … {len(perps)} in all"
        raise BacktestError(
            f"hedge perp {symbol}: the backtest models Binance USDⓈ-M perpetuals ({listed})"
        )
    return venue


def perp_market(symbol: str, fees: FeeSchedule) -> Market:
    """The domain `Market` of a linear perp `symbol` with the run's fee rates."""
    spec = specs.get_spec("usdm", _venue_id(symbol))
    return Market(
        symbol=symbol,
        exchange_symbol=spec.symbol,
        kind=MarketKind.LINEAR,
        base=spec.base,
        quote=spec.quote,
        settle=spec.quote,
        contract_size=Decimal(1),
        amount_step=spec.step,
        price_tick=spec.tick,
        min_amount=spec.min_qty,
        min_notional=spec.min_notional,
        max_amount=spec.max_qty,
        max_leverage=max(b.initial_leverage for b in specs.brackets_for(spec.symbol)),
        maker_fee=fees.maker,
        taker_fee=fees.taker,
    )


def perp_brackets(symbol: str) -> tuple[MarginBracket, ...]:
    """Binance's leverage brackets of `symbol` (the ones the simulator liquidates with)."""
    return tuple(
        MarginBracket(b.floor, b.cap, b.mmr, b.cum, b.initial_leverage)
        for b in specs.brackets_for(_venue_id(symbol))
    )
