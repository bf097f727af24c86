"""Binance's request weight of each REST call the simulator serves.

The numbers are Binance's documented IP weights as ccxt's per-endpoint `cost` tables carry
them (ccxt/binance.py: `fapiPublic`, `fapiPrivate`, `dapi*`, `public`, `private`): USDⓈ-M
and COIN-M costs are weights as they are, spot costs are weight × 0.2 (ccxt's unit for the
6,000/min spot budget) and are multiplied back here. Where the two differ the table follows
Binance's documentation: `positionRisk`, `account` and `balance` of /fapi/v2|v3 weigh 5
(ccxt: 1), and placing a futures order weighs 0 on the IP budget (Binance counts orders on
its separate order-count limits, which the simulator does not model; ccxt's cost 4 models
those). `noSymbol` weights apply when the call carries no `symbol`; `by_limit` weights pick
the first row whose bound is at least the `limit` parameter (or the endpoint's default).
Anything not listed weighs 1 (/sapi included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "FAMILIES", "Weight", "family_of", "weight_of"]

FAMILIES = ("api", "fapi", "dapi")  # spot (/api and /sapi), USDⓈ-M (/fapi), COIN-M (/dapi)
DEFAULT_LIMITS = {"api": 6000, "fapi": 2400, "dapi": 2400}  # Binance's per-minute budgets


@dataclass(frozen=True, slots=True)
class Weight:
    """An endpoint's weight: `cost` with a symbol, `no_symbol` without one (None: the same),
    or by `limit` through `by_limit` ((bound, weight) rows, ascending) from `default_limit`."""

    cost: int
    no_symbol: int | None = None
    by_limit: tuple[tuple[int, int], ...] = ()
    default_limit: int = 0

    def of(self, params: Mapping[str, str]) -> int:
        """The weight of one call with these query parameters."""
        if self.by_limit:
            limit = _int(params.get("limit"), self.default_limit)
            return next((w for bound, w in self.by_limit if limit <= bound), self.by_limit[-1][1])
        if self.no_symbol is not None and not params.get("symbol"):
            return self.no_symbol
        return self.cost


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


_FUTURES_DEPTH = ((50, 2), (100, 5), (500, 10), (1000, 20))
_FUTURES_KLINES = ((99, 1), (499, 2), (1000, 5), (10**9, 10))
W = Weight

_FAPI: dict[str, Weight] = {
    "GET ping": W(1),
    "GET time": W(1),
    "GET exchangeInfo": W(1),
    "GET depth": W(2, by_limit=_FUTURES_DEPTH, default_limit=500),
    "GET klines": W(1, by_limit=_FUTURES_KLINES, default_limit=500),
    "GET fundingRate": W(1),
    "GET premiumIndex": W(1, no_symbol=10),
    "GET ticker/24hr": W(1, no_symbol=40),
    "GET ticker/price": W(1, no_symbol=2),
    "GET ticker/bookTicker": W(2, no_symbol=5),
    "GET order": W(1),
    "GET openOrder": W(1),
    "GET openOrders": W(1, no_symbol=40),
    "GET allOrders": W(5),
    "GET userTrades": W(5),
    "GET account": W(5),
    "GET balance": W(5),
    "GET positionRisk": W(5),
    "GET leverageBracket": W(1),
    "GET income": W(30),
    "GET positionSide/dual": W(30),
    "GET multiAssetsMargin": W(30),
    "POST order": W(0),
    "DELETE order": W(1),
}
_DAPI: dict[str, Weight] = _FAPI | {
    "GET premiumIndex": W(10),
    "GET openOrders": W(1, no_symbol=5),
    "GET balance": W(1),
    "GET positionRisk": W(1),
    "GET income": W(20),
    "GET leverageBracket": W(2),
}
_SPOT: dict[str, Weight] = {
    "GET ping": W(1),
    "GET time": W(1),
    "GET exchangeInfo": W(20),
    "GET depth": W(5, by_limit=((100, 5), (500, 25), (1000, 50), (5000, 250)), default_limit=100),
    "GET klines": W(2),
    "GET ticker/24hr": W(2, no_symbol=80),
    "GET ticker/price": W(2, no_symbol=4),
    "GET ticker/bookTicker": W(2, no_symbol=4),
    "GET account": W(20),
    "GET order": W(4),
    "GET openOrders": W(6, no_symbol=80),
    "GET allOrders": W(20),
    "GET myTrades": W(20),
    "POST order": W(1),
    "DELETE order": W(1),
}
_TABLES = {"api": _SPOT, "fapi": _FAPI, "dapi": _DAPI}
_PREFIXES = {"/api/": "api", "/sapi/": "api", "/fapi/": "fapi", "/dapi/": "dapi"}


def family_of(path: str) -> str | None:
    """The weight budget a venue path counts against ("api", "fapi", "dapi"); None for the
    admin API and anything else."""
    return next((f for prefix, f in _PREFIXES.items() if path.startswith(prefix)), None)


def weight_of(method: str, path: str, params: Mapping[str, str]) -> int:
    """The request weight of `method path` with query `params` (1 when not in the table)."""
    family = family_of(path)
    if family is None or path.startswith("/sapi/"):
        return 1
    endpoint = path.split("/", 3)[-1]  # /fapi/v1/ticker/bookTicker → ticker/bookTicker
    weight = _TABLES[family].get(f"{method} {endpoint}")
    return 1 if weight is None else weight.of(params)
