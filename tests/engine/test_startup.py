"""Start-up refusals: what a start raised becomes one message naming the account or field with
the documented exit code, and the key-permission verdict `check` and `run` share."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from bot.config import Settings, parse_config
from bot.engine.check import Level, key_lines
from bot.engine.startup import (
    EXIT_CONFIG,
    EXIT_KEYS,
    EXIT_LOCAL,
    EXIT_VENUE,
    StartupError,
    startup_failure,
)
from bot.exchange import errors as E
from bot.exchange.port import ApiRestrictions

YAML = """
accounts:
  main: {exchange: binance, mode: sim, url: "http://127.0.0.1:9"}
hedges:
  BTC:
    spot: {account: main, asset: BTC}
    perp: {account: main, symbol: BTC/USDT:USDT}
    target_ratio: 1.0
"""


@pytest.fixture
def settings() -> Settings:
    return parse_config(YAML, env={})


@pytest.mark.parametrize(
    ("exc", "code", "texts"),
    [
        (E.AuthError("[main] AuthenticationError: -2015", account="main"), EXIT_KEYS,
         ("accounts.main: AuthenticationError", "HEDGEBOT_ACCOUNTS__MAIN__API_KEY")),
        (E.TemporaryError("[main] ExchangeNotAvailable", account="main"), EXIT_VENUE,
         ("accounts.main: ExchangeNotAvailable", "simulator running at http://127.0.0.1:9")),
        (E.NotSupported("accounts.main.exchange: not served", account="main"), EXIT_CONFIG,
         ("accounts.main.exchange: not served",)),
        (E.BadResponse("[main] fetch_positions: unreadable", account="main"), EXIT_VENUE,
         ("accounts.main: fetch_positions",)),
        (OSError(errno.EADDRINUSE, "cannot serve the API on 127.0.0.1:8080: Address in use"),
         EXIT_LOCAL, ("api.port", "127.0.0.1:8080", "is a daemon already running")),
        (OSError(errno.EADDRNOTAVAIL, "cannot serve the API on 127.0.0.1:8080: Cannot assign"),
         EXIT_LOCAL, ("api.host / api.port", "set api.host")),
        (FileNotFoundError(errno.ENOENT, "No such file", "/nowhere/journal.sqlite.lock"),
         EXIT_LOCAL, ("journal.path", "No such file")),
        (sqlite3.OperationalError("unable to open database file"), EXIT_LOCAL,
         ("journal.path", "unable to open")),
    ],
)  # fmt: skip
def test_start_failures_become_one_message_and_exit_code(
    settings: Settings, exc: BaseException, code: int, texts: tuple[str, ...]
) -> None:
    """Venue, key, port and journal failures map to the documented exit code and a message
    naming the account or field, without repeating the account tag."""
    failure = startup_failure(exc, settings)
    assert failure is not None and failure.exit_code == code
    for text in texts:
        assert text in str(failure), str(failure)
    assert "[main]" not in str(failure)


def test_a_bug_is_not_disguised_as_a_user_mistake(settings: Settings) -> None:
    """An exception no user can cause is left alone (None), so it shows as the bug it is."""
    assert startup_failure(KeyError("oops"), settings) is None
    assert startup_failure(OSError("a socket error of our own"), settings) is None
    refusal = StartupError("hedges.BTC.perp.symbol: unknown", EXIT_CONFIG)
    assert startup_failure(refusal, settings) is refusal


@pytest.mark.parametrize(
    ("restrictions", "allow", "futures", "levels"),
    [
        (ApiRestrictions(False, True), False, True, [Level.OK]),
        (ApiRestrictions(True, True), False, True, [Level.FAIL]),
        (ApiRestrictions(True, True), True, True, [Level.WARN]),
        (ApiRestrictions(None, None), False, True, [Level.WARN]),
        (ApiRestrictions(False, False), False, True, [Level.OK, Level.FAIL]),
        (ApiRestrictions(False, False), False, False, [Level.OK]),  # spot-only account
    ],
)
def test_key_permissions_verdict(
    restrictions: ApiRestrictions, allow: bool, futures: bool, levels: list[Level]
) -> None:
    """Withdrawal keys fail unless allowed, unknown warns, futures refusal fails a perp account."""
    lines = key_lines("main", restrictions, allow_withdrawal=allow, trades_futures=futures)
    assert [line.level for line in lines] == levels


def test_withdrawal_refusal_says_how_to_fix() -> None:
    """The refusal names the account and both ways out (a new key, or the explicit opt-in)."""
    (line,) = key_lines("main", ApiRestrictions(True), allow_withdrawal=False, trades_futures=True)
    assert "accounts.main" in line.text and "withdraw" in line.text
    assert "accounts.main.allow_withdrawal_keys: true" in line.fix


def test_every_exit_code_is_documented_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    """`hedgebot run --help` lists each refusal's exit code with its meaning."""
    from bot.cli import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for code, meaning in ((EXIT_CONFIG, "bad config"), (EXIT_KEYS, "API keys"),
                          (EXIT_VENUE, "unreachable"), (EXIT_LOCAL, "API port")):  # fmt: skip
        assert f"; {code} " in text and meaning in text.split(f"; {code} ")[1].split(";")[0]
