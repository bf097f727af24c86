"""The server's life cycle: `serve()` as `hedgebot sim` runs it, and the price feed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import start

REPO = Path(__file__).resolve().parents[2]
EIGHT_HOURS_MS = 8 * 3600 * 1000


async def test_serve_prints_url_serves_and_stops_on_sigterm() -> None:
    """serve() prints its URL and key, answers ccxt, and exits cleanly on SIGTERM."""
    code = "from bot.sim.server import serve; serve(port=0)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert line.startswith("hedgebot sim listening on http://127.0.0.1:")
        assert "sim-key" in line
        url = line.split()[4]
        exchange = make_sim_exchange("binanceusdm", url)
        try:
            assert (await exchange.fetch_balance())["USDT"]["total"] == 100_000
        finally:
            await exchange.close()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
        assert b"stopped" in await proc.stdout.read()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_synthetic_feed_moves_prices_while_time_keeps_the_wall_clock() -> None:
    """Without --prices a seeded walk moves prices; at the default time scale 30 steps take
    0.3 simulated seconds, not 30 simulated minutes (no stamps from the future)."""
    sim = await start(port=0, speed=100, seed=3)
    try:
        start_price = sim.engine.price("usdm", "BTCUSDT")
        await asyncio.sleep(0.3)
        assert sim.engine.price("usdm", "BTCUSDT") != start_price
        assert abs(sim.engine.now_ms() - time.time() * 1000) < 1_000
    finally:
        await sim.stop()


def _write_replay(path: Path) -> None:
    """Three 1h candles around 08:00 UTC with a recorded funding rate on the 08:00 candle."""
    rows = [
        "ts,perp_open,perp_high,perp_low,perp_close,spot_open,spot_high,spot_low,spot_close,funding_rate",
        "2024-03-01T06:00:00Z,60000,60500,59900,60400,60010,60510,59910,60410,",
        "2024-03-01T07:00:00Z,60400,60600,60300,60550,60410,60610,60310,60560,",
        "2024-03-01T08:00:00Z,60550,61000,60500,60900,60560,61010,60510,60910,0.00042",
    ]
    path.write_text("\n".join(rows) + "\n")


async def _get(url: str) -> Any:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return await resp.json()


async def test_csv_replay_runs_on_recorded_time_and_funding(tmp_path: Path) -> None:
    """A replay drives recorded prices on recorded time, settling funding at the recorded rate."""
    csv = tmp_path / "binance_btcusdt_1h_perp_mark_spot_funding.csv"
    _write_replay(csv)
    sim = await start(port=0, prices=[csv], speed=20)
    try:
        assert sim.engine.now_ms() == 1709272800000  # 2024-03-01T06:00Z, the first candle
        for _ in range(100):
            if sim.engine.price("usdm", "BTCUSDT") == Decimal("60900"):
                break
            await asyncio.sleep(0.05)
        assert sim.engine.price("usdm", "BTCUSDT") == Decimal("60900")  # last close
        assert sim.engine.price("spot", "BTCUSDT") == Decimal("60910")
        rows = await _get(sim.url + "/fapi/v1/fundingRate?symbol=BTCUSDT")
        assert [(r["fundingTime"], r["fundingRate"]) for r in rows] == [
            (1709280000000, "0.00042000")  # 2024-03-01T08:00Z
        ]
    finally:
        await sim.stop()
