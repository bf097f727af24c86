"""The holding a backtest replays when `--holdings` is not given: the coins a hedge's wallet
accounts (`exchange: wallet`) hold in the YAML, else 1 unit of the hedged asset. Exchange
spot balances are not known offline; pass `--holdings` to replay them."""

from __future__ import annotations

from decimal import Decimal

from bot.config import HedgeSettings, Settings

__all__ = ["ESTIMATED_BETA_REFUSED", "default_holding"]

ONE = Decimal(1)
ESTIMATED_BETA_REFUSED = (
    "an estimated beta is not replayed yet (it would be fitted on the candles being replayed); "
    "set a fixed beta, e.g. the one `hedgebot check` fits"
)


def default_holding(settings: Settings, hedge: HedgeSettings) -> Decimal:
    """Coins of the hedge's asset in its wallet-account sources, or 1 when they hold none."""
    wallets = settings.wallet_holdings()
    asset = hedge.holding_asset.upper()
    held = sum(
        (
            wallets[s.account].get(asset, Decimal(0))
            for s in hedge.spot_sources
            if s.account in wallets
        ),
        Decimal(0),
    )
    return held if held > 0 else ONE
