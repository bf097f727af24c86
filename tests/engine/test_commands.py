"""`hedgebot check` and `hedgebot plan` against the real simulator (unmodified ccxt over HTTP).
Assertions on the venue read the simulator's own state, not our output."""

from __future__ import annotations

import asyncio
import io
import json
import socket
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.config import load_config
from bot.engine.commands import check_command, plan_command
from bot.exchange.client_ids import make_client_id
from bot.sim.server import RunningSim
from bot.store import Journal

from .conftest import KEY, ConfigFactory, closed_port, settings_for

BTC = {
    "spot": {"account": "main", "asset": "BTC"},
    "perp": {"account": "main", "symbol": "BTC/USDT:USDT"},
    "target_ratio": 1.0,
    "leverage": 2,
    "margin_mode": "isolated",
}


def hedge(**changes: Any) -> dict[str, Any]:
    out = {**BTC, **changes}
    return {"BTC": out}


async def run_check(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = await check_command(settings_for(path), stream=out)
    return code, out.getvalue()


async def run_plan(path: Path, *, as_json: bool) -> tuple[int, str]:
    out = io.StringIO()
    code = await plan_command(settings_for(path), as_json=as_json, stream=out)
    return code, out.getvalue()


def failures(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("✗", "FAIL"))]


def account(sim: RunningSim) -> dict[str, Any]:
    state: dict[str, Any] = sim.engine.state()["accounts"][KEY]
    return state


# --- check ---------------------------------------------------------------------------------


async def test_check_passes_on_a_good_config_and_sets_margin_mode_and_leverage(
    sim: RunningSim, write_config: ConfigFactory
) -> None:
    """A good config exits 0 with no ✗ line; margin mode and leverage end up set on the venue."""
    path = write_config(sim.url, hedge(leverage=3, margin_mode="isolated"))
    code, text = await run_check(path)
    assert code == 0, text
    assert failures(text) == []
    assert "accounts.main" in text and "reachable" in text
    assert "hedges.BTC.perp.symbol: BTC/USDT:USDT: linear perpetual" in text
    assert "hedges.BTC.spot.asset: BTC" in text
    assert account(sim)["settings"]["BTCUSDT"] == {"leverage": 3, "marginType": "ISOLATED"}
    assert account(sim)["orders"] == []


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"perp": {"account": "main", "symbol": "BTC/USDX:USDX"}}, "hedges.BTC.perp.symbol"),
        ({"spot": {"account": "main", "asset": "NOPECOIN"}}, "hedges.BTC.spot.asset: NOPECOIN"),
    ],
    ids=["unknown-symbol", "unknown-asset"],
)
async def test_check_fails_naming_the_bad_symbol_or_asset(
    sim: RunningSim, write_config: ConfigFactory, changes: dict[str, Any], names: str
) -> None:
    """An unknown perp symbol or an unknown spot asset → exit 1, one ✗ line naming it."""
    code, text = await run_check(write_config(sim.url, hedge(**changes)))
    assert code == 1
    bad = failures(text)
    assert len(bad) == 1 and names in bad[0], text
    assert "fix:" in text
    assert text.rstrip().endswith("check failed: 1 problem(s), 0 warning(s)")


