"""The price feed and the admin price: the walk continues from POST /sim/price, and
`hedgebot sim --static` holds prices still."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli import main
from bot.sim.feed import PriceFeed
from bot.sim.server import RunningSim, start
from bot.sim.walk import SyntheticPath

REPO = Path(__file__).resolve().parents[2]


async def _post(url: str, path: str, body: dict[str, Any]) -> Any:
    async with aiohttp.ClientSession() as http, http.post(url + path, json=body) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def _get(url: str, path: str) -> Any:
    async with aiohttp.ClientSession() as http, http.get(url + path) as resp:
        return await resp.json()


async def _steps(sim: RunningSim, n: int) -> None:
    """Wait until the feed (50 steps/s) has stepped about `n` times."""
    await asyncio.sleep(n / 50)


async def test_admin_price_re_anchors_the_synthetic_walk() -> None:
    """After POST /sim/price 30000 the walk goes on from 30000 on both markets (it used to
    snap back to its own level, ~65000, on the next step)."""
    sim = await start(port=0, speed=50, seed=4)
    try:
        await _post(sim.url, "/sim/price", {"symbol": "BTCUSDT", "price": "30000"})
        await _steps(sim, 15)
        spot, perp = sim.engine.price("spot", "BTCUSDT"), sim.engine.price("usdm", "BTCUSDT")
    finally:
        await sim.stop()
    assert abs(spot / 30000 - 1) < D("0.03") and abs(perp / 30000 - 1) < D("0.03")
    assert spot != 30000  # and it still walks


async def test_perp_only_admin_price_keeps_its_premium() -> None:
    """Moving only the perp 2 % above spot: the walk keeps that premium instead of pulling
    the perp back to spot."""
    sim = await start(port=0, speed=50, seed=4)
    try:
        spot = sim.engine.price("spot", "BTCUSDT")
        body = {"symbol": "BTCUSDT", "price": str(spot * D("1.02")), "market": "usdm"}
        await _post(sim.url, "/sim/price", body)
        await _steps(sim, 15)
        premium = sim.engine.price("usdm", "BTCUSDT") / sim.engine.price("spot", "BTCUSDT")
    finally:
        await sim.stop()
    assert abs(premium - D("1.02")) < D("0.002")


def test_feed_re_anchors_only_what_someone_else_moved() -> None:
    """Step by step: an admin move of BTC re-anchors BTC's walk; ETH's walk is untouched and
    follows the same seeded path as a feed without the admin move."""
    from bot.sim.engine import SimExchange

    def run(move: bool) -> tuple[D, D]:
        engine = SimExchange.with_default_account(seed=2)
        start_prices = {s: engine.price("usdm", s) for s in engine.symbols("usdm")}
        feed = PriceFeed(engine, SyntheticPath(start_prices, seed=9))
        feed.step()
        if move:
            engine.set_price("BTCUSDT", D(20000))
        feed.step()
        return engine.price("usdm", "BTCUSDT"), engine.price("usdm", "ETHUSDT")

    moved, still = run(move=True), run(move=False)
    assert abs(moved[0] / 20000 - 1) < D("0.01") and abs(still[0] / 65000 - 1) < D("0.01")
    assert moved[1] == still[1]


async def test_static_cli_holds_prices_until_the_admin_api_moves_them() -> None:
    """`hedgebot sim --static --time-scale 60 --basis 0.2`: prices stay put, the clock runs at
    60 s per second, the quarterlies carry a 20 %/yr basis, and POST /sim/price still moves the
    price."""
    args = [sys.executable, "-m", "bot", "sim", "--static", "--port", "0", "--time-scale", "60"]
    args += ["--basis", "0.2"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = await asyncio.create_subprocess_exec(
        *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        url = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode().split()[4]
        before = (await _get(url, "/sim/state"))["prices"]["BTCUSDT"]
        await asyncio.sleep(0.5)
        assert (await _get(url, "/sim/state"))["prices"]["BTCUSDT"] == before
        clock = await _get(url, "/sim/time")
        assert clock["time_scale"] == 60 and clock["offset_ms"] > 20_000
        assert (await _get(url, "/sim/state"))["quarterlyBasis"] == "0.2"
        await _post(url, "/sim/price", {"symbol": "BTCUSDT", "price": "61000"})
        assert (await _get(url, "/sim/state"))["prices"]["BTCUSDT"]["perp"] == "61000"
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 10)


def test_cli_refuses_a_basis_that_is_not_a_fraction(capsys: pytest.CaptureFixture[str]) -> None:
    """`hedgebot sim --basis 8` (percent instead of a fraction) is a usage error naming it."""
    with pytest.raises(SystemExit) as exit_info:
        main(["sim", "--basis", "8"])
    assert exit_info.value.code == 2
    assert "--basis: must be a fraction between -1 and 1, got 8" in capsys.readouterr().err
