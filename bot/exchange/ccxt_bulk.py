"""Account-wide reads of `CcxtExchange`: open orders, quotes and margin brackets of many
symbols in one request per API family (spot /api, USDⓈ-M /fapi, COIN-M /dapi), so a cycle's
request count does not grow with the number of hedges. Mixed into `CcxtExchange`.

Which call, by Binance request weight (ccxt's cost table; docs/benchmarks.md lists them):
one symbol of a family is read with the per-symbol variant (openOrders 1, bookTicker 2,
premiumIndex 1), two or more with the all-symbol variant (openOrders 40, bookTicker 5,
premiumIndex 10 on /fapi): above one symbol the per-symbol calls would multiply requests.
A symbol the all-symbol answer leaves out (a quarterly some listings omit) falls back to its
per-symbol quote; a symbol whose row is unreadable, or whose own read fails, is left out of
the answer (its hedge skips the cycle) instead of failing the account's other symbols.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import structlog

from bot.domain.liquidation import MarginBracket
from bot.domain.model import FundingPayment, Market, MarketKind, Order, Quote
from bot.exchange import parse
from bot.exchange.calls import Calls
from bot.exchange.errors import BadResponse, ExchangeError

__all__ = ["BulkReadOps", "api_groups"]

_log = structlog.get_logger(__name__)
_INCOME_LIMIT = 1000  # Binance's maximum rows per income request
_INCOME_PAGES = 5
_PARAMS: Mapping[str, Mapping[str, str]] = {
    "spot": {"type": "spot"},
    "linear": {"type": "swap", "subType": "linear"},
    "inverse": {"type": "swap", "subType": "inverse"},
}


class _Gateway(Protocol):
    _client: Any
    _calls: Calls
    _clock_ms: Callable[[], int]

    async def market(self, symbol: str) -> Market: ...

    async def fetch_quote(self, symbol: str) -> Quote: ...


def _family(market: Market) -> str:
    if not market.is_contract:
        return "spot"
    return "inverse" if market.kind is MarketKind.INVERSE else "linear"


def api_groups(markets: Iterable[Market]) -> dict[str, list[str]]:
    """Symbols by the API family that serves them: 'spot', 'linear' (/fapi), 'inverse'."""
    groups: dict[str, list[str]] = {}
    for market in markets:
        groups.setdefault(_family(market), []).append(market.symbol)
    return groups


async def _groups(gw: _Gateway, symbols: Sequence[str]) -> dict[str, list[str]]:
    return api_groups([await gw.market(s) for s in dict.fromkeys(symbols)])


def _price_text(ticker: Mapping[str, Any], raw_key: str, key: str) -> object:
    """The exact decimal string of the raw reply when there, else ccxt's float."""
    info = ticker.get("info")
    if isinstance(info, Mapping) and info.get(raw_key) is not None:
        return info[raw_key]
    return ticker.get(key)


def ticker_quote(
    symbol: str, ticker: Mapping[str, Any], funding: Mapping[str, Any] | None, now_ms: int
) -> Quote:
    """A bookTicker row (ccxt ticker) as a one-level book, through `parse.parse_quote` (so a
    crossed or empty quote is refused the same way), with mark/index from premiumIndex."""
    book = {
        "bids": [[_price_text(ticker, "bidPrice", "bid"), 0]],
        "asks": [[_price_text(ticker, "askPrice", "ask"), 0]],
        "timestamp": ticker.get("timestamp"),
    }
    return parse.parse_quote(symbol, book, now_ms=now_ms, funding=funding)


