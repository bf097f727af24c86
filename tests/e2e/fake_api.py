"""The daemon's real API app over a fake engine, served from a thread: for page states the
simulator cannot produce on demand (no token configured, fields other issues will add)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from bot.api.metrics import Metrics
from bot.api.ports import Health
from bot.api.server import build_api, start_api
from tests.api.conftest import FakeEngine

__all__ = ["fake_api"]


@contextmanager
def fake_api(status: Mapping[str, Any], *, token: str | None) -> Iterator[str]:
    """Serve `status` through `build_api` on 127.0.0.1:0; yields the base URL."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-api", daemon=True)
    thread.start()
    engine = FakeEngine(Health(ok=True, last_cycle_ok_at=time.time()), status)
    app = build_api(engine, engine, Metrics(), token=token, clock=time.time)
    handle = asyncio.run_coroutine_threadsafe(start_api(app, "127.0.0.1", 0), loop).result(10)
    try:
        yield handle.url
    finally:
        asyncio.run_coroutine_threadsafe(handle.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()
