"""DNS rebinding: a request under a foreign host name is refused (421), so a page elsewhere
cannot read positions through a name it pointed at 127.0.0.1; addresses, localhost, the
configured names, and /healthz and /metrics under any name keep working."""

from __future__ import annotations

import pytest

from bot.api.host_check import allowed_host, host_name
from bot.api.metrics import Metrics
from bot.api.server import build_api, start_api
from bot.config import parse_config
from tests.api.conftest import NOW, TOKEN, FakeEngine
from tests.api.dashboard_support import fetch
from tests.test_config import BASE, KEYS, problems_of


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8080", "127.0.0.1"),
        ("Hedge.Example.org:443", "hedge.example.org"),
        ("[::1]:8080", "::1"),
        ("[::1]", "::1"),
        ("localhost", "localhost"),
    ],
)
def test_host_name_of_a_host_header(header: str, name: str) -> None:
    """The name part of a Host header, lower-cased, IPv6 brackets and port removed."""
    assert host_name(header) == name


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("10.0.0.7", True),  # an address is never a rebound name
        ("localhost", True),
        ("dash.localhost", True),
        ("hedge.example.org", True),  # in api.allowed_hosts
        ("evil.example", False),
        ("127.0.0.1.nip.io", False),
        ("", False),
    ],
)
def test_allowed_hosts(name: str, allowed: bool) -> None:
    """Addresses, localhost and the configured names pass; any other name does not."""
    assert allowed_host(name, {"hedge.example.org"}) is allowed


@pytest.mark.parametrize(
    ("path", "host", "status"),
    [
        ("/status", "evil.example:8080", 421),  # a rebound name: a plain same-origin GET
        ("/", "evil.example:8080", 421),
        ("/history?hedge=BTC", "evil.example", 421),
        ("/status", "hedge.example.org", 200),  # in api.allowed_hosts
        ("/status", "127.0.0.1:8080", 200),
        ("/metrics", "bot:8080", 200),  # Prometheus in docker compose
    ],
)
async def test_reads_under_a_foreign_name_are_refused(path: str, host: str, status: int) -> None:
    """What a browser sends for a page's own `fetch('/status')` over plain http after DNS
    rebinding — a Host naming the attacker's site and no Origin or Sec-Fetch header — gets a
    421 naming api.allowed_hosts and no figures; a configured name, an address, and /metrics
    under any name get their answer."""
    engine = FakeEngine()
    app = build_api(engine, engine, Metrics(), token=TOKEN, stale_after_s=60,
                    clock=lambda: NOW, hosts=("127.0.0.1", "hedge.example.org"))  # fmt: skip
    api = await start_api(app, "127.0.0.1", 0)
    try:
        answer = await fetch("GET", f"{api.url}{path}", headers={"Host": host})
        assert answer.status == status, answer.text
        if status == 421:
            assert "api.allowed_hosts" in answer.json()["error"] and "BTC" not in answer.text
    finally:
        await api.stop()


async def test_healthz_answers_under_any_name() -> None:
    """The healthcheck is never refused for its Host (a container probe may use any name)."""
    engine = FakeEngine()
    app = build_api(engine, engine, Metrics(), token=TOKEN, stale_after_s=60, clock=lambda: NOW)
    api = await start_api(app, "127.0.0.1", 0)
    try:
        answer = await fetch("GET", f"{api.url}/healthz", headers={"Host": "bot:8080"})
        assert answer.status != 421
    finally:
        await api.stop()


def test_allowed_hosts_config_names_a_bad_entry() -> None:
    """`api.allowed_hosts` takes bare host names; a URL is refused naming the field and the
    value, and names are kept lower-cased."""

    said = problems_of(BASE + "api: {allowed_hosts: ['https://hedge.example.org']}\n")
    assert "api.allowed_hosts" in said and "https://hedge.example.org" in said
    settings = parse_config(
        BASE + "api: {allowed_hosts: [Hedge.Example.org]}\n", source="ok.yaml", env=KEYS
    )
    assert settings.api.allowed_hosts == ("hedge.example.org",)
