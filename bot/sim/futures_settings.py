"""The futures settings a user changes, on USDⓈ-M (/fapi) and COIN-M (/dapi) alike: leverage,
margin type and an isolated position's margin (amounts in the contract's margin asset)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.contracts import contract_math
from bot.sim.errors import SimError, bad_param
from bot.sim.margin import bracket_for
from bot.sim.position_mode import leg_for
from bot.sim.risk import leg_key, pool_metrics
from bot.sim.specs import brackets_for, listed_spec
from bot.sim.venue import Venue

__all__ = ["modify_position_margin", "set_leverage", "set_margin_type"]

JSON = dict[str, Any]
ZERO = Decimal(0)


def set_leverage(
    venue: Venue, api_key: str, symbol: str, leverage: int, market: str = "usdm"
) -> JSON:
    """Change a symbol's leverage (1..max allowed for the position's notional); the reply is
    /fapi's `maxNotionalValue` (USDT) or /dapi's `maxQty` (coin)."""
    spec = listed_spec(market, symbol, venue.now())
    account = venue.account(api_key)
    size = sum((abs(p.amt) for p in account.legs(symbol)), ZERO)
    brackets = brackets_for(symbol)
    notional = abs(contract_math(spec).notional(size, venue.board.mark(symbol)))
    allowed = bracket_for(brackets, notional).initial_leverage
    if not 1 <= leverage <= allowed:
        raise SimError(-4028, f"Leverage {leverage} is not valid")
    account.symbol_settings(symbol).leverage = leverage
    max_notional = str(int(max(b.cap for b in brackets if b.initial_leverage >= leverage)))
    if market == "coinm":
        return {"leverage": leverage, "maxQty": max_notional, "symbol": symbol}
    return {"leverage": leverage, "maxNotionalValue": max_notional, "symbol": symbol}


def set_margin_type(
    venue: Venue, api_key: str, symbol: str, margin_type: str, market: str = "usdm"
) -> JSON:
    """Switch CROSSED ⇄ ISOLATED; refused with open orders (-4047) or a position (-4048)."""
    listed_spec(market, symbol, venue.now())
    if margin_type not in ("ISOLATED", "CROSSED"):
        raise bad_param("marginType", f"{margin_type!r}; use ISOLATED or CROSSED")
    account = venue.account(api_key)
    settings = account.symbol_settings(symbol)
    if settings.margin_type == margin_type:
        raise SimError(-4046, "No need to change margin type.")
    if account.open_orders(market, symbol):
        raise SimError(-4047, "Margin type cannot be changed if there exists open orders.")
    if any(p.amt != 0 for p in account.legs(symbol)):
        raise SimError(-4048, "Margin type cannot be changed if there exists position.")
    settings.margin_type = margin_type
    return {"code": 200, "msg": "success"}


def modify_position_margin(
    venue: Venue,
    api_key: str,
    symbol: str,
    change: tuple[Decimal, int],
    position_side: str | None = None,
    market: str = "usdm",
) -> JSON:
    """Add (kind 1) or reduce (kind 2) an isolated position leg's margin by `amount` in the
    margin asset (`change` = (amount, kind); `position_side`: the leg, required in USDⓈ-M
    hedge mode; COIN-M positions are one-way).

    Refused on a cross position (-4049), a flat one (-4054), beyond the available cross
    balance (-4050) or below the position's initial margin (-4051)."""
    amount, kind = change
    spec = listed_spec(market, symbol, venue.now())
    if kind not in (1, 2):
        raise bad_param("type", f"{kind}; use 1 (add) or 2 (reduce)")
    if amount <= 0:
        raise bad_param("amount", f"{amount}; it must be > 0")
    account = venue.account(api_key)
    pos = account.position(symbol, leg_for(account, market, position_side), market)
    if not pos.isolated:
        raise SimError(-4049, "Add margin only support for isolated position.")
    if pos.amt == 0:
        raise SimError(-4054, "Cannot add position margin: position is 0.")
    metrics = pool_metrics(account, venue.marks(), market, spec.margin_asset)
    if kind == 1 and amount > metrics.available_balance:
        raise SimError(-4050, "Cross balance insufficient.")
    if kind == 2:
        m = metrics.positions[leg_key(pos)]
        if amount > pos.isolated_wallet + min(m.upnl, ZERO) - m.initial_margin:
            raise SimError(-4051, "Isolated balance insufficient.")
    delta = amount if kind == 1 else -amount
    pos.isolated_wallet += delta
    account.credit(market, spec.margin_asset, -delta)
    pos.update_ms = venue.now()
    account.touch(market, pos.update_ms)
    return {
        "amount": float(amount),
        "code": 200,
        "msg": "Successfully modify position margin.",
        "type": kind,
    }
