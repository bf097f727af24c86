"""Bybit v5 (unified trading account) replies → frozen domain values, read from the venue's
own fields (`info`) where ccxt's unified structure loses or bends them.

- Balances: one UNIFIED wallet holds spot coins and derivatives margin. As the spot wallet a
  coin is its `walletBalance`; as the margin wallet it is its `equity` (wallet balance plus
  unrealised P&L, as Binance's futures `total` is), with the coin's position and order
  initial margin as `used`. A reply without a UNIFIED account is refused.
- Positions: a Bybit reply must never be read as zero. The venue lists a row per symbol
  asked for, flat or not (`size` "0", `side` ""); a row missing, a size that is not a
  number, a side that does not fit the size, or a hedge-mode row (`positionIdx` 1/2) is a
  `BadResponse`, never a flat position.
- Funding: ccxt reports the execution's fee as the amount; Bybit's `execFee` is what was
  PAID (> 0 paid, < 0 received), so the payment we journal (> 0 received) is its negative,
  in the contract's settle coin.
- Post-only: Bybit accepts a post-only order that would take and then CANCELS it (status
  `Cancelled`, `rejectReason` `EC_PostOnlyWillTakeLiquidity`).
- Brackets: risk-limit tiers; `cum` is Bybit's `mmDeduction` (derived from the tiers when
  the venue leaves it out).
- Permissions: `/v5/user/query-api` (`permissions.Wallet` lists `Withdraw` for a key that
  can withdraw).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.domain.liquidation import MarginBracket
from bot.domain.model import Balance, FundingPayment, Position, Wallet, frozen_map
from bot.exchange.errors import BadResponse, NotSupported
from bot.exchange.fields import ZERO, Raw, bad, millis, num, req, text
from bot.exchange.parse_positions import parse_position
from bot.exchange.port import ApiRestrictions

__all__ = [
    "POST_ONLY_CANCELLED",
    "is_post_only_cancel",
    "parse_api_restrictions",
    "parse_brackets",
    "parse_funding_payment",
    "parse_position_rows",
    "parse_unified_balances",
    "unified_account",
]

POST_ONLY_CANCELLED = "EC_PostOnlyWillTakeLiquidity"
_SIDES = {"Buy": "long", "Sell": "short"}


# --- balances ----------------------------------------------------------------------------


def unified_account(raw: Raw) -> Raw:
    """The UNIFIED entry of a ccxt bybit balance's raw `/v5/account/wallet-balance` reply."""
    info = raw.get("info")
    result = info.get("result") if isinstance(info, Mapping) else None
    rows = result.get("list") if isinstance(result, Mapping) else None
    if not isinstance(rows, Sequence):
        raise bad("bybit wallet-balance", "result.list", rows, "is missing")
    for row in rows:
        if isinstance(row, Mapping) and row.get("accountType") == "UNIFIED":
            return row
    kinds = [r.get("accountType") for r in rows if isinstance(r, Mapping)]
    raise NotSupported(
        f"bybit wallet-balance lists {kinds or 'no account'}, not a UNIFIED account: hedgebot "
        "needs a Bybit unified trading account (upgrade the account on bybit.com)"
    )


def _coin_balance(coin: Raw, wallet: Wallet) -> Balance:
    asset = text(coin, "coin", "bybit wallet coin")
    what = f"bybit unified wallet {asset}"
    wallet_balance = req(coin.get("walletBalance"), "walletBalance", what, signed=True)
    locked = num(coin.get("locked"), "locked", what) or ZERO
    if wallet is Wallet.SPOT:
        used = min(locked, max(wallet_balance, ZERO))
        return Balance(asset=asset, free=wallet_balance - used, used=used, total=wallet_balance)
    equity = num(coin.get("equity"), "equity", what, signed=True)
    if equity is None:  # not sent: the wallet balance plus the coin's unrealised P&L
        upnl = num(coin.get("unrealisedPnl"), "unrealisedPnl", what, signed=True)
        equity = wallet_balance + (upnl or ZERO)
    used = (
        locked
        + (num(coin.get("totalPositionIM"), "totalPositionIM", what) or ZERO)
        + (num(coin.get("totalOrderIM"), "totalOrderIM", what) or ZERO)
    )
    return Balance(asset=asset, free=equity - used, used=used, total=equity)


def parse_unified_balances(raw: Raw, wallet: Wallet) -> Mapping[str, Balance]:
    """asset → Balance of the unified wallet, read as `wallet` (see the module docstring):
    SPOT amounts are wallet balances (never negative), FUTURES amounts equity and margin."""
    coins = unified_account(raw).get("coin")
    if not isinstance(coins, Sequence):
        raise bad("bybit unified wallet", "coin", coins, "is not a list")
    balances = {}
    for coin in coins:
        if not isinstance(coin, Mapping):
            raise bad("bybit unified wallet", "coin[]", coin, "is not an object")
        balance = _coin_balance(coin, wallet)
        if wallet is Wallet.SPOT and balance.total < 0:
            raise bad(f"bybit unified wallet {balance.asset}", "walletBalance", balance.total,
                      "is negative for a spot holding")  # fmt: skip
        balances[balance.asset] = balance
    return frozen_map(balances)


# --- positions ---------------------------------------------------------------------------


