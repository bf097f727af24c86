"""The backtest's market data in one import: open a hedge's candles as a stream of `Bar`s.

    spec = market_spec("BTC", "BTC/USDT:USDT", data=Path("../shared/data"), window=window)
    feed = open_market(spec)          # reads headers and first rows: bad files fail here
    for bars in lockstep([feed, ...]):  # one Bar per hedge per grid time, Decimal prices
        ...
    feed.report()                     # span, candles, gaps bridged (count, longest), funding

Layouts read (see `layouts`): the shared data (`ts`, `perp_*`/`spot_*`/`mark_*`,
`funding_rate`, optional `symbol` for the multi-symbol `scenario_*.csv`), any OHLCV CSV
(`ts`/`timestamp`/`open_time`, `open`, `high`, `low`, `close`; ISO-8601 or epoch ms), and
Binance's headerless 12-column klines (open_time in ms, or µs in newer dumps); plain, gzip, or
a zip holding one CSV. Values are `Decimal` end to end (a few µs per candle: ~100k candles/s
per core read, see bench/backtest_data.py); memory does not grow with the history.
"""

from __future__ import annotations

from bot.backtest.bars import Bar, Ohlc
from bot.backtest.discover import candle_file, funding_file, market_spec
from bot.backtest.errors import DataError
from bot.backtest.feed import MarketFeed, open_market
from bot.backtest.funding import FundingKind, FundingSpec, parse_funding_arg
from bot.backtest.gaps import DataReport, GapStats
from bot.backtest.lockstep import lockstep
from bot.backtest.spec import MarketSpec, SeriesFile
from bot.backtest.timestamps import DateRange, parse_date

__all__ = [
    "Bar",
    "DataError",
    "DataReport",
    "DateRange",
    "FundingKind",
    "FundingSpec",
    "GapStats",
    "MarketFeed",
    "MarketSpec",
    "Ohlc",
    "SeriesFile",
    "candle_file",
    "funding_file",
    "lockstep",
    "market_spec",
    "open_market",
    "parse_date",
    "parse_funding_arg",
]
