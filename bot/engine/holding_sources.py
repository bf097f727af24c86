"""A hedge's spot sources in the shell: which accounts to read, and their balances this cycle.

`spot:` may list several sources (exchange spot wallets, wallet accounts whose `holdings` are
in the YAML). Exchange sources are read by the cycle's gather like any spot leg; a wallet
account is never connected: its balances are the YAML's, read from the settings in force (so
a SIGHUP that changes them counts from the next cycle). An exchange source that could not be
read makes the hedge undecidable this cycle (as an unreadable spot account always has): it
never counts as 0, which would shrink the hedge.

The hedge's priced account (`HedgeLegs.spot_account`: where the holding's own spot market is
quoted, for a proxy and for the target rules' prices) is its first exchange source, or the
contract's account when every source is a wallet account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.config import HedgeSettings, Settings
from bot.domain.holding import Sources, wallet_balances
from bot.domain.model import Balance

from .gather import AccountNeeds

__all__ = ["holding_sources", "priced_account", "with_source_needs"]


def priced_account(settings: Settings, hedge: HedgeSettings) -> str:
    """The account the holding is priced on: the first exchange source, else the contract's."""
    for source in hedge.spot_sources:
        if not settings.accounts[source.account].is_wallet:
            return source.account
    return hedge.contract.account


def with_source_needs(
    settings: Settings, needs: Mapping[str, AccountNeeds]
) -> dict[str, AccountNeeds]:
    """`needs` plus the spot wallet of every further exchange source of every hedge."""
    out = dict(needs)
    for hedge in settings.hedges.values():
        for source in hedge.spot_sources:
            if settings.accounts[source.account].is_wallet:
                continue
            have = out.get(source.account, AccountNeeds())
            assets = have.spot_assets | {source.asset}
            out[source.account] = replace(have, spot_assets=assets)
    return dict(sorted(out.items()))


def _single(settings: Settings, hedge: HedgeSettings) -> bool:
    """One exchange source: the classic hedge, its holding read from `spot` alone."""
    sources = hedge.spot_sources
    return len(sources) == 1 and not settings.accounts[sources[0].account].is_wallet


def holding_sources(
    settings: Settings, name: str, spot: Mapping[str, Mapping[str, Balance]]
) -> Sources | str | None:
    """Hedge `name`'s sources as (label, balances) in order: "main spot" from the spot
    balances read this cycle (`spot`: account → its spot wallet), "cold wallet" from the YAML;
    None for a hedge with one exchange source (its spot snapshot is the holding); or why it
    cannot be summed (a source unreadable)."""
    hedge = settings.hedges[name]
    if _single(settings, hedge):
        return None
    wallets = settings.wallet_holdings()
    out: list[tuple[str, Mapping[str, Balance]]] = []
    for source in hedge.spot_sources:
        account = source.account
        if account in wallets:
            out.append((f"{account} wallet", wallet_balances(wallets[account])))
        elif account in spot:
            out.append((f"{account} spot", spot[account]))
        else:
            return f"account {account} unreachable this cycle (its {source.asset} is not counted)"
    return tuple(out)
