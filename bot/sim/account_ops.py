"""Account administration and USDⓈ-M account endpoints: balances, positions, leverage,
margin type, isolated margin, transfers and income (Binance-shaped results)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account, FuturesPosition, SpotBalance
from bot.sim.errors import SimError, bad_param
from bot.sim.fmt import fixed
from bot.sim.ledger import book_income, select_rows
from bot.sim.margin import bracket_for
from bot.sim.position_mode import resolve_position_side
from bot.sim.risk import account_metrics, flat_metrics, leg_key
from bot.sim.specs import brackets_for, get_spec, symbols
from bot.sim.venue import Venue
from bot.sim.views import futures_account, futures_balance, position_risk_row, spot_account

__all__ = [
    "create_account",
    "futures_account_json",
    "futures_balance_json",
    "income",
    "leverage_brackets",
    "modify_position_margin",
    "position_risk",
    "set_balance",
    "set_leverage",
    "set_margin_type",
    "spot_account_json",
    "transfer",
]

JSON = dict[str, Any]
ZERO = Decimal(0)
WALLETS = ("spot", "usdm")


def _non_negative(name: str, amount: Decimal) -> None:
    if amount < 0:
        raise bad_param(name, f"{amount} is negative; it must be >= 0")


def create_account(
    venue: Venue,
    api_key: str,
    secret: str,
    balances: dict[str, dict[str, Decimal]],
    *,
    dual_side: bool = False,
    can_withdraw: bool = False,
) -> None:
    """Create (or replace) the account of `api_key` with `balances[wallet][asset]`, in hedge
    mode when `dual_side`, with a key allowed to withdraw when `can_withdraw`."""
    if not api_key or not secret:
        raise bad_param("api_key/secret", "both must be non-empty strings")
    unknown = set(balances) - set(WALLETS)
    if unknown:
        raise bad_param("balances", f"unknown wallet(s) {sorted(unknown)}; use 'spot' or 'usdm'")
    now = venue.now()
    account = Account(
        api_key, secret, update_ms=now, dual_side=dual_side, can_withdraw=can_withdraw
    )
    account.created_ms = now
    for wallet, assets in balances.items():
        for asset, amount in assets.items():
            _non_negative(f"balances.{wallet}.{asset}", amount)
            if wallet == "spot":
                account.spot[asset] = SpotBalance(free=amount)
            else:
                account.usdm[asset] = amount
    account.usdm.setdefault("USDT", ZERO)
    venue.accounts[api_key] = account


def set_balance(venue: Venue, api_key: str, wallet: str, asset: str, amount: Decimal) -> None:
    """Set the free spot balance or the USDⓈ-M wallet balance of `asset` to `amount` (≥ 0)."""
    account = venue.account(api_key)
    if wallet not in WALLETS:
        raise bad_param("wallet", f"{wallet!r}; use 'spot' or 'usdm'")
    _non_negative("amount", amount)
    if wallet == "spot":
        account.balance(asset).free = amount
    else:
        account.usdm[asset] = amount
    account.update_ms = venue.now()


def spot_account_json(venue: Venue, api_key: str) -> JSON:
    return spot_account(venue.account(api_key), venue.now())


def futures_account_json(venue: Venue, api_key: str) -> JSON:
    account = venue.account(api_key)
    return futures_account(account, account_metrics(account, venue.marks()))


def futures_balance_json(venue: Venue, api_key: str) -> list[JSON]:
    account = venue.account(api_key)
    return futures_balance(account, account_metrics(account, venue.marks()))


def _order_notional(account: Account, symbol: str, side: str) -> tuple[Decimal, Decimal]:
    bid = ask = ZERO
    for o in account.open_orders("usdm", symbol):
        if o.position_side != side:
            continue
        value = o.remaining * (o.price or ZERO)
        bid, ask = (bid + value, ask) if o.side == "BUY" else (bid, ask + value)
    return bid, ask


def position_risk(venue: Venue, api_key: str, symbol: str | None) -> list[JSON]:
    """/fapi/v3/positionRisk rows of the symbols with a position (only `symbol` when given):
    one BOTH row each in one-way mode, a LONG and a SHORT row each in hedge mode."""
    if symbol is not None:
        get_spec("usdm", symbol)
    account = venue.account(api_key)
    metrics = account_metrics(account, venue.marks())
    held = [s for s in dict.fromkeys(s for s, _ in metrics.positions) if symbol in (None, s)]
    rows = []
    for s in held:
        spec = get_spec("usdm", s)
        for side in account.position_sides:
            leg = account.positions.get((s, side)) or FuturesPosition(
                s, account.symbol_settings(s), side
            )
            m = metrics.positions.get((s, side)) or flat_metrics(leg, venue.board.mark(s))
            rows.append(
                position_risk_row(m, spec, _order_notional(account, s, side), spec.taker_fee)
            )
    return rows


def leverage_brackets(symbol: str | None) -> list[JSON]:
    """/fapi/v1/leverageBracket rows (numbers, as Binance sends them)."""
    names = [symbol] if symbol is not None else symbols("usdm")
    return [
        {
            "symbol": name,
            "notionalCoef": 1.0,
            "brackets": [
                {
                    "bracket": b.number,
                    "initialLeverage": b.initial_leverage,
                    "notionalCap": int(b.cap),
                    "notionalFloor": int(b.floor),
                    "maintMarginRatio": float(b.mmr),
                    "cum": float(b.cum),
                }
                for b in brackets_for(name)
            ],
        }
        for name in names
    ]


def set_leverage(venue: Venue, api_key: str, symbol: str, leverage: int) -> JSON:
    """Change a symbol's leverage (1..max allowed for the position's notional)."""
    get_spec("usdm", symbol)
    account = venue.account(api_key)
    size = sum((abs(p.amt) for p in account.legs(symbol)), ZERO)
    brackets = brackets_for(symbol)
    allowed = bracket_for(brackets, size * venue.board.mark(symbol)).initial_leverage
    if not 1 <= leverage <= allowed:
        raise SimError(-4028, f"Leverage {leverage} is not valid")
    account.symbol_settings(symbol).leverage = leverage
    max_notional = max(b.cap for b in brackets if b.initial_leverage >= leverage)
    return {"leverage": leverage, "maxNotionalValue": str(int(max_notional)), "symbol": symbol}


def set_margin_type(venue: Venue, api_key: str, symbol: str, margin_type: str) -> JSON:
    """Switch CROSSED ⇄ ISOLATED; refused with open orders (-4047) or a position (-4048)."""
    get_spec("usdm", symbol)
    if margin_type not in ("ISOLATED", "CROSSED"):
        raise bad_param("marginType", f"{margin_type!r}; use ISOLATED or CROSSED")
    account = venue.account(api_key)
    settings = account.symbol_settings(symbol)
    if settings.margin_type == margin_type:
        raise SimError(-4046, "No need to change margin type.")
    if account.open_orders("usdm", symbol):
        raise SimError(-4047, "Margin type cannot be changed if there exists open orders.")
    if any(p.amt != 0 for p in account.legs(symbol)):
        raise SimError(-4048, "Margin type cannot be changed if there exists position.")
    settings.margin_type = margin_type
    return {"code": 200, "msg": "success"}


def modify_position_margin(
    venue: Venue,
    api_key: str,
    symbol: str,
    amount: Decimal,
    kind: int,
    position_side: str | None = None,
) -> JSON:
    """Add (kind 1) or reduce (kind 2) an isolated position leg's margin by `amount` USDT
    (`position_side`: the leg, required in hedge mode).

    Refused on a cross position (-4049), a flat one (-4054), beyond the available cross
    balance (-4050) or below the position's initial margin (-4051)."""
    get_spec("usdm", symbol)
    if kind not in (1, 2):
        raise bad_param("type", f"{kind}; use 1 (add) or 2 (reduce)")
    if amount <= 0:
        raise bad_param("amount", f"{amount}; it must be > 0")
    account = venue.account(api_key)
    pos = account.position(symbol, resolve_position_side(account, position_side))
    if not pos.isolated:
        raise SimError(-4049, "Add margin only support for isolated position.")
    if pos.amt == 0:
        raise SimError(-4054, "Cannot add position margin: position is 0.")
    metrics = account_metrics(account, venue.marks())
    if kind == 1 and amount > metrics.available_balance:
        raise SimError(-4050, "Cross balance insufficient.")
    if kind == 2:
        m = metrics.positions[leg_key(pos)]
        if amount > pos.isolated_wallet + min(m.upnl, ZERO) - m.initial_margin:
            raise SimError(-4051, "Isolated balance insufficient.")
    delta = amount if kind == 1 else -amount
    pos.isolated_wallet += delta
    account.cross_wallet -= delta
    account.update_ms = pos.update_ms = venue.now()
    return {
        "amount": float(amount),
        "code": 200,
        "msg": "Successfully modify position margin.",
        "type": kind,
    }


