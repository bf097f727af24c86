"""How prices move: admin prices, price-path steps, and the contracts priced from an index.

Primary prices are walked on their own (a synthetic path, a replay, `POST /sim/price`): every
spot pair and the plain USDⓈ-M perpetuals (BTCUSDT, ...). Every other futures contract is
*derived* from its index — the spot price of its coin (× 1000 for 1000PEPEUSDT):

    perpetual (COIN-M, multiplied USDⓈ-M)  = index × (1 + premium)
    quarterly (both dialects)               = index × (1 + basis × τ/year) × (1 + premium)

rounded to the contract's tick, τ the time to delivery and `basis` the board's annualised
basis (8 %/yr by default). `premium` is 0 unless an admin priced the contract directly: that
price is kept as a premium over the fair price, so later index moves carry it along. A derived
contract is repriced whenever its index moves and as simulated time passes (the basis decays
to zero at delivery); resting orders it reaches fill, as for any price move.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from bot.sim import quarterlies
from bot.sim.accounts import Account
from bot.sim.errors import SimError, bad_param, invalid_symbol
from bot.sim.orders import Order
from bot.sim.prices import PriceTick
from bot.sim.settlement import liquidate_due, match_resting
from bot.sim.specs import (
    FUTURES_MARKETS,
    MARKETS,
    SymbolSpec,
    get_spec,
    is_listed,
    listed_symbols,
)
from bot.sim.venue import Venue

__all__ = ["apply_ticks", "fair_price", "reprice_derived", "set_price"]

ZERO = Decimal(0)


def fair_price(venue: Venue, spec: SymbolSpec, now_ms: int) -> Decimal:
    """What a derived contract trades at now, premium included, before tick rounding."""
    index = venue.board.index(spec.symbol)
    if spec.delivery_ms is not None:
        index = quarterlies.fair_price(index, venue.board.basis, spec.delivery_ms, now_ms)
    return index * (1 + venue.board.premium.get(spec.symbol, ZERO))


def _on_tick(spec: SymbolSpec, price: Decimal) -> Decimal:
    return max(spec.tick, (price / spec.tick).to_integral_value() * spec.tick)


# The resting orders of one price step, by (market, symbol), with their accounts; None: look.
Resting = dict[tuple[str, str], list[tuple[Order, Account]]] | None


def _trade(
    venue: Venue, spec: SymbolSpec, price: Decimal, now_ms: int, resting: Resting = None
) -> None:
    venue.board.set_last(spec.market, spec.symbol, price, now_ms)
    book = None if resting is None else resting.get((spec.market, spec.symbol))
    if resting is not None and not book:
        return
    accounts = venue.accounts.values()
    match_resting(
        accounts, spec.market, spec.symbol, price, ids=venue.ids, now_ms=now_ms, book=book
    )


def _resting(venue: Venue) -> dict[tuple[str, str], list[tuple[Order, Account]]]:
    """Where orders rest now, gathered once per step instead of once per trade."""
    out: dict[tuple[str, str], list[tuple[Order, Account]]] = {}
    for account in venue.accounts.values():
        for order in account.orders.still_open():
            out.setdefault((order.market, order.symbol), []).append((order, account))
    return out


def _derived(now_ms: int, indices: Collection[str] | None) -> list[SymbolSpec]:
    specs = (get_spec(m, s) for m in FUTURES_MARKETS for s in listed_symbols(m, now_ms))
    return [s for s in specs if s.derived and (indices is None or s.index_of in indices)]


def reprice_derived(
    venue: Venue, now_ms: int, indices: Collection[str] | None = None, resting: Resting = None
) -> bool:
    """Reprice the listed derived contracts (of these index symbols, or all) at `now_ms`;
    True when a price changed (the caller then runs liquidations)."""
    changed = False
    for spec in _derived(now_ms, indices):
        price = _on_tick(spec, fair_price(venue, spec, now_ms))
        board = venue.board
        if board.has(spec.market, spec.symbol) and board.last(spec.market, spec.symbol) == price:
            continue
        _trade(venue, spec, price, now_ms, resting)
        changed = True
    return changed


def _listed_or_none(market: str, symbol: str, now_ms: int) -> SymbolSpec | None:
    try:
        spec = get_spec(market, symbol)
    except SimError:
        return None
    return spec if is_listed(spec, now_ms) else None


def _listing_markets(symbol: str, market: str | None, now_ms: int) -> list[SymbolSpec]:
    if market is not None and market not in MARKETS:
        raise bad_param("market", f"{market!r}; use one of {', '.join(MARKETS)}")
    found = (_listed_or_none(m, symbol, now_ms) for m in ((market,) if market else MARKETS))
    out = [spec for spec in found if spec is not None]
    if not out:
        raise invalid_symbol()
    return out


def set_price(venue: Venue, symbol: str, price: Decimal, market: str | None = None) -> None:
    """Trade `symbol` at `price` on `market` (None = every market listing it): fill resting
    orders the price reaches, reprice the contracts derived from a moved spot index, re-mark
    positions and liquidate those under maintenance margin. A derived contract priced here
    keeps the price as its premium over the fair price."""
    if price <= 0:
        raise bad_param("price", f"{price}; it must be > 0")
    now = venue.now()
    specs = _listing_markets(symbol, market, now)
    for spec in specs:
        if spec.derived:
            venue.board.premium[symbol] = ZERO
            venue.board.premium[symbol] = price / fair_price(venue, spec, now) - 1
        _trade(venue, spec, price, now)
    if any(s.market == "spot" for s in specs):
        reprice_derived(venue, now, {symbol})
    liquidate_due(venue.accounts.values(), venue.marks(), ids=venue.ids, now_ms=now)


def _walks(market: str, symbol: str, now_ms: int) -> bool:
    """Does a price path drive `symbol` on `market` (listed there and not derived)?"""
    spec = _listed_or_none(market, symbol, now_ms)
    return spec is not None and not spec.derived


def apply_ticks(venue: Venue, ticks: dict[str, PriceTick]) -> None:
    """Apply one replay/synthetic step at one instant: spot and perp prices, explicit marks,
    funding rates; then the contracts derived from the moved spot prices, then liquidations
    once. Parts for a market that does not walk the symbol (a spot-only pair's perp, a
    derived contract) are ignored: derived contracts follow their index."""
    now, board, resting = venue.now(), venue.board, _resting(venue)
    moved = set()
    for symbol, tick in ticks.items():
        if tick.spot is not None and _walks("spot", symbol, now):
            _trade(venue, get_spec("spot", symbol), tick.spot, now, resting)
            moved.add(symbol)
        if tick.perp is not None and _walks("usdm", symbol, now):
            _trade(venue, get_spec("usdm", symbol), tick.perp, now, resting)
        if tick.mark is not None and _walks("usdm", symbol, now):
            board.set_mark(symbol, tick.mark)
        if tick.funding_rate is not None and symbol in board.funding_rate:
            board.funding_rate[symbol] = tick.funding_rate
    reprice_derived(venue, now, moved, resting)
    liquidate_due(venue.accounts.values(), venue.marks(), ids=venue.ids, now_ms=now)
