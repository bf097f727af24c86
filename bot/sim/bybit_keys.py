"""What a Bybit API key may do: /v5/user/query-api for an account.

Keys trade spot and derivatives; `Wallet` lists "Withdraw" only when the account was created
with `"can_withdraw": true` (Bybit binds such keys to IPs, so `ips` then names one), which is
what the daemon's withdrawal-key refusal reads. `uta` 1: a unified trading account.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

from bot.sim.accounts import Account

__all__ = ["query_api"]

_KEY_DAYS_MS = 90 * 24 * 3600 * 1000


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def query_api(account: Account) -> dict[str, Any]:
    """The key information of `account`."""
    wallet = ["AccountTransfer", "SubMemberTransfer"] + (
        ["Withdraw"] if account.can_withdraw else []
    )
    return {
        "id": str(zlib.crc32(account.api_key.encode()) % 10**8),  # stable across runs
        "note": "hedgebot simulator",
        "apiKey": account.api_key,
        "readOnly": 0,
        "secret": "",
        "permissions": {
            "ContractTrade": ["Order", "Position"],
            "Spot": ["SpotTrade"],
            "Wallet": wallet,
            "Options": [],
            "Derivatives": ["DerivativesTrade"],
            "CopyTrading": [],
            "BlockTrade": [],
            "Exchange": [],
            "NFT": [],
            "Affiliate": [],
        },
        "ips": ["127.0.0.1"] if account.can_withdraw else ["*"],
        "type": 1,
        "deadlineDay": 90,
        "expiredAt": _iso(account.created_ms + _KEY_DAYS_MS),
        "createdAt": _iso(account.created_ms),
        "unified": 0,
        "uta": 1,
        "userID": 100_000_000 + zlib.crc32(account.api_key.encode()) % 10**8,
        "inviterID": 0,
        "vipLevel": "No VIP",
        "mktMakerLevel": "0",
        "affiliateID": 0,
        "rsaPublicKey": "",
        "isMaster": True,
    }
