"""Bybit linear positions: /v5/position/list rows, leverage and the account's margin mode.

Sizes are base quantities, `side` "Buy" (long) / "Sell" (short) / "" (flat), `positionIdx` 0
(one-way mode). `liqPrice` is Bybit's: the mark at which the margin balance meets the
maintenance margin of Bybit's risk-limit tier ("" when none); `riskId` / `riskLimitValue`
name the tier the position value falls in.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim import futures_settings
from bot.sim.accounts import FuturesPosition
from bot.sim.bybit_errors import bybit_params_error, leverage_not_modified
from bot.sim.bybit_params import listed
from bot.sim.bybit_risk_limits import bybit_tiers
from bot.sim.bybit_wallet import MARGIN_MODES
from bot.sim.errors import SimError
from bot.sim.fmt import plain
from bot.sim.margin import bracket_for
from bot.sim.risk import PositionMetrics, account_metrics, flat_metrics, leg_key
from bot.sim.venue import Venue

__all__ = ["add_margin", "position_rows", "set_leverage", "set_margin_mode"]

JSON = dict[str, Any]
ZERO = Decimal(0)
_MARGIN_MODE_REFUSED = 3400045


def _side(amt: Decimal) -> str:
    return "" if amt == 0 else ("Buy" if amt > 0 else "Sell")


def _price(value: Decimal) -> str:
    return plain(value) if value > 0 else ""


def _row(m: PositionMetrics, realized: Decimal) -> JSON:
    pos = m.position
    value = abs(pos.amt) * pos.entry_price
    tier = bracket_for(bybit_tiers(pos.symbol), value)
    return {
        "positionIdx": 0,
        "riskId": tier.number,
        "riskLimitValue": str(int(tier.cap)),
        "symbol": pos.symbol,
        "side": _side(pos.amt),
        "size": plain(abs(pos.amt)),
        "avgPrice": plain(pos.entry_price),
        "positionValue": plain(value),
        "tradeMode": 1 if pos.isolated else 0,
        "autoAddMargin": 0,
        "positionStatus": "Normal",
        "leverage": str(pos.leverage),
        "markPrice": plain(m.mark),
        "liqPrice": _price(m.liquidation_price),
        "bustPrice": "",
        "positionIM": plain(m.initial_margin),
        "positionMM": plain(m.maint_margin),
        "positionBalance": plain(pos.isolated_wallet if pos.isolated else m.initial_margin),
        "takeProfit": "",
        "stopLoss": "",
        "trailingStop": "0",
        "sessionAvgPrice": "",
        "unrealisedPnl": plain(m.upnl),
        "curRealisedPnl": "0",
        "cumRealisedPnl": plain(realized),
        "adlRankIndicator": 2 if pos.amt != 0 else 0,
        "createdTime": str(pos.update_ms),
        "updatedTime": str(pos.update_ms),
        "seq": pos.update_ms,
        "isReduceOnly": False,
        "mmrSysUpdatedTime": "",
        "leverageSysUpdatedTime": "",
        "tpslMode": "Full",
    }


def position_rows(venue: Venue, api_key: str, symbol: str | None) -> list[JSON]:
    """The account's linear positions: one symbol's (flat included), or every open one."""
    account = venue.account(api_key)
    if symbol:
        listed("linear", symbol, venue.now())
    marks = venue.marks()
    metrics = account_metrics(account, marks).positions
    legs: list[FuturesPosition] = (
        [account.position(symbol)]
        if symbol
        else [p for p in account.market_positions("usdm") if p.amt != 0]
    )
    rows = []
    for pos in legs:
        m = metrics.get(leg_key(pos)) or flat_metrics(pos, marks[pos.symbol])
        realized = sum(
            (
                t.realized_pnl - t.commission
                for t in account.trades
                if t.symbol == pos.symbol and t.market == "usdm"
            ),
            ZERO,
        )
        rows.append(_row(m, realized))
    return rows


def _whole_leverage(params: dict[str, str]) -> int:
    buy, sell = params.get("buyLeverage", ""), params.get("sellLeverage", "")
    if buy != sell:
        raise bybit_params_error("buyLeverage must equal sellLeverage in one-way mode")
    try:
        value = Decimal(buy)
    except ArithmeticError:
        raise bybit_params_error(f"buyLeverage {buy!r} is not a number") from None
    if value != value.to_integral_value():
        raise bybit_params_error(f"buyLeverage {buy} must be a whole number in the simulator")
    return int(value)


def set_leverage(venue: Venue, api_key: str, symbol: str, params: dict[str, str]) -> JSON:
    """Set the leverage of a linear symbol (1..its tier's max); 110043 when unchanged."""
    listed("linear", symbol, venue.now())
    leverage = _whole_leverage(params)
    account = venue.account(api_key)
    pos = account.position(symbol)
    tier = bracket_for(bybit_tiers(symbol), abs(pos.amt) * venue.board.mark(symbol))
    if not 1 <= leverage <= tier.initial_leverage:
        raise bybit_params_error(f"leverage {leverage} is outside 1..{tier.initial_leverage}")
    if pos.settings.leverage == leverage:
        raise leverage_not_modified()
    pos.settings.leverage = leverage
    return {}


def set_margin_mode(venue: Venue, api_key: str, mode: str) -> JSON:
    """Switch the account between REGULAR_MARGIN (cross) and ISOLATED_MARGIN; refused while
    a linear position or order is open (Bybit's 3400045 with the reason)."""
    if mode not in MARGIN_MODES:
        raise bybit_params_error(f"setMarginMode {mode!r} is not one of {', '.join(MARGIN_MODES)}")
    account = venue.account(api_key)
    margin_type = MARGIN_MODES[mode]
    if account.default_margin_type == margin_type:
        return {"reasons": []}
    busy = any(p.amt != 0 for p in account.market_positions("usdm")) or account.open_orders("usdm")
    if busy:
        raise SimError(
            _MARGIN_MODE_REFUSED,
            "Set margin mode failed: close every linear position and cancel its orders first",
        )
    account.default_margin_type = margin_type
    for settings in account.settings.values():
        settings.margin_type = margin_type
    account.touch("usdm", venue.now())
    return {"reasons": []}


def add_margin(venue: Venue, api_key: str, symbol: str, margin: Decimal) -> JSON:
    """Add (`margin` > 0) or reduce (< 0) an isolated position's margin, USDT; the result is
    the position row. A cross or flat position is refused (10001, naming why)."""
    listed("linear", symbol, venue.now())
    if margin == 0:
        raise bybit_params_error("margin must not be 0")
    kind = 1 if margin > 0 else 2
    futures_settings.modify_position_margin(venue, api_key, symbol, (abs(margin), kind))
    [row] = position_rows(venue, api_key, symbol)
    return {"category": "linear", **row}
