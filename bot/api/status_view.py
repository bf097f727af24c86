"""Client side of the API for the CLI: `hedgebot status`, `hedgebot pause` / `resume`.

`fetch_status` and `post_control` raise `ApiClientError` with a message meant for the
terminal (the CLI prints it and exits non-zero); `render_status` draws /status with rich.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import aiohttp
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.domain.numbers import at_tick, plain

__all__ = [
    "DEFAULT_URL",
    "ApiClientError",
    "fetch_status",
    "post_control",
    "post_tranche",
    "render_status",
]

DEFAULT_URL = "http://127.0.0.1:8080"
_TIMEOUT = aiohttp.ClientTimeout(total=10)


class ApiClientError(Exception):
    """The daemon's API could not be used; the message says what to do."""


def _not_running(url: str) -> ApiClientError:
    return ApiClientError(
        f"no hedgebot API at {url}: is the daemon running? (api.enabled, api.port)"
    )


async def _request(
    method: str, url: str, *, json: Any = None, headers: Mapping[str, str] | None = None
) -> tuple[int, Any]:
    try:
        async with (
            aiohttp.ClientSession(timeout=_TIMEOUT) as session,
            session.request(method, url, json=json, headers=headers) as response,
        ):
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = None
            return response.status, body
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        raise _not_running(url.rsplit("/", 1)[0]) from exc
    except aiohttp.InvalidURL as exc:
        raise ApiClientError(f"{url!r} is not a valid URL (use e.g. {DEFAULT_URL})") from exc


async def fetch_status(url: str = DEFAULT_URL) -> dict[str, Any]:
    """GET {url}/status → the daemon's status document."""
    base = url.rstrip("/")
    status, body = await _request("GET", f"{base}/status")
    if status != 200 or not isinstance(body, dict):
        raise ApiClientError(f"{base}/status answered HTTP {status}: {_message(body)}")
    return body


async def post_control(
    url: str, action: Literal["pause", "resume"], hedge: str | None, token: str | None
) -> dict[str, Any]:
    """POST {url}/{action} for one hedge (None = every hedge) with the bearer token."""
    if action not in ("pause", "resume"):
        raise ValueError(f"action {action!r} is not 'pause' or 'resume'")
    return await _post(url, action, {"hedge": hedge} if hedge else {}, token)


async def post_tranche(
    url: str, hedge: str, number: int | None, token: str | None
) -> dict[str, Any]:
    """POST {url}/tranche: arm manual tranche `number` (None: the next one) of `hedge`."""
    body: dict[str, Any] = {"hedge": hedge} | ({"tranche": number} if number else {})
    return await _post(url, "tranche", body, token)


async def _post(
    url: str, action: str, payload: dict[str, Any], token: str | None
) -> dict[str, Any]:
    if not token:
        raise ApiClientError("set HEDGEBOT_API_TOKEN to the daemon's token")
    status, body = await _request(
        "POST",
        f"{url.rstrip('/')}/{action}",
        json=payload,
        headers={"Authorization": f"Bearer {token}"},
    )
    if status == 200 and isinstance(body, dict):
        return body
    if status == 401:
        raise ApiClientError("set HEDGEBOT_API_TOKEN to the daemon's token (it was refused)")
    raise ApiClientError(f"{action} failed (HTTP {status}): {_message(body)}")


def _message(body: Any) -> str:
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"])
    return "unexpected answer; is that a hedgebot API?"


# --- rendering -----------------------------------------------------------------------------

_DASH = "—"
_MAX_PLACES = Decimal("1E-8")  # a price with no tick to round to keeps at most 8 decimals


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _plain(value: Any) -> str:
    """A number as the daemon sent it, in digits without trailing zeros ('0.50000' → '0.5',
    '1.8E+3' → '1800')."""
    number = _dec(value)
    if number is None:
        return _DASH if value is None else str(value)
    return plain(number)


def _price(value: Any, tick: Decimal | None) -> str:
    """A price at the market's tick ('97039.950248…' → '97040.0' for a 0.1 tick); without a
    tick (an older daemon) at most 8 decimals."""
    number = _dec(value)
    if number is None:
        return _plain(value)
    if tick is not None and tick > 0:
        return at_tick(number, tick)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -8:
        number = number.quantize(_MAX_PLACES)
    return plain(number)


