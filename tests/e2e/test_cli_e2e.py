"""`hedgebot plan` and `hedgebot check` as a user runs them, against the simulator: plan shows
each hedge and the orders a cycle would place but places nothing; check passes on a good config
and fails, naming the problem, on an unknown symbol, asset or an unreachable venue."""

from __future__ import annotations

import json
import re
import signal
from decimal import Decimal
from typing import Any

import pytest

from .harness import E2E, InProcessSim, free_port, hedge_entry, wait_until
from .support import http_json

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

BTC, ETH = "BTC/USDT:USDT", "ETH/USDT:USDT"
WIDE = {"COLUMNS": "200"}  # rich wraps tables at the terminal width; keep each row on a line


def _priced_sim(e2e: E2E) -> InProcessSim:
    sim = e2e.still_sim()
    sim.set_price(BTC, 65_000)
    sim.set_price(ETH, 3_000)
    return sim


def _two_hedges(e2e: E2E, sim_url: str) -> Any:
    return e2e.config(sim_url, {"BTC": hedge_entry("BTC", 1.0), "ETH": hedge_entry("ETH", 0.5)})


def _hedge_with_daemon(e2e: E2E, sim: InProcessSim, config: Any) -> None:
    """Build both hedges with the daemon, then stop it (SIGTERM) so the position stays."""
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        wait_until(
            lambda: (
                sim.position(BTC) == -sim.spot("BTC")
                and sim.position(ETH) == -sim.spot("ETH") / 2
                and not sim.open_orders()
            ),
            30,
            what="BTC 1.0 and ETH 0.5 hedges",
            diagnostics=daemon.diagnostics,
        )
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait() == 0, daemon.diagnostics()


def _row(stdout: str, hedge: str) -> str:
    rows = [line for line in stdout.splitlines() if re.match(rf"^\W*{hedge}\s*[│|]", line)]
    assert len(rows) == 1, stdout
    return rows[0]


def test_plan_prints_each_hedge_and_places_nothing(e2e: E2E) -> None:
    """plan shows spot, perp, ratio, target, gap and the would-be orders, and sends no order."""
    sim = _priced_sim(e2e)
    config = _two_hedges(e2e, sim.url)
    _hedge_with_daemon(e2e, sim, config)
    sim.set_balance("BTC", 1)  # a withdrawal: BTC is now hedged 200 %, ETH still 50 %
    orders_before, position_before = len(sim.orders()), sim.position(BTC)

    result = e2e.cli("plan", "-c", str(config), env=WIDE)

    assert result.returncode == 0, result.stderr
    btc, eth = _row(result.stdout, "BTC"), _row(result.stdout, "ETH")
    for text in ("1 BTC", "-2 c", "200.0 %", "100.0 %", "-1 BTC"):
        assert text in btc, btc
    for text in ("20 ETH", "-10 c", "50.0 %"):
        assert text in eth, eth
    would = [line for line in result.stdout.splitlines() if "would place" in line]
    assert len(would) == 1, result.stdout  # ETH is within band: nothing for it
    assert "buy 1 @" in would[0] and "reduce-only" in would[0] and "post-only" in would[0]
    assert len(sim.orders()) == orders_before
    assert sim.position(BTC) == position_before
    assert "Traceback" not in result.stderr


def test_plan_json_parses_and_places_nothing(e2e: E2E) -> None:
    """plan --json is one JSON document with each hedge's numbers and orders; no order is sent."""
    sim = _priced_sim(e2e)
    config = _two_hedges(e2e, sim.url)

    result = e2e.cli("plan", "-c", str(config), "--json")

    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["ok"] is True and doc["places_nothing"] is True
    for name, target, spot in (("BTC", "1.0", sim.spot("BTC")), ("ETH", "0.5", sim.spot("ETH"))):
        hedge = doc["hedges"][name]
        assert Decimal(hedge["spot"]) == spot
        assert Decimal(hedge["perp_contracts"]) == 0 and Decimal(hedge["ratio"]) == 0
        assert Decimal(hedge["target"]) == Decimal(target)
        assert Decimal(hedge["gap"]) == spot * Decimal(target)
        [order] = hedge["orders"]
        assert order["side"] == "sell" and order["post_only"] and not order["reduce_only"]
        assert Decimal(order["amount"]) == spot * Decimal(target)
    assert sim.orders() == []
    assert not (e2e.tmp_path / "journal.sqlite").exists()  # plan never opens the journal


