"""The simulator for e2e tests: its admin API and /sim/state readers (`SimAdmin`), as a
`hedgebot sim` subprocess (`SimProcess`) or served from a thread of the test (`InProcessSim`)."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from .support import (
    PYTHON,
    SIM_KEY,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    child_env,
    free_port,
    http_json,
    tail,
    terminate,
    venue_symbol,
)

__all__ = ["InProcessSim", "SimAdmin", "SimProcess"]


class SimAdmin:
    """Admin calls and /sim/state readers against a simulator at `url`."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    # writes
    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        return http_json("POST", f"{self.url}{path}", dict(body))

    def set_price(
        self, symbol: str, price: Decimal | str | float, market: str | None = None
    ) -> None:
        """Trade `symbol` at `price` (both markets unless `market` is "spot" / "usdm")."""
        body: dict[str, Any] = {"symbol": venue_symbol(symbol), "price": str(price)}
        if market is not None:
            body["market"] = market
        self.post("/sim/price", body)

    def set_balance(
        self,
        asset: str,
        amount: Decimal | str | float,
        *,
        wallet: str = "spot",
        api_key: str = SIM_KEY,
    ) -> None:
        """Set a wallet balance absolutely (a deposit or withdrawal as the venue sees it)."""
        body = {"api_key": api_key, "wallet": wallet, "asset": asset, "amount": str(amount)}
        self.post("/sim/balance", body)

    def faults(self, **config: Any) -> Any:
        """Replace the fault config (latency_ms, rate_limit_prob, error_5xx_prob,
        timeout_after_accept_prob, stale_positions, seed); no arguments clears every fault."""
        return self.post("/sim/faults", config)

    def advance(self, ms: int) -> int:
        """Move simulated time forward `ms` milliseconds; returns the new sim time (epoch ms)."""
        return int(self.post("/sim/advance", {"ms": ms})["now_ms"])

    def create_account(
        self, api_key: str, secret: str, balances: Mapping[str, Mapping[str, Any]]
    ) -> None:
        """Create (or replace) an account: balances {"spot": {"BTC": "1"}, "usdm": {...}}."""
        fixed = {w: {a: str(v) for a, v in assets.items()} for w, assets in balances.items()}
        self.post("/sim/accounts", {"api_key": api_key, "secret": secret, "balances": fixed})

    # reads
    def state(self) -> dict[str, Any]:
        """GET /sim/state, parsed."""
        return dict(http_json("GET", f"{self.url}/sim/state"))

    def account(self, api_key: str = SIM_KEY, state: Mapping[str, Any] | None = None) -> Any:
        return (state or self.state())["accounts"][api_key]

    def position(self, symbol: str, api_key: str = SIM_KEY) -> Decimal:
        """Signed perp position in base units (short < 0); 0 when there is none."""
        sym = venue_symbol(symbol)
        for p in self.account(api_key)["positions"]:
            if p["symbol"] == sym:
                return Decimal(p["amount"])
        return Decimal(0)

    def spot(self, asset: str, api_key: str = SIM_KEY) -> Decimal:
        """Spot holding of `asset` (free + locked)."""
        b = self.account(api_key)["balances"]["spot"].get(asset.upper())
        return Decimal(0) if b is None else Decimal(b["free"]) + Decimal(b["locked"])

    def ratio(self, asset: str, symbol: str, api_key: str = SIM_KEY) -> Decimal | None:
        """Hedge ratio = −position / spot holding (None without spot); assumes beta 1."""
        spot = self.spot(asset, api_key)
        return None if spot == 0 else -self.position(symbol, api_key) / spot

    def _orders(self, key: str, symbol: str | None, api_key: str) -> list[dict[str, Any]]:
        rows = self.account(api_key)[key]
        sym = venue_symbol(symbol) if symbol else None
        return [o for o in rows if o["market"] == "usdm" and (sym is None or o["symbol"] == sym)]

    def open_orders(self, symbol: str | None = None, api_key: str = SIM_KEY) -> list[Any]:
        """Open USDⓈ-M orders (all symbols, or one)."""
        return self._orders("openOrders", symbol, api_key)

    def orders(self, symbol: str | None = None, api_key: str = SIM_KEY) -> list[Any]:
        """Every USDⓈ-M order ever placed (open and closed), in placement order."""
        return self._orders("orders", symbol, api_key)

    def fills(self, symbol: str | None = None, api_key: str = SIM_KEY) -> list[Any]:
        """Every USDⓈ-M fill (tradeId, side, timeInForce, reduceOnly, maker, qty, price...)."""
        return self._orders("fills", symbol, api_key)

    def price(self, symbol: str) -> Decimal:
        """Last perp price."""
        return Decimal(self.state()["prices"][venue_symbol(symbol)]["perp"])

    # deterministic fills
    def cross_resting(self, symbol: str | None = None, api_key: str = SIM_KEY) -> int:
        """Trade the price 1 bp through each resting limit order of `api_key` (sells from below
        → above, buys from above → below) so they fill fully as makers; returns how many."""
        crossed = 0
        for order in self.open_orders(symbol, api_key):
            limit = Decimal(order["price"])
            through = Decimal("1.0001") if order["side"] == "SELL" else Decimal("0.9999")
            self.set_price(order["symbol"], limit * through)
            crossed += 1
        return crossed

    @contextlib.contextmanager
    def auto_fill(self, interval: float = 0.3, api_key: str = SIM_KEY) -> Iterator[None]:
        """While inside, a thread crosses our resting orders every `interval` s — a market
        that fills every maker order shortly after it rests, with no random walk."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(interval):
                with contextlib.suppress(Exception):  # a failed round just waits for the next
                    self.cross_resting(api_key=api_key)

        thread = threading.Thread(target=loop, name="e2e-auto-fill", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)

    def ready(self) -> bool:
        try:
            self.state()
        except (OSError, AssertionError):
            return False
        return True


class SimProcess(SimAdmin):
    """`hedgebot sim` as a subprocess: the synthetic feed (or a CSV replay) moves prices at
    `speed` steps per second. Logs go to files in `workdir`."""

    def __init__(
        self,
        workdir: Path,
        *,
        seed: int = 1,
        speed: float = 8.0,
        prices: list[Path] | None = None,
    ) -> None:
        self.workdir = workdir
        self.seed, self.speed, self.prices = seed, speed, prices
        self.proc: subprocess.Popen[bytes] | None = None
        self.stdout = workdir / "sim.stdout"
        self.stderr = workdir / "sim.stderr"
        super().__init__("http://127.0.0.1:0")

    def start(self) -> SimProcess:
        """Start on a free port and wait until /sim/state answers (retries a port clash)."""
        for _attempt in range(3):
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            args = [PYTHON, "-m", "bot", "sim", "--port", str(port), "--seed", str(self.seed)]
            args += ["--speed", str(self.speed)]
            if self.prices:
                args += ["--prices", *map(str, self.prices)]
            with open(self.stdout, "ab") as out, open(self.stderr, "ab") as err:
                self.proc = subprocess.Popen(
                    args, stdout=out, stderr=err, cwd=self.workdir, env=child_env(None),
                    start_new_session=True,
                )  # fmt: skip
            deadline = time.monotonic() + START_TIMEOUT_S
            while time.monotonic() < deadline and self.proc.poll() is None:
                if self.ready():
                    return self
                time.sleep(0.1)
            if self.proc.poll() is None:
                self.stop()
                break
        raise AssertionError(f"simulator did not start:\n{tail(self.stderr)}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a bounded wait. Idempotent."""
        terminate(self.proc)


class InProcessSim(SimAdmin):
    """The simulator served from a thread of the test process (its own event loop), so plain
    synchronous tests can call it. `feed=False` (default) keeps prices still until moved."""

    def __init__(self, *, seed: int = 0, feed: bool = False, speed: float = 1.0) -> None:
        from bot.sim.server import start

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="e2e-sim", daemon=True)
        self._thread.start()
        coro = start(port=0, feed=feed, seed=seed, speed=speed)
        self.running = asyncio.run_coroutine_threadsafe(coro, self._loop).result(START_TIMEOUT_S)
        super().__init__(self.running.url)

    def stop(self) -> None:
        """Stop the server and its thread. Idempotent."""
        if not self._loop.is_running():
            return
        with contextlib.suppress(Exception):
            stopping = asyncio.run_coroutine_threadsafe(self.running.stop(), self._loop)
            stopping.result(STOP_TIMEOUT_S)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()