def transfer(venue: Venue, api_key: str, kind: str, asset: str, amount: Decimal) -> JSON:
    """Universal transfer MAIN_UMFUTURE (spot → USDⓈ-M) or UMFUTURE_MAIN; -5002 if short."""
    if kind not in ("MAIN_UMFUTURE", "UMFUTURE_MAIN"):
        raise bad_param("type", f"{kind!r}; use MAIN_UMFUTURE or UMFUTURE_MAIN")
    if amount <= 0:
        raise bad_param("amount", f"{amount}; it must be > 0")
    account = venue.account(api_key)
    if kind == "MAIN_UMFUTURE":
        source = account.balance(asset)
        if source.free < amount:
            raise SimError(-5002, "You have insufficient balance.")
        source.free -= amount
        account.usdm[asset] = account.usdm.get(asset, ZERO) + amount
    else:
        if asset == "USDT":
            room = account_metrics(account, venue.marks()).max_withdraw
        else:
            room = account.usdm.get(asset, ZERO)
        if amount > room:
            raise SimError(-5002, "You have insufficient balance.")
        account.usdm[asset] = account.usdm.get(asset, ZERO) - amount
        account.balance(asset).free += amount
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
    signed = amount if kind == "MAIN_UMFUTURE" else -amount
    if asset == "USDT":
        book_income(
            account, venue.ids, symbol="", income_type="TRANSFER", amount=signed, time_ms=now
        )
    account.update_ms = now
    return {"tranId": tran_id}


def income(
    venue: Venue,
    api_key: str,
    *,
    symbol: str | None = None,
    income_type: str | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int = 100,
) -> list[JSON]:
    """/fapi/v1/income rows, oldest first, filtered as Binance filters them."""
    return select_rows(
        venue.account(api_key).income,
        time_key="time",
        start_ms=start_ms,
        end_ms=end_ms,
        limit=limit,
        symbol=symbol,
        incomeType=income_type,
    )
