"""Before the first cycle: refuse a start the user can fix, journal the config version,
restore operator pauses.

Every refusal is a `StartupError`: one message naming the account or the field, and an exit
code from the table below (`hedgebot --help` shows it too). `startup_failure` turns whatever a
start raised (a venue error, a taken port) into one, so `hedgebot run` never shows a traceback
for a mistake in the config, the keys or the network.

| exit | meaning                                                                      |
|------|------------------------------------------------------------------------------|
| 2    | configuration: bad YAML or field, exchange/mode pair the venue does not      |
|      | offer, a symbol the venue does not list, a position mode it refused          |
| 3    | API keys: missing, refused by the venue, able to withdraw, not allowed       |
|      | to trade futures                                                             |
| 4    | venue unreachable (network, venue down, simulator not running)               |
| 5    | local: the API port is taken, the journal cannot be opened                   |
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import structlog

from bot.config import Settings, config_fingerprint, redacted_dump
from bot.exchange.errors import AuthError, ExchangeError, MarketNotFound, NotSupported

from .check import PORT_FIX, Level, account_fix, key_lines, perp_line, port_problem
from .dated_resolve import held_from_journal, refresh_dated
from .roll_inputs import done_from_journal

if TYPE_CHECKING:  # the CLI imports StartupError for every command: keep ccxt out of it
    from .runtime import Runtime

__all__ = [
    "EXIT_CONFIG",
    "EXIT_KEYS",
    "EXIT_LOCAL",
    "EXIT_VENUE",
    "StartupError",
    "prepare",
    "startup_failure",
]

log = structlog.get_logger(__name__)

EXIT_CONFIG = 2
EXIT_KEYS = 3
EXIT_VENUE = 4
EXIT_LOCAL = 5


class StartupError(Exception):
    """The daemon cannot start for a reason the user can fix. `str()` names the account or
    the field and says what to do; `exit_code` is one of the EXIT_* codes."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


async def prepare(rt: Runtime) -> None:
    """Refuse what cannot work (API port, keys, symbols, position mode), then journal the
    config version, restore operator pauses and load every account's markets."""
    settings = rt.settings
    _check_api_port(settings)
    for exchange in rt.exchanges.values():
        await exchange.load_markets()
    await _resolve_series(rt)
    await _check_accounts(rt)
    rt.journal.record_config(config_fingerprint(settings), redacted_dump(settings))
    paused = rt.journal.paused_hedges(list(settings.hedges))
    rt.state.restore_pauses(paused)
    if paused:
        log.warning("daemon.pauses_restored", hedges=sorted(paused))


async def _resolve_series(rt: Runtime) -> None:
    """Each `future.series` hedge's contract from the listings; none listed is a config error."""
    held_from_journal(rt)
    done_from_journal(rt)  # the last cycle ended a roll: hold the new contract, not the old
    for name, series in (await refresh_dated(rt, ask_venue=True)).items():
        raise StartupError(
            f"hedges.{name}.future.series: the venue lists no open contract of {series} "
            "(check the series, or use future.symbol for a fixed contract)",
            EXIT_CONFIG,
        )


_HOST_FIX = "set api.host to an address of this machine (e.g. 127.0.0.1) and api.port to one "
_HOST_FIX += "this user may bind (1024 or above)"


def _api_failure(where: str, problem: str) -> StartupError:
    in_use = "in use" in problem.lower()
    field, fix = ("api.port", PORT_FIX) if in_use else ("api.host / api.port", _HOST_FIX)
    return StartupError(f"{field}: cannot listen on {where} ({problem}): {fix}", EXIT_LOCAL)


def _check_api_port(settings: Settings) -> None:
    api = settings.api
    problem = port_problem(api.host, api.port) if api.enabled else None
    if problem:
        raise _api_failure(f"{api.host}:{api.port}", problem)


async def _check_accounts(rt: Runtime) -> None:
    """Per account: the key's permissions; per hedge: the perp is listed; per perp account:
    one positions read (it resolves the position mode and proves the key may trade futures)."""
    perps: dict[str, list[str]] = {}
    for name, leg in rt.legs.items():
        markets = await rt.exchanges[leg.perp_account].load_markets()
        line = perp_line(name, leg.perp_symbol, markets)
        if line.level is Level.FAIL:
            raise StartupError(f"{line.text}: {line.fix}", EXIT_CONFIG)
        perps.setdefault(leg.perp_account, []).append(leg.perp_symbol)
    for name, exchange in rt.exchanges.items():
        restrictions = await exchange.fetch_api_restrictions()
        lines = key_lines(
            name,
            restrictions,
            allow_withdrawal=rt.settings.accounts[name].allow_withdrawal_keys,
            trades_futures=name in perps,
        )
        for line in lines:
            if line.level is Level.FAIL:
                raise StartupError(f"{line.text}: {line.fix}", EXIT_KEYS)
            if line.level is Level.WARN:
                log.warning("startup.api_key", account=name, detail=line.text, fix=line.fix)
    for name, symbols in perps.items():
        await rt.exchanges[name].fetch_positions(symbols)


def startup_failure(exc: BaseException, settings: Settings) -> StartupError | None:
    """The StartupError for what a start raised, or None for a bug (let it show)."""
    if isinstance(exc, StartupError):
        return exc
    if isinstance(exc, ExchangeError):
        return _venue_failure(exc, settings)
    api = settings.api
    if isinstance(exc, OSError) and "cannot serve the API" in str(exc):  # bot.api.start_api
        reason = (exc.strerror or str(exc)).rsplit(": ", 1)[-1]  # after "...on host:port: "
        return _api_failure(f"{api.host}:{api.port}", reason)
    if isinstance(exc, sqlite3.Error) or (isinstance(exc, OSError) and exc.filename):
        path = settings.journal.path
        return StartupError(f"journal.path: cannot use {path} ({exc})", EXIT_LOCAL)
    return None


def _venue_failure(exc: ExchangeError, settings: Settings) -> StartupError:
    """Config-type refusals already say what to change; for refused keys and a venue that
    does not answer, `account_fix` adds what to check."""
    name = exc.account if exc.account in settings.accounts else None
    text = str(exc) if name is None else str(exc).removeprefix(f"[{name}] ")
    if name is not None and not text.startswith(f"accounts.{name}"):
        text = f"accounts.{name}: {text}"
    if isinstance(exc, NotSupported | MarketNotFound):
        return StartupError(text, EXIT_CONFIG)
    code = EXIT_KEYS if isinstance(exc, AuthError) else EXIT_VENUE
    return StartupError(f"{text}; {account_fix(name, settings, exc)}" if name else text, code)