def _pct(value: Any, *, sign: str = "") -> str:
    """A fraction as a percentage: 0.985 → '98.5 %'."""
    number = _dec(value)
    return _DASH if number is None else f"{sign}{number * 100:.1f} %"


def _orders(orders: Any, tick: Decimal | None) -> str:
    if not orders:
        return _DASH
    if not isinstance(orders, Sequence) or isinstance(orders, str):
        return str(orders)
    lines = []
    for order in orders:
        if not isinstance(order, Mapping):
            lines.append(str(order))
            continue
        amount, price = _plain(order.get("amount")), _price(order.get("price"), tick)
        text = f"{order.get('side', '?')} {amount} @ {price}"
        lines.append(text + (" RO" if order.get("reduce_only") else ""))
    return "\n".join(lines)


def _state(hedge: Mapping[str, Any]) -> str:
    grade = hedge.get("risk_grade")
    if isinstance(grade, int) and not isinstance(grade, bool):
        from bot.api.ports import RISK_GRADES  # local: keeps the view importable standalone

        grade = RISK_GRADES[grade] if 0 <= grade < len(RISK_GRADES) else grade
    parts = []
    if hedge.get("paused"):
        reason = hedge.get("pause_reason")
        parts.append(f"[bold yellow]paused[/]{f' ({escape(str(reason))})' if reason else ''}")
    if hedge.get("roll"):  # "rolling A → B (x of y moved)"
        parts.append(f"[cyan]{escape(str(hedge['roll']))}[/]")
    if grade not in (None, "ok"):
        colour = "red" if grade in ("delever", "reduce") else "yellow"
        parts.append(f"[{colour}]risk {grade}[/]")
    return ", ".join(parts) or "[green]ok[/]"


# (column, right-aligned, cell) in display order; `_NARROW` is what fits 80 columns.
_Cell = Callable[[Mapping[str, Any], Decimal | None], str]
_CELLS: dict[str, tuple[bool, _Cell]] = {
    "spot": (True, lambda h, t: _plain(h.get("spot"))),
    "perp": (True, lambda h, t: _plain(h.get("perp"))),
    "long leg": (True, lambda h, t: _plain(h.get("long_leg"))),
    "ratio": (True, lambda h, t: _pct(h.get("ratio"))),
    "target": (True, lambda h, t: _pct(h.get("target"))),
    "target reason": (False, lambda h, t: escape(str(h.get("target_reason") or _DASH))),
    "band": (True, lambda h, t: _pct(h.get("band"), sign="±")),
    "mark": (True, lambda h, t: _price(h.get("mark"), t)),
    "open orders": (False, lambda h, t: _orders(h.get("open_orders"), t)),
    "margin ratio": (True, lambda h, t: _pct(h.get("margin_ratio"))),
    "liq price": (True, lambda h, t: _price(h.get("liquidation_price"), t)),
    "liq dist": (True, lambda h, t: _pct(h.get("liquidation_distance"))),
    "funding": (True, lambda h, t: _plain(h.get("funding_total"))),
    "last action": (False, lambda h, t: escape(str(h.get("last_action") or _DASH))),
    "state": (False, lambda h, t: _state(h)),
}
_NARROW = ("spot", "perp", "ratio", "target", "liq price", "liq dist", "state")


def _columns(hedges: Mapping[str, Mapping[str, Any]], wide: bool) -> list[str]:
    if not wide:
        return list(_NARROW)
    has_long = any(_has_long_leg(h) for h in hedges.values())
    return [c for c in _CELLS if c != "long leg" or has_long]


def _hedges_table(hedges: Mapping[str, Mapping[str, Any]], wide: bool) -> Table:
    table = Table(title="hedges", title_justify="left", box=None if not wide else box.HEAVY_HEAD)
    columns = _columns(hedges, wide)
    table.add_column("hedge")
    for column in columns:
        table.add_column(column, justify="right" if _CELLS[column][0] else "left")
    for name, hedge in sorted(hedges.items()):
        tick = _dec(hedge.get("price_tick"))
        cells = [_CELLS[column][1](hedge, tick) for column in columns]
        table.add_row(f"[bold]{name}[/]", *cells)
    return table


