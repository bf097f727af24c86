"""Binance's USDⓈ-M position modes: one-way (one BOTH leg per symbol) and hedge mode
(`dualSidePosition`: a LONG and a SHORT leg per symbol).

The mode is switched through POST /fapi/v1/positionSide/dual and refused when nothing would
change (-4059), while USDⓈ-M orders are open (-4067) or while any position is (-4068). Every
order and isolated-margin change names the leg it acts on (`positionSide`), which must fit the
mode (-4061); hedge-mode orders may not carry `reduceOnly` at all (-1106).
"""

from __future__ import annotations

from typing import Any

from bot.sim.accounts import HEDGE_SIDES, ONE_WAY_SIDE, Account
from bot.sim.errors import SimError
from bot.sim.venue import Venue

__all__ = [
    "check_reduce_only_param",
    "leg_for",
    "position_mode",
    "resolve_position_side",
    "set_position_mode",
]

JSON = dict[str, Any]


def position_mode(venue: Venue, api_key: str) -> JSON:
    """GET /fapi/v1/positionSide/dual."""
    return {"dualSidePosition": venue.account(api_key).dual_side}


def set_position_mode(venue: Venue, api_key: str, dual: bool) -> JSON:
    """Switch hedge mode on (`dual`) or off; symbol settings survive, flat legs are dropped."""
    account = venue.account(api_key)
    if account.dual_side == dual:
        raise SimError(-4059, "No need to change position side.")
    if account.open_orders("usdm"):
        raise SimError(-4067, "Position side cannot be changed if there exists open orders.")
    if any(p.amt != 0 for p in account.market_positions("usdm")):
        raise SimError(-4068, "Position side cannot be changed if there exists position.")
    account.dual_side = dual
    for key in [k for k, p in account.positions.items() if p.market == "usdm"]:
        del account.positions[key]  # every USDⓈ-M leg is flat here; settings are kept
    account.update_ms = venue.now()
    return {"code": 200, "msg": "success"}


def _named_side(position_side: str | None) -> str:
    side = (position_side or ONE_WAY_SIDE).upper()
    if side not in (ONE_WAY_SIDE, *HEDGE_SIDES):
        raise SimError(-4060, "Invalid position side.")
    return side


def _mismatch() -> SimError:
    return SimError(-4061, "Order's position side does not match user's setting.")


def resolve_position_side(account: Account, position_side: str | None) -> str:
    """The leg a request acts on: `positionSide` as sent (absent = BOTH), checked against the
    account's mode (-4060 for an unknown value, -4061 when it does not fit the mode)."""
    side = _named_side(position_side)
    if side not in account.position_sides:
        raise _mismatch()
    return side


def leg_for(account: Account, market: str, position_side: str | None) -> str:
    """The leg a futures request acts on: USDⓈ-M follows the account's position mode; COIN-M
    positions are one-way in the simulator (BOTH or absent; -4061 for LONG/SHORT)."""
    if market == "usdm":
        return resolve_position_side(account, position_side)
    if _named_side(position_side) != ONE_WAY_SIDE:
        raise _mismatch()
    return ONE_WAY_SIDE


def check_reduce_only_param(account: Account, reduce_only: bool | None) -> None:
    """Hedge mode refuses any `reduceOnly` parameter (None = not sent): a close is a BUY on
    the SHORT leg or a SELL on the LONG leg instead."""
    if account.dual_side and reduce_only is not None:
        raise SimError(-1106, "Parameter 'reduceonly' sent when not required.")
