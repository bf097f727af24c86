"""Client side of the API for the CLI: `hedgebot status`, `hedgebot pause` / `resume`.

`fetch_status` and `post_control` raise `ApiClientError` with a message meant for the
terminal (the CLI prints it and exits non-zero); `render_status` draws /status with rich.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import aiohttp
from rich.console import Console
from rich.table import Table

__all__ = ["DEFAULT_URL", "ApiClientError", "fetch_status", "post_control", "render_status"]

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
    if not token:
        raise ApiClientError("set HEDGEBOT_API_TOKEN to the daemon's token")
    base = url.rstrip("/")
    status, body = await _request(
        "POST",
        f"{base}/{action}",
        json={"hedge": hedge} if hedge else {},
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


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _plain(value: Any) -> str:
    """A number as the daemon sent it, trailing zeros dropped ('0.50000' → '0.5')."""
    number = _dec(value)
    if number is None:
        return _DASH if value is None else str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pct(value: Any, *, sign: str = "") -> str:
    """A fraction as a percentage: 0.985 → '98.5 %'."""
    number = _dec(value)
    return _DASH if number is None else f"{sign}{number * 100:.1f} %"


def _orders(orders: Any) -> str:
    if not orders:
        return _DASH
    if not isinstance(orders, Sequence) or isinstance(orders, str):
        return str(orders)
    lines = []
    for order in orders:
        if not isinstance(order, Mapping):
            lines.append(str(order))
            continue
        text = (
            f"{order.get('side', '?')} {_plain(order.get('amount'))} @ {_plain(order.get('price'))}"
        )
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
        parts.append(f"[bold yellow]paused[/]{f' ({reason})' if reason else ''}")
    if grade not in (None, "ok"):
        colour = "red" if grade in ("delever", "reduce") else "yellow"
        parts.append(f"[{colour}]risk {grade}[/]")
    return ", ".join(parts) or "[green]ok[/]"


_COLUMNS = (
    "hedge", "spot", "perp", "ratio", "target", "band", "open orders", "margin ratio",
    "liq price", "liq dist", "funding", "last action", "state",
)  # fmt: skip


def _hedge_row(name: str, hedge: Mapping[str, Any]) -> list[str]:
    return [
        f"[bold]{name}[/]",
        _plain(hedge.get("spot")),
        _plain(hedge.get("perp")),
        _pct(hedge.get("ratio")),
        _pct(hedge.get("target")),
        _pct(hedge.get("band"), sign="±"),
        _orders(hedge.get("open_orders")),
        _pct(hedge.get("margin_ratio")),
        _plain(hedge.get("liquidation_price")),
        _pct(hedge.get("liquidation_distance")),
        _plain(hedge.get("funding_total")),
        str(hedge.get("last_action") or _DASH),
        _state(hedge),
    ]


def _header(status: Mapping[str, Any], now: float) -> str:
    parts = [f"hedgebot {status.get('version', '?')}"]
    started = _dec(status.get("started_at"))
    if started is not None:
        parts.append(f"up {_duration(now - float(started))}")
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


def _accounts_table(accounts: Mapping[str, Any]) -> Table:
    table = Table(title="accounts", title_justify="left")
    for column in ("account", "exchange", "mode", "breaker", "failures", "last error"):
        table.add_column(column)
    for name, account in sorted(accounts.items()):
        info = account if isinstance(account, Mapping) else {}
        breaker = str(info.get("breaker", _DASH))
        table.add_row(
            name,
            str(info.get("exchange", _DASH)),
            str(info.get("mode", _DASH)),
            f"[red]{breaker}[/]" if breaker != "closed" else breaker,
            str(info.get("consecutive_failures", _DASH)),
            str(info.get("last_error") or _DASH),
        )
    return table


def render_status(status: Mapping[str, Any], console: Console, *, now: float | None = None) -> None:
    """Print /status as a header line, a hedges table and an accounts table.

    Ratios, band, margin ratio and liquidation distance are shown as percentages; amounts
    and prices as the daemon sent them; `now` (epoch s) is injectable for the uptime.
    """
    console.print(_header(status, time.time() if now is None else now))
    hedges = status.get("hedges") or {}
    table = Table(title="hedges", title_justify="left")
    for column in _COLUMNS:
        table.add_column(column, justify="right" if column in _COLUMNS[1:6] else "left")
    for name, hedge in sorted(hedges.items()):
        table.add_row(*_hedge_row(name, hedge if isinstance(hedge, Mapping) else {}))
    if not hedges:
        console.print("no hedges configured")
    else:
        console.print(table)
    accounts = status.get("accounts") or {}
    if accounts:
        console.print(_accounts_table(accounts))
