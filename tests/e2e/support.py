"""Plumbing shared by the e2e harness modules: ports, bounded waits, HTTP, child processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "PYTHON",
    "SIM_KEY",
    "START_TIMEOUT_S",
    "STOP_TIMEOUT_S",
    "GiveUp",
    "child_env",
    "free_port",
    "http_json",
    "port_is_free",
    "tail",
    "terminate",
    "venue_symbol",
    "wait_until",
]

SIM_KEY = "sim-key"  # the simulator's default account (and the config's default sim key)
PYTHON = sys.executable
START_TIMEOUT_S = 20.0  # a process that is not serving by then is broken, not slow
STOP_TIMEOUT_S = 15.0
T = TypeVar("T")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the caller retries on a clash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def venue_symbol(symbol: str) -> str:
    """The simulator's id ("BTCUSDT") of a ccxt symbol ("BTC/USDT:USDT") or of an id."""
    return symbol.split(":")[0].replace("/", "").upper()


class GiveUp(Exception):
    """Raised by a `wait_until` predicate to fail at once (e.g. the process it waits on died)."""


def wait_until(
    predicate: Callable[[], T | None],
    timeout: float,
    *,
    what: str = "condition",
    interval: float = 0.25,
    diagnostics: Callable[[], str] | None = None,
) -> T:
    """Poll `predicate` until it returns something truthy (returned) or fail after `timeout` s.

    Exceptions from the predicate count as "not yet" (a server still starting), except
    `GiveUp`, which fails at once; the last one is shown in the failure together with
    `diagnostics()` (e.g. the daemon's log tail).
    """
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        value: T | None = None
        try:
            value = predicate()
        except GiveUp:
            raise
        except Exception as exc:
            last_error = exc
        if value:
            return value
        if time.monotonic() >= deadline:
            detail = f"\nlast error: {last_error!r}" if last_error else ""
            extra = f"\n{diagnostics()}" if diagnostics else ""
            raise AssertionError(
                f"timed out after {timeout:.0f}s waiting for {what}{detail}{extra}"
            )
        time.sleep(interval)


def http_json(method: str, url: str, body: Any = None, *, timeout: float = 5.0) -> Any:
    """`method` `url` with a JSON `body` → the parsed answer (AssertionError on HTTP errors)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{method} {url} → {exc.code}: {exc.read().decode()}") from None


def tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a log file (for failure messages)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "<no file>"
    return "\n".join(text.splitlines()[-lines:])


def child_env(extra: Mapping[str, str] | None) -> dict[str, str]:
    """The test's environment minus any HEDGEBOT_* settings (they would leak into the daemon's
    config), unbuffered so log files can be read while the process runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEDGEBOT_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def terminate(proc: subprocess.Popen[bytes] | None, timeout: float = STOP_TIMEOUT_S) -> int | None:
    """SIGTERM `proc`, SIGKILL it after `timeout` s; its exit code (None if never started)."""
    if proc is None or proc.poll() is not None:
        return None if proc is None else proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(timeout=5)
