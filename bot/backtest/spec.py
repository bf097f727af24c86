"""What to load for one hedge: which files give which leg, the funding source, the window."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.backtest.funding import FundingSpec
from bot.backtest.timestamps import DateRange

__all__ = ["LEG_NAMES", "MarketSpec", "SeriesFile"]

LEG_NAMES = ("spot", "perp")


@dataclass(frozen=True, slots=True)
class SeriesFile:
    """A candle file and the legs to take from it. A leg comes from the file's `spot_*` /
    `perp_*` columns, else from its plain open/high/low/close (any OHLCV or kline file).
    `symbol` picks this file's rows of a multi-symbol file instead of the spec's (a proxy
    hedge's spot leg: SOL/USDT rows beside the ETH perp's)."""

    path: Path
    legs: tuple[str, ...] = LEG_NAMES
    symbol: str | None = None

    def __post_init__(self) -> None:
        unknown = [leg for leg in self.legs if leg not in LEG_NAMES]
        if not self.legs or unknown:
            raise ValueError(f"{self.path}: legs must be spot and/or perp, got {self.legs}")


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """One hedge's market data. `symbol` (e.g. BTC/USDT:USDT) picks the rows of multi-symbol
    files; `files` are tried in order, the first file that has a leg gives it, and a leg no
    file has follows the other leg (basis 0)."""

    hedge: str
    symbol: str
    files: tuple[SeriesFile, ...]
    funding: FundingSpec = field(default_factory=FundingSpec)
    window: DateRange = field(default_factory=DateRange)

    def __post_init__(self) -> None:
        if not self.files:
            raise ValueError(f"hedge {self.hedge}: no candle file given")
