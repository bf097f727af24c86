"""Alerts to phones and chat rooms through apprise, filtered, deduplicated and rate-limited.

`Notifier.notify(alert)` is what the engine calls: it logs the alert through structlog at
once and, if the throttle lets it through, delivers it in a background task, so a slow or
dead notification service never delays a hedge cycle. `await notifier.send(alert)` does
the same but waits for delivery (tests, the final "stopped" alert); `await notifier.aclose()`
waits for deliveries still in flight. Delivery failures are logged with the service URLs
redacted to their scheme and never raised.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

import apprise
import structlog

from bot.notify.alert import Alert, Severity
from bot.notify.redact import redact_text, redact_url
from bot.notify.throttle import AlertThrottle, Verdict

__all__ = ["Alert", "AppriseSender", "Notifier", "Sender", "Severity"]

log = structlog.get_logger("bot.notify")

_LOG_LEVEL = {Severity.INFO: "info", Severity.WARNING: "warning", Severity.CRITICAL: "critical"}
_APPRISE_TYPE = {
    Severity.INFO: apprise.NotifyType.INFO,
    Severity.WARNING: apprise.NotifyType.WARNING,
    Severity.CRITICAL: apprise.NotifyType.FAILURE,
}


class Sender(Protocol):
    """Delivers one alert to every configured service; True when all accepted it."""

    @property
    def targets(self) -> Sequence[str]:
        """The service URLs, redacted to their scheme (for logs)."""
        ...

    def deliver(self, alert: Alert) -> Awaitable[bool]: ...


class AppriseSender:
    """The real `Sender`: one `apprise.Apprise` holding every URL from `notify.urls`."""

    def __init__(self, urls: Sequence[str], *, timeout_s: float = 15.0) -> None:
        self._urls = tuple(urls)
        self._apprise = apprise.Apprise()
        self._timeout_s = timeout_s
        for i, url in enumerate(self._urls):
            if not self._apprise.add(url):
                raise ValueError(
                    f"notify.urls[{i}]: {redact_url(url)!r} is not a URL apprise understands "
                    "(see https://github.com/caronc/apprise/wiki for the formats)"
                )
        self.targets = tuple(redact_url(u) for u in self._urls)
        # apprise's debug/info lines quote request URLs that embed tokens (Telegram's bot
        # token, webhook paths); its warnings and errors do not. Keep it at WARNING or above.
        apprise_log = logging.getLogger("apprise")
        apprise_log.setLevel(max(apprise_log.getEffectiveLevel(), logging.WARNING))

    def __repr__(self) -> str:
        return f"AppriseSender(targets={list(self.targets)})"

    async def deliver(self, alert: Alert) -> bool:
        if not self._urls:
            return True
        result = await asyncio.wait_for(
            self._apprise.async_notify(
                body=alert.body,
                title=alert.title,
                notify_type=_APPRISE_TYPE[alert.severity],
            ),
            timeout=self._timeout_s,
        )
        return bool(result)

    def redact(self, text: str) -> str:
        return redact_text(text, self._urls)


class Notifier:
    """Logs every alert; sends those the `AlertThrottle` admits through a `Sender`."""

    def __init__(
        self,
        sender: Sender,
        *,
        min_severity: Severity | str = Severity.WARNING,
        dedup_window_s: float = 300.0,
        max_per_minute: int = 10,
        clock: Callable[[], float] = time.monotonic,
        title_prefix: str = "",
    ) -> None:
        """`title_prefix` leads every alert's title (a dry run's "[DRY RUN]")."""
        self._sender = sender
        self._prefix = title_prefix
        self._throttle = AlertThrottle(
            min_severity=Severity.parse(min_severity),
            dedup_window_s=dedup_window_s,
            max_per_minute=max_per_minute,
        )
        self._clock = clock
        self._tasks: set[asyncio.Task[bool]] = set()
        self._listeners: list[Callable[[Alert, str], None]] = []

    @classmethod
    def from_urls(cls, urls: Sequence[str], **kwargs: Any) -> Notifier:
        """A notifier over apprise URLs (config `notify.urls`); ValueError for a bad URL."""
        return cls(AppriseSender(urls), **kwargs)

    def __repr__(self) -> str:
        return f"Notifier(targets={list(self._sender.targets)})"

    def add_listener(self, listener: Callable[[Alert, str], None]) -> None:
        """Call `listener(alert, verdict)` for every alert once the throttle has judged it,
        before delivery: the alert as it will be sent (a dry run's tag, the held-back note),
        the dashboard's feed and the journal; a failing listener is logged, never raised."""
        self._listeners.append(listener)

    def _admit(self, alert: Alert) -> tuple[Alert, Verdict]:
        if self._prefix:
            alert = replace(alert, title=f"{self._prefix} {alert.title}")
        verdict = self._throttle.admit(alert, self._clock())
        getattr(log, _LOG_LEVEL[alert.severity])(
            "alert",
            kind=alert.kind,
            hedge=alert.hedge,
            severity=alert.severity.label,
            title=alert.title,
            body=alert.body,
            delivery=verdict.value,
        )
        if verdict is Verdict.SEND:
            held_back = self._throttle.take_suppressed()
            if held_back:
                note = f"\n({held_back} other alert(s) were held back by the rate limit.)"
                alert = replace(alert, body=alert.body + note)
        self._tell_listeners(alert, verdict)
        return alert, verdict

    def _tell_listeners(self, alert: Alert, verdict: Verdict) -> None:
        for listener in self._listeners:
            try:
                listener(alert, verdict.value)
            except Exception as exc:  # a view or record of alerts must never stop one
                log.error("alert.listener_failed", error=type(exc).__name__)

    async def send(self, alert: Alert) -> bool:
        """Log, throttle and deliver `alert`; True only when it was sent and delivered."""
        alert, verdict = self._admit(alert)
        if verdict is not Verdict.SEND:
            return False
        return await self._deliver(alert)

    def notify(self, alert: Alert) -> None:
        """Log and throttle now, deliver in the background (needs a running event loop)."""
        alert, verdict = self._admit(alert)
        if verdict is Verdict.SEND:
            task = asyncio.get_running_loop().create_task(self._deliver(alert))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def aclose(self) -> None:
        """Wait for background deliveries still in flight (each bounded by its timeout)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _deliver(self, alert: Alert) -> bool:
        try:
            delivered = await self._sender.deliver(alert)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a notification failure must never take the daemon down
            log.error(
                "alert.delivery_failed",
                kind=alert.kind,
                hedge=alert.hedge,
                targets=list(self._sender.targets),
                error=type(exc).__name__,
                detail=self._redact(str(exc)),
            )
            return False
        if not delivered:
            log.error(
                "alert.delivery_failed",
                kind=alert.kind,
                hedge=alert.hedge,
                targets=list(self._sender.targets),
                error="rejected",
                detail="a notification service did not accept the alert (see apprise's log)",
            )
        return delivered

    def _redact(self, text: str) -> str:
        redact = getattr(self._sender, "redact", None)
        return redact(text) if callable(redact) else "(detail withheld: may contain a URL)"
