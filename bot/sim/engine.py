"""`SimExchange`: the in-process Binance spot + USDⓈ-M + COIN-M venue the wire layer serves.

A thin facade over the state (`venue.Venue`) and the operations modules; every method either
returns exactly what the Binance endpoint returns (string decimals, enum strings) or raises
`SimError`. Markets are "spot", "usdm" and "coinm"; symbols are venue ids ("BTCUSDT",
"BTCUSD_PERP", "BTCUSDT_261225"); amounts and prices are Decimal; time is simulated epoch
milliseconds. The order methods are `OrderDesk`'s, the account methods `AccountDesk`'s, the
Bybit v5 dialect's `BybitDesk`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bot.sim import market_ops, pricing
from bot.sim.account_desk import AccountDesk
from bot.sim.book import Level, best_bid_ask
from bot.sim.bybit_desk import BybitDesk
from bot.sim.clock import SimClock
from bot.sim.errors import bad_param
from bot.sim.exchange_info import exchange_info
from bot.sim.order_desk import OrderDesk
from bot.sim.prices import PriceTick
from bot.sim.quarterlies import DEFAULT_BASIS
from bot.sim.snapshot import venue_state
from bot.sim.specs import SymbolSpec, futures_market, get_spec, listed_spec, listed_symbols
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


class SimExchange(OrderDesk, AccountDesk, BybitDesk):
    """The simulated venue. Deterministic given `seed` and the `now_ms` clock; simulated time
    runs at `time_scale` simulated ms per `now_ms` ms (see `bot.sim.clock`); `basis` is the
    quarterlies' annualised basis over their index (fraction: 0.08 = 8 %/yr)."""

    def __init__(
        self,
        *,
        seed: int = 0,
        now_ms: Callable[[], int] | None = None,
        time_scale: float = 1.0,
        basis: Decimal = DEFAULT_BASIS,
    ) -> None:
        self._venue = Venue.create(seed, SimClock(now_ms, time_scale=time_scale), basis)
        pricing.reprice_derived(self._venue, self._venue.now())

    @classmethod
    def with_default_account(
        cls,
        *,
        seed: int = 0,
        now_ms: Callable[[], int] | None = None,
        time_scale: float = 1.0,
        basis: Decimal = DEFAULT_BASIS,
    ) -> SimExchange:
        """A venue with the demo account `sim-key` / `sim-secret` and demo balances."""
        engine = cls(seed=seed, now_ms=now_ms, time_scale=time_scale, basis=basis)
        engine.create_account(DEFAULT_API_KEY, DEFAULT_SECRET, DEFAULT_BALANCES)
        return engine

    # --- markets / prices
    def symbols(self, market: str) -> list[str]:
        """What `market` lists now (perpetuals and spot pairs, then the quarterlies)."""
        return listed_symbols(market, self.now_ms())

    def spec(self, market: str, symbol: str) -> SymbolSpec:
        return get_spec(market, symbol)

    def exchange_info(self, market: str) -> JSON:
        return exchange_info(market, self.now_ms())

    def set_price(self, symbol: str, price: Decimal, market: str | None = None) -> None:
        pricing.set_price(self._venue, symbol, price, market)

    def apply_ticks(self, ticks: dict[str, PriceTick]) -> None:
        pricing.apply_ticks(self._venue, ticks)

    def set_basis(self, basis: Decimal) -> None:
        """Set the quarterlies' annualised basis (fraction, -1 < basis < 1) and reprice them."""
        if not -1 < basis < 1:
            raise bad_param("basis", f"{basis}; an annualised fraction between -1 and 1")
        self._venue.board.basis = basis
        self.catch_up()

    @property
    def basis(self) -> Decimal:
        return self._venue.board.basis

    def set_mark_price(self, symbol: str, price: Decimal) -> None:
        """Override the mark (until the perp trades again) and run liquidations."""
        get_spec("usdm", symbol)
        self.apply_ticks({symbol: PriceTick(mark=price)})

    def price(self, market: str, symbol: str) -> Decimal:
        listed_spec(market, symbol, self.now_ms())
        return self._venue.board.last(market, symbol)

    def mark_price(self, symbol: str) -> Decimal:
        listed_spec(futures_market(symbol), symbol, self.now_ms())
        return self._venue.board.mark(symbol)

    def index_price(self, symbol: str) -> Decimal:
        listed_spec(futures_market(symbol), symbol, self.now_ms())
        return self._venue.board.index(symbol)

    def funding_rate(self, symbol: str) -> Decimal:
        listed_spec(futures_market(symbol), symbol, self.now_ms())
        return self._venue.board.funding_rate[symbol]

    def book(self, market: str, symbol: str, limit: int = 100) -> tuple[list[Level], list[Level]]:
        return market_ops.book(self._venue, market, symbol, limit)

    def book_update_id(self) -> int:
        return self._venue.board.update_id

    def best_bid_ask(self, market: str, symbol: str) -> tuple[Decimal, Decimal]:
        spec = listed_spec(market, symbol, self.now_ms())
        return best_bid_ask(spec, self._venue.board.last(market, symbol))

    def ticker_24h(self, market: str, symbol: str) -> JSON:
        return market_ops.ticker_24h(self._venue, market, symbol)

    def ticker_price(self, market: str, symbol: str) -> JSON:
        return market_ops.ticker_price(self._venue, market, symbol)

    def klines(
        self,
        market: str,
        name: str,
        interval: str,
        window: tuple[int | None, int | None, int] = (None, None, 500),
        *,
        index: bool = False,
    ) -> list[list[Any]]:
        """Klines of `name` on `market` (a symbol; with `index`, a COIN-M pair whose index
        candles are wanted) from the last 24 h of recorded prices."""
        return market_ops.klines(self._venue, market, name, interval, window, index=index)

    def premium_index(self, symbol: str, market: str = "usdm") -> JSON:
        return market_ops.premium_index(self._venue, market, symbol)

    def advance(self, ms: int) -> None:
        """Move simulated time forward `ms`; settle the funding and deliveries passed."""
        market_ops.advance(self._venue, ms)

    def catch_up(self) -> None:
        """Settle the funding and deliveries simulated time has passed on its own."""
        market_ops.settle_due(self._venue)

    def funding_history(
        self,
        symbol: str | None,
        start_ms: int | None,
        end_ms: int | None,
        limit: int,
        market: str = "usdm",
    ) -> list[JSON]:
        return market_ops.funding_history(self._venue, symbol, start_ms, end_ms, limit, market)

    def settle_funding(self, symbol: str, rate: Decimal | None = None) -> None:
        market_ops.fund(self._venue, symbol, rate)

    # --- introspection
    def state(self) -> JSON:
        return venue_state(self._venue)

    def now_ms(self) -> int:
        return self._venue.now()

    @property
    def time_scale(self) -> float:
        return self._venue.clock.time_scale