def _checked_row(raw: Raw) -> Position:
    """One ccxt bybit position row, checked against the venue's own `size` and `side`."""
    what = f"bybit position {raw.get('symbol')!r}"
    info = raw.get("info")
    if not isinstance(info, Mapping):
        raise bad(what, "info", info, "is missing")
    if str(info.get("positionIdx", "0")) != "0":
        raise NotSupported(
            f"{what}: the account is in hedge mode (positionIdx {info.get('positionIdx')}); "
            "hedgebot trades Bybit in one-way mode: switch the position mode to one-way"
        )
    size = req(info.get("size"), "info.size", what)
    side = info.get("side")
    if size and side not in _SIDES:
        raise bad(what, "info.side", side, "is not Buy or Sell for a non-zero size")
    contracts = num(raw.get("contracts"), "contracts", what) or ZERO
    if contracts != size:
        raise bad(what, "contracts", contracts, f"disagrees with the venue's size {size}")
    if not size:
        return Position(symbol=text(raw, "symbol", what), contracts=ZERO)
    if raw.get("side") != _SIDES[str(side)]:
        raise bad(what, "side", raw.get("side"), f"disagrees with the venue's side {side}")
    return parse_position(raw)


def parse_position_rows(raws: Iterable[Raw], symbol: str) -> Position:
    """The position on `symbol` from the rows of one `/v5/position/list?symbol=` reply:
    exactly one row for it, flat only when the venue says size 0 (see the module docstring)."""
    rows = [r for r in raws if r.get("symbol") == symbol]
    if not rows:
        raise BadResponse(
            f"bybit position {symbol!r}: the venue listed no row for it; a missing position "
            "is not read as flat"
        )
    if len(rows) > 1:
        raise BadResponse(f"bybit position {symbol!r}: reported {len(rows)} times")
    return _checked_row(rows[0])


# --- orders, funding, brackets, permissions ----------------------------------------------


def is_post_only_cancel(raw: Raw) -> bool:
    """True when the venue cancelled this (ccxt bybit) order because, post-only, it would
    have taken liquidity, with nothing filled."""
    info = raw.get("info")
    if not isinstance(info, Mapping) or info.get("rejectReason") != POST_ONLY_CANCELLED:
        return False
    filled = num(info.get("cumExecQty"), "info.cumExecQty", "bybit order") or ZERO
    return info.get("orderStatus") == "Cancelled" and filled == 0


def parse_funding_payment(raw: Raw, settle: str) -> FundingPayment:
    """One ccxt bybit funding row (`execType` Funding); `amount` > 0 was received."""
    what = f"bybit funding {raw.get('id')!r} on {raw.get('symbol')!r}"
    info = raw.get("info")
    if not isinstance(info, Mapping):
        raise bad(what, "info", info, "is missing")
    timestamp = millis(info.get("execTime"))
    if timestamp is None:
        raise bad(what, "info.execTime", info.get("execTime"), "is missing")
    paid = req(info.get("execFee"), "info.execFee", what, signed=True)
    return FundingPayment(
        id=text(info, "execId", what),
        symbol=text(raw, "symbol", what),
        asset=info.get("feeCurrency") or settle,
        amount=-paid,
        timestamp_ms=timestamp,
    )


def parse_brackets(symbol: str, tiers: Iterable[Raw]) -> tuple[MarginBracket, ...]:
    """ccxt bybit leverage tiers (risk limits) → margin brackets, lowest notional first.
    `cum` is the tier's `mmDeduction`, or the running sum floor × Δrate when absent."""
    what = f"bybit risk limits {symbol}"
    ordered = sorted(tiers, key=lambda t: req(t.get("minNotional"), "minNotional", what))
    out: list[MarginBracket] = []
    for tier in ordered:
        info = tier.get("info") or {}
        floor = req(tier.get("minNotional"), "minNotional", what)
        rate = req(tier.get("maintenanceMarginRate"), "maintenanceMarginRate", what)
        cum = num(info.get("mmDeduction"), "info.mmDeduction", what)
        if cum is None:
            previous = out[-1] if out else None
            cum = previous.cum + floor * (rate - previous.maint_margin_ratio) if previous else ZERO
        leverage = num(tier.get("maxLeverage"), "maxLeverage", what)
        out.append(
            MarginBracket(
                notional_floor=floor,
                notional_cap=req(tier.get("maxNotional"), "maxNotional", what),
                maint_margin_ratio=rate,
                cum=cum,
                max_leverage=int(leverage) if leverage else None,
            )
        )
    if not out:
        raise bad(what, "tiers", [], "is empty")
    return tuple(out)


def parse_api_restrictions(raw: Raw) -> ApiRestrictions:
    """`/v5/user/query-api` → ApiRestrictions: withdrawals when `permissions.Wallet` lists
    `Withdraw`; futures trading when `permissions.ContractTrade` lists anything and the key
    is not read-only. A reply without `permissions` says nothing (None)."""
    result = raw.get("result")
    permissions = result.get("permissions") if isinstance(result, Mapping) else None
    if not isinstance(permissions, Mapping):
        return ApiRestrictions(can_withdraw=None, can_trade_futures=None)
    wallet = permissions.get("Wallet") or []
    contract = permissions.get("ContractTrade") or []
    read_only = str(result.get("readOnly", "0")) == "1" if isinstance(result, Mapping) else False
    return ApiRestrictions(
        can_withdraw="Withdraw" in wallet,
        can_trade_futures=bool(contract) and not read_only,
    )
