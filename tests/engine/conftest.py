"""Fixtures for the one-shot command tests: a real simulator in-process and config files."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
import yaml

from bot.config import Settings, load_config
from bot.sim.server import RunningSim, start

KEY = "sim-key"  # the simulator's default account, which `mode: sim` uses without keys


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The CLI configures logging globally; put it back after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    retry = logging.getLogger("bot.exchange.retry")
    retry_level = retry.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    retry.setLevel(retry_level)
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    """A simulator on 127.0.0.1:<ephemeral> with still prices (no feed)."""
    running = await start(port=0, feed=False)
    yield running
    await running.stop()


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


ConfigFactory = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path) -> ConfigFactory:
    """write_config(url, hedges=..., **sections) → path of a YAML config for one sim account."""

    def write(url: str, hedges: dict[str, Any] | None = None, **sections: Any) -> Path:
        data: dict[str, Any] = {
            "accounts": {"main": {"exchange": "binance", "mode": "sim", "url": url}},
            "hedges": hedges
            if hedges is not None
            else {
                "BTC": {
                    "spot": {"account": "main", "asset": "BTC"},
                    "perp": {"account": "main", "symbol": "BTC/USDT:USDT"},
                    "target_ratio": 1.0,
                    "leverage": 2,
                    "margin_mode": "isolated",
                }
            },
            "journal": {"path": str(tmp_path / "daemon-journal.sqlite")},
            "api": {"port": 0},
        }
        data.update(sections)
        path = tmp_path / "hedgebot.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return path

    return write


def settings_for(path: Path) -> Settings:
    return load_config(path, env={})
