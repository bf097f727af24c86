"""An in-memory venue implementing the `Exchange` port, for fast service-layer tests.

It keeps one account's wallets, positions, orders and fills, and records every call in
`calls` (one readable line each, e.g. "place_order BTC/USDT:USDT sell 2 @ 60000.1 post-only");
`writes` keeps the calls that change something on the venue. Scripting:
- `fill(client_id, amount)` fills a resting order (partly), moving the position and margin;
- `fail(method, error, times)` makes the next call(s) of `method` raise `error`;
- `during(method, action)` runs `action` when `method` is next called;
- `ambiguous_place(booked=...)` makes the next `place_order` raise `AmbiguousOrderError`
  after booking the order (or not), as a timeout after the venue accepted it would;
- `set_position(...)`, `balances`, `quotes`, `brackets`, `weight` (the used request weight
  by API family) are plain attributes to edit.
Resting orders never fill by themselves; IOC orders fill at once at their limit. Margin is
checked and moved as on Binance (isolated): an opening order needs notional / leverage free
in the futures wallet (else -2019 `InsufficientFunds`); a fill moves that margin into the
position, and a reduction releases the position's margin pro rata back to the wallet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from bot.domain.liquidation import MarginBracket
from bot.domain.model import (
    Balance,
    Fill,
    FundingInfo,
    FundingPayment,
    MarginMode,
    Market,
    Order,
    OrderStatus,
    Position,
    Quote,
    Side,
    Wallet,
)
from bot.exchange.errors import AmbiguousOrderError, DuplicateOrderId, InsufficientFunds
from bot.exchange.port import ApiRestrictions, OrderRequest
from tests.domain._factories import linear

__all__ = ["BRACKETS", "ETH", "SYMBOL", "ApiRestrictions", "FakeExchange", "btc_perp"]

ZERO = Decimal(0)
SYMBOL = "BTC/USDT:USDT"
ETH = "ETH/USDT:USDT"
WRITES = frozenset(
    {"place_order", "cancel_order", "set_leverage", "set_margin_mode", "transfer", "add_margin"}
)
BRACKETS = (
    MarginBracket(Decimal(0), Decimal(50_000), Decimal("0.004"), Decimal(0)),
    MarginBracket(Decimal(50_000), Decimal(10_000_000), Decimal("0.005"), Decimal(50)),
)


def btc_perp() -> Market:
    """Binance's BTCUSDT perpetual, as its rules read: step 0.001, tick 0.1, 100 USDT min."""
    return replace(linear(min_amount="0.001", min_notional="100"), max_leverage=125)


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}"


