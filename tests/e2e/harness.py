"""End-to-end harness: the simulator and the real `hedgebot` daemon as the user runs them.

Everything here is synchronous (plain `def` tests, `time.sleep` polling) and every wait is
bounded. Other suites (chaos, soak) import everything from here (the pieces live in
support.py, sims.py and daemon_process.py); the API is:

- `E2E(tmp_path)` — one test's stack; `close()` (or the `e2e` fixture) kills whatever is left.
    - `e2e.sim_process(seed=, speed=, prices=)` → `SimProcess`: `hedgebot sim` as a subprocess
      with its moving synthetic price feed (or a CSV replay).
    - `e2e.still_sim(seed=)` → `InProcessSim`: the simulator in a thread of the test process,
      prices still until moved (`set_price`, `cross_resting`, `auto_fill`) — deterministic.
    - `e2e.config(sim_url, hedges={...}, **sections)` → path of a YAML file in tmp_path.
    - `e2e.daemon(config, extra=("--dry-run",))` → started `DaemonProcess`
      (`hedgebot run -c FILE [EXTRA...]`).
    - `e2e.cli("plan", "-c", path)` → `subprocess.CompletedProcess` (bounded).
- `SimAdmin` (both sims): `state()`, `set_price`, `set_balance`, `faults`, `advance`,
  `create_account`, and readers `position`, `spot`, `ratio`, `open_orders`, `orders`, `fills`,
  `price`; `cross_resting()` trades the price through our resting orders so they fill as makers.
- `DaemonProcess`: `send_signal`, `wait`, `stop` (SIGTERM then SIGKILL), `kill`, `events`,
  `wait_for_event`, `more_cycles(n, hedge=)`, `api_url`, `stdout`, `stderr`, `diagnostics()`.
- `wait_until(predicate, timeout, what=..., diagnostics=...)`; a predicate raises `GiveUp` to
  fail at once.

Amounts read from /sim/state are `Decimal`; positions are signed base quantities (short < 0);
a ratio is short exposure / spot holding as a fraction (1 = fully hedged). Symbols may be given
as venue ids ("BTCUSDT") or ccxt symbols ("BTC/USDT:USDT").
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from .daemon_process import DaemonProcess
from .sims import InProcessSim, SimAdmin, SimProcess
from .support import (
    PYTHON,
    SIM_KEY,
    GiveUp,
    child_env,
    free_port,
    port_is_free,
    venue_symbol,
    wait_until,
)

__all__ = [
    "E2E",
    "SIM_KEY",
    "DaemonProcess",
    "GiveUp",
    "InProcessSim",
    "SimAdmin",
    "SimProcess",
    "e2e",
    "free_port",
    "hedge_entry",
    "port_is_free",
    "venue_symbol",
    "wait_until",
    "write_config",
]


# --- configuration -----------------------------------------------------------------------------
def hedge_entry(
    asset: str,
    target: float | str,
    *,
    account: str = "main",
    symbol: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One `hedges.<NAME>` mapping: spot `asset` on `account` hedged with `<ASSET>/USDT:USDT`
    at `target` ratio; extra keys (band, leverage, execution, ...) as given."""
    entry: dict[str, Any] = {
        "spot": {"account": account, "asset": asset},
        "perp": {"account": account, "symbol": symbol or f"{asset}/USDT:USDT"},
        "target_ratio": target,
        "leverage": 2,
        "margin_mode": "isolated",
    }
    entry.update(fields)
    return entry


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def write_config(
    path: Path,
    *,
    sim_url: str | None,
    hedges: Mapping[str, Mapping[str, Any]],
    account: str = "main",
    poll_seconds: float = 1,
    **sections: Any,
) -> Path:
    """Write a daemon config to `path`: one sim account (`url` = `sim_url`; None = embedded
    simulator), `hedges`, a fast schedule, the journal next to the file, the API on a free
    port, JSON logs. `sections` deep-merge over that (e.g. `reliability={...}`)."""
    doc: dict[str, Any] = {
        "accounts": {account: {"exchange": "binance", "mode": "sim"}},
        "hedges": {name: dict(h) for name, h in hedges.items()},
        "schedule": {"poll_seconds": poll_seconds},
        "journal": {"path": str(path.parent / "journal.sqlite")},
        "api": {"port": 0},
        "log": {"format": "json", "level": "info"},
    }
    if sim_url is not None:
        doc["accounts"][account]["url"] = sim_url
    _merge(doc, sections)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


# --- one test's stack --------------------------------------------------------------------------
class E2E:
    """Owns what one test starts in `tmp_path` and kills all of it in `close()`."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self._daemons: list[DaemonProcess] = []
        self._sims: list[SimProcess | InProcessSim] = []

    def sim_process(
        self, *, seed: int = 1, speed: float = 8.0, prices: list[Path] | None = None
    ) -> SimProcess:
        """A started `hedgebot sim` subprocess with moving prices."""
        sim = SimProcess(self.tmp_path, seed=seed, speed=speed, prices=prices)
        self._sims.append(sim)
        return sim.start()

    def still_sim(self, *, seed: int = 0) -> InProcessSim:
        """A started in-process simulator whose prices move only when the test moves them."""
        sim = InProcessSim(seed=seed, feed=False)
        self._sims.append(sim)
        return sim

    def config(
        self,
        sim_url: str | None,
        hedges: Mapping[str, Mapping[str, Any]],
        *,
        name: str = "hedgebot.yaml",
        **kwargs: Any,
    ) -> Path:
        """Write a config into tmp_path (see `write_config`) and return its path."""
        return write_config(self.tmp_path / name, sim_url=sim_url, hedges=hedges, **kwargs)

    def daemon(
        self,
        config: Path | None,
        *,
        env: Mapping[str, str] | None = None,
        name: str = "daemon",
        workdir: Path | None = None,
        extra: tuple[str, ...] = (),
    ) -> DaemonProcess:
        """A started `hedgebot run` (stopped in `close()` if the test does not stop it);
        `extra`: more arguments, e.g. ("--dry-run",)."""
        proc = DaemonProcess(config, workdir or self.tmp_path, env=env, name=name, extra=extra)
        self._daemons.append(proc)
        return proc.start()

    def cli(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run `hedgebot ARGS...` to completion (bounded) and capture its output."""
        return subprocess.run(
            [PYTHON, "-m", "bot", *args],
            cwd=cwd or self.tmp_path,
            env=child_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def close(self) -> None:
        """Stop every daemon (SIGTERM → SIGKILL) and every simulator, even after a failure."""
        for proc in self._daemons:
            with contextlib.suppress(Exception):
                proc.stop(timeout=5)
        for sim in self._sims:
            with contextlib.suppress(Exception):
                sim.stop()


@pytest.fixture
def e2e(tmp_path: Path) -> Iterator[E2E]:
    """An `E2E` stack in tmp_path, torn down (processes killed) when the test ends."""
    stack = E2E(tmp_path)
    try:
        yield stack
    finally:
        stack.close()
