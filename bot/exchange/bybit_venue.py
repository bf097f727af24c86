"""Which gateway class an account gets, and the ccxt options that point ccxt's `bybit` at
the simulator: the Bybit-specific pieces of `factory` and `sim_client`, kept here so those
stay venue-neutral."""

from __future__ import annotations

from typing import Any

from bot.domain.model import PositionMode
from bot.exchange.bybit_gateway import BybitExchange
from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.errors import NotSupported

__all__ = ["BYBIT", "SIM_OPTIONS", "gateway_class"]

BYBIT = "bybit"

# ccxt bybit at the simulator: a unified account without asking (/v5/user/query-api and
# /v5/account/info on every start), spot, linear and inverse listings (no options).
SIM_OPTIONS: dict[str, Any] = {
    "enableUnifiedAccount": True,
    "enableUnifiedMargin": False,
    "unifiedMarginStatus": 6,
    "fetchMarkets": {"types": ["spot", "linear", "inverse"]},
}


def gateway_class(
    exchange_id: str, position_mode: PositionMode | None, account: str
) -> type[CcxtExchange]:
    """`BybitExchange` for bybit (one-way mode only: a configured hedge mode is refused,
    naming the field), else `CcxtExchange`."""
    if exchange_id != BYBIT:
        return CcxtExchange
    if position_mode is PositionMode.HEDGE:
        raise NotSupported(
            f"accounts.{account}.position_mode: hedge is not supported on bybit; hedgebot "
            "trades Bybit in one-way mode (set position_mode: auto or one_way)",
            account=account,
        )
    return BybitExchange
