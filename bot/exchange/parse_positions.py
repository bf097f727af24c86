"""ccxt positions → `Position`, in one-way or hedge (dual-side) mode.

One-way mode has one row per symbol (Binance `positionSide: BOTH`). Hedge mode has a LONG and a
SHORT row per symbol: the SHORT row is the hedge (`Position.contracts` ≤ 0, its margin and
liquidation price), the LONG row lends its size, entry price, unrealized P&L and maintenance
margin to the `Position.long_leg_*` fields (cross margin counts them in the risk guard). Rows of
the other mode than the one the account was resolved in mean the venue's mode changed under us:
`PositionModeMismatch`, so the gateway re-reads the mode instead of trading on a wrong reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal

from bot.domain.model import MarginMode, Position, PositionMode, frozen_map
from bot.exchange.errors import BadResponse, PositionModeMismatch
from bot.exchange.fields import ZERO, Raw, bad, millis, num, positive_or_none, req, text

__all__ = ["leg_of", "parse_position", "parse_positions", "position_side"]

_SIDES = ("BOTH", "LONG", "SHORT")


def _signed_contracts(raw: Raw, what: str) -> Decimal:
    """Signed contracts (short < 0). ccxt gives `contracts` ≥ 0 plus `side`; Binance's raw
    `positionAmt` is signed: prefer it and require both to agree."""
    contracts = num(raw.get("contracts"), "contracts", what) or ZERO
    direction = raw.get("side")
    if contracts and direction not in ("long", "short"):
        raise bad(what, "side", direction, "is not 'long' or 'short' for a non-zero position")
    unified = -contracts if direction == "short" else contracts
    info = raw.get("info") or {}
    if "positionAmt" not in info:
        return unified
    exchange = req(info.get("positionAmt"), "info.positionAmt", what, signed=True)
    if exchange != unified:
        raise bad(what, "info.positionAmt", exchange, f"disagrees with contracts/side {unified}")
    return exchange


def _margin_mode(value: object, what: str) -> MarginMode | None:
    if value in (None, ""):
        return None
    mapped = {"crossed": "cross"}.get(str(value).lower(), str(value).lower())
    try:
        return MarginMode(mapped)
    except ValueError:
        raise bad(what, "marginMode", value, "is not 'isolated' or 'cross'") from None


def leg_of(raw: Raw) -> str:
    """The leg a ccxt order, trade or position row belongs to, from Binance's
    `info.positionSide`: BOTH (one-way), LONG or SHORT (hedge mode); BOTH when not said."""
    info = raw.get("info")
    side = info.get("positionSide") if isinstance(info, Mapping) else None
    return str(side).upper() if side else "BOTH"


def position_side(raw: Raw) -> str:
    """BOTH (one-way row), LONG or SHORT (a hedge-mode leg) of a position row: `leg_of`, or
    for venues that do not tag rows, ccxt's `hedged` flag with the row's side."""
    side = leg_of(raw)
    if side not in _SIDES:
        raise bad(f"position {raw.get('symbol')!r}", "info.positionSide", side, "is unknown")
    if side == "BOTH" and raw.get("hedged"):
        return "SHORT" if raw.get("side") == "short" else "LONG"
    return side


def parse_position(raw: Raw) -> Position:
    """One ccxt position row. Sizes in contracts, short negative; margins and P&L in the
    settle currency; `margin_ratio` is maintenance margin / margin balance."""
    what = f"position {raw.get('symbol')!r}"
    return Position(
        symbol=text(raw, "symbol", what),
        contracts=_signed_contracts(raw, what),
        entry_price=positive_or_none(raw.get("entryPrice"), "entryPrice", what),
        mark_price=positive_or_none(raw.get("markPrice"), "markPrice", what),
        liquidation_price=positive_or_none(raw.get("liquidationPrice"), "liquidationPrice", what),
        leverage=_leverage(raw, what),
        margin_mode=_margin_mode(raw.get("marginMode"), what),
        collateral=num(raw.get("collateral"), "collateral", what, signed=True),
        maintenance_margin=num(raw.get("maintenanceMargin"), "maintenanceMargin", what),
        initial_margin=num(raw.get("initialMargin"), "initialMargin", what),
        margin_ratio=_margin_ratio(raw, what),
        unrealized_pnl=num(raw.get("unrealizedPnl"), "unrealizedPnl", what, signed=True),
        timestamp_ms=millis(raw.get("timestamp")),
    )


def _margin_ratio(raw: Raw, what: str) -> Decimal | None:
    """ccxt's `marginRatio`: maintenance margin / the collateral ccxt derives. At negative
    equity ccxt derives a negative cross collateral, so a negative ratio: the margin is gone,
    which the risk guard reads from the balances itself (grade REDUCE). None here, rather
    than a refused reading — refusing it left the account unreadable exactly when the guard
    had to cut (issue 8 item 5)."""
    ratio = num(raw.get("marginRatio"), "marginRatio", what, signed=True)
    return None if ratio is None or ratio < 0 else ratio


def _leverage(raw: Raw, what: str) -> Decimal | None:
    """ccxt's `leverage` where the venue sends one (Binance v2 positionRisk, Bybit). Binance's
    v3 positionRisk sends none, but its `positionInitialMargin` is |notional| / leverage, so
    the leverage is that ratio rounded to a whole number (Binance leverage is an integer).
    Without it the engine would judge the position at the configured leverage and re-send
    the same lower leverage every cycle."""
    given = positive_or_none(raw.get("leverage"), "leverage", what)
    info = raw.get("info")
    if given is not None or not isinstance(info, Mapping):
        return given
    notional = num(info.get("notional"), "info.notional", what, signed=True)
    initial = num(info.get("positionInitialMargin"), "info.positionInitialMargin", what)
    if not notional or not initial or initial <= 0:
        return None
    return max((abs(notional) / initial).to_integral_value(ROUND_HALF_EVEN), Decimal(1))


def _mismatch(symbol: str, side: str, mode: PositionMode) -> PositionModeMismatch:
    seen = "a one-way (BOTH)" if side == "BOTH" else f"a hedge-mode {side}"
    return PositionModeMismatch(
        f"position {symbol!r}: the venue reports {seen} position but the account was read as "
        f"{mode.value.replace('_', '-')} mode; its position mode changed, re-reading it"
    )


def _long_leg(raw: Raw) -> Position:
    """A hedge-mode LONG row: its size, entry price, unrealized P&L and maintenance margin,
    which a cross wallet shares with the SHORT leg. ccxt derives a cross leg's collateral and
    margin ratio from a one-position liquidation formula; with two legs sharing one
    liquidation price it yields a negative collateral for the LONG leg, so those are not read
    (they must not void the reading of the SHORT leg we trade). Its margin mode and, when
    isolated, Binance's `info.isolatedWallet` are read: that wallet is not the cross one."""
    what = f"position {raw.get('symbol')!r}"
    mode = _margin_mode(raw.get("marginMode"), what)
    info = raw.get("info") or {}
    wallet = num(info.get("isolatedWallet"), "info.isolatedWallet", what, signed=True)
    return Position(
        symbol=text(raw, "symbol", what),
        contracts=_signed_contracts(raw, what),
        entry_price=positive_or_none(raw.get("entryPrice"), "entryPrice", what),
        margin_mode=mode,
        collateral=wallet if mode is MarginMode.ISOLATED else None,
        maintenance_margin=num(raw.get("maintenanceMargin"), "maintenanceMargin", what),
        unrealized_pnl=num(raw.get("unrealizedPnl"), "unrealizedPnl", what, signed=True),
    )


