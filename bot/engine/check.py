"""`hedgebot check`: the checks themselves, each one result line with a fix when it fails.

Local checks (journal path, API port, notify URLs) touch nothing. Venue checks read balances,
markets and the quote, and set margin mode and leverage (idempotent: the daemon sets the same
values before its first order). Nothing is ever placed or cancelled.
"""

from __future__ import annotations

import difflib
import os
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

from bot.config import Settings
from bot.domain.contracts import contracts_for_base, notional, order_size_problem, round_amount_down
from bot.domain.hedge import HedgePolicy
from bot.domain.model import Balance, Market, MarketKind
from bot.domain.numbers import plain as _n
from bot.exchange.errors import AuthError, ExchangeError, MarketNotFound, NotSupported
from bot.exchange.port import ApiRestrictions, Exchange

__all__ = [
    "PORT_FIX",
    "Level",
    "Line",
    "account_fix",
    "api_port_line",
    "asset_line",
    "dust_line",
    "journal_line",
    "key_lines",
    "leverage_line",
    "notify_lines",
    "perp_line",
    "port_problem",
]


class Level(Enum):
    OK = "ok"
    WARN = "warn"  # worth knowing; does not fail the check
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Line:
    """One check result: what was checked and, unless OK, how to fix it."""

    level: Level
    text: str
    fix: str = ""


def ok(text: str) -> Line:
    return Line(Level.OK, text)


def warn(text: str, fix: str = "") -> Line:
    return Line(Level.WARN, text, fix)


def fail(text: str, fix: str) -> Line:
    return Line(Level.FAIL, text, fix)


# --- local ---------------------------------------------------------------------------------


def journal_line(path: Path) -> Line:
    """Is `journal.path` writable? Checked without creating the file (SQLite also needs to
    create its -wal/-shm files next to it, so the directory must be writable too)."""
    directory = path.parent if str(path.parent) else Path(".")
    where = f"journal.path: {path}"
    if path.exists() and not path.is_file():
        return fail(f"{where} is not a file", "point journal.path at a file name")
    if not directory.is_dir():
        return fail(f"{where}: directory {directory} does not exist", "create it first")
    if not os.access(directory, os.W_OK | os.X_OK):
        return fail(f"{where}: directory {directory} is not writable", "fix its permissions")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return fail(f"{where} is not writable", "fix its permissions")
    return ok(f"{where} is writable{'' if path.exists() else ' (will be created)'}")


PORT_FIX = "is a daemon already running? otherwise set api.port to a free port (0 = any)"


def port_problem(host: str, port: int) -> str | None:
    """Why the API could not bind host:port now (e.g. 'Address already in use'), or None.
    Port 0 (any free port) never has one."""
    if port == 0:
        return None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
            probe.bind(address)
    except OSError as exc:
        return str(exc.strerror or exc)
    return None


def api_port_line(enabled: bool, host: str, port: int) -> Line:
    """Can the API bind host:port? A taken port is a warning (a daemon may already run)."""
    if not enabled:
        return ok("api: disabled")
    if port == 0:
        return ok(f"api: {host}, any free port")
    problem = port_problem(host, port)
    if problem:
        return warn(f"api: cannot bind {host}:{port} ({problem})", PORT_FIX)
    return ok(f"api: {host}:{port} is free")


def notify_lines(urls: tuple[str, ...]) -> Iterator[Line]:
    """Every notify URL must be one apprise understands."""
    if not urls:
        yield ok("notify: no URLs (alerts go to the log only)")
        return
    from bot.notify.alerts import AppriseSender
    from bot.notify.redact import redact_url

    bad = 0
    for i, url in enumerate(urls):
        try:
            AppriseSender([url])
        except ValueError:
            bad += 1
            yield fail(
                f"notify.urls[{i}]: {redact_url(url)!r} is not a URL apprise understands",
                "see https://github.com/caronc/apprise/wiki for the formats",
            )
    if not bad:
        yield ok(f"notify: {len(urls)} URL(s) parse")


# --- venue ---------------------------------------------------------------------------------


def account_fix(name: str, settings: Settings, exc: BaseException) -> str:
    """What the operator should do about `exc` raised while using account `name`."""
    account = settings.accounts[name]
    upper = name.upper()
    if isinstance(exc, AuthError):
        return (
            f"check HEDGEBOT_ACCOUNTS__{upper}__API_KEY / __SECRET and that the key may trade "
            "spot and futures"
        )
    if isinstance(exc, NotSupported):
        return f"fix accounts.{name}.exchange / mode"
    if account.mode is not None and account.mode.value == "sim" and account.url:
        return f"is the simulator running at {account.url}? (hedgebot sim --port ...)"
    return f"is {account.exchange} reachable from here? (network, accounts.{name}.mode)"