class BulkReadOps:
    """Open orders, quotes and brackets of many symbols at once (reads, retried)."""

    async def fetch_account_open_orders(
        self: _Gateway, symbols: Sequence[str]
    ) -> tuple[Order, ...]:
        """Live orders (ours and foreign) on `symbols`: one request per API family."""
        self._client.options["warnOnFetchOpenOrdersWithoutSymbol"] = False
        wanted = set(symbols)

        async def family(kind: str, group: list[str]) -> tuple[Order, ...]:
            one = group[0] if len(group) == 1 else None

            async def fetch() -> tuple[Order, ...]:
                raws = await self._client.fetch_open_orders(one, None, None, dict(_PARAMS[kind]))
                return tuple(parse.parse_order(r) for r in raws)

            return await self._calls.read(f"fetch_open_orders:{kind}", fetch)

        groups = await _groups(self, symbols)
        found = await asyncio.gather(*(family(k, g) for k, g in groups.items()))
        return tuple(o for orders in found for o in orders if o.symbol in wanted)

    async def fetch_quotes(self: _Gateway, symbols: Sequence[str]) -> Mapping[str, Quote]:
        """symbol → Quote for `symbols` (spot and contracts): per API family one bookTicker
        request and, for contracts, one premiumIndex request (mark and index); a family with
        one symbol reads it alone (`fetch_quote`: depth + its premiumIndex, less weight)."""
        groups = await _groups(self, symbols)
        bulk = {k: g for k, g in groups.items() if len(g) > 1}  # one symbol: per-symbol reads
        parts = await asyncio.gather(*(_family_quotes(self, k, g) for k, g in bulk.items()))
        quotes: dict[str, Quote] = {}
        for part in parts:
            quotes.update(part)
        missing = [s for s in dict.fromkeys(symbols) if s not in quotes]
        alone = await asyncio.gather(
            *(self.fetch_quote(s) for s in missing), return_exceptions=True
        )
        for symbol, quote in zip(missing, alone, strict=True):
            if isinstance(quote, ExchangeError):  # this symbol alone goes without a quote
                _log.warning("exchange.quote_unavailable", symbol=symbol, detail=str(quote))
            elif isinstance(quote, BaseException):
                raise quote
            else:
                quotes[symbol] = quote
        return quotes

    async def fetch_account_funding_payments(
        self: _Gateway, symbols: Sequence[str], *, since_ms: int | None = None
    ) -> Mapping[str, tuple[FundingPayment, ...]]:
        """symbol → funding settled on `symbols` since `since_ms`: one income request per
        futures API family (weight 30 on /fapi, whatever the number of symbols), paged."""
        groups = await _groups(self, symbols)
        out: dict[str, list[FundingPayment]] = {s: [] for s in dict.fromkeys(symbols)}
        for kind in groups:
            if kind == "spot":
                continue
            for payment in await _income_pages(self, kind, since_ms):
                if payment.symbol in out:
                    out[payment.symbol].append(payment)
        return {s: tuple(p) for s, p in out.items()}

    async def fetch_margin_brackets_of(
        self: _Gateway, symbols: Sequence[str]
    ) -> Mapping[str, tuple[MarginBracket, ...]]:
        """symbol → maintenance-margin brackets of the perps `symbols`: one leverageBracket
        request per futures API family (Binance answers every symbol without one)."""
        groups = await _groups(self, symbols)
        out: dict[str, tuple[MarginBracket, ...]] = {}
        for kind, group in groups.items():
            if kind == "spot":
                continue

            async def fetch(kind: str = kind, group: list[str] = group) -> Mapping[str, Any]:
                tiers: Mapping[str, Any] = await self._client.fetch_leverage_tiers(
                    group, {"subType": kind}
                )
                return tiers

            tiers = await self._calls.read(f"fetch_margin_brackets:{kind}", fetch)
            for symbol in group:
                out[symbol] = parse.parse_margin_brackets(symbol, tiers.get(symbol) or [])
        return out


async def _income_pages(gw: _Gateway, kind: str, since_ms: int | None) -> list[FundingPayment]:
    """Every funding payment of the family since `since_ms`, up to `_INCOME_PAGES` pages."""
    found: list[FundingPayment] = []
    since = since_ms
    for _ in range(_INCOME_PAGES):

        async def fetch(since: int | None = since) -> tuple[FundingPayment, ...]:
            raws = await gw._client.fetch_funding_history(
                None, since, _INCOME_LIMIT, {"subType": kind}
            )
            return tuple(parse.parse_funding_payment(raw) for raw in raws)

        page = await gw._calls.read(f"fetch_funding_payments:{kind}", fetch)
        found.extend(page)
        if len(page) < _INCOME_LIMIT:
            break
        since = max(p.timestamp_ms for p in page) + 1
    return found


async def _family_quotes(gw: _Gateway, kind: str, group: list[str]) -> dict[str, Quote]:
    params = dict(_PARAMS[kind])

    async def tickers() -> Mapping[str, Any]:
        found: Mapping[str, Any] = await gw._client.fetch_bids_asks(group, dict(params))
        return found

    async def funding() -> Mapping[str, Any]:
        found: Mapping[str, Any] = await gw._client.fetch_funding_rates(
            group, {"subType": params["subType"]}
        )
        return found

    reads: list[Awaitable[Mapping[str, Any]]] = [gw._calls.read(f"fetch_quotes:{kind}", tickers)]
    if kind != "spot":
        reads.append(gw._calls.read(f"fetch_funding_rates:{kind}", funding))
    answers = await asyncio.gather(*reads)
    books, marks = answers[0], (answers[1] if len(answers) > 1 else {})
    now = gw._clock_ms()
    out: dict[str, Quote] = {}
    for s in group:
        if s not in books or (kind != "spot" and s not in marks):
            continue  # left out of the answer: read alone
        try:
            out[s] = ticker_quote(s, books[s], marks.get(s), now)
        except BadResponse as exc:  # one bad row costs that symbol's quote, not the account's
            _log.warning("exchange.quote_refused", symbol=s, detail=str(exc))
    return out
