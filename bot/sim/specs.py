"""Looking up the simulated venue's instruments: spot, USDⓈ-M and COIN-M, perpetuals and the
quarterlies the simulated clock lists (tables in `spec_tables` and `coinm_specs`, schedule in
`quarterlies`).

A quarterly's spec exists for any real delivery date (`get_spec` resolves
`BTCUSDT_240329` long after it was delivered, so its orders and fills stay readable); whether it
trades *now* is `is_listed` / `listed_spec`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from bot.sim import quarterlies
from bot.sim.coinm_specs import COINM, COINM_BRACKETS, COINM_QUARTERLY
from bot.sim.errors import SimError, invalid_symbol
from bot.sim.margin import Bracket
from bot.sim.spec_tables import SPOT, USDM, USDM_BRACKETS, USDM_QUARTERLY
from bot.sim.symbol_spec import FEES, SymbolSpec

__all__ = [
    "FEES",
    "FUTURES_MARKETS",
    "MARKETS",
    "SymbolSpec",
    "brackets_for",
    "futures_market",
    "get_spec",
    "is_listed",
    "listed_spec",
    "listed_symbols",
    "pairs_with_quarterlies",
    "quarterly_symbol",
    "symbols",
]

MARKETS = ("spot", "usdm", "coinm")
FUTURES_MARKETS = ("usdm", "coinm")

_STATIC: dict[str, dict[str, SymbolSpec]] = {"spot": SPOT, "usdm": USDM, "coinm": COINM}
_QUARTERLY: dict[str, dict[str, SymbolSpec]] = {"usdm": USDM_QUARTERLY, "coinm": COINM_QUARTERLY}


def _check_market(market: str) -> None:
    if market not in _STATIC:
        raise SimError(-1130, f"unknown market {market!r}; expected one of {', '.join(MARKETS)}")


def symbols(market: str) -> list[str]:
    """The always-listed symbols of `market` (spot pairs, perpetuals), table order."""
    _check_market(market)
    return list(_STATIC[market])


def pairs_with_quarterlies(market: str) -> list[str]:
    """The pairs of a futures market that have quarterlies (BTCUSDT, ETHUSDT / BTCUSD, ...)."""
    return list(_QUARTERLY.get(market, {}))


def quarterly_symbol(pair: str, delivery_ms: int) -> str:
    """`BTCUSDT` delivering 2026-12-25 08:00 UTC → `BTCUSDT_261225`."""
    return f"{pair}_{quarterlies.suffix(delivery_ms)}"


def listed_symbols(market: str, now_ms: int) -> list[str]:
    """Everything `market` lists at `now_ms`: the table, then per pair its current and next
    quarterly."""
    out = symbols(market)
    deliveries = quarterlies.listed_deliveries(now_ms)
    for pair in pairs_with_quarterlies(market):
        out.extend(quarterly_symbol(pair, d) for d in deliveries)
    return out


@lru_cache(maxsize=256)
def _quarterly_spec(market: str, symbol: str) -> SymbolSpec | None:
    pair, _, tail = symbol.partition("_")
    template = _QUARTERLY.get(market, {}).get(pair)
    delivery = quarterlies.parse_suffix(tail)
    if template is None or delivery is None:
        return None
    return replace(
        template,
        symbol=symbol,
        pair=template.pair_id,
        index_symbol=template.index_of,
        delivery_ms=delivery,
        onboard_ms=quarterlies.onboard_ms(delivery),
    )


def get_spec(market: str, symbol: str) -> SymbolSpec:
    """The spec of `symbol` on `market` (any quarterly delivery date included); SimError
    -1121 when the venue has no such instrument."""
    spec = _STATIC.get(market, {}).get(symbol) or _quarterly_spec(market, symbol)
    if spec is None:
        raise invalid_symbol()
    return spec


def is_listed(spec: SymbolSpec, now_ms: int) -> bool:
    """Does `spec` trade at `now_ms` (a quarterly between its onboarding and its delivery)?"""
    if spec.delivery_ms is None:
        return True
    return spec.onboard_ms <= now_ms < spec.delivery_ms


def listed_spec(market: str, symbol: str, now_ms: int) -> SymbolSpec:
    """The spec of a symbol that trades at `now_ms`; -1121 otherwise (unknown, not yet
    listed, or delivered)."""
    spec = get_spec(market, symbol)
    if not is_listed(spec, now_ms):
        raise invalid_symbol()
    return spec


def futures_market(symbol: str) -> str:
    """ "usdm" or "coinm" for a futures symbol (their ids never collide); -1121 if neither."""
    for market in FUTURES_MARKETS:
        try:
            get_spec(market, symbol)
        except SimError:
            continue
        return market
    raise invalid_symbol()


def brackets_for(symbol: str) -> tuple[Bracket, ...]:
    """Maintenance-margin brackets of a futures symbol (its pair's table: USDT notionals on
    USDⓈ-M, coin notionals on COIN-M); SimError -1121 when unknown."""
    spec = get_spec(futures_market(symbol), symbol)
    table = USDM_BRACKETS if spec.market == "usdm" else COINM_BRACKETS
    return table[spec.pair_id]
