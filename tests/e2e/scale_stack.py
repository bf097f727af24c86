"""100 hedges on two simulated accounts, for the scale end-to-end test and its soak (issue 12).

The simulator lists 100+ real Binance perpetuals with their spot pairs; each hedge holds
~2,000 USDT of one coin (target 1.0 at 2x), alternating between accounts `a0` and `a1`. The
simulator enforces Binance's 2,400 request weight per minute and key. One hedge (SOL) is
priced above its PRICE_FILTER maximum, so the venue refuses every order it sends: the symbol
errors for the whole run and must not delay the other 99.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .harness import E2E, DaemonProcess, InProcessSim, wait_until

__all__ = [
    "BROKEN",
    "WEIGHT_LIMIT",
    "ScaleRun",
    "filling",
    "hold",
    "reach_targets",
    "start_scale_run",
]

ACCOUNTS = ("a0", "a1")
HOLDING_USDT = Decimal(2000)
BROKEN = "SOL"  # repriced above its PRICE_FILTER maxPrice: every order refused
WEIGHT_LIMIT = 2400


def _listed(sim: InProcessSim, n: int) -> list[tuple[str, Decimal]]:
    """(coin, price) of `n` USDT perpetuals that have a coin/USDT spot pair, most traded first."""
    state = sim.state()
    prices = state["prices"]
    info = _get(sim, "/fapi/v1/exchangeInfo")["symbols"]
    spot = {s["symbol"] for s in _get(sim, "/api/v3/exchangeInfo")["symbols"]}
    coins = [
        (s["baseAsset"], Decimal(prices[s["symbol"]]["perp"]))
        for s in info
        if s.get("contractType") == "PERPETUAL" and s["quoteAsset"] == "USDT"
        and s["symbol"] in spot and s["symbol"] in prices and s["baseAsset"].isalpha()
    ]  # fmt: skip
    return coins[:n]


def _get(sim: InProcessSim, path: str) -> Any:
    from .support import http_json

    return http_json("GET", sim.url + path)


def _steps(sim: InProcessSim) -> dict[str, Decimal]:
    """coin -> the perp's LOT_SIZE step (contracts are coins on these USDT perps)."""
    out = {}
    for row in _get(sim, "/fapi/v1/exchangeInfo")["symbols"]:
        lot = next(f for f in row["filters"] if f["filterType"] == "LOT_SIZE")
        out[row["baseAsset"]] = Decimal(lot["stepSize"])
    return out


def _max_price(sim: InProcessSim, coin: str) -> Decimal:
    row = next(s for s in _get(sim, "/fapi/v1/exchangeInfo")["symbols"] if s["baseAsset"] == coin)
    return Decimal(next(f for f in row["filters"] if f["filterType"] == "PRICE_FILTER")["maxPrice"])


@dataclass
class ScaleRun:
    """The running stack and what it was set up with."""

    sim: InProcessSim
    daemon: DaemonProcess
    legs: dict[str, str]  # coin -> account
    steps: dict[str, Decimal]  # coin -> contract step
    peak_weight: int = 0
    samples: list[dict[str, int]] = field(default_factory=list)

    def key(self, coin: str) -> str:
        return f"scale-{self.legs[coin]}"

    def hedged(self) -> list[str]:
        """The coins but BROKEN at their target: within the band (2 %) plus one contract step
        of the holding (a coarse step cannot get closer)."""
        state = self.sim.state()
        out = []
        for coin, ratio in self.ratios(state).items():
            held = self.held(state, coin)
            if coin == BROKEN or ratio is None or not held:
                continue
            if abs(ratio - 1) <= Decimal("0.02") + self.steps[coin] / held:
                out.append(coin)
        return out

    def held(self, state: dict[str, Any], coin: str) -> Decimal:
        spot = state["accounts"][self.key(coin)]["balances"]["spot"].get(coin)
        return Decimal(spot["free"]) + Decimal(spot["locked"]) if spot else Decimal(0)

    def ratios(self, state: dict[str, Any] | None = None) -> dict[str, Decimal | None]:
        state = state or self.sim.state()
        out: dict[str, Decimal | None] = {}
        for coin, account in self.legs.items():
            acc = state["accounts"][f"scale-{account}"]
            held = self.held(state, coin)
            pos = next((Decimal(p["amount"]) for p in acc["positions"]
                        if p["symbol"] == f"{coin}USDT"), Decimal(0))  # fmt: skip
            out[coin] = None if held == 0 else -pos / held
        return out

    def sample_weight(self) -> int:
        """The highest futures weight any key used this minute, as the simulator counts it."""
        used = _get(self.sim, "/sim/weight")["used"]
        fapi = {k: int(v.get("fapi", 0)) for k, v in used.items() if k.startswith("scale-")}
        self.samples.append(fapi)
        self.peak_weight = max([self.peak_weight, *fapi.values()])
        return max(fapi.values(), default=0)

    def banned(self) -> dict[str, Any]:
        return {k: v for k, v in _get(self.sim, "/sim/weight")["banned"].items() if v}


