"""How a Decimal reads in text meant for people (notes, reasons, CLI lines): positional
notation, never scientific. `str(Decimal)` and `Decimal.normalize()` switch to exponents for
large round numbers and tiny ones (`Decimal("1800").normalize()` is `1.8E+3`,
`Decimal("0.00000001")` is `1E-8`), which an operator should never have to decode.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

__all__ = ["at_tick", "plain"]


def plain(value: Decimal) -> str:
    """`value` in positional notation without trailing zeros: 1.8E+3 → '1800',
    2.50 → '2.5', -0 → '0'. Non-finite values keep their name ('NaN', 'Infinity')."""
    if not value.is_finite():
        return str(value)
    text = f"{value:f}"  # not normalize(): it rounds to the context's 28 digits
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text


def at_tick(value: Decimal, tick: Decimal) -> str:
    """`value` rounded (half-even) to a multiple of `tick` and shown with the tick's decimals:
    97039.950248…: tick 0.10 → '97040.0', tick 0.01 → '97039.95', tick 5 → '97040'.
    A non-positive or non-finite tick leaves the value as `plain` shows it."""
    if not value.is_finite() or not tick.is_finite() or tick <= 0:
        return plain(value)
    steps = (value / tick).to_integral_value(rounding=ROUND_HALF_EVEN)
    exponent = tick.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    rounded = (steps * tick).quantize(Decimal(1).scaleb(-places))
    text = f"{rounded:f}"
    return text[1:] if text.startswith("-") and rounded == 0 else text
