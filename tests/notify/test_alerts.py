"""Alerts: real apprise delivery to a local JSON receiver, throttling, filtering, failures."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import structlog
from aiohttp import web

from bot.notify.alerts import Alert, AppriseSender, Notifier, Severity
from bot.notify.catalogue import CATALOGUE, AlertKind, make_alert


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class RecordingSender:
    """A Sender that records what it was asked to deliver (and can be made to fail)."""

    targets = ("fake://***",)

    def __init__(self, error: Exception | None = None) -> None:
        self.sent: list[Alert] = []
        self.error = error

    async def deliver(self, alert: Alert) -> bool:
        if self.error:
            raise self.error
        self.sent.append(alert)
        return True


Received = tuple[str, list[dict[str, Any]]]


@pytest.fixture
async def receiver() -> AsyncIterator[Received]:
    """A tiny HTTP endpoint on 127.0.0.1:0 collecting the JSON bodies posted to it."""
    received: list[dict[str, Any]] = []

    async def collect(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/{tail:.*}", collect)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"127.0.0.1:{port}", received
    await runner.cleanup()


def _alert(
    kind: str = "risk_warn", hedge: str | None = "BTC", sev: Severity = Severity.WARNING
) -> Alert:
    return Alert(severity=sev, kind=kind, hedge=hedge, title=f"{kind} {hedge}", body="details")


def _notifier(sender: RecordingSender, clock: FakeClock, **kwargs: Any) -> Notifier:
    return Notifier(sender, clock=clock, **kwargs)


async def test_json_target_receives_margin_alert(receiver: Received) -> None:
    """A thin-margin alert reaches an apprise json:// target with title, body and type."""
    address, received = receiver
    notifier = Notifier.from_urls([f"json://{address}/"])
    alert = make_alert(AlertKind.RISK_WARN, "BTC", "liquidation distance 12 % (warn at 15 %)")
    assert await notifier.send(alert) is True
    assert len(received) == 1
    payload = received[0]
    assert payload["title"] == "hedgebot BTC: margin getting thin"
    assert "liquidation distance 12 %" in payload["message"]
    assert CATALOGUE[AlertKind.RISK_WARN].action in payload["message"]
    assert payload["type"] == "warning"


async def test_background_notify_is_delivered_by_aclose(receiver: Received) -> None:
    """notify() returns at once and the alert is delivered by the time aclose() returns."""
    address, received = receiver
    notifier = Notifier.from_urls([f"json://{address}/"], min_severity="info")
    notifier.notify(make_alert("started"))
    await notifier.aclose()
    assert [p["type"] for p in received] == ["info"]


async def test_duplicates_suppressed_within_window() -> None:
    """The same kind+hedge+severity is sent once per window, and again after it."""
    sender, clock = RecordingSender(), FakeClock()
    notifier = _notifier(sender, clock, dedup_window_s=600)
    assert await notifier.send(_alert()) is True
    clock.now += 599
    assert await notifier.send(_alert()) is False
    clock.now += 2
    assert await notifier.send(_alert()) is True
    assert len(sender.sent) == 2


async def test_severity_change_and_other_hedge_are_sent() -> None:
    """A change of severity, or the same kind on another hedge, is not a duplicate."""
    sender, clock = RecordingSender(), FakeClock()
    notifier = _notifier(sender, clock)
    await notifier.send(_alert(sev=Severity.WARNING))
    await notifier.send(_alert(sev=Severity.CRITICAL))
    await notifier.send(_alert(sev=Severity.WARNING))
    await notifier.send(_alert(hedge="ETH"))
    assert [(a.hedge, a.severity) for a in sender.sent] == [
        ("BTC", Severity.WARNING), ("BTC", Severity.CRITICAL),
        ("BTC", Severity.WARNING), ("ETH", Severity.WARNING),
    ]  # fmt: skip


async def test_rate_limit_caps_per_minute_and_reports_held_back() -> None:
    """Past max_per_minute non-critical alerts wait; the next one sent says how many."""
    sender, clock = RecordingSender(), FakeClock()
    notifier = _notifier(sender, clock, max_per_minute=3)
    results = [await notifier.send(_alert(kind=f"k{i}")) for i in range(5)]
    assert results == [True, True, True, False, False]
    clock.now += 60
    assert await notifier.send(_alert(kind="later")) is True
    assert "2 other alert(s) were held back" in sender.sent[-1].body


