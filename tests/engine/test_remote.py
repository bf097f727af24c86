"""`hedgebot status`, `pause`, `resume` against a real API server (aiohttp on 127.0.0.1:0)
backed by a fake engine: what the user sees and the exit codes."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.api.metrics import Metrics
from bot.api.ports import Health
from bot.api.server import ApiHandle, build_api, start_api
from bot.cli import main
from bot.engine.remote import control_command, status_command

from .conftest import closed_port

TOKEN = "remote-test-token-5150"


def status_document() -> dict[str, Any]:
    return {
        "version": "9.9.9",
        "started_at": 1_700_000_000.0,
        "paused": False,
        "hedges": {
            "BTC": {
                "spot": Decimal("2"),
                "perp": Decimal("-1.5"),
                "ratio": Decimal("0.75"),
                "target": Decimal("1.0"),
                "band": Decimal("0.02"),
                "open_orders": [
                    {"side": "sell", "amount": Decimal("0.5"), "price": Decimal("60000.1")}
                ],
                "liquidation_distance": Decimal("0.4"),
                "last_action": "placed sell 0.5 @ 60000.1 (grow)",
                "risk_grade": "ok",
            },
            "ETH": {"spot": Decimal("20"), "ratio": None, "paused": True, "risk_grade": "warn"},
        },
        "accounts": {"main": {"exchange": "binance", "mode": "sim", "breaker": "closed"}},
    }


class FakeDaemon:
    """StatusSource + Controls with a fixed document; records pause/resume calls."""

    def __init__(self) -> None:
        self.document = status_document()
        self.calls: list[tuple[str, str | None]] = []

    def health(self) -> Health:
        return Health(ok=True, last_cycle_ok_at=None)

    def status(self) -> Mapping[str, Any]:
        return self.document

    def _control(self, action: str, hedge: str | None) -> None:
        if hedge is not None and hedge not in self.document["hedges"]:
            raise KeyError(hedge)
        self.calls.append((action, hedge))

    def pause(self, hedge: str | None) -> None:
        self._control("pause", hedge)

    def resume(self, hedge: str | None) -> None:
        self._control("resume", hedge)


@pytest.fixture
def daemon() -> FakeDaemon:
    return FakeDaemon()


@pytest.fixture
async def api(daemon: FakeDaemon) -> AsyncIterator[ApiHandle]:
    app = build_api(daemon, daemon, Metrics(), token=TOKEN)
    handle = await start_api(app, "127.0.0.1", 0)
    yield handle
    await handle.stop()


async def test_status_renders_the_hedge_table(api: ApiHandle) -> None:
    """The table shows each hedge with ratio/target as percentages and its open order."""
    out = io.StringIO()
    assert await status_command(api.url, as_json=False, stream=out) == 0
    text = out.getvalue()
    assert "hedgebot 9.9.9" in text
    assert "BTC" in text and "ETH" in text
    assert "75.0 %" in text and "100.0 %" in text
    assert "sell 0.5 @ 60000.1" in text


async def test_status_json_is_the_daemons_document(api: ApiHandle, daemon: FakeDaemon) -> None:
    """--json prints /status as JSON with the numbers as the daemon sent them (strings)."""
    out = io.StringIO()
    assert await status_command(api.url, as_json=True, stream=out) == 0
    doc = json.loads(out.getvalue())
    assert doc["hedges"]["BTC"]["ratio"] == "0.75"
    assert set(doc["hedges"]) == set(daemon.document["hedges"])


async def test_status_when_no_daemon_runs_says_so_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A closed port → one clear line on stderr, exit 1, nothing on stdout."""
    url = f"http://127.0.0.1:{closed_port()}"
    assert await status_command(url, as_json=False) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"no hedgebot API at {url}: is the daemon running?" in captured.err


