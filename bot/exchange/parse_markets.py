"""ccxt markets → `Market`: kind (spot / linear / inverse perpetual or dated future, with its
delivery time), contract size, step and tick from ccxt's precision (whatever its precision
mode), min amount, min notional, fees."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from ccxt.base.decimal_to_precision import DECIMAL_PLACES, TICK_SIZE

from bot.domain.model import Market, MarketKind, frozen_map
from bot.exchange.errors import BadResponse, NotSupported
from bot.exchange.fields import ZERO, Raw, bad, num, req, text

__all__ = ["parse_market", "parse_markets"]


def _step(value: object, field: str, what: str, precision_mode: int) -> Decimal:
    """ccxt `precision[...]` as a step size: TICK_SIZE mode already is one (Binance in 4.5);
    DECIMAL_PLACES mode is a digit count."""
    number = req(value, field, what)
    if precision_mode == TICK_SIZE:
        step = number
    elif precision_mode == DECIMAL_PLACES:
        step = Decimal(1).scaleb(-int(number))
    else:
        raise NotSupported(f"{what}: significant-digits precision mode cannot give a step size")
    if step <= 0:
        raise bad(what, field, value, "is not a positive step")
    return step


def _market_kind(raw: Raw, what: str) -> MarketKind | None:
    if raw.get("spot"):
        return MarketKind.SPOT
    if not raw.get("swap") and not (raw.get("future") and raw.get("expiry")):
        return None  # options are not hedge instruments
    if raw.get("linear"):
        return MarketKind.LINEAR
    if raw.get("inverse"):
        return MarketKind.INVERSE
    raise bad(what, "linear", raw.get("linear"), "is neither linear nor inverse")


def parse_market(raw: Raw, *, precision_mode: int) -> Market | None:
    """One ccxt market; None for kinds hedgebot does not trade (options).
    `precision_mode` is the ccxt instance's `precisionMode`."""
    what = f"market {raw.get('symbol')!r}"
    symbol = text(raw, "symbol", what)
    kind = _market_kind(raw, what)
    if kind is None:
        return None
    precision = raw.get("precision") or {}
    limits = raw.get("limits") or {}
    amount_limits = limits.get("amount") or {}
    leverage_max = num((limits.get("leverage") or {}).get("max"), "limits.leverage.max", what)
    contract_size = num(raw.get("contractSize"), "contractSize", what) or Decimal(1)
    return Market(
        symbol=symbol,
        exchange_symbol=text(raw, "id", what),
        kind=kind,
        base=text(raw, "base", what),
        quote=text(raw, "quote", what),
        settle=raw.get("settle") or None,
        contract_size=contract_size if kind is not MarketKind.SPOT else Decimal(1),
        amount_step=_step(precision.get("amount"), "precision.amount", what, precision_mode),
        price_tick=_step(precision.get("price"), "precision.price", what, precision_mode),
        min_amount=num(amount_limits.get("min"), "limits.amount.min", what) or ZERO,
        min_notional=num((limits.get("cost") or {}).get("min"), "limits.cost.min", what) or ZERO,
        max_amount=num(amount_limits.get("max"), "limits.amount.max", what) or None,
        max_leverage=int(leverage_max) if leverage_max else None,
        maker_fee=num(raw.get("maker"), "maker", what, signed=True) or ZERO,
        taker_fee=num(raw.get("taker"), "taker", what, signed=True) or ZERO,
        expiry_ms=_expiry(raw, what),
    )


def _expiry(raw: Raw, what: str) -> int | None:
    """A dated future's delivery time (ccxt `expiry`, epoch ms); None for a perpetual."""
    if raw.get("swap") or not raw.get("future"):
        return None
    expiry = num(raw.get("expiry"), "expiry", what)
    if expiry is None or expiry <= 0:
        raise bad(what, "expiry", raw.get("expiry"), "is not a delivery time")
    return int(expiry)


def parse_markets(
    raws: Iterable[Raw], *, precision_mode: int
) -> tuple[Mapping[str, Market], tuple[str, ...]]:
    """Spot and perpetual markets by unified symbol, plus the symbols that failed validation.

    A venue lists thousands of markets; one malformed listing must not hide the others, so
    failures are returned for the caller to log, and using such a symbol later fails with
    MarketNotFound."""
    markets: dict[str, Market] = {}
    rejected: list[str] = []
    for raw in raws:
        try:
            market = parse_market(raw, precision_mode=precision_mode)
        except (BadResponse, NotSupported):
            rejected.append(str(raw.get("symbol")))
            continue
        if market is not None and raw.get("active") is not False:
            markets[market.symbol] = market
    return frozen_map(markets), tuple(rejected)