class FakeExchange:
    """One account on an in-memory venue (see the module docstring)."""

    def __init__(self, clock: Callable[[], int], account: str = "main") -> None:
        self.account = account
        self.clock = clock
        self.calls: list[str] = []
        self.markets: dict[str, Market] = {SYMBOL: btc_perp()}
        self.balances: dict[Wallet, dict[str, Decimal]] = {
            Wallet.SPOT: {"BTC": Decimal(2), "USDT": Decimal(10_000)},
            Wallet.FUTURES: {"USDT": Decimal(100_000)},
        }
        self.quotes: dict[str, tuple[Decimal, Decimal]] = {
            SYMBOL: (Decimal("60000"), Decimal("60000.1"))
        }
        self.brackets: dict[str, tuple[MarginBracket, ...]] = {SYMBOL: BRACKETS}
        self.positions: dict[str, Position] = {}
        self.orders: dict[str, Order] = {}  # by venue id, every order ever booked
        self.fills: list[Fill] = []
        self.leverage: dict[str, int] = {}
        self.restrictions = ApiRestrictions(can_withdraw=False, can_trade_futures=True)
        self.weight: dict[str, int] = {}  # what used_weight() reports, by API family
        self._faults: dict[str, list[Exception]] = {}
        self._during: dict[str, Callable[[], None]] = {}
        self._ambiguous: list[bool] = []

    # --- scripting ----------------------------------------------------------------------
    @property
    def writes(self) -> list[str]:
        """The recorded calls that change something on the venue."""
        return [c for c in self.calls if c.split(" ", 1)[0] in WRITES]

    def fail(self, method: str, error: Exception, times: int = 1) -> None:
        """The next `times` calls of `method` raise `error`."""
        self._faults.setdefault(method, []).extend([error] * times)

    def during(self, method: str, action: Callable[[], None]) -> None:
        """Run `action` the next time `method` is called (something happening meanwhile)."""
        self._during[method] = action

    def heal(self, method: str) -> None:
        """Forget the failures still scripted for `method`."""
        self._faults.pop(method, None)

    def ambiguous_place(self, *, booked: bool) -> None:
        """The next `place_order` times out; the venue booked it (`booked`) or not."""
        self._ambiguous.append(booked)

    def list_eth(self) -> None:
        """List ETH/USDT:USDT (rules as BTC's) at 3000/3000.1, with 10 ETH in the spot wallet."""
        self.markets[ETH] = replace(btc_perp(), symbol=ETH, exchange_symbol="ETHUSDT", base="ETH")
        self.quotes[ETH] = (Decimal("3000"), Decimal("3000.1"))
        self.brackets[ETH] = BRACKETS
        self.balances[Wallet.SPOT]["ETH"] = Decimal(10)

    def open_orders(self) -> list[Order]:
        return [o for o in self.orders.values() if o.status is OrderStatus.OPEN]

    def set_position(
        self,
        contracts: str,
        *,
        entry: str = "60000",
        collateral: str | None = None,
        liquidation: str | None = None,
        symbol: str = SYMBOL,
    ) -> None:
        """Put a position on the books (isolated; collateral defaults to notional / 2)."""
        size, price = Decimal(contracts), Decimal(entry)
        margin = Decimal(collateral) if collateral is not None else abs(size) * price / 2
        self.positions[symbol] = Position(
            symbol=symbol,
            contracts=size,
            entry_price=price,
            liquidation_price=None if liquidation is None else Decimal(liquidation),
            leverage=Decimal(self.leverage.get(symbol, 2)),
            margin_mode=MarginMode.ISOLATED,
            collateral=margin,
            unrealized_pnl=ZERO,
            timestamp_ms=self.clock(),
        )

    def fill(self, client_id: str, amount: str | None = None) -> Fill:
        """Fill our resting order `client_id` (all of it by default) at its limit price."""
        order = next(o for o in self.open_orders() if o.client_id == client_id)
        qty = order.remaining if amount is None else Decimal(amount)
        return self._execute(order, qty)

    # --- the port: reads ----------------------------------------------------------------
    def _enter(self, line: str) -> None:
        self.calls.append(line)
        method = line.split(" ", 1)[0]
        action = self._during.pop(method, None)
        if action is not None:
            action()
        queue = self._faults.get(method)
        if queue:
            raise queue.pop(0)

    async def load_markets(self, *, reload: bool = False) -> Mapping[str, Market]:
        self._enter("load_markets reload" if reload else "load_markets")
        return dict(self.markets)

    async def fetch_balances(self, wallet: Wallet) -> Mapping[str, Balance]:
        self._enter(f"fetch_balances {wallet.value}")
        return {a: Balance(a, v, ZERO, v) for a, v in self.balances[wallet].items()}

    async def fetch_positions(self, symbols: Sequence[str]) -> Mapping[str, Position]:
        self._enter("fetch_positions")
        return {s: p for s, p in self.positions.items() if s in symbols and p.contracts != 0}

    async def fetch_open_orders(self, symbol: str) -> tuple[Order, ...]:
        self._enter(f"fetch_open_orders {symbol}")
        return tuple(o for o in self.open_orders() if o.symbol == symbol)

    async def fetch_quote(self, symbol: str) -> Quote:
        self._enter(f"fetch_quote {symbol}")
        bid, ask = self.quotes[symbol]
        return Quote(symbol, bid, ask, self.clock(), mark=(bid + ask) / 2)

    async def fetch_account_open_orders(self, symbols: Sequence[str]) -> tuple[Order, ...]:
        self._enter("fetch_account_open_orders")
        return tuple(o for o in self.open_orders() if o.symbol in symbols)

    async def fetch_quotes(self, symbols: Sequence[str]) -> Mapping[str, Quote]:
        self._enter("fetch_quotes")
        found = [(s, self.quotes[s]) for s in symbols if s in self.quotes]
        return {
            s: Quote(s, bid, ask, self.clock(), mark=(bid + ask) / 2) for s, (bid, ask) in found
        }

    async def fetch_margin_brackets_of(
        self, symbols: Sequence[str]
    ) -> Mapping[str, tuple[MarginBracket, ...]]:
        # One call for all symbols; with one symbol the line reads as the per-symbol call's.
        self._enter(f"fetch_margin_brackets {','.join(symbols)}")
        return {s: self.brackets[s] for s in symbols}

    async def fetch_account_funding_payments(
        self, symbols: Sequence[str], *, since_ms: int | None = None
    ) -> Mapping[str, tuple[FundingPayment, ...]]:
        self._enter("fetch_account_funding_payments")
        return {s: () for s in symbols}

    def used_weight(self) -> Mapping[str, int]:
        return dict(self.weight)

    async def fetch_funding(self, symbol: str) -> FundingInfo:
        self._enter(f"fetch_funding {symbol}")
        return FundingInfo(symbol, Decimal("0.0001"), None)

    async def fetch_margin_brackets(self, symbol: str) -> tuple[MarginBracket, ...]:
        self._enter(f"fetch_margin_brackets {symbol}")
        return self.brackets[symbol]

    async def fetch_order(self, symbol: str, *, client_id: str) -> Order | None:
        self._enter(f"fetch_order {symbol} {client_id}")
        return next((o for o in self.orders.values() if o.client_id == client_id), None)

    async def fetch_fills(self, symbol: str, *, since_ms: int | None = None) -> tuple[Fill, ...]:
        self._enter(f"fetch_fills {symbol}")
        start = since_ms if since_ms is not None else 0
        return tuple(f for f in self.fills if f.symbol == symbol and f.timestamp_ms >= start)

    async def fetch_funding_payments(
        self, symbol: str, *, since_ms: int | None = None
    ) -> tuple[FundingPayment, ...]:
        self._enter(f"fetch_funding_payments {symbol}")
        return ()

    async def fetch_api_restrictions(self) -> ApiRestrictions:
        self._enter("fetch_api_restrictions")
        return self.restrictions

    # --- the port: writes ---------------------------------------------------------------
    async def place_order(self, request: OrderRequest) -> Order:
        flags = [f for f, on in (("post-only", request.post_only),
                                 ("reduce-only", request.reduce_only),
                                 ("IOC", request.immediate_or_cancel)) if on]  # fmt: skip
        self._enter(
            f"place_order {request.symbol} {request.side.value} {_text(request.amount)}"
            f" @ {_text(request.price)}" + "".join(f" {f}" for f in flags)
        )
        if any(o.client_id == request.client_id for o in self.orders.values()):
            raise DuplicateOrderId(f"client order id {request.client_id} already used")
        self._check_margin(request)
        outcome = self._ambiguous.pop(0) if self._ambiguous else None
        if outcome is False:  # lost on the way: never booked
            raise AmbiguousOrderError(
                "timeout: no answer to the order request", client_id=request.client_id
            )
        order = self.book(request)
        if outcome is True:  # booked, but the answer was lost
            raise AmbiguousOrderError(
                "timeout: no answer to the order request", client_id=request.client_id
            )
        return order

    async def cancel_order(self, symbol: str, *, order_id: str) -> Order | None:
        self._enter(f"cancel_order {symbol} {order_id}")
        order = self.orders.get(order_id)
        if order is None or order.status is not OrderStatus.OPEN:
            return None
        self.orders[order_id] = replace(order, status=OrderStatus.CANCELED)
        return self.orders[order_id]

    async def set_leverage(self, symbol: str, leverage: int) -> None:
        self._enter(f"set_leverage {symbol} {leverage}")
        self.leverage[symbol] = leverage
        if symbol in self.positions:  # the venue reports the new leverage on the position
            self.positions[symbol] = replace(self.positions[symbol], leverage=Decimal(leverage))

    async def set_margin_mode(self, symbol: str, mode: MarginMode) -> None:
        self._enter(f"set_margin_mode {symbol} {mode.value}")

    async def transfer(self, asset: str, amount: Decimal, source: Wallet, target: Wallet) -> None:
        self._enter(f"transfer {_text(amount)} {asset} {source.value}>{target.value}")
        self.balances[source][asset] -= amount
        self.balances[target][asset] = self.balances[target].get(asset, ZERO) + amount

    async def add_margin(self, symbol: str, amount: Decimal) -> None:
        self._enter(f"add_margin {symbol} {_text(amount)}")
        position = self.positions[symbol]
        self.balances[Wallet.FUTURES]["USDT"] -= amount
        margin = (position.collateral or ZERO) + amount
        self.positions[symbol] = replace(position, collateral=margin)

    async def resync_clock(self) -> None:
        self._enter("resync_clock")

    async def close(self) -> None:
        self.calls.append("close")

    # --- matching -----------------------------------------------------------------------
    def book(self, request: OrderRequest) -> Order:
        """Book `request` as the venue would (IOC fills at once); no call is recorded."""
        order = Order(
            id=str(len(self.orders) + 1),
            client_id=request.client_id,
            symbol=request.symbol,
            side=request.side,
            amount=request.amount,
            filled=ZERO,
            price=request.price,
            status=OrderStatus.OPEN,
            reduce_only=request.reduce_only,
            post_only=request.post_only,
            timestamp_ms=self.clock(),
        )
        self.orders[order.id] = order
        if request.immediate_or_cancel:
            self._execute(order, request.amount)
        return self.orders[order.id]

    def _execute(self, order: Order, qty: Decimal) -> Fill:
        assert order.price is not None
        now = self.clock()
        filled = order.filled + qty
        status = OrderStatus.CLOSED if filled >= order.amount else OrderStatus.OPEN
        self.orders[order.id] = replace(
            order, filled=filled, status=status, average_price=order.price
        )
        fill = Fill(
            id=f"t{len(self.fills) + 1}",
            order_id=order.id,
            symbol=order.symbol,
            side=order.side,
            amount=qty,
            price=order.price,
            fee=ZERO,
            fee_asset="USDT",
            maker=None,
            timestamp_ms=now,
            client_id=order.client_id,
        )
        self.fills.append(fill)
        self._move_position(order.symbol, -qty if order.side is Side.SELL else qty, order.price)
        return fill

    def _check_margin(self, request: OrderRequest) -> None:
        """-2019 when an order that opens (sells from flat or short) lacks initial margin."""
        if request.reduce_only or request.side is Side.BUY:
            return
        need = request.amount * request.price / self.leverage.get(request.symbol, 2)
        if need > self.balances[Wallet.FUTURES].get("USDT", ZERO):
            raise InsufficientFunds("-2019 Margin is insufficient.")

    def _move_position(self, symbol: str, delta: Decimal, price: Decimal) -> None:
        """Contracts move by `delta`; isolated margin follows: an increase takes notional /
        leverage from the futures wallet, a decrease releases the margin pro rata to it."""
        old = self.positions.get(symbol)
        before = old.contracts if old else ZERO
        contracts = before + delta
        margin_before = (old.collateral or ZERO) if old else ZERO
        if abs(contracts) > abs(before):
            margin = margin_before + abs(delta) * price / self.leverage.get(symbol, 2)
        else:
            margin = margin_before * abs(contracts) / abs(before) if before else ZERO
        self.balances[Wallet.FUTURES]["USDT"] -= margin - margin_before
        entry = price if old is None or old.contracts == 0 else old.entry_price
        self.positions[symbol] = Position(
            symbol=symbol,
            contracts=contracts,
            entry_price=entry,
            leverage=Decimal(self.leverage.get(symbol, 2)),
            margin_mode=MarginMode.ISOLATED,
            collateral=margin,
            unrealized_pnl=ZERO,
            timestamp_ms=self.clock(),
        )
