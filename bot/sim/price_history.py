"""The last 24 h of one instrument's trade prices, kept at most four points a minute.

Klines (1 m and up) and the 24 h ticker only need each minute's open, high, low and close, so
a minute keeps its first point, its highest, its lowest and its latest (in time order): a
moving listing of 240 instruments then holds at most ~5,800 points per instrument per day
instead of one per price step (at 8 steps a second, 690,000).
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal

__all__ = ["DAY_MS", "record"]

DAY_MS = 24 * 3600 * 1000
_MINUTE_MS = 60_000

Point = tuple[int, Decimal]  # (time ms, price)


def _ohlc(points: list[Point]) -> list[Point]:
    """The first, highest, lowest and last of one minute's points, in time order."""
    prices = [p for _, p in points]
    keep = {0, len(points) - 1, prices.index(max(prices)), prices.index(min(prices))}
    return [points[i] for i in sorted(keep)]


def record(history: deque[Point], now_ms: int, price: Decimal) -> None:
    """Append a trade at `now_ms` to `history` (oldest first), folding this minute's points
    into its open/high/low/close and dropping what is older than a day (the latest point
    always stays)."""
    minute = now_ms // _MINUTE_MS
    tail: list[Point] = []
    while history and history[-1][0] // _MINUTE_MS == minute and len(tail) < 4:
        tail.append(history.pop())
    tail.reverse()
    tail.append((now_ms, price))
    history.extend(_ohlc(tail))
    while len(history) > 1 and history[0][0] < now_ms - DAY_MS:
        history.popleft()
