"""`CcxtExchange`: the `Exchange` port over one async ccxt instance for one account.

One account may hold both legs. On Binance a single ccxt `binance` instance reaches the spot
wallet (/api/v3), the USDⓈ-M wallet (/fapi) and the COIN-M wallet (/dapi): ccxt routes each
order/position call by the market of its symbol (BTC/USDT spot, BTC/USDT:USDT linear,
BTC/USD:BTC inverse), and balances and transfers name the wallet per call (`{'type':
'spot'|'swap'}`, plus `subType: 'inverse'` for COIN-M; `'swap'` is ccxt's key for UMFUTURE —
`'future'` would be taken for an isolated-margin symbol by `binance.transfer`). A
`binanceusdm` instance has the USDⓈ-M wallet only, a `binancecoinm` one COIN-M only.

Every call goes through the account's circuit breaker; reads and idempotent writes (cancel,
leverage, margin mode) go through the retry policy; `place_order`, `transfer` and `add_margin`
are sent exactly once. Every ccxt payload is parsed at once into frozen domain values.

Binance hedge mode (dual-side positions) is handled here and nowhere else (see
`ccxt_position_mode`): positions are the SHORT leg (the LONG leg only reported), orders carry
`positionSide: SHORT` and no reduceOnly, and fills of the LONG leg are left out, so the
engine sees the same one-position-per-perp account in either mode.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import ccxt.async_support as ccxt
import structlog

from bot.domain.liquidation import MarginBracket
from bot.domain.model import (
    Balance,
    Fill,
    FundingInfo,
    FundingPayment,
    Market,
    MarketKind,
    Order,
    Position,
    PositionMode,
    Quote,
    Wallet,
)
from bot.exchange import parse
from bot.exchange.calls import Calls
from bot.exchange.ccxt_account import AccountOps
from bot.exchange.ccxt_bulk import BulkReadOps
from bot.exchange.ccxt_history import HistoryOps
from bot.exchange.ccxt_position_mode import PositionModeOps
from bot.exchange.errors import (
    ClockSkew,
    ExchangeError,
    MarketNotFound,
    NotSupported,
    OrderNotFound,
)
from bot.exchange.orders import ambiguous_or_none, order_params
from bot.exchange.port import OrderRequest
from bot.exchange.retry import CircuitBreaker, RetryPolicy
from bot.exchange.urgent import bypass_limiter_when_urgent
from bot.exchange.used_weight import UsedWeight, watch_used_weight

__all__ = ["CcxtExchange"]

log = structlog.get_logger(__name__)

_BALANCE_PARAMS: Mapping[Wallet, Mapping[str, str]] = {
    Wallet.SPOT: {"type": "spot"},
    Wallet.FUTURES: {"type": "swap"},
    Wallet.COINM: {"type": "swap", "subType": "inverse"},  # ccxt: /dapi/v1/account
}
_QUOTE_DEPTH = 5


def _sub_type(market: Market) -> dict[str, str]:
    """ccxt picks /fapi or /dapi for positions and leverage tiers by `subType`, not by the
    symbols asked for: name it for COIN-M markets."""
    return {"subType": "inverse"} if market.kind is MarketKind.INVERSE else {}


def _now_ms() -> int:
    return int(time.time() * 1000)


class CcxtExchange(AccountOps, BulkReadOps, HistoryOps, PositionModeOps):
    """One account on one venue through one async ccxt instance (see module docstring).

    `breaker.state` is for alerts/metrics; `time_offset_ms` is the local-minus-venue clock
    offset ccxt subtracts when signing; `position_mode` is the configured mode (None = auto,
    follow the venue).
    """

    def __init__(
        self,
        account: str,
        client: ccxt.Exchange,
        *,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        secrets: Sequence[str | None] = (),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock_ms: Callable[[], int] = _now_ms,
        position_mode: PositionMode | None = None,
    ) -> None:
        self.account = account
        self.breaker = breaker or CircuitBreaker(name=account)
        self._client = client
        self._calls = Calls(
            account,
            client,
            retry=retry or RetryPolicy(),
            breaker=self.breaker,
            secrets=secrets,
            resync_clock=self.resync_clock,
            sleep=sleep,
        )
        self._clock_ms = clock_ms
        self._used_weight = UsedWeight(clock_ms)
        watch_used_weight(client, self._used_weight)
        bypass_limiter_when_urgent(client)
        self._markets: Mapping[str, Market] | None = None
        self._wanted_mode = position_mode
        self._modes: dict[MarketKind, PositionMode] = {}
        self._modes_lock = asyncio.Lock()
        self._markets_lock = asyncio.Lock()
        self._log = log.bind(account=account, exchange=client.id)

    def __repr__(self) -> str:
        return f"CcxtExchange(account={self.account!r}, exchange={self.exchange_id!r})"

    @property
    def exchange_id(self) -> str:
        return str(self._client.id)

    def used_weight(self) -> Mapping[str, int]:
        """API family ('usdm', 'coinm', 'spot', 'sapi') → request weight used this minute, as
        the venue's last response of that family said (`X-MBX-USED-WEIGHT-1M`)."""
        return self._used_weight.by_family()

    @property
    def time_offset_ms(self) -> int:
        return int(self._client.options.get("timeDifference") or 0)

    # --- markets and clock -----------------------------------------------------------------

    async def load_markets(self, *, reload: bool = False) -> Mapping[str, Market]:
        """Spot and perpetual markets by unified symbol; loaded once, refreshed on `reload`.
        Inactive markets and listings that fail validation are left out (logged)."""
        async with self._markets_lock:
            if self._markets is not None and not reload:
                return self._markets

            async def fetch() -> Mapping[str, Market]:
                raw = await self._client.load_markets(reload)
                markets, rejected = parse.parse_markets(
                    raw.values(), precision_mode=self._client.precisionMode
                )
                if rejected:
                    self._log.warning("exchange.markets_rejected", symbols=rejected[:20])
                return markets

            self._markets = await self._calls.read("load_markets", fetch)
            self._log.info("exchange.markets_loaded", count=len(self._markets))
            return self._markets

    async def market(self, symbol: str) -> Market:
        """The market for `symbol`; MarketNotFound names it when the venue has no such market."""
        markets = await self.load_markets()
        found = markets.get(symbol)
        if found is None:
            raise MarketNotFound(
                f"[{self.account}] {self.exchange_id} has no active market {symbol!r}",
                account=self.account,
            )
        return found

    async def resync_clock(self) -> None:
        """Re-measure the local-minus-venue clock offset ccxt uses when signing (-1021 fix)."""
        before = self.time_offset_ms
        await self._calls.send(self._client.load_time_difference)
        self._log.info("exchange.clock_resynced", offset_ms=self.time_offset_ms, before_ms=before)

    # --- account state ---------------------------------------------------------------------

    async def fetch_balances(self, wallet: Wallet) -> Mapping[str, Balance]:
        """One call: asset → Balance in `wallet` (amounts in the asset's units)."""
        if wallet is Wallet.SPOT and self._client.has.get("spot") is False:
            raise NotSupported(f"[{self.account}] {self.exchange_id} has no spot wallet")
        if wallet is Wallet.COINM and not self.exchange_id.startswith("binance"):
            raise NotSupported(f"[{self.account}] {self.exchange_id} has no COIN-M wallet")
        params = dict(_BALANCE_PARAMS[wallet])

        async def fetch() -> Mapping[str, Balance]:
            return parse.parse_balances(await self._client.fetch_balance(params), wallet)

        return await self._calls.read(f"fetch_balances:{wallet.value}", fetch)

    async def fetch_positions(self, symbols: Sequence[str]) -> Mapping[str, Position]:
        """symbol → Position (short < 0, flat omitted): one call for all linear symbols (and one
        for inverse ones, which Binance serves from another API)."""
        groups: dict[MarketKind, list[Market]] = {}
        for symbol in dict.fromkeys(symbols):
            market = await self.market(symbol)
            if not market.is_contract:
                raise NotSupported(f"[{self.account}] {symbol!r} is not a perpetual market")
            groups.setdefault(market.kind, []).append(market)
        merged: dict[str, Position] = {}
        for kind, markets in groups.items():
            mode = await self.position_mode(markets[0])
            group = [m.symbol for m in markets]

            params = _sub_type(markets[0])

            async def fetch(
                group: list[str] = group, mode: PositionMode = mode, params: dict[str, str] = params
            ) -> Mapping[str, Position]:
                raws = await self._client.fetch_positions(group, params)
                return parse.parse_positions(raws, group, mode)

            op = f"fetch_positions:{kind.value}"
            merged.update(await self._mode_checked(self._calls.read(op, fetch)))
        return merged

    async def fetch_open_orders(self, symbol: str) -> tuple[Order, ...]:
        """Live orders on `symbol` (ours and foreign)."""
        await self.market(symbol)

        async def fetch() -> tuple[Order, ...]:
            raws = await self._client.fetch_open_orders(symbol)
            return tuple(parse.parse_order(raw) for raw in raws)

        return await self._calls.read("fetch_open_orders", fetch)

    async def fetch_order(self, symbol: str, *, client_id: str) -> Order | None:
        """The order with this client order id, or None if the venue never booked it."""
        await self.market(symbol)
        key = "origClientOrderId" if self.exchange_id.startswith("binance") else "clientOrderId"

        async def fetch() -> Order:
            raw = await self._client.fetch_order(None, symbol, {key: client_id})
            return parse.parse_order(raw)

        try:
            return await self._calls.read("fetch_order", fetch)
        except OrderNotFound:
            return None

    async def fetch_fills(self, symbol: str, *, since_ms: int | None = None) -> tuple[Fill, ...]:
        """Our executions on `symbol` since `since_ms` (venue default window when None); in
        hedge mode those of the SHORT leg only."""
        market = await self.market(symbol)
        hedge = market.is_contract and await self.position_mode(market) is PositionMode.HEDGE

        async def fetch() -> tuple[Fill, ...]:
            raws = await self._client.fetch_my_trades(symbol, since_ms)
            # In hedge mode the LONG leg's trades are not the hedge's: leave them out.
            kept = [r for r in raws if not hedge or parse.leg_of(r) != "LONG"]
            return tuple(parse.parse_fill(raw) for raw in kept)

        return await self._calls.read("fetch_fills", fetch)

    async def fetch_funding_payments(
        self, symbol: str, *, since_ms: int | None = None
    ) -> tuple[FundingPayment, ...]:
        """Funding settled on our `symbol` position since `since_ms` (> 0 received)."""
        await self.market(symbol)

        async def fetch() -> tuple[FundingPayment, ...]:
            raws = await self._client.fetch_funding_history(symbol, since_ms)
            return tuple(parse.parse_funding_payment(raw) for raw in raws)

        return await self._calls.read("fetch_funding_payments", fetch)

    # --- market data -----------------------------------------------------------------------

    async def _raw_funding(self, symbol: str) -> Mapping[str, Any]:
        async def fetch() -> Mapping[str, Any]:
            raw: Mapping[str, Any] = await self._client.fetch_funding_rate(symbol)
            return raw

        return await self._calls.read("fetch_funding", fetch)

    async def fetch_quote(self, symbol: str) -> Quote:
        """Best bid/ask from the order book (depth 5); for contracts also mark and index
        (premiumIndex), fetched concurrently."""
        market = await self.market(symbol)

        async def book() -> Mapping[str, Any]:
            raw: Mapping[str, Any] = await self._client.fetch_order_book(symbol, _QUOTE_DEPTH)
            return raw

        if not market.is_contract:
            return parse.parse_quote(
                symbol, await self._calls.read("fetch_quote", book), now_ms=self._clock_ms()
            )
        raw_book, funding = await asyncio.gather(
            self._calls.read("fetch_quote", book), self._raw_funding(symbol)
        )
        return parse.parse_quote(symbol, raw_book, now_ms=self._clock_ms(), funding=funding)

    async def fetch_margin_brackets(self, symbol: str) -> tuple[MarginBracket, ...]:
        """Maintenance-margin brackets of a perp, read from the venue on every call: the
        engine keeps them (`engine/brackets.py`) and re-reads them with the hourly markets
        job, which a cache here would silently answer instead. COIN-M brackets have their
        floors, caps and `cum` in the coin."""
        market = await self.market(symbol)
        params = _sub_type(market)

        async def fetch() -> tuple[MarginBracket, ...]:
            tiers = await self._client.fetch_leverage_tiers([symbol], params)
            return parse.parse_margin_brackets(symbol, tiers.get(symbol) or [])

        brackets: tuple[MarginBracket, ...] = await self._calls.read("fetch_margin_brackets", fetch)
        return brackets

    async def fetch_funding(self, symbol: str) -> FundingInfo:
        """Current funding rate (fraction per interval, > 0 longs pay shorts), mark, index."""
        await self.market(symbol)
        return parse.parse_funding_rate(await self._raw_funding(symbol))

    # --- orders ----------------------------------------------------------------------------

    async def place_order(self, request: OrderRequest) -> Order:
        """Send the limit order once. Raises AmbiguousOrderError (carrying the client id) when
        the venue may have booked it (timeout, 5xx, unreadable reply); RateLimited and ClockSkew
        mean it was refused before booking (the clock is resynced before ClockSkew leaves)."""
        market = await self.market(request.symbol)
        mode = await self.position_mode(market) if market.is_contract else PositionMode.ONE_WAY
        params = order_params(request, market, mode)

        async def send() -> Order:
            return parse.parse_order(await self._create(request, params))

        return await self._mode_checked(self._place_once(request, send))

    async def _create(self, request: OrderRequest, params: Mapping[str, Any]) -> Any:
        """ccxt `create_order` of `request` as a limit order with `params`: its raw reply."""
        return await self._client.create_order(
            request.symbol,
            "limit",
            request.side.value,
            float(request.amount),
            float(request.price),
            dict(params),
        )

    async def _place_once(
        self, request: OrderRequest, send: Callable[[], Awaitable[Order]]
    ) -> Order:
        """Log and send `send` once; an outcome that may have booked the order leaves as
        AmbiguousOrderError, ClockSkew after a clock resync (see `place_order`)."""
        self._log.info(
            "exchange.place_order",
            symbol=request.symbol,
            side=request.side.value,
            amount=str(request.amount),
            price=str(request.price),
            client_id=request.client_id,
            post_only=request.post_only,
            reduce_only=request.reduce_only,
        )
        try:
            return await self._calls.once("place_order", send)
        except ClockSkew:
            await self._resync_quietly()
            raise
        except ExchangeError as exc:
            ambiguous = ambiguous_or_none(exc, request.client_id)
            if ambiguous is None:
                raise
            raise ambiguous from None

    async def _resync_quietly(self) -> None:
        try:
            await self.resync_clock()
        except ExchangeError as exc:
            self._log.warning("exchange.clock_resync_failed", detail=str(exc))

    async def cancel_order(self, symbol: str, *, order_id: str) -> Order | None:
        """Cancel (retried: cancelling twice is harmless); the final order, or None if the
        venue no longer knows it (already filled/cancelled and purged, or never existed)."""
        await self.market(symbol)
        self._log.info("exchange.cancel_order", symbol=symbol, order_id=order_id)

        async def send() -> Order:
            return parse.parse_order(await self._client.cancel_order(order_id, symbol))

        try:
            return await self._calls.read("cancel_order", send)
        except OrderNotFound:
            return None

    async def close(self) -> None:
        """Close the HTTP session (idempotent)."""
        await self._client.close()
