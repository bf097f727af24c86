"""What an API key may do: Binance's GET /sapi/v1/account/apiRestrictions for an account.

The simulator's keys read, trade spot and USDⓈ-M and transfer between wallets; withdrawals are
off unless the account was created with `"can_withdraw": true`. Binance only enables
withdrawals on IP-restricted keys, and trading permission of unrestricted keys expires, so
`ipRestrict` follows `can_withdraw` and unrestricted keys carry an expiration time.
"""

from __future__ import annotations

from typing import Any

from bot.sim.accounts import Account

__all__ = ["TRADING_AUTHORITY_MS", "api_restrictions"]

TRADING_AUTHORITY_MS = 90 * 24 * 3600 * 1000  # unrestricted keys: trading expires after 90 days


def api_restrictions(account: Account) -> dict[str, Any]:
    """The apiRestrictions object of `account`'s key (times in simulated epoch ms)."""
    out: dict[str, Any] = {
        "ipRestrict": account.can_withdraw,
        "createTime": account.created_ms,
        "enableReading": True,
        "enableWithdrawals": account.can_withdraw,
        "enableInternalTransfer": True,
        "enableMargin": False,
        "enableFutures": True,
        "permitsUniversalTransfer": True,
        "enableVanillaOptions": False,
        "enableFixApiTrade": False,
        "enableFixReadOnly": False,
        "enableSpotAndMarginTrading": True,
        "enablePortfolioMarginTrading": False,
    }
    if not account.can_withdraw:
        out["tradingAuthorityExpirationTime"] = account.created_ms + TRADING_AUTHORITY_MS
    return out
