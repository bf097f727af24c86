"""Several hedges' bar streams side by side, one tuple of bars per grid time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.backtest.bars import Bar
from bot.backtest.errors import DataError
from bot.backtest.feed import MarketFeed
from bot.backtest.sources import describe_interval
from bot.backtest.timestamps import format_ms

__all__ = ["lockstep"]


def lockstep(feeds: Sequence[MarketFeed]) -> Iterator[tuple[Bar, ...]]:
    """The hedges' bars at each grid time of their common span: from the latest first bar
    to the earliest last one. All feeds must share the candle interval and grid."""
    if not feeds:
        return
    interval = feeds[0].interval_ms
    for feed in feeds[1:]:
        if feed.interval_ms != interval:
            raise DataError(
                feed.spec.files[0].path,
                None,
                f"hedge {feed.spec.hedge} has {describe_interval(feed.interval_ms)} candles, "
                f"hedge {feeds[0].spec.hedge} {describe_interval(interval)}: "
                "give every hedge the same interval",
            )
    streams = [iter(feed) for feed in feeds]
    heads = [next(stream, None) for stream in streams]
    present = [head.ts_ms for head in heads if head is not None]
    start = max(present) if len(present) == len(heads) else 0
    heads = [_skip_to(stream, head, start) for stream, head in zip(streams, heads, strict=True)]
    while (bars := _all(heads)) is not None:
        if any(bar.ts_ms != bars[0].ts_ms for bar in bars):
            raise DataError(feeds[0].spec.files[0].path, None, _misaligned(feeds, bars))
        yield bars
        heads = [next(stream, None) for stream in streams]


def _all(heads: list[Bar | None]) -> tuple[Bar, ...] | None:
    bars = tuple(head for head in heads if head is not None)
    return bars if len(bars) == len(heads) else None


def _skip_to(stream: Iterator[Bar], head: Bar | None, ts_ms: int) -> Bar | None:
    while head is not None and head.ts_ms < ts_ms:
        head = next(stream, None)
    return head


def _misaligned(feeds: Sequence[MarketFeed], bars: tuple[Bar, ...]) -> str:
    times = ", ".join(
        f"{feed.spec.hedge} {format_ms(bar.ts_ms)}" for feed, bar in zip(feeds, bars, strict=True)
    )
    return f"the hedges' candles do not open at the same times ({times})"
