"""Order parameter checks against Binance's symbol filters (pure; raise SimError).

COIN-M also refuses a quantity or price with more decimals than the symbol's precision with
-1111 "Precision is over the maximum defined for this asset." (a fractional contract count),
before the filters are checked."""

from __future__ import annotations

from decimal import Decimal

from bot.sim.errors import SimError, bad_param, filter_failure, mandatory_param
from bot.sim.specs import SymbolSpec

__all__ = ["ORDER_TYPES", "check_order_params", "check_price", "check_quantity"]

ORDER_TYPES = {
    "spot": ("LIMIT", "LIMIT_MAKER", "MARKET"),
    "usdm": ("LIMIT", "MARKET"),
    "coinm": ("LIMIT", "MARKET"),
}
_TIFS = ("GTC", "IOC", "FOK", "GTX")


def _check_precision(spec: SymbolSpec, value: Decimal, places: int) -> None:
    exponent = value.normalize().as_tuple().exponent
    if spec.inverse and isinstance(exponent, int) and -exponent > places:
        raise SimError(-1111, "Precision is over the maximum defined for this asset.")


def check_quantity(spec: SymbolSpec, quantity: Decimal, order_type: str) -> None:
    """LOT_SIZE / MARKET_LOT_SIZE: quantity > 0, ≥ minQty, ≤ maxQty, on the step grid."""
    _check_precision(spec, quantity, spec.qty_precision)
    if quantity <= 0:
        if spec.market != "spot":
            raise SimError(-4003, "Quantity less than or equal to zero.")
        raise SimError(-1013, "Invalid quantity.")
    max_qty = spec.market_max_qty if order_type == "MARKET" else spec.max_qty
    name = "MARKET_LOT_SIZE" if order_type == "MARKET" else "LOT_SIZE"
    if quantity < spec.min_qty or quantity > max_qty:
        raise filter_failure(name)
    if (quantity - spec.min_qty) % spec.step != 0:
        raise filter_failure(name)


def check_price(spec: SymbolSpec, price: Decimal) -> None:
    """PRICE_FILTER: price > 0, within [minPrice, maxPrice], on the tick grid."""
    _check_precision(spec, price, spec.price_precision)
    if price <= 0:
        if spec.market != "spot":
            raise SimError(-4001, "Price less than 0.")
        raise SimError(-1013, "Invalid price.")
    if price < spec.min_price or price > spec.max_price:
        raise filter_failure("PRICE_FILTER")
    if (price - spec.min_price) % spec.tick != 0:
        raise filter_failure("PRICE_FILTER")


def check_order_params(
    spec: SymbolSpec,
    *,
    side: str,
    order_type: str,
    quantity: Decimal | None,
    price: Decimal | None,
    time_in_force: str | None,
) -> str:
    """Validate an order's shape and filters; returns the effective timeInForce."""
    if side not in ("BUY", "SELL"):
        raise bad_param("side", f"{side!r} (expected BUY or SELL)")
    if order_type not in ORDER_TYPES[spec.market]:
        raise SimError(-1116, "Invalid orderType.")
    if quantity is None:
        raise mandatory_param("quantity")
    check_quantity(spec, quantity, order_type)
    if order_type == "MARKET":
        return "GTC"
    if price is None:
        raise mandatory_param("price")
    check_price(spec, price)
    if order_type == "LIMIT_MAKER":
        return "GTC"
    if time_in_force is None:
        raise mandatory_param("timeInForce")
    allowed = _TIFS if spec.market != "spot" else _TIFS[:3]
    if time_in_force not in allowed:
        raise bad_param("timeInForce", f"{time_in_force!r} (expected one of {', '.join(allowed)})")
    return time_in_force