def test_check_passes_on_a_good_config(e2e: E2E) -> None:
    """check exits 0 on a good config, reporting each hedge's asset and symbol, placing nothing."""
    sim = _priced_sim(e2e)
    config = _two_hedges(e2e, sim.url)

    result = e2e.cli("check", "-c", str(config))

    assert result.returncode == 0, result.stdout + result.stderr
    for text in ("hedges.BTC.spot.asset", "hedges.BTC.perp.symbol", "hedges.ETH.perp.symbol"):
        assert text in result.stdout, result.stdout
    assert "check passed" in result.stdout
    assert sim.orders() == []


BAD_LEGS = [
    ({"symbol": "NOPE/USDT:USDT"}, "hedges.BTC.perp.symbol", "NOPE/USDT:USDT"),
    ({"spot": {"account": "main", "asset": "FOO"}}, "hedges.BTC.spot.asset", "FOO"),
]


@pytest.mark.parametrize(("change", "field", "value"), BAD_LEGS)
def test_check_fails_naming_an_unknown_symbol_or_asset(
    e2e: E2E, change: dict[str, Any], field: str, value: str
) -> None:
    """check exits non-zero with a line naming the field and the unknown symbol/asset."""
    sim = _priced_sim(e2e)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0, **change)})

    result = e2e.cli("check", "-c", str(config))

    assert result.returncode != 0
    problem = [line for line in result.stdout.splitlines() if field in line]
    assert problem and value in problem[0], result.stdout
    assert "check failed" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_fails_naming_an_unreachable_venue(e2e: E2E) -> None:
    """check exits non-zero naming the account when the venue does not answer."""
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    config = e2e.config(url, {"BTC": hedge_entry("BTC", 1.0)})

    result = e2e.cli("check", "-c", str(config))

    assert result.returncode != 0
    assert "accounts.main" in result.stdout and "check failed" in result.stdout, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def _status_row(stdout: str, hedge: str) -> str:
    rows = [line for line in stdout.splitlines() if re.match(rf"^\W*{hedge}\s", line)]
    assert rows, stdout
    return rows[0]


def test_status_fits_80_columns_with_prices_at_the_tick(e2e: E2E) -> None:
    """status of a live hedge: ≤ 80 columns, liquidation price at the 0.1 tick, no exponents;
    --wide adds the band and mark columns."""
    sim = _priced_sim(e2e)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    daemon = e2e.daemon(config)
    api = daemon.api_url()

    def liquidation() -> Any:
        return http_json("GET", f"{api}/status")["hedges"]["BTC"].get("liquidation_price")

    with sim.auto_fill():
        wait_until(lambda: liquidation() is not None, 30, what="a liquidation price",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    raw = Decimal(liquidation())

    narrow = e2e.cli("status", "--url", api)
    wide = e2e.cli("status", "--url", api, "--wide")

    assert narrow.returncode == 0 and wide.returncode == 0, narrow.stderr + wide.stderr
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80, narrow.stdout
    shown = f"{raw.quantize(Decimal('0.1')):f}"
    assert shown in _status_row(narrow.stdout, "BTC"), (raw, narrow.stdout)
    assert "E+" not in narrow.stdout + wide.stdout and "E-" not in narrow.stdout + wide.stdout
    assert "band" in wide.stdout and "mark" in wide.stdout and "band" not in narrow.stdout
