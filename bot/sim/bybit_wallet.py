"""Bybit unified trading account: one wallet for spot and derivatives, Bybit-shaped views.

A Bybit account (`Account.venue == "bybit"`) keeps its USDT in the engine's USDⓈ-M cross
wallet, the one pool every linear position margins from and settles into (fills, fees,
funding), and its other coins as spot balances. Together they are the one unified wallet:
there is nothing to transfer. Collateral: only USDT margins the derivatives here (Bybit
also counts other coins at a haircut; the simulator does not, which is the conservative
side). Margin mode is per account: REGULAR_MARGIN (cross) or ISOLATED_MARGIN, applied to
every linear symbol. Figures come from `risk.pool_metrics`, margined by Bybit's risk-limit
tiers (`bybit_risk_limits`, through `venue_tiers`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.admin_input import AdminError, decimal
from bot.sim.fmt import plain
from bot.sim.risk import AccountMetrics, account_metrics
from bot.sim.venue import Venue

__all__ = [
    "MARGIN_MODES",
    "account_info",
    "unified_balances",
    "unified_state",
    "wallet_balance",
]

JSON = dict[str, Any]
ZERO = Decimal(0)
MARGIN_MODES = {"REGULAR_MARGIN": "CROSSED", "ISOLATED_MARGIN": "ISOLATED"}
_SETTLE = "USDT"


def unified_balances(raw: object) -> dict[str, dict[str, Decimal]]:
    """The admin `unified` wallet ({"USDT": 20000, "BTC": "1"}) as engine balances: USDT in
    the linear pool, every other coin on the spot side. AdminError names a bad entry."""
    if not isinstance(raw, dict):
        raise AdminError("unified must be an object of coin -> amount, e.g. {'USDT': 20000}")
    coins = {str(c).upper(): decimal(v, f"unified.{c}") for c, v in raw.items()}
    usdt = coins.pop(_SETTLE, ZERO)
    return {"usdm": {_SETTLE: usdt}, "spot": coins}


def _margin_mode(account: Account) -> str:
    return "ISOLATED_MARGIN" if account.default_margin_type == "ISOLATED" else "REGULAR_MARGIN"


def _ratio(part: Decimal, whole: Decimal) -> str:
    return plain((part / whole).quantize(Decimal("0.0001"))) if whole > 0 else "0"


def _coin(coin: str, wallet: Decimal, locked: Decimal, usd: Decimal) -> JSON:
    return {
        "coin": coin,
        "walletBalance": plain(wallet),
        "equity": plain(wallet),
        "usdValue": plain(usd),
        "locked": plain(locked),
        "unrealisedPnl": "0",
        "cumRealisedPnl": "0",
        "totalOrderIM": "0",
        "totalPositionIM": "0",
        "totalPositionMM": "0",
        "borrowAmount": "0",
        "accruedInterest": "0",
        "availableToWithdraw": plain(wallet - locked),
        "availableToBorrow": "",
        "bonus": "0",
        "spotHedgingQty": "0",
        "collateralSwitch": coin == _SETTLE,
        "marginCollateral": coin == _SETTLE,
    }


def _usdt_coin(account: Account, m: AccountMetrics) -> JSON:
    spot = account.spot.get(_SETTLE)
    locked = spot.locked if spot else ZERO
    wallet = m.cross_wallet + m.isolated_wallets + locked + (spot.free if spot else ZERO)
    equity = wallet + sum((p.upnl for p in m.positions.values()), ZERO)
    realized = sum(
        (t.realized_pnl - t.commission for t in account.trades if t.market == "usdm"), ZERO
    )
    row = _coin(_SETTLE, wallet, locked, equity)
    return row | {
        "equity": plain(equity),
        "unrealisedPnl": plain(equity - wallet),
        "cumRealisedPnl": plain(realized),
        "totalOrderIM": plain(m.open_order_margin),
        "totalPositionIM": plain(m.cross_initial_margin),
        "totalPositionMM": plain(m.cross_maint_margin),
        "availableToWithdraw": plain(max(ZERO, min(m.cross_wallet, m.available_balance))),
    }


def wallet_balance(venue: Venue, api_key: str, coins: set[str] | None) -> JSON:
    """/v5/account/wallet-balance result (accountType UNIFIED) for `api_key`."""
    account = venue.account(api_key)
    m = account_metrics(account, venue.marks())
    rows = [_usdt_coin(account, m)]
    for coin, bal in sorted(account.spot.items()):
        if coin != _SETTLE and bal.free + bal.locked > 0:
            total = bal.free + bal.locked
            rows.append(_coin(coin, total, bal.locked, total * _usd_price(venue, coin)))
    rows = [r for r in rows if coins is None or r["coin"] in coins]
    margin_balance = m.cross_margin_balance
    total_im = m.cross_initial_margin + m.open_order_margin
    return {"list": [{
        "accountType": "UNIFIED",
        "totalEquity": plain(sum((Decimal(r["usdValue"]) for r in rows), ZERO)),
        "totalWalletBalance": plain(_wallet_usd(rows)),
        "totalMarginBalance": plain(margin_balance),
        "totalAvailableBalance": plain(margin_balance - total_im),
        "totalPerpUPL": plain(m.cross_upnl),
        "totalInitialMargin": plain(total_im),
        "totalMaintenanceMargin": plain(m.cross_maint_margin),
        "accountIMRate": _ratio(total_im, margin_balance),
        "accountMMRate": _ratio(m.cross_maint_margin, margin_balance),
        "accountLTV": "0",
        "coin": rows,
    }]}  # fmt: skip


def _wallet_usd(rows: list[JSON]) -> Decimal:
    """Wallet value in USD: USDT at its balance, other coins at their spot value."""
    return sum(
        (Decimal(r["walletBalance" if r["coin"] == _SETTLE else "usdValue"]) for r in rows), ZERO
    )


def _usd_price(venue: Venue, coin: str) -> Decimal:
    symbol = coin + _SETTLE
    return venue.board.last("spot", symbol) if venue.board.has("spot", symbol) else ZERO


def account_info(venue: Venue, api_key: str) -> JSON:
    """/v5/account/info: the account's margin mode; a unified trading account (UTA 2.0)."""
    account = venue.account(api_key)
    return {
        "marginMode": _margin_mode(account),
        "updatedTime": str(account.update_ms),
        "unifiedMarginStatus": 5,
        "dcpStatus": "OFF",
        "timeWindow": 10,
        "smpGroup": 0,
        "isMasterTrader": False,
        "spotHedgingStatus": "OFF",
    }


def unified_state(venue: Venue, account: Account) -> JSON:
    """What /sim/state adds for a Bybit account: the unified wallet and its margin mode."""
    if account.venue != "bybit":
        return {}
    wallet = wallet_balance(venue, account.api_key, None)["list"][0]
    return {
        "venue": "bybit",
        "marginMode": _margin_mode(account),
        "unified": {row["coin"]: row["walletBalance"] for row in wallet["coin"]},
    }
