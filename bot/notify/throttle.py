"""Which alerts go out: severity floor, deduplication window, overall rate limit.

Pure bookkeeping over `now` values the caller supplies (seconds, any monotonic clock), so
tests drive it with a fake clock.

Rules, in order:
1. below `min_severity` → not sent ("filtered");
2. same kind + hedge + severity as the last one sent for that kind + hedge, within
   `dedup_window_s` → not sent ("duplicate"); a change of severity is always sent;
3. more than `max_per_minute` sent in the last 60 s → not sent ("rate_limited"), except
   CRITICAL alerts, which always pass: a human must hear about a liquidation risk even
   during a storm of warnings (dedup still applies to them).
Suppressed alerts are counted, and the next sent alert reports how many were held back.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from bot.notify.alert import Alert, Severity

__all__ = ["AlertThrottle", "Verdict"]


class Verdict(StrEnum):
    SEND = "send"
    FILTERED = "filtered"
    DUPLICATE = "duplicate"
    RATE_LIMITED = "rate_limited"


@dataclass
class AlertThrottle:
    """Mutable gatekeeper; call `admit(alert, now)` once per alert."""

    min_severity: Severity = Severity.WARNING
    dedup_window_s: float = 300.0
    max_per_minute: int = 10
    _last: dict[tuple[str, str | None], tuple[Severity, float]] = field(default_factory=dict)
    _sent_at: deque[float] = field(default_factory=deque)
    suppressed: int = 0  # rate-limited since the last sent alert

    def __post_init__(self) -> None:
        if self.dedup_window_s < 0:
            raise ValueError(f"dedup_window_s {self.dedup_window_s} must be >= 0 seconds")
        if self.max_per_minute < 1:
            raise ValueError(f"max_per_minute {self.max_per_minute} must be >= 1")

    def admit(self, alert: Alert, now: float) -> Verdict:
        """Decide for one alert at time `now` (seconds) and record it if it is sent."""
        if alert.severity < self.min_severity:
            return Verdict.FILTERED
        last = self._last.get(alert.key)
        if last is not None and last[0] == alert.severity and now - last[1] < self.dedup_window_s:
            return Verdict.DUPLICATE
        while self._sent_at and now - self._sent_at[0] >= 60.0:
            self._sent_at.popleft()
        if len(self._sent_at) >= self.max_per_minute and alert.severity < Severity.CRITICAL:
            self.suppressed += 1
            return Verdict.RATE_LIMITED
        self._sent_at.append(now)
        self._last[alert.key] = (alert.severity, now)
        return Verdict.SEND

    def take_suppressed(self) -> int:
        """How many alerts were rate-limited since the last call (and reset the count)."""
        count, self.suppressed = self.suppressed, 0
        return count
