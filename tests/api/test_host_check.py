"""DNS rebinding: a browser reaching the API under a foreign host name is refused (421), so a
page elsewhere cannot read positions through a name it pointed at 127.0.0.1; the dashboard's
own names, Prometheus's `bot:8080` and the CLI keep working."""

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
    ("headers", "status"),
    [
        ({"Host": "evil.example:8080", "Sec-Fetch-Site": "same-origin"}, 421),
        ({"Host": "evil.example:8080", "Origin": "http://evil.example:8080"}, 421),
        ({"Host": "hedge.example.org", "Sec-Fetch-Site": "same-origin"}, 200),
        ({"Host": "bot:8080"}, 200),  # Prometheus in docker compose: not a browser
    ],
)
async def test_browser_reads_under_a_foreign_name_are_refused(
    headers: dict[str, str], status: int
) -> None:
    """/status read by a browser under a rebound name is a 421 naming api.allowed_hosts; a
    configured name and a non-browser client under any name get the figures."""
    engine = FakeEngine()
    app = build_api(engine, engine, Metrics(), token=TOKEN, stale_after_s=60,
                    clock=lambda: NOW, hosts=("127.0.0.1", "hedge.example.org"))  # fmt: skip
    api = await start_api(app, "127.0.0.1", 0)
    try:
        answer = await fetch("GET", f"{api.url}/status", headers=headers)
        assert answer.status == status, answer.text
        if status == 421:
            assert "api.allowed_hosts" in answer.json()["error"]
            assert "positions" not in answer.text and "BTC" not in answer.text
        else:
            assert "BTC" in answer.text
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
