"""`hedgebot status/pause/resume` client: rendering, fetching and clear errors."""

from __future__ import annotations

import socket
from decimal import Decimal
from typing import Any

import pytest
from rich.console import Console

from bot.api.metrics import Metrics
from bot.api.server import ApiHandle
from bot.api.status_view import ApiClientError, fetch_status, post_control, render_status


def _render(status: dict[str, Any], now: float, *, wide: bool = True, width: int = 220) -> str:
    console = Console(record=True, width=width, color_system=None)
    render_status(status, console, now=now, wide=wide)
    return console.export_text()


def _row(text: str, hedge: str) -> str:
    return next(line for line in text.splitlines() if f" {hedge} " in line)


async def test_renders_a_row_per_hedge_from_the_live_api(api: ApiHandle, now: float) -> None:
    """Fetched over HTTP, /status renders (wide) one row per hedge with all its figures."""
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


def test_a_dry_run_says_so_in_the_header_within_80_columns(now: float) -> None:
    """`hedgebot status` of a dry run leads with DRY RUN (a live one never does)."""
    status = {"version": "1.2.3", "dry_run": True, "hedges": {"SOL": {"ratio": 0.5}}}
    header = _render(status, now, wide=False, width=80).splitlines()[0]
    assert "DRY RUN: nothing is sent to the venue" in header and len(header) <= 80
    assert "DRY RUN" not in _render({**status, "dry_run": False}, now)


def test_missing_fields_render_as_dashes(now: float) -> None:
    """A hedge with no data yet renders with dashes instead of failing."""
    text = _render({"hedges": {"ADA": {}}}, now)
    assert "—" in _row(text, "ADA")


@pytest.fixture
def sample(fake_engine_class: Any) -> dict[str, Any]:
    """A fresh copy of the sample /status document."""
    return dict(fake_engine_class().status())


def _ticked(status: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """`status` with BTC priced by the risk guard (long digits) and a 0.1 tick."""
    btc = status["hedges"]["BTC"]
    btc.update(price_tick=Decimal("0.1"), liquidation_price=Decimal(LIQ), mark=Decimal(MARK))
    btc.update(fields)
    return status


LIQ, MARK = "97039.95024875621890547263682", "60000.049999"


def test_default_layout_fits_80_columns_with_whole_cells(sample: Any, now: float) -> None:
    """At 80 columns no line is longer and every figure of a row is whole (nothing folded)."""
    text = _render(_ticked(sample), now, wide=False, width=80)
    assert max(len(line) for line in text.splitlines()) <= 80, text
    btc = _row(text, "BTC")
    for cell in ("5", "-4.9", "98.0 %", "100.0 %", "97040.0", "48.0 %", "ok"):
        assert cell in btc, text
    assert "BTC open: sell 0.1 @ 60010.5" in text
    assert "BTC last: placed sell 0.1 @ 60010.5 (grow)" in text


def test_wide_layout_shows_every_figure_as_a_column(sample: Any, now: float) -> None:
    """--wide adds band, mark, margin ratio, orders, funding and last action to the row."""
    btc = _row(_render(_ticked(sample), now, wide=True), "BTC")
    for cell in ("±2.0 %", "60000.0", "12.0 %", "sell 0.1 @ 60010.5", "12.34", "placed sell"):
        assert cell in btc, btc


def test_prices_are_shown_at_the_markets_tick(sample: Any, now: float) -> None:
    """A computed liquidation price and an order price are rounded to the 0.1 tick."""
    orders = [{"side": "buy", "amount": "0.002", "price": "60010.46", "reduce_only": True}]
    text = _render(_ticked(sample, open_orders=orders), now, wide=True)
    assert "97040.0" in text and LIQ not in text
    assert "buy 0.002 @ 60010.5 RO" in text


def test_without_a_tick_prices_keep_at_most_8_decimals(sample: Any, now: float) -> None:
    """A daemon that sends no tick still never prints a 29-digit price."""
    status = sample
    status["hedges"]["BTC"]["liquidation_price"] = Decimal(LIQ)
    assert "97039.95024876" in _row(_render(status, now, wide=False, width=80), "BTC")


def test_numbers_are_never_in_scientific_notation(sample: Any, now: float) -> None:
    """Exponent-form Decimals (1E+3, 1E-8, 0E-8) are printed in digits in both layouts."""
    fields = {"perp": Decimal("-1E+3"), "funding_total": Decimal("1E-8"), "spot": Decimal("0E-8")}
    for wide in (False, True):
        text = _render(_ticked(sample, **fields), now, wide=wide)
        assert "E+" not in text and "E-" not in text, text
        assert "-1000" in _row(text, "BTC")
    assert "0.00000001" in _row(_render(_ticked(sample, **fields), now, wide=True), "BTC")


def test_a_hedge_mode_long_leg_is_shown_only_when_held(sample: Any, now: float) -> None:
    """A LONG leg beside the hedge gets a line (narrow) and a column (wide); none without one."""
    assert "long leg" not in _render(sample, now, wide=True)
    sample["hedges"]["BTC"]["long_leg"] = Decimal("0.3")
    assert "BTC long leg: 0.3 (not traded)" in _render(sample, now, wide=False, width=80)
    wide = _render(sample, now, wide=True)
    assert "long leg" in wide and "0.3" in _row(wide, "BTC")


def test_bracketed_text_from_the_daemon_is_shown_verbatim(sample: Any, now: float) -> None:
    """An error like '[main] NetworkError' keeps its '[main]' (not eaten as rich markup)."""
    sample["accounts"]["bybit"]["last_error"] = "[bybit] NetworkError: 503"
    sample["hedges"]["BTC"]["last_action"] = "cancel [o1] (touch moved)"
    for wide in (False, True):
        text = _render(sample, now, wide=wide)
        assert "[bybit] NetworkError: 503" in text and "cancel [o1] (touch moved)" in text


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
