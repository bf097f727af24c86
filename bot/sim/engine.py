"""`SimExchange`: the in-process Binance spot + USDⓈ-M venue the wire layer serves.

A thin facade over the state (`venue.Venue`) and the operations modules; every method either
returns exactly what the Binance endpoint returns (string decimals, enum strings) or raises
`SimError`. Markets are "spot" and "usdm"; symbols are venue ids ("BTCUSDT"); amounts and
prices are Decimal; time is simulated epoch milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bot.sim import account_ops, market_ops, position_mode
from bot.sim.api_keys import api_restrictions
from bot.sim.book import Level, best_bid_ask
from bot.sim.clock import SimClock
from bot.sim.exchange_info import exchange_info
from bot.sim.order_desk import OrderDesk
from bot.sim.prices import PriceTick
from bot.sim.snapshot import venue_state
from bot.sim.specs import SymbolSpec, get_spec, symbols
from bot.sim.venue import Venue

__all__ = ["DEFAULT_API_KEY", "DEFAULT_BALANCES", "DEFAULT_SECRET", "SimExchange"]

JSON = dict[str, Any]
DEFAULT_API_KEY = "sim-key"
DEFAULT_SECRET = "sim-secret"
DEFAULT_BALANCES: dict[str, dict[str, Decimal]] = {
    "spot": {
        "BTC": Decimal(2),
        "ETH": Decimal(20),
        "SOL": Decimal(200),
        "XRP": Decimal(20000),
        "USDT": Decimal(10000),
    },
    "usdm": {"USDT": Decimal(100000)},
}


class SimExchange(OrderDesk):
    """The simulated venue. Deterministic given `seed` and the `now_ms` clock; simulated time
    runs at `time_scale` simulated ms per `now_ms` ms (see `bot.sim.clock`)."""

    def __init__(
        self, *, seed: int = 0, now_ms: Callable[[], int] | None = None, time_scale: float = 1.0
    ) -> None:
        self._venue = Venue.create(seed, SimClock(now_ms, time_scale=time_scale))

    @classmethod
    def with_default_account(
        cls, *, seed: int = 0, now_ms: Callable[[], int] | None = None, time_scale: float = 1.0
    ) -> SimExchange:
        """A venue with the demo account `sim-key` / `sim-secret` and demo balances."""
        engine = cls(seed=seed, now_ms=now_ms, time_scale=time_scale)
        engine.create_account(DEFAULT_API_KEY, DEFAULT_SECRET, DEFAULT_BALANCES)
        return engine

    # --- markets / prices
    def symbols(self, market: str) -> list[str]:
        return symbols(market)

    def spec(self, market: str, symbol: str) -> SymbolSpec:
        return get_spec(market, symbol)

    def exchange_info(self, market: str) -> JSON:
        return exchange_info(market, self.now_ms())

    def set_price(self, symbol: str, price: Decimal, market: str | None = None) -> None:
        market_ops.set_price(self._venue, symbol, price, market)

    def apply_ticks(self, ticks: dict[str, PriceTick]) -> None:
        market_ops.apply_ticks(self._venue, ticks)

    def set_mark_price(self, symbol: str, price: Decimal) -> None:
        """Override the mark (until the perp trades again) and run liquidations."""
        get_spec("usdm", symbol)
        self.apply_ticks({symbol: PriceTick(mark=price)})

    def price(self, market: str, symbol: str) -> Decimal:
        get_spec(market, symbol)
        return self._venue.board.last(market, symbol)

    def mark_price(self, symbol: str) -> Decimal:
        get_spec("usdm", symbol)
        return self._venue.board.mark(symbol)

    def index_price(self, symbol: str) -> Decimal:
        get_spec("usdm", symbol)
        return self._venue.board.index(symbol)

    def funding_rate(self, symbol: str) -> Decimal:
        get_spec("usdm", symbol)
        return self._venue.board.funding_rate[symbol]

    def book(self, market: str, symbol: str, limit: int = 100) -> tuple[list[Level], list[Level]]:
        return market_ops.book(self._venue, market, symbol, limit)

    def book_update_id(self) -> int:
        return self._venue.board.update_id

    def best_bid_ask(self, market: str, symbol: str) -> tuple[Decimal, Decimal]:
        return best_bid_ask(get_spec(market, symbol), self._venue.board.last(market, symbol))

    def ticker_24h(self, market: str, symbol: str) -> JSON:
        return market_ops.ticker_24h(self._venue, market, symbol)

    def ticker_price(self, market: str, symbol: str) -> JSON:
        return market_ops.ticker_price(self._venue, market, symbol)

    def premium_index(self, symbol: str) -> JSON:
        get_spec("usdm", symbol)
        return self._venue.board.premium_index(symbol, self.now_ms())

    def advance(self, ms: int) -> None:
        """Move simulated time forward `ms` and settle the funding boundaries crossed."""
        market_ops.advance(self._venue, ms)

    def catch_up(self) -> None:
        """Settle the funding boundaries simulated time has passed on its own."""
        market_ops.settle_due(self._venue)

    def funding_history(
        self, symbol: str | None, start_ms: int | None, end_ms: int | None, limit: int
    ) -> list[JSON]:
        return market_ops.funding_history(self._venue, symbol, start_ms, end_ms, limit)

    def settle_funding(self, symbol: str, rate: Decimal | None = None) -> None:
        market_ops.fund(self._venue, symbol, rate)

    # --- accounts
    def create_account(
        self,
        api_key: str,
        secret: str,
        balances: dict[str, dict[str, Decimal]],
        *,
        dual_side: bool = False,
        can_withdraw: bool = False,
    ) -> None:
        account_ops.create_account(
            self._venue,
            api_key,
            secret,
            balances,
            dual_side=dual_side,
            can_withdraw=can_withdraw,
        )

    def secret_for(self, api_key: str) -> str | None:
        account = self._venue.accounts.get(api_key)
        return None if account is None else account.secret

    def set_balance(self, api_key: str, wallet: str, asset: str, amount: Decimal) -> None:
        account_ops.set_balance(self._venue, api_key, wallet, asset, amount)

    # --- account views and futures settings
    def spot_account(self, api_key: str) -> JSON:
        return account_ops.spot_account_json(self._venue, api_key)

    def futures_account(self, api_key: str) -> JSON:
        return account_ops.futures_account_json(self._venue, api_key)

    def futures_balance(self, api_key: str) -> list[JSON]:
        return account_ops.futures_balance_json(self._venue, api_key)

    def position_risk(self, api_key: str, symbol: str | None = None) -> list[JSON]:
        return account_ops.position_risk(self._venue, api_key, symbol)

    def leverage_brackets(self, symbol: str | None = None) -> list[JSON]:
        return account_ops.leverage_brackets(symbol)

    def set_leverage(self, api_key: str, symbol: str, leverage: int) -> JSON:
        return account_ops.set_leverage(self._venue, api_key, symbol, leverage)

    def set_margin_type(self, api_key: str, symbol: str, margin_type: str) -> JSON:
        return account_ops.set_margin_type(self._venue, api_key, symbol, margin_type)

    def modify_position_margin(
        self, api_key: str, symbol: str, amount: Decimal, kind: int, side: str | None = None
    ) -> JSON:
        return account_ops.modify_position_margin(self._venue, api_key, symbol, amount, kind, side)

    def position_mode(self, api_key: str) -> JSON:
        return position_mode.position_mode(self._venue, api_key)

    def set_position_mode(self, api_key: str, dual: bool) -> JSON:
        return position_mode.set_position_mode(self._venue, api_key, dual)

    def api_restrictions(self, api_key: str) -> JSON:
        return api_restrictions(self._venue.account(api_key))

    def transfer(self, api_key: str, kind: str, asset: str, amount: Decimal) -> JSON:
        return account_ops.transfer(self._venue, api_key, kind, asset, amount)

    def income(
        self,
        api_key: str,
        *,
        symbol: str | None = None,
        income_type: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = 100,
    ) -> list[JSON]:
        return account_ops.income(
            self._venue,
            api_key,
            symbol=symbol,
            income_type=income_type,
            start_ms=start_ms,
            end_ms=end_ms,
            limit=limit,
        )

    # --- introspection
    def state(self) -> JSON:
        return venue_state(self._venue)

    def now_ms(self) -> int:
        return self._venue.now()

    @property
    def time_scale(self) -> float:
        return self._venue.clock.time_scale
