"""Checks for accounts on `exchange: bybit` (a Bybit v5 unified trading account), so a
config the venue cannot follow is refused naming the field before anything starts:
- the margin mode is set per ACCOUNT on Bybit: every hedge on one account needs the same
  `margin_mode`;
- hedgebot trades Bybit in one-way mode: `position_mode: hedge` is refused;
- inverse perps (`BTC/USD:BTC`) are not supported on Bybit yet (the coin margin is the
  unified wallet's coin, which is also the holding).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from bot.config.accounts import AccountSettings
from bot.config.hedges import HedgeSettings

__all__ = ["BYBIT", "bybit_problems"]

BYBIT = "bybit"


def _is_inverse(symbol: str) -> bool:
    """BASE/QUOTE:SETTLE with the settle coin the base (BTC/USD:BTC)."""
    base, _, rest = symbol.partition("/")
    settle = rest.partition(":")[2].split("-", 1)[0]
    return bool(settle) and settle == base


def bybit_problems(
    accounts: Mapping[str, AccountSettings], hedges: Mapping[str, HedgeSettings]
) -> Iterator[tuple[str, str]]:
    """(field, problem) for each rule above that the config breaks."""
    bybit = {name for name, acc in accounts.items() if acc.exchange == BYBIT}
    for name in sorted(bybit):
        if accounts[name].position_mode == "hedge":
            yield (
                f"accounts.{name}.position_mode",
                "hedge is not supported on bybit: hedgebot trades Bybit in one-way mode "
                "(use auto or one_way)",
            )
    modes: dict[str, tuple[str, str]] = {}
    for hedge_name, hedge in hedges.items():
        leg = hedge.contract
        if leg.account not in bybit:
            continue
        if _is_inverse(leg.label):
            yield (
                f"hedges.{hedge_name}.perp.symbol",
                f"{leg.label}: inverse contracts are not supported on bybit yet; use a "
                "linear perp such as BTC/USDT:USDT",
            )
        mode = hedge.margin_mode.value
        first = modes.setdefault(leg.account, (hedge_name, mode))
        if first[1] != mode:
            yield (
                f"hedges.{hedge_name}.margin_mode",
                f"{mode}, but hedge {first[0]} on the same bybit account {leg.account} is "
                f"{first[1]}: Bybit sets the margin mode per account, so give them the same",
            )
