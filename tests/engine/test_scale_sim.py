"""A steady cycle's requests and weight per account, counted by the simulator (GET
/sim/requests and GET /sim/weight), are the same for 1, 2 or 20 hedges (issue 12): at most 8
requests and 100 weight per account, whatever the number of hedges."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import account_secret_var, load_config
from bot.engine.cycle import run_cycle
from bot.engine.runtime import open_runtime
from bot.sim.server import start

KEY = "steady-a0"
COINS = ("BTC", "ETH", "SOL", "XRP", "BCH", "EOS", "LTC", "TRX", "ETC", "LINK", "XLM", "ADA",
         "XMR", "DASH", "ZEC", "XTZ", "BNB", "ATOM", "ONT", "IOTA")  # fmt: skip


async def _json(http: aiohttp.ClientSession, method: str, url: str, body: Any = None) -> Any:
    async with http.request(method, url, json=body) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


def _config(tmp_path: Path, url: str, spot: dict[str, str]) -> Path:
    leg = {"account": "a0"}
    hedges = {
        c: {"spot": {**leg, "asset": c}, "perp": {**leg, "symbol": f"{c}/USDT:USDT"}} for c in spot
    }
    config = {
        "accounts": {"a0": {"exchange": "binance", "mode": "sim", "url": url}},
        "hedges": {c: {**h, "target_ratio": 1.0} for c, h in hedges.items()},
        "journal": {"path": str(tmp_path / f"j{len(spot)}.sqlite")},
        "api": {"enabled": False},
    }
    path = tmp_path / f"c{len(spot)}.yaml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _delta(before: Any, after: Any, read: Any) -> int:
    return sum(read(after, k) - read(before, k) for k in (KEY, "public"))


async def _fill_resting(http: aiohttp.ClientSession, url: str) -> None:
    """Trade each resting order's price 1 bp through it: they fill as makers."""
    state = await _json(http, "GET", url + "/sim/state")
    for order in state["accounts"][KEY]["openOrders"]:
        through = Decimal("1.0001") if order["side"] == "SELL" else Decimal("0.9999")
        body = {"symbol": order["symbol"], "price": str(Decimal(order["price"]) * through)}
        await _json(http, "POST", url + "/sim/price", body)


async def _steady_cost(tmp_path: Path, n: int) -> tuple[int, int]:
    """(requests, futures weight) of a steady cycle: `n` hedges at their targets (their first
    orders filled), nothing live."""
    sim = await start(port=0, feed=False)
    async with aiohttp.ClientSession() as http:
        index = await _json(http, "GET", sim.url + "/fapi/v1/premiumIndex")
        marks = {r["symbol"]: Decimal(r["markPrice"]) for r in index}
        spot = {c: str((1000 / marks[c + "USDT"]).quantize(Decimal("0.001"))) for c in COINS[:n]}
        balances = {"spot": spot, "usdm": {"USDT": "99999"}}
        await _json(http, "POST", sim.url + "/sim/accounts",
                    {"api_key": KEY, "secret": "s", "balances": balances})  # fmt: skip
        env = {account_secret_var("a0", "api_key"): KEY, account_secret_var("a0", "secret"): "s"}
        rt = await open_runtime(load_config(_config(tmp_path, sim.url, spot), env=env), version="t")
        try:
            await run_cycle(rt)  # places one post-only sell per hedge
            await _fill_resting(http, sim.url)
            for _ in range(3):  # the fills are read and journaled; no order left live
                await run_cycle(rt)
            before = [
                await _json(http, "GET", sim.url + p) for p in ("/sim/requests", "/sim/weight")
            ]
            report = await run_cycle(rt)
            after = [
                await _json(http, "GET", sim.url + p) for p in ("/sim/requests", "/sim/weight")
            ]
        finally:
            await rt.close()
            await sim.stop()
    assert not report.skipped and not report.failures
    requests = _delta(before[0], after[0], lambda d, k: d["accounts"].get(k, {}).get("reads", 0))
    weight = _delta(before[1], after[1], lambda d, k: d["used"].get(k, {}).get("fapi", 0))
    return requests, weight


async def test_a_steady_cycle_costs_the_same_requests_and_weight_for_2_or_20_hedges(
    tmp_path: Path,
) -> None:
    """The simulator counts the same requests (≤ 8) and futures weight (≤ 100) for a steady
    cycle of one account with 2 hedges as with 20; 1 hedge (per-symbol reads, cheaper) makes
    no more requests."""
    one, two, twenty = [await _steady_cost(tmp_path, n) for n in (1, 2, 20)]
    assert twenty == two
    assert twenty[0] <= 8 and twenty[1] <= 100
    assert one[0] <= twenty[0] and one[1] <= twenty[1]
