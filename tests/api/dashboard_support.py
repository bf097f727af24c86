"""Helpers for the dashboard's API tests: a server with history and alerts, plain HTTP calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import pytest

from bot.api.alerts import AlertSource
from bot.api.history import HistorySource
from bot.api.metrics import Metrics
from bot.api.server import ApiHandle, build_api, start_api
from tests.api.conftest import NOW, TOKEN, FakeEngine

__all__ = ["Answer", "ServeDashboard", "fetch", "serve_dashboard"]

ServeDashboard = Callable[..., Awaitable[ApiHandle]]


class Answer:
    """Status, headers and body text of one HTTP answer."""

    def __init__(self, status: int, headers: Mapping[str, str], text: str) -> None:
        self.status, self.headers, self.text = status, headers, text

    def json(self) -> Any:
        import json

        return json.loads(self.text)


async def fetch(
    method: str, url: str, *, headers: Mapping[str, str] | None = None, json: Any = None
) -> Answer:
    """One request with exactly `headers` (aiohttp adds no Origin or Referer of its own)."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, headers=dict(headers or {}), json=json) as response,
    ):
        return Answer(response.status, dict(response.headers), await response.text())


@pytest.fixture
async def serve_dashboard() -> AsyncIterator[ServeDashboard]:
    """serve_dashboard(engine=None, token=TOKEN, history=None, alerts=None) → a running API."""
    handles: list[ApiHandle] = []

    async def start(
        engine: FakeEngine | None = None,
        *,
        token: str | None = TOKEN,
        history: HistorySource | None = None,
        alerts: AlertSource | None = None,
    ) -> ApiHandle:
        engine = engine or FakeEngine()
        app = build_api(engine, engine, Metrics(), token=token, stale_after_s=60,
                        clock=lambda: NOW, history=history, alerts=alerts)  # fmt: skip
        handles.append(await start_api(app, "127.0.0.1", 0))
        return handles[-1]

    yield start
    for handle in handles:
        await handle.stop()