def _has_long_leg(hedge: Mapping[str, Any]) -> bool:
    return bool(_dec(hedge.get("long_leg")))


def _activity(hedges: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The narrow layout's lines for what the table leaves out: why the target is what it
    is, a hedge-mode LONG leg, the partners of a basket, resting orders, last action."""
    lines = []
    for name, hedge in sorted(hedges.items()):
        if hedge.get("target_reason"):
            lines.append(f"[bold]{name}[/] target: {escape(str(hedge['target_reason']))}")
        if " + " in str(hedge.get("holding") or ""):  # several parts: say where the coins are
            lines.append(f"[bold]{name}[/] holding: {escape(str(hedge['holding']))}")
        if hedge.get("beta_text"):  # an estimated beta: the fit in use
            lines.append(f"[bold]{name}[/] {escape(str(hedge['beta_text']))}")
        if _has_long_leg(hedge):
            lines.append(f"[bold]{name}[/] long leg: {_plain(hedge['long_leg'])} (not traded)")
        basket = hedge.get("basket")
        if isinstance(basket, Mapping) and basket.get("partners"):
            partners = ", ".join(str(p) for p in basket["partners"])
            share = _pct(basket.get("share"))
            lines.append(
                f"[bold]{name}[/] basket: shares its perp with {escape(partners)} ({share})"
            )
        tick = _dec(hedge.get("price_tick"))
        orders = _orders(hedge.get("open_orders"), tick)
        if orders != _DASH:
            lines.append(f"[bold]{name}[/] open: {orders.replace(chr(10), ', ')}")
        if hedge.get("last_action"):
            lines.append(f"[bold]{name}[/] last: {escape(str(hedge['last_action']))}")
    return lines


def _header(status: Mapping[str, Any], now: float) -> str:
    parts = [f"hedgebot {status.get('version', '?')}"]
    started = _dec(status.get("started_at"))
    if started is not None:
        parts.append(f"up {_duration(now - float(started))}")
    if status.get("dry_run"):
        parts.append("[bold magenta]DRY RUN: nothing is sent to the venue[/]")
    if status.get("paused"):
        parts.append("[bold yellow]ALL HEDGES PAUSED[/]")
    return " · ".join(parts)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return (
        f"{days}d {hours}h" if days else f"{hours}h {minutes}m" if hours else f"{minutes}m {secs}s"
    )


def _accounts_table(accounts: Mapping[str, Any], wide: bool) -> Table:
    table = Table(title="accounts", title_justify="left", box=None if not wide else box.HEAVY_HEAD)
    columns = ["account", "exchange", "mode", "breaker", "failures", "last error"]
    for column in columns if wide else [c for c in columns if c != "failures"]:
        table.add_column(column)
    for name, account in sorted(accounts.items()):
        info = account if isinstance(account, Mapping) else {}
        breaker = str(info.get("breaker", _DASH))
        row = [
            name,
            str(info.get("exchange", _DASH)),
            str(info.get("mode", _DASH)),
            f"[red]{breaker}[/]" if breaker != "closed" else breaker,
            str(info.get("consecutive_failures", _DASH)),
            escape(str(info.get("last_error") or _DASH)),
        ]
        table.add_row(*(row if wide else row[:4] + row[5:]))
    return table


def render_status(
    status: Mapping[str, Any], console: Console, *, now: float | None = None, wide: bool = False
) -> None:
    """Print /status as a header line, a hedges table and an accounts table.

    The default layout fits an 80-column terminal (spot, perp, ratio, target, liquidation
    price and distance, state; then one line per resting order and last action); `wide`
    shows every figure as table columns. Ratios, band, margin ratio and liquidation
    distance are percentages; prices are rounded to the market's tick (`price_tick`);
    amounts are shown in digits, never in scientific notation. `now` (epoch s) is
    injectable for the uptime.
    """
    console.print(_header(status, time.time() if now is None else now))
    raw = status.get("hedges") or {}
    hedges = {name: h if isinstance(h, Mapping) else {} for name, h in raw.items()}
    if not hedges:
        console.print("no hedges configured")
    else:
        console.print(_hedges_table(hedges, wide))
        for line in [] if wide else _activity(hedges):
            console.print(line)
    accounts = status.get("accounts") or {}
    if accounts:
        console.print(_accounts_table(accounts, wide))
