"""Timestamps and date windows: ISO-8601 or epoch milliseconds (µs in newer Binance dumps).

Everything is integer milliseconds since the epoch, UTC. A timestamp without an offset is
UTC. Windows are half-open: `--from 2025-03-01 --to 2025-06-01` keeps the candles that open
on or after March 1st and before June 1st.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "DateRange",
    "IsoClock",
    "format_ms",
    "parse_date",
    "parse_timeframe",
    "parse_timestamp",
    "timeframe_in_name",
]

_MS_FLOOR = 10**11  # 1973-03-03 in ms; smaller integers look like epoch seconds
_US_FLOOR = 10**14  # 1973 in µs: Binance's 2025+ spot kline dumps use microseconds
_NS_FLOOR = 10**17
_UNITS_MS = {"m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_TIMEFRAME = re.compile(r"^(\d+)([mhdw])$")
_NAME_TIMEFRAME = re.compile(r"(?:^|[_\-.])(\d+[mhdw])(?=[_\-.])")


def parse_timestamp(text: str) -> int:
    """Epoch ms of `text`: ISO-8601 (a trailing Z or an offset; none = UTC) or an integer in
    epoch milliseconds or microseconds. Raises ValueError with a short reason."""
    text = text.strip()
    if text.isdigit():
        return _epoch_ms(int(text))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("is not a timestamp (use ISO-8601 or epoch milliseconds)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def _epoch_ms(value: int) -> int:
    if value < _MS_FLOOR:
        raise ValueError("looks like epoch seconds (use epoch milliseconds or ISO-8601)")
    if value >= _NS_FLOOR:
        raise ValueError("is too large for epoch milliseconds or microseconds")
    return value // 1000 if value >= _US_FLOOR else value


def parse_date(text: str, *, flag: str = "date") -> int:
    """Epoch ms of a `--from`/`--to` value (2025-03-01 or a full ISO-8601 time, UTC unless
    an offset is given). Raises ValueError naming `flag`."""
    try:
        return parse_timestamp(text)
    except ValueError:
        raise ValueError(f"{flag} {text!r}: use a date such as 2025-03-01 (UTC)") from None


def format_ms(ts_ms: int) -> str:
    """ISO-8601 UTC with a Z, to the second (the shared data's own format)."""
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timeframe(text: str) -> int:
    """Milliseconds in a Binance-style timeframe: 1m, 5m, 1h, 8h, 1d, 1w."""
    match = _TIMEFRAME.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"timeframe {text!r}: use e.g. 1m, 5m, 1h, 1d")
    return int(match.group(1)) * _UNITS_MS[match.group(2)]


def timeframe_in_name(name: str) -> int | None:
    """The candle interval a file name states (binance_btcusdt_5m_… → 300000), or None."""
    match = _NAME_TIMEFRAME.search(name.lower())
    return None if match is None else parse_timeframe(match.group(1))


@dataclass(frozen=True, slots=True)
class DateRange:
    """[start_ms, end_ms) in epoch ms; None = unbounded on that side."""

    start_ms: int | None = None
    end_ms: int | None = None

    def __post_init__(self) -> None:
        if self.start_ms is not None and self.end_ms is not None and self.end_ms <= self.start_ms:
            raise ValueError(
                f"--to {format_ms(self.end_ms)} is not after --from {format_ms(self.start_ms)}"
            )

    def before(self, ts_ms: int) -> bool:
        """`ts_ms` is earlier than the window."""
        return self.start_ms is not None and ts_ms < self.start_ms

    def after(self, ts_ms: int) -> bool:
        """`ts_ms` is at or past the window's end."""
        return self.end_ms is not None and ts_ms >= self.end_ms


class IsoClock:
    """`parse_timestamp` with a fast path for the shared data's `2025-01-31T23:55:00Z`: the
    hour's epoch is cached by its `2025-01-31T23` prefix (cleared past 4096 entries), minutes
    and seconds are sliced. Any other spelling takes the general path."""

    def __init__(self) -> None:
        self._hours: dict[str, int] = {}

    def parse(self, text: str) -> int:
        if len(text) == 20 and text[19] == "Z" and text[13] == ":" and text[16] == ":":
            hour = self._hours.get(text[:13])
            if hour is None:
                hour = self._hour(text)
            minutes, seconds = text[14:16], text[17:19]
            if minutes.isdigit() and seconds.isdigit():
                m, s = int(minutes), int(seconds)
                if m < 60 and s < 60:
                    return hour + m * 60_000 + s * 1000
        return parse_timestamp(text)

    def _hour(self, text: str) -> int:
        if len(self._hours) >= 4096:
            self._hours.clear()
        hour = parse_timestamp(text[:13] + ":00:00Z")  # raises for a bad date or hour
        self._hours[text[:13]] = hour
        return hour
