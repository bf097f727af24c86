"""The running daemon's API under a rebound host name (DNS rebinding): refused with 421 naming
`api.allowed_hosts`; a configured name, an address and /metrics under any name are answered."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from .harness import E2E, hedge_entry

pytestmark = pytest.mark.e2e


def _get(url: str, host: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def test_a_rebound_name_is_refused_and_a_configured_one_answered(e2e: E2E) -> None:
    """With `api.allowed_hosts: [hedge.example.org]` in the YAML, /status under
    evil.example is a 421 whose error names the field and carries no figures; under
    hedge.example.org and 127.0.0.1 it answers; /metrics answers under Prometheus's `bot`."""
    sim = e2e.still_sim()
    config = e2e.config(
        sim.url, {"BTC": hedge_entry("BTC", 1.0)}, api={"allowed_hosts": ["hedge.example.org"]}
    )
    daemon = e2e.daemon(config)
    daemon.wait_for_event("hedge.cycle", timeout=30)
    base = daemon.api_url()
    status, text = _get(base + "/status", "evil.example:8080")
    assert status == 421 and "api.allowed_hosts" in json.loads(text)["error"]
    assert "BTC" not in text
    for host in ("hedge.example.org", "127.0.0.1"):
        status, text = _get(base + "/status", host)
        assert status == 200 and "BTC" in json.loads(text)["hedges"]
    status, text = _get(base + "/metrics", "bot:8080")
    assert status == 200 and "hedgebot_" in text
    assert daemon.stop() == 0
