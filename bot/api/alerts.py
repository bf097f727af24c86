"""Recent alerts for the dashboard: GET /alerts, fed by the notifier, seeded from the journal.

The notifier calls `RecentAlerts.add(alert, delivery)` for every alert it is given (also those
its throttle holds back, so the page shows what the phone did not get). A repeat of an alert
still in the list (same kind, hedge and title: a hedge whose data stays stale alerts every
cycle) moves it to the top with a count instead of filling the list. Text is scrubbed of every
registered secret before it is kept.

At start-up the daemon calls `seed(journal.recent_alerts(SEED_ROWS))`, so after a restart the
page shows the alerts sent before it. The feed stays an in-memory list rather than a journal
read per request because it shows more than the journal keeps: the alerts the throttle held
back (the journal records only what was sent) and repeats collapsed with a count. One read at
start-up also needs no second connection and costs a polling page nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from aiohttp import web

from bot.api.jsonio import json_response
from bot.logs import scrub

__all__ = [
    "SEED_ROWS",
    "AlertLike",
    "AlertSource",
    "RecentAlerts",
    "SentAlertLike",
    "add_alert_routes",
]

DEFAULT_SIZE = 50
SEED_ROWS = 200  # journal rows read at start-up: repeats collapse, so more than the feed's size


class AlertLike(Protocol):
    """What the feed reads from an alert (`bot.notify.Alert` fits)."""

    @property
    def kind(self) -> str: ...
    @property
    def hedge(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def severity(self) -> Any: ...  # Severity (has `.label`) or a plain string


class SentAlertLike(AlertLike, Protocol):
    """A journaled alert (`bot.store.alerts.SentAlert` fits): an alert plus when it was sent."""

    @property
    def at_ms(self) -> int: ...  # epoch milliseconds


class AlertSource(Protocol):
    """Read side of the feed: the recent alerts as JSON-able mappings, newest first."""

    def recent(self) -> Sequence[Mapping[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class _Entry:
    at: float  # epoch seconds of the latest occurrence
    first_at: float
    severity: str
    kind: str
    hedge: str | None
    title: str
    body: str
    delivery: str
    count: int = 1

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.kind, self.hedge, self.title)


class RecentAlerts:
    """The last `size` distinct alerts (thread-safe; the engine may raise from any thread)."""

    def __init__(self, size: int = DEFAULT_SIZE, clock: Callable[[], float] = time.time) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self._size = size
        self._clock = clock
        self._entries: list[_Entry] = []  # newest first
        self._lock = threading.Lock()

    def add(self, alert: AlertLike, delivery: str = "") -> None:
        """Record `alert`; `delivery` is the notifier's verdict (send, duplicate, ...)."""
        self._insert(_entry(alert, str(delivery), self._clock()))

    def seed(self, sent: Iterable[SentAlertLike]) -> None:
        """Start from journaled alerts given newest first (as `recent_alerts` returns them);
        each counts as delivered ("send") at its journaled time."""
        for alert in reversed(list(sent)):
            self._insert(_entry(alert, "send", alert.at_ms / 1000))

    def _insert(self, entry: _Entry) -> None:
        with self._lock:
            for i, old in enumerate(self._entries):
                if old.key == entry.key:
                    del self._entries[i]
                    entry = replace(entry, first_at=old.first_at, count=old.count + 1)
                    break
            self._entries.insert(0, entry)
            del self._entries[self._size :]

    def recent(self) -> list[dict[str, Any]]:
        with self._lock:
            entries = list(self._entries)
        return [
            {"at": e.at, "first_at": e.first_at, "severity": e.severity, "kind": e.kind,
             "hedge": e.hedge, "title": e.title, "body": e.body, "delivery": e.delivery,
             "count": e.count}
            for e in entries
        ]  # fmt: skip


def _entry(alert: AlertLike, delivery: str, at: float) -> _Entry:
    severity = getattr(alert.severity, "label", None) or str(alert.severity)
    return _Entry(at, at, str(severity), alert.kind, alert.hedge,
                  scrub(alert.title), scrub(alert.body), delivery)  # fmt: skip


class _NotRecorded:
    """Stands in when the daemon keeps no alert feed."""

    def recent(self) -> Sequence[Mapping[str, Any]]:
        return ()


_NOT_RECORDED = _NotRecorded()
_ALERTS = web.AppKey("alert_source", AlertSource)


async def _alerts(request: web.Request) -> web.Response:
    source = request.app[_ALERTS]
    return json_response({"alerts": list(source.recent()), "recorded": source is not _NOT_RECORDED})


def add_alert_routes(app: web.Application, alerts: AlertSource | None) -> None:
    """GET /alerts → {"alerts": [...newest first], "recorded": false when nothing feeds it}."""
    app[_ALERTS] = alerts if alerts is not None else _NOT_RECORDED
    app.router.add_get("/alerts", _alerts)