async def test_critical_alerts_pass_the_rate_limit() -> None:
    """A critical alert is sent even when the minute's budget is spent."""
    sender, clock = RecordingSender(), FakeClock()
    notifier = _notifier(sender, clock, max_per_minute=1)
    await notifier.send(_alert(kind="a"))
    assert await notifier.send(_alert(kind="b")) is False
    assert await notifier.send(_alert(kind="liq", sev=Severity.CRITICAL)) is True


@pytest.mark.parametrize(
    ("min_severity", "sent"),
    [("info", ["info", "warning", "critical"]), ("warning", ["warning", "critical"]),
     ("critical", ["critical"])],
)  # fmt: skip
async def test_min_severity_filters_but_still_logs(min_severity: str, sent: list[str]) -> None:
    """Alerts below min_severity are not sent, but every alert is logged."""
    sender, clock = RecordingSender(), FakeClock()
    notifier = _notifier(sender, clock, min_severity=min_severity)
    with structlog.testing.capture_logs() as logs:
        for sev in Severity:
            await notifier.send(_alert(kind=sev.label, sev=sev))
    assert [a.severity.label for a in sender.sent] == sent
    assert [e["kind"] for e in logs if e["event"] == "alert"] == ["info", "warning", "critical"]


def test_bad_min_severity_is_a_clear_error() -> None:
    """An unknown severity name is a ValueError naming it."""
    with pytest.raises(ValueError, match="'urgent' is not one of info, warning, critical"):
        Notifier(RecordingSender(), min_severity="urgent")


async def test_sender_exception_is_logged_not_raised() -> None:
    """A sender that raises makes send() return False and log the failure."""
    notifier = _notifier(RecordingSender(error=RuntimeError("down")), FakeClock())
    with structlog.testing.capture_logs() as logs:
        assert await notifier.send(_alert()) is False
    assert any(e["event"] == "alert.delivery_failed" for e in logs)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_unreachable_service_fails_quietly_without_leaking_credentials() -> None:
    """Delivery to a dead endpoint returns False and logs no part of the URL's secrets."""
    secret = "hunter2-very-secret"
    url = f"json://alerts:{secret}@127.0.0.1:{_closed_port()}/hook?token={secret}"
    notifier = Notifier(AppriseSender([url], timeout_s=5), clock=FakeClock())
    with structlog.testing.capture_logs() as logs:
        assert await notifier.send(_alert(sev=Severity.CRITICAL)) is False
    failures = [e for e in logs if e["event"] == "alert.delivery_failed"]
    assert failures and failures[0]["targets"] == ["json://***"]
    assert secret not in repr(logs)
    assert secret not in repr(notifier)


def test_invalid_url_is_refused_redacted() -> None:
    """A URL apprise does not understand is a ValueError that names its index, not its secret."""
    with pytest.raises(ValueError, match=r"notify.urls\[1\]: 'nosuchservice://\*\*\*'") as err:
        AppriseSender(["json://127.0.0.1/", "nosuchservice://tok3n-abcdef"])
    assert "tok3n" not in str(err.value)


def test_every_catalogue_kind_builds_an_alert_with_advice() -> None:
    """Each kind in the catalogue yields an alert whose body ends with what to do."""
    assert {k.value for k in AlertKind} == {
        "risk_warn", "risk_top_up", "risk_delever", "risk_reduce", "collateral_exhausted",
        "liquidation_near", "paused", "resumed", "breaker_open", "breaker_closed",
        "orders_rejected_repeatedly", "stale_data", "started", "stopped", "kill_switch",
        "setup_refused", "brackets_unavailable", "reload_rejected", "grow_funded",
        "margin_short", "roll_late", "beta_unreliable",
    }  # fmt: skip
    for kind, spec in CATALOGUE.items():
        alert = make_alert(kind, "ETH", "some detail")
        assert alert.severity is spec.severity
        assert alert.body == f"some detail\nWhat to do: {spec.action}"
        assert alert.title.startswith("hedgebot ETH: ")


def test_make_alert_refuses_unknown_kind() -> None:
    """make_alert only builds catalogued kinds."""
    with pytest.raises(ValueError, match="margin_thin"):
        make_alert("margin_thin")


async def test_apprise_own_logging_does_not_quote_secret_paths(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """apprise's stdlib log lines (which quote request URLs at debug) carry no URL secret."""
    secret = "path-token-0123456789"
    caplog.set_level("DEBUG")
    notifier = Notifier(
        AppriseSender([f"json://127.0.0.1:{_closed_port()}/hooks/{secret}"], timeout_s=5),
        clock=FakeClock(),
    )
    assert await notifier.send(_alert(sev=Severity.CRITICAL)) is False
    assert caplog.records, "apprise logged the failure"
    assert secret not in caplog.text
