"""The alert journal listener: what the operator was sent is journaled, redacted, never blocking."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from bot.engine.alert_journal import alert_journal_listener
from bot.logs import register_secret
from bot.notify.alerts import Alert, Notifier, Severity
from bot.store import Journal

WEBHOOK = "json://ops:s3cretpass@hooks.example/path?token=tok-9f8e7d6c5b"


class NullSender:
    """Accepts everything and records it."""

    targets = ("json://***",)

    def __init__(self) -> None:
        self.sent: list[Alert] = []

    async def deliver(self, alert: Alert) -> bool:
        self.sent.append(alert)
        return True


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    with Journal(tmp_path / "j.sqlite") as j:
        yield j


def _notifier(journal: Journal, title_prefix: str = "") -> tuple[Notifier, NullSender]:
    sender = NullSender()
    notifier = Notifier(
        sender, min_severity="warning", clock=lambda: 0.0, title_prefix=title_prefix
    )
    notifier.add_listener(alert_journal_listener(journal, [WEBHOOK]))
    return notifier, sender


def _alert(kind: str = "stale_data", severity: Severity = Severity.WARNING) -> Alert:
    return Alert(severity, kind, "BTC", "hedgebot BTC: data stale", "positions 30 s old")


async def test_only_alerts_the_throttle_sends_are_journaled(journal: Journal) -> None:
    """Filtered and duplicate alerts are not journaled; the sent one is, with kind and hedge."""
    notifier, _ = _notifier(journal)
    await notifier.send(_alert(severity=Severity.INFO))
    await notifier.send(_alert())
    await notifier.send(_alert())
    (row,) = journal.recent_alerts()
    assert (row.kind, row.hedge, row.severity, row.body) == (
        "stale_data", "BTC", "warning", "positions 30 s old",
    )  # fmt: skip


async def test_dry_run_alerts_keep_their_tag(journal: Journal) -> None:
    """A dry run's alert is journaled with the "[DRY RUN]" title the operator received."""
    notifier, sender = _notifier(journal, title_prefix="[DRY RUN]")
    await notifier.send(_alert())
    assert (
        journal.recent_alerts()[0].title
        == sender.sent[0].title
        == ("[DRY RUN] hedgebot BTC: data stale")
    )


async def test_secrets_never_reach_the_journal(journal: Journal) -> None:
    """Registered secrets and every credential part of a notify URL are replaced before storing."""
    register_secret("exchange-api-secret-77")
    notifier, _ = _notifier(journal)
    body = f"POST {WEBHOOK} failed; token tok-9f8e7d6c5b; key exchange-api-secret-77"
    await notifier.send(Alert(Severity.CRITICAL, "breaker_open", None, "s3cretpass", body))
    stored = repr(journal.recent_alerts())
    for secret in ("s3cretpass", "tok-9f8e7d6c5b", "exchange-api-secret-77", "hooks.example"):
        assert secret not in stored
    assert "json://***" in stored


async def test_a_journal_that_cannot_be_written_never_stops_the_alert(journal: Journal) -> None:
    """With the journal closed the alert is still delivered and the failure is logged by name."""
    notifier, sender = _notifier(journal)
    journal.close()
    with capture_logs() as logs:
        assert await notifier.send(_alert()) is True
    assert [a.kind for a in sender.sent] == ["stale_data"]
    failed = [e for e in logs if e["event"] == "alert.journal_failed"]
    assert [(e["kind"], e["error"]) for e in failed] == [("stale_data", "JournalError")]


async def test_the_journal_keeps_the_text_as_sent_with_the_held_back_note(journal: Journal) -> None:
    """A sent alert that carries the rate limit's "held back" note is journaled with it."""
    notifier = Notifier(NullSender(), max_per_minute=1, clock=lambda: 0.0)
    notifier.add_listener(alert_journal_listener(journal, []))
    await notifier.send(_alert("risk_warn"))
    await notifier.send(_alert("stale_data"))  # rate-limited: not journaled
    await notifier.send(_alert("liquidation_near", Severity.CRITICAL))
    newest, oldest = journal.recent_alerts()
    assert (newest.kind, oldest.kind) == ("liquidation_near", "risk_warn")
    assert newest.body.endswith("(1 other alert(s) were held back by the rate limit.)")
