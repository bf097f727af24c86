"""`hedgebot status` during a `future.series` roll: the state says "rolling A → B (x of y
moved)", in the narrow (80-column) layout too."""

from __future__ import annotations

from rich.console import Console

from bot.api.status_view import render_status

LINE = "rolling BTC/USDT:USDT-261225 → BTC/USDT:USDT-270326 (0.1 of 0.3 moved)"


def test_a_rolling_hedge_says_what_it_moves_and_how_far() -> None:
    """The hedge's row carries its roll line; a hedge that is not rolling does not."""
    console = Console(record=True, width=240, color_system=None)
    hedges = {"BTC": {"ratio": 1, "roll": LINE}, "ETH": {"ratio": 1, "roll": None}}
    render_status({"hedges": hedges}, console, now=0.0, wide=False)
    rows = console.export_text().splitlines()
    assert any(" BTC " in row and LINE in row for row in rows)
    assert not any(" ETH " in row and "rolling" in row for row in rows)