def _balances(coins: list[tuple[str, Decimal]], account: str, legs: dict[str, str]) -> Any:
    spot = {c: str((HOLDING_USDT / p).quantize(Decimal("0.001")))
            for c, p in coins if legs[c] == account}  # fmt: skip
    if BROKEN in spot:
        spot[BROKEN] = "1"
    return {"spot": {**spot, "USDT": "10000"}, "usdm": {"USDT": "400000"}}


def start_scale_run(e2e: E2E, n: int = 100, *, poll_seconds: float = 5) -> ScaleRun:
    """The simulator (weight enforced), both accounts funded, and the daemon running."""
    sim = e2e.still_sim(seed=12)
    coins = _listed(sim, n)
    assert len(coins) == n, f"the simulator lists {len(coins)} usable perps, not {n}"
    assert BROKEN in dict(coins)
    legs = {coin: ACCOUNTS[i % 2] for i, (coin, _) in enumerate(coins)}
    sim.post("/sim/weight", {"limit": WEIGHT_LIMIT})
    env = {}
    for account in ACCOUNTS:
        key = f"scale-{account}"
        sim.create_account(key, f"{key}-secret", _balances(coins, account, legs))
        env[f"HEDGEBOT_ACCOUNTS__{account.upper()}__API_KEY"] = key
        env[f"HEDGEBOT_ACCOUNTS__{account.upper()}__SECRET"] = f"{key}-secret"
    sim.set_price(f"{BROKEN}USDT", _max_price(sim, BROKEN) * Decimal("1.02"))
    hedges = {
        coin: {
            "spot": {"account": account, "asset": coin},
            "perp": {"account": account, "symbol": f"{coin}/USDT:USDT"},
            "target_ratio": 1.0,
        }
        for coin, account in legs.items()
    }
    config = e2e.config(
        sim.url,
        hedges,
        account="a0",
        poll_seconds=poll_seconds,
        accounts={"a1": {"exchange": "binance", "mode": "sim", "url": sim.url}},
        log={"level": "warning"},
    )
    daemon = e2e.daemon(config, env=env)
    return ScaleRun(sim, daemon, legs, _steps(sim))


def hold(run: ScaleRun, seconds: float) -> list[str]:
    """Sample the weight every 2 s for `seconds`; the coins that drifted off target meanwhile."""
    off: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.sample_weight()
        off |= set(run.legs) - set(run.hedged()) - {BROKEN}
        time.sleep(2)
    return sorted(off)


@contextlib.contextmanager
def filling(run: ScaleRun) -> Iterator[None]:
    """While inside, both accounts' resting orders are filled shortly after they rest."""
    with run.sim.auto_fill(1.0, api_key="scale-a0"), run.sim.auto_fill(1.0, api_key="scale-a1"):
        yield


def reach_targets(run: ScaleRun, timeout: float) -> None:
    """Wait until every hedge but BROKEN is at its target."""
    wait_until(
        lambda: len(run.hedged()) == len(run.legs) - 1,
        timeout,
        what=f"{len(run.legs) - 1} hedges at ratio 1",
        diagnostics=run.daemon.diagnostics,
    )
