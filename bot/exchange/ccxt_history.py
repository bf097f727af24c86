"""Market history of `CcxtExchange`: candles (ccxt OHLCV) and settled funding rates, what the
target rules (a ladder's recent high, a funding streak) and beta estimates read. Mixed into
`CcxtExchange`; payloads are parsed at once into domain values (`Decimal`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from bot.domain.candles import Candle
from bot.domain.model import Market
from bot.exchange.calls import Calls
from bot.exchange.errors import BadResponse
from bot.exchange.fields import Raw, millis, req

__all__ = ["HistoryOps", "parse_candle", "parse_funding_settlement"]


class _Gateway(Protocol):
    _client: Any
    _calls: Calls

    async def market(self, symbol: str) -> Market: ...


def parse_candle(row: Sequence[Any], symbol: str) -> Candle:
    """One ccxt OHLCV row [ms, open, high, low, close, volume] → Candle."""
    what = f"candle of {symbol!r}"
    if not isinstance(row, Sequence) or len(row) < 5:
        raise BadResponse(f"{what}: not an OHLCV row (got {row!r})")
    opened = millis(row[0])
    if opened is None:
        raise BadResponse(f"{what}: field 'timestamp' is missing (got {row[0]!r})")
    names = ("open", "high", "low", "close")
    o, h, low, c = (req(v, k, what) for v, k in zip(row[1:5], names, strict=True))
    return Candle(opened, o, h, low, c)


def parse_funding_settlement(raw: Raw) -> tuple[int, Decimal]:
    """One ccxt funding-rate history entry → (settlement time ms, rate per settlement)."""
    what = f"funding rate of {raw.get('symbol')!r}"
    at = millis(raw.get("timestamp"))
    if at is None:
        raise BadResponse(f"{what}: field 'timestamp' is missing (got {raw.get('timestamp')!r})")
    return at, req(raw.get("fundingRate"), "fundingRate", what, signed=True)


class HistoryOps:
    """Candles and funding-rate history over the gateway's ccxt client (reads, retried)."""

    async def fetch_candles(
        self: _Gateway, symbol: str, interval: str, *, limit: int, since_ms: int | None = None
    ) -> tuple[Candle, ...]:
        """Candles of `interval` (ccxt timeframe, e.g. '1h') of `symbol` (spot or perp),
        oldest first, at most `limit`: from `since_ms`, or the latest when None."""
        await self.market(symbol)

        async def fetch() -> tuple[Candle, ...]:
            rows = await self._client.fetch_ohlcv(symbol, interval, since_ms, limit)
            return tuple(parse_candle(row, symbol) for row in rows)

        return await self._calls.read("fetch_candles", fetch)

    async def fetch_funding_rates(
        self: _Gateway, symbol: str, *, since_ms: int | None = None
    ) -> tuple[tuple[int, Decimal], ...]:
        """Funding settlements of perp `symbol` as (time ms, rate), oldest first: since
        `since_ms`, or the venue's latest page when None; a rate is a fraction per
        settlement, negative when shorts pay longs."""
        await self.market(symbol)

        async def fetch() -> tuple[tuple[int, Decimal], ...]:
            rows = await self._client.fetch_funding_rate_history(symbol, since_ms)
            return tuple(sorted(parse_funding_settlement(r) for r in rows))

        return await self._calls.read("fetch_funding_rates", fetch)
