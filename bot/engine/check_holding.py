"""`hedgebot check` for holdings off the exchange: wallet accounts and summed spot sources.

A wallet account (`exchange: wallet`) is never connected: its line says what it holds. A
hedge with several spot sources gets one line naming each part and the sum it is sized on.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.config import AccountSettings, Settings
from bot.domain.holding import Holding, holding_from
from bot.domain.model import Balance
from bot.domain.numbers import plain

from .check import Level, Line
from .holding_sources import holding_sources

__all__ = ["summed_holding", "wallet_line"]


def wallet_line(name: str, account: AccountSettings) -> Line:
    """'accounts.cold (wallet): holds 2.5 BTC, 3 ETH; never connected'."""
    held = ", ".join(f"{plain(c)} {a}" for a, c in sorted(account.holdings.items()))
    if not held:
        return Line(Level.WARN, f"accounts.{name} (wallet): holds nothing", "add holdings")
    return Line(Level.OK, f"accounts.{name} (wallet): holds {held}; never connected")


def summed_holding(
    settings: Settings, hedge: str, spot: Mapping[str, Mapping[str, Balance]]
) -> tuple[Line, Holding] | None:
    """The line and holding of a hedge with several sources (or a wallet one); None for a
    hedge with one exchange source (the asset line covers it) or a source not read."""
    sources = holding_sources(settings, hedge, spot)
    if sources is None or isinstance(sources, str):
        return None
    held = holding_from(settings.hedges[hedge].holding_asset, sources)
    text = f"hedges.{hedge}.spot: {held.describe()} = {plain(held.coins)} {held.asset}"
    return Line(Level.OK, text), held