def _with_long_leg(hedge: Position, long_leg: Position | None) -> Position:
    """The hedge (SHORT or BOTH) position carrying the LONG leg's figures (0 / None without)."""
    if long_leg is None:
        return replace(hedge, long_leg_contracts=ZERO)
    return replace(
        hedge,
        long_leg_contracts=long_leg.contracts,
        long_leg_entry_price=long_leg.entry_price,
        long_leg_unrealized_pnl=long_leg.unrealized_pnl,
        long_leg_maintenance_margin=long_leg.maintenance_margin,
        long_leg_margin_mode=long_leg.margin_mode,
        long_leg_isolated_wallet=long_leg.collateral,  # isolatedWallet, set when isolated
    )


def _leg(raw: Raw, mode: PositionMode) -> tuple[str, Position]:
    """(side, position) of one row, checked against the account's mode and the leg's sign."""
    side = position_side(raw)
    position = _long_leg(raw) if side == "LONG" else parse_position(raw)
    if position.is_flat:
        return side, position
    if (side == "BOTH") is (mode is PositionMode.HEDGE):
        raise _mismatch(position.symbol, side, mode)
    sign_ok = {"SHORT": position.contracts < 0, "LONG": position.contracts > 0}.get(side, True)
    if not sign_ok:
        raise bad(f"position {position.symbol!r}", "contracts", position.contracts,
                  f"has the wrong sign for the {side} leg")  # fmt: skip
    return side, position


def parse_positions(
    raws: Iterable[Raw], symbols: Sequence[str], mode: PositionMode = PositionMode.ONE_WAY
) -> Mapping[str, Position]:
    """symbol → Position for the requested `symbols` (flat ones omitted), the account being in
    `mode`. In hedge mode the SHORT leg is the position and the LONG leg's figures are attached
    as its `long_leg_*` fields. One symbol reported twice for one leg is refused."""
    wanted = set(symbols)
    legs: dict[tuple[str, str], Position] = {}
    for raw in raws:
        side, position = _leg(raw, mode)
        if position.symbol not in wanted or position.is_flat:
            continue
        key = (position.symbol, "long" if side == "LONG" else "hedge")  # BOTH or SHORT
        if key in legs:
            raise BadResponse(f"position {position.symbol!r}: reported twice")
        legs[key] = position
    out: dict[str, Position] = {}
    for symbol in sorted({s for s, _ in legs}):
        long_leg = legs.get((symbol, "long"))
        hedge = legs.get((symbol, "hedge")) or Position(symbol=symbol, contracts=ZERO)
        out[symbol] = _with_long_leg(hedge, long_leg)
    return frozen_map(out)