@pytest.mark.parametrize(
    ("token", "code", "message"),
    [
        (None, 2, "HEDGEBOT_API_TOKEN is not set; set it to the daemon's token"),
        ("", 2, "HEDGEBOT_API_TOKEN is not set"),
        ("wrong-token", 1, "set HEDGEBOT_API_TOKEN to the daemon's token (it was refused)"),
    ],
    ids=["missing", "empty", "wrong"],
)
async def test_control_without_the_right_token_changes_nothing(
    api: ApiHandle,
    daemon: FakeDaemon,
    capsys: pytest.CaptureFixture[str],
    token: str | None,
    code: int,
    message: str,
) -> None:
    """No token → exit 2 before sending; a wrong one → exit 1; both say what to set."""
    assert await control_command(api.url, "pause", "BTC", token) == code
    assert message in capsys.readouterr().err
    assert daemon.calls == []


@pytest.mark.parametrize(
    ("action", "hedge", "printed"),
    [("pause", "BTC", "paused hedge BTC"), ("resume", None, "resumed all hedges")],
)
async def test_control_with_the_token_reaches_the_daemon(
    api: ApiHandle, daemon: FakeDaemon, action: str, hedge: str | None, printed: str
) -> None:
    """The right token → the daemon's control is called, exit 0, one confirmation line."""
    out = io.StringIO()
    assert await control_command(api.url, action, hedge, TOKEN, stream=out) == 0
    assert daemon.calls == [(action, hedge)]
    assert out.getvalue().strip() == printed


async def test_control_of_an_unknown_hedge_exits_1(
    api: ApiHandle, daemon: FakeDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown hedge name is refused by the daemon: exit 1 naming it."""
    assert await control_command(api.url, "pause", "DOGE", TOKEN) == 1
    assert "unknown hedge 'DOGE'" in capsys.readouterr().err
    assert daemon.calls == []


async def test_control_when_no_daemon_runs_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """A closed port → exit 1 with 'is the daemon running?'."""
    url = f"http://127.0.0.1:{closed_port()}"
    assert await control_command(url, "resume", None, TOKEN) == 1
    assert "is the daemon running?" in capsys.readouterr().err


def _keyless_demo_config(tmp_path: Path, port: int) -> Path:
    """A config whose account needs keys (mode demo) that the environment does not hold."""
    path = tmp_path / "demo.yaml"
    data = {
        "accounts": {"acct": {"exchange": "binance", "mode": "demo"}},
        "api": {"host": "127.0.0.1", "port": port},
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


async def test_cli_status_and_pause_take_the_address_from_a_config_without_keys(
    api: ApiHandle,
    daemon: FakeDaemon,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`status -c` / `pause -c` need no exchange keys: only api.host/port from the config."""
    for name in ("HEDGEBOT_ACCOUNTS__ACCT__API_KEY", "HEDGEBOT_ACCOUNTS__ACCT__SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HEDGEBOT_SECRETS_DIR", str(tmp_path / "no-secrets"))
    path = str(_keyless_demo_config(tmp_path, api.port))
    assert await asyncio.to_thread(main, ["status", "-c", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == "9.9.9"
    monkeypatch.setenv("HEDGEBOT_API_TOKEN", TOKEN)
    assert await asyncio.to_thread(main, ["pause", "ETH", "-c", path]) == 0
    assert daemon.calls == [("pause", "ETH")]
    assert await asyncio.to_thread(main, ["show-config", "-c", path]) == 0
    assert "acct" in capsys.readouterr().out


async def test_cli_pause_without_token_exits_2(
    api: ApiHandle,
    daemon: FakeDaemon,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`hedgebot pause` with HEDGEBOT_API_TOKEN unset: exit 2, the message says to set it."""
    monkeypatch.delenv("HEDGEBOT_API_TOKEN", raising=False)
    assert await asyncio.to_thread(main, ["pause", "--url", api.url]) == 2
    assert "set it to the daemon's token" in capsys.readouterr().err
    assert daemon.calls == []
