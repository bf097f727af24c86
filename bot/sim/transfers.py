"""Universal transfers between the spot wallet (MAIN) and the futures wallets: USDⓈ-M
(UMFUTURE, any asset) and COIN-M (CMFUTURE, the coins its contracts are margined in).

Into a futures wallet the spot balance must cover the amount; out of one, at most what can be
withdrawn (USDⓈ-M USDT and COIN-M coins: min(wallet, available balance) of their pool; other
USDⓈ-M assets: the wallet). -5002 otherwise, as Binance answers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.errors import SimError, bad_param
from bot.sim.fmt import fixed
from bot.sim.ledger import book_income
from bot.sim.risk import pool_metrics
from bot.sim.venue import Venue

__all__ = ["TRANSFER_TYPES", "transfer"]

# type → (futures market, into the futures wallet?)
TRANSFER_TYPES: dict[str, tuple[str, bool]] = {
    "MAIN_UMFUTURE": ("usdm", True),
    "UMFUTURE_MAIN": ("usdm", False),
    "MAIN_CMFUTURE": ("coinm", True),
    "CMFUTURE_MAIN": ("coinm", False),
}


def _insufficient() -> SimError:
    return SimError(-5002, "You have insufficient balance.")


def _room_out(venue: Venue, account: Account, market: str, asset: str) -> Decimal:
    if market == "usdm" and asset != "USDT":
        return account.wallet(market, asset)
    return pool_metrics(account, venue.marks(), market, asset).max_withdraw


def _book(venue: Venue, account: Account, kind: str, asset: str, amount: Decimal) -> int:
    market, into = TRANSFER_TYPES[kind]
    now = venue.now()
    tran_id = venue.ids.tran_id()
    account.transfers.append(
        {
            "tranId": tran_id,
            "type": kind,
            "asset": asset,
            "amount": fixed(amount, 8),
            "status": "CONFIRMED",
            "timestamp": now,
        }
    )
    if market == "coinm" or asset == "USDT":
        book_income(
            account,
            venue.ids,
            symbol="",
            income_type="TRANSFER",
            amount=amount if into else -amount,
            time_ms=now,
            asset=asset,
            market=market,
        )
    account.touch(market, now)
    return tran_id


def transfer(venue: Venue, api_key: str, kind: str, asset: str, amount: Decimal) -> dict[str, Any]:
    """Move `amount` of `asset` as universal transfer `kind` (MAIN_UMFUTURE, UMFUTURE_MAIN,
    MAIN_CMFUTURE, CMFUTURE_MAIN); -5002 when the source cannot cover it."""
    if kind not in TRANSFER_TYPES:
        raise bad_param("type", f"{kind!r}; use one of {', '.join(TRANSFER_TYPES)}")
    if amount <= 0:
        raise bad_param("amount", f"{amount}; it must be > 0")
    account = venue.account(api_key)
    market, into = TRANSFER_TYPES[kind]
    if into:
        source = account.balance(asset)
        if source.free < amount:
            raise _insufficient()
        source.free -= amount
        account.credit(market, asset, amount)
    else:
        if amount > _room_out(venue, account, market, asset):
            raise _insufficient()
        account.credit(market, asset, -amount)
        account.balance(asset).free += amount
    return {"tranId": _book(venue, account, kind, asset, amount)}
