"""Journal the alerts the operator was sent: the notifier listener that writes `alerts` rows.

Only alerts the throttle let through (verdict "send") are journaled: that is what reached the
phone, and a hedge whose data stays stale (alerting every cycle, deduplicated) would otherwise
fill the table with repeats. Text is redacted exactly as the notifier's own output: registered
secrets scrubbed (as in every log line) and the notification-service URLs and their
credential-looking parts replaced (bot/notify/redact.py). A journal that cannot be written is
logged and never stops the alert: the notifier delivers it regardless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import structlog

from bot.logs import scrub
from bot.notify.alert import Alert
from bot.notify.redact import redact_text
from bot.notify.throttle import Verdict
from bot.store.alerts import AlertsJournal

__all__ = ["alert_journal_listener"]

log = structlog.get_logger("bot.notify")


def alert_journal_listener(
    journal: AlertsJournal, notify_urls: Sequence[str]
) -> Callable[[Alert, str], None]:
    """A `Notifier.add_listener` callback journaling each sent alert, redacted."""
    urls = tuple(notify_urls)

    def redact(text: str) -> str:
        return redact_text(scrub(text), urls)

    def record(alert: Alert, verdict: str) -> None:
        if verdict != Verdict.SEND.value:
            return
        try:
            journal.record_sent_alert(
                alert.severity.label, alert.kind, alert.hedge,
                redact(alert.title), redact(alert.body),
            )  # fmt: skip
        except Exception as exc:  # the record must never cost the operator the alert
            log.error(
                "alert.journal_failed", kind=alert.kind, hedge=alert.hedge,
                error=type(exc).__name__, detail=redact(str(exc)),
            )  # fmt: skip

    return record
