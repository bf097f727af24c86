"""Set-up for `bench/scale.py`: N hedges over two simulated accounts on the simulator's listed
perpetuals that have a spot pair, and a per-account meter of requests and their ccxt cost.
Not part of the test suite."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import Settings, account_secret_var, load_config
from bot.engine.runtime import Runtime, open_runtime
from bot.sim.server import RunningSim

__all__ = ["Meter", "ScaleBench", "open_scale_bench"]

ACCOUNTS = ("a0", "a1")
HOLDING_USDT = Decimal(2000)  # each hedge's spot holding, in USDT


@dataclass
class Meter:
    """Requests and their ccxt cost per account since `reset`, split by API family."""

    counts: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))

    def reset(self) -> None:
        self.counts = defaultdict(dict)

    def add(self, account: str, api: str, cost: float) -> None:
        futures = api.startswith(("fapi", "dapi"))
        row = self.counts[account]
        row["requests"] = row.get("requests", 0) + 1
        key = "futures_weight" if futures else "spot_weight"
        # ccxt's spot costs are Binance's spot weight / 5 (its 6,000-per-minute budget).
        row[key] = row.get(key, 0) + (cost if futures else cost * 5)

    def totals(self, account: str) -> dict[str, float]:
        row = self.counts.get(account, {})
        return {k: row.get(k, 0) for k in ("requests", "futures_weight", "spot_weight")}


def _metered(client: Any, account: str, meter: Meter) -> None:
    original = client.fetch2

    async def fetch2(
        path: str, api: Any = "public", method: str = "GET", params: Any = None, config: Any = None
    ) -> Any:
        params, config = params or {}, config or {}
        name = api if isinstance(api, str) else api[0]
        cost = client.calculate_rate_limiter_cost(api, method, path, params, config)
        meter.add(account, name, cost)
        return await original(path, api, method, params, config)

    client.fetch2 = fetch2


async def _get(http: aiohttp.ClientSession, url: str) -> Any:
    async with http.get(url) as resp:
        return await resp.json()


async def listed_coins(http: aiohttp.ClientSession, base: str) -> list[tuple[str, Decimal]]:
    """(coin, mark price) of the USDT perpetuals that have a coin/USDT spot pair, in the
    simulator's listing order (most traded first)."""
    perps = (await _get(http, base + "/fapi/v1/exchangeInfo"))["symbols"]
    spot = {s["symbol"] for s in (await _get(http, base + "/api/v3/exchangeInfo"))["symbols"]}
    index = await _get(http, base + "/fapi/v1/premiumIndex")
    marks = {r["symbol"]: Decimal(r["markPrice"]) for r in index}
    return [
        (p["baseAsset"], marks[p["symbol"]])
        for p in perps
        if p.get("contractType") == "PERPETUAL"
        and p["quoteAsset"] == "USDT"
        and p["symbol"] in spot
        and p["symbol"] in marks
    ]


@dataclass
class ScaleBench:
    sim: RunningSim
    rt: Runtime
    settings: Settings
    http: aiohttp.ClientSession
    meter: Meter
    holdings: dict[tuple[str, str], Decimal]

    async def admin(self, path: str, body: object) -> None:
        async with self.http.post(self.sim.url + path, json=body) as resp:
            if resp.status != 200:
                raise RuntimeError(f"POST {path} -> {resp.status}: {await resp.text()}")

    async def halve_holdings(self) -> None:
        for (account, coin), amount in self.holdings.items():
            body = {"api_key": f"bench-{account}", "wallet": "spot", "asset": coin,
                    "amount": str(amount / 2)}  # fmt: skip
            await self.admin("/sim/balance", body)

    async def close(self) -> None:
        await self.rt.close()
        await self.http.close()
        await self.sim.stop()


def _config(directory: Path, url: str, legs: list[tuple[str, str]]) -> Path:
    data = {
        "accounts": {a: {"exchange": "binance", "mode": "sim", "url": url} for a in ACCOUNTS},
        "hedges": {
            coin: {
                "spot": {"account": account, "asset": coin},
                "perp": {"account": account, "symbol": f"{coin}/USDT:USDT"},
                "target_ratio": 1.0,
            }
            for coin, account in legs
        },
        "data": {"max_snapshot_age_s": 600},
        "journal": {"path": str(directory / "journal.sqlite")},
        "api": {"enabled": False},
        "log": {"level": "warning"},
    }
    path = directory / "hedgebot.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


async def open_scale_bench(
    sim: RunningSim, directory: Path, n: int, *, throttle: bool
) -> ScaleBench:
    """N hedges alternating over a0/a1, accounts funded, runtime open, clients metered."""
    http = aiohttp.ClientSession()
    coins = (await listed_coins(http, sim.url))[:n]
    if len(coins) < n:
        raise RuntimeError(f"the simulator lists {len(coins)} perps with a spot pair, not {n}")
    legs = [(coin, ACCOUNTS[i % 2]) for i, (coin, _) in enumerate(coins)]
    holdings = {(ACCOUNTS[i % 2], c): (HOLDING_USDT / p).quantize(Decimal("0.001"))
                for i, (c, p) in enumerate(coins)}  # fmt: skip
    env = {}
    for account in ACCOUNTS:
        key = f"bench-{account}"
        env[account_secret_var(account, "api_key")] = key
        env[account_secret_var(account, "secret")] = f"{key}-secret"
        spot = {c: str(a) for (acc, c), a in holdings.items() if acc == account}
        body = {"api_key": key, "secret": f"{key}-secret",
                "balances": {"spot": {**spot, "USDT": "10000"},
                             "usdm": {"USDT": str(HOLDING_USDT * (n + 1))}}}  # fmt: skip
        async with http.post(sim.url + "/sim/accounts", json=body) as resp:
            if resp.status != 200:
                raise RuntimeError(await resp.text())
    settings = load_config(_config(directory, sim.url, legs), env=env)
    rt = await open_runtime(settings, version="bench")
    meter = Meter()
    for account, exchange in rt.exchanges.items():
        client = exchange._client  # type: ignore[attr-defined]
        if throttle:  # as bot/exchange/factory.py builds it for testnet, demo and live
            client.rateLimiterAlgorithm, client.rollingWindowSize = "rollingWindow", 60000
            client.rateLimit = 25
            client.tokenBucket = None
            client.init_rest_rate_limiter()
        client.enableRateLimit = throttle
        _metered(client, account, meter)
    return ScaleBench(sim, rt, settings, http, meter, holdings)
