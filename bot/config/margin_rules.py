"""Config check: each COIN-M wallet's coin is counted as holding by one hedge at most.

An inverse (COIN-M) hedge margined in its hedged coin counts the coin in the account's COIN-M
wallet (wallet balance + unrealised P&L) as holding (`count_margin`, true by default;
`domain.instrument.counts_margin`). Binance keeps ONE such wallet per account and coin, shared
by every contract margined in it (BTC/USD:BTC and its quarterlies BTC/USD:BTC-YYMMDD). When
two hedges count it — two members of a basket on one inverse perp, or two hedges on different
BTC-margined contracts of one account — each adds the same coins and their summed short
over-hedges by the wallet. Which hedge should carry the wallet is the operator's choice, so
the config is refused (naming every hedge that counts it) rather than silently picking one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from bot.config.hedges import HedgeSettings, PerpLeg

__all__ = ["counted_wallet", "margin_problems"]


def counted_wallet(hedge: HedgeSettings) -> tuple[str, str] | None:
    """(account, coin) of the COIN-M wallet `hedge` counts as holding, None when it counts
    none: its contract is linear, margined in another coin, or `count_margin: false`."""
    if hedge.count_margin is False:
        return None
    leg = hedge.contract
    symbol = leg.symbol if isinstance(leg, PerpLeg) else leg.symbol or leg.series or ""
    quote, _, settle = symbol.partition("/")[2].partition(":")
    settle = settle.partition("-")[0].upper()
    if settle == quote.upper() or settle != hedge.holding_asset.upper():
        return None  # linear (settled in its quote), or margined in another coin
    return leg.account, settle


def margin_problems(hedges: Mapping[str, HedgeSettings]) -> Iterator[tuple[str, str]]:
    """(path, problem) for each COIN-M wallet counted by more than one hedge, at the
    `count_margin` of the second hedge (config order) that counts it."""
    counters: dict[tuple[str, str], list[str]] = {}
    for name, hedge in hedges.items():
        wallet = counted_wallet(hedge)
        if wallet is not None:
            counters.setdefault(wallet, []).append(name)
    for (account, coin), names in counters.items():
        if len(names) > 1:
            yield (
                f"hedges.{names[1]}.count_margin",
                f"the {coin} COIN-M wallet on account {account} is counted as holding by "
                f"hedges {', '.join(names)} (count_margin, true by default for a contract "
                f"margined in the hedged coin), which would over-hedge by its {coin}; set "
                "count_margin: false on all but one of them",
            )
