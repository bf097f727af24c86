"""`hedgebot status` on a basket: each member says which hedges share its perp and its part
of the position, in the 80-column layout."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console

from bot.api.status_view import render_status


def test_a_basket_member_names_its_partners_and_its_share() -> None:
    """ETH in a basket with SOL and XRP: one line 'basket: shares its perp with SOL, XRP
    (27.3 %)' that fits 80 columns; a hedge alone on its perp has no such line."""
    basket = {"members": ["SOL", "ETH", "XRP"], "partners": ["SOL", "XRP"],
              "share": Decimal("0.2727")}  # fmt: skip
    status = {"hedges": {"ETH": {"ratio": Decimal("0.6"), "basket": basket}, "BTC": {}}}
    console = Console(record=True, width=80, color_system=None)
    render_status(status, console, now=0.0)
    text = console.export_text()
    assert "ETH basket: shares its perp with SOL, XRP (27.3 %)" in text
    assert "BTC basket" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
