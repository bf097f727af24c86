"""Alerts outlive a restart: the dashboard's /alerts lists what the previous run sent."""

from __future__ import annotations

from typing import Any

import pytest

from .harness import E2E, hedge_entry, wait_until
from .support import http_json

pytestmark = pytest.mark.e2e


def _feed(api: str) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = http_json("GET", f"{api}/alerts")["alerts"]
    return alerts


def _kinds(api: str) -> list[tuple[str, int]]:
    return [(a["kind"], a["count"]) for a in _feed(api)]


def test_alerts_sent_before_a_restart_are_still_on_the_dashboard(e2e: E2E) -> None:
    """A daemon sends "started" and "stopped"; after a restart on the same journal /alerts
    lists the previous run's "stopped" alert, as sent, and both runs' "started"."""
    sim = e2e.still_sim()
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}, notify={"min_severity": "info"})
    first = e2e.daemon(config, name="first")
    api = first.api_url()
    wait_until(lambda: ("started", 1) in _kinds(api), timeout=20, what="the started alert",
               diagnostics=first.diagnostics)  # fmt: skip
    assert first.stop() == 0

    second = e2e.daemon(config, name="second")
    api = second.api_url()
    wait_until(lambda: _kinds(api) == [("started", 2), ("stopped", 1)], timeout=20,
               what="both runs' alerts on /alerts", diagnostics=second.diagnostics)  # fmt: skip
    stopped = _feed(api)[1]
    assert stopped["delivery"] == "send"
    assert stopped["title"] == "hedgebot: daemon stopped"
    assert "clean stop" in stopped["body"]
    assert second.stop() == 0
