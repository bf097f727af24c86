"""Binance's quarterly delivery schedule and the basis model of the simulated quarterlies.

Deliveries are on the last Friday of March, June, September and December at 08:00 UTC. At any
simulated time the venue lists two quarterlies per pair: the CURRENT_QUARTER (the first
delivery strictly after now) and the NEXT_QUARTER (the one after). A contract is onboarded when
the delivery two quarters before its own happens (that is when it becomes the next quarter) and
leaves the listing at its own delivery. Symbols carry the delivery date: `BTCUSDT_261225`.

Price model: `future = index × (1 + basis × τ / year)` with `basis` annualised (0.08 = 8 %/yr)
and τ the time left to delivery, so the premium decays linearly to zero at expiry.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from decimal import Decimal

__all__ = [
    "DEFAULT_BASIS",
    "YEAR_MS",
    "contract_type",
    "deliveries_between",
    "delivery_ms",
    "fair_price",
    "listed_deliveries",
    "onboard_ms",
    "parse_suffix",
    "suffix",
]

DEFAULT_BASIS = Decimal("0.08")  # annualised basis of the quarterlies over their index
YEAR_MS = 365 * 24 * 3600 * 1000
_QUARTER_MONTHS = (3, 6, 9, 12)
_DELIVERY_HOUR_UTC = 8
_FRIDAY = 4


def delivery_ms(year: int, month: int) -> int:
    """Epoch ms of the last Friday of `month` at 08:00 UTC."""
    last_day = calendar.monthrange(year, month)[1]
    day = last_day - (calendar.weekday(year, month, last_day) - _FRIDAY) % 7
    moment = datetime(year, month, day, _DELIVERY_HOUR_UTC, tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _quarter_of(now_ms: int) -> tuple[int, int]:
    """(year, quarter month) of the quarter `now_ms` falls in (by calendar month)."""
    moment = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    return moment.year, _QUARTER_MONTHS[(moment.month - 1) // 3]


def _following(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 3) if month == 12 else (year, month + 3)


def _preceding(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 3 else (year, month - 3)


def _deliveries_from(now_ms: int) -> list[int]:
    """The two deliveries strictly after `now_ms`, nearest first."""
    year, month = _quarter_of(now_ms)
    out: list[int] = []
    while len(out) < 2:
        when = delivery_ms(year, month)
        if when > now_ms:
            out.append(when)
        year, month = _following(year, month)
    return out


def listed_deliveries(now_ms: int) -> tuple[int, int]:
    """(current quarter, next quarter) delivery times listed at `now_ms`."""
    current, following = _deliveries_from(now_ms)
    return current, following


def deliveries_between(start_ms: int, end_ms: int) -> list[int]:
    """Every delivery time in (start_ms, end_ms], oldest first."""
    out = []
    when = listed_deliveries(start_ms)[0]
    while when <= end_ms:
        out.append(when)
        when = listed_deliveries(when)[0]
    return out


def onboard_ms(delivery: int) -> int:
    """When the contract delivering at `delivery` is listed: two deliveries before it."""
    moment = datetime.fromtimestamp(delivery / 1000, tz=UTC)
    year, month = _preceding(*_preceding(moment.year, moment.month))
    return delivery_ms(year, month)


def contract_type(delivery: int, now_ms: int) -> str | None:
    """CURRENT_QUARTER / NEXT_QUARTER at `now_ms`; None when not listed then."""
    current, following = listed_deliveries(now_ms)
    return {current: "CURRENT_QUARTER", following: "NEXT_QUARTER"}.get(delivery)


def suffix(delivery: int) -> str:
    """The symbol suffix of a delivery: 1798185600000 → "261225"."""
    return datetime.fromtimestamp(delivery / 1000, tz=UTC).strftime("%y%m%d")


def parse_suffix(text: str) -> int | None:
    """The delivery time a symbol suffix names ("261225"), None unless it is a quarterly
    delivery date (the last Friday of Mar/Jun/Sep/Dec)."""
    if len(text) != 6 or not text.isdigit():
        return None
    year, month, day = 2000 + int(text[:2]), int(text[2:4]), int(text[4:])
    if month not in _QUARTER_MONTHS:
        return None
    when = delivery_ms(year, month)
    return when if datetime.fromtimestamp(when / 1000, tz=UTC).day == day else None


def fair_price(index: Decimal, basis: Decimal, delivery: int, now_ms: int) -> Decimal:
    """Quarterly price before rounding: `index × (1 + basis × τ/year)`, τ = time to
    delivery (never negative), `basis` annualised (fraction)."""
    remaining = max(0, delivery - now_ms)
    return index * (1 + basis * Decimal(remaining) / YEAR_MS)
