"""Find a hedge's files under `--data`, and build its `MarketSpec` from the CLI's choices.

`--data DIR` holds per-symbol files named like the shared data: `binance_<symbol>_<tf>_…csv`
(optionally .gz), e.g. binance_btcusdt_5m_perp_spot_2025.csv.gz. Among the files of a symbol
(and `timeframe`, when given) that start by `--from` (and before `--to`), the choice is: a file
with both spot and perp columns first, then the finest interval, then one with mark prices,
then one with funding, then the earliest start. `--data FILE` uses that file (e.g. a
multi-symbol `scenario_*.csv`: the hedge's rows are picked by its `symbol` column). When the
chosen file has no funding column, a `binance_<symbol>_…funding….csv` beside it gives the
funding rates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from bot.backtest.errors import BacktestError, DataError
from bot.backtest.funding import FundingKind, FundingSpec
from bot.backtest.reader import read_layout, read_rows, symbol_key
from bot.backtest.spec import LEG_NAMES, MarketSpec, SeriesFile
from bot.backtest.timestamps import DateRange, timeframe_in_name

__all__ = ["candle_file", "funding_file", "market_spec"]

_CANDLES = re.compile(r"^binance_([a-z0-9]+)_\d+[mhdw]_.*\.csv(\.gz)?$")
_FUNDING = re.compile(r"^binance_([a-z0-9]+)_.*funding.*\.csv(\.gz)?$")


def candle_file(
    data: Path, symbol: str, *, window: DateRange | None = None, timeframe_ms: int | None = None
) -> Path:
    """The candle file for `symbol` (e.g. BTC/USDT:USDT) under `data` (a file is itself)."""
    if data.is_file():
        return data
    if not data.is_dir():
        raise DataError(data, None, "no such directory (--data)")
    token = symbol_key(symbol).lower()
    window = window or DateRange()
    ranked = []
    for path in sorted(data.iterdir()):
        match = _CANDLES.match(path.name.lower())
        if match is None or match.group(1) != token:
            continue
        interval = timeframe_in_name(path.name)
        if timeframe_ms is not None and interval != timeframe_ms:
            continue
        key = _rank(path, interval, window)
        if key is not None:
            ranked.append((key, path))
    if not ranked:
        raise DataError(data, None, _nothing_for(symbol, token, window, timeframe_ms))
    return min(ranked)[1]


def _rank(path: Path, interval: int | None, window: DateRange) -> tuple[object, ...] | None:
    first = next(read_rows(path), None)
    if first is None or (window.start_ms is not None and first.ts_ms > window.start_ms):
        return None
    if window.end_ms is not None and first.ts_ms >= window.end_ms:
        return None
    layout = read_layout(path)
    both = "spot" in layout.groups and "perp" in layout.groups
    no_mark, no_funding = "mark" not in layout.groups, layout.funding is None
    return (not both, interval or 0, no_mark, no_funding, first.ts_ms)


def _nothing_for(symbol: str, token: str, window: DateRange, timeframe_ms: int | None) -> str:
    what = f"binance_{token}_<tf>_….csv[.gz]"
    limits = " for that timeframe" if timeframe_ms else ""
    if window.start_ms is not None or window.end_ms is not None:
        limits += " covering --from/--to"
    return f"no candle file for {symbol}{limits} (expected {what}; or pass --series)"


def funding_file(data_dir: Path, symbol: str) -> Path | None:
    """A `binance_<symbol>_…funding….csv[.gz]` funding history in `data_dir`, if any."""
    token = symbol_key(symbol).lower()
    for path in sorted(data_dir.iterdir()):
        name = path.name.lower()
        match = _FUNDING.match(name)
        if match and match.group(1) == token and not _CANDLES.match(name):
            return path
    return None


def market_spec(
    hedge: str,
    symbol: str,
    *,
    data: Path | None,
    series: Mapping[str, Path] | None = None,
    funding: FundingSpec | None = None,
    window: DateRange | None = None,
    timeframe_ms: int | None = None,
    spot_symbol: str | None = None,
) -> MarketSpec:
    """One hedge's spec: `series` (leg → file, from `--series HEDGE:leg=FILE`) first, `data`
    for the legs they leave; `funding` as given (`--funding`), else from the data.
    `spot_symbol`: a proxy hedge's spot market (SOL/USDT beside an ETH perp): its spot leg is
    read from that symbol's file (or rows) in `data`, not from the perp's."""
    series = dict(series or {})
    window = window or DateRange()
    files = [SeriesFile(path, (leg,)) for leg, path in series.items()]
    proxy_spot = spot_symbol is not None and "spot" not in series and data is not None
    missing = tuple(
        leg for leg in LEG_NAMES if leg not in series and not (proxy_spot and leg == "spot")
    )
    chosen = None
    if missing and data is not None:
        chosen = candle_file(data, symbol, window=window, timeframe_ms=timeframe_ms)
        files.append(SeriesFile(chosen, missing))
    if proxy_spot and spot_symbol is not None and data is not None:
        interval = timeframe_ms or (None if chosen is None else timeframe_in_name(chosen.name))
        spot = candle_file(data, spot_symbol, window=window, timeframe_ms=interval)
        files.append(SeriesFile(spot, ("spot",), symbol=spot_symbol))
    if not files:
        raise BacktestError(f"hedge {hedge}: no market data (give --data DIR or --series)")
    if funding is None:
        funding = _data_funding(chosen, symbol) if chosen is not None else FundingSpec()
    return MarketSpec(hedge, symbol, tuple(files), funding, window)


def _data_funding(chosen: Path, symbol: str) -> FundingSpec:
    if read_layout(chosen).funding is not None:
        return FundingSpec()
    beside = funding_file(chosen.parent, symbol)
    return FundingSpec() if beside is None else FundingSpec(FundingKind.FILE, path=beside)
