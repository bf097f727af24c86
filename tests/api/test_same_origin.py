"""Pause/resume from a browser: the token AND a same-origin request; cross-site is a 403."""

from __future__ import annotations

import pytest

from bot.api.server import ApiHandle
from tests.api.conftest import TOKEN, FakeEngine
from tests.api.dashboard_support import ServeDashboard, fetch, serve_dashboard

__all__ = ["serve_dashboard"]

BEARER = {"Authorization": f"Bearer {TOKEN}"}


def _own(api: ApiHandle) -> str:
    return api.url  # http://127.0.0.1:<port>, what a browser on the dashboard sends as Origin


@pytest.mark.parametrize(
    "browser",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": "{own}"},
        {"Origin": "{own}", "Sec-Fetch-Site": "same-origin"},
        {"Referer": "{own}/"},
        {},  # no browser headers at all: the CLI or curl
    ],
)
async def test_same_origin_request_with_token_pauses(
    serve_dashboard: ServeDashboard, browser: dict[str, str]
) -> None:
    """The dashboard's own requests (and non-browser clients) with the token are obeyed."""
    engine = FakeEngine()
    api = await serve_dashboard(engine)
    headers = {k: v.format(own=_own(api)) for k, v in browser.items()} | BEARER
    answer = await fetch("POST", f"{api.url}/pause", headers=headers, json={"hedge": "BTC"})
    assert answer.status == 200, answer.text
    assert engine.calls == [("pause", "BTC")]


@pytest.mark.parametrize(
    ("browser", "said"),
    [
        ({"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site: cross-site"),
        ({"Sec-Fetch-Site": "same-site"}, "Sec-Fetch-Site: same-site"),
        ({"Origin": "https://evil.example"}, "evil.example"),
        ({"Origin": "null"}, "cross-origin"),
        ({"Origin": "http://127.0.0.1:1"}, "cross-origin"),  # another port is another origin
        ({"Referer": "https://evil.example/page"}, "Referer"),
        ({"Origin": "https://evil.example", "Sec-Fetch-Site": "none"}, "evil.example"),
    ],
)
async def test_cross_site_request_is_refused_even_with_the_token(
    serve_dashboard: ServeDashboard, browser: dict[str, str], said: str
) -> None:
    """A page on another site cannot pause or resume through the operator's browser (CSRF)."""
    engine = FakeEngine()
    api = await serve_dashboard(engine)
    for action in ("pause", "resume"):
        answer = await fetch("POST", f"{api.url}/{action}", headers=browser | BEARER, json={})
        assert answer.status == 403
        assert said in answer.json()["error"]
    assert engine.calls == []


async def test_cross_site_is_refused_before_the_token_is_checked(
    serve_dashboard: ServeDashboard,
) -> None:
    """A cross-site guess gets 403 whatever token it sends, so it learns nothing about it."""
    api = await serve_dashboard()
    for token in (TOKEN, "guess"):
        headers = {"Origin": "https://evil.example", "Authorization": f"Bearer {token}"}
        assert (await fetch("POST", f"{api.url}/pause", headers=headers)).status == 403


@pytest.mark.parametrize(
    ("headers", "status", "said"),
    [
        ({}, 401, "missing bearer token"),
        ({"Authorization": "Bearer wrong"}, 401, "wrong bearer token"),
        ({"Authorization": TOKEN}, 401, "missing bearer token"),
    ],
)
async def test_same_origin_still_needs_the_right_token(
    serve_dashboard: ServeDashboard, headers: dict[str, str], status: int, said: str
) -> None:
    """Being on the dashboard is not enough: a missing or wrong token is 401 and changes nothing."""
    engine = FakeEngine()
    api = await serve_dashboard(engine)
    browser = {"Origin": _own(api), "Sec-Fetch-Site": "same-origin"} | headers
    answer = await fetch("POST", f"{api.url}/pause", headers=browser, json={"hedge": "BTC"})
    assert answer.status == status
    assert said in answer.json()["error"]
    assert engine.calls == []


async def test_without_a_configured_token_the_page_cannot_pause(
    serve_dashboard: ServeDashboard,
) -> None:
    """With no token configured even a same-origin request is refused and says how to enable."""
    engine = FakeEngine()
    api = await serve_dashboard(engine, token=None)
    browser = {"Origin": _own(api), "Authorization": "Bearer anything"}
    answer = await fetch("POST", f"{api.url}/pause", headers=browser, json={})
    assert answer.status == 403
    assert "HEDGEBOT_API_TOKEN" in answer.json()["error"]
    assert engine.calls == []


async def test_reads_grant_no_cross_origin_access(serve_dashboard: ServeDashboard) -> None:
    """GETs from another origin get no CORS grant, so another site's script cannot read /status."""
    api = await serve_dashboard()
    answer = await fetch("GET", f"{api.url}/status", headers={"Origin": "https://evil.example"})
    assert answer.status == 200
    assert not any(h.lower().startswith("access-control-allow") for h in answer.headers)