async def test_check_fails_cleanly_when_the_simulator_is_unreachable(
    write_config: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Connection refused → a ✗ line for the account with a fix, exit 1, no traceback."""
    url = f"http://127.0.0.1:{closed_port()}"
    code = await asyncio.to_thread(main, ["check", "-c", str(write_config(url))])
    captured = capsys.readouterr()
    assert code == 1
    bad = failures(captured.out)
    assert len(bad) == 1 and bad[0].startswith("✗ accounts.main (binance, sim)"), captured.out
    assert f"is the simulator running at {url}?" in captured.out
    assert "Traceback" not in captured.out + captured.err


async def test_check_fails_on_keys_the_venue_refuses(
    sim: RunningSim, write_config: ConfigFactory
) -> None:
    """Unknown API keys → the account's ✗ line says which variables to fix; secret not shown."""
    env = {
        "HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "nobody-knows-this-key",
        "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "and-this-secret-4711",
    }
    out = io.StringIO()
    code = await check_command(load_config(write_config(sim.url), env=env), stream=out)
    text = out.getvalue()
    assert code == 1
    (bad,) = failures(text)
    assert bad.startswith("✗ accounts.main"), text
    assert "HEDGEBOT_ACCOUNTS__MAIN__API_KEY" in text
    assert "and-this-secret-4711" not in text


async def test_check_refuses_leverage_above_the_markets_maximum(
    sim: RunningSim, write_config: ConfigFactory
) -> None:
    """ETH perpetual allows 100× on the venue; 110× is a ✗ naming the maximum, nothing set."""
    eth = {
        "spot": {"account": "main", "asset": "ETH"},
        "perp": {"account": "main", "symbol": "ETH/USDT:USDT"},
        "target_ratio": 0.5,
        "leverage": 110,
    }
    code, text = await run_check(write_config(sim.url, {"ETH": eth}))
    assert code == 1
    (bad,) = failures(text)
    assert "hedges.ETH" in bad and "at most 100×" in bad
    assert account(sim)["settings"].get("ETHUSDT", {}).get("leverage") != 110


async def test_check_warns_when_the_whole_target_is_dust(
    sim: RunningSim, write_config: ConfigFactory
) -> None:
    """0.001 BTC (≈ 60 USDT) is below the 100 USDT minimum notional: a warning, still exit 0."""
    sim.engine.set_price("BTCUSDT", Decimal(60000))
    sim.engine.set_balance(KEY, "spot", "BTC", Decimal("0.001"))
    code, text = await run_check(write_config(sim.url))
    assert code == 0, text
    (line,) = [x for x in text.splitlines() if "below the venue's minimum" in x]
    assert line.startswith("! hedges.BTC: target short 0.001 BTC")
    assert "dust" in text


async def test_check_reports_local_problems_journal_port_and_notify(
    sim: RunningSim, write_config: ConfigFactory, tmp_path: Path
) -> None:
    """A journal in a missing directory and a bad notify URL fail; a taken API port warns."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        path = write_config(
            sim.url,
            journal={"path": str(tmp_path / "missing" / "j.sqlite")},
            api={"port": port},
            notify={"urls": ["definitely not a url"]},
        )
        code, text = await run_check(path)
    assert code == 1
    bad = failures(text)
    assert any("journal.path" in x and "does not exist" in x for x in bad), text
    assert any(x.startswith("✗ notify.urls[0]") for x in bad), text
    assert "definitely not a url" not in text  # URLs may hold tokens: shown redacted
    assert any(x.startswith(f"! api: cannot bind 127.0.0.1:{port}") for x in text.splitlines())


# --- plan ----------------------------------------------------------------------------------


def _orders_placed(sim: RunningSim) -> int:
    return len(account(sim)["orders"])


async def test_plan_from_flat_sells_the_whole_spot_post_only_at_the_ask_and_places_nothing(
    sim: RunningSim, write_config: ConfigFactory, tmp_path: Path
) -> None:
    """2 BTC spot, no position, target 1 → one post-only sell of 2 contracts at the ask; the
    venue sees no order and the daemon's journal file is not created."""
    sim.engine.set_price("BTCUSDT", Decimal(60000))
    sim.engine.set_balance(KEY, "spot", "BTC", Decimal(2))
    _, ask = sim.engine.best_bid_ask("usdm", "BTCUSDT")
    path = write_config(sim.url)
    code, text = await run_plan(path, as_json=True)
    assert code == 0, text
    doc = json.loads(text)
    btc = doc["hedges"]["BTC"]
    assert doc["ok"] is True and btc["error"] is None
    assert Decimal(btc["spot"]) == 2 and Decimal(btc["perp_contracts"]) == 0
    assert Decimal(btc["ratio"]) == 0 and Decimal(btc["target"]) == 1
    assert Decimal(btc["gap"]) == 2 and btc["within_band"] is False
    assert btc["cancels"] == []
    (order,) = btc["orders"]
    assert order["side"] == "sell" and Decimal(order["amount"]) == 2
    assert Decimal(order["price"]) == ask
    assert order["post_only"] is True and order["reduce_only"] is False
    assert order["purpose"] == "grow"
    assert _orders_placed(sim) == 0 and account(sim)["openOrders"] == []
    assert not (tmp_path / "daemon-journal.sqlite").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hedgebot.yaml"]


async def test_plan_with_half_the_hedge_in_place_sells_the_rest_and_shows_the_ratio(
    sim: RunningSim, write_config: ConfigFactory
) -> None:
    """Short 1 BTC against 2 BTC spot → ratio 0.5, gap 1 BTC, one post-only sell of 1 at the
    ask; the table names the hedge, the ratio as a percentage and the order."""
    sim.engine.set_price("BTCUSDT", Decimal(60000))
    sim.engine.set_balance(KEY, "spot", "BTC", Decimal(2))
    sim.engine.place_order(
        KEY, "usdm", "BTCUSDT", side="SELL", order_type="MARKET", quantity=Decimal(1)
    )
    before = _orders_placed(sim)
    _, ask = sim.engine.best_bid_ask("usdm", "BTCUSDT")
    path = write_config(sim.url)
    code, text = await run_plan(path, as_json=True)
    assert code == 0
    btc = json.loads(text)["hedges"]["BTC"]
    assert Decimal(btc["perp_contracts"]) == -1 and Decimal(btc["perp_base"]) == -1
    assert Decimal(btc["ratio"]) == Decimal("0.5") and Decimal(btc["gap"]) == 1
    (order,) = btc["orders"]
    assert (order["side"], Decimal(order["amount"]), Decimal(order["price"])) == (
        "sell",
        Decimal(1),
        ask,
    )
    assert btc["risk"]["grade"] == "ok" and btc["risk"]["liquidation_distance"] is not None

    code, table = await run_plan(path, as_json=False)
    assert code == 0
    assert "BTC" in table and "50.0 %" in table and "100.0 %" in table
    assert f"would place  sell 1 @ {ask.normalize():f} (post-only, grow" in table
    assert _orders_placed(sim) == before


async def test_plan_shows_the_cancel_of_a_stale_order_but_leaves_it_on_the_venue(
    sim: RunningSim, write_config: ConfigFactory
) -> None:
    """Our resting sell far above the touch would be cancelled by a cycle: the plan lists the
    cancel and no new order, and the order is still open on the venue afterwards."""
    sim.engine.set_price("BTCUSDT", Decimal(60000))
    sim.engine.set_balance(KEY, "spot", "BTC", Decimal(2))
    resting = sim.engine.place_order(
        KEY,
        "usdm",
        "BTCUSDT",
        side="SELL",
        order_type="LIMIT",
        quantity=Decimal(2),
        price=Decimal(66000),
        time_in_force="GTC",
        client_order_id=make_client_id("BTC", "BTC:grow:0>-2"),
    )
    code, text = await run_plan(write_config(sim.url), as_json=True)
    btc = json.loads(text)["hedges"]["BTC"]
    assert code == 0
    (cancel,) = btc["cancels"]
    assert cancel["order_id"] == str(resting["orderId"])
    assert btc["orders"] == []
    (still_open,) = account(sim)["openOrders"]
    assert still_open["orderId"] == resting["orderId"] and still_open["status"] == "NEW"


async def test_plan_within_band_places_nothing_and_says_so(
    sim: RunningSim, write_config: ConfigFactory
) -> None:
    """Target 0.5 with a 0.5 hedge in place: within band, no order, the note says so."""
    sim.engine.set_balance(KEY, "spot", "BTC", Decimal(2))
    sim.engine.place_order(
        KEY, "usdm", "BTCUSDT", side="SELL", order_type="MARKET", quantity=Decimal(1)
    )
    code, text = await run_plan(write_config(sim.url, hedge(target_ratio=0.5)), as_json=True)
    btc = json.loads(text)["hedges"]["BTC"]
    assert code == 0
    assert btc["within_band"] is True and btc["orders"] == [] and "within band" in btc["notes"]


async def test_plan_reads_the_daemons_journal_and_leaves_it_unchanged(
    sim: RunningSim, write_config: ConfigFactory, tmp_path: Path
) -> None:
    """The daemon's journal says the operator paused BTC: the plan (real ccxt, real sim)
    places nothing and says so, and the journal file is left byte for byte as it was."""
    sim.engine.set_balance(KEY, "spot", "BTC", Decimal(2))
    path = write_config(sim.url)
    journal_path = tmp_path / "daemon-journal.sqlite"
    with Journal(journal_path) as journal:
        journal.record_operator_event("pause", source="api", hedge="BTC")
    before = journal_path.read_bytes()
    code, text = await run_plan(path, as_json=True)
    btc = json.loads(text)["hedges"]["BTC"]
    assert code == 0 and btc["orders"] == [] and "paused by operator" in btc["notes"]
    assert journal_path.read_bytes() == before


async def test_plan_exits_1_with_the_reason_when_the_account_is_unreachable(
    write_config: ConfigFactory,
) -> None:
    """Connection refused → the hedge is 'not planned' with the account's error, exit 1."""
    path = write_config(f"http://127.0.0.1:{closed_port()}")
    code, text = await run_plan(path, as_json=False)
    assert code == 1
    assert "BTC: not planned: account main:" in text
    code, text = await run_plan(path, as_json=True)
    doc = json.loads(text)
    assert code == 1 and doc["ok"] is False and "account main" in doc["hedges"]["BTC"]["error"]


async def test_cli_plan_json_prints_only_json_on_stdout(
    sim: RunningSim, write_config: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hedgebot plan --json`: stdout parses as one JSON document (logs go to stderr)."""
    code = await asyncio.to_thread(main, ["plan", "-c", str(write_config(sim.url)), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert set(json.loads(out)["hedges"]) == {"BTC"}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("check", "leverage and margin mode"),
        ("plan", "Places and cancels nothing"),
        ("status", "--json"),
        ("pause", "HEDGEBOT_API_TOKEN"),
    ],
)
def test_help_describes_the_command(
    command: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hedgebot COMMAND --help` exits 0 and says what the command does."""
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert expected in " ".join(capsys.readouterr().out.split())
