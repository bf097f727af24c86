"""`hedgebot status/pause/resume` client: rendering, fetching and clear errors."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from rich.console import Console

from bot.api.metrics import Metrics
from bot.api.server import ApiHandle
from bot.api.status_view import ApiClientError, fetch_status, post_control, render_status


def _render(status: dict[str, Any], now: float) -> str:
    console = Console(record=True, width=220, color_system=None)
    render_status(status, console, now=now)
    return console.export_text()


def _row(text: str, hedge: str) -> str:
    return next(line for line in text.splitlines() if f" {hedge} " in line)


async def test_renders_a_row_per_hedge_from_the_live_api(api: ApiHandle, now: float) -> None:
    """Fetched over HTTP, /status renders one row per hedge with its figures."""
    text = _render(await fetch_status(api.url), now)
    btc, eth = _row(text, "BTC"), _row(text, "ETH")
    for cell in ("5", "-4.9", "98.0 %", "100.0 %", "±2.0 %", "sell 0.1 @ 60010.5", "12.0 %",
                 "89000", "48.0 %", "12.34", "placed sell 0.1", "ok"):  # fmt: skip
        assert cell in btc, cell
    for cell in ("40", "-20", "50.0 %", "paused", "risk top_up", "-1.5"):
        assert cell in eth, cell


def test_header_and_accounts(fake_engine_class: Any, now: float) -> None:
    """The header shows version and uptime; open breakers are listed per account."""
    text = _render(fake_engine_class().status(), now)
    assert "hedgebot 0.1.0" in text and "up 1h 2m" in text
    bybit = _row(text, "bybit")
    assert "open" in bybit and "NetworkError" in bybit


def test_all_paused_and_numeric_grade(now: float) -> None:
    """A globally paused daemon says so; a numeric risk grade is shown by name."""
    status = {"paused": True, "hedges": {"SOL": {"risk_grade": 4, "ratio": 0.5}}}
    text = _render(status, now)
    assert "ALL HEDGES PAUSED" in text
    assert "risk reduce" in _row(text, "SOL")


def test_missing_fields_render_as_dashes(now: float) -> None:
    """A hedge with no data yet renders with dashes instead of failing."""
    text = _render({"hedges": {"ADA": {}}}, now)
    assert "—" in _row(text, "ADA")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_no_daemon_is_a_clear_error() -> None:
    """Nothing listening at the URL gives 'is the daemon running?', not a traceback."""
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(ApiClientError, match=r"no hedgebot API at .*is the daemon running\?"):
        await fetch_status(url)


async def test_post_control_with_token(api: ApiHandle, engine: Any, api_token: str) -> None:
    """pause with the daemon's token reaches the engine for that hedge."""
    body = await post_control(api.url, "pause", "BTC", api_token)
    assert body["ok"] is True
    assert engine.calls == [("pause", "BTC")]


@pytest.mark.parametrize("token", [None, "", "wrong"])
async def test_post_control_without_right_token(
    api: ApiHandle, engine: Any, token: str | None
) -> None:
    """A missing or refused token tells the user to set HEDGEBOT_API_TOKEN."""
    with pytest.raises(ApiClientError, match="set HEDGEBOT_API_TOKEN"):
        await post_control(api.url, "resume", None, token)
    assert engine.calls == []


async def test_post_control_unknown_hedge(api: ApiHandle, api_token: str) -> None:
    """An unknown hedge is reported with the daemon's message naming it."""
    with pytest.raises(ApiClientError, match="DOGE"):
        await post_control(api.url, "pause", "DOGE", api_token)


async def test_post_control_when_writes_disabled(
    engine: Any, metrics: Metrics, serve: Any, api_token: str
) -> None:
    """A daemon without a token explains how to enable the controls."""
    handle = await serve(engine, metrics, token=None)
    with pytest.raises(ApiClientError, match="HEDGEBOT_API_TOKEN in the daemon's environment"):
        await post_control(handle.url, "pause", None, api_token)