def key_lines(
    name: str, restrictions: ApiRestrictions, *, allow_withdrawal: bool, trades_futures: bool
) -> list[Line]:
    """What the venue says the account's API key may do, judged: a key that can withdraw fails
    unless `accounts.<name>.allow_withdrawal_keys` (a hedging bot never withdraws); a key that
    may not trade futures fails when the account holds a perp leg; unknown is a warning."""
    where = f"accounts.{name}: API key"
    lines: list[Line] = []
    if restrictions.can_withdraw is None:
        lines.append(
            warn(
                f"{where}: the venue does not say whether it can withdraw",
                "make sure the key has no withdrawal permission",
            )
        )
    elif restrictions.can_withdraw and not allow_withdrawal:
        lines.append(
            fail(
                f"{where} can withdraw funds (withdrawals enabled on the key)",
                "create a key without withdrawal permission (hedgebot never withdraws), or "
                f"set accounts.{name}.allow_withdrawal_keys: true",
            )
        )
    elif restrictions.can_withdraw:
        lines.append(warn(f"{where} can withdraw funds (allowed by allow_withdrawal_keys)"))
    else:
        lines.append(ok(f"{where} cannot withdraw"))
    if trades_futures and restrictions.can_trade_futures is False:
        lines.append(fail(f"{where} may not trade futures", "enable futures trading on the key"))
    return lines


def _perpetuals(markets: Mapping[str, Market]) -> list[str]:
    return sorted(s for s, m in markets.items() if m.kind is not MarketKind.SPOT)


def perp_line(hedge: str, symbol: str, markets: Mapping[str, Market]) -> Line:
    """The perp symbol exists and is a linear or inverse perpetual."""
    where = f"hedges.{hedge}.perp.symbol: {symbol}"
    market = markets.get(symbol)
    if market is None:
        close = difflib.get_close_matches(symbol, _perpetuals(markets), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "use a unified perpetual symbol"
        return fail(f"{where} is not a market on this venue", f"{hint} (e.g. BTC/USDT:USDT)")
    if market.kind is MarketKind.SPOT:
        return fail(
            f"{where} is a spot market, not a perpetual",
            f"use the perpetual, e.g. {market.base}/{market.quote}:{market.quote}",
        )
    unit = market.base if market.kind is MarketKind.LINEAR else market.quote
    size = f"contract {_n(market.contract_size)} {unit}, step {_n(market.amount_step)}"
    if market.expiry_ms is not None:
        when = datetime.fromtimestamp(market.expiry_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
        return ok(
            f"{where}: {market.kind.value} dated future delivering {when} UTC (bought back in "
            f"its last hour), {size}"
        )
    return ok(f"{where}: {market.kind.value} perpetual, {size}")


def asset_line(
    hedge: str, asset: str, spot: Mapping[str, Balance], markets: Mapping[str, Market]
) -> Line:
    """The spot asset is known on the account: a balance entry or a spot market's base."""
    where = f"hedges.{hedge}.spot.asset: {asset}"
    balance = spot.get(asset)
    if balance is not None and balance.total > 0:
        return ok(f"{where}: {_n(balance.total)} held in the spot wallet")
    known = balance is not None or any(
        m.kind is MarketKind.SPOT and m.base == asset for m in markets.values()
    )
    if not known:
        return fail(
            f"{where} is not an asset on this venue (no balance, no spot market)",
            "use the venue's asset code (e.g. BTC, ETH)",
        )
    return warn(f"{where}: none held yet", "the hedge stays flat until the spot wallet holds some")


async def leverage_line(exchange: Exchange, policy: HedgePolicy, market: Market) -> Line:
    """Leverage within the market's maximum (when known), then margin mode and leverage set."""
    symbol = policy.perp_symbol
    where = f"hedges.{policy.name}: {policy.margin_mode.value} margin, {policy.leverage}×"
    bracket_max = None
    try:
        brackets = await exchange.fetch_margin_brackets(symbol)
        bracket_max = max((b.max_leverage or 0 for b in brackets), default=0) or None
    except ExchangeError:
        pass  # not every venue publishes brackets; the venue still refuses a bad leverage
    top = market.max_leverage or bracket_max
    if top is not None and policy.leverage > top:
        return fail(f"{where}: {symbol} allows at most {top}×", f"set leverage ≤ {top}")
    try:
        await exchange.set_margin_mode(symbol, policy.margin_mode)
        await exchange.set_leverage(symbol, policy.leverage)
    except MarketNotFound as exc:
        return fail(f"{where}: {exc}", "fix the perp symbol")
    except ExchangeError as exc:
        return fail(
            f"{where} could not be set on {symbol}: {exc}",
            "margin mode cannot change while a position or order is open on the symbol; "
            "close them or use the mode the position already has",
        )
    return ok(f"{where} set on {symbol}" + (f" (max {top}×)" if top else ""))


def dust_line(policy: HedgePolicy, market: Market, spot: Decimal, quote_price: Decimal) -> Line:
    """Warn when the whole target short is below the venue's minimum order: it would be dust."""
    target = policy.target_ratio * policy.spot_exposure(max(spot, Decimal(0)))
    where = f"hedges.{policy.name}: target short {_n(target)} {market.base}"
    if target <= 0:
        return ok(f"hedges.{policy.name}: target short is 0 (nothing to trade yet)")
    contracts = round_amount_down(market, contracts_for_base(market, target, quote_price))
    value = notional(market, contracts, quote_price)
    problem = (
        order_size_problem(market, contracts, quote_price)
        if contracts > 0
        else f"it rounds to 0 contracts (step {market.amount_step})"
    )
    if problem and "maximum" not in problem:  # above the maximum is sliced, not dust
        return warn(
            f"{where} is below the venue's minimum order: {problem}",
            "the hedge would be dust and is never traded; hold more or drop the hedge",
        )
    minimum = f"min {_n(market.min_notional)}" if market.min_notional else "no minimum"
    return ok(f"{where} ≈ {value:.2f} {market.quote} ({_n(contracts)} contracts; {minimum})")
