"""`hedgebot run` refuses a start the user can fix with one line naming the account or field
and the documented exit code, never a traceback: an exchange the simulator does not serve,
missing or refused keys, a key that can withdraw, an unreachable venue, a symbol the venue does
not list, a taken API port, a position mode the venue refuses."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from .by_hand import market_order
from .harness import E2E, InProcessSim, free_port, hedge_entry

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

EXIT_CONFIG, EXIT_KEYS, EXIT_VENUE, EXIT_LOCAL = 2, 3, 4, 5
BTC = "BTC/USDT:USDT"


def _clean(result: subprocess.CompletedProcess[str]) -> None:
    """No traceback, and exactly one line of ours on stderr."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.stderr.count("hedgebot: ") == 1, result.stderr


def _exits(e2e: E2E, config: Any, code: int, *texts: str, env: dict[str, str] | None = None) -> str:
    """Run `hedgebot run`, check it exits `code` with our message holding `texts`; it."""
    result = e2e.cli("run", "-c", str(config), env=env, timeout=60)
    _clean(result)
    assert result.returncode == code, result.stderr
    message = result.stderr[result.stderr.index("hedgebot: ") :]
    for text in texts:
        assert text in message, message
    return message


@pytest.fixture
def sim(e2e: E2E) -> InProcessSim:
    sim = e2e.still_sim()
    sim.set_price(BTC, 65_000)
    return sim


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield int(held.getsockname()[1])


def test_exchange_the_simulator_does_not_serve(e2e: E2E, sim: InProcessSim) -> None:
    """exchange: okx with mode: sim names accounts.main.exchange and exits 2."""
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)},
                        accounts={"main": {"exchange": "okx"}})  # fmt: skip
    _exits(e2e, config, EXIT_CONFIG, "accounts.main.exchange", "okx")


def test_missing_keys_name_the_variables(e2e: E2E) -> None:
    """A live account without keys names the environment variables and exits 3."""
    config = e2e.config(None, {"BTC": hedge_entry("BTC", 1.0)}, accounts={"main": {"mode": "live"}})
    _exits(e2e, config, EXIT_KEYS, "HEDGEBOT_ACCOUNTS__MAIN__API_KEY")


def test_keys_the_venue_refuses(e2e: E2E, sim: InProcessSim) -> None:
    """Keys the venue does not know name the account and the variables to fix; exit 3."""
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    env = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "nobody", "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "x"}
    line = _exits(e2e, config, EXIT_KEYS, "accounts.main", "HEDGEBOT_ACCOUNTS__MAIN__API_KEY",
                  env=env)  # fmt: skip
    assert "nobody" not in line


def test_unreachable_venue(e2e: E2E) -> None:
    """A venue that does not answer names the account and where it was looked for; exit 4."""
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    config = e2e.config(url, {"BTC": hedge_entry("BTC", 1.0)})
    _exits(e2e, config, EXIT_VENUE, "accounts.main", url)


def test_symbol_the_venue_does_not_list(e2e: E2E, sim: InProcessSim) -> None:
    """An unknown perp names hedges.BTC.perp.symbol and suggests listed ones; exit 2."""
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0, symbol="BTC/USDT:BTC")})
    _exits(e2e, config, EXIT_CONFIG, "hedges.BTC.perp.symbol", "BTC/USDT:BTC", "did you mean")


def test_api_port_in_use(e2e: E2E, sim: InProcessSim, taken_port: int) -> None:
    """A taken api.port is refused before anything is sent to the venue; exit 5."""
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}, api={"port": taken_port})
    _exits(e2e, config, EXIT_LOCAL, "api.port", str(taken_port))
    assert sim.orders() == []


def _account(sim: InProcessSim, **fields: Any) -> dict[str, str]:
    """A funded sim account with `fields` (/sim/accounts); the env naming its keys."""
    key = f"startup-{fields.get('position_mode', 'one_way')}-{len(fields)}"
    funds = {"spot": {"BTC": "1"}, "usdm": {"USDT": "50000"}}
    sim.post("/sim/accounts", {"api_key": key, "secret": key + "-s", "balances": funds, **fields})
    return {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": key, "HEDGEBOT_ACCOUNTS__MAIN__SECRET": key + "-s"}


def test_a_key_that_can_withdraw_is_refused(e2e: E2E, sim: InProcessSim) -> None:
    """run refuses a withdrawal-enabled key (exit 3) naming the opt-in; check fails on it."""
    env = _account(sim, can_withdraw=True)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    _exits(e2e, config, EXIT_KEYS, "accounts.main", "can withdraw",
           "accounts.main.allow_withdrawal_keys: true", env=env)  # fmt: skip
    checked = e2e.cli("check", "-c", str(config), env=env)
    assert checked.returncode == 1, checked.stdout
    assert "✗ accounts.main: API key can withdraw funds" in checked.stdout, checked.stdout
    assert sim.orders(api_key=env["HEDGEBOT_ACCOUNTS__MAIN__API_KEY"]) == []


def test_a_withdrawal_key_runs_when_explicitly_allowed(e2e: E2E, sim: InProcessSim) -> None:
    """allow_withdrawal_keys: true lets the daemon start with such a key (and log a warning)."""
    env = _account(sim, can_withdraw=True)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)},
                        accounts={"main": {"allow_withdrawal_keys": True}})  # fmt: skip
    daemon = e2e.daemon(config, env=env)
    daemon.wait_for_event("api.listening")
    assert any("can withdraw" in e.get("detail", "") for e in daemon.events("startup.api_key"))
    assert daemon.stop() == 0


def test_a_position_mode_the_venue_refuses(e2e: E2E, sim: InProcessSim) -> None:
    """position_mode: one_way on a hedge-mode account holding a short: the venue refuses the
    switch; run names accounts.main.position_mode and the way out, exit 2."""
    env = _account(sim, position_mode="hedge")
    key = env["HEDGEBOT_ACCOUNTS__MAIN__API_KEY"]
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)},
                        accounts={"main": {"position_mode": "one_way"}})  # fmt: skip
    market_order(sim.url, key, key + "-s", "sell", Decimal("0.01"), "SHORT")
    _exits(e2e, config, EXIT_CONFIG, "accounts.main.position_mode is one_way",
           "set position_mode: auto", env=env)  # fmt: skip
    assert sim.account(key)["positionMode"] == "hedge"
