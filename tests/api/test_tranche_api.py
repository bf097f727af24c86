"""POST /tranche over real HTTP: token and same-origin guarded like /pause, the engine's
answer (what was armed, or why nothing could be) passed through, bad bodies refused."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.api.metrics import Metrics
from bot.api.ports import Health
from bot.api.status_view import ApiClientError, post_tranche

TOKEN = "s3cret-token-for-tests"  # what the `serve` fixture configures
Serve = Any


class TrancheEngine:
    """A fake engine (StatusSource and Controls) with one manual tranche, number 3, on BTC."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def health(self) -> Health:
        return Health(ok=True)

    def status(self) -> dict[str, Any]:
        return {"hedges": {"BTC": {}}}

    def pause(self, hedge: str | None) -> None:
        self.calls.append(("pause", hedge))

    def resume(self, hedge: str | None) -> None:
        self.calls.append(("resume", hedge))

    def arm_tranche(self, hedge: str, number: int | None) -> str:
        if hedge != "BTC":
            raise KeyError(hedge)
        if number not in (None, 3) or ("tranche", hedge) in self.calls:
            raise ValueError(f"hedge {hedge} every manual tranche is already armed")
        self.calls.append(("tranche", hedge))
        return "tranche 3 of 3 armed by operator"


async def _post(url: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as s, s.post(url, json=body, headers=headers) as r:
        return r.status, await r.json()


BEARER = {"Authorization": f"Bearer {TOKEN}"}


async def test_tranche_with_the_token_arms_and_says_what(serve: Serve) -> None:
    """With the token the engine arms the tranche and the answer names it."""
    engine = TrancheEngine()
    api = await serve(engine, Metrics())
    status, body = await _post(f"{api.url}/tranche", {"hedge": "BTC", "tranche": 3}, BEARER)
    assert (status, body["armed"]) == (200, "tranche 3 of 3 armed by operator")
    assert engine.calls == [("tranche", "BTC")]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({**BEARER, "Origin": "https://evil.example"}, 403),
    ],
)
async def test_tranche_needs_the_token_and_the_same_origin(
    serve: Serve, headers: dict[str, str], status: int
) -> None:
    """No token, a wrong one, or a cross-site page: refused, nothing armed."""
    engine = TrancheEngine()
    api = await serve(engine, Metrics())
    got, _ = await _post(f"{api.url}/tranche", {"hedge": "BTC"}, headers)
    assert got == status
    assert engine.calls == []


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"hedge": "DOGE"}, 404, "unknown hedge 'DOGE'"),
        ({}, 400, '"hedge": "<name>"'),
        ({"hedge": "BTC", "tranche": "3"}, 400, "is not a whole number"),
        ({"hedge": "BTC", "tranche": 1}, 409, "already armed"),
    ],
)
async def test_tranche_refusals_say_why(
    serve: Serve, body: dict[str, object], status: int, error: str
) -> None:
    """Unknown hedge 404, a bad body 400, nothing to arm 409 — each with the reason."""
    api = await serve(TrancheEngine(), Metrics())
    got, answer = await _post(f"{api.url}/tranche", body, BEARER)
    assert got == status
    assert error in answer["error"]


async def test_client_reports_the_daemons_refusal(serve: Serve) -> None:
    """`post_tranche` (behind `hedgebot tranche`) raises with the daemon's own reason."""
    api = await serve(TrancheEngine(), Metrics())
    assert (await post_tranche(api.url, "BTC", None, TOKEN))["ok"] is True
    with pytest.raises(ApiClientError, match="every manual tranche is already armed"):
        await post_tranche(api.url, "BTC", None, TOKEN)
