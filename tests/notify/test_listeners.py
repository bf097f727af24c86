"""Notifier listeners: every alert reaches them with the throttle's verdict, failures contained."""

from __future__ import annotations

from bot.notify.alerts import Alert, Notifier, Severity


class NullSender:
    """Accepts everything and records it."""

    targets = ()

    def __init__(self) -> None:
        self.sent: list[Alert] = []

    async def deliver(self, alert: Alert) -> bool:
        self.sent.append(alert)
        return True


def _alert(severity: Severity = Severity.WARNING) -> Alert:
    return Alert(severity, "stale_data", "BTC", "BTC data stale", "positions 30 s old")


async def test_listener_sees_every_alert_with_the_verdict() -> None:
    """Alerts below the minimum severity and duplicates reach listeners too, labelled."""
    seen: list[tuple[str, str]] = []
    notifier = Notifier(NullSender(), min_severity="warning", dedup_window_s=300, clock=lambda: 0.0)
    notifier.add_listener(lambda alert, verdict: seen.append((alert.kind, verdict)))
    await notifier.send(_alert(Severity.INFO))
    await notifier.send(_alert())
    await notifier.send(_alert())
    assert seen == [("stale_data", "filtered"), ("stale_data", "send"),
                    ("stale_data", "duplicate")]  # fmt: skip


async def test_failing_listener_never_stops_delivery() -> None:
    """A listener that raises is logged; the alert is still delivered."""
    sender = NullSender()
    notifier = Notifier(sender, min_severity="info")

    def broken(alert: Alert, verdict: str) -> None:
        raise RuntimeError("view is broken")

    notifier.add_listener(broken)
    assert await notifier.send(_alert()) is True
    assert [a.kind for a in sender.sent] == ["stale_data"]
