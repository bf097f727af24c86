"""Shared set-up for the benchmarks: an in-process simulator, a real YAML config on disk, the
daemon's `Runtime` built from it, and the simulator's request counters.

Not part of the test suite; imported by `bench/cycle.py` and `bench/replay.py` only.
"""

from __future__ import annotations

import json
import logging
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import Settings, account_secret_var, load_config
from bot.engine.runtime import Runtime, open_runtime
from bot.logs import configure_logging
from bot.sim.server import RunningSim

__all__ = [
    "ASSETS",
    "Bench",
    "hedge_names",
    "open_bench",
    "peak_rss_mb",
    "quiet_logs",
    "rss_mb",
    "write_config",
]

ASSETS = ("BTC", "ETH", "SOL", "XRP")  # the perps the simulator lists; 4 hedges per account
SPOT = {"BTC": "1", "ETH": "10", "SOL": "100", "XRP": "10000", "USDT": "10000"}
FUTURES_USDT = "200000"  # 2x leverage on all 4 hedges at 2025 prices


def quiet_logs() -> None:
    """Warnings and up only, to stderr: the benchmark's stdout is the report."""
    configure_logging("json", "warning")
    logging.getLogger("aiohttp.access").setLevel(logging.ERROR)


def rss_mb() -> float:
    """Current resident set size of this process, MiB (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hedge_names(n_hedges: int) -> list[tuple[str, str, str]]:
    """(hedge, account, asset) for `n_hedges`: 4 per account, accounts a0, a1, ..."""
    out = []
    for i in range(n_hedges):
        account, asset = f"a{i // len(ASSETS)}", ASSETS[i % len(ASSETS)]
        name = asset if i < len(ASSETS) else f"{asset}_{i // len(ASSETS)}"
        out.append((name, account, asset))
    return out


def write_config(
    directory: Path, url: str, n_hedges: int, *, max_age_s: int = 30
) -> tuple[Path, dict[str, str]]:
    """Write a `mode: sim` config for `n_hedges` hedges at `url`; return it and the env that
    holds the accounts' keys (api key `bench-<account>`, secret `<key>-secret`)."""
    legs = hedge_names(n_hedges)
    accounts = sorted({account for _, account, _ in legs})
    config: dict[str, Any] = {
        "accounts": {a: {"exchange": "binance", "mode": "sim", "url": url} for a in accounts},
        "hedges": {
            name: {
                "spot": {"account": account, "asset": asset},
                "perp": {"account": account, "symbol": f"{asset}/USDT:USDT"},
                "target_ratio": 1.0,
            }
            for name, account, asset in legs
        },
        "data": {"max_snapshot_age_s": max_age_s},
        "journal": {"path": str(directory / "journal.sqlite")},
        "api": {"enabled": False},
        "log": {"level": "warning"},
    }
    path = directory / "hedgebot.yaml"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is valid YAML
    env = {}
    for account in accounts:
        env[account_secret_var(account, "api_key")] = f"bench-{account}"
        env[account_secret_var(account, "secret")] = f"bench-{account}-secret"
    return path, env


@dataclass
class Bench:
    """A running simulator, the runtime talking to it, and an admin HTTP session."""

    sim: RunningSim
    rt: Runtime
    settings: Settings
    http: aiohttp.ClientSession

    async def admin(self, method: str, path: str, body: object = None) -> Any:
        async with self.http.request(method, self.sim.url + path, json=body) as resp:
            data = await resp.json()
            if resp.status != 200:
                raise RuntimeError(f"{method} {path} -> {resp.status}: {data}")
            return data

    async def request_count(self) -> int:
        """Venue requests served so far (all accounts and endpoints, from /sim/state)."""
        state = await self.admin("GET", "/sim/state")
        return sum(sum(by_path.values()) for by_path in state["requests"].values())

    async def request_counts(self) -> dict[str, int]:
        """Venue requests served so far by "METHOD /path", summed over accounts."""
        state = await self.admin("GET", "/sim/state")
        out: dict[str, int] = {}
        for by_path in state["requests"].values():
            for path, n in by_path.items():
                out[path] = out.get(path, 0) + n
        return out

    async def close(self) -> None:
        await self.rt.close()
        await self.http.close()
        await self.sim.stop()


async def open_bench(
    sim: RunningSim, directory: Path, n_hedges: int, *, ccxt_rate_limit: bool = False, **config: Any
) -> Bench:
    """Create the accounts on `sim`, write and load the config, open the runtime.
    `ccxt_rate_limit` turns ccxt's client-side throttle back on (the simulator client turns it
    off; testnet/demo/live keep it), to show what it costs a cycle."""
    path, env = write_config(directory, sim.url, n_hedges, **config)
    http = aiohttp.ClientSession()
    settings = load_config(path, env=env)
    bench = Bench(sim, None, settings, http)  # type: ignore[arg-type]
    for account in settings.accounts:
        key = env[account_secret_var(account, "api_key")]
        body = {
            "api_key": key,
            "secret": f"{key}-secret",
            "balances": {"spot": SPOT, "usdm": {"USDT": FUTURES_USDT}},
        }
        await bench.admin("POST", "/sim/accounts", body)
    bench.rt = await open_runtime(settings, version="bench")
    for exchange in bench.rt.exchanges.values():
        exchange._client.enableRateLimit = ccxt_rate_limit  # type: ignore[attr-defined]
    return bench
